"""Section: business models and money: typology over time, deal dependence, biobucks realism,
how far the panel firms take their assets, and their migration toward FIPCO.

The labels are the study's (:meth:`bioris.study.Study.business_models`, one per firm-year, up to
each firm's exit year), the same as in the case histories; the money and the stages are in
:mod:`~bioris.reporting.sections.business_money` and
:mod:`~bioris.reporting.sections.business_stages`.
"""

from __future__ import annotations

import plotly.express as px
import polars as pl

from bioris.analytics.business_models import business_model_transitions
from bioris.reporting.detail import reduced_table
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text
from bioris.reporting.sections.business_money import biobucks_blocks, money_blocks
from bioris.reporting.sections.business_stages import stage_blocks
from bioris.reporting.sections.common import display_names, plural, scope_note, with_names

VALUE_CHAIN_COLOURS = {
    "RIPCO": "#4c78a8",
    "NRDO": "#f58518",
    "FIDDO": "#54a24b",
    "FIPCO": "#e45756",
    "none": "#d3d8de",
}
PRODUCT_COLOURS = {
    "product": "#4c78a8",
    "platform": "#f58518",
    "hybrid": "#b279a2",
    "none": "#d3d8de",
}
DIMENSION_NAMES = {
    "product_model": "product model",
    "value_chain": "value chain",
    "oi_mode": "open-innovation mode",
    "portfolio_mix": "portfolio",
}


def rules_note(ctx: ReportContext) -> str:
    """Where the labels come from, with the study's window and layers."""
    return (
        "Each label is the first rule that fires on the firm's deals of the study's network "
        f"layers ({', '.join(ctx.definition.network_layers)}) of the last "
        f"{ctx.options.window_years} years and its pipeline records, up to the firm's exit "
        "year; every rule, threshold and precedence is in docs/business_models.md (Fisken & "
        "Rutherford 2002 for product vs platform, Pisano 2006 and Nature Biotechnology 2004 "
        "for RIPCO/NRDO/FIDDO/FIPCO, Dahlander & Gann 2010 for the open-innovation mode, "
        "Sabatier, Mangematin & Rousselle 2010 for closed, open and mixed portfolios). The "
        "labels say what a firm was seen doing in public records, not its intended strategy."
    )


def build(ctx: ReportContext) -> Section:
    """Business-model labels, money, biobucks, stages and FIPCO migration of the panel."""
    firms = list(ctx.firms)
    names = display_names(ctx.actors)
    blocks: list = [Text(_intro(ctx, len(firms)))]
    blocks += _typology_blocks(ctx, ctx.labels(), names)
    blocks += money_blocks(ctx, firms, names)
    blocks += biobucks_blocks(ctx, firms)
    blocks += stage_blocks(ctx, firms, names)
    return Section("business", "Business models and money", blocks)


def label_rank(label: str) -> int:
    """Labels in reading order (the value chain from RIPCO to FIPCO), ``none`` last."""
    order = [*VALUE_CHAIN_COLOURS, *PRODUCT_COLOURS]
    return 99 if label == "none" else (order.index(label) if label in order else 50)


def _intro(ctx: ReportContext, firms: int) -> str:
    opts = ctx.options
    missing = []
    if ctx.pipeline.is_empty():
        missing.append(
            "no pipeline records, so the value chain rests on deals alone, every portfolio "
            "is 'none', and the stage distribution and FIPCO migration cannot be shown"
        )
    if ctx.financials.is_empty():
        missing.append("no financial statements, so deal dependence is read from deal terms only")
    text = (
        f"How the {plural(firms, 'panel firm')} of {ctx.options.region or 'the study'} made "
        f"a living in {opts.period}: which business model their deals and pipelines "
        "show year by year, how much of their revenue was deal income, how much of the "
        "headline value of their deals was realistic, and how far they took their assets. "
    )
    if missing:
        text += f"There are, in {scope_note(ctx)}, " + "; and ".join(missing) + "."
    return text


# -- typology ------------------------------------------------------------------------------


def _typology_blocks(ctx: ReportContext, labels: pl.DataFrame, names: dict[str, str]) -> list:
    start, end = ctx.options.start_year, ctx.options.end_year
    note = rules_note(ctx)
    if labels.is_empty():
        return [
            Text(
                f"No panel firm has a dated deal or pipeline event up to {end}, so no "
                "business model can be labelled. " + note
            )
        ]
    seen = labels.filter(pl.col("value_chain") != "none")["firm"].n_unique()
    counts = labels.filter(pl.col("year") == end).group_by("value_chain").len()
    at_end = ", ".join(
        f"{n} {label if label != 'none' else 'without a label'}"
        for label, n in sorted(counts.rows(), key=lambda r: (label_rank(r[0]), r[0]))
    )
    firms = labels["firm"].n_unique()
    active = ctx.study.panel_years(end, end)["actor_id"]
    unrecorded = active.filter(
        ~active.is_in(labels.filter(pl.col("year") == end)["firm"].implode())
    )
    silent = (
        f", and {plural(unrecorded.len(), 'panel firm')} in the panel that year with no deal or "
        f"pipeline record yet ({', '.join(sorted(names.get(f, f) for f in unrecorded))})"
        if unrecorded.len()
        else ""
    )
    blocks: list = [
        Text(
            f"{plural(firms, 'panel firm has', 'panel firms have')} deals or pipeline records "
            f"in the period; {seen} of them {'shows' if seen == 1 else 'show'} a value-chain "
            f"model in at least one year. Value-chain labels in {end} (firms still "
            f"independent, {active.len()} in the panel): {at_end or 'none'}{silent}. " + note
        )
    ]
    timeline = _timeline_counts if ctx.detail.reduced else _timeline
    if ctx.detail.reduced:
        blocks.append(Text(_timeline_note(ctx, firms), reduced=True))
    blocks.append(
        timeline(
            labels,
            names,
            "value_chain",
            VALUE_CHAIN_COLOURS,
            f"Value-chain model of each panel firm, {start}-{end} (RIPCO, NRDO, FIDDO, FIPCO)",
            "bm_value_chain_timeline",
        )
    )
    blocks.append(
        timeline(
            labels,
            names,
            "product_model",
            PRODUCT_COLOURS,
            f"Product, platform or hybrid company, {start}-{end}",
            "bm_product_model_timeline",
        )
    )
    transitions = business_model_transitions(labels)
    table = (
        with_names(transitions, names)
        .select(
            "name",
            "dimension",
            "year",
            pl.col("from_label").alias("from"),
            pl.col("to_label").alias("to"),
            "rule_id",
            "evidence",
        )
        .sort("name", "year", "dimension")
    )
    blocks.append(
        Text(
            f"{transitions.height} dated changes of label. Each row names the rule of the new "
            "label (docs/business_models.md) and the deals (al-...) and pipeline events "
            "(ev-...) behind it; a label falls back to 'none' when a firm signs nothing for "
            f"{ctx.options.window_years} years and has no own development."
        )
    )
    transitions_table = Table("bm_transitions", "Business-model transitions", table)
    blocks.append(
        reduced_table(
            transitions_table,
            ctx.detail,
            by=["year", "name", "dimension"],
            descending=[True, False, False],
            what="changes of label",
            order="the most recent",
        )
    )
    return blocks


def _timeline_note(ctx: ReportContext, firms: int) -> str:
    return (
        f"With {firms:,} panel firms ({ctx.detail.reason}), one row per firm cannot be "
        "read: the two charts below count the panel firms under each label per year. The "
        "label of every firm and year is in bm_value_chain_timeline.csv and "
        "bm_product_model_timeline.csv of the folder of `bioris report --data`."
    )


def _timeline_counts(
    labels: pl.DataFrame,
    names: dict[str, str],
    dimension: str,
    colours: dict[str, str],
    title: str,
    name: str,
) -> Figure:
    """Panel firms per label and year (stacked bars): the timeline of a large panel; its
    data (the CSV) are every firm-year's label, as :func:`_timeline`'s."""
    data = with_names(labels.select("firm", "year", dimension, f"{dimension}_rule"), names)
    counts = data.group_by("year", dimension).agg(pl.len().alias("firms")).sort("year")
    label_order = [k for k in colours if k in set(counts[dimension])]
    label_order += sorted(set(counts[dimension]) - set(label_order))
    fig = px.bar(
        counts,
        x="year",
        y="firms",
        color=dimension,
        color_discrete_map=colours,
        category_orders={dimension: label_order},
        title=title.replace("of each panel firm", "of the panel firms") + ": firms per label",
        labels={
            "year": "Year",
            "firms": "Panel firms (count)",
            dimension: DIMENSION_NAMES[dimension].capitalize(),
        },
    )
    fig.update_layout(barmode="stack", height=420, legend_title_text="Label")
    return Figure(name, fig, data)


def _timeline(
    labels: pl.DataFrame,
    names: dict[str, str],
    dimension: str,
    colours: dict[str, str],
    title: str,
    name: str,
) -> Figure:
    """Firms x years, one square per firm-year coloured by its label (a categorical heatmap)."""
    shown = (
        labels.filter((pl.col(dimension) != "none").any().over("firm"))
        if labels.filter(pl.col(dimension) != "none").height
        else labels
    )
    order = (
        shown.filter(pl.col(dimension) != "none")
        .group_by("firm")
        .agg(pl.col("year").min().alias("first"))
        .sort("first", "firm")["firm"]
        .to_list()
    )
    order += sorted(set(shown["firm"]) - set(order))
    data = with_names(shown.select("firm", "year", dimension, f"{dimension}_rule"), names)
    firm_order = [names.get(f, f) for f in order]
    label_order = [k for k in colours if k in set(data[dimension])]
    label_order += sorted(set(data[dimension]) - set(label_order))
    fig = px.scatter(
        data,
        x="year",
        y="name",
        color=dimension,
        symbol_sequence=["square"],
        color_discrete_map=colours,
        hover_data=[f"{dimension}_rule"],
        category_orders={"name": firm_order, dimension: label_order},
        title=title,
        labels={
            "year": "Year",
            "name": "Panel firm",
            dimension: DIMENSION_NAMES[dimension].capitalize(),
            f"{dimension}_rule": "Rule",
        },
    )
    fig.update_traces(marker={"size": 11, "line": {"width": 0}})
    fig.update_layout(
        height=max(320, 130 + 19 * len(order)), legend_title_text="Label", template="plotly_white"
    )
    return Figure(name, fig, data)
