"""Descriptive counts of a RIS: its actors by kind and place, its deals over time."""

from __future__ import annotations

import polars as pl

__all__ = ["actors_by_kind_region", "deals_per_year"]


def actors_by_kind_region(actors: pl.DataFrame) -> pl.DataFrame:
    """Actors counted by kind and location.

    Parameters
    ----------
    actors : polars.DataFrame
        :func:`bioris.analytics.actors_frame` output.

    Returns
    -------
    polars.DataFrame
        Columns ``kind, location, actors``; ``location`` is the actor's declared region, else
        its ISO country code, else ``unknown`` (:func:`bioris.analytics.actors_frame`).
    """
    location = pl.col("location").fill_null("unknown")
    return (
        actors.group_by("kind", location)
        .agg(pl.len().cast(pl.Int64).alias("actors"))
        .sort(["kind", "actors", "location"], descending=[False, True, False])
    )


def deals_per_year(
    alliances: pl.DataFrame, *, start: int | None = None, end: int | None = None
) -> pl.DataFrame:
    """Deals signed per year and deal type; undated deals are left out.

    Returns
    -------
    polars.DataFrame
        Columns ``year, deal_type, deals, committed_eur, headline_eur`` (EUR in millions).
    """
    dated = alliances.filter(pl.col("year").is_not_null())
    if start is not None:
        dated = dated.filter(pl.col("year") >= start)
    if end is not None:
        dated = dated.filter(pl.col("year") <= end)
    return (
        dated.group_by("year", "deal_type")
        .agg(
            pl.len().cast(pl.Int64).alias("deals"),
            pl.col("committed_eur").sum(),
            pl.col("headline_eur").sum(),
        )
        .sort("year", "deal_type")
    )
