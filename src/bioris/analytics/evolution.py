"""How the alliance network evolves: size and cohesion year by year, degree distributions per
period, preferential attachment, and the panel's structural holes over time.

Every function reads a yearly tie table (:func:`~bioris.analytics.tie_table`) and returns
tidy polars tables. Whole-network measures of a network smaller than ``min_nodes`` actors are
withheld (null) with a ``status`` saying why (:func:`~bioris.analytics.structure.size_status`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

import igraph as ig
import numpy as np
import polars as pl

from bioris.analytics.snapshot import snapshots
from bioris.analytics.structural_holes import constraint_arrays
from bioris.analytics.structure import cohesion, size_status
from bioris.errors import BiorisError

__all__ = [
    "EVOLUTION_WITHHELD",
    "PreferentialAttachment",
    "attachment_events",
    "attachment_kernel",
    "degree_distribution",
    "fit_attachment",
    "network_evolution",
    "panel_structural_holes",
    "period_blocks",
    "preferential_attachment",
    "structural_holes_summary",
]

#: the measures of :func:`network_evolution` withheld on a network of fewer than
#: ``min_nodes`` actors (the counts ``actors, ties, components`` are always given)
EVOLUTION_WITHHELD = ("density", "largest_component_share", "mean_degree")
WHOLE, PANEL_EGO = "whole", "panel ego"
Panel = Collection[str] | pl.DataFrame

_EVOLUTION_SCHEMA = {
    "year": pl.Int32, "network": pl.String, "actors": pl.Int64, "ties": pl.Int64,
    "density": pl.Float64, "components": pl.Int64, "largest_component_share": pl.Float64,
    "mean_degree": pl.Float64, "panel_firms": pl.Int64, "status": pl.String,
}  # fmt: skip
_FIT_SCHEMA = {
    "alpha": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64, "n_ties": pl.Int64,
    "n_attachments": pl.Int64, "n_bins": pl.Int64, "n_years": pl.Int64, "resamples": pl.Int64,
    "seed": pl.Int64, "method": pl.String, "status": pl.String,
}  # fmt: skip
_HOLES_SCHEMA = {"actor": pl.String, "year": pl.Int32, "constraint": pl.Float64,
                 "effective_size": pl.Float64, "degree": pl.Int64}  # fmt: skip


# -- size and cohesion, year by year ----------------------------------------------------------


def network_evolution(
    ties: pl.DataFrame,
    *,
    panel: Panel | None = None,
    years: Iterable[int] | None = None,
    min_nodes: int = 10,
) -> pl.DataFrame:
    """Size and cohesion of the network each year, whole and around the panel.

    Parameters
    ----------
    ties : polars.DataFrame
        :func:`~bioris.analytics.tie_table` output (``year, source, target``).
    panel : collection of str or polars.DataFrame, optional
        The panel firms: ids (every year), or ``actor_id, year`` rows (the firms of each
        year, e.g. from entry to exit). With it, each year also has a ``panel ego`` row: the
        union of the panel firms' ego networks (the firms present that year, their partners
        and every tie among them; Burt 1992's ego network, order 1).
    years : iterable of int, optional
        Years to report; a year without ties gets zero counts (and is withheld as too
        small). By default the years of ``ties``.
    min_nodes : int
        The small-network guard: a network of fewer actors has the measures of
        :data:`EVOLUTION_WITHHELD` set to null and ``status`` "withheld: n=... < min_nodes".

    Returns
    -------
    polars.DataFrame
        ``year, network`` (``whole`` or ``panel ego``), ``actors`` (nodes), ``ties``,
        ``density`` (2m / (n(n-1))), ``components`` (connected components),
        ``largest_component_share`` (share of the actors in the giant component),
        ``mean_degree`` (2m / n), ``panel_firms`` (panel firms in the network; null without a
        panel) and ``status`` (``"ok"`` or ``"withheld: n=... < min_nodes"``). The first five
        measures are those of :func:`~bioris.analytics.structure.cohesion`, the same kernel as the
        year measures of :func:`~bioris.analytics.network_structure`.

    References
    ----------
    Wasserman, S., & Faust, K. (1994). *Social Network Analysis*. Cambridge UP (density,
    components). Burt, R. S. (1992). *Structural Holes*. Harvard UP (ego networks). Powell,
    W. W., White, D. R., Koput, K. W., & Owen-Smith, J. (2005). Network dynamics and field
    evolution: The growth of interorganizational collaboration in the life sciences.
    *American Journal of Sociology*, 110(4), 1132-1205 (the giant component's growth).

    Examples
    --------
    >>> import polars as pl
    >>> ties = pl.DataFrame({"year": [2000] * 3, "source": ["a", "a", "c"],
    ...                      "target": ["b", "c", "d"]})
    >>> network_evolution(ties, min_nodes=0).select("actors", "ties", "mean_degree").row(0)
    (4, 3, 1.5)
    """
    graphs = {s.year: s.graph for s in snapshots(ties.select("year", "source", "target"))}
    wanted = sorted(set(graphs) if years is None else set(years))
    firms = _panel_by_year(panel, wanted)
    rows = []
    for year in wanted:
        graph = graphs.get(year, ig.Graph())
        members = None if firms is None else _present(graph, firms[year])
        rows.append(_evolution_row(year, WHOLE, graph, members, min_nodes))
        if members is not None:
            ego = graph.induced_subgraph(_ego_union(graph, members))
            rows.append(_evolution_row(year, PANEL_EGO, ego, members, min_nodes))
    return pl.DataFrame(rows, schema=_EVOLUTION_SCHEMA, orient="row")


def _evolution_row(
    year: int, network: str, graph: ig.Graph, members: list[int] | None, min_nodes: int
) -> dict[str, object]:
    row: dict[str, object] = {"year": year, "network": network, **cohesion(graph)}
    n = graph.vcount()
    row["mean_degree"] = 2 * graph.ecount() / n if n else float("nan")
    row["panel_firms"] = None if members is None else len(members)
    row["status"] = size_status(n, min_nodes)
    if row["status"] != "ok":
        row |= dict.fromkeys(EVOLUTION_WITHHELD)
    return row


def _panel_by_year(panel: Panel | None, years: list[int]) -> dict[int, set[str]] | None:
    if panel is None:
        return None
    if isinstance(panel, pl.DataFrame):
        by_year: dict[int, set[str]] = {year: set() for year in years}
        for actor, year in panel.select("actor_id", "year").iter_rows():
            if year in by_year:
                by_year[year].add(actor)
        return by_year
    ids = set(panel)
    return {year: ids for year in years}


def _present(graph: ig.Graph, firms: set[str]) -> list[int]:
    names = graph.vs["name"] if graph.vcount() else []
    return [i for i, name in enumerate(names) if name in firms]


def _ego_union(graph: ig.Graph, members: list[int]) -> list[int]:
    if not members:
        return []
    return sorted({v for hood in graph.neighborhood(members, order=1) for v in hood})


# -- degree distributions per period ----------------------------------------------------------


def period_blocks(start: int, end: int, years: int = 5) -> list[tuple[int, int]]:
    """Consecutive periods of ``years`` years from ``start`` to ``end`` (inclusive).

    The years left over at the end form a last, shorter period when they are at least half a
    period; fewer join the period before (1987-2017 in 5-year periods: 1987-1991, ...,
    2007-2011, 2012-2017).

    Examples
    --------
    >>> period_blocks(1987, 2017)[-2:]
    [(2007, 2011), (2012, 2017)]
    >>> period_blocks(2000, 2012)
    [(2000, 2004), (2005, 2009), (2010, 2012)]
    """
    if years < 1:
        raise BiorisError("a period must be at least one year long")
    if start > end:
        raise BiorisError(f"the period {start}-{end} is empty")
    blocks = [(first, min(first + years - 1, end)) for first in range(start, end + 1, years)]
    last_first, last_end = blocks[-1]
    if len(blocks) > 1 and 2 * (last_end - last_first + 1) < years:
        blocks[-2:] = [(blocks[-2][0], last_end)]
    return blocks


def degree_distribution(
    ties: pl.DataFrame,
    *,
    period_years: int = 5,
    start: int | None = None,
    end: int | None = None,
) -> pl.DataFrame:
    """Degree distribution of the network of each period, for a log-log plot.

    The network of a period joins every pair tied in any of its years, so an actor's degree
    is the number of distinct partners it had during the period (with a five-year tie window
    these are partners of deals signed up to four years before the period began). Periods are
    :func:`period_blocks` of ``period_years`` years over ``start..end`` (the years of ``ties``
    by default).

    Returns
    -------
    polars.DataFrame
        ``period`` ("1987-1991"), ``period_start, period_end``, ``actors`` (actors of the
        period's network), ``degree`` (k >= 1; an actor without ties is not in a tie table),
        ``count`` (actors of degree k) and ``ccdf`` (the share of actors of degree k or more,
        P(K >= k), the complementary cumulative distribution plotted on log-log axes to see
        a power-law tail without binning; Clauset, Shalizi & Newman 2009).

    References
    ----------
    Barabási, A.-L., & Albert, R. (1999). Emergence of scaling in random networks.
    *Science*, 286, 509-512. Clauset, A., Shalizi, C. R., & Newman, M. E. J. (2009).
    Power-law distributions in empirical data. *SIAM Review*, 51(4), 661-703. Powell et al.
    (2005), *American Journal of Sociology*, 110(4), 1132-1205.
    """
    schema = {
        "period": pl.String,
        "period_start": pl.Int32,
        "period_end": pl.Int32,
        "actors": pl.Int64,
        "degree": pl.Int64,
        "count": pl.Int64,
        "ccdf": pl.Float64,
    }
    if ties.height == 0 and (start is None or end is None):
        return pl.DataFrame(schema=schema)
    first = int(ties["year"].min()) if start is None else start  # type: ignore[arg-type]
    last = int(ties["year"].max()) if end is None else end  # type: ignore[arg-type]
    frames = []
    for lo, hi in period_blocks(first, last, period_years):
        pairs = ties.filter(pl.col("year").is_between(lo, hi)).select("source", "target").unique()
        degrees = pl.concat([pairs["source"], pairs["target"]]).value_counts(name="degree")
        counts = degrees.group_by("degree").agg(pl.len().alias("count")).sort("degree")
        n = degrees.height
        frames.append(
            counts.select(
                pl.lit(f"{lo}-{hi}").alias("period"),
                pl.lit(lo).alias("period_start"),
                pl.lit(hi).alias("period_end"),
                pl.lit(n).alias("actors"),
                "degree",
                "count",
                (pl.col("count").reverse().cum_sum().reverse() / n).alias("ccdf"),
            ).cast(schema)  # type: ignore[arg-type]
        )
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


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


# -- structural holes of the panel over time ---------------------------------------------------


def panel_structural_holes(
    ties: pl.DataFrame, panel: Panel, *, weight: str | None = "alliances"
) -> pl.DataFrame:
    """Burt's constraint and effective size of each panel firm, each year it has ties.

    Parameters
    ----------
    ties : polars.DataFrame
        :func:`~bioris.analytics.tie_table` output.
    panel : collection of str or polars.DataFrame
        Panel firm ids (every year), or ``actor_id, year`` rows (each firm's years in the
        panel, e.g. up to its exit).
    weight : str, optional
        Tie strength column (``alliances`` by default, as :func:`actor_year_metrics`); None
        for unweighted ties.

    Returns
    -------
    polars.DataFrame
        ``actor, year, constraint, effective_size, degree``: the values of
        :func:`~bioris.analytics.constraint` on each year's whole network (the same kernel,
        :func:`~bioris.analytics.structural_holes.constraint_arrays`), for the panel firms
        in it; a firm without ties that year has no row (its constraint is undefined).

    References
    ----------
    Burt, R. S. (1992). *Structural Holes: The Social Structure of Competition*. Harvard UP.
    Borgatti, S. P. (1997). Structural holes: Unpacking Burt's redundancy measures.
    *Connections*, 20(1), 35-38.
    """
    years = sorted(set(ties["year"].to_list()))
    firms = _panel_by_year(panel, years) or {}
    frames = []
    for snap in snapshots(ties, weight=weight):
        values, sizes = constraint_arrays(snap.graph, "weight" if weight else None)
        keep = _present(snap.graph, firms.get(snap.year, set()))
        frames.append(
            pl.DataFrame(
                {
                    "actor": [snap.names[i] for i in keep],
                    "year": [snap.year] * len(keep),
                    "constraint": values[keep],
                    "effective_size": sizes[keep],
                    "degree": np.asarray(snap.graph.degree(keep), dtype=np.int64),
                },
                schema=_HOLES_SCHEMA,
            )
        )
    if not frames:
        return pl.DataFrame(schema=_HOLES_SCHEMA)
    return pl.concat(frames).sort("year", "actor")


def structural_holes_summary(holes: pl.DataFrame) -> pl.DataFrame:
    """The panel's structural holes each year: quartiles of :func:`panel_structural_holes`.

    Returns
    -------
    polars.DataFrame
        ``year, firms`` (panel firms with ties) and, for ``constraint`` and
        ``effective_size``, ``*_q1, *_median, *_q3`` (linear interpolation, as numpy's
        default). Falling constraint and rising effective size mean the panel spans more
        structural holes (Burt 1992).
    """
    stats = []
    for column in ("constraint", "effective_size"):
        for name, q in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
            stats.append(
                pl.col(column).quantile(q, interpolation="linear").alias(f"{column}_{name}")
            )
    return holes.group_by("year").agg(pl.len().cast(pl.Int64).alias("firms"), *stats).sort("year")
