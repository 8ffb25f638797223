"""A study's findings as tested hypotheses: one row per claim, with its test and its verdict.

Studies of a regional biotech innovation system make claims about their panel of new biotech
firms: they ally with big pharma, a few of them are the preferred partners, they work in early
stages, they run portfolios of business models, they live on deal income, their regions
specialise, a few grow into integrated companies, they practise open innovation. Each
``*_claim`` function states one such claim as a hypothesis about a study's own panel, regions
and period (:class:`FindingContext`), computes its indicator from the tidy tables the study
already produces, runs the test named in the row and gives a verdict by the rule of
``docs/findings.md`` (thresholds in :class:`FindingRules`). Every random process takes
``FindingRules.seed``. A claim resting on fewer than ``min_firms`` firms or ``min_deals``
deals (or firm-years) says ``not enough data``, with no value and no p-value.

Each claim returns a :class:`ClaimResult`: its row of :data:`FINDINGS_SCHEMA` and the evidence
tables (named by the CSV file a report writes them to, ``source_table`` in the row).

References
----------
Clopper, C. J., & Pearson, E. S. (1934). Biometrika 26(4), 404-413 (exact binomial interval).
Efron, B. (1979). Bootstrap methods: another look at the jackknife. Ann. Statist. 7(1), 1-26.
Fisher, R. A. (1922). J. R. Stat. Soc. 85(1), 87-94 (exact test of a 2 x 2 table).
Gassmann, O., & Enkel, E. (2004). Towards a theory of open innovation: three core process
archetypes. R&D Management Conference (inbound, outbound, coupled).
Holm, S. (1979). Scand. J. Statist. 6(2), 65-70. Kaplan, E. L., & Meier, P. (1958). JASA
53(282), 457-481. Maslov, S., & Sneppen, K. (2002). Science 296, 910-913 (degree-preserving
rewiring). Phipson, B., & Smyth, G. K. (2010). Stat. Appl. Genet. Mol. Biol. 9(1), 39
(permutation p-values). Powell, W. W., White, D. R., Koput, K. W., & Owen-Smith, J. (2005).
Network dynamics and field evolution. Am. J. Sociol. 110(4), 1132-1205.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np
import polars as pl
from scipy import stats

from bioris.analytics.business_model_rules import DEAL_ROLE_OI
from bioris.analytics.temporal import with_top_parent

__all__ = [
    "FINDINGS_SCHEMA",
    "NOT_ENOUGH",
    "NOT_SUPPORTED",
    "OI_DIRECTIONS",
    "SUPPORTED",
    "ClaimResult",
    "FindingContext",
    "FindingRules",
    "big_pharma_claim",
    "deal_income_claim",
    "deal_sides",
    "early_stage_claim",
    "findings_table",
    "fipco_claim",
    "open_innovation_claim",
    "portfolio_claim",
    "preferred_partner_claim",
    "specialisation_claim",
]

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
#: the project's open-innovation processes (Dahlander & Gann 2010, DEAL_ROLE_OI) read as
#: Gassmann & Enkel's (2004) directions: collaborations ("sourcing") are coupled
OI_DIRECTIONS = {
    "acquiring": "inbound",
    "selling": "outbound",
    "revealing": "outbound",
    "sourcing": "coupled",
}
_DIRECTIONS = ("inbound", "outbound", "coupled")
#: the firm's roles in deals that pay it, and in deals it pays (acquisitions as the target are
#: left out: the price goes to the shareholders)
_PAID = ("licensor", "provider", "investee", "grantee")
_PAYING = ("licensee", "client", "investor", "acquirer")
_LATE = ("phase3", "registration", "marketed")
_NO_RECORD = "no pipeline record"  # the label of pipeline.panel_stage_distribution too
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


# -- claim 1: big pharma ----------------------------------------------------------------------


def big_pharma_claim(
    sides: pl.DataFrame,
    firm_years: pl.DataFrame,
    lifespans: pl.DataFrame,
    big_pharma: Collection[str],
    ctx: FindingContext,
    rules: FindingRules,
    *,
    parents: pl.DataFrame | None = None,
) -> ClaimResult:
    """Claim 1: the panel firms are beneficiaries and targets of deals with big pharma.

    Indicator: the share of panel firms (in the panel during the period) that signed a deal
    of any type with a big-pharma company, with its exact CI; the firms that big pharma paid
    more often than they paid it (role in the deal: licensor, provider, investee, grantee, or
    focal collaborator of a deal with upfront or milestones; against licensee, client,
    investor, acquirer), tested against one half by a one-sided exact binomial test; and the
    panel firms a big-pharma group acquired in the period (``lifespans``).
    Supported when the CI's lower bound exceeds ``rules.majority`` and the paid firms
    outnumber the paying ones at ``rules.alpha``.
    """
    sources = ("findings_claim1_big_pharma.csv",)
    firms = _firms(firm_years)
    big = pl.col("big_pharma_partners").list.len() > 0
    role = pl.col("role")
    with_money = (pl.col("upfront_eur").fill_null(0) > 0) | (
        pl.col("milestones_eur").fill_null(0) > 0
    )
    paid = role.is_in(_PAID) | ((role == "collaborator") & pl.col("focal") & with_money)
    paying = role.is_in(_PAYING)
    per_firm = (
        sides.filter(big)
        .group_by("firm")
        .agg(
            pl.col("alliance_id").n_unique().alias("big_pharma_deals"),
            pl.col("alliance_id").filter(paid).n_unique().alias("paid_deals"),
            pl.col("alliance_id").filter(paying).n_unique().alias("paying_deals"),
            pl.col("big_pharma_partners")
            .list.explode(keep_nulls=False, empty_as_null=False)
            .unique()
            .sort()
            .str.join("; ")
            .alias("partners"),
        )
    )
    acquired = _acquired_by_big_pharma(lifespans, firms, big_pharma, parents, ctx)
    table = (
        pl.DataFrame({"firm": firms}, schema={"firm": pl.String})
        .join(per_firm, on="firm", how="left")
        .join(acquired, on="firm", how="left")
        .with_columns(pl.col("big_pharma_deals", "paid_deals", "paying_deals").fill_null(0))
        .with_columns(pl.col("acquired_by_big_pharma").fill_null(False))
        .with_columns(
            pl.when(pl.col("paid_deals") > pl.col("paying_deals"))
            .then(pl.lit("paid"))
            .when(pl.col("paying_deals") > pl.col("paid_deals"))
            .then(pl.lit("paying"))
            .when(pl.col("big_pharma_deals") > 0)
            .then(pl.lit("even"))
            .alias("direction")
        )
    )
    evidence = {sources[0]: table}
    hypothesis = (
        f"Most of {ctx.panel} signed a deal with a big-pharma company in {ctx.period}, and "
        "big pharma paid them more often than they paid it (beneficiaries and targets)"
    )
    common = dict(
        hypothesis=hypothesis,
        n=len(firms),
        n_unit="firms",
        indicator="share of panel firms with a deal with big pharma; firms paid vs paying in "
        "those deals; firms acquired by big pharma",
        test=f"{_binomial_name(rules)}; binomial exact (one-sided, paid vs paying firms)",
        caveat="Deal coverage is uneven: a firm without a recorded big-pharma deal may have "
        "one the sources missed. Direction is read from the firm's role in the deal.",
    )
    short = _short(len(firms), rules.min_firms, "panel firms")
    if short:
        return ClaimResult(_not_enough(1, sources, short, **common), evidence)
    k = int((table["big_pharma_deals"] > 0).sum())
    low, high = _exact_ci(k, len(firms), rules.confidence)
    n_paid = int((table["direction"] == "paid").sum())
    n_paying = int((table["direction"] == "paying").sum())
    gone = table.filter(pl.col("acquired_by_big_pharma"))["firm"].to_list()
    text = (
        f"{_of(k, len(firms), 'firms')} signed a deal with big pharma ({_ci(low, high, rules)}); "
    )
    if n_paid + n_paying < rules.min_firms:
        text += f"only {n_paid + n_paying} firms with a payment direction"
        p_value, statistic = None, None
    else:
        p_value = float(stats.binomtest(n_paid, n_paid + n_paying, 0.5, "greater").pvalue)
        statistic = n_paid / (n_paid + n_paying)
        text += f"{n_paid} firms paid by big pharma vs {n_paying} paying it ({_p(p_value)})"
    text += f"; {len(gone)} acquired by big pharma" + (
        f" ({_firm_list(gone, ctx)})" if gone else ""
    )
    if low > rules.majority and p_value is None:  # the verdict rests on the direction
        why = (
            f"{n_paid + n_paying} firms with a payment direction (the minimum is {rules.min_firms})"
        )
        return ClaimResult(_not_enough(1, sources, why, **common), evidence)
    ok = low > rules.majority and p_value is not None and p_value < rules.alpha
    verdict = SUPPORTED if ok else NOT_SUPPORTED
    row = _row(
        1,
        sources,
        value=k / len(firms),
        value_text=text,
        statistic=statistic,
        p_value=p_value,
        ci_low=low,
        ci_high=high,
        verdict=verdict,
        **common,
    )
    return ClaimResult(row, evidence)


def _acquired_by_big_pharma(
    lifespans: pl.DataFrame,
    firms: list[str],
    big_pharma: Collection[str],
    parents: pl.DataFrame | None,
    ctx: FindingContext,
) -> pl.DataFrame:
    """``firm, acquired_by_big_pharma, acquirer, exit_year`` for firms acquired in the period."""
    exits = lifespans.filter(
        pl.col("actor_id").is_in(firms)
        & pl.col("acquirer").is_not_null()
        & pl.col("exit_year").is_between(ctx.start, ctx.end)
    ).select(pl.col("actor_id").alias("firm"), "acquirer", pl.col("exit_year").alias("year"))
    exits = with_top_parent(exits, parents, "acquirer", "top")
    pharma = list(big_pharma)
    return exits.select(
        "firm",
        (pl.col("acquirer").is_in(pharma) | pl.col("top").is_in(pharma)).alias(
            "acquired_by_big_pharma"
        ),
        pl.col("acquirer").replace_strict(dict(ctx.names), default=pl.col("acquirer")),
        pl.col("year").alias("exit_year"),
    )


# -- claim 2: preferred partners --------------------------------------------------------------


@contextmanager
def _seeded_igraph(seed: int) -> Iterator[None]:
    """igraph draws from Python's ``random`` module; use a private seeded generator."""
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def _concentration(counts: np.ndarray, top: int) -> np.ndarray:
    """Per row of ``counts`` (firms' big-pharma ties): top-``top`` share, top-20% share, Gini."""
    counts = np.atleast_2d(counts).astype(float)
    n = counts.shape[1]
    desc = -np.sort(-counts, axis=1)
    total = desc.sum(axis=1)
    fifth = max(1, math.ceil(0.2 * n))
    asc = desc[:, ::-1]
    ranks = np.arange(1, n + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        gini = (2 * (asc * ranks).sum(axis=1)) / (n * total) - (n + 1) / n
        return np.column_stack(
            [desc[:, :top].sum(axis=1) / total, desc[:, :fifth].sum(axis=1) / total, gini]
        )


def _rewired(
    firm_idx: np.ndarray,
    node_idx: np.ndarray,
    n_firms: int,
    n_nodes: int,
    big: np.ndarray,
    rules: FindingRules,
) -> np.ndarray:
    """Big-pharma ties per firm in ``rules.permutations`` degree-preserving rewirings of the
    bipartite firm -> partner network (each from the observed one, 10 swap trials per tie)."""
    g = ig.Graph(
        n=n_nodes, edges=list(zip(firm_idx.tolist(), node_idx.tolist(), strict=True)), directed=True
    )
    out = np.empty((rules.permutations, n_firms))
    # firm -> partner edges: a directed swap keeps every tie from a firm to a partner
    with _seeded_igraph(rules.seed):
        for i in range(rules.permutations):
            h = g.copy()
            h.rewire(10 * g.ecount(), allowed_edge_types="simple")
            edges = np.asarray(h.get_edgelist(), dtype=np.int64).reshape(-1, 2)
            out[i] = np.bincount(edges[big[edges[:, 1]], 0], minlength=n_firms)
    return out


def preferred_partner_claim(
    sides: pl.DataFrame,
    ranking: pl.DataFrame,
    panel: Collection[str],
    ctx: FindingContext,
    rules: FindingRules,
    *,
    deal_types: Collection[str] | None = None,
    firm_years: pl.DataFrame | None = None,
) -> ClaimResult:
    """Claim 2: a few panel firms hold a nodal, most-preferred-partner position.

    The bipartite network of the period: panel firms -> partners outside the panel (top
    parents), one tie per pair with a deal of ``deal_types`` (the network layers). Statistic:
    the share of the panel's big-pharma ties held by the ``rules.top`` firms with most of
    them (also the top-20% share and the Gini coefficient). Null model: degree-preserving
    rewirings (Maslov & Sneppen 2002), which keep every firm's number of partners and every
    partner's number of panel firms; p = (1 + rewirings at least as concentrated) /
    (1 + rewirings) (Phipson & Smyth 2010). Supported when that p < ``rules.alpha``.
    Persistence (descriptive): the share of each year's top-``persistence_top`` firms of the
    preferred-partner ``ranking`` (``year, rank, actor``) still in it
    ``persistence_lag_years`` later, against the share a random draw of that many firms among
    the panel firms of the later year (``firm_years``; else the ranked ones) would keep.
    """
    sources = (
        "findings_claim2_concentration.csv",
        "findings_claim2_firms.csv",
        "findings_claim2_persistence.csv",
    )
    chosen = (
        sides if deal_types is None else sides.filter(pl.col("deal_type").is_in(list(deal_types)))
    )
    pharma = set(chosen["big_pharma_partners"].explode().drop_nulls())
    edges = (
        chosen.select("firm", pl.col("partners").alias("partner"))
        .explode("partner")
        .drop_nulls("partner")
        .filter(~pl.col("partner").is_in(list(panel)))
        .unique()
        .with_columns(pl.col("partner").is_in(list(pharma)).alias("big_pharma"))
        .sort("firm", "partner")
    )
    firms = sorted(set(edges["firm"]))
    persistence = _persistence(ranking, firm_years, ctx, rules)
    per_firm = edges.group_by("firm").agg(
        pl.len().alias("partners"), pl.col("big_pharma").sum().alias("big_pharma_ties")
    )
    n_big = int(edges["big_pharma"].sum())
    common = dict(
        hypothesis=f"A few of {ctx.panel} hold a nodal position with big pharma in "
        f"{ctx.period}: the top {rules.top} hold more of the panel's big-pharma ties than in "
        "degree-preserving random networks",
        indicator=f"share of the panel's big-pharma ties held by the top {rules.top} firms "
        f"(bipartite firm-partner network of the period); persistence of the top "
        f"{rules.persistence_top} of the preferred-partner ranking after "
        f"{rules.persistence_lag_years} years",
        n=len(firms),
        n_unit="firms",
        test=f"permutation: degree-preserving rewiring ({rules.permutations:,}, seed {rules.seed})",
        caveat="The null keeps each firm's number of partners, so it tests whether big pharma "
        "concentrates on a few firms beyond their overall activity; ties pooled over the "
        "period; partners are rolled up to their group.",
    )
    short = _short(len(firms), rules.min_firms, "firms with partners") or _short(
        n_big, rules.min_deals, "big-pharma ties"
    )
    if short:
        evidence = {
            sources[0]: pl.DataFrame(),
            sources[1]: per_firm.sort("firm"),
            sources[2]: persistence,
        }
        return ClaimResult(_not_enough(2, sources, short, **common), evidence)
    index = {f: i for i, f in enumerate(firms)}
    nodes = {p: len(firms) + i for i, p in enumerate(sorted(set(edges["partner"])))}
    big = np.zeros(len(firms) + len(nodes), dtype=bool)
    big[[nodes[p] for p in pharma if p in nodes]] = True
    firm_idx = np.array([index[f] for f in edges["firm"]])
    node_idx = np.array([nodes[p] for p in edges["partner"]])
    observed_counts = np.bincount(firm_idx[big[node_idx]], minlength=len(firms))
    observed = _concentration(observed_counts, rules.top)[0]
    null_counts = _rewired(firm_idx, node_idx, len(firms), len(big), big, rules)
    null = _concentration(null_counts, rules.top)
    p_values = (1 + (null >= observed - 1e-12).sum(axis=0)) / (1 + rules.permutations)
    measures = (f"top-{rules.top} share", "top-20% share", "gini")
    summary = pl.DataFrame(
        {
            "measure": measures,
            "observed": observed,
            "null_mean": null.mean(axis=0),
            "null_2_5": np.quantile(null, 0.025, axis=0),
            "null_97_5": np.quantile(null, 0.975, axis=0),
            "p_value": p_values,
            "firms": len(firms),
            "big_pharma_ties": n_big,
            "permutations": rules.permutations,
            "seed": rules.seed,
        }
    )
    mean_null = pl.DataFrame({"firm": firms, "null_mean_big_pharma_ties": null_counts.mean(axis=0)})
    firms_table = per_firm.join(mean_null, on="firm").sort(
        "big_pharma_ties", "firm", descending=[True, False]
    )
    evidence = {sources[0]: summary, sources[1]: firms_table, sources[2]: persistence}
    leaders = firms_table.head(rules.top)["firm"].to_list()
    text = (
        f"the top {rules.top} ({_firm_list(leaders, ctx)}) hold {_pct(observed[0])} of "
        f"{n_big} big-pharma ties of {len(firms)} firms (random networks: "
        f"{_pct(null[:, 0].mean())}, {_p(p_values[0])}); Gini {observed[2]:.2f}"
    )
    if persistence.height:
        kept, top_n = int(persistence["still_top"].sum()), int(persistence["top_firms"].sum())
        expected = float(persistence["expected_share"].mean())
        text += (
            f"; {_of(kept, top_n, 'top-' + str(rules.persistence_top) + ' firm-years')} still top "
            f"{rules.persistence_lag_years} years later (random: {_pct(expected)})"
        )
    verdict = SUPPORTED if p_values[0] < rules.alpha else NOT_SUPPORTED
    row = _row(
        2,
        sources,
        value=float(observed[0]),
        value_text=text,
        statistic=float(observed[0]),
        p_value=float(p_values[0]),
        verdict=verdict,
        **common,
    )
    return ClaimResult(row, evidence)


def _persistence(
    ranking: pl.DataFrame,
    firm_years: pl.DataFrame | None,
    ctx: FindingContext,
    rules: FindingRules,
) -> pl.DataFrame:
    """Per year ``y`` with ``y + lag`` in the period: the top firms, how many are top again at
    ``y + lag``, and the share a random draw among that year's panel firms would keep."""
    k, lag = rules.persistence_top, rules.persistence_lag_years
    schema = {
        "year": pl.Int64,
        "later_year": pl.Int64,
        "top_firms": pl.Int64,
        "still_top": pl.Int64,
        "share": pl.Float64,
        "expected_share": pl.Float64,
        "top": pl.String,
        "later_top": pl.String,
    }
    tops = (
        {
            int(y): (set(part.filter(pl.col("rank") <= k)["actor"]), part.height)
            for (y,), part in ranking.partition_by("year", as_dict=True).items()
        }
        if ranking.height
        else {}
    )
    rows = []
    for year in range(ctx.start, ctx.end - lag + 1):
        if year not in tops or year + lag not in tops:
            continue
        (first, _), (later, ranked) = tops[year], tops[year + lag]
        if not first:
            continue
        if firm_years is not None:
            ranked = max(ranked, int((firm_years["year"] == year + lag).sum()))
        kept = len(first & later)
        rows.append(
            (
                year,
                year + lag,
                len(first),
                kept,
                kept / len(first),
                min(1.0, len(later) / ranked),
                _firm_list(first, ctx),
                _firm_list(later, ctx),
            )
        )
    return pl.DataFrame(rows, schema=schema, orient="row")


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
    pipeline = _pipeline_stages(highest, firm_years)
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


def _pipeline_stages(highest: pl.DataFrame, firm_years: pl.DataFrame) -> pl.DataFrame:
    """``year, stage, firms, share``: every panel firm-year by its highest own-run stage,
    ``partner-run only`` (records, none own-run) or ``no pipeline record``."""
    stage = (
        pl.when(pl.col("highest_own_stage").is_not_null())
        .then(pl.col("highest_own_stage"))
        .when(pl.col("highest_stage").is_not_null())
        .then(pl.lit("partner-run only"))
        .otherwise(pl.lit(_NO_RECORD))
    )
    keyed = firm_years.select(pl.col("actor_id").alias("firm"), pl.col("year").cast(pl.Int32))
    joined = keyed.join(
        highest.select("firm", pl.col("year").cast(pl.Int32), "highest_stage", "highest_own_stage"),
        on=["firm", "year"],
        how="left",
    )
    return (
        joined.group_by("year", stage.alias("stage"))
        .agg(pl.len().cast(pl.Int64).alias("firms"))
        .with_columns((pl.col("firms") / pl.col("firms").sum().over("year")).alias("share"))
        .sort("year", "firms", "stage", descending=[False, True, False])
    )


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


# -- claim 6: regional specialisation ---------------------------------------------------------


def specialisation_claim(
    specialisation: pl.DataFrame,
    ctx: FindingContext,
    rules: FindingRules,
    *,
    members: pl.DataFrame | None = None,
) -> ClaimResult:
    """Claim 6: each compared region specialises in some subsectors.

    ``specialisation`` is the pooled location-quotient table of the panel
    (:func:`~bioris.analytics.specialisation.specialisation`, ``reference="panel"``). Each
    region x subsector is tested by a one-sided Fisher exact test of the region's firms
    against the rest of the panel (in the subsector or not). A region is specialised when one
    of its subsectors has LQ > 1, p < ``rules.alpha`` and at least
    ``rules.specialisation_min_firms`` firms; the claim is supported when every region with
    at least ``min_firms`` panel firms is. ``members`` (``region, category, firm``) lists the
    firms behind each cell.
    """
    sources = ("findings_claim6_specialisation.csv",)
    spec = specialisation.filter(pl.col("region").is_in(list(ctx.regions)))
    rows = []
    for r in spec.iter_rows(named=True):
        table = [
            [r["n_rc"], r["n_r"] - r["n_rc"]],
            [r["n_c"] - r["n_rc"], (r["n"] - r["n_r"]) - (r["n_c"] - r["n_rc"])],
        ]
        odds, p = stats.fisher_exact(table, alternative="greater")
        rows.append({**r, "odds_ratio": float(odds), "p_value": float(p)})
    schema = {**spec.schema, "odds_ratio": pl.Float64, "p_value": pl.Float64}
    cells = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    cells = cells.with_columns(_holm(cells["p_value"]).alias("p_holm")).with_columns(
        (
            (pl.col("lq") > 1)
            & (pl.col("p_value") < rules.alpha)
            & (pl.col("n_rc") >= rules.specialisation_min_firms)
        ).alias("specialised")
    )
    if members is not None and cells.height:
        named = (
            members.with_columns(
                pl.col("firm").replace_strict(dict(ctx.names), default=pl.col("firm"))
            )
            .group_by("region", "category")
            .agg(pl.col("firm").sort().str.join("; ").alias("firms"))
        )
        cells = cells.join(named, on=["region", "category"], how="left")
    cells = cells.sort("region", "p_value", "category")
    evidence = {sources[0]: cells}
    sizes = dict(cells.select("region", "n_r").unique().iter_rows()) if cells.height else {}
    eligible = [r for r in ctx.regions if sizes.get(r, 0) >= rules.min_firms]
    n = int(cells["n"].max()) if cells.height else 0
    small = [r for r in ctx.regions if r not in eligible]
    common = dict(
        hypothesis=f"Each region of the study ({_and(ctx.regions) if ctx.regions else 'none'}) "
        f"specialises: one of its subsectors is over-represented among its panel firms "
        f"(LQ > 1, p < {rules.alpha}, at least {rules.specialisation_min_firms} firms), "
        f"{ctx.period}",
        indicator="location quotients of subsectors among the panel firms, per region",
        n=n,
        n_unit="firms",
        test=f"Fisher exact (one-sided, region vs rest of the panel), {cells.height} "
        "region x subsector cells",
        caveat="p-values are not adjusted for the number of cells (p_holm in the evidence is); "
        "firms count in every subsector they work in"
        + (
            f"; regions with fewer than {rules.min_firms} panel firms are not judged: {_and(small)}"
            if small
            else ""
        ),
    )
    regions_with_firms = [r for r in ctx.regions if sizes.get(r, 0) > 0]
    short = (
        _short(n, rules.min_firms, "panel firms")
        or _short(len(regions_with_firms), 2, "regions with panel firms")
        or _short(len(eligible), 1, f"regions with {rules.min_firms} panel firms")
    )
    if short:
        return ClaimResult(_not_enough(6, sources, short, **common), evidence)
    parts, specialised = [], 0
    for region in eligible:
        hits = cells.filter((pl.col("region") == region) & pl.col("specialised"))
        specialised += bool(hits.height)
        listed = ", ".join(
            f"{c} (LQ {lq:.1f}, {k} firms, {_p(p)})"
            for c, lq, k, p in hits.select("category", "lq", "n_rc", "p_value").rows()
        )
        if not listed:  # the closest cell, so that a reader sees how far it was
            near = cells.filter((pl.col("region") == region) & (pl.col("lq") > 1)).head(1)
            listed = "none" + "".join(
                f" (closest: {c}, LQ {lq:.1f}, {k} firms, {_p(p)})"
                for c, lq, k, p in near.select("category", "lq", "n_rc", "p_value").rows()
            )
        parts.append(f"{region}: {listed}")
    verdict = SUPPORTED if specialised == len(eligible) else NOT_SUPPORTED
    row = _row(
        6,
        sources,
        value=specialised / len(eligible),
        value_text="; ".join(parts),
        statistic=float(cells["specialised"].sum()),
        verdict=verdict,
        **common,
    )
    return ClaimResult(row, evidence)


def _holm(p: pl.Series) -> pl.Series:
    """Holm's (1979) step-down adjusted p-values."""
    values = p.to_numpy()
    order = np.argsort(values, kind="stable")
    m = len(values)
    adjusted = np.maximum.accumulate((m - np.arange(m)) * values[order]).clip(max=1.0)
    out = np.empty(m)
    out[order] = adjusted
    return pl.Series("p_holm", out, dtype=pl.Float64)


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


# -- claim 8: open innovation -----------------------------------------------------------------


def _periods(start: int, end: int, width: int) -> list[tuple[int, int]]:
    """``width``-year periods from ``start``; a last one shorter than 3 years joins the one
    before it."""
    bounds = [(y, min(y + width - 1, end)) for y in range(start, end + 1, width)]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] + 1 < 3:
        bounds[-2:] = [(bounds[-2][0], end)]
    return bounds


def _chi_square(observed: np.ndarray) -> float:
    rows, cols = observed.sum(axis=1, keepdims=True), observed.sum(axis=0, keepdims=True)
    expected = rows * cols / observed.sum()
    mask = expected > 0
    return float((((observed - expected) ** 2)[mask] / expected[mask]).sum())


def open_innovation_claim(
    sides: pl.DataFrame, ctx: FindingContext, rules: FindingRules
) -> ClaimResult:
    """Claim 8: the panel firms practise inbound, outbound and coupled open innovation.

    Each firm's side of a deal gets a direction from the deal type and the firm's role
    (:data:`~bioris.analytics.business_model_rules.DEAL_ROLE_OI` read through
    :data:`OI_DIRECTIONS`; equity and grants are financing, not open innovation). Indicator:
    the directions' shares over the period and per ``rules.period_years``-year period; test:
    the chi-square statistic of direction x period against ``rules.permutations`` random
    re-pairings of directions and periods (``scipy.stats.permutation_test``). Supported when
    every direction has at least ``rules.min_direction_share`` of the deals and p <
    ``rules.alpha`` (the mix changed).
    """
    sources = ("findings_claim8_open_innovation.csv",)
    mapping = {f"{t}|{r}": OI_DIRECTIONS.get(p) for (t, r), p in DEAL_ROLE_OI.items()}
    bounds = _periods(ctx.start, ctx.end, rules.period_years)
    label = pl.lit(None, dtype=pl.String)
    for first, last in reversed(bounds):
        label = (
            pl.when(pl.col("year").is_between(first, last))
            .then(pl.lit(f"{first}-{last}"))
            .otherwise(label)
        )
    oi = sides.with_columns(
        pl.concat_str("deal_type", pl.lit("|"), "role")
        .replace_strict(mapping, default=None, return_dtype=pl.String)
        .alias("direction"),
        label.alias("period"),
    ).drop_nulls(["direction", "period"])
    grid = pl.DataFrame({"period": [f"{a}-{b}" for a, b in bounds]}).join(
        pl.DataFrame({"direction": list(_DIRECTIONS)}), how="cross"
    )
    counts = (
        grid.join(
            oi.group_by("period", "direction").agg(pl.len().cast(pl.Int64).alias("deals")),
            on=["period", "direction"],
            how="left",
        )
        .with_columns(pl.col("deals").fill_null(0))
        .with_columns(pl.col("deals").sum().over("period").alias("_total"))
        .with_columns(
            pl.when(pl.col("_total") > 0).then(pl.col("deals") / pl.col("_total")).alias("share")
        )
        .drop("_total")
    )
    evidence = {sources[0]: counts}
    n, n_firms = oi.height, oi["firm"].n_unique()
    used = counts.group_by("period").agg(pl.col("deals").sum()).filter(pl.col("deals") > 0).height
    common = dict(
        hypothesis=f"{ctx.panel[0].upper()}{ctx.panel[1:]} engaged in inbound, outbound and "
        f"coupled open innovation (each at least {rules.min_direction_share:.0%} of their "
        f"open-innovation deals), and the mix changed across the {rules.period_years}-year "
        f"periods of {ctx.period}",
        indicator="smallest of the inbound, outbound and coupled shares of the panel's "
        "open-innovation deals; direction x period",
        n=n,
        n_unit="deals (firm sides)",
        test=f"permutation chi-square of direction x period ({rules.permutations:,}, seed "
        f"{rules.seed})",
        caveat="A deal between two panel firms counts once for each; research collaborations, "
        "co-development and joint ventures are coupled, licences and options taken and "
        "acquisitions made inbound, licences and options granted, services provided and "
        "units sold outbound.",
    )
    short = (
        _short(n, rules.min_deals, "open-innovation deals")
        or _short(n_firms, rules.min_firms, "firms behind them")
        or _short(used, 2, "periods with deals")
    )
    if short:
        return ClaimResult(_not_enough(8, sources, short, **common), evidence)
    shares = {d: float((oi["direction"] == d).sum()) / n for d in _DIRECTIONS}
    d_codes = (
        oi["direction"]
        .replace_strict({d: i for i, d in enumerate(_DIRECTIONS)}, return_dtype=pl.Int64)
        .to_numpy()
    )
    periods = sorted(set(oi["period"]))
    p_codes = (
        oi["period"]
        .replace_strict({p: i for i, p in enumerate(periods)}, return_dtype=pl.Int64)
        .to_numpy()
    )
    shape = (len(_DIRECTIONS), len(periods))

    def chi2(d: np.ndarray, p: np.ndarray) -> float:
        return _chi_square(
            np.bincount(d * shape[1] + p, minlength=shape[0] * shape[1])
            .reshape(shape)
            .astype(float)
        )

    res = stats.permutation_test(
        (d_codes, p_codes),
        chi2,
        permutation_type="pairings",
        n_resamples=rules.permutations,
        alternative="greater",
        vectorized=False,
        rng=np.random.default_rng(rules.seed),
    )
    smallest = min(shares.values())
    coupled = counts.filter(pl.col("direction") == "coupled").drop_nulls("share")
    text = ", ".join(f"{d} {_pct(s)}" for d, s in shares.items()) + f" of {n} deal sides"
    if coupled.height >= 2:
        text += (
            f"; coupled {_pct(coupled['share'][0])} in {coupled['period'][0]}, "
            f"{_pct(coupled['share'][-1])} in {coupled['period'][-1]}"
        )
    text += f"; chi-square {res.statistic:.1f} ({_p(float(res.pvalue))})"
    ok = smallest >= rules.min_direction_share and res.pvalue < rules.alpha
    row = _row(
        8,
        sources,
        value=smallest,
        value_text=text,
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        verdict=SUPPORTED if ok else NOT_SUPPORTED,
        **common,
    )
    return ClaimResult(row, evidence)


# -- the table --------------------------------------------------------------------------------


def findings_table(results: Sequence[ClaimResult]) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """The findings table (:data:`FINDINGS_SCHEMA`, by claim) and every evidence table."""
    table = pl.DataFrame([r.row for r in results], schema=FINDINGS_SCHEMA).sort("claim")
    evidence: dict[str, pl.DataFrame] = {}
    for result in results:
        evidence.update(result.evidence)
    return table, evidence
