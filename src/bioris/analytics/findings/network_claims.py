"""Claims 1 and 2: the panel firms ally with big pharma (beneficiaries and targets), and a few
of them hold a nodal, most-preferred-partner position (degree-preserving rewiring).

References
----------
Maslov, S., & Sneppen, K. (2002). Science 296, 910-913 (degree-preserving rewiring).
Phipson, B., & Smyth, G. K. (2010). Stat. Appl. Genet. Mol. Biol. 9(1), 39 (permutation
p-values). Powell, W. W., White, D. R., Koput, K. W., & Owen-Smith, J. (2005). Network
dynamics and field evolution. Am. J. Sociol. 110(4), 1132-1205.
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterator
from contextlib import contextmanager

import igraph as ig
import numpy as np
import polars as pl
from scipy import stats

from bioris.analytics.findings.common import (
    NOT_SUPPORTED,
    SUPPORTED,
    ClaimResult,
    FindingContext,
    FindingRules,
    _binomial_name,
    _ci,
    _exact_ci,
    _firm_list,
    _firms,
    _not_enough,
    _of,
    _p,
    _pct,
    _row,
    _short,
)
from bioris.analytics.temporal import with_top_parent

#: the firm's roles in deals that pay it, and in deals it pays (acquisitions as the target are
#: left out: the price goes to the shareholders)
_PAID = ("licensor", "provider", "investee", "grantee")
_PAYING = ("licensee", "client", "investor", "acquirer")


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
