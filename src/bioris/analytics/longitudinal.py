"""The longitudinal network job: every measure for every actor and year in one pass.

:func:`actor_year_metrics` walks the yearly snapshots of a tie table once and joins, per
actor and year, the centralities, Burt's structural holes, the Gould-Fernandez brokerage
roles for a partition of the actors, and continuous coreness. :func:`year_metrics` does the
same for the network-level measures. Both return tidy polars tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from bioris.analytics.brokerage import BROKERAGE_ROLES, brokerage_counts
from bioris.analytics.centrality import (
    CENTRALITY_MEASURES,
    BetweennessSampling,
    snapshot_centrality,
)
from bioris.analytics.coreness import coreness
from bioris.analytics.geography import tie_geography
from bioris.analytics.snapshot import Snapshot, snapshots
from bioris.analytics.structural_holes import constraint_arrays
from bioris.analytics.structure import PathSampling, network_structure
from bioris.errors import BiorisError

__all__ = ["JobOptions", "actor_year_metrics", "year_metrics"]

Progress = Callable[[int], None]


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


def _per_year(
    ties: pl.DataFrame, function: Callable[[pl.DataFrame], pl.DataFrame]
) -> pl.DataFrame | None:
    frames = []
    for (year,), part in ties.partition_by("year", as_dict=True, maintain_order=True).items():
        result = function(part)
        frames.append(result.with_columns(pl.lit(year, dtype=pl.Int32).alias("year")))
    return pl.concat(frames) if frames else None


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
    rebuilding the graph per measure.
    """
    opts = options or JobOptions()
    codes = _group_codes(groups) if opts.brokerage and groups is not None else None
    weights = "weight" if opts.weight else None
    frames = []
    for snap in snapshots(ties, weight=opts.weight):
        values: dict[str, np.ndarray] = snapshot_centrality(
            snap, opts.measures, opts.betweenness_sampling
        )
        if opts.structural_holes:
            values["constraint"], values["effective_size"] = constraint_arrays(snap.graph, weights)
        if codes is not None:
            group = codes(snap.names)
            counts = brokerage_counts(snap.pairs[:, 0], snap.pairs[:, 1], group)
            values |= {role: counts[:, r] for r, role in enumerate(BROKERAGE_ROLES)}
            values["brokerage_total"] = counts.sum(axis=1)
        frames.append(_frame(snap, values))
    result = pl.concat(frames) if frames else _empty(opts, codes is not None)
    if opts.core_periphery and frames:
        edges = ties.select("year", "source", "target")
        core = _per_year(edges, lambda e: coreness(e))
        result = result.join(core, on=["year", "actor"], how="left")  # type: ignore[arg-type]
    return result.sort("year", "actor")


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
    ties: pl.DataFrame, actors: pl.DataFrame, *, options: JobOptions | None = None
) -> pl.DataFrame:
    """All year-level measures: structure (size, cohesion, centralisation, small world) and
    geography (shares of intra-regional, study-area and international ties, E-I index,
    assortativity by kind and location). A year of fewer than ``options.min_nodes`` actors
    has every measure withheld (null; its counts kept) and says so in ``status``."""
    opts = options or JobOptions()
    structure = network_structure(
        ties, random_graphs=opts.random_graphs, seed=opts.seed, path_sampling=opts.path_sampling,
        min_nodes=opts.min_nodes,
    )  # fmt: skip
    geography = tie_geography(ties, actors).drop("ties")
    small = pl.col("status") != "ok"
    withheld = [pl.when(small).then(None).otherwise(pl.col(c)).alias(c)
                for c in geography.columns if c != "year"]  # fmt: skip
    joined = structure.join(geography, on="year", how="left").with_columns(withheld)
    return joined.select(*[c for c in joined.columns if c != "status"], "status").sort("year")
