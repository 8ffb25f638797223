"""Shared drawing helpers for network maps: one stable layout and fixed location colours.

:func:`stable_layout` places every actor of a period once, so a map of any year of the
period shows each actor at the same place. :data:`LOCATION_COLOURS` gives each Belgian
bioRegion a fixed colour and foreign actors a muted one per continent, in every figure.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import igraph as ig
import numpy as np
import polars as pl

__all__ = [
    "LOCATION_COLOURS",
    "continent",
    "location_groups",
    "stable_layout",
]

#: fixed colour per location group, in legend order: the three bioRegions stand out,
#: foreign actors are muted, one tone per continent
LOCATION_COLOURS: dict[str, str] = {
    "Flanders": "#E8A600",
    "Wallonia": "#D7263D",
    "Brussels": "#1F5AA6",
    "Belgium (no bioRegion)": "#5E6B78",
    "Europe": "#9AA7B5",
    "North America": "#B9A793",
    "Asia-Pacific": "#9DB08F",
    "Rest of the world": "#C9B8C9",
    "Unknown": "#D9D9D9",
}

_CONTINENTS = {
    "Europe": "AD AL AT BA BG BY CH CY CZ DE DK EE ES EU FI FO FR GB GG GI GR HR HU IE IM "
    "IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SK SM UA UK VA XK",
    "North America": "US CA",
    "Asia-Pacific": "AU NZ JP CN KR TW HK MO SG IN MY TH ID PH VN",
}
_CONTINENT_OF = {code: name for name, codes in _CONTINENTS.items() for code in codes.split()}


def continent(country: str | None) -> str:
    """The colour group of a foreign country code: a continent, else ``Rest of the world``
    (``Unknown`` without a country)."""
    if not country:
        return "Unknown"
    return _CONTINENT_OF.get(country.upper(), "Rest of the world")


def _group(country: str | None, bioregion: str | None) -> str:
    if bioregion:
        return bioregion if bioregion in LOCATION_COLOURS else "Belgium (no bioRegion)"
    if country and country.upper() == "BE":
        return "Belgium (no bioRegion)"
    return continent(country)


def location_groups(actors: pl.DataFrame) -> pl.DataFrame:
    """``actor, name, kind, location, group``: ``location`` is what hover text says (the
    bioRegion, else the country and its continent), ``group`` a key of
    :data:`LOCATION_COLOURS`."""
    rows = []
    for actor, name, kind, country, bioregion in actors.select(
        "actor_id", "name", "kind", "country", "bioregion"
    ).iter_rows():
        group = _group(country, bioregion)
        if bioregion:
            location = bioregion
        elif country and country.upper() == "BE":
            location = "Belgium"
        elif country:
            location = f"{country} ({group})"
        else:
            location = "unknown"
        rows.append((actor, name or actor, kind or "unknown", location, group))
    schema = dict.fromkeys(("actor", "name", "kind", "location", "group"), pl.String)
    return pl.DataFrame(rows, schema=schema, orient="row")


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
