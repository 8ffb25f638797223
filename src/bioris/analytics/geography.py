"""Where ties run: within a bioRegion, within Belgium, across borders; E-I index and
assortativity by any actor attribute."""

from __future__ import annotations

import igraph as ig
import numpy as np
import polars as pl

from bioris.analytics.snapshot import snapshots
from bioris.errors import BiorisError

__all__ = ["actor_locations", "tie_geography"]


def actor_locations(actors: pl.DataFrame) -> pl.DataFrame:
    """``actor, location, country, kind``: location is the bioRegion for Belgian actors,
    else the country (``unknown`` where neither is known)."""
    return actors.select(
        pl.col("actor_id").alias("actor"),
        pl.coalesce("bioregion", "country", pl.lit("unknown")).alias("location"),
        pl.col("country").fill_null("unknown"),
        pl.col("kind"),
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
        :func:`~bioris.analytics.actors_frame` output (``actor_id, kind, country,
        bioregion``); every actor of ``ties`` must be in it.

    Returns
    -------
    polars.DataFrame
        ``year, ties, intra_regional_share`` (both ends in the same location: one bioRegion,
        or one foreign country), ``intra_belgian_share`` (both ends Belgian),
        ``international_share`` (ends in different countries), ``ei_index_location``
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
            ((pl.col("s_country") == "BE") & (pl.col("t_country") == "BE"))
            .mean()
            .alias("intra_belgian_share"),
            (pl.col("s_country") != pl.col("t_country")).mean().alias("international_share"),
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
