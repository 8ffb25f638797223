"""The longitudinal network job: every measure for every actor and year in one pass.

:func:`actor_year_metrics` walks the yearly snapshots of a tie table once and joins, per
actor and year, the centralities, Burt's structural holes, the Gould-Fernandez brokerage
roles for a partition of the actors, and continuous coreness. :func:`year_metrics` does the
same for the network-level measures. Both return tidy polars tables.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from bioris.analytics.brokerage import BROKERAGE_ROLES, brokerage_counts
from bioris.analytics.centrality import (
    CENTRALITY_MEASURES,
    BetweennessSampling,
    betweenness_estimate,
    snapshot_centrality,
)
from bioris.analytics.coreness import coreness_arrays
from bioris.analytics.geography import tie_geography
from bioris.analytics.snapshot import Snapshot, SnapshotArrays, build_snapshot, snapshot_arrays
from bioris.analytics.structural_holes import constraint_arrays
from bioris.analytics.structure import PathSampling, network_structure
from bioris.errors import BiorisError

__all__ = [
    "JobOptions",
    "Reporter",
    "SnapshotResult",
    "SnapshotTask",
    "actor_year_metrics",
    "assemble",
    "run_snapshot",
    "snapshot_tasks",
    "year_metrics",
]


@dataclass(frozen=True, slots=True)
class JobOptions:
    """What the longitudinal job computes; every field is a documented choice.

    ``betweenness_sampling`` and ``path_sampling`` trade exactness for speed on large
    snapshots; ``random_graphs`` and ``seed`` drive the small-world references;
    ``min_nodes`` is the small-network guard of the year measures (a year of fewer actors
    has them withheld, :func:`~bioris.analytics.structure.network_structure`; the study's
    ``network_min_nodes`` setting).
    """

    measures: tuple[str, ...] = tuple(CENTRALITY_MEASURES)
    weight: str | None = "alliances"
    structural_holes: bool = True
    brokerage: bool = True
    core_periphery: bool = True
    betweenness_sampling: BetweennessSampling | None = None
    path_sampling: PathSampling | None = None
    random_graphs: int = 10
    seed: int = 0
    min_nodes: int = 10
    extra: dict[str, object] = field(default_factory=dict)


def _group_codes(groups: Mapping[str, str]) -> Callable[[list[str]], np.ndarray]:
    """Actor names -> integer group codes (the same code for the same group in every year)."""
    codes = {g: i for i, g in enumerate(sorted(set(groups.values())))}
    by_actor = {actor: codes[group] for actor, group in groups.items()}

    def lookup(names: list[str]) -> np.ndarray:
        missing = [n for n in names if n not in by_actor]
        if missing:
            raise BiorisError(f"{len(missing)} actor(s) have no group, e.g. {missing[:5]}")
        return np.fromiter((by_actor[n] for n in names), dtype=np.int64, count=len(names))

    return lookup


@dataclass(frozen=True, slots=True)
class SnapshotTask:
    """One year of the longitudinal job: its ties, its actors' group codes, what to compute.

    Tasks are independent and cheap to pickle, so years can run in other processes
    (:func:`run_snapshot`) and the results be put together in year order (:func:`assemble`).
    """

    arrays: SnapshotArrays
    groups: np.ndarray | None
    options: JobOptions

    @property
    def year(self) -> int:
        """The snapshot's year."""
        return self.arrays.year


@dataclass(frozen=True, slots=True)
class SnapshotResult:
    """One year's actor rows, the seconds each measure took, and how betweenness was
    computed (``betweenness_sources`` None when exact; ``betweenness_relative_se`` as in
    :class:`~bioris.analytics.centrality.BetweennessEstimate`)."""

    year: int
    actors: int
    ties: int
    frame: pl.DataFrame
    seconds: dict[str, float]
    betweenness_sources: int | None = None
    betweenness_relative_se: float | None = None


#: called with (year, measure) as each measure of a snapshot starts
Reporter = Callable[[int, str], None]


def snapshot_tasks(
    ties: pl.DataFrame,
    *,
    groups: Mapping[str, str] | None = None,
    options: JobOptions | None = None,
) -> list[SnapshotTask]:
    """The yearly tasks of :func:`actor_year_metrics`, in year order."""
    opts = options or JobOptions()
    codes = _group_codes(groups) if opts.brokerage and groups is not None else None
    return [
        SnapshotTask(arrays, codes(arrays.names) if codes is not None else None, opts)
        for arrays in snapshot_arrays(ties, weight=opts.weight)
    ]


def run_snapshot(task: SnapshotTask, report: Reporter | None = None) -> SnapshotResult:
    """Every actor measure of one year (see :func:`actor_year_metrics`)."""
    opts, year = task.options, task.year
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[name] = seconds.get(name, 0.0) + now - clock
        clock = now

    snap = build_snapshot(task.arrays)
    lap("graph")
    values: dict[str, np.ndarray] = {}
    estimate = None
    for measure in opts.measures:
        if report is not None:
            report(year, measure)
        if measure == "betweenness":
            estimate = betweenness_estimate(snap.graph, year, opts.betweenness_sampling)
            values[measure] = estimate.values
        else:
            values |= snapshot_centrality(snap, (measure,), opts.betweenness_sampling)
        lap(measure)
    _structural_measures(snap, task, values, report, lap)
    frame = _frame(snap, values)
    lap("frames")
    return SnapshotResult(
        year, snap.graph.vcount(), task.arrays.edges, frame, seconds,
        estimate.sources if estimate else None, estimate.relative_se if estimate else None,
    )  # fmt: skip


def _structural_measures(
    snap: Snapshot,
    task: SnapshotTask,
    values: dict[str, np.ndarray],
    report: Reporter | None,
    lap: Callable[[str], None],
) -> None:
    """Structural holes, brokerage and coreness of one snapshot, into ``values``."""
    opts, year = task.options, task.year
    if opts.structural_holes:
        if report is not None:
            report(year, "structural holes")
        weights = "weight" if opts.weight else None
        values["constraint"], values["effective_size"] = constraint_arrays(snap.graph, weights)
        lap("structural holes")
    if task.groups is not None:
        if report is not None:
            report(year, "brokerage")
        # a copy: an array unpickled in another process may sit on the message's read-only
        # bytes while its own flag says writeable, which scipy's indexing trips over
        counts = brokerage_counts(snap.pairs[:, 0], snap.pairs[:, 1], task.groups.copy())
        values |= {role: counts[:, r] for r, role in enumerate(BROKERAGE_ROLES)}
        values["brokerage_total"] = counts.sum(axis=1)
        lap("brokerage")
    if opts.core_periphery:
        if report is not None:
            report(year, "coreness")
        pairs = snap.pairs
        values["coreness"] = coreness_arrays(len(snap.names), pairs[:, 0], pairs[:, 1])[0]
        lap("coreness")


def assemble(results: list[SnapshotResult], options: JobOptions | None = None,
             *, with_brokerage: bool = False) -> pl.DataFrame:  # fmt: skip
    """The yearly results as one table sorted by year and actor (empty: the job's schema)."""
    if not results:
        return _empty(options or JobOptions(), with_brokerage)
    return pl.concat([r.frame for r in sorted(results, key=lambda r: r.year)]).sort("year", "actor")


def actor_year_metrics(
    ties: pl.DataFrame,
    *,
    groups: Mapping[str, str] | None = None,
    options: JobOptions | None = None,
) -> pl.DataFrame:
    """All actor-year measures of a tie table.

    Parameters
    ----------
    ties : polars.DataFrame
        :func:`~bioris.analytics.tie_table` output.
    groups : mapping, optional
        Actor -> group (e.g. bioRegion or country) for the brokerage census; without it the
        brokerage columns are left out.
    options : JobOptions, optional
        Which measures, weights and sampling.

    Returns
    -------
    polars.DataFrame
        ``year, actor``, the centralities of :data:`~bioris.analytics.CENTRALITY_MEASURES`,
        ``constraint, effective_size`` (Burt 1992), ``coordinator, itinerant, gatekeeper,
        representative, liaison, brokerage_total`` (Gould & Fernandez 1989, census on the
        symmetric digraph) and ``coreness`` (Borgatti & Everett 1999).

    Notes
    -----
    Each year's graph is built once, from integer arrays, and every kernel reads it: the same
    functions as :func:`centrality`, :func:`constraint` and :func:`brokerage` compute, without
    rebuilding the graph per measure. Years are independent: :func:`snapshot_tasks`,
    :func:`run_snapshot` and :func:`assemble` are this function in three steps, so that the
    years can run in parallel (:mod:`bioris.study.execution`) with the same result.
    """
    opts = options or JobOptions()
    tasks = snapshot_tasks(ties, groups=groups, options=opts)
    with_brokerage = opts.brokerage and groups is not None
    return assemble([run_snapshot(t) for t in tasks], opts, with_brokerage=with_brokerage)


def _frame(snap: Snapshot, values: dict[str, np.ndarray]) -> pl.DataFrame:
    n = snap.graph.vcount()
    columns = {
        "year": pl.Series("year", [snap.year] * n, dtype=pl.Int32),
        "actor": pl.Series("actor", snap.names, dtype=pl.String),
    }
    for name, array in values.items():
        dtype = pl.Int64 if np.issubdtype(array.dtype, np.integer) else pl.Float64
        columns[name] = pl.Series(name, array, dtype=dtype)
    return pl.DataFrame(columns)


def _empty(opts: JobOptions, with_brokerage: bool) -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {"year": pl.Int32(), "actor": pl.String()}
    schema |= {m: pl.Float64() for m in opts.measures}
    if opts.structural_holes:
        schema |= {"constraint": pl.Float64(), "effective_size": pl.Float64()}
    if with_brokerage:
        schema |= {r: pl.Int64() for r in (*BROKERAGE_ROLES, "brokerage_total")}
    return pl.DataFrame(schema=schema)


def year_metrics(
    ties: pl.DataFrame,
    actors: pl.DataFrame,
    *,
    options: JobOptions | None = None,
    structure: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """All year-level measures: structure (size, cohesion, centralisation, small world) and
    geography (shares of intra-regional, study-area and international ties, E-I index,
    assortativity by kind and location). A year of fewer than ``options.min_nodes`` actors
    has every measure withheld (null; its counts kept) and says so in ``status``.

    ``structure``, when given, is :func:`~bioris.analytics.network_structure` of ``ties``
    computed already (e.g. with its years in parallel, from
    :func:`~bioris.analytics.structure.structure_tasks`)."""
    opts = options or JobOptions()
    if structure is None:
        structure = network_structure(
            ties, random_graphs=opts.random_graphs, seed=opts.seed,
            path_sampling=opts.path_sampling, min_nodes=opts.min_nodes,
        )  # fmt: skip
    geography = tie_geography(ties, actors).drop("ties")
    small = pl.col("status") != "ok"
    withheld = [pl.when(small).then(None).otherwise(pl.col(c)).alias(c)
                for c in geography.columns if c != "year"]  # fmt: skip
    joined = structure.join(geography, on="year", how="left").with_columns(withheld)
    return joined.select(*[c for c in joined.columns if c != "status"], "status").sort("year")
