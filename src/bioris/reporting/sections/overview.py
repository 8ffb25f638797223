"""Section 1: the system at a glance: actors by kind and bioRegion."""

from __future__ import annotations

import plotly.express as px
import polars as pl

from bioris.analytics import actors_by_kind_region
from bioris.reporting.layout import LOCATION_COLOURS
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text


def build(ctx: ReportContext) -> Section:
    """Actors by kind and location, as a figure and a table."""
    counts = actors_by_kind_region(ctx.actors)
    total = ctx.actors.height
    belgian = ctx.actors.filter(pl.col("country") == "BE").height
    nbfs = ctx.actors.filter(pl.col("kind") == "nbf").height
    blocks = [
        Text(
            f"The dataset holds {total} actors, {belgian} of them Belgian, including {nbfs} "
            "new biotechnology firms (NBFs). Belgian actors are placed in their bioRegion "
            "(Flanders, Wallonia, Brussels); foreign ones by country."
        ),
    ]
    if total:
        top = _main_locations(counts)
        fig = px.bar(
            top,
            x="actors",
            y="kind",
            color="location",
            orientation="h",
            title="Actors by kind and location",
            labels={"actors": "Actors (count)", "kind": "Kind of actor", "location": "Location"},
            color_discrete_map={
                r: LOCATION_COLOURS[r] for r in ("Flanders", "Wallonia", "Brussels")
            },
        )
        fig.update_layout(barmode="stack", height=420, legend_title_text="Location")
        blocks.append(Figure("actors_by_kind_location", fig, counts))
    blocks.append(Table("actors_by_kind_location_table", "Actors by kind and location", counts))
    return Section("overview", "The system at a glance", blocks)


def _main_locations(counts: pl.DataFrame, keep: int = 8) -> pl.DataFrame:
    """Fold rare locations into 'other' so the legend stays readable."""
    totals = (
        counts.group_by("location")
        .agg(pl.col("actors").sum())
        .sort("actors", "location", descending=[True, False])
    )
    main = set(totals.head(keep)["location"].to_list())
    folded = (
        pl.when(pl.col("location").is_in(list(main)))
        .then("location")
        .otherwise(pl.lit("other countries"))
    )
    return (
        counts.with_columns(folded.alias("location"))
        .group_by("kind", "location")
        .agg(pl.col("actors").sum())
        .sort("kind", "location")
    )
