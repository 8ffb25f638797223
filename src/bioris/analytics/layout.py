"""One stable layout of a network over many years (for maps that do not jump around).

:func:`stable_layout` places every actor of a period once, so a map of any year of the
period shows each actor at the same place (the report's maps and the web view use it).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import igraph as ig
import numpy as np
import polars as pl

__all__ = ["stable_layout"]


@contextmanager
def _seeded_igraph(seed: int) -> Iterator[None]:
    """igraph draws from Python's ``random`` module; use a private seeded generator."""
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def stable_layout(
    edges: pl.DataFrame,
    seed: int = 0,
    *,
    actors: Sequence[str] = (),
    iterations: int = 500,
) -> pl.DataFrame:
    """One position per actor for the union of all ``source, target`` rows (any years).

    Fruchterman-Reingold (igraph) on the union graph, started from a uniform random layout
    drawn with numpy from ``seed`` over the actors in sorted order, so the same edges and
    seed give the same positions. ``actors`` adds isolates. Positions are centred and
    scaled into [-1, 1] (one scale for both axes, so distances keep their meaning).

    Returns
    -------
    polars.DataFrame
        ``actor, x, y``, sorted by actor.
    """
    pairs = (
        edges.select(
            pl.min_horizontal("source", "target").alias("source"),
            pl.max_horizontal("source", "target").alias("target"),
        )
        .filter(pl.col("source") != pl.col("target"))
        .unique()
        .sort("source", "target")
    )
    names = sorted(set(pairs["source"]) | set(pairs["target"]) | set(actors))
    schema = {"actor": pl.String, "x": pl.Float64, "y": pl.Float64}
    if not names:
        return pl.DataFrame(schema=schema)
    index = {name: i for i, name in enumerate(names)}
    graph = ig.Graph(
        n=len(names),
        edges=[(index[s], index[t]) for s, t in pairs.iter_rows()],
        directed=False,
    )
    start = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(len(names), 2))
    with _seeded_igraph(seed):
        coords = np.asarray(
            graph.layout_fruchterman_reingold(seed=start.tolist(), niter=iterations).coords,
            dtype=float,
        )
    coords -= (coords.max(axis=0) + coords.min(axis=0)) / 2
    extent = float(np.abs(coords).max()) if len(names) > 1 else 0.0
    if extent > 0:
        coords /= extent
    coords = np.round(coords, 3)  # 1/1000 of the half-width: under a pixel on screen
    return pl.DataFrame({"actor": names, "x": coords[:, 0], "y": coords[:, 1]}, schema=schema)
