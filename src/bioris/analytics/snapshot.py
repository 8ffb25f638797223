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

__all__ = ["Snapshot", "snapshots"]


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


def snapshots(ties: pl.DataFrame, *, weight: str | None = None) -> Iterator[Snapshot]:
    """Yield one :class:`Snapshot` per year of a :func:`~bioris.analytics.tie_table`.

    Parameters
    ----------
    ties : polars.DataFrame
        ``year, source, target`` and the weight column, one row per pair and year.
    weight : str, optional
        Column to store as the edge attribute ``weight`` (e.g. ``alliances``).
    """
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
        yield _snapshot(int(year), part, names, weight)


def _snapshot(year: int, part: pl.DataFrame, names: np.ndarray, weight: str | None) -> Snapshot:
    ends = np.concatenate([part["s"].to_numpy(), part["t"].to_numpy()])
    used, local = np.unique(ends, return_inverse=True)
    pairs = local.reshape(2, -1).T
    graph = ig.Graph(n=len(used), edges=pairs, directed=False)
    graph.vs["name"] = names[used].tolist()
    if weight is not None:
        graph.es["weight"] = part[weight].cast(pl.Float64).to_list()
    return Snapshot(year, graph, pairs)
