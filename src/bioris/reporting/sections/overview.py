"""Section 1: the system at a glance: the study, its actors by kind and place."""

from __future__ import annotations

import plotly.express as px
import polars as pl

from bioris.analytics import actors_by_kind_region
from bioris.analytics.geography import location_groups
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text
from bioris.reporting.sections.common import compared_regions, plural

PANEL_KIND = "panel firm"


def build(ctx: ReportContext) -> Section:
    """Actors by kind and location, as a figure and a table."""
    actors = _with_panel_kind(ctx)
    counts = actors_by_kind_region(actors)
    blocks = [Text(_intro(ctx, actors))]
    if actors.height:
        groups = location_groups(actors, ctx.study.region_colours()).select("actor", "group")
        by_group = (
            actors.join(groups, left_on="actor_id", right_on="actor")
            .group_by("kind", "group")
            .agg(pl.len().cast(pl.Int64).alias("actors"))
            .sort("kind", "group")
        )
        order = [g for g in ctx.colours if g in set(by_group["group"])]
        fig = px.bar(
            by_group,
            x="actors",
            y="kind",
            color="group",
            orientation="h",
            title="Actors by kind and place (the study's regions, else the continent)",
            labels={"actors": "Actors (count)", "kind": "Kind of actor", "group": "Place"},
            color_discrete_map=dict(ctx.colours),
            category_orders={"group": order},
        )
        fig.update_layout(barmode="stack", height=420, legend_title_text="Place")
        blocks.append(Figure("actors_by_kind_location", fig, by_group))
    blocks.append(Table("actors_by_kind_location_table", "Actors by kind and location", counts))
    return Section("overview", "The system at a glance", blocks)


def _with_panel_kind(ctx: ReportContext) -> pl.DataFrame:
    """The actors, the panel firms under the kind ``panel firm``."""
    panel = pl.Series(list(ctx.study.panel), dtype=pl.String).implode()
    kind = pl.when(pl.col("actor_id").is_in(panel)).then(pl.lit(PANEL_KIND)).otherwise("kind")
    return ctx.actors.with_columns(kind.alias("kind"))


def _intro(ctx: ReportContext, actors: pl.DataFrame) -> str:
    definition = ctx.definition
    regions = compared_regions(ctx)
    placed = actors.filter(pl.col("location").is_in(regions))
    per_region = placed.group_by("location").len()
    found = dict(per_region.iter_rows())
    where = ", ".join(f"{r} {found.get(r, 0)}" for r in regions)
    panel = actors.filter(pl.col("kind") == PANEL_KIND).height
    text = f"{definition.name}. "
    if definition.description:
        text += definition.description.rstrip(".") + ". "
    text += f"The data hold {plural(actors.height, 'actor')}"
    if regions:
        text += f", {placed.height} of them in the regions the study compares ({where})"
    text += (
        f", and {plural(panel, 'panel firm')}: the study's focal firms, the firms every "
        "firm figure of this report is about (the rule is in Data and method). Actors are placed "
        "in a declared region by its name or one of its codes, else by their country; "
        "panel firms are shown as their own kind."
    )
    return text
