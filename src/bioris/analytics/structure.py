"""Year-level structure of the alliance network: size, cohesion, centralisation, small
worlds, and how ties spread over places and kinds of actor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import igraph as ig
import numpy as np
import polars as pl

from bioris.analytics.snapshot import Snapshot, SnapshotArrays, build_snapshot, snapshot_arrays

__all__ = [
    "WITHHELD_WHEN_SMALL",
    "PathSampling",
    "StructureResult",
    "StructureTask",
    "cohesion",
    "network_structure",
    "random_gnm",
    "run_structure",
    "size_status",
    "snapshot_structure",
    "structure_frame",
    "structure_tasks",
]

#: the measures :func:`network_structure` withholds on a network of fewer than ``min_nodes``
#: actors (the counts ``actors, ties, components`` are always given)
WITHHELD_WHEN_SMALL = (
    "density", "largest_component_share", "average_clustering", "average_path_length",
    "degree_centralisation", "small_world_sigma",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PathSampling:
    """Estimate average path lengths from sampled sources (seeded by year) in components of
    more than ``max(sources, exact_max_actors)`` actors.

    With ``relative_se`` the sources come in batches of ``sources`` until the estimate's
    standard error (the spread of the sources' mean distances, with the finite-population
    factor) is at most that share of the estimate; without it, ``sources`` sources once.
    """

    sources: int = 200
    seed: int = 0
    exact_max_actors: int = 0
    relative_se: float | None = None


def random_gnm(n: int, m: int, rng: np.random.Generator) -> ig.Graph:
    """An Erdős–Rényi G(n, m) graph drawn with ``rng`` (reproducible, no global state).

    Pairs are drawn in batches and the first ``m`` distinct ones kept, in the order drawn.
    """
    m = min(m, n * (n - 1) // 2)
    chosen = np.empty(0, dtype=np.int64)
    while len(chosen) < m:
        need = m - len(chosen)
        a = rng.integers(0, n, size=2 * need + 16)
        b = rng.integers(0, n, size=2 * need + 16)
        low, high = np.minimum(a, b), np.maximum(a, b)
        keys = (low * n + high)[low != high]
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)]  # each pair once, in the order drawn
        keys = keys[~np.isin(keys, chosen)][:need]
        chosen = np.concatenate([chosen, keys])
    keys = np.sort(chosen)
    return ig.Graph(n=n, edges=np.column_stack([keys // n, keys % n]) if n else [])


def size_status(actors: int, min_nodes: int) -> str:
    """``"ok"``, or ``"withheld: n=... < min_nodes"`` when a network of ``actors`` actors is smaller
    than ``min_nodes``: its whole-network measures are then withheld (null), never printed.

    Examples
    --------
    >>> size_status(9, 10), size_status(10, 10)
    ('withheld: n=9 < 10', 'ok')
    """
    return "ok" if actors >= min_nodes else f"withheld: n={actors} < {min_nodes}"


def cohesion(g: ig.Graph) -> dict[str, float | int]:
    """Size and cohesion of one undirected graph: ``actors, ties, density`` (2m / (n(n-1))),
    ``components`` (connected components, isolates included) and
    ``largest_component_share`` (actors in the largest component / n); NaN where undefined
    (density below two actors, the share of an empty graph).

    References
    ----------
    Wasserman, S., & Faust, K. (1994). Social Network Analysis. Cambridge UP, ch. 4.
    """
    n, m = g.vcount(), g.ecount()
    sizes = g.connected_components().sizes() if n else []
    return {
        "actors": n,
        "ties": m,
        "density": 2 * m / (n * (n - 1)) if n > 1 else float("nan"),
        "components": len(sizes),
        "largest_component_share": max(sizes) / n if n else float("nan"),
    }


def _largest_component(g: ig.Graph) -> ig.Graph:
    if g.vcount() == 0:
        return g
    return g.connected_components().giant()


def _average_path(g: ig.Graph, sampling: PathSampling | None, year: int) -> float:
    """Mean shortest-path length between connected pairs of the largest component."""
    giant = _largest_component(g)
    n = giant.vcount()
    if n < 2:
        return float("nan")
    if sampling is None or n <= max(sampling.sources, sampling.exact_max_actors):
        return float(giant.average_path_length(directed=False))
    rng = np.random.default_rng([sampling.seed, year])
    first = rng.choice(n, size=sampling.sources, replace=False)
    order = np.concatenate([first, rng.permutation(np.setdiff1d(np.arange(n), first))])
    means: list[float] = []
    for start in range(0, n, sampling.sources):
        batch = order[start : start + sampling.sources].tolist()
        # summing igraph's nested lists directly is ~5x faster than converting them to arrays
        means.extend(sum(row) / (n - 1) for row in giant.distances(source=batch))
        if sampling.relative_se is None or _settled(means, n, sampling.relative_se):
            break
    return float(np.mean(means))


def _settled(means: list[float], n: int, target: float) -> bool:
    """Whether the mean of the sources' mean distances has a small enough standard error."""
    k = len(means)
    se = np.std(means, ddof=1) / np.sqrt(k) * np.sqrt(max(0.0, 1 - k / n))
    return bool(se <= target * np.mean(means))


def _centralisation(degrees: np.ndarray) -> float:
    """Freeman's degree centralisation: 1 for a star, 0 for a regular graph."""
    n = len(degrees)
    if n < 3:
        return float("nan")
    return float((degrees.max() - degrees).sum() / ((n - 1) * (n - 2)))


def _small_world(
    g: ig.Graph, clustering: float, path: float, rng: np.random.Generator, count: int,
    sampling: PathSampling | None, year: int,
) -> float:  # fmt: skip
    """Humphries & Gurney's sigma = (C / C_random) / (L / L_random), G(n, m) references."""
    if count == 0 or g.vcount() < 4 or not np.isfinite(path):
        return float("nan")
    cs, ls = [], []
    for _ in range(count):
        ref = random_gnm(g.vcount(), g.ecount(), rng)
        cs.append(ref.transitivity_avglocal_undirected(mode="zero"))
        ls.append(_average_path(ref, sampling, year))
    c_rand, l_rand = float(np.mean(cs)), float(np.mean(ls))
    if c_rand == 0 or path == 0:
        return float("nan")
    return (clustering / c_rand) / (path / l_rand)


def snapshot_structure(
    snap: Snapshot,
    *,
    random_graphs: int = 10,
    seed: int = 0,
    path_sampling: PathSampling | None = None,
    min_nodes: int = 0,
) -> dict[str, float | int | str | None]:
    """The structural measures of one snapshot (see :func:`network_structure`)."""
    g = snap.graph
    row: dict[str, float | int | str | None] = {"year": snap.year, **cohesion(g)}
    status = size_status(g.vcount(), min_nodes)
    if status != "ok":  # nothing is computed, so no random graph is drawn either
        return row | dict.fromkeys(WITHHELD_WHEN_SMALL) | {"status": status}
    clustering = g.transitivity_avglocal_undirected(mode="zero") if g.vcount() else float("nan")
    path = _average_path(g, path_sampling, snap.year)
    rng = np.random.default_rng([seed, snap.year])
    return row | {
        "average_clustering": clustering,
        "average_path_length": path,
        "degree_centralisation": _centralisation(np.asarray(g.degree(), dtype=np.float64)),
        "small_world_sigma": _small_world(
            g, clustering, path, rng, random_graphs, path_sampling, snap.year
        ),
        "status": status,
    }


def network_structure(
    ties: pl.DataFrame,
    *,
    random_graphs: int = 10,
    seed: int = 0,
    path_sampling: PathSampling | None = None,
    min_nodes: int = 0,
) -> pl.DataFrame:
    """Year-level structure of a tie table, one row per year.

    Parameters
    ----------
    ties : polars.DataFrame
        :func:`~bioris.analytics.tie_table` output.
    random_graphs : int
        Erdős–Rényi G(n, m) graphs drawn per year for the small-world ratio (0 skips it).
    seed : int
        Seed of those random graphs (with the year), for reproducibility.
    path_sampling : PathSampling, optional
        Estimate path lengths from sampled sources on large snapshots.
    min_nodes : int
        The small-network guard: a year of fewer actors gets null for every measure of
        :data:`WITHHELD_WHEN_SMALL` and ``status`` "withheld: n=... < min_nodes" (the study passes
        its ``network_min_nodes`` setting, 10 by default; 0 computes every year). A small-world
        ratio or a density of a handful of actors says nothing about a network.

    Returns
    -------
    polars.DataFrame
        ``year, actors, ties, density, components, largest_component_share,
        average_clustering, average_path_length`` (in the largest component),
        ``degree_centralisation, small_world_sigma, status`` (``"ok"`` or
        ``"withheld: n=... < min_nodes"``).

    References
    ----------
    Wasserman, S., & Faust, K. (1994). Social Network Analysis. Cambridge UP (density,
    components). Freeman, L. C. (1978). Centrality in social networks: Conceptual
    clarification. Social Networks, 1(3), 215-239 (centralisation). Watts, D. J., & Strogatz,
    S. H. (1998). Collective dynamics of 'small-world' networks. Nature, 393, 440-442.
    Humphries, M. D., & Gurney, K. (2008). Network 'small-world-ness': a quantitative method
    for determining canonical network equivalence. PLoS ONE, 3(4), e0002051.
    """
    tasks = structure_tasks(ties, random_graphs=random_graphs, seed=seed,
                            path_sampling=path_sampling, min_nodes=min_nodes)  # fmt: skip
    return structure_frame([run_structure(t) for t in tasks])


@dataclass(frozen=True, slots=True)
class StructureTask:
    """One year of :func:`network_structure`, cheap to send to another process."""

    arrays: SnapshotArrays
    random_graphs: int = 10
    seed: int = 0
    path_sampling: PathSampling | None = None
    min_nodes: int = 0

    @property
    def year(self) -> int:
        """The snapshot's year."""
        return self.arrays.year


@dataclass(frozen=True, slots=True)
class StructureResult:
    """One year's row of :func:`network_structure` and its number of ties."""

    year: int
    ties: int
    row: dict[str, float | int | str | None]


def structure_tasks(
    ties: pl.DataFrame,
    *,
    random_graphs: int = 10,
    seed: int = 0,
    path_sampling: PathSampling | None = None,
    min_nodes: int = 0,
) -> list[StructureTask]:
    """The yearly tasks of :func:`network_structure`, in year order."""
    return [
        StructureTask(arrays, random_graphs, seed, path_sampling, min_nodes)
        for arrays in snapshot_arrays(ties)
    ]


def run_structure(
    task: StructureTask, report: Callable[[int, str], None] | None = None
) -> StructureResult:
    """One year's structure (``report`` is told the year and ``"structure"`` as it starts)."""
    if report is not None:
        report(task.year, "structure")
    snap = build_snapshot(task.arrays)
    row = snapshot_structure(
        snap, random_graphs=task.random_graphs, seed=task.seed,
        path_sampling=task.path_sampling, min_nodes=task.min_nodes,
    )  # fmt: skip
    return StructureResult(task.year, task.arrays.edges, row)


def structure_frame(results: list[StructureResult]) -> pl.DataFrame:
    """The rows of :func:`network_structure`, one per year in year order."""
    schema = {
        "year": pl.Int32, "actors": pl.Int64, "ties": pl.Int64, "density": pl.Float64,
        "components": pl.Int64, "largest_component_share": pl.Float64,
        "average_clustering": pl.Float64, "average_path_length": pl.Float64,
        "degree_centralisation": pl.Float64, "small_world_sigma": pl.Float64,
        "status": pl.String,
    }  # fmt: skip
    rows = [r.row for r in sorted(results, key=lambda r: r.year)]
    return pl.DataFrame(rows, schema=schema, orient="row")
