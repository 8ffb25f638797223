"""Actor-year centrality in the yearly alliance network (igraph kernels).

Each measure is computed on each year's snapshot and returned as a tidy table, one row per
actor and year. Conventions follow networkx so that results can be checked against it:
betweenness normalised by 2/((n-1)(n-2)), eigenvector scaled to unit length, harmonic
closeness divided by n-1, local clustering 0 for actors with fewer than two partners. On a
disconnected snapshot the leading eigenvector lives in one component (the one with the
largest eigenvalue), so eigenvector centrality is 0 elsewhere: compare it within components.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import igraph as ig
import numpy as np
import polars as pl

from bioris.analytics.snapshot import Snapshot, snapshots
from bioris.errors import BiorisError

__all__ = [
    "CENTRALITY_MEASURES",
    "BetweennessEstimate",
    "BetweennessSampling",
    "betweenness_estimate",
    "centrality",
    "sampled_harmonic",
    "snapshot_centrality",
]


@dataclass(frozen=True, slots=True)
class BetweennessSampling:
    """Estimate betweenness from ``sources`` randomly chosen source actors per snapshot.

    Brandes & Pich (2007): shortest paths from ``k`` uniformly sampled sources, scaled by
    ``n / k``, give an unbiased estimate of betweenness; harmonic closeness, the other measure
    that needs every shortest path, is estimated from ``k`` pivots likewise (Eppstein & Wang
    2004, :func:`sampled_harmonic`). Snapshots with at most
    ``max(sources, exact_max_actors)`` actors are computed exactly. The generator is seeded by
    ``(seed, year)``.
    """

    sources: int = 500
    seed: int = 0
    exact_max_actors: int = 0

    def exact_for(self, n: int) -> bool:
        """Whether a snapshot of ``n`` actors gets exact betweenness."""
        return n <= max(self.sources, self.exact_max_actors)


#: the sampled sources are split into this many equal batches; the spread of the batches'
#: estimates gives the estimate's standard error (batch means)
SE_BATCHES = 10
#: the standard error is summarised over this many actors with the highest estimates
SE_TOP_ACTORS = 100


@dataclass(frozen=True, slots=True)
class BetweennessEstimate:
    """Betweenness of one snapshot and how it was computed.

    ``sources`` is None when exact; otherwise the number of sampled sources, and
    ``relative_se`` the median, over the :data:`SE_TOP_ACTORS` actors with the highest
    estimates, of each actor's standard error divided by its estimate.
    """

    values: np.ndarray
    sources: int | None = None
    relative_se: float | None = None


def betweenness_estimate(
    g: ig.Graph, year: int, sampling: BetweennessSampling | None
) -> BetweennessEstimate:
    """Normalised betweenness of a snapshot: exact, or sampled with its standard error.

    The sampled estimate is exactly Brandes & Pich's from all ``k`` sources; its standard
    error comes from :data:`SE_BATCHES` disjoint batches of the sources, each an unbiased
    estimate on its own: ``sd(batch estimates) / sqrt(batches)``, times the finite-population
    factor ``sqrt(1 - k / n)`` (sources are drawn without replacement).
    """
    n = g.vcount()
    if n < 3:
        return BetweennessEstimate(np.zeros(n))
    norm = 2.0 / ((n - 1) * (n - 2))
    if sampling is None or sampling.exact_for(n):
        return BetweennessEstimate(np.asarray(g.betweenness(directed=False)) * norm)
    rng = np.random.default_rng([sampling.seed, year])
    sources = rng.choice(n, size=sampling.sources, replace=False)
    batches = [b for b in np.array_split(sources, min(SE_BATCHES, len(sources))) if len(b)]
    sums = np.stack([np.asarray(g.betweenness(sources=b.tolist(), targets=None)) for b in batches])
    values = sums.sum(axis=0) * (n / len(sources)) * norm
    per_batch = sums * (n / np.array([len(b) for b in batches]))[:, None] * norm
    se = per_batch.std(axis=0, ddof=1) / np.sqrt(len(batches)) * np.sqrt(1 - len(sources) / n)
    top = np.argsort(-values, kind="stable")[:SE_TOP_ACTORS]
    top = top[values[top] > 0]
    relative = float(np.median(se[top] / values[top])) if len(top) else None
    return BetweennessEstimate(values, len(sources), relative)


def _degree(g: ig.Graph, _: Snapshot, __: object) -> np.ndarray:
    return np.asarray(g.degree(), dtype=np.float64)


def _strength(g: ig.Graph, _: Snapshot, __: object) -> np.ndarray:
    weights = g.es["weight"] if "weight" in g.es.attributes() else None
    return np.asarray(g.strength(weights=weights), dtype=np.float64)


def _betweenness(g: ig.Graph, snap: Snapshot, sampling: object) -> np.ndarray:
    chosen = sampling if isinstance(sampling, BetweennessSampling) else None
    return betweenness_estimate(g, snap.year, chosen).values


def _eigenvector(g: ig.Graph, _: Snapshot, __: object) -> np.ndarray:
    if g.ecount() == 0:
        return np.zeros(g.vcount())
    with warnings.catch_warnings():  # igraph warns on disconnected graphs; documented above
        warnings.simplefilter("ignore", RuntimeWarning)
        # ARPACK starts from a random vector drawn from igraph's generator (Python's global
        # ``random``); when components tie on the leading eigenvalue the result depends on it,
        # so a fixed generator makes every run give the same values
        ig.set_random_number_generator(random.Random(0))
        try:
            values = np.asarray(g.eigenvector_centrality(scale=True))
        finally:
            ig.set_random_number_generator(random)
    norm = np.linalg.norm(values)
    return values / norm if norm > 0 else values


def _harmonic(g: ig.Graph, snap: Snapshot, sampling: object) -> np.ndarray:
    n = g.vcount()
    if n < 2:
        return np.zeros(n)
    if isinstance(sampling, BetweennessSampling) and not sampling.exact_for(n):
        return sampled_harmonic(g, sampling, snap.year)
    return np.asarray(g.harmonic_centrality(normalized=True))


#: sampled pivots per call of the breadth-first search (bounds its n x batch distance matrix)
_PIVOT_BATCH = 64


def sampled_harmonic(g: ig.Graph, sampling: BetweennessSampling, year: int) -> np.ndarray:
    """Harmonic closeness estimated from ``sampling.sources`` random pivots (Eppstein & Wang
    2004): actor ``i``'s mean of ``1 / d(s, i)`` over the pivots ``s != i``, an unbiased
    estimate of the normalised measure ``sum_{j != i} 1 / d(i, j) / (n - 1)`` (unreachable
    pivots count 0). The pivots are drawn like betweenness's sources, from a generator seeded
    by ``(seed, year, 1)``.
    """
    n = g.vcount()
    rng = np.random.default_rng([sampling.seed, year, 1])
    pivots = rng.choice(n, size=sampling.sources, replace=False)
    total = np.zeros(n)
    for start in range(0, len(pivots), _PIVOT_BATCH):
        batch = pivots[start : start + _PIVOT_BATCH].tolist()
        distances = np.array(g.distances(source=batch), dtype=np.float64)
        with np.errstate(divide="ignore"):
            inverse = np.where(np.isfinite(distances) & (distances > 0), 1.0 / distances, 0.0)
        total += inverse.sum(axis=0)
    counts = np.full(n, float(len(pivots)))
    counts[pivots] -= 1  # a pivot is not its own contact
    return total / counts


def _clustering(g: ig.Graph, _: Snapshot, __: object) -> np.ndarray:
    return np.asarray(g.transitivity_local_undirected(mode="zero"))


def _kcore(g: ig.Graph, _: Snapshot, __: object) -> np.ndarray:
    return np.asarray(g.coreness(), dtype=np.float64)


Measure = Callable[[ig.Graph, Snapshot, object], np.ndarray]

#: measure name -> (kernel, reference); every kernel returns one value per vertex
CENTRALITY_MEASURES: dict[str, tuple[Measure, str]] = {
    "degree": (_degree, "distinct partners in the year (Freeman 1978)"),
    "strength": (_strength, "sum of tie weights (Barrat et al. 2004)"),
    "betweenness": (_betweenness, "Freeman 1977; Brandes 2001; sampled: Brandes & Pich 2007"),
    "eigenvector": (_eigenvector, "Bonacich 1972"),
    "harmonic_closeness": (
        _harmonic,
        "Marchiori & Latora 2000; Boldi & Vigna 2014; sampled: Eppstein & Wang 2004",
    ),
    "clustering": (_clustering, "Watts & Strogatz 1998"),
    "kcore": (_kcore, "Seidman 1983"),
}


def snapshot_centrality(
    snap: Snapshot,
    measures: tuple[str, ...],
    sampling: BetweennessSampling | None = None,
) -> dict[str, np.ndarray]:
    """The chosen measures of one snapshot, as arrays in vertex order."""
    return {m: CENTRALITY_MEASURES[m][0](snap.graph, snap, sampling) for m in measures}


def centrality(
    ties: pl.DataFrame,
    *,
    measures: tuple[str, ...] | None = None,
    weight: str | None = "alliances",
    betweenness_sampling: BetweennessSampling | None = None,
) -> pl.DataFrame:
    """Actor-year centrality of a tie table.

    Parameters
    ----------
    ties : polars.DataFrame
        :func:`~bioris.analytics.tie_table` output.
    measures : tuple of str, optional
        Names from :data:`CENTRALITY_MEASURES`; all by default.
    weight : str or None
        Tie column used for ``strength`` (other measures use the unweighted graph, as
        alliance-network studies usually do).
    betweenness_sampling : BetweennessSampling, optional
        Estimate betweenness from sampled sources on large snapshots.

    Returns
    -------
    polars.DataFrame
        ``year, actor`` and one Float64 column per measure, sorted by year and actor.

    References
    ----------
    Freeman, L. C. (1978). Centrality in social networks: Conceptual clarification. Social
    Networks, 1(3), 215-239. Brandes, U. (2001). A faster algorithm for betweenness
    centrality. Journal of Mathematical Sociology, 25(2), 163-177. Brandes, U., & Pich, C.
    (2007). Centrality estimation in large networks. International Journal of Bifurcation and
    Chaos, 17(7), 2303-2318. Bonacich, P. (1972). Factoring and weighting approaches to status
    scores and clique identification. Journal of Mathematical Sociology, 2(1), 113-120.
    Boldi, P., & Vigna, S. (2014). Axioms for centrality. Internet Mathematics, 10, 222-262.
    Eppstein, D., & Wang, J. (2004). Fast approximation of centrality. Journal of Graph
    Algorithms and Applications, 8(1), 39-45.
    Seidman, S. B. (1983). Network structure and minimum degree. Social Networks, 5, 269-287.

    Examples
    --------
    >>> import polars as pl
    >>> ties = pl.DataFrame({"year": [2000, 2000], "source": ["a", "b"],
    ...                      "target": ["b", "c"], "alliances": [1, 2]})
    >>> centrality(ties, measures=("degree", "strength"))["strength"].to_list()
    [1.0, 3.0, 2.0]
    """
    chosen = measures or tuple(CENTRALITY_MEASURES)
    unknown = [m for m in chosen if m not in CENTRALITY_MEASURES]
    if unknown:
        raise BiorisError(f"unknown measure(s) {unknown}; known: {list(CENTRALITY_MEASURES)}")
    frames = []
    for snap in snapshots(ties, weight=weight):
        values = snapshot_centrality(snap, chosen, betweenness_sampling)
        frames.append(_frame(snap, values))
    if not frames:
        schema = {"year": pl.Int32, "actor": pl.String} | {m: pl.Float64 for m in chosen}
        return pl.DataFrame(schema=schema)
    return pl.concat(frames).sort("year", "actor")


def _frame(snap: Snapshot, values: dict[str, np.ndarray]) -> pl.DataFrame:
    n = snap.graph.vcount()
    columns: dict[str, object] = {
        "year": pl.Series("year", [snap.year] * n, dtype=pl.Int32),
        "actor": pl.Series("actor", snap.names, dtype=pl.String),
    }
    for name, array in values.items():
        columns[name] = pl.Series(name, array, dtype=pl.Float64)
    return pl.DataFrame(columns)
