"""How far NBFs take their assets: highest stage reached, and migration toward a FIPCO.

Most new biotech firms discover and develop up to phase II and license out; a few run their
own phase III trials, file for approval and sell, migrating toward the fully integrated
pharmaceutical company (FIPCO). :func:`highest_stage` tracks, per firm-year, the highest
development stage any of a firm's assets has reached, overall and in stages the firm ran
itself; :func:`stage_distribution` counts firms per highest stage; :func:`fipco_migration`
dates each firm's own late-stage, registration and marketing events and the year its
value-chain label (:func:`~bioris.analytics.business_models.business_models`) first became
FIPCO, so the migration table and the labels never disagree.

Input is :func:`~bioris.analytics.tables.pipeline_frame` output: one row per dated stage event,
``stage_order`` 0 (discovery) to 6 (marketed), null for discontinued / out-licensed / rights
returned, and ``operator_role`` (own, shared, partner, unknown) seen from the firm.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from bioris.analytics.genealogy import first_exits
from bioris.domain.pipeline import PipelineStage

__all__ = [
    "FIPCO_RULE",
    "NO_PIPELINE_RECORD",
    "OWN_ROLES",
    "PANEL_STAGES",
    "PARTNER_RUN_ONLY",
    "STAGE_LADDER",
    "fipco_migration",
    "highest_stage",
    "panel_stage_distribution",
    "stage_distribution",
]

#: development stages, index = stage_order
STAGE_LADDER = tuple(
    s.value for s in sorted(PipelineStage, key=lambda s: s.order or 0) if s.order is not None
)
#: operator roles that count as the firm running a stage itself
OWN_ROLES = ("own", "shared")
#: a panel firm-year without a dated stage event of the firm yet
NO_PIPELINE_RECORD = "no pipeline record"
#: a panel firm-year whose stage events are all of assets its partners ran
PARTNER_RUN_ONLY = "partner-run only"
#: the categories of :func:`panel_stage_distribution`, lowest first
PANEL_STAGES = (NO_PIPELINE_RECORD, PARTNER_RUN_ONLY, *STAGE_LADDER)

FIPCO_RULE = (
    "fipco_year is the first year the firm's value-chain label is FIPCO (rule "
    "VC4-fipco-own-late-stage-and-marketing of docs/business_models.md: it markets a product "
    "itself, an own-operated asset now marketed or marketing rights taken in the window, and "
    "has run a phase3, registration or marketed stage itself); the first own phase3, "
    "registration and marketed years are the dated steps toward it."
)


def _events(pipeline: pl.DataFrame, firms: Collection[str] | None) -> pl.DataFrame:
    """Dated development-stage events of the firms, in a deterministic order."""
    events = pipeline.filter(pl.col("stage_order").is_not_null() & pl.col("year").is_not_null())
    if firms is not None:
        events = events.filter(pl.col("firm").is_in(list(firms)))
    return events.sort("firm", "year", "date", "event_id", nulls_last=True)


def _first_reached(events: pl.DataFrame, name: str) -> pl.DataFrame:
    """Per firm and stage order, the asset that reached it first."""
    return events.group_by("firm", "stage_order", maintain_order=True).agg(
        pl.col("asset").first().alias(name)
    )


def highest_stage(
    pipeline: pl.DataFrame,
    *,
    firms: Collection[str] | None = None,
    start: int,
    end: int,
    own_roles: Collection[str] = OWN_ROLES,
    exits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The highest development stage each firm's assets have reached, per firm-year.

    A stage counts from the year of its first event on, for good: an asset later
    discontinued, out-licensed or returned still shows the stage it reached (this is the
    highest stage *ever reached*, the firm's accumulated development experience, not its
    current pipeline). The own variant counts only stages the firm ran itself
    (``operator_role`` in ``own_roles``).

    Parameters
    ----------
    pipeline : polars.DataFrame
        :func:`~bioris.analytics.tables.pipeline_frame` output.
    firms : collection of str, optional
        The firms' ids; all firms when omitted.
    start, end : int
        The years reported, both included; events before ``start`` count.
    own_roles : collection of str
        Operator roles that count as the firm's own (default own and shared).
    exits : polars.DataFrame, optional
        ``actor_id, exit_year``: no row after a firm's exit year.

    Returns
    -------
    polars.DataFrame
        ``firm, year, highest_stage_order, highest_stage, highest_asset,
        highest_own_stage_order, highest_own_stage, highest_own_asset``, one row per firm
        and year from its first stage event (or ``start``) to ``end``. ``*_asset`` is the
        asset that reached the stage first; the own columns are null until the firm runs a
        stage itself.

    References
    ----------
    Paul, S. M. et al. (2010). How to improve R&D productivity: the pharmaceutical industry's
    grand challenge. Nature Reviews Drug Discovery 9, 203-214 (the development ladder).
    """
    events = _events(pipeline, firms).filter(pl.col("year") <= end)
    own = events.filter(pl.col("operator_role").is_in(list(own_roles)))
    yearly = events.group_by("firm", "year").agg(pl.col("stage_order").max().alias("_all"))
    yearly_own = own.group_by("firm", "year").agg(pl.col("stage_order").max().alias("_own"))
    first = events.group_by("firm").agg(pl.col("year").min().alias("_first"))
    grid = (
        first.with_columns(
            pl.int_ranges(pl.min_horizontal("_first", start), end + 1, dtype=pl.Int32).alias("year")
        )
        .explode("year")
        .select("firm", "year")
    )
    schema = {"firm": pl.String, "year": pl.Int32}
    grid = grid.cast(schema) if grid.height else pl.DataFrame(schema=schema)
    table = (
        grid.join(yearly.cast({"year": pl.Int32}), on=["firm", "year"], how="left")
        .join(yearly_own.cast({"year": pl.Int32}), on=["firm", "year"], how="left")
        .sort("firm", "year")
        .with_columns(
            _running_max("_all").alias("highest_stage_order"),
            _running_max("_own").alias("highest_own_stage_order"),
        )
        .filter((pl.col("year") >= start) & pl.col("highest_stage_order").is_not_null())
    )
    if exits is not None and exits.height:
        ended = first_exits(exits).rename({"actor_id": "firm"})
        table = (
            table.join(ended, on="firm", how="left")
            .filter(pl.col("exit_year").is_null() | (pl.col("year") <= pl.col("exit_year")))
            .drop("exit_year")
        )
    ladder = dict(enumerate(STAGE_LADDER))
    return (
        table.join(
            _first_reached(events, "highest_asset").rename({"stage_order": "highest_stage_order"}),
            on=["firm", "highest_stage_order"],
            how="left",
        )
        .join(
            _first_reached(own, "highest_own_asset").rename(
                {"stage_order": "highest_own_stage_order"}
            ),
            on=["firm", "highest_own_stage_order"],
            how="left",
        )
        .with_columns(
            pl.col("highest_stage_order")
            .replace_strict(ladder, default=None, return_dtype=pl.String)
            .alias("highest_stage"),
            pl.col("highest_own_stage_order")
            .replace_strict(ladder, default=None, return_dtype=pl.String)
            .alias("highest_own_stage"),
        )
        .select(
            "firm",
            "year",
            "highest_stage_order",
            "highest_stage",
            "highest_asset",
            "highest_own_stage_order",
            "highest_own_stage",
            "highest_own_asset",
        )
        .sort("firm", "year")
    )


def _running_max(column: str) -> pl.Expr:
    """Cumulative maximum per firm (by year), null until the first value."""
    filled = pl.col(column).cast(pl.Int16).fill_null(-1).cum_max().over("firm", order_by="year")
    return pl.when(filled >= 0).then(filled).otherwise(None).cast(pl.Int8)


def stage_distribution(highest: pl.DataFrame, *, own: bool = False) -> pl.DataFrame:
    """Per year, how many firms (and what share) stand at each highest stage.

    Parameters
    ----------
    highest : polars.DataFrame
        :func:`highest_stage` output.
    own : bool
        Count the highest stage the firms ran themselves; firms that ran none yet are then
        counted under ``stage = "none"`` (``stage_order`` null), so shares add up to 1.

    Returns
    -------
    polars.DataFrame
        ``year, stage_order, stage, firms, share``: every stage of the ladder for every
        year (zero counts included), ``share`` = firms / firms with a row that year.
    """
    order = "highest_own_stage_order" if own else "highest_stage_order"
    counts = highest.group_by("year", pl.col(order).alias("stage_order")).agg(
        pl.len().cast(pl.UInt32).alias("firms")
    )
    stages = pl.DataFrame(
        {"stage_order": list(range(len(STAGE_LADDER))), "stage": list(STAGE_LADDER)},
        schema={"stage_order": pl.Int8, "stage": pl.String},
    )
    if own:
        stages = pl.concat([stages, pl.DataFrame({"stage_order": [None], "stage": ["none"]},
                                                 schema=stages.schema)])  # fmt: skip
    years = highest.select(pl.col("year").unique())
    return (
        years.join(stages, how="cross")
        .join(counts, on=["year", "stage_order"], how="left", nulls_equal=True)
        .with_columns(pl.col("firms").fill_null(0))
        .with_columns((pl.col("firms") / pl.col("firms").sum().over("year")).alias("share"))
        .sort("year", "stage_order", nulls_last=True)
    )


def panel_stage_distribution(highest: pl.DataFrame, firm_years: pl.DataFrame) -> pl.DataFrame:
    """Per year, every panel firm by the highest stage its own pipeline had reached.

    The stage is the firm's highest own-run stage (``highest_own_stage`` of
    :func:`highest_stage`: assets it ran itself or with a partner, :data:`OWN_ROLES`, never
    a stage only a partner ran), else :data:`PARTNER_RUN_ONLY` when all its dated stage
    events are of partner-run assets, else :data:`NO_PIPELINE_RECORD`. Every firm of
    ``firm_years`` counts in each of its years, so the firms of a year add up to the panel
    of that year.

    Parameters
    ----------
    highest : polars.DataFrame
        :func:`highest_stage` output (with the own columns).
    firm_years : polars.DataFrame
        ``actor_id, year``: each panel firm's years in the panel (from its entry, through
        its exit year; :meth:`bioris.study.Study.panel_years`).

    Returns
    -------
    polars.DataFrame
        ``year, stage`` (each of :data:`PANEL_STAGES`, zero counts included), ``firms``,
        ``panel_firms`` (the year's panel) and ``share`` (firms / panel_firms).

    Examples
    --------
    >>> highest = pl.DataFrame({"firm": ["a", "b"], "year": [2000, 2000],
    ...                         "highest_stage": ["phase2", "phase1"],
    ...                         "highest_own_stage": ["preclinical", None]})
    >>> years = pl.DataFrame({"actor_id": ["a", "b", "c"], "year": [2000] * 3})
    >>> out = panel_stage_distribution(highest, years).filter(pl.col("firms") > 0)
    >>> out.select("stage", "firms", "panel_firms").rows()
    [('no pipeline record', 1, 3), ('partner-run only', 1, 3), ('preclinical', 1, 3)]
    """
    stage = (
        pl.when(pl.col("highest_own_stage").is_not_null())
        .then(pl.col("highest_own_stage"))
        .when(pl.col("highest_stage").is_not_null())
        .then(pl.lit(PARTNER_RUN_ONLY))
        .otherwise(pl.lit(NO_PIPELINE_RECORD))
    )
    keyed = firm_years.select(pl.col("actor_id").alias("firm"), pl.col("year").cast(pl.Int32))
    keyed = keyed.unique()
    joined = keyed.join(
        highest.select("firm", pl.col("year").cast(pl.Int32), "highest_stage",
                       "highest_own_stage"),
        on=["firm", "year"], how="left",
    )  # fmt: skip
    counts = joined.group_by("year", stage.alias("stage")).agg(
        pl.len().cast(pl.Int64).alias("firms")
    )
    order = {name: i for i, name in enumerate(PANEL_STAGES)}
    stages = pl.DataFrame({"stage": list(PANEL_STAGES)})
    years = keyed.group_by("year").agg(pl.len().cast(pl.Int64).alias("panel_firms"))
    return (
        years.join(stages, how="cross")
        .join(counts, on=["year", "stage"], how="left")
        .with_columns(pl.col("firms").fill_null(0))
        .with_columns((pl.col("firms") / pl.col("panel_firms")).alias("share"))
        .with_columns(pl.col("stage").replace_strict(order, return_dtype=pl.Int8).alias("_k"))
        .sort("year", "_k")
        .select("year", "stage", "firms", "panel_firms", "share")
    )


_LATE = ("phase3", "registration", "marketed")
_FIPCO = "FIPCO"


def fipco_migration(
    pipeline: pl.DataFrame,
    labels: pl.DataFrame,
    *,
    firms: Collection[str] | None = None,
    own_roles: Collection[str] = ("own",),
    exits: pl.DataFrame | None = None,
    end: int | None = None,
) -> pl.DataFrame:
    """Firms migrating toward FIPCO: the steps they took themselves, and when they became one.

    One row per firm with an own-operated (``operator_role`` in ``own_roles``) phase3,
    registration or marketed event, or a year labelled FIPCO. ``fipco_year`` follows
    :data:`FIPCO_RULE`: it is read off the value-chain labels, so it is the year the labels
    turn FIPCO, the labels' own rule and evidence. A firm labelled only up to its exit never
    becomes FIPCO after it. Diagnostics firms that sell their own tests without trials get a
    row with ``first_own_marketed_year`` and no ``fipco_year`` unless the labels make them one.

    Parameters
    ----------
    pipeline : polars.DataFrame
        :func:`~bioris.analytics.tables.pipeline_frame` output.
    labels : polars.DataFrame
        :func:`~bioris.analytics.business_models.business_models` output (``firm, year,
        value_chain, value_chain_rule, value_chain_evidence``).
    firms : collection of str, optional
        The firms' ids; all firms when omitted.
    own_roles : collection of str
        Operator roles that count as the firm's own steps (``own``, as the labels count).
    exits : polars.DataFrame, optional
        ``actor_id, exit_year``: steps after a firm's exit year (taken as another firm's
        subsidiary) are not the firm's own.
    end : int, optional
        The last year of the period: later steps are left out (the labels end there too).

    Returns
    -------
    polars.DataFrame
        ``firm, first_own_phase3_year, first_own_registration_year, first_own_marketed_year,
        fipco_year, last_fipco_year, fipco_basis, evidence, evidence_text``. ``fipco_year`` and
        ``last_fipco_year`` are the first and last years labelled FIPCO (a firm can lose the
        label: the rule needs an own product on the market now); ``fipco_basis`` is the rule
        id of the first FIPCO label; ``evidence`` lists the event ids of the first own event of each
        kind and of that label; ``evidence_text`` cites the steps' asset, stage, year and
        operator.
    """
    events = _events(pipeline, firms).filter(
        pl.col("stage").is_in(_LATE) & pl.col("operator_role").is_in(list(own_roles))
    )
    if end is not None:
        events = events.filter(pl.col("year") <= end)
    if exits is not None and exits.height:
        ended = first_exits(exits).rename({"actor_id": "firm"})
        events = (
            events.join(ended, on="firm", how="left")
            .filter(pl.col("exit_year").is_null() | (pl.col("year") <= pl.col("exit_year")))
            .drop("exit_year")
        )
    firsts = events.group_by("firm", "stage", maintain_order=True).first()
    text = pl.format(
        "{} {}: {} (operated by {}; {})",
        "stage", "year", "asset", pl.col("operator").fill_null("unknown"), "event_id",
    )  # fmt: skip
    years = {
        stage: pl.col("year").filter(pl.col("stage") == stage).first().cast(pl.Int32)
        for stage in _LATE
    }
    steps = (
        firsts.with_columns(
            pl.col("stage").replace_strict({s: i for i, s in enumerate(_LATE)}).alias("_k"),
            text.alias("_text"),
        )
        .sort("firm", "_k")
        .group_by("firm", maintain_order=True)
        .agg(
            years["phase3"].alias("first_own_phase3_year"),
            years["registration"].alias("first_own_registration_year"),
            years["marketed"].alias("first_own_marketed_year"),
            pl.col("event_id").alias("_steps"),
            pl.col("_text").str.join("; ").alias("evidence_text"),
        )
    )
    chosen = labels if firms is None else labels.filter(pl.col("firm").is_in(list(firms)))
    became = (
        chosen.filter(pl.col("value_chain") == _FIPCO)
        .sort("firm", "year")
        .group_by("firm", maintain_order=True)
        .agg(
            pl.col("year").first().cast(pl.Int32).alias("fipco_year"),
            pl.col("year").last().cast(pl.Int32).alias("last_fipco_year"),
            pl.col("value_chain_rule").first().alias("fipco_basis"),
            pl.col("value_chain_evidence").first().alias("_label_evidence"),
        )
    )
    schema = {"firm": pl.String, "_steps": pl.List(pl.String), "evidence_text": pl.String}
    steps = steps if steps.height else pl.DataFrame(schema=schema)
    out = steps.join(became, on="firm", how="full", coalesce=True)
    for column in ("first_own_phase3_year", "first_own_registration_year",
                   "first_own_marketed_year"):  # fmt: skip
        if column not in out.columns:
            out = out.with_columns(pl.lit(None, dtype=pl.Int32).alias(column))
    evidence = pl.concat_list(
        pl.col("_steps").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        pl.col("_label_evidence").fill_null(pl.lit([], dtype=pl.List(pl.String))),
    ).list.unique(maintain_order=True)
    return out.with_columns(evidence.alias("evidence")).select(
        "firm", "first_own_phase3_year", "first_own_registration_year",
        "first_own_marketed_year", "fipco_year", "last_fipco_year", "fipco_basis", "evidence",
        "evidence_text",
    ).sort("firm")  # fmt: skip
