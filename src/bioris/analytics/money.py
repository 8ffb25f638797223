"""Where NBF money comes from: picked financial figures, deal dependence and biobucks realism.

New biotech firms live on upfront fees, milestones and partner-funded R&D. This
module answers three questions with tidy tables:

* :func:`pick_financials` chooses, per firm-year, the figure to use for each field when several
  sources report it (the rule is :data:`PICK_RULE`); :func:`financial_conflicts` lists where
  the sources disagree.
* :func:`milestone_dependence` says how much of a firm's revenue is deal income, from its
  financial statements where they exist and else from the terms of the deals it signed
  (:data:`DEAL_TERMS_RULE`).

Biobucks realism (milestones discounted by the odds of reaching them) is in
:mod:`bioris.analytics.biobucks`.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from bioris.domain.pipeline import FINANCIAL_FIELDS

__all__ = [
    "DEAL_TERMS_RULE",
    "PICK_RULE",
    "RECEIVING_ROLES",
    "financial_conflicts",
    "milestone_dependence",
    "pick_financials",
    "receiving_deals",
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

_REVENUE_FIELDS = ("revenue_total", "upfront_fees", "milestones", "rd_service_fees", "royalties",
                   "product_sales", "grants_and_other")  # fmt: skip
_DEAL_INCOME_FIELDS = ("upfront_fees", "milestones", "rd_service_fees")


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


def receiving_deals(parties: pl.DataFrame, firms: Collection[str]) -> pl.DataFrame:
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
    deals = receiving_deals(parties, firms).join(
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
