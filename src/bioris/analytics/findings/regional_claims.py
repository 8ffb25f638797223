"""Claims 6 and 8: each compared region specialises in some subsectors (Fisher exact tests of
location quotients), and the panel firms practise inbound, outbound and coupled open
innovation whose mix changes across periods (permutation chi-square).

References
----------
Fisher, R. A. (1922). J. R. Stat. Soc. 85(1), 87-94 (exact test of a 2 x 2 table).
Gassmann, O., & Enkel, E. (2004). Towards a theory of open innovation: three core process
archetypes. R&D Management Conference (inbound, outbound, coupled).
Holm, S. (1979). Scand. J. Statist. 6(2), 65-70. Phipson, B., & Smyth, G. K. (2010). Stat.
Appl. Genet. Mol. Biol. 9(1), 39 (permutation p-values).
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy import stats

from bioris.analytics.business_model_rules import DEAL_ROLE_OI
from bioris.analytics.findings.common import (
    NOT_SUPPORTED,
    SUPPORTED,
    ClaimResult,
    FindingContext,
    FindingRules,
    _and,
    _not_enough,
    _p,
    _pct,
    _row,
    _short,
)

#: the project's open-innovation processes (Dahlander & Gann 2010, DEAL_ROLE_OI) read as
#: Gassmann & Enkel's (2004) directions: collaborations ("sourcing") are coupled
OI_DIRECTIONS = {
    "acquiring": "inbound",
    "selling": "outbound",
    "revealing": "outbound",
    "sourcing": "coupled",
}
_DIRECTIONS = ("inbound", "outbound", "coupled")
#: permutations scipy draws at once in claim 8's test (the same draws as all at once)
PERMUTATION_BATCH = 200
#: above this many deal sides, claim 8's permutations are drawn as random tables with the
#: observed margins (:func:`random_tables`: the same null distribution, in microseconds
#: instead of a permutation of every deal side: 20 s on 100,000 deals)
TABLE_PERMUTATION_MIN_SIDES = 20_000


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


# -- claim 8: open innovation -----------------------------------------------------------------


def _periods(start: int, end: int, width: int) -> list[tuple[int, int]]:
    """``width``-year periods from ``start``; a last one shorter than 3 years joins the one
    before it."""
    bounds = [(y, min(y + width - 1, end)) for y in range(start, end + 1, width)]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] + 1 < 3:
        bounds[-2:] = [(bounds[-2][0], end)]
    return bounds


def random_tables(
    rows: np.ndarray, cols: np.ndarray, count: int, rng: np.random.Generator
) -> np.ndarray:
    """``count`` random contingency tables with row sums ``rows`` and column sums ``cols``,
    each as likely as under a random permutation of one variable against the other (the
    permutation null of a test of independence), shape ``(count, len(rows), len(cols))``.

    Each row's cells are a multivariate hypergeometric draw from the column totals left by
    the rows before it, drawn as a chain of univariate hypergeometric draws (Patefield 1981),
    vectorised over the tables.

    References
    ----------
    Patefield, W. M. (1981). Algorithm AS 159: an efficient method of generating random R x
    C tables with given row and column totals. Applied Statistics, 30(1), 91-97.
    """
    left = np.broadcast_to(np.asarray(cols, dtype=np.int64), (count, len(cols))).copy()
    out = np.zeros((count, len(rows), len(cols)), dtype=np.int64)
    for i, total in enumerate(np.asarray(rows, dtype=np.int64)[:-1]):
        need = np.full(count, total, dtype=np.int64)
        for j in range(len(cols) - 1):
            rest = left[:, j + 1 :].sum(axis=1)
            drawn = rng.hypergeometric(left[:, j], rest, need)
            out[:, i, j] = drawn
            need -= drawn
        out[:, i, -1] = need
        left -= out[:, i, :]
    out[:, -1, :] = left
    return out


def _table_permutation_p(
    d_codes: np.ndarray, p_codes: np.ndarray, shape: tuple[int, int], rules: FindingRules
) -> tuple[float, float]:
    """Claim 8's permutation test on random tables with the observed margins: (chi-square,
    p); p counted as scipy's ``permutation_test`` counts it (Phipson & Smyth 2010)."""
    observed = np.bincount(d_codes * shape[1] + p_codes, minlength=shape[0] * shape[1])
    observed = observed.reshape(shape).astype(float)
    tables = random_tables(
        observed.sum(axis=1).astype(np.int64),
        observed.sum(axis=0).astype(np.int64),
        rules.permutations,
        np.random.default_rng(rules.seed),
    ).astype(float)
    rows, cols = observed.sum(axis=1, keepdims=True), observed.sum(axis=0, keepdims=True)
    expected = rows * cols / observed.sum()
    mask = expected > 0
    null = (((tables - expected) ** 2)[:, mask] / expected[mask]).sum(axis=1)
    statistic = _chi_square(observed)
    tolerance = abs(np.finfo(float).eps * 100 * statistic)
    p = (float((null >= statistic - tolerance).sum()) + 1) / (rules.permutations + 1)
    return statistic, p


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

    if n > TABLE_PERMUTATION_MIN_SIDES:
        statistic, p_value = _table_permutation_p(d_codes, p_codes, shape, rules)
        common["test"] = (
            f"permutation chi-square of direction x period ({rules.permutations:,} random "
            f"tables with the observed margins, Patefield 1981; seed {rules.seed})"
        )
    else:
        res = stats.permutation_test(
            (d_codes, p_codes),
            chi2,
            permutation_type="pairings",
            n_resamples=rules.permutations,
            alternative="greater",
            vectorized=False,
            # scipy permutes every resample at once by default (10,000 x the deal sides);
            # batches draw the same permutations in bounded memory
            batch=PERMUTATION_BATCH,
            rng=np.random.default_rng(rules.seed),
        )
        statistic, p_value = float(res.statistic), float(res.pvalue)
    smallest = min(shares.values())
    coupled = counts.filter(pl.col("direction") == "coupled").drop_nulls("share")
    text = ", ".join(f"{d} {_pct(s)}" for d, s in shares.items()) + f" of {n} deal sides"
    if coupled.height >= 2:
        text += (
            f"; coupled {_pct(coupled['share'][0])} in {coupled['period'][0]}, "
            f"{_pct(coupled['share'][-1])} in {coupled['period'][-1]}"
        )
    text += f"; chi-square {statistic:.1f} ({_p(p_value)})"
    ok = smallest >= rules.min_direction_share and p_value < rules.alpha
    row = _row(
        8,
        sources,
        value=smallest,
        value_text=text,
        statistic=statistic,
        p_value=p_value,
        verdict=SUPPORTED if ok else NOT_SUPPORTED,
        **common,
    )
    return ClaimResult(row, evidence)
