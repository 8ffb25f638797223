"""Yearly snapshots of a tie table as igraph graphs, built from integer arrays.

Actor ids are mapped to integers once for the whole table; each year's graph is then built
from numpy arrays, which keeps rebuilding 31 snapshots a small share of a longitudinal job.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import igraph as ig
import numpy as np
import polars as pl

__all__ = ["Snapshot", "SnapshotArrays", "build_snapshot", "snapshot_arrays", "snapshots"]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One year's undirected network: ``graph`` has a ``name`` per vertex (the actor id)
    and, when a weight was chosen, a ``weight`` per edge."""

    year: int
    graph: ig.Graph
    pairs: np.ndarray  # (m, 2) local vertex ids, one row per tie, first < second

    @property
    def names(self) -> list[str]:
        """Actor ids in vertex order."""
        return self.graph.vs["name"] if self.graph.vcount() else []


@dataclass(frozen=True, slots=True)
class SnapshotArrays:
    """One year's ties as plain arrays, cheap to send to another process: vertex ``i`` is
    ``names[i]``; row ``k`` of ``pairs`` ties two vertices (first < second) with strength
    ``weights[k]`` (None when no weight was chosen)."""

    year: int
    names: list[str]
    pairs: np.ndarray
    weights: np.ndarray | None

    @property
    def edges(self) -> int:
        """Number of ties."""
        return len(self.pairs)


def snapshots(ties: pl.DataFrame, *, weight: str | None = None) -> Iterator[Snapshot]:
    """Yield one :class:`Snapshot` per year of a :func:`~bioris.analytics.tie_table`.

    Parameters
    ----------
    ties : polars.DataFrame
        ``year, source, target`` and the weight column, one row per pair and year.
    weight : str, optional
        Column to store as the edge attribute ``weight`` (e.g. ``alliances``).
    """
    for arrays in snapshot_arrays(ties, weight=weight):
        yield build_snapshot(arrays)


def snapshot_arrays(ties: pl.DataFrame, *, weight: str | None = None) -> Iterator[SnapshotArrays]:
    """Yield each year's ties as :class:`SnapshotArrays`, in year order (see :func:`snapshots`)."""
    if ties.height == 0:
        return
    codes = pl.concat([ties["source"], ties["target"]]).unique().sort()
    lookup = pl.DataFrame({"name": codes, "code": np.arange(codes.len(), dtype=np.int64)})
    coded = (
        ties.join(lookup.rename({"name": "source", "code": "s"}), on="source")
        .join(lookup.rename({"name": "target", "code": "t"}), on="target")
        .sort("year", "s", "t")
    )
    names = codes.to_numpy()
    for (year,), part in coded.partition_by("year", as_dict=True, maintain_order=True).items():
        ends = np.concatenate([part["s"].to_numpy(), part["t"].to_numpy()])
        used, local = np.unique(ends, return_inverse=True)
        weights = part[weight].cast(pl.Float64).to_numpy() if weight is not None else None
        yield SnapshotArrays(int(year), names[used].tolist(), local.reshape(2, -1).T, weights)


def build_snapshot(arrays: SnapshotArrays) -> Snapshot:
    """The igraph graph of one year's :class:`SnapshotArrays`."""
    # a copy: arrays unpickled in another process may sit on the message's read-only bytes
    pairs = np.array(arrays.pairs, dtype=np.int64)
    graph = ig.Graph(n=len(arrays.names), edges=pairs, directed=False)
    graph.vs["name"] = arrays.names
    if arrays.weights is not None:
        graph.es["weight"] = arrays.weights.tolist()
    return Snapshot(arrays.year, graph, pairs)
