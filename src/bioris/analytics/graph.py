"""Turn an edges table into integer arrays or an igraph Graph, with the actor names.

Shared by the network measures: every one of them reads ``source, target[, weight]`` rows, drops
self-loops and aggregates duplicate rows for the same pair (weights summed; rows counted when
there is no weight column), so that the measures see a simple graph.
"""

from __future__ import annotations

from typing import NamedTuple

import igraph as ig
import numpy as np
import polars as pl

from bioris.errors import BiorisError

__all__ = ["EdgeArrays", "actor_graph", "edge_arrays"]


class EdgeArrays(NamedTuple):
    """A simple graph as arrays: ``source[k] -> target[k]`` with ``weight[k]``.

    Vertex ``i`` is ``actors[i]``; ``actors`` is sorted. Undirected pairs have
    ``source < target``.
    """

    actors: list[str]
    source: np.ndarray
    target: np.ndarray
    weight: np.ndarray


def edge_arrays(
    edges: pl.DataFrame, *, weight: str | None = None, directed: bool = False
) -> EdgeArrays:
    """Aggregate an edges table into one row per pair, as integer vertex ids.

    Every actor named in ``source`` or ``target`` is a vertex, even one that only has a
    self-loop (it becomes an isolate). Weights must be finite and positive.
    """
    _check_columns(edges, weight)
    w = pl.col(weight).cast(pl.Float64) if weight else pl.lit(1.0)
    rows = edges.select(
        pl.col("source").cast(pl.String), pl.col("target").cast(pl.String), w.alias("w")
    )
    actors = pl.concat([rows["source"], rows["target"]]).unique().sort()
    # An Enum over the sorted names turns each name into its vertex id (physical code).
    vertex = pl.Enum(actors)
    rows = rows.filter(pl.col("source") != pl.col("target")).select(
        pl.col("source").cast(vertex).to_physical().cast(pl.Int64),
        pl.col("target").cast(vertex).to_physical().cast(pl.Int64),
        "w",
    )
    if not directed:
        rows = rows.select(
            pl.min_horizontal("source", "target").alias("source"),
            pl.max_horizontal("source", "target").alias("target"),
            "w",
        )
    pairs = rows.group_by("source", "target").agg(pl.col("w").sum()).sort("source", "target")
    return EdgeArrays(
        actors.to_list(),
        pairs["source"].to_numpy(),
        pairs["target"].to_numpy(),
        pairs["w"].to_numpy(),
    )


def actor_graph(
    edges: pl.DataFrame, *, weight: str | None = None, directed: bool = False
) -> tuple[ig.Graph, list[str]]:
    """An igraph Graph of the aggregated edges (edge attribute ``weight``) and its actor names."""
    arrays = edge_arrays(edges, weight=weight, directed=directed)
    pairs = np.column_stack([arrays.source, arrays.target])
    graph = ig.Graph(n=len(arrays.actors), edges=pairs, directed=directed)
    graph.es["weight"] = arrays.weight.tolist()
    return graph, arrays.actors


def _check_columns(edges: pl.DataFrame, weight: str | None) -> None:
    needed = ["source", "target", *([weight] if weight else [])]
    missing = [c for c in needed if c not in edges.columns]
    if missing:
        raise BiorisError(f"edges table lacks column(s) {missing}; it has {edges.columns}")
    nulls = [c for c in needed if edges[c].null_count()]
    if nulls:
        raise BiorisError(f"edges table has empty values in column(s) {nulls}")
    if weight:
        w = edges[weight].cast(pl.Float64)
        if not bool((w.is_finite() & (w > 0)).all()):
            raise BiorisError(f"weights in column {weight!r} must be finite and positive")
