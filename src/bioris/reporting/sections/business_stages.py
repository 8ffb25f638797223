"""How far the panel firms took their assets, for the business section: the highest stage
reached per year and the migration toward FIPCO (read off the study's labels)."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from bioris.analytics.pipeline import FIPCO_RULE, STAGE_LADDER, highest_stage, stage_distribution
from bioris.reporting.model import Figure, ReportContext, Table, Text
from bioris.reporting.sections.common import plural, scope_note, with_names

__all__ = ["stage_blocks"]


def stage_blocks(ctx: ReportContext, firms: list[str], names: dict[str, str]) -> list:
    """The panel's highest stage per year (up to each firm's exit) and its FIPCO migration."""
    opts = ctx.options
    if ctx.pipeline.is_empty():
        return [
            Text(
                f"There are no pipeline records in {scope_note(ctx)}: the highest development "
                "stage of each panel firm and its migration toward FIPCO cannot be shown."
            )
        ]
    highest = highest_stage(
        ctx.pipeline, firms=firms, start=opts.start_year, end=opts.end_year, exits=ctx.exits
    )
    blocks: list = []
    if highest.height:
        dist = stage_distribution(highest)
        fig = px.area(
            dist.with_columns(pl.col("share") * 100),
            x="year",
            y="share",
            color="stage",
            category_orders={"stage": list(STAGE_LADDER)},
            color_discrete_sequence=px.colors.sequential.Viridis,
            title="Highest development stage reached by the panel firms with pipeline records",
            labels={"year": "Year", "share": "Share of panel firms (%)", "stage": "Highest stage"},
        )
        fig.update_layout(height=420)
        fig.update_yaxes(range=[0, 100])
        blocks += [
            Text(
                f"{plural(highest['firm'].n_unique(), 'panel firm has', 'panel firms have')} "
                "dated pipeline records. A stage counts from the year an asset first reaches "
                "it, for good (accumulated development experience, not the current "
                "pipeline), whoever ran it; the share is of the panel firms with a record by "
                "that year and still independent."
            ),
            Figure("bm_stage_distribution", fig, dist),
        ]
    else:
        blocks.append(
            Text(f"No panel firm has a dated development-stage event up to {opts.end_year}.")
        )
    blocks += _fipco_blocks(ctx, firms, names)
    return blocks


def _fipco_blocks(ctx: ReportContext, firms: list[str], names: dict[str, str]) -> list:
    end = ctx.options.end_year
    migration = ctx.fipco().filter(pl.col("firm").is_in(firms))
    if migration.is_empty():
        return [
            Text(
                "No panel firm ran a phase III trial, filed for approval or marketed a "
                "product itself: none migrated toward FIPCO. " + f"Rule: {FIPCO_RULE}"
            )
        ]
    exits = ctx.exits.select(pl.col("actor_id").alias("firm"), "exit_year")
    table = (
        with_names(migration.join(exits, on="firm", how="left"), names)
        .select(
            "name",
            pl.col("first_own_phase3_year").alias("own_phase3"),
            pl.col("first_own_registration_year").alias("own_registration"),
            pl.col("first_own_marketed_year").alias("own_marketed"),
            "fipco_year",
            "last_fipco_year",
            pl.col("fipco_basis").alias("basis"),
            "exit_year",
            pl.col("evidence_text").alias("evidence"),
        )
        .sort("fipco_year", "name", nulls_last=True)
    )
    reached = table.filter(pl.col("fipco_year").is_not_null())
    until = pl.min_horizontal(pl.col("exit_year").fill_null(end), pl.lit(end))
    reached = reached.with_columns(until.alias("_until"))
    became = ", ".join(
        f"{name} in {first}" + ("" if last >= stop else f" (label lost after {last})")
        for name, first, last, stop in reached.select(
            "name", "fipco_year", "last_fipco_year", "_until"
        ).rows()
    )
    still = reached.filter(
        (pl.col("last_fipco_year") >= end) & pl.col("exit_year").is_null()
    ).height
    partial = [
        name if exited is None else f"{name} (exited {exited})"
        for name, exited in table.filter(pl.col("fipco_year").is_null())
        .select("name", "exit_year")
        .rows()
    ]
    blocks: list = [
        Text(
            f"Migration toward FIPCO: {plural(table.height, 'panel firm')} ran late-stage "
            f"development or sales themselves, and {reached.height} of them became FIPCO in "
            f"the period by the rule below, read off the same value-chain labels as above "
            "(so a firm is FIPCO here exactly when its label says so, and never after its "
            f"exit); {still} still held the label in {end}, a firm losing it when it no "
            "longer markets a product of its own"
            + (f": {became}." if became else ".")
            + (
                f" Own late-stage work without FIPCO status: {', '.join(partial)}."
                if partial
                else ""
            )
            + " The table gives the dated evidence of each step (asset, stage, year, "
            "operator, event id) within the period, up to each firm's exit. "
            f"Rule: {FIPCO_RULE}"
        )
    ]
    blocks.append(Table("bm_fipco_migration", "Migration toward FIPCO, with evidence", table))
    blocks.append(_fipco_figure(table, end))
    return blocks


def _fipco_figure(table: pl.DataFrame, end: int) -> Figure:
    """Per firm, the first own phase III, registration, marketing and FIPCO years."""
    steps = {
        "own_phase3": "own phase III",
        "own_registration": "own registration",
        "own_marketed": "own marketing",
        "fipco_year": "FIPCO",
    }
    long = (
        table.select("name", *steps)
        .unpivot(index="name", variable_name="step", value_name="year")
        .drop_nulls("year")
    )
    long = long.with_columns(pl.col("step").replace_strict(steps, return_dtype=pl.String))
    fig = go.Figure()
    symbols = {
        "own phase III": "circle",
        "own registration": "diamond",
        "own marketing": "triangle-up",
        "FIPCO": "star",
    }
    for step, symbol in symbols.items():
        part = long.filter(pl.col("step") == step)
        fig.add_trace(
            go.Scatter(
                x=part["year"].to_list(),
                y=part["name"].to_list(),
                mode="markers",
                name=step,
                marker={"symbol": symbol, "size": 12},
            )
        )
    if long.height and long["year"].max() > end:
        fig.add_vline(x=end + 0.5, line_dash="dot", line_color="#5b6775")
        fig.add_annotation(
            x=end + 0.5,
            y=1,
            yref="paper",
            text=f"end of period ({end})",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
        )
    fig.update_layout(
        title="Steps toward FIPCO: first own late-stage events per panel firm",
        xaxis_title="Year",
        yaxis_title="Panel firm",
        height=max(300, 120 + 26 * table.height),
        legend_title_text="Event",
    )
    fig.update_yaxes(
        categoryorder="array", categoryarray=table["name"].to_list(), autorange="reversed"
    )
    return Figure("bm_fipco_steps", fig, long)
