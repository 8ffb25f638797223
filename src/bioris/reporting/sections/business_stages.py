"""How far the panel firms took their assets, for the business section: the highest stage
reached per year and the migration toward FIPCO (read off the study's labels)."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from bioris.analytics.pipeline import (
    FIPCO_RULE,
    NO_PIPELINE_RECORD,
    PANEL_STAGES,
    PARTNER_RUN_ONLY,
    STAGE_LADDER,
    highest_stage,
    panel_stage_distribution,
)
from bioris.reporting.model import Figure, ReportContext, Table, Text
from bioris.reporting.sections.common import plural, scope_note, with_names

__all__ = ["stage_blocks"]


def stage_blocks(ctx: ReportContext, firms: list[str], names: dict[str, str]) -> list:
    """The panel's highest own stage per year (every panel firm, up to its exit) and its
    FIPCO migration."""
    if ctx.pipeline.is_empty():
        return [
            Text(
                f"There are no pipeline records in {scope_note(ctx)}: the highest development "
                "stage of each panel firm and its migration toward FIPCO cannot be shown."
            )
        ]
    return [*_stage_chart_blocks(ctx, firms), *_fipco_blocks(ctx, firms, names)]


def _stage_chart_blocks(ctx: ReportContext, firms: list[str]) -> list:
    """Every panel firm of each year by the highest stage its own pipeline reached."""
    opts = ctx.options
    highest = highest_stage(
        ctx.pipeline, firms=firms, start=opts.start_year, end=opts.end_year, exits=ctx.exits
    )
    firm_years = ctx.study.panel_years(opts.start_year, opts.end_year)
    firm_years = firm_years.filter(pl.col("actor_id").is_in(firms))
    dist = panel_stage_distribution(highest, firm_years)
    if dist.is_empty():
        return [Text(f"No panel firm is in the panel in {opts.period}: no stage to show.")]
    sizes = dist.group_by("year").agg(pl.col("panel_firms").first()).sort("year")
    first, last = sizes.row(0), sizes.row(-1)
    n_text = (
        f"n = {last[1]} panel firms"
        if sizes["panel_firms"].n_unique() == 1
        else f"n = the year's panel firms, {first[1]} in {first[0]} to {last[1]} in {last[0]}"
    )
    colours = ["#d9d9d9", "#9e9e9e", *px.colors.sequential.Viridis[: len(STAGE_LADDER)]]
    fig = px.bar(
        dist,
        x="year",
        y="firms",
        color="stage",
        category_orders={"stage": list(PANEL_STAGES)},
        color_discrete_sequence=colours,
        hover_data=["panel_firms", "share"],
        title=f"Highest stage reached by each panel firm's own pipeline ({n_text})",
        labels={"year": "Year", "firms": "Panel firms (count)", "stage": "Highest own stage",
                "panel_firms": "Panel firms that year", "share": "Share of the panel"},
    )  # fmt: skip
    fig.update_layout(barmode="stack", height=440)
    at_end = dist.filter(pl.col("year") == last[0])
    counts = dict(at_end.select("stage", "firms").iter_rows())
    late = sum(counts.get(s, 0) for s in ("phase3", "registration", "marketed"))
    return [
        Text(
            "Every panel firm counts in every year it is in the panel (from its entry "
            "through its exit year), by the highest development stage its own pipeline had "
            "reached: assets it ran itself or with a partner (operator own or shared), "
            "never a stage only a partner ran. A stage counts from the year an asset first "
            "reaches it, for good (accumulated development experience, not the current "
            f"pipeline). '{PARTNER_RUN_ONLY}' firms have stage records of partner-run "
            f"assets only; '{NO_PIPELINE_RECORD}' firms have no dated stage record yet, so "
            f"the bars add up to the panel ({n_text}). In {last[0]}, {late} of {last[1]} "
            "panel firms had taken an asset of their own to phase III or beyond, "
            f"{counts.get(NO_PIPELINE_RECORD, 0)} had no pipeline record and "
            f"{counts.get(PARTNER_RUN_ONLY, 0)} had partner-run records only."
        ),
        Figure("bm_stage_distribution", fig, dist),
    ]


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
