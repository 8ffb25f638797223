"""Preferential attachment: do new alliance ties go to actors that already have many?

The attachment kernel (Jeong, Neda & Barabasi 2003; Newman 2001) as used for biotech alliance
networks by Powell, White, Koput & Owen-Smith (2005): for each tie new in year t, the degree
of each end in the t-1 network; A(k) = new ties to actors of degree k / actors of degree k at
t-1, pooled over years and fitted as k^alpha (alpha = 1: linear preferential attachment;
alpha = 0: none), with a seeded bootstrap over years. Part of the network-evolution analysis
(:mod:`bioris.analytics.evolution`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from bioris.errors import BiorisError

__all__ = [
    "PreferentialAttachment",
    "attachment_events",
    "attachment_kernel",
    "fit_attachment",
    "preferential_attachment",
]

_FIT_SCHEMA = {
    "alpha": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64, "n_ties": pl.Int64,
    "n_attachments": pl.Int64, "n_bins": pl.Int64, "n_years": pl.Int64, "resamples": pl.Int64,
    "seed": pl.Int64, "method": pl.String, "status": pl.String,
}  # fmt: skip


# -- preferential attachment ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreferentialAttachment:
    """The attachment kernel and its power-law fit (:func:`preferential_attachment`).

    ``kernel``: ``degree, new_ties, at_risk, rate``, pooled over the years. ``fit``: one row,
    ``alpha, ci_low, ci_high, n_ties, n_attachments, n_bins, n_years, resamples, seed,
    method, status``. ``by_year``: ``year, degree, new_ties, at_risk``, what the bootstrap
    resamples.
    """

    kernel: pl.DataFrame
    fit: pl.DataFrame
    by_year: pl.DataFrame


def attachment_events(ties: pl.DataFrame) -> pl.DataFrame:
    """New ties of each year by their ends' degree the year before.

    A tie is *new* in year t when its pair is tied in t and was not in t - 1 (a pair tied
    again after its alliances lapsed forms a new tie). Each new tie attaches each of its two
    ends, so it counts once at each end's degree k in the t - 1 network; an end that was not
    in the t - 1 network (a newcomer, or an actor whose ties had lapsed) has k = 0. The years
    t run from the second year of ``ties`` to its last; a year without ties is an empty
    network.

    Returns
    -------
    polars.DataFrame
        ``year, degree, new_ties`` (new-tie ends of degree k at t - 1) and ``at_risk``
        (actors of degree k at t - 1; null for k = 0, whose risk set -- every actor not tied
        at t - 1 -- a tie table cannot see), one row per year and degree with either count
        positive, sorted.
    """
    schema = {"year": pl.Int32, "degree": pl.Int64, "new_ties": pl.Int64, "at_risk": pl.Int64}
    pairs = ties.select(pl.col("year").cast(pl.Int32), "source", "target").unique()
    if pairs.height == 0:
        return pl.DataFrame(schema=schema)
    first, last = int(pairs["year"].min()), int(pairs["year"].max())  # type: ignore[arg-type]
    before = pairs.with_columns(pl.col("year") + 1)  # the t - 1 network, labelled t
    new = pairs.filter(pl.col("year") > first).join(
        before, on=["year", "source", "target"], how="anti"
    )
    prior = (
        pl.concat([before.select("year", pl.col(c).alias("actor")) for c in ("source", "target")])
        .group_by("year", "actor")
        .agg(pl.len().cast(pl.Int64).alias("degree"))
        .filter(pl.col("year") <= last)
    )
    ends = pl.concat([new.select("year", pl.col(c).alias("actor")) for c in ("source", "target")])
    attached = (
        ends.join(prior, on=["year", "actor"], how="left")
        .with_columns(pl.col("degree").fill_null(0))
        .group_by("year", "degree")
        .agg(pl.len().cast(pl.Int64).alias("new_ties"))
    )
    risk = prior.group_by("year", "degree").agg(pl.len().cast(pl.Int64).alias("at_risk"))
    return (
        attached.join(risk, on=["year", "degree"], how="full", coalesce=True)
        .with_columns(pl.col("new_ties").fill_null(0))
        .with_columns(pl.when(pl.col("degree") > 0).then(pl.col("at_risk").fill_null(0)))
        .select(list(schema))
        .cast(schema)  # type: ignore[arg-type]
        .sort("year", "degree")
    )


def attachment_kernel(events: pl.DataFrame) -> pl.DataFrame:
    """The attachment kernel A(k), pooled over the years of :func:`attachment_events`.

    ``A(k) = sum_t new_ties_t(k) / sum_t at_risk_t(k)``: the new ties an actor of degree k
    gains in a year, on average (Newman 2001; Jeong, Néda & Barabási 2003).

    Returns
    -------
    polars.DataFrame
        ``degree, new_ties, at_risk, rate``; for k = 0 ``at_risk`` and ``rate`` are null
        (the risk set of actors without ties is not observed).
    """
    return (
        events.group_by("degree")
        .agg(pl.col("new_ties").sum(), pl.col("at_risk").sum())
        .with_columns(pl.when(pl.col("degree") > 0).then(pl.col("at_risk")).alias("at_risk"))
        .with_columns((pl.col("new_ties") / pl.col("at_risk")).alias("rate"))
        .sort("degree")
    )


def fit_attachment(
    new_ties: np.ndarray, at_risk: np.ndarray, degree: np.ndarray, *, bins_per_octave: int = 2
) -> np.ndarray:
    """The exponent alpha of A(k) ∝ k^alpha, by weighted least squares on log-log.

    ``new_ties`` and ``at_risk`` are ``(..., K)`` arrays, one kernel per leading index (the
    bootstrap's resamples), over the degrees ``degree`` (K values, all >= 1). Degrees are
    pooled into logarithmic bins, ``bins_per_octave`` per doubling of k (bin
    ``floor(bins_per_octave * log2 k)``); each bin's rate ``sum new_ties / sum at_risk`` is
    regressed, on the log of the bin's mean degree over its actors at risk, with the bin's new
    ties as weights. Bins without a new tie have zero weight; with fewer than two bins left
    the fit is NaN.

    Notes
    -----
    The weights are inverse variances: the log of a Poisson count c has variance about 1/c
    (the delta method). Binning keeps counts away from zero: fitted degree by degree, the
    sparse high degrees would enter only when they happen to gain a tie (log 0 is
    undefined), which biases alpha upward. Under linear attachment a bin's pooled rate is
    exactly A at the bin's at-risk mean degree, so binning adds no bias there.
    """
    if bins_per_octave < 1:
        raise BiorisError("bins_per_octave must be at least 1")
    degree = np.asarray(degree, dtype=np.float64)
    bins = np.floor(bins_per_octave * np.log2(degree) + 1e-9).astype(np.int64)
    member = np.zeros((degree.size, int(bins.max(initial=0)) + 1))
    member[np.arange(degree.size), bins] = 1.0
    new, risk = np.asarray(new_ties) @ member, np.asarray(at_risk) @ member
    with np.errstate(divide="ignore", invalid="ignore"):
        used = (new > 0) & (risk > 0)
        w = np.where(used, new, 0.0)
        x = np.where(used, np.log((np.asarray(at_risk) * degree) @ member / risk), 0.0)
        y = np.where(used, np.log(np.where(used, new, 1.0) / np.where(used, risk, 1.0)), 0.0)
        total = w.sum(axis=-1, keepdims=True)
        xm = (w * x).sum(axis=-1, keepdims=True) / total
        ym = (w * y).sum(axis=-1, keepdims=True) / total
        sxx = (w * (x - xm) ** 2).sum(axis=-1)
        alpha = (w * (x - xm) * (y - ym)).sum(axis=-1) / sxx
    return np.where((used.sum(axis=-1) >= 2) & (sxx > 0), alpha, np.nan)


def preferential_attachment(
    ties: pl.DataFrame,
    *,
    resamples: int = 2000,
    level: float = 0.95,
    seed: int = 0,
    bins_per_octave: int = 2,
) -> PreferentialAttachment:
    """Do actors with more partners gain new partners faster? The attachment exponent alpha.

    For each new tie of year t (:func:`attachment_events`), each end's degree k in the t - 1
    network; the kernel ``A(k) = new ties to actors of degree k / actors of degree k at t - 1``,
    pooled over the years (:func:`attachment_kernel`), is fitted as ``A(k) ∝ k^alpha`` by
    weighted least squares of ``log A`` on ``log k`` for ``k >= 1``, over logarithmic bins of
    k, weighted by their new ties (:func:`fit_attachment`).

    ``alpha = 1`` is linear preferential attachment (Barabási & Albert 1999: the rich get
    richer in proportion, a scale-free degree distribution); ``alpha = 0`` is none (partners
    chosen regardless of degree, as in a growing random graph); ``0 < alpha < 1`` is
    sublinear and ``alpha > 1`` superlinear attachment (Krapivsky, Redner & Leyvraz 2000).

    Parameters
    ----------
    ties : polars.DataFrame
        :func:`~bioris.analytics.tie_table` output; its years are consecutive t - 1, t.
    resamples : int
        Bootstrap resamples of the years (0 gives no interval).
    level : float
        Coverage of the percentile interval.
    seed : int
        Seed of the bootstrap (``numpy.random.default_rng``); the result is reproducible.
    bins_per_octave : int
        Logarithmic bins of k per doubling of k in the fit (2: 1, 2, 3, 4-5, 6-7, 8-11, ...).

    Returns
    -------
    PreferentialAttachment
        ``kernel`` (``degree, new_ties, at_risk, rate``, every degree), ``fit`` (one row:
        ``alpha, ci_low, ci_high, n_ties`` (new ties, pair-years), ``n_attachments`` (their
        ends of degree k >= 1, what the fit rests on), ``n_bins`` (bins of k with new ties),
        ``n_years, resamples, seed, method, status``) and ``by_year``.

    Notes
    -----
    **k = 0.** New ties to actors absent from the t - 1 network (newcomers, or actors whose
    ties had all lapsed) are counted in the kernel's k = 0 row, but their risk set -- every
    actor that could have entered -- is not observed in a tie table, so its rate is null and
    it is left out of the fit (so is log 0: Jeong et al. 2003 and Newman 2001 also measure
    the kernel on nodes already in the network). The share of new-tie ends going to
    newcomers is ``new_ties(0) / (2 n_ties)``.

    **Interval.** Years are resampled with replacement (a block bootstrap: the new ties of
    one year share that year's market, so they are not independent draws); each resample
    pools its years' kernels and refits alpha; the interval is the percentile interval
    (Efron & Tibshirani 1993). Resamples with fewer than two fitted bins are dropped.

    **Timing.** Degrees are read from the previous year's network, as Powell et al. (2005)
    lag their network measures, so ties formed in the same year do not count for each other.

    References
    ----------
    Powell, W. W., White, D. R., Koput, K. W., & Owen-Smith, J. (2005). Network dynamics and
    field evolution: The growth of interorganizational collaboration in the life sciences.
    *American Journal of Sociology*, 110(4), 1132-1205. Jeong, H., Néda, Z., & Barabási,
    A.-L. (2003). Measuring preferential attachment in evolving networks. *Europhysics
    Letters*, 61(4), 567-572. Newman, M. E. J. (2001). Clustering and preferential attachment
    in growing networks. *Physical Review E*, 64, 025102. Barabási, A.-L., & Albert, R. (1999).
    Emergence of scaling in random networks. *Science*, 286, 509-512. Krapivsky, P. L.,
    Redner, S., & Leyvraz, F. (2000). Connectivity of growing random networks. *Physical
    Review Letters*, 85, 4629-4632. Efron, B., & Tibshirani, R. J. (1993). *An Introduction
    to the Bootstrap*. Chapman & Hall.
    """
    if not 0 < level < 1:
        raise BiorisError(f"the interval level must be between 0 and 1, not {level}")
    by_year = attachment_events(ties)
    kernel = attachment_kernel(by_year)
    years = sorted(set(by_year["year"].to_list()))
    new, risk, degrees = _kernel_matrices(by_year, years)

    def fit(n: np.ndarray, r: np.ndarray) -> np.ndarray:
        return fit_attachment(n, r, degrees, bins_per_octave=bins_per_octave)

    alpha = float(fit(new.sum(axis=0), risk.sum(axis=0))) if degrees.size else float("nan")
    low = high = float("nan")
    if resamples > 0 and np.isfinite(alpha):
        draws = np.random.default_rng(seed).integers(0, len(years), size=(resamples, len(years)))
        times = np.zeros((resamples, len(years)))
        np.add.at(times, (np.arange(resamples)[:, None], draws), 1.0)
        boot = fit(times @ new, times @ risk)
        boot = boot[np.isfinite(boot)]
        if boot.size:
            low, high = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2]).tolist()
    n_bins = _fitted_bins(new.sum(axis=0), degrees, bins_per_octave)
    status = "ok" if np.isfinite(alpha) else f"too few degree bins with new ties (n={n_bins})"
    method = (
        f"WLS of log A(k) on log k, k >= 1 in {bins_per_octave} log bins per octave, weights "
        f"= new ties; {level:.0%} percentile bootstrap over years ({resamples} resamples, "
        f"seed {seed})"
    )
    row = {
        "alpha": _finite(alpha), "ci_low": _finite(low), "ci_high": _finite(high),
        "n_ties": int(by_year["new_ties"].sum()) // 2,  # each new tie has two ends
        "n_attachments": int(new.sum()), "n_bins": n_bins, "n_years": len(years),
        "resamples": resamples, "seed": seed, "method": method, "status": status,
    }  # fmt: skip
    return PreferentialAttachment(kernel, pl.DataFrame([row], schema=_FIT_SCHEMA), by_year)


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None


def _fitted_bins(new: np.ndarray, degrees: np.ndarray, bins_per_octave: int) -> int:
    bins = np.floor(bins_per_octave * np.log2(degrees.astype(np.float64)) + 1e-9)
    return int(np.unique(bins[new > 0]).size)


def _kernel_matrices(
    by_year: pl.DataFrame, years: list[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(years x degrees) new ties and at-risk counts for k >= 1, and the degrees."""
    rows = by_year.filter(pl.col("degree") >= 1)
    degrees = np.array(sorted(set(rows["degree"].to_list())), dtype=np.int64)
    new = np.zeros((len(years), len(degrees)))
    risk = np.zeros((len(years), len(degrees)))
    y = np.searchsorted(np.array(years), rows["year"].to_numpy())
    k = np.searchsorted(degrees, rows["degree"].to_numpy())
    new[y, k] = rows["new_ties"].to_numpy()
    risk[y, k] = rows["at_risk"].to_numpy()
    return new, risk, degrees
