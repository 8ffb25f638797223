"""Section: the evolving network, measured year by year."""

from __future__ import annotations

from dataclasses import replace

import plotly.express as px
import polars as pl

from bioris import settings
from bioris.analytics import JobOptions, PathSampling, year_metrics
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text

SHOWN = ("actors", "ties", "density", "largest_component_share", "average_clustering",
         "average_path_length", "degree_centralisation", "intra_regional_share",
         "study_area_share", "international_share")  # fmt: skip


def build(ctx: ReportContext) -> Section:
    """Network-level measures over time, as small multiples and a table."""
    opts = ctx.options
    min_nodes = int(settings.get("network_min_nodes"))
    options = JobOptions(seed=opts.seed, min_nodes=min_nodes)
    years, estimated = _year_measures(ctx, options)
    references = ctx.detail.random_graphs if estimated else options.random_graphs
    blocks: list = [
        Text(
            f"Each year's network ties the parties of every deal of the study's network "
            f"layers ({', '.join(ctx.definition.network_layers)}) signed in the previous "
            f"{opts.window_years} years (signing year included); multi-party deals tie every "
            "pair, and an actor's ties end with its independent life (acquisition, merger "
            "or closure). Measures are defined in docs/network.md; the small-world ratio "
            f"compares each year with {references} random graphs of the same size (seed "
            f"{opts.seed}). "
            "Intra-regional ties join two actors of one location (a region of the study, "
            "else a country); study-area ties join two actors of the study's focal regions. "
            f"Years whose network has fewer than {min_nodes} actors (the network_min_nodes "
            "setting) have no whole-network measures: they are withheld, not computed on a "
            "handful of actors."
        )
    ]
    if estimated:
        blocks.append(Text(_reduced_note(ctx), reduced=True))
    if years.height:
        long = years.select("year", *SHOWN).unpivot(
            index="year", variable_name="measure", value_name="value"
        )
        fig = px.line(
            long, x="year", y="value", facet_col="measure", facet_col_wrap=3, markers=True,
            title="The alliance network year by year",
            labels={"year": "Year", "value": "Value", "measure": "Measure"},
        )  # fmt: skip
        fig.update_yaxes(matches=None, showticklabels=True)
        fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
        fig.update_layout(height=720)
        blocks.append(Figure("network_by_year", fig, years))
    table = years.with_columns(pl.selectors.float().round(3))
    blocks.append(Table("network_by_year_table", "Network measures per year", table))
    return Section("network", "The evolving network", blocks)


def _year_measures(ctx: ReportContext, options: JobOptions) -> tuple[pl.DataFrame, bool]:
    """The measures of every year, and whether they were estimated: a reduced report takes
    path lengths from sampled sources and fewer small-world references (exact path lengths
    of 10 random graphs a year take hours on 20,000 actors)."""
    detail = ctx.detail
    if detail.reduced:
        sampling = PathSampling(detail.path_sources, seed=options.seed)
        options = replace(options, path_sampling=sampling, random_graphs=detail.random_graphs)
    return year_metrics(ctx.ties, ctx.actors, options=options), detail.reduced


def _reduced_note(ctx: ReportContext) -> str:
    detail = ctx.detail
    return (
        f"Estimated, not exact ({detail.reason}): in years whose largest component has more "
        f"than {detail.path_sources} actors, the average path length is the mean distance "
        f"from {detail.path_sources} sampled actors (report_path_sources, seeded by year) to "
        "every other actor of the largest component, in the network and in its random "
        "reference graphs; the small-world ratio compares each year with "
        f"{detail.random_graphs} random graphs (report_random_graphs) instead of 10. With so "
        "few references sigma moves by tens of percent from one draw to another on networks "
        "of thousands of actors: read its trend, not its level. Every other measure is exact."
    )
