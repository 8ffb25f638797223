"""Section 2: alliance activity: deals per year by type, committed and headline value."""

from __future__ import annotations

import plotly.express as px
import polars as pl

from bioris.analytics import deals_per_year
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text


def build(ctx: ReportContext) -> Section:
    """Deals per year by deal type, and their committed and headline value."""
    opts = ctx.options
    per_year = deals_per_year(ctx.alliances, start=opts.start_year, end=opts.end_year)
    undated = ctx.alliances.filter(pl.col("year").is_null()).height
    outside = ctx.alliances.filter(
        (pl.col("year") < opts.start_year) | (pl.col("year") > opts.end_year)
    ).height
    blocks: list = [
        Text(
            f"{int(per_year['deals'].sum() or 0)} deals were signed in {opts.start_year}-"
            f"{opts.end_year}; {outside} dated deals fall outside the period and {undated} "
            "are undated (both are listed in the deal table but not counted here). Deal "
            "types are seen from the focal firm."
        )
    ]
    if per_year.height:
        fig = px.bar(
            per_year,
            x="year",
            y="deals",
            color="deal_type",
            title="Deals per year by deal type",
            labels={"year": "Year signed", "deals": "Deals (count)", "deal_type": "Deal type"},
        )
        fig.update_layout(barmode="stack", height=440)
        blocks.append(Figure("deals_per_year_by_type", fig, per_year))
        value = (
            per_year.group_by("year")
            .agg(pl.col("committed_eur").sum(), pl.col("headline_eur").sum())
            .sort("year")
        )
        long = value.unpivot(index="year", variable_name="measure", value_name="eur_m")
        fig2 = px.line(
            long,
            x="year",
            y="eur_m",
            color="measure",
            markers=True,
            title="Disclosed deal value per year (EUR million)",
            labels={"year": "Year signed", "eur_m": "EUR million", "measure": "Value"},
        )
        fig2.update_layout(height=380)
        blocks.append(Figure("deal_value_per_year", fig2, value))
    blocks.append(
        Table("deals_per_year_table", "Deals and disclosed value per year and type", per_year)
    )
    return Section("activity", "Alliance activity", blocks)
