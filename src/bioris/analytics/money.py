"""Where NBF money comes from: picked financial figures, deal dependence and biobucks realism.

Belgian new biotech firms live on upfront fees, milestones and partner-funded R&D. This
module answers three questions with tidy tables:

* :func:`pick_financials` chooses, per firm-year, the figure to use for each field when several
  sources report it (the rule is :data:`PICK_RULE`); :func:`financial_conflicts` lists where
  the sources disagree.
* :func:`milestone_dependence` says how much of a firm's revenue is deal income, from its
  financial statements where they exist and else from the terms of the deals it signed
  (:data:`DEAL_TERMS_RULE`).
* :func:`deal_value_realism` and :func:`firm_year_biobucks` discount the milestones of a deal
  ("biobucks") by the probability that the asset, at its stage at signing, reaches approval,
  with published phase-transition rates (:func:`load_success_rates`).
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import pairwise
from pathlib import Path
from typing import Literal

import polars as pl

from bioris.domain.pipeline import FINANCIAL_FIELDS
from bioris.errors import BiorisError

__all__ = [
    "DEAL_TERMS_RULE",
    "DEVELOPMENT_STAGES",
    "PICK_RULE",
    "RECEIVING_ROLES",
    "deal_value_realism",
    "financial_conflicts",
    "firm_year_biobucks",
    "load_success_rates",
    "milestone_dependence",
    "milestone_probability",
    "pick_financials",
]

PICK_RULE = (
    "For each firm-year, rank its financial records by: (1) source_priority, lowest first "
    "(audited filing, then the company's results release, then the press, then other); "
    "(2) the number of non-null figures, most first; (3) record_id, highest first (the most "
    "recently recorded), which makes the order total and deterministic. Each field takes the "
    "value of the best-ranked record that reports it (a null falls back to the next record), "
    "and {field}_record names that record; figures from a record in another currency than the "
    "best-ranked one are converted through both records' eur_per_unit."
)

#: the firm's own roles in deals that pay it (acquisition targets are left out: the price of
#: an acquisition goes to the shareholders, not into the firm)
RECEIVING_ROLES = ("licensor", "investee", "grantee", "provider")

DEAL_TERMS_RULE = (
    "A firm receives the committed money of a deal (upfront, grant amount, equity) when its own "
    "role is licensor, investee, grantee or provider, or collaborator on the focal side of a "
    "collaboration (the raw files state amounts from the focal firm's side: the partner pays "
    "it). Acquisitions are left out (the price goes to the shareholders), and so are deals "
    "where the firm is licensee, investor, acquirer or client. Money counts in the signing year."
)

#: the development ladder shared by pipeline stages and stage at signing
DEVELOPMENT_STAGES = ("discovery", "preclinical", "phase1", "phase2", "phase3", "registration",
                      "marketed")  # fmt: skip
_TRANSITIONS = tuple(pairwise(DEVELOPMENT_STAGES))
_REVENUE_FIELDS = ("revenue_total", "upfront_fees", "milestones", "rd_service_fees", "royalties",
                   "product_sales", "grants_and_other")  # fmt: skip
_DEAL_INCOME_FIELDS = ("upfront_fees", "milestones", "rd_service_fees")

MilestoneSchedule = Literal["at_approval", "spread"]


# --- picking financial figures -------------------------------------------------------------


def _ranked(financials: pl.DataFrame) -> pl.DataFrame:
    """Records sorted best first within each firm-year, with their rank (0 = best)."""
    filled = pl.sum_horizontal(pl.col(f).is_not_null().cast(pl.Int32) for f in FINANCIAL_FIELDS)
    return (
        financials.with_columns(filled.alias("_filled"))
        .sort(
            ["firm", "year", "source_priority", "_filled", "record_id"],
            descending=[False, False, False, True, True],
            nulls_last=True,
        )
        .with_columns(pl.int_range(pl.len()).over("firm", "year").alias("_rank"))
    )


def pick_financials(financials: pl.DataFrame) -> pl.DataFrame:
    """One row per firm-year with the figure to use for each financial field.

    The rule, also in :data:`PICK_RULE`: rank a firm-year's records by ``source_priority``
    (lowest first: audited filing over the company's results release over the press), then
    by how many figures they report (most first), then by ``record_id`` (highest first). Each
    field takes the value of the best-ranked record that reports it, so a null in the
    preferred record falls back to the next one; ``{field}_record`` names the record used.

    Parameters
    ----------
    financials : polars.DataFrame
        :func:`~bioris.analytics.tables.financials_frame` output (figures in millions of
        ``currency``).

    Returns
    -------
    polars.DataFrame
        ``firm, year, record_id, source_kind, currency, eur_per_unit, records``, the ten
        fields of :data:`~bioris.domain.pipeline.FINANCIAL_FIELDS` in millions of
        ``currency`` (the best-ranked record's), and ``{field}_record`` for each. A figure
        taken from a record in another currency is converted through both records'
        ``eur_per_unit`` (null when either rate is missing).

    Examples
    --------
    A 20-F (filing) and an annual-report highlight (results release) for the same year:
    revenue comes from the 20-F, the year-end cash, which only the highlight gives, from
    the highlight.
    """
    ranked = _ranked(financials)
    picks = []
    for f in FINANCIAL_FIELDS:
        has = pl.col(f).is_not_null()
        picks += [
            pl.col(f).filter(has).first().alias(f),
            pl.col("record_id").filter(has).first().alias(f"{f}_record"),
            pl.col("currency").filter(has).first().alias(f"_{f}_currency"),
            pl.col("eur_per_unit").filter(has).first().alias(f"_{f}_eur"),
        ]
    grouped = ranked.group_by("firm", "year", maintain_order=True).agg(
        pl.col("record_id").first(),
        pl.col("source_kind").first(),
        pl.col("currency").first(),
        pl.col("eur_per_unit").first(),
        pl.len().cast(pl.UInt32).alias("records"),
        *picks,
    )
    converted = [
        pl.when(pl.col(f"_{f}_currency") == pl.col("currency"))
        .then(pl.col(f))
        .otherwise(pl.col(f) * pl.col(f"_{f}_eur") / pl.col("eur_per_unit"))
        .alias(f)
        for f in FINANCIAL_FIELDS
    ]
    head = ["firm", "year", "record_id", "source_kind", "currency", "eur_per_unit", "records"]
    return (
        grouped.with_columns(converted)
        .select(*head, *FINANCIAL_FIELDS, *(f"{f}_record" for f in FINANCIAL_FIELDS))
        .sort("firm", "year")
    )


def _rounding_slack(value: pl.Expr, max_decimals: int = 6) -> pl.Expr:
    """Half a unit of the last decimal a figure shows (78 -> 0.5, 85.2 -> 0.05)."""
    steps = [
        pl.when((value.round(d) - value).abs() <= 1e-9 * pl.max_horizontal(value.abs(), 1.0)).then(
            pl.lit(0.5 * 10.0**-d)
        )
        for d in range(max_decimals + 1)
    ]
    return pl.coalesce(*steps, pl.lit(0.5 * 10.0**-max_decimals))


def financial_conflicts(
    financials: pl.DataFrame, rel_tol: float = 0.0, *, rounding_aware: bool = True
) -> pl.DataFrame:
    """Firm-year-fields where two sources report figures that disagree.

    Two figures of one field disagree when their gap exceeds ``rel_tol`` times the larger
    one and, with ``rounding_aware``, also exceeds what rounding explains: half a unit of the
    last decimal the coarser figure shows (a highlight's "EUR78 million" covers 77.5-78.5, so
    it disagrees with a filing's 76.761 but not with 78.2). Figures in different currencies
    are compared in euro.

    Parameters
    ----------
    financials : polars.DataFrame
        :func:`~bioris.analytics.tables.financials_frame` output.
    rel_tol : float
        Relative tolerance; 0 flags every gap that rounding does not explain. With
        ``rounding_aware=False`` this is a plain relative test (e.g. ``rel_tol=0.02``).
    rounding_aware : bool
        Also require the gap to exceed the coarser figure's rounding.

    Returns
    -------
    polars.DataFrame
        One row per disagreeing pair: ``firm, year, field, record_a, source_kind_a,
        value_a, currency_a, record_b, source_kind_b, value_b, currency_b, rel_difference,
        picked_record``. ``a`` is the record :func:`pick_financials` ranks higher;
        ``picked_record`` is the one it uses for the field.

    Notes
    -----
    The decimals a figure "shows" are read from its value, so a filing figure that happens to
    be a round number of millions is treated as rounded to the million.
    """
    ranked = _ranked(financials)
    keys = ["firm", "year", "record_id", "source_kind", "currency", "eur_per_unit", "_rank"]
    long = (
        ranked.select(*keys, *FINANCIAL_FIELDS)
        .unpivot(index=keys, on=list(FINANCIAL_FIELDS), variable_name="field", value_name="value")
        .filter(pl.col("value").is_not_null())
    )
    pairs = long.join(long, on=["firm", "year", "field"], suffix="_b").filter(
        pl.col("_rank") < pl.col("_rank_b")
    )
    same = pl.col("currency") == pl.col("currency_b")
    scale_a = pl.when(same).then(1.0).otherwise(pl.col("eur_per_unit"))
    scale_b = pl.when(same).then(1.0).otherwise(pl.col("eur_per_unit_b"))
    a, b = pl.col("value") * scale_a, pl.col("value_b") * scale_b
    gap = (a - b).abs()
    bigger = pl.max_horizontal(a.abs(), b.abs())
    slack = pl.max_horizontal(
        _rounding_slack(pl.col("value")) * scale_a.abs(),
        _rounding_slack(pl.col("value_b")) * scale_b.abs(),
    )
    beyond = gap > rel_tol * bigger + 1e-12
    if rounding_aware:
        beyond = beyond & (gap > slack + 1e-12)
    picked = pick_financials(financials).unpivot(
        index=["firm", "year"],
        on=[f"{f}_record" for f in FINANCIAL_FIELDS],
        variable_name="field",
        value_name="picked_record",
    )
    picked = picked.with_columns(pl.col("field").str.strip_suffix("_record"))
    return (
        pairs.filter(beyond)
        .with_columns(
            pl.when(bigger > 0).then(gap / bigger).otherwise(None).alias("rel_difference")
        )
        .join(picked, on=["firm", "year", "field"], how="left")
        .select(
            "firm",
            "year",
            "field",
            pl.col("record_id").alias("record_a"),
            pl.col("source_kind").alias("source_kind_a"),
            pl.col("value").alias("value_a"),
            pl.col("currency").alias("currency_a"),
            pl.col("record_id_b").alias("record_b"),
            "source_kind_b",
            "value_b",
            "currency_b",
            "rel_difference",
            "picked_record",
        )
        .sort("firm", "year", "field", "record_a", "record_b")
    )


# --- dependence on deal income -------------------------------------------------------------


def _receiving(parties: pl.DataFrame, firms: Collection[str]) -> pl.DataFrame:
    """``alliance_id, firm`` of the deals that pay each firm (:data:`DEAL_TERMS_RULE`)."""
    role = pl.col("role")
    pays = role.is_in(RECEIVING_ROLES) | ((role == "collaborator") & pl.col("focal"))
    return (
        parties.filter(pl.col("actor_id").is_in(list(firms)) & pays.fill_null(False))
        .select("alliance_id", pl.col("actor_id").alias("firm"))
        .unique()
    )


def _terms_received(
    alliances: pl.DataFrame, parties: pl.DataFrame, firms: Collection[str], start: int, end: int
) -> pl.DataFrame:
    """Per firm-year: committed money of the deals signed that year that pay the firm."""
    deals = _receiving(parties, firms).join(
        alliances.select("alliance_id", "year", "deal_type", "upfront_eur", "equity_eur"),
        on="alliance_id",
    )
    grant = pl.col("deal_type") == "grant"
    upfront = pl.col("upfront_eur").fill_null(0.0)
    return (
        deals.filter(pl.col("year").is_between(start, end))
        .group_by("firm", pl.col("year").cast(pl.Int32))
        .agg(
            pl.len().cast(pl.UInt32).alias("receiving_deals"),
            upfront.filter(~grant).sum().alias("terms_upfront_eur"),
            upfront.filter(grant).sum().alias("terms_grants_eur"),
            pl.col("equity_eur").fill_null(0.0).sum().alias("terms_equity_eur"),
        )
        .with_columns(
            pl.sum_horizontal("terms_upfront_eur", "terms_grants_eur", "terms_equity_eur").alias(
                "committed_received_eur"
            )
        )
    )


def _from_financials(
    financials: pl.DataFrame, firms: Collection[str], start: int, end: int
) -> pl.DataFrame:
    """Per firm-year with at least one revenue figure: revenue and deal income in euro."""
    scope = financials.filter(
        pl.col("firm").is_in(list(firms)) & pl.col("year").is_between(start, end)
    )
    picked = pick_financials(scope)
    eur = pl.col("eur_per_unit")
    known = pl.any_horizontal(pl.col(f).is_not_null() for f in _DEAL_INCOME_FIELDS)
    return picked.filter(
        pl.any_horizontal(pl.col(f).is_not_null() for f in _REVENUE_FIELDS)
    ).select(
        "firm",
        pl.col("year").cast(pl.Int32),
        (pl.col("revenue_total") * eur).alias("revenue_eur"),
        (pl.col("upfront_fees") * eur).alias("upfront_eur"),
        (pl.col("milestones") * eur).alias("milestones_eur"),
        (pl.col("rd_service_fees") * eur).alias("rd_service_fees_eur"),
        pl.when(known)
        .then(pl.sum_horizontal(*_DEAL_INCOME_FIELDS) * eur)
        .otherwise(None)
        .alias("deal_income_eur"),
        "record_id",
    )


def milestone_dependence(
    financials: pl.DataFrame,
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    *,
    firms: Collection[str],
    start: int,
    end: int,
) -> pl.DataFrame:
    """How much of each firm's revenue is deal income, per firm-year.

    ``basis`` is ``"financials"`` where the firm-year has at least one revenue figure (total
    or any revenue type) after :func:`pick_financials`, else ``"deal_terms"``: the committed
    money of the deals signed that year that pay the firm (:data:`DEAL_TERMS_RULE`).

    Parameters
    ----------
    financials, alliances, parties : polars.DataFrame
        :func:`~bioris.analytics.tables.financials_frame`,
        :func:`~bioris.analytics.tables.alliances_frame` and
        :func:`~bioris.analytics.tables.parties_frame` output.
    firms : collection of str
        The firms' actor ids (the ``firm`` of the financials, the ``actor_id`` of parties).
    start, end : int
        The years, both included.

    Returns
    -------
    polars.DataFrame
        ``firm, year, basis, revenue_eur, upfront_eur, milestones_eur, rd_service_fees_eur,
        deal_income_eur, milestone_share, deal_dependence, receiving_deals,
        terms_upfront_eur, terms_grants_eur, terms_equity_eur, committed_received_eur,
        record_id``, amounts in millions of euro.

        * ``deal_income_eur`` = upfront + milestones + R&D service fees: on the financials
          basis, the sum of those the source gives (a lower bound when it gives only some;
          null when it gives none); on the deal-terms basis, the upfront fees signed.
        * ``milestone_share`` = milestones / revenue and ``deal_dependence`` = deal income /
          revenue; both null on the deal-terms basis, which knows no revenue (milestones
          appear in deal terms only as a contingent headline).
        * ``terms_*`` and ``committed_received_eur`` come from the deal terms on both bases,
          so the two can be compared; ``record_id`` is the best-ranked financial record.

        Firm-years with neither revenue figures nor a paying deal have no row.

    Notes
    -----
    Sources lump revenue types differently (Galapagos' alliance revenue sits in
    ``milestones``, Biocartis' collaboration revenue in ``rd_service_fees``): the shares are
    only as fine as the sources. Grants and equity are money received but not deal income.
    """
    fin = _from_financials(financials, firms, start, end)
    terms = _terms_received(alliances, parties, firms, start, end)
    both = fin.join(terms, on=["firm", "year"], how="full", coalesce=True)
    on_terms = pl.col("record_id").is_null()
    revenue = pl.col("revenue_eur")
    out = both.with_columns(
        pl.when(on_terms).then(pl.lit("deal_terms")).otherwise(pl.lit("financials")).alias("basis"),
        pl.when(on_terms).then(pl.col("terms_upfront_eur")).otherwise(pl.col("upfront_eur"))
        .alias("upfront_eur"),
        pl.when(on_terms).then(pl.col("terms_upfront_eur")).otherwise(pl.col("deal_income_eur"))
        .alias("deal_income_eur"),
        pl.col("receiving_deals").fill_null(0),
        *(pl.col(c).fill_null(0.0) for c in ("terms_upfront_eur", "terms_grants_eur",
                                             "terms_equity_eur", "committed_received_eur")),
    ).with_columns(
        pl.when(revenue > 0).then(pl.col("milestones_eur") / revenue).alias("milestone_share"),
        pl.when(revenue > 0).then(pl.col("deal_income_eur") / revenue).alias("deal_dependence"),
    )  # fmt: skip
    return out.select(
        "firm", "year", "basis", "revenue_eur", "upfront_eur", "milestones_eur",
        "rd_service_fees_eur", "deal_income_eur", "milestone_share", "deal_dependence",
        "receiving_deals", "terms_upfront_eur", "terms_grants_eur", "terms_equity_eur",
        "committed_received_eur", "record_id",
    ).sort("firm", "year")  # fmt: skip


# --- biobucks realism ----------------------------------------------------------------------


def load_success_rates(path: str | Path) -> pl.DataFrame:
    """Read a phase-transition table (``from_stage,to_stage,probability,source``) and check it.

    The bundled table is ``bioris/data/phase_success_rates.csv`` (see
    ``PHASE_SUCCESS_RATES.md`` beside it); a CSV of the same shape replaces it.
    """
    rates = pl.read_csv(path, schema_overrides={"probability": pl.Float64})
    _check_rates(rates)
    return rates


def _check_rates(rates: pl.DataFrame) -> dict[tuple[str, str], float]:
    missing = {"from_stage", "to_stage", "probability"} - set(rates.columns)
    if missing:
        raise BiorisError(f"success-rate table lacks column(s) {sorted(missing)}")
    table: dict[tuple[str, str], float] = {}
    for row in rates.iter_rows(named=True):
        key = (row["from_stage"], row["to_stage"])
        if key in table:
            raise BiorisError(f"success-rate table lists {key[0]}->{key[1]} twice")
        p = row["probability"]
        if p is None or not 0.0 < p <= 1.0:
            raise BiorisError(f"probability of {key[0]}->{key[1]} must be in (0, 1], not {p}")
        table[key] = p
    absent = [f"{a}->{b}" for a, b in _TRANSITIONS if (a, b) not in table]
    if absent:
        raise BiorisError(f"success-rate table lacks transition(s) {absent}")
    return table


def milestone_probability(
    success_rates: pl.DataFrame, *, milestone_schedule: MilestoneSchedule = "at_approval"
) -> pl.DataFrame:
    """Per development stage, the probability of approval and of earning its milestones.

    From a stage with remaining transitions :math:`r_1, ..., r_n` to approval (``marketed``),
    ``p_approval`` is :math:`\\prod_k r_k`. ``p_milestones`` depends on when milestones are
    assumed to be paid:

    * ``"at_approval"``: all at approval, so ``p_milestones = p_approval`` (conservative:
      early milestones are in fact paid more often);
    * ``"spread"``: in equal parts on completing each remaining transition, each part weighted
      by the probability of getting that far: :math:`\\frac{1}{n}\\sum_{j=1}^{n}
      \\prod_{k \\le j} r_k`. Equal parts overweight the early, likely milestones (real
      schedules are back-loaded), so a preclinical deal can score above a phase 2 one: read
      ``"spread"`` as a generous bound and ``"at_approval"`` as a conservative one.

    ``marketed`` has no transition left: both probabilities are 1 (sales milestones are not
    risk-adjusted; the table has no commercial-success rate).

    Returns
    -------
    polars.DataFrame
        ``stage, stage_order, transitions_left, p_approval, p_milestones``.

    References
    ----------
    BIO, Biomedtracker & Amplion (2016). Clinical Development Success Rates 2006-2015.
    Paul, S. M. et al. (2010). How to improve R&D productivity: the pharmaceutical industry's
    grand challenge. Nature Reviews Drug Discovery 9, 203-214.
    DiMasi, J. A., Grabowski, H. G. & Hansen, R. W. (2016). Innovation in the pharmaceutical
    industry: new estimates of R&D costs. Journal of Health Economics 47, 20-33 (phase
    transition probabilities in the same chained form).
    """
    if milestone_schedule not in ("at_approval", "spread"):
        raise BiorisError(
            f"milestone_schedule must be 'at_approval' or 'spread', not {milestone_schedule!r}"
        )
    table = _check_rates(success_rates)
    rows = []
    for order, stage in enumerate(DEVELOPMENT_STAGES):
        steps = [table[t] for t in _TRANSITIONS[order:]]
        reach, cumulative = 1.0, []
        for r in steps:
            reach *= r
            cumulative.append(reach)
        spread = sum(cumulative) / len(cumulative) if cumulative else 1.0
        p_milestones = reach if milestone_schedule == "at_approval" else spread
        rows.append((stage, order, len(steps), reach, p_milestones))
    schema = {"stage": pl.String, "stage_order": pl.Int8, "transitions_left": pl.Int8,
              "p_approval": pl.Float64, "p_milestones": pl.Float64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def deal_value_realism(
    alliances: pl.DataFrame,
    *,
    success_rates: pl.DataFrame,
    milestone_schedule: MilestoneSchedule = "at_approval",
    platform_stage: str | None = "discovery",
) -> pl.DataFrame:
    """How much of each deal's headline ("biobucks") value is realistic, one row per deal.

    ``committed_eur`` (upfront plus equity) is certain; ``contingent_eur`` (milestones) is paid
    only if the asset progresses. It is discounted by ``p_milestones``, the probability of
    progressing from the stage at signing (:func:`milestone_probability`, under
    ``milestone_schedule``), and ``realism = (committed + risk-adjusted contingent) /
    headline``: 1 for a deal without milestones, near 0 for a discovery deal whose headline
    is all milestones.

    Parameters
    ----------
    alliances : polars.DataFrame
        :func:`~bioris.analytics.tables.alliances_frame` output.
    success_rates : polars.DataFrame
        A phase-transition table (:func:`load_success_rates`; ``bioris.data`` loads the
        bundled one).
    milestone_schedule : {"at_approval", "spread"}
        Milestones all paid at approval (default, conservative), or spread in equal parts
        over the remaining transitions.
    platform_stage : str or None
        The stage a ``platform`` deal is rated at. Default ``"discovery"``: a platform deal's
        milestones are earned by programmes that start from discovery. ``None`` leaves
        platform deals unrated. Deals of ``unknown`` stage are always unrated: their
        ``p_milestones``, risk-adjusted contingent and realism are null (unless they have
        no milestones, when nothing needs rating).

    Returns
    -------
    polars.DataFrame
        ``alliance_id, year, deal_type, stage_at_signing, rated_stage, committed_eur,
        contingent_eur, headline_eur, p_milestones, risk_adjusted_contingent_eur,
        risk_adjusted_eur, realism`` (millions of euro; realism null without a headline).

    Examples
    --------
    A deal signed at phase 2 with 10 M€ upfront and 100 M€ milestones, paid at approval:
    p = 0.307 x 0.581 x 0.853 = 0.15215, risk-adjusted contingent 15.215 M€, realism
    (10 + 15.215) / 110 = 0.229.

    References
    ----------
    BIO, Biomedtracker & Amplion (2016). Clinical Development Success Rates 2006-2015.
    Paul, S. M. et al. (2010). Nature Reviews Drug Discovery 9, 203-214.
    Hay, M. et al. (2014). Clinical development success rates for investigational drugs.
    Nature Biotechnology 32, 40-51.
    """
    probs = milestone_probability(success_rates, milestone_schedule=milestone_schedule)
    if platform_stage is not None and platform_stage not in DEVELOPMENT_STAGES:
        raise BiorisError(f"platform_stage must be one of {DEVELOPMENT_STAGES} or None")
    stage = pl.col("stage_at_signing")
    rated = (
        pl.when(stage == "platform")
        .then(pl.lit(platform_stage, dtype=pl.String))
        .when(stage.is_in(DEVELOPMENT_STAGES))
        .then(stage)
        .otherwise(None)
        .alias("rated_stage")
    )
    contingent = pl.col("contingent_eur")
    risk_adjusted = (
        pl.when(contingent == 0).then(0.0).otherwise(contingent * pl.col("p_milestones"))
    )
    return (
        alliances.select(
            "alliance_id",
            "year",
            "deal_type",
            "stage_at_signing",
            rated,
            pl.col("committed_eur").fill_null(0.0),
            pl.col("milestones_eur").fill_null(0.0).alias("contingent_eur"),
            "headline_eur",
        )
        .join(
            probs.select(pl.col("stage").alias("rated_stage"), "p_milestones"),
            on="rated_stage",
            how="left",
        )
        .with_columns(risk_adjusted.alias("risk_adjusted_contingent_eur"))
        .with_columns(
            (pl.col("committed_eur") + pl.col("risk_adjusted_contingent_eur")).alias(
                "risk_adjusted_eur"
            )
        )
        .with_columns(
            pl.when(pl.col("headline_eur") > 0)
            .then(pl.col("risk_adjusted_eur") / pl.col("headline_eur"))
            .alias("realism")
        )
        .sort("year", "alliance_id", nulls_last=True)
    )


def firm_year_biobucks(
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    *,
    firms: Collection[str],
    success_rates: pl.DataFrame,
    start: int,
    end: int,
    milestone_schedule: MilestoneSchedule = "at_approval",
    platform_stage: str | None = "discovery",
) -> pl.DataFrame:
    """Committed, contingent and risk-adjusted value of the deals that pay a firm, per year.

    The deals are those signed in the year where the firm receives (:data:`DEAL_TERMS_RULE`),
    valued by :func:`deal_value_realism`.

    Parameters
    ----------
    alliances, parties : polars.DataFrame
        :func:`~bioris.analytics.tables.alliances_frame` and
        :func:`~bioris.analytics.tables.parties_frame` output.
    firms : collection of str
        The firms' actor ids.
    success_rates, milestone_schedule, platform_stage
        As in :func:`deal_value_realism`.
    start, end : int
        Signing years, both included.

    Returns
    -------
    polars.DataFrame
        ``firm, year, deals, committed_eur, contingent_eur, headline_eur,
        risk_adjusted_contingent_eur, unrated_contingent_eur, realism`` (millions of euro).
        ``unrated_contingent_eur`` holds the milestones of deals of unknown stage, which
        ``risk_adjusted_contingent_eur`` leaves out; ``realism`` = (committed + risk-adjusted
        contingent) / (headline - unrated contingent), so unrated milestones are left out of
        both sides.

    References
    ----------
    BIO, Biomedtracker & Amplion (2016). Clinical Development Success Rates 2006-2015.
    Paul, S. M. et al. (2010). Nature Reviews Drug Discovery 9, 203-214.
    """
    valued = deal_value_realism(
        alliances, success_rates=success_rates, milestone_schedule=milestone_schedule,
        platform_stage=platform_stage,
    )  # fmt: skip
    unrated = pl.col("risk_adjusted_contingent_eur").is_null()
    rated_headline = pl.col("headline_eur") - pl.col("unrated_contingent_eur")
    return (
        _receiving(parties, firms)
        .join(valued, on="alliance_id")
        .filter(pl.col("year").is_between(start, end))
        .group_by("firm", pl.col("year").cast(pl.Int32))
        .agg(
            pl.len().cast(pl.UInt32).alias("deals"),
            pl.col("committed_eur").sum(),
            pl.col("contingent_eur").sum(),
            pl.col("headline_eur").fill_null(0.0).sum(),
            pl.col("risk_adjusted_contingent_eur").fill_null(0.0).sum(),
            pl.col("contingent_eur").filter(unrated).sum().alias("unrated_contingent_eur"),
        )
        .with_columns(
            pl.when(rated_headline > 0)
            .then(
                (pl.col("committed_eur") + pl.col("risk_adjusted_contingent_eur")) / rated_headline
            )
            .alias("realism")
        )
        .sort("firm", "year")
    )
