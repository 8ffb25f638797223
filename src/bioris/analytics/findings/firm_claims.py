"""Claims 3, 4, 5 and 7: the panel firms work at early stages, run closed and open business
models side by side, live on deal income while early, and a few grow into integrated companies.

References
----------
Kaplan, E. L., & Meier, P. (1958). JASA 53(282), 457-481 (claim 7's time to the first step).
"""

from __future__ import annotations

import warnings
from collections.abc import Collection

import polars as pl
from scipy import stats

from bioris.analytics.findings.common import (
    NOT_SUPPORTED,
    SUPPORTED,
    ClaimResult,
    FindingContext,
    FindingRules,
    _and,
    _binomial_name,
    _bootstrap_name,
    _ci,
    _cluster_bootstrap,
    _exact_ci,
    _firm_list,
    _firms,
    _not_enough,
    _of,
    _pct,
    _row,
    _short,
)
from bioris.analytics.pipeline import NO_PIPELINE_RECORD, panel_stage_distribution

_LATE = ("phase3", "registration", "marketed")
_NO_RECORD = NO_PIPELINE_RECORD


# -- claim 3: early stages --------------------------------------------------------------------


def early_stage_claim(
    sides: pl.DataFrame,
    highest: pl.DataFrame,
    firm_years: pl.DataFrame,
    ctx: FindingContext,
    rules: FindingRules,
    *,
    deal_types: Collection[str] | None = None,
) -> ClaimResult:
    """Claim 3: most of the panel's work is at the discovery and preclinical stages.

    Indicator: the share of the panel's deals of ``deal_types`` (distinct deals, signed in a
    panel year) signed at one of ``rules.early_stages``, among those with a known stage,
    with its exact CI; supported when the lower bound exceeds ``rules.majority``.
    Descriptive: every panel firm's highest own-run pipeline stage per year (``highest``,
    :func:`~bioris.analytics.pipeline.highest_stage`), ``partner-run only`` and
    ``no pipeline record`` counted, so the shares are of all panel firms.
    """
    sources = ("findings_claim3_deal_stages.csv", "findings_claim3_pipeline_stages.csv")
    chosen = (
        sides if deal_types is None else sides.filter(pl.col("deal_type").is_in(list(deal_types)))
    )
    known = pl.col("stage_at_signing").is_not_null() & (pl.col("stage_at_signing") != "unknown")
    deals = chosen.group_by("alliance_id").agg(
        pl.col("stage_at_signing").first(), pl.col("firm").unique()
    )
    stages = (
        deals.group_by("stage_at_signing")
        .agg(
            pl.len().alias("deals"),
            pl.col("firm")
            .list.explode(keep_nulls=False, empty_as_null=False)
            .n_unique()
            .alias("firms"),
        )
        .with_columns(pl.col("stage_at_signing").is_in(list(rules.early_stages)).alias("early"))
        .sort("deals", "stage_at_signing", descending=[True, False])
    )
    with_stage = deals.filter(known)
    n = with_stage.height
    k = int(with_stage["stage_at_signing"].is_in(list(rules.early_stages)).sum())
    n_firms = with_stage["firm"].explode().n_unique() if n else 0
    stages = stages.with_columns(
        pl.when(known).then(pl.col("deals") / max(n, 1)).alias("share_of_known")
    )
    pipeline = panel_stage_distribution(highest, firm_years).filter(pl.col("firms") > 0)
    evidence = {sources[0]: stages, sources[1]: pipeline}
    early = _and(rules.early_stages).replace(" and ", " or ")
    common = dict(
        hypothesis=f"Most deals {ctx.panel} signed in {ctx.period} were signed at the {early} "
        "stage",
        indicator=f"share of the panel's deals signed at the {early} stage, of the deals with a "
        "known stage; the panel's highest own pipeline stage per year (no pipeline record counted)",
        n=n,
        n_unit="deals",
        test=_binomial_name(rules),
        caveat=f"{deals.height - n} deals with an unknown stage are left out; pipeline records "
        "cover some firms only (firms without one are counted as 'no pipeline record').",
    )
    short = _short(n, rules.min_deals, "deals with a known stage") or _short(
        n_firms, rules.min_firms, "firms behind them"
    )
    if short:
        return ClaimResult(_not_enough(3, sources, short, **common), evidence)
    low, high = _exact_ci(k, n, rules.confidence)
    text = (
        f"{_of(k, n, 'deals')} signed at the {early} stage ({_ci(low, high, rules)}; "
        f"{n_firms} firms)"
    )
    last = pipeline.filter(pl.col("year") == pipeline["year"].max()) if pipeline.height else None
    if last is not None and last.height:
        firms = int(last["firms"].sum())
        none = int(last.filter(pl.col("stage") == _NO_RECORD)["firms"].sum())
        late = int(last.filter(pl.col("stage").is_in(_LATE))["firms"].sum())
        text += (
            f"; in {last['year'][0]}, {late} of {firms} panel firms had run a late stage "
            f"themselves and {none} had no pipeline record"
        )
    verdict = SUPPORTED if low > rules.majority else NOT_SUPPORTED
    row = _row(
        3,
        sources,
        value=k / n,
        value_text=text,
        ci_low=low,
        ci_high=high,
        verdict=verdict,
        **common,
    )
    return ClaimResult(row, evidence)


# -- claim 4: portfolios of business models ---------------------------------------------------


def portfolio_claim(labels: pl.DataFrame, ctx: FindingContext, rules: FindingRules) -> ClaimResult:
    """Claim 4: the panel firms run closed and open business models side by side.

    Indicator: the share of firm-years with a pipeline of known operators
    (:func:`~bioris.analytics.business_models.business_models` ``proprietary_assets +
    partnered_assets > 0``) in which the firm holds both proprietary (closed) and partnered
    (open) assets; the CI is a percentile bootstrap over firms (a firm's years move
    together). Supported when its lower bound exceeds ``rules.majority``. The evidence also
    counts the years labelled ``mixed`` (neither kind at two thirds, PF3).
    """
    sources = ("findings_claim4_portfolio.csv",)
    assets = labels.filter((pl.col("proprietary_assets") + pl.col("partnered_assets")) > 0)
    both = (pl.col("proprietary_assets") > 0) & (pl.col("partnered_assets") > 0)
    per_firm = (
        assets.group_by("firm")
        .agg(
            pl.len().alias("firm_years"),
            both.sum().alias("both_years"),
            (pl.col("portfolio_mix") == "mixed").sum().alias("mixed_label_years"),
            (pl.col("portfolio_mix") == "closed").sum().alias("closed_label_years"),
            (pl.col("portfolio_mix") == "open").sum().alias("open_label_years"),
        )
        .sort("firm")
    )
    n, n_firms = int(per_firm["firm_years"].sum()), per_firm.height
    common = dict(
        hypothesis=f"In most firm-years {ctx.panel} held proprietary (closed) and partnered "
        f"(open) assets side by side, {ctx.period}",
        indicator="share of firm-years with a pipeline in which the firm holds both "
        "proprietary and partnered assets",
        n=n,
        n_unit="firm-years",
        test=_bootstrap_name(rules),
        caveat="Only firm-years with pipeline records of known operators count; an asset "
        "stays at its last recorded state.",
    )
    evidence = {sources[0]: per_firm}
    short = _short(n_firms, rules.min_firms, "firms with a pipeline") or _short(
        n, rules.min_deals, "firm-years"
    )
    if short:
        return ClaimResult(_not_enough(4, sources, short, **common), evidence)
    k = int(per_firm["both_years"].sum())
    low, high = _cluster_bootstrap(
        per_firm["both_years"].to_numpy().astype(float),
        per_firm["firm_years"].to_numpy().astype(float),
        rules,
    )
    mixed = int(per_firm["mixed_label_years"].sum())
    text = (
        f"{_of(k, n, 'firm-years')} of {n_firms} firms held both kinds "
        f"({_ci(low, high, rules)}); {mixed} labelled mixed"
    )
    verdict = SUPPORTED if low > rules.majority else NOT_SUPPORTED
    row = _row(
        4,
        sources,
        value=k / n,
        value_text=text,
        ci_low=low,
        ci_high=high,
        verdict=verdict,
        **common,
    )
    return ClaimResult(row, evidence)


# -- claim 5: deal income ---------------------------------------------------------------------


def deal_income_claim(
    dependence: pl.DataFrame,
    highest: pl.DataFrame,
    lifespans: pl.DataFrame,
    firm_years: pl.DataFrame,
    ctx: FindingContext,
    rules: FindingRules,
) -> ClaimResult:
    """Claim 5: early-stage firms depend on upfront, milestone and R&D-fee income.

    Indicator: over panel firm-years with revenue in their financial statements
    (:func:`~bioris.analytics.money.milestone_dependence`, basis ``financials``) at an early
    stage (no asset of the firm has reached phase 3, registration or the market by then,
    ``highest``), the mean share of revenue that is deal income (upfront + milestones + R&D
    service fees, capped at 1), with a bootstrap CI over firms. Supported when its lower bound
    exceeds ``rules.majority``. The evidence gives the same by stage and by firm age.
    """
    sources = ("findings_claim5_deal_income.csv", "findings_claim5_firm_years.csv")
    keyed = firm_years.select(pl.col("actor_id").alias("firm"), pl.col("year").cast(pl.Int32))
    stage = highest.select("firm", pl.col("year").cast(pl.Int32), "highest_stage")
    age = pl.col("year") - pl.col("founded")
    years = (
        dependence.filter(
            (pl.col("basis") == "financials")
            & (pl.col("revenue_eur") > 0)
            & pl.col("deal_income_eur").is_not_null()
        )
        .with_columns(pl.col("year").cast(pl.Int32))
        .join(keyed, on=["firm", "year"])
        .join(stage, on=["firm", "year"], how="left")
        .join(lifespans.select(pl.col("actor_id").alias("firm"), "founded"), on="firm", how="left")
        .select(
            "firm",
            "year",
            "revenue_eur",
            "deal_income_eur",
            (pl.col("deal_income_eur") / pl.col("revenue_eur")).clip(0.0, 1.0).alias("share"),
            pl.when(pl.col("highest_stage").is_null())
            .then(pl.lit("no pipeline record"))
            .when(pl.col("highest_stage").is_in(_LATE))
            .then(pl.lit("late (phase 3 or later)"))
            .otherwise(pl.lit("early (up to phase 2)"))
            .alias("stage_bucket"),
            pl.when(age.is_null())
            .then(pl.lit("unknown"))
            .when(age < 5)
            .then(pl.lit("0-4"))
            .when(age < 10)
            .then(pl.lit("5-9"))
            .when(age < 15)
            .then(pl.lit("10-14"))
            .otherwise(pl.lit("15+"))
            .alias("age_bucket"),
        )
        .sort("firm", "year")
    )
    summary = pl.concat([_buckets(years, "stage_bucket"), _buckets(years, "age_bucket")])
    evidence = {sources[0]: summary, sources[1]: years}
    early = years.filter(pl.col("stage_bucket") == "early (up to phase 2)")
    per_firm = early.group_by("firm").agg(pl.col("share").sum(), pl.len().alias("firm_years"))
    n, n_firms = early.height, per_firm.height
    common = dict(
        hypothesis=f"While their pipelines were early (nothing beyond phase 2), {ctx.panel} "
        f"earned most of their revenue from upfront fees, milestones and R&D service fees "
        f"({ctx.period})",
        indicator="mean share of revenue from upfront fees, milestones and R&D service fees, "
        "early-stage firm-years with reported revenue",
        n=n,
        n_unit="firm-years",
        test=_bootstrap_name(rules),
        caveat="Only firms that publish accounts (listed firms) have revenue figures, and a "
        "firm-year counts only when its statement breaks revenue down; sources lump revenue "
        "types differently, so a share is as fine as its source.",
    )
    short = _short(n_firms, rules.min_firms, "firms with early-stage revenue figures") or _short(
        n, rules.min_deals, "early-stage firm-years with revenue"
    )
    if short:
        return ClaimResult(_not_enough(5, sources, short, **common), evidence)
    value = float(early["share"].mean())
    low, high = _cluster_bootstrap(
        per_firm["share"].to_numpy(), per_firm["firm_years"].to_numpy().astype(float), rules
    )
    late = years.filter(pl.col("stage_bucket").str.starts_with("late"))
    text = (
        f"{_pct(value)} of revenue on average ({_ci(low, high, rules)}) over {n} early-stage "
        f"firm-years of {n_firms} firms"
    )
    if late.height:
        text += f"; {_pct(float(late['share'].mean()))} over {late.height} late-stage firm-years"
    verdict = SUPPORTED if low > rules.majority else NOT_SUPPORTED
    row = _row(
        5,
        sources,
        value=value,
        value_text=text,
        ci_low=low,
        ci_high=high,
        verdict=verdict,
        **common,
    )
    return ClaimResult(row, evidence)


def _buckets(years: pl.DataFrame, column: str) -> pl.DataFrame:
    return (
        years.group_by(pl.col(column).alias("bucket"))
        .agg(
            pl.len().cast(pl.Int64).alias("firm_years"),
            pl.col("firm").n_unique().cast(pl.Int64).alias("firms"),
            pl.col("share").mean().alias("mean_share"),
            (pl.col("deal_income_eur").sum() / pl.col("revenue_eur").sum()).alias("pooled_share"),
        )
        .select(pl.lit(column.removesuffix("_bucket")).alias("by"), pl.all())
        .sort("bucket")
    )


# -- claim 7: migration toward FIPCO ----------------------------------------------------------


def fipco_claim(
    migration: pl.DataFrame,
    lifespans: pl.DataFrame,
    firm_years: pl.DataFrame,
    pipeline_firms: Collection[str],
    ctx: FindingContext,
    rules: FindingRules,
) -> ClaimResult:
    """Claim 7: a few panel firms migrate toward a fully integrated company (FIPCO).

    A firm migrates when it runs a phase 3, a registration or a marketed stage itself, or is
    labelled FIPCO (``migration``, :func:`~bioris.analytics.pipeline.fipco_migration`), in the
    period. Indicator: the share of panel firms that did, with its exact CI; supported when at
    least two did and the CI's upper bound is below one half (a few, a minority). Time from
    entry (founding, else first deal) to the first such step: Kaplan-Meier
    (``scipy.stats.ecdf`` on right-censored data, censored at the exit or the period's end)
    with Greenwood's interval. Not enough data when fewer than ``min_firms`` panel firms
    have any pipeline record (``pipeline_firms``).
    """
    sources = ("findings_claim7_fipco.csv", "findings_claim7_kaplan_meier.csv")
    firms = _firms(firm_years)
    steps = (
        "first_own_phase3_year",
        "first_own_registration_year",
        "first_own_marketed_year",
        "fipco_year",
    )
    table = (
        pl.DataFrame({"firm": firms}, schema={"firm": pl.String})
        .join(
            lifespans.select(pl.col("actor_id").alias("firm"), "entry_year", "exit_year"),
            on="firm",
            how="left",
        )
        .join(migration.select("firm", *steps), on="firm", how="left")
        .with_columns(
            pl.min_horizontal(*steps).alias("step_year"),
            pl.col("firm").is_in(list(pipeline_firms)).alias("pipeline_record"),
        )
        .with_columns(
            pl.min_horizontal(pl.col("exit_year").fill_null(ctx.end), pl.lit(ctx.end)).alias(
                "_last"
            ),
        )
        .with_columns(
            (pl.col("step_year").is_not_null() & (pl.col("step_year") <= pl.col("_last"))).alias(
                "migrated"
            ),
        )
        .with_columns(
            (
                pl.when(pl.col("migrated")).then(pl.col("step_year")).otherwise(pl.col("_last"))
                - pl.col("entry_year")
            )
            .clip(lower_bound=0)
            .alias("years_from_entry"),
        )
        .drop("_last")
    )
    km = _kaplan_meier(table.drop_nulls("years_from_entry"), rules)
    evidence = {sources[0]: table, sources[1]: km}
    k, n = int(table["migrated"].sum()), len(firms)
    recorded = int(table["pipeline_record"].sum())
    common = dict(
        hypothesis=f"A few of {ctx.panel}, but fewer than half, migrated toward a fully "
        f"integrated company (own phase 3, registration, marketing, or the FIPCO label) in "
        f"{ctx.period}",
        indicator="share of panel firms with an own late-stage step or the FIPCO label; "
        "years from entry to the first step (Kaplan-Meier)",
        n=n,
        n_unit="firms",
        test=f"{_binomial_name(rules)}; Kaplan-Meier (Greenwood)",
        caveat=f"Firms without pipeline records ({n - recorded} of {n}) count as not "
        "migrated; firms that entered before the period are followed from entry (no "
        "left-truncation correction).",
    )
    short = _short(n, rules.min_firms, "panel firms") or _short(
        recorded, rules.min_firms, "panel firms with pipeline records"
    )
    if short:
        return ClaimResult(_not_enough(7, sources, short, **common), evidence)
    low, high = _exact_ci(k, n, rules.confidence)
    moved = table.filter(pl.col("migrated"))["firm"].to_list()
    text = (
        f"{_of(k, n, 'firms')}, {_ci(low, high, rules)}"
        + (f": {_firm_list(moved, ctx)}" if moved else "")
        + "; "
        + _km_text(km, rules)
    )
    verdict = SUPPORTED if k >= 2 and high < 0.5 else NOT_SUPPORTED
    row = _row(
        7,
        sources,
        value=k / n,
        value_text=text,
        ci_low=low,
        ci_high=high,
        verdict=verdict,
        **common,
    )
    return ClaimResult(row, evidence)


def _kaplan_meier(table: pl.DataFrame, rules: FindingRules) -> pl.DataFrame:
    """``years, share_not_migrated, ci_low, ci_high`` (Kaplan & Meier 1958; Greenwood)."""
    schema = {
        "years": pl.Float64,
        "share_not_migrated": pl.Float64,
        "ci_low": pl.Float64,
        "ci_high": pl.Float64,
    }
    times = table["years_from_entry"].to_numpy().astype(float)
    events = table["migrated"].to_numpy()
    if not events.any():
        return pl.DataFrame(schema=schema)
    data = stats.CensoredData(uncensored=times[events], right=times[~events])
    sf = stats.ecdf(data).sf
    with warnings.catch_warnings():  # undefined where the curve reaches 0: scipy says so
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = sf.confidence_interval(confidence_level=rules.confidence)
    return pl.DataFrame(
        {
            "years": sf.quantiles,
            "share_not_migrated": sf.probabilities,
            "ci_low": ci.low.probabilities,
            "ci_high": ci.high.probabilities,
        },
        schema=schema,
    )


def _km_text(km: pl.DataFrame, rules: FindingRules) -> str:
    if not km.height:
        return "no firm took the step"
    reached = km.filter(pl.col("share_not_migrated") <= 0.5)
    if reached.height:
        return f"median time from entry {reached['years'][0]:g} years (Kaplan-Meier)"
    by = km.filter(pl.col("years") <= rules.horizon_years).tail(1)
    if not by.height:
        return "median time not reached"
    low, high = 1 - by["ci_high"][0], 1 - by["ci_low"][0]
    return (
        f"median time not reached; {_pct(1 - by['share_not_migrated'][0])} within "
        f"{rules.horizon_years} years of entry (Kaplan-Meier, Greenwood CI {_pct(low)}-"
        f"{_pct(high)})"
    )
