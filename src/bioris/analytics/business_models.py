"""Business models of the focal firms, year by year, with the rule and the evidence behind each.

:func:`business_models` labels every firm-year on four dimensions, each from the firm's deals
(signed in a look-back window) and its development pipeline (the latest event of each asset):

- ``product_model``: product, platform or hybrid company (Fisken & Rutherford 2002);
- ``value_chain``: RIPCO, NRDO, FIDDO or FIPCO, by how far along the value chain the firm
  operates itself (Pisano 2006);
- ``oi_mode``: the dominant open-innovation process, acquiring, sourcing, selling or
  revealing (Dahlander & Gann 2010), with the counts of each;
- ``portfolio_mix``: closed, open or mixed, by the share of proprietary vs partnered assets
  (Sabatier, Mangematin & Rousselle 2010).

Each label comes with the id of the rule that fired (:data:`RULES`) and the ids of the deals and
pipeline events behind it. :func:`business_model_transitions` lists the dated changes. The
rules, tables and thresholds live in :mod:`bioris.analytics.business_model_rules`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import polars as pl

from bioris.analytics.business_model_rules import (
    DEAL_ROLE_VALUE_CHAIN,
    DIMENSIONS,
    OI_PROCESSES,
    PIPELINE_STAGE_ORDER,
    PRODUCT_STAGES,
    RULES,
    BusinessModelRules,
    label_expressions,
)
from bioris.analytics.genealogy import first_exits
from bioris.errors import BiorisError

__all__ = [
    "BUSINESS_MODEL_SCHEMA",
    "RULES",
    "TRANSITION_SCHEMA",
    "BusinessModelRules",
    "business_model_transitions",
    "business_models",
]

_IDS = pl.List(pl.String)
_NO_IDS = pl.lit([], dtype=_IDS)
_KEY = ["firm", "year"]
BUSINESS_MODEL_SCHEMA: dict[str, pl.DataType] = {
    "firm": pl.String(),
    "year": pl.Int32(),
    "product_model": pl.String(),
    "product_model_rule": pl.String(),
    "product_model_evidence": _IDS,
    "platform_deals": pl.UInt32(),
    "product_deals": pl.UInt32(),
    "value_chain": pl.String(),
    "value_chain_rule": pl.String(),
    "value_chain_evidence": _IDS,
    "oi_mode": pl.String(),
    "oi_mode_rule": pl.String(),
    "oi_mode_evidence": _IDS,
    **{f"oi_{p}_year": pl.UInt32() for p in OI_PROCESSES},
    **{f"oi_{p}_to_date": pl.UInt32() for p in OI_PROCESSES},
    "portfolio_mix": pl.String(),
    "portfolio_mix_rule": pl.String(),
    "portfolio_mix_evidence": _IDS,
    "proprietary_assets": pl.UInt32(),
    "partnered_assets": pl.UInt32(),
    "unknown_operator_assets": pl.UInt32(),
}
TRANSITION_SCHEMA: dict[str, pl.DataType] = {
    "firm": pl.String(),
    "dimension": pl.String(),
    "year": pl.Int32(),
    "from_label": pl.String(),
    "to_label": pl.String(),
    "rule_id": pl.String(),
    "evidence": _IDS,
}
_DEAL_COLUMNS = ("alliance_id", "year", "deal_type", "stage_at_signing", "asset")
_PARTY_COLUMNS = ("alliance_id", "actor_id", "role")
_EVENT_COLUMNS = ("event_id", "firm", "asset", "stage", "year", "operator_role")

# id lists computed per firm-year from the deals (d_) and the pipeline (p_)
_DEAL_LISTS = (
    "d_platform", "d_product", "d_research", "d_research_out", "d_asset_in_to_date",
    "d_asset_in_dev", "d_marketing_in", *(f"d_oi_{p}" for p in OI_PROCESSES),
)  # fmt: skip
_PIPE_LISTS = (
    "p_proprietary", "p_partnered", "p_unknown", "p_own_clinical", "p_own_mid",
    "p_own_marketed", "p_own_beyond_ripco", "p_own_late_to_date",
)  # fmt: skip
_COUNTS = (
    *(f"oi_{p}_{w}" for w in ("year", "to_date") for p in OI_PROCESSES),
    "n_proprietary", "n_partnered", "n_unknown",
)  # fmt: skip


def business_models(
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    pipeline: pl.DataFrame | None = None,
    *,
    firms: Collection[str],
    start: int,
    end: int,
    rules: BusinessModelRules | None = None,
    exits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Label each firm-year's product model, value chain, open-innovation mode and portfolio.

    Parameters
    ----------
    alliances, parties : polars.DataFrame
        :func:`~bioris.analytics.alliances_frame` and :func:`~bioris.analytics.parties_frame`
        (needed columns: alliance_id, year, deal_type, stage_at_signing, asset; alliance_id,
        actor_id, role). Undated deals are left out.
    pipeline : polars.DataFrame, optional
        :func:`~bioris.analytics.tables.pipeline_frame` (needed columns: event_id, firm, asset,
        stage, year, operator_role; ``date`` orders events of one year when present).
        Without it the value chain rests on deals alone and every portfolio is ``none``.
    firms : collection of str
        Actor ids of the focal firms (the NBFs).
    start, end : int
        The years to label. A firm is labelled from its first dated deal or pipeline event
        (or ``start`` if later) to ``end``; earlier deals and events still count as evidence.
        A firm with neither gets no rows.
    rules : BusinessModelRules, optional
        Thresholds, windows and keywords; the documented defaults when omitted.
    exits : polars.DataFrame, optional
        ``actor_id, exit_year``: a firm is labelled up to its exit year (acquisition, merger
        or closure) and not after, when it is no longer an independent firm.

    Returns
    -------
    polars.DataFrame
        One row per firm and year (:data:`BUSINESS_MODEL_SCHEMA`). For each dimension
        ``D`` in product_model, value_chain, oi_mode, portfolio_mix: ``D`` (the label),
        ``D_rule`` (the id of the rule that fired, a key of :data:`RULES`) and ``D_evidence``
        (sorted alliance ids and pipeline event ids behind it). Also the counts the labels
        rest on: ``platform_deals`` and ``product_deals`` in the window; ``oi_P_year`` (deals
        signed that year) and ``oi_P_to_date`` (signed up to that year) for each process P;
        ``proprietary_assets``, ``partnered_assets`` and ``unknown_operator_assets``.

    Notes
    -----
    Every rule, with its thresholds and precedence, is in ``docs/business_models.md``; in
    short, with the default thresholds:

    - product model: a deal is a platform deal when signed at stage ``platform``, of type
      ``platform_service``, or naming a platform keyword; a product deal when signed at a named
      stage (discovery .. marketed). Platform share >= 2/3 -> platform, product share >= 2/3
      -> product, else hybrid, over the deals of the last 5 years.
    - value chain, first rule that applies: FIPCO (own marketing and own late-stage
      development), FIDDO (own research and own phase 2/3), NRDO (in-licensed assets in own
      clinical development), FIDDO (own phase 2/3, nothing in-licensed), RIPCO (licensing out,
      no own development beyond phase 1). "Own" development is the highest stage the firm
      ran itself of an asset it holds now.
    - open-innovation mode: each deal is one process by its type and the firm's role
      (:data:`~bioris.analytics.business_model_rules.DEAL_ROLE_OI`); a process with a unique
      maximum and >= 1/2 of the window's deals is the mode, else mixed.
    - portfolio: each asset's latest event up to the year; own-operated -> proprietary,
      partner- or shared-operated or out-licensed -> partnered; discontinued assets leave.

    The labels are read off public deal and pipeline records: they say what the firm was seen
    doing, not what it intended, and an asset that is never reported again stays at its last
    stage (set ``asset_stale_after_years`` to age it out).

    References
    ----------
    .. [1] Fisken, J. and Rutherford, J. (2002). Business models and investment trends in the
       biotechnology industry in Europe. Journal of Commercial Biotechnology 8(3), 191-199.
    .. [2] Pisano, G. P. (2006). Science Business: The Promise, the Reality, and the Future of
       Biotech. Boston: Harvard Business School Press.
    .. [3] Dahlander, L. and Gann, D. M. (2010). How open is innovation? Research Policy
       39(6), 699-709.
    .. [4] Sabatier, V., Mangematin, V. and Rousselle, T. (2010). From recipe to dinner:
       business model portfolios in the European biopharmaceutical industry. Long Range
       Planning 43(2-3), 431-447. https://doi.org/10.1016/j.lrp.2010.02.001
    .. [5] Goodbye Columbus! New NRDOs forego discovery (2004). Nature Biotechnology 22(9),
       1087. https://doi.org/10.1038/nbt0904-1087

    Examples
    --------
    >>> import polars as pl
    >>> deals = pl.DataFrame({"alliance_id": ["d1"], "year": [2010], "deal_type": ["option"],
    ...     "stage_at_signing": ["discovery"], "asset": ["anti-X antibody"]})
    >>> parties = pl.DataFrame({"alliance_id": ["d1", "d1"], "actor_id": ["nbf", "pharma"],
    ...     "role": ["licensor", "licensee"]})
    >>> bm = business_models(deals, parties, firms=["nbf"], start=2010, end=2011)
    >>> bm.select("year", "product_model", "value_chain", "oi_mode").rows()
    [(2010, 'product', 'RIPCO', 'selling'), (2011, 'product', 'RIPCO', 'selling')]
    """
    rules = rules or BusinessModelRules()
    firm_ids = sorted(set(firms))
    deals = _firm_deals(alliances, parties, firm_ids, rules)
    events = _firm_events(pipeline, firm_ids)
    grid = _firm_years(deals, events, start, end, exits)
    if grid.is_empty():
        return pl.DataFrame(schema=BUSINESS_MODEL_SCHEMA)
    facts = (
        grid.join(_deal_facts(grid, deals, rules), on=_KEY, how="left")
        .join(_pipeline_facts(grid, events, rules), on=_KEY, how="left")
        .with_columns(
            *(pl.col(c).fill_null(_NO_IDS) for c in (*_DEAL_LISTS, *_PIPE_LISTS)),
            *(pl.col(c).fill_null(0) for c in _COUNTS),
        )
    )
    labelled = facts.with_columns(label_expressions(rules))
    return labelled.select(
        [pl.col(name).cast(dtype) for name, dtype in BUSINESS_MODEL_SCHEMA.items()]
    ).sort(_KEY)


def business_model_transitions(labels: pl.DataFrame) -> pl.DataFrame:
    """The dated changes of label: one row per firm, dimension and year a label changes.

    Parameters
    ----------
    labels : polars.DataFrame
        :func:`business_models` output (or any table with ``firm``, ``year`` and, per
        dimension, the label, ``_rule`` and ``_evidence`` columns).

    Returns
    -------
    polars.DataFrame
        Columns ``firm, dimension, year, from_label, to_label, rule_id, evidence``
        (:data:`TRANSITION_SCHEMA`): the label of the previous year, the new label, and the
        rule and evidence of the new label. A firm's first year is not a change.

    References
    ----------
    .. [1] Sabatier, V., Mangematin, V. and Rousselle, T. (2010). From recipe to dinner:
       business model portfolios in the European biopharmaceutical industry. Long Range
       Planning 43(2-3), 431-447.
    """
    parts = [
        labels.select(
            "firm",
            pl.lit(dim).alias("dimension"),
            pl.col("year").cast(pl.Int32),
            pl.col(dim).alias("to_label"),
            pl.col(f"{dim}_rule").alias("rule_id"),
            pl.col(f"{dim}_evidence").alias("evidence"),
        )
        for dim in DIMENSIONS
        if dim in labels.columns
    ]
    if not parts:
        return pl.DataFrame(schema=TRANSITION_SCHEMA)
    long = pl.concat(parts).sort("firm", "dimension", "year")
    long = long.with_columns(
        pl.col("to_label").shift(1).over("firm", "dimension").alias("from_label")
    )
    changed = long.filter(
        pl.col("from_label").is_not_null() & (pl.col("from_label") != pl.col("to_label"))
    )
    return changed.select(list(TRANSITION_SCHEMA)).cast(TRANSITION_SCHEMA)


# -- inputs ----------------------------------------------------------------------------------


def _require(frame: pl.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise BiorisError(f"{what} table lacks column(s) {missing}; it has {frame.columns}")


def _pair_key() -> pl.Expr:
    return pl.concat_str("deal_type", pl.lit("/"), "role")


def _lookup(table: dict[tuple[str, str], str]) -> dict[str, str]:
    return {f"{t}/{r}": v for (t, r), v in table.items()}


def _firm_deals(
    alliances: pl.DataFrame, parties: pl.DataFrame, firms: list[str], rules: BusinessModelRules
) -> pl.DataFrame:
    """One row per firm and dated deal, with what the deal means for the firm in its role."""
    _require(alliances, _DEAL_COLUMNS, "alliances")
    _require(parties, _PARTY_COLUMNS, "parties")
    deals = (
        parties.filter(pl.col("actor_id").is_in(firms))
        .select("alliance_id", pl.col("actor_id").alias("firm"), "role")
        .unique()
        .join(
            alliances.select(
                "alliance_id",
                pl.col("year").cast(pl.Int32).alias("deal_year"),
                "deal_type",
                "stage_at_signing",
                "asset",
            ),
            on="alliance_id",
        )
        .filter(pl.col("deal_year").is_not_null())
    )
    pattern = rules.platform_pattern()
    named = pl.col("asset").str.contains(pattern) if pattern else pl.lit(False)
    is_platform = (
        (pl.col("stage_at_signing") == "platform")
        | (pl.col("deal_type") == "platform_service")
        | named
    ).fill_null(False)
    signal = _pair_key().replace_strict(
        _lookup(DEAL_ROLE_VALUE_CHAIN), default=None, return_dtype=pl.String
    )
    stage = pl.col("stage_at_signing")
    return deals.with_columns(
        oi=_pair_key().replace_strict(
            _lookup(rules.oi_table()), default="unclassified", return_dtype=pl.String
        ),
        vc=signal,
        pm=pl.when(pl.col("deal_type").is_in(rules.product_model_deal_types))
        .then(
            pl.when(is_platform)
            .then(pl.lit("platform"))
            .when(stage.is_in(PRODUCT_STAGES))
            .then(pl.lit("product"))
        )
        .otherwise(None),
    ).with_columns(
        research=(
            (pl.col("pm") == "platform")
            | ((pl.col("vc") == "research_out") & stage.is_in(rules.research_stages))
        ).fill_null(False),
        asset_in_dev=(
            (pl.col("vc") == "asset_in") & stage.is_in(rules.nrdo_clinical_stages)
        ).fill_null(False),
    )


def _firm_events(pipeline: pl.DataFrame | None, firms: list[str]) -> pl.DataFrame:
    """The firms' dated pipeline events, with a ladder position for development stages."""
    schema = {"event_id": pl.String, "firm": pl.String, "asset": pl.String,
              "stage": pl.String, "ev_year": pl.Int32, "date": pl.String,
              "operator_role": pl.String}  # fmt: skip
    if pipeline is None or pipeline.is_empty():
        return pl.DataFrame(schema=schema).with_columns(order=pl.lit(None, pl.Int8))
    _require(pipeline, _EVENT_COLUMNS, "pipeline")
    date = pl.col("date").cast(pl.String) if "date" in pipeline.columns else pl.lit(None)
    events = pipeline.filter(pl.col("firm").is_in(firms)).select(
        "event_id", "firm", "asset", "stage", pl.col("year").cast(pl.Int32).alias("ev_year"),
        date.cast(pl.String).alias("date"), "operator_role",
    )  # fmt: skip
    order = pl.col("stage").replace_strict(PIPELINE_STAGE_ORDER, default=None)
    return events.filter(pl.col("ev_year").is_not_null()).with_columns(order=order.cast(pl.Int8))


def _firm_years(
    deals: pl.DataFrame,
    events: pl.DataFrame,
    start: int,
    end: int,
    exits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Every year from a firm's first deal or event (not before ``start``) to ``end``, or to
    its exit year when that comes first."""
    first = (
        pl.concat([
            deals.select("firm", pl.col("deal_year").alias("y")),
            events.select("firm", pl.col("ev_year").alias("y")),
        ])
        .group_by("firm")
        .agg(pl.col("y").min().clip(lower_bound=start).alias("first"))
    )  # fmt: skip
    if exits is not None and exits.height:
        ended = first_exits(exits).rename({"actor_id": "firm"})
        first = first.join(ended, on="firm", how="left")
    else:
        first = first.with_columns(pl.lit(None, dtype=pl.Int32).alias("exit_year"))
    first = first.with_columns(
        pl.min_horizontal(pl.col("exit_year").fill_null(end), pl.lit(end)).alias("last")
    ).filter(pl.col("first") <= pl.col("last"))
    return (
        first.select(
            "firm", pl.int_ranges("first", pl.col("last") + 1, dtype=pl.Int32).alias("year")
        )
        .explode("year")
        .sort(_KEY)
    )


# -- facts per firm-year ---------------------------------------------------------------------


def _ids(condition: pl.Expr, column: str = "alliance_id") -> pl.Expr:
    return pl.col(column).filter(condition).unique().sort()


def _deal_facts(grid: pl.DataFrame, deals: pl.DataFrame, rules: BusinessModelRules) -> pl.DataFrame:
    """Per firm-year: the deal id lists each rule reads, and the open-innovation counts."""
    # firm-years x the firm's deals signed up to that year (a join per firm, not all x all)
    seen = grid.join(deals, on="firm").filter(pl.col("deal_year") <= pl.col("year"))
    window = (
        pl.col("deal_year") > pl.col("year") - rules.window_years
        if rules.window_years is not None
        else pl.lit(True)
    )
    this_year = pl.col("deal_year") == pl.col("year")
    return seen.group_by(_KEY).agg(
        _ids(window & (pl.col("pm") == "platform")).alias("d_platform"),
        _ids(window & (pl.col("pm") == "product")).alias("d_product"),
        _ids(window & pl.col("research")).alias("d_research"),
        _ids(window & (pl.col("vc") == "research_out")).alias("d_research_out"),
        _ids(pl.col("vc") == "asset_in").alias("d_asset_in_to_date"),
        _ids(window & pl.col("asset_in_dev")).alias("d_asset_in_dev"),
        _ids(window & (pl.col("vc") == "marketing_in")).alias("d_marketing_in"),
        *(_ids(window & (pl.col("oi") == p)).alias(f"d_oi_{p}") for p in OI_PROCESSES),
        *(
            pl.col("alliance_id")
            .filter(this_year & (pl.col("oi") == p))
            .n_unique()
            .alias(f"oi_{p}_year")
            for p in OI_PROCESSES
        ),
        *(
            pl.col("alliance_id").filter(pl.col("oi") == p).n_unique().alias(f"oi_{p}_to_date")
            for p in OI_PROCESSES
        ),
    )


def _asset_states(seen: pl.DataFrame, rules: BusinessModelRules) -> pl.DataFrame:
    """Each asset's state in each firm-year: who holds it now and how far the firm took it.

    The latest event up to the year gives the status and the holder (so out-licensing,
    rights returned and discontinuation take effect). ``own_reached`` is the highest
    development stage the firm operated itself so far: a new trial of a marketed drug (a
    phase 3 in a new indication) does not take the drug off the market, and a stage run by a
    partner is not the firm's own development.
    """
    ordered = seen.sort([*_KEY, "asset", "ev_year", "date", "order", "event_id"], nulls_last=False)
    own_order = pl.col("order").filter(pl.col("operator_role") == "own")
    states = ordered.group_by([*_KEY, "asset"], maintain_order=True).agg(
        pl.col("event_id").last(),
        pl.col("stage").last().alias("status"),
        pl.col("operator_role").last(),
        pl.col("ev_year").last(),
        own_order.max().alias("own_reached"),
        pl.col("event_id")
        .filter((pl.col("operator_role") == "own") & (pl.col("order") == own_order.max()))
        .last()
        .alias("own_reached_id"),
    )
    states = states.filter(pl.col("status") != "discontinued")
    if rules.asset_stale_after_years is not None:
        states = states.filter(pl.col("ev_year") > pl.col("year") - rules.asset_stale_after_years)
    position = (
        pl.when(pl.col("status") == "out_licensed")
        .then(pl.lit("partnered"))
        .when(pl.col("operator_role") == "own")
        .then(pl.lit("proprietary"))
        .when(pl.col("operator_role").is_in(["partner", "shared"]))
        .then(pl.lit("partnered"))
        .otherwise(pl.lit("unknown"))
    )
    names = {order: stage for stage, order in PIPELINE_STAGE_ORDER.items()}
    own_stage = pl.col("own_reached").replace_strict(names, default=None, return_dtype=pl.String)
    return states.with_columns(position=position, own_stage=own_stage)


def _pipeline_facts(
    grid: pl.DataFrame, events: pl.DataFrame, rules: BusinessModelRules
) -> pl.DataFrame:
    """Per firm-year: event id lists of the current portfolio and of own late-stage history."""
    seen = grid.join(events, on="firm").filter(pl.col("ev_year") <= pl.col("year"))
    own_event = pl.col("operator_role") == "own"
    history = seen.group_by(_KEY).agg(
        _ids(own_event & pl.col("stage").is_in(rules.fipco_late_stages), "event_id").alias(
            "p_own_late_to_date"
        )
    )
    # own development counts while the firm holds the asset (its latest event is own)
    held = pl.col("position") == "proprietary"
    stage = pl.col("own_stage")
    ripco_max = PIPELINE_STAGE_ORDER[rules.ripco_max_own_stage]

    def asset_ids(condition: pl.Expr) -> pl.Expr:
        # the asset's latest event and the event at which the firm took it furthest
        latest = pl.col("event_id").filter(condition)
        return (
            latest.append(pl.col("own_reached_id").filter(condition)).drop_nulls().unique().sort()
        )

    portfolio = (
        _asset_states(seen, rules)
        .group_by(_KEY)
        .agg(
            asset_ids(held).alias("p_proprietary"),
            asset_ids(pl.col("position") == "partnered").alias("p_partnered"),
            asset_ids(pl.col("position") == "unknown").alias("p_unknown"),
            held.sum().alias("n_proprietary"),
            (pl.col("position") == "partnered").sum().alias("n_partnered"),
            (pl.col("position") == "unknown").sum().alias("n_unknown"),
            asset_ids(held & stage.is_in(rules.nrdo_clinical_stages)).alias("p_own_clinical"),
            asset_ids(held & stage.is_in(rules.fiddo_own_stages)).alias("p_own_mid"),
            asset_ids(held & (stage == "marketed")).alias("p_own_marketed"),
            asset_ids(held & (pl.col("own_reached") > ripco_max)).alias("p_own_beyond_ripco"),
        )
    )
    return history.join(portfolio, on=_KEY, how="left")
