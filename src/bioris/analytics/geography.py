"""Where ties run: within a region, within a country, across borders; E-I index and
assortativity by any actor attribute."""

from __future__ import annotations

from collections.abc import Mapping

import igraph as ig
import numpy as np
import polars as pl

from bioris.analytics.snapshot import snapshots
from bioris.domain.geography import continent
from bioris.errors import BiorisError

__all__ = [
    "CONTINENT_COLOURS",
    "actor_locations",
    "location_colours",
    "location_groups",
    "tie_geography",
]


def actor_locations(actors: pl.DataFrame) -> pl.DataFrame:
    """``actor, location, country, kind, focal``: ``location`` is the actor's declared
    region, else its country (``unknown`` where neither is known) and ``focal`` whether that
    is a focal region of the study, as :func:`~bioris.analytics.actors_frame` placed it."""
    return actors.select(
        pl.col("actor_id").alias("actor"),
        pl.col("location").fill_null("unknown"),
        pl.col("country").fill_null("unknown"),
        pl.col("kind"),
        pl.col("focal").fill_null(False),
    )


def _assortativity(g: ig.Graph, labels: list[str]) -> float:
    if g.ecount() == 0 or len(set(labels)) < 2:
        return float("nan")
    _, codes = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
    return float(g.assortativity_nominal(codes.tolist(), directed=False))


def tie_geography(ties: pl.DataFrame, actors: pl.DataFrame) -> pl.DataFrame:
    """Per year: the spread of ties over places, the E-I index and nominal assortativity.

    Parameters
    ----------
    ties : polars.DataFrame
        :func:`~bioris.analytics.tie_table` output.
    actors : polars.DataFrame
        :func:`~bioris.analytics.actors_frame` output (``actor_id, kind, country, location,
        focal``); every actor of ``ties`` must be in it.

    Returns
    -------
    polars.DataFrame
        ``year, ties, intra_regional_share`` (both ends in the same location: one declared
        region, or one country outside them), ``study_area_share`` (both ends in focal
        regions of the study),
        ``international_share`` (ends in different countries and locations: a tie inside
        a cross-border region is not international), ``ei_index_location``
        (Krackhardt & Stern's (E - I) / (E + I) over locations: -1 all internal, +1 all
        external), ``assortativity_kind`` and ``assortativity_location`` (Newman 2003).

    References
    ----------
    Krackhardt, D., & Stern, R. N. (1988). Informal networks and organizational crises: An
    experimental simulation. Social Psychology Quarterly, 51(2), 123-140. Newman, M. E. J.
    (2003). Mixing patterns in networks. Physical Review E, 67, 026126.
    """
    places = actor_locations(actors)
    missing = set(ties["source"]) | set(ties["target"])
    missing -= set(places["actor"])
    if missing:
        raise BiorisError(f"actors without attributes: {sorted(missing)[:5]}")
    ends = ties.join(places.rename(lambda c: f"s_{c}"), left_on="source", right_on="s_actor").join(
        places.rename(lambda c: f"t_{c}"), left_on="target", right_on="t_actor"
    )
    shares = (
        ends.group_by("year")
        .agg(
            pl.len().cast(pl.Int64).alias("ties"),
            (pl.col("s_location") == pl.col("t_location")).mean().alias("intra_regional_share"),
            (pl.col("s_focal") & pl.col("t_focal")).mean().alias("study_area_share"),
            # a tie inside one declared region is not international, even when the region
            # crosses a border (Copenhagen-Lund in Medicon Valley)
            (
                (pl.col("s_country") != pl.col("t_country"))
                & (pl.col("s_location") != pl.col("t_location"))
            )
            .mean()
            .alias("international_share"),
        )
        .with_columns((1 - 2 * pl.col("intra_regional_share")).alias("ei_index_location"))
    )
    lookup = {row[0]: row[1:] for row in places.iter_rows()}
    assort = []
    for snap in snapshots(ties):
        attrs = [lookup[name] for name in snap.names]
        assort.append(
            {
                "year": snap.year,
                "assortativity_kind": _assortativity(snap.graph, [a[2] for a in attrs]),
                "assortativity_location": _assortativity(snap.graph, [a[0] for a in attrs]),
            }
        )
    schema = {"year": pl.Int32, "assortativity_kind": pl.Float64,
              "assortativity_location": pl.Float64}  # fmt: skip
    return shares.join(pl.DataFrame(assort, schema=schema, orient="row"), on="year").sort("year")


#: muted colours of the actors outside the declared regions, one per continent group
CONTINENT_COLOURS: dict[str, str] = {
    "Europe": "#9AA7B5",
    "North America": "#B9A793",
    "Latin America": "#D4B483",
    "Asia-Pacific": "#9DB08F",
    "Middle East and Africa": "#C7A6A0",
    "Rest of the world": "#C9B8C9",
    "Unknown": "#D9D9D9",
}


def location_colours(region_colours: Mapping[str, str]) -> dict[str, str]:
    """Group -> colour, in legend order: the declared regions (their fixed colours), then
    the continents of everyone else (muted), then ``Unknown``."""
    return {**region_colours, **CONTINENT_COLOURS}


def location_groups(actors: pl.DataFrame, region_colours: Mapping[str, str]) -> pl.DataFrame:
    """``actor, name, kind, location, group, colour``: ``group`` is the actor's declared
    region (a key of ``region_colours``), else the continent of its country
    (:func:`bioris.domain.geography.continent`); ``location`` is what hover text says (the
    region, else the country and its continent); ``colour`` the group's fixed colour."""
    colours = location_colours(region_colours)
    rows = []
    for actor, name, kind, country, location in actors.select(
        "actor_id", "name", "kind", "country", "location"
    ).iter_rows():
        if location in region_colours:
            group, shown = location, location
        else:
            group = continent(country)
            shown = f"{country} ({group})" if country else "unknown"
        rows.append((actor, name or actor, kind or "unknown", shown, group, colours[group]))
    schema = dict.fromkeys(("actor", "name", "kind", "location", "group", "colour"), pl.String)
    return pl.DataFrame(rows, schema=schema, orient="row")
