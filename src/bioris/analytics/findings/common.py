"""What every claim shares: the verdicts, the row schema, the thresholds and the context, the
text and interval helpers, the row builders, the panel firms' deal sides and the findings table.

References
----------
Clopper, C. J., & Pearson, E. S. (1934). Biometrika 26(4), 404-413 (exact binomial interval).
Efron, B. (1979). Bootstrap methods: another look at the jackknife. Ann. Statist. 7(1), 1-26.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from bioris.analytics.temporal import with_top_parent

SUPPORTED, NOT_SUPPORTED, NOT_ENOUGH = "supported", "not supported", "not enough data"
FINDINGS_SCHEMA = {
    "claim": pl.Int64,
    "hypothesis": pl.String,
    "indicator": pl.String,
    "value": pl.Float64,
    "value_text": pl.String,
    "n": pl.Int64,
    "n_unit": pl.String,
    "test": pl.String,
    "statistic": pl.Float64,
    "p_value": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "verdict": pl.String,
    "caveat": pl.String,
    "source_table": pl.String,
}
_SIDES = {
    "alliance_id": pl.String,
    "firm": pl.String,
    "year": pl.Int32,
    "deal_type": pl.String,
    "stage_at_signing": pl.String,
    "role": pl.String,
    "focal": pl.Boolean,
    "upfront_eur": pl.Float64,
    "milestones_eur": pl.Float64,
    "partners": pl.List(pl.String),
    "big_pharma_partners": pl.List(pl.String),
}


@dataclass(frozen=True, slots=True)
class FindingRules:
    """The thresholds of the verdicts and the sizes of the random processes
    (``docs/findings.md`` explains each)."""

    seed: int = 0
    min_firms: int = 5
    min_deals: int = 10  # also the minimum of firm-years a share rests on
    alpha: float = 0.05
    confidence: float = 0.95
    majority: float = 0.5  # "most": the CI's lower bound must exceed it
    permutations: int = 10_000
    resamples: int = 2_000
    top: int = 3  # firms whose share of the big-pharma ties is tested
    persistence_top: int = 5
    persistence_lag_years: int = 5
    early_stages: tuple[str, ...] = ("platform", "discovery", "preclinical")
    period_years: int = 5  # open-innovation periods; a last one under 3 years joins the one before
    min_direction_share: float = 0.10
    specialisation_min_firms: int = 3
    horizon_years: int = 10  # Kaplan-Meier share reported when the median is not reached


@dataclass(frozen=True, slots=True)
class FindingContext:
    """What the hypotheses name: the study, its compared regions, its period and its actors."""

    study: str
    regions: tuple[str, ...]
    start: int
    end: int
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def panel(self) -> str:
        return f"the panel firms of {_and(self.regions)}" if self.regions else "the panel firms"

    @property
    def period(self) -> str:
        return f"{self.start}-{self.end}"

    def name(self, actor_id: str) -> str:
        return self.names.get(actor_id, actor_id)


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """One claim's row (:data:`FINDINGS_SCHEMA`) and its evidence tables by CSV name."""

    row: dict[str, Any]
    evidence: dict[str, pl.DataFrame]


# -- shared pieces ----------------------------------------------------------------------------


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _ci(low: float, high: float, rules: FindingRules) -> str:
    return f"{rules.confidence:.0%} CI {low:.1%}-{high:.1%}"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _of(k: int, n: int, unit: str) -> str:
    return f"{k} of {n} {unit} ({_pct(k / n)})" if n else f"0 {unit}"


def _exact_ci(k: int, n: int, confidence: float) -> tuple[float, float]:
    """Clopper-Pearson interval (``scipy.stats.binomtest``)."""
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="exact")
    return float(ci.low), float(ci.high)


def _cluster_bootstrap(num: np.ndarray, den: np.ndarray, rules: FindingRules) -> tuple[float, ...]:
    """Percentile bootstrap CI of sum(num) / sum(den), resampling firms (clusters)."""
    if len(num) < 2:
        return (math.nan, math.nan)
    res = stats.bootstrap(
        (num, den),
        lambda a, b, axis=-1: a.sum(axis=axis) / b.sum(axis=axis),
        paired=True,
        vectorized=True,
        n_resamples=rules.resamples,
        method="percentile",
        confidence_level=rules.confidence,
        rng=np.random.default_rng(rules.seed),
    )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def _bootstrap_name(rules: FindingRules) -> str:
    return (
        f"bootstrap {rules.confidence:.0%} CI over firms ({rules.resamples:,}, seed {rules.seed})"
    )


def _binomial_name(rules: FindingRules) -> str:
    return f"binomial exact {rules.confidence:.0%} CI (Clopper-Pearson)"


def _row(claim: int, sources: Sequence[str], **values: Any) -> dict[str, Any]:
    row = dict.fromkeys(FINDINGS_SCHEMA)
    row.update(claim=claim, source_table="; ".join(sources), **values)
    return row


def _not_enough(claim: int, sources: Sequence[str], why: str, **values: Any) -> dict[str, Any]:
    """A row without value, statistic, p-value or interval: ``why`` names the n that fell short."""
    return _row(claim, sources, value_text=f"not enough data: {why}", verdict=NOT_ENOUGH, **values)


def _short(count: int, minimum: int, what: str) -> str | None:
    return f"{count} {what} (the minimum is {minimum})" if count < minimum else None


def _firm_list(ids: Collection[str], ctx: FindingContext) -> str:
    return ", ".join(sorted(ctx.name(i) for i in ids))


def deal_sides(
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    firm_years: pl.DataFrame,
    *,
    big_pharma: Collection[str] = (),
    parents: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per panel firm and dated deal it signed in one of its panel years.

    Parameters
    ----------
    alliances, parties : polars.DataFrame
        :func:`~bioris.analytics.alliances_frame` and :func:`~bioris.analytics.parties_frame`.
    firm_years : polars.DataFrame
        ``actor_id, year``: the panel firms' years in the panel within the period
        (:func:`~bioris.analytics.panel.panel_years`).
    big_pharma : collection of str
        Big-pharma actor ids; a partner counts when it, or its top parent in the signing
        year (``parents``, :func:`~bioris.analytics.parent_table`), is one of them.

    Returns
    -------
    polars.DataFrame
        ``alliance_id, firm, year, deal_type, stage_at_signing, role, focal, upfront_eur,
        milestones_eur, partners`` (the other parties' top parents that year, sorted) and
        ``big_pharma_partners`` (those that are big pharma).
    """
    years = firm_years.select(pl.col("actor_id").alias("firm"), pl.col("year").cast(pl.Int32))
    deals = alliances.select(
        "alliance_id",
        pl.col("year").cast(pl.Int32),
        "deal_type",
        "stage_at_signing",
        "upfront_eur",
        "milestones_eur",
    ).drop_nulls("year")
    own = parties.select("alliance_id", pl.col("actor_id").alias("firm"), "role", "focal")
    sides = own.join(deals, on="alliance_id").join(years, on=["firm", "year"])
    others = parties.select("alliance_id", pl.col("actor_id").alias("partner"))
    pairs = sides.select("alliance_id", "firm", "year").join(others, on="alliance_id")
    pairs = with_top_parent(
        pairs.filter(pl.col("partner") != pl.col("firm")), parents, "partner", "top"
    )
    pharma = list(big_pharma)
    is_big = pl.col("partner").is_in(pharma) | pl.col("top").is_in(pharma)
    grouped = pairs.group_by("alliance_id", "firm").agg(
        pl.col("top").unique().sort().alias("partners"),
        pl.col("top").filter(is_big).unique().sort().alias("big_pharma_partners"),
    )
    empty = pl.lit([], dtype=pl.List(pl.String))
    out = sides.join(grouped, on=["alliance_id", "firm"], how="left").with_columns(
        pl.col("partners").fill_null(empty), pl.col("big_pharma_partners").fill_null(empty)
    )
    return out.select(list(_SIDES)).cast(_SIDES).sort("firm", "year", "alliance_id")


def _firms(firm_years: pl.DataFrame) -> list[str]:
    return sorted(set(firm_years["actor_id"]))


# -- the table --------------------------------------------------------------------------------


def findings_table(results: Sequence[ClaimResult]) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """The findings table (:data:`FINDINGS_SCHEMA`, by claim) and every evidence table."""
    table = pl.DataFrame([r.row for r in results], schema=FINDINGS_SCHEMA).sort("claim")
    evidence: dict[str, pl.DataFrame] = {}
    for result in results:
        evidence.update(result.evidence)
    return table, evidence
