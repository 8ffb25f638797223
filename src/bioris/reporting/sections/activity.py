"""Section 2: alliance activity: deals per year by type, committed and headline value."""

from __future__ import annotations

import plotly.express as px
import polars as pl

from bioris.analytics import deals_per_year
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text
from bioris.reporting.sections.common import deal_coverage, plural

#: years in one bar of the per-period charts
PERIOD_YEARS = 5


def build(ctx: ReportContext) -> Section:
    """Deals per year by deal type, and their committed and headline value."""
    opts = ctx.options
    per_year = deals_per_year(ctx.alliances, start=opts.start_year, end=opts.end_year)
    cover = deal_coverage(ctx.alliances, opts.start_year, opts.end_year)
    blocks: list = [
        Text(
            f"{plural(cover.in_period, 'deal was', 'deals were')} signed in {opts.period}; "
            f"{plural(cover.outside, 'dated deal falls', 'dated deals fall')} outside the "
            f"period and {cover.undated} {'is' if cover.undated == 1 else 'are'} undated "
            "(both are listed in the deal table but not counted here). Deal types are seen "
            "from the focal firm of the record. " + _layers_text(ctx)
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
    blocks += _by_partner_kind_and_stage(ctx)
    blocks.append(_largest_deals(ctx))
    return Section("activity", "Alliance activity", blocks)


def _layers_text(ctx: ReportContext) -> str:
    """How the period's deals fall into the study's layers, and which layers tie actors."""
    opts = ctx.options
    dated = ctx.alliances.filter(pl.col("year").is_between(opts.start_year, opts.end_year))
    counts = dict(dated.group_by("layer").len().iter_rows())
    network = set(ctx.definition.network_layers)
    parts = []
    for name in (*ctx.definition.layer_names, None):
        n = counts.get(name, 0)
        if name is None and not n:
            continue
        label = name or "in no layer"
        parts.append(f"{label} {n}" + (" (ties of the network)" if name in network else ""))
    return (
        "The study groups deal types into layers: " + "; ".join(parts) + ". Only the "
        "network layers tie actors in the alliance network, the partner ranking and the "
        "business models; the other deals are counted here and listed, not treated as "
        "alliances."
    )


def _dated(ctx: ReportContext) -> pl.DataFrame:
    opts = ctx.options
    return ctx.alliances.filter(pl.col("year").is_between(opts.start_year, opts.end_year))


def _by_partner_kind_and_stage(ctx: ReportContext) -> list:
    """Deals per period by the kind of the focal firm's partners, and by stage at signing."""
    first = ctx.options.start_year
    bucket = first + (pl.col("year") - first) // PERIOD_YEARS * PERIOD_YEARS
    deals = _dated(ctx).with_columns(bucket.alias("period_start"))
    partners = (
        ctx.parties.filter(~pl.col("focal"))
        .join(ctx.actors.select("actor_id", "kind"), on="actor_id")
        .join(deals.select("alliance_id", "period_start"), on="alliance_id")
        .unique(subset=["alliance_id", "kind"])
        .group_by("period_start", "kind")
        .agg(pl.len().alias("deals"))
        .sort("period_start", "kind")
    )
    stages = deals.group_by("period_start", "stage_at_signing").agg(pl.len().alias("deals"))
    stages = stages.sort("period_start", "stage_at_signing")
    if partners.height == 0:
        return [Text("No dated deal in the period: no partner or stage breakdown.")]
    period = f"{PERIOD_YEARS}-year period (first year)"
    fig = px.bar(
        partners, x="period_start", y="deals", color="kind", barmode="stack",
        title=f"Deals per {PERIOD_YEARS}-year period by kind of partner",
        labels={"period_start": period, "deals": "Deals (count)", "kind": "Partner kind"},
    )  # fmt: skip
    fig2 = px.bar(
        stages, x="period_start", y="deals", color="stage_at_signing", barmode="stack",
        title=f"Deals per {PERIOD_YEARS}-year period by stage of the asset at signing",
        labels={"period_start": period, "deals": "Deals (count)",
                "stage_at_signing": "Stage at signing"},
    )  # fmt: skip
    return [
        Text("A deal with several partners of one kind counts once for that kind."),
        Figure("deals_by_partner_kind", fig, partners),
        Figure("deals_by_stage_at_signing", fig2, stages),
    ]


def _largest_deals(ctx: ReportContext) -> Table:
    """The 15 deals with the largest disclosed headline value in the period."""
    largest = (
        _dated(ctx)
        .filter(pl.col("headline_eur") > 0)
        .sort("headline_eur", descending=True)
        .head(15)
        .select("year", "deal_type", "parties", "stage_at_signing", "asset",
                "committed_eur", "headline_eur", "source_urls")
    )  # fmt: skip
    return Table(
        "largest_deals",
        "The largest deals by disclosed headline value (EUR million: committed + milestones)",
        largest,
        links=("source_urls",),
    )
