"""Section: the regions compared: their actors over time, what they specialise in, where their
partners are, how the regions tie together, their support infrastructure and the spin-off
genealogy of their institutions.

The regions are the study's (:meth:`bioris.study.Study.compared_regions`: its focal regions);
the counts come from the same functions as ``bioris region summary``
(:mod:`bioris.study.regions`), so both say the same thing. The meta-network, the
infrastructure and the genealogy are in :mod:`~bioris.reporting.sections.regions_links`.
"""

from __future__ import annotations

import plotly.express as px
import polars as pl

from bioris.analytics.regional import PARTNER_TIE_RULE, TIE_SCOPES, actor_counts
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text
from bioris.reporting.sections.common import compared_regions, plural
from bioris.reporting.sections.regions_links import (
    genealogy_blocks,
    infrastructure_blocks,
    network_blocks,
)
from bioris.study.regions import pooled_scope

SCOPE_NAMES = {
    "intra_regional": "within the region (local buzz)",
    "inter_regional": "another region of the study, or elsewhere in its countries",
    "european": "rest of Europe",
    "global": "outside Europe (global pipelines)",
}
SCOPE_COLOURS = ["#54a24b", "#a0cbe8", "#4c78a8", "#e45756"]
#: years of the periods the tie scopes are pooled over
SCOPE_PERIOD_YEARS = 10
PANEL_KIND = "panel firm"


def build(ctx: ReportContext) -> Section:
    """The study's compared regions side by side."""
    regions = compared_regions(ctx)
    opts = ctx.options
    if regions:
        intro = (
            f"The study compares {plural(len(regions), 'region')} ({', '.join(regions)}); "
            "actors elsewhere are placed by country. The figures and tables below compare "
            "their firms, subsectors, partners, links, support organisations and spin-offs "
            f"in {opts.period}. Every firm count is of the study's panel firms."
        )
    else:
        intro = (
            "The study declares no region and no panel firm is placed, so no regions can be "
            "compared; what can be shown by country is shown."
        )
    blocks: list = [Text(intro)]
    blocks += _actor_blocks(ctx, regions)
    blocks += _specialisation_blocks(ctx, regions)
    blocks += _scope_blocks(ctx, regions)
    blocks += network_blocks(ctx, regions)
    blocks += infrastructure_blocks(ctx, regions)
    blocks += genealogy_blocks(ctx)
    return Section("regions", "The regions compared", blocks)


def _colours(ctx: ReportContext, regions: list[str]) -> dict[str, str]:
    """The fixed colour of each compared region that has one."""
    return {r: ctx.colours[r] for r in regions if r in ctx.colours}


def _order(regions: list[str]) -> pl.Expr:
    return pl.col("location").replace_strict(
        {r: i for i, r in enumerate(regions)}, default=len(regions), return_dtype=pl.Int64
    )


# -- actors ----------------------------------------------------------------------------------


def _actor_blocks(ctx: ReportContext, regions: list[str]) -> list:
    opts = ctx.options
    counts = actor_counts(
        ctx.actors, ctx.dataset.lineage, start=opts.start_year, end=opts.end_year,
        alliances=ctx.network.alliances, parties=ctx.parties, panel=ctx.study.panel,
    )  # fmt: skip
    counts = counts.with_columns(pl.col("kind").replace("panel", PANEL_KIND))
    local = counts.filter(pl.col("location").is_in(regions))
    if local.is_empty() or local["active"].sum() == 0:
        return [
            Text(
                "No actor in a compared region has a founding year or a deal, so the "
                "actors cannot be counted over time."
            )
        ]
    fig = px.area(
        local.sort("kind", "year"),
        x="year",
        y="active",
        color="kind",
        facet_col="location",
        category_orders={"location": regions},
        title="Active actors by kind in each region (founded or first deal, not yet exited)",
        labels={"year": "Year", "active": "Active actors", "kind": "Kind of actor",
                "location": "Region"},
    )  # fmt: skip
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_layout(height=420)
    panel = local.filter(pl.col("kind") == PANEL_KIND)
    founded = px.bar(
        panel,
        x="year",
        y="founded",
        color="location",
        barmode="group",
        category_orders={"location": regions},
        color_discrete_map=_colours(ctx, regions),
        title="Panel firms founded per year and region",
        labels={"year": "Year founded", "founded": "Panel firms founded", "location": "Region"},
    )
    founded.update_layout(height=360)
    active_end = f"active_{opts.end_year}"
    summary = (
        local.group_by("location", "kind")
        .agg(
            pl.col("active").filter(pl.col("year") == opts.end_year).sum().alias(active_end),
            pl.col("active").max().alias("most_active"),
            pl.col("founded").sum().alias("founded_in_period"),
            pl.col("exited").sum().alias("exited_in_period"),
            pl.col("undated").first().alias("undated"),
        )
        .with_columns(_order(regions).alias("_k"), (pl.col("kind") != PANEL_KIND).alias("_p"))
        .sort("_k", "_p", "kind")
        .drop("_k", "_p")
    )
    at_end = dict(
        summary.filter(pl.col("kind") == PANEL_KIND).select("location", active_end).rows()
    )
    text = ", ".join(f"{plural(at_end.get(r, 0), 'active panel firm')} in {r}" for r in regions)
    return [
        Text(
            f"Firm demography: in {opts.end_year} there were {text}. An actor counts as active "
            "from its founding year (else its first deal) until its exit year (acquisition, "
            "merger or closure); 'undated' actors have neither and are left out of the "
            "counts. Panel firms are counted as their own kind, the other actors by kind."
        ),
        Figure("regions_active_actors", fig, local),
        Figure("regions_panel_foundings", founded, panel),
        Table("regions_actor_summary", "Actors by region and kind", summary),
    ]


# -- specialisation --------------------------------------------------------------------------


def _specialisation_blocks(ctx: ReportContext, regions: list[str]) -> list:
    if ctx.taxonomy.is_empty():
        return [Text("No subsector taxonomy was given, so specialisation cannot be measured.")]
    lq = ctx.region_summary().specialisation.filter(pl.col("region").is_in(regions))
    if lq.is_empty():
        return [
            Text(
                "No panel firm of a compared region has a subsector the taxonomy classifies, "
                "so no location quotient can be computed."
            )
        ]
    shown = [r for r in regions if r in set(lq["region"])]
    categories = (
        lq.group_by("category")
        .agg(pl.col("n_c").first())
        .sort("n_c", "category", descending=[True, False])
    )["category"].to_list()
    matrix = lq.pivot("category", index="region", values="lq")
    matrix = matrix.with_columns(
        pl.col("region").replace_strict({r: i for i, r in enumerate(shown)}).alias("_k")
    ).sort("_k")
    fig = px.imshow(
        matrix.select(categories).to_numpy(),
        x=categories,
        y=matrix["region"].to_list(),
        text_auto=".2f",
        aspect="auto",
        color_continuous_scale="RdBu_r",
        color_continuous_midpoint=1.0,
        title="Specialisation of the regions: location quotients of panel-firm subsectors "
        "(whole panel = 1)",
        labels={"x": "Subsector category", "y": "Region", "color": "LQ"},
    )
    fig.update_xaxes(tickangle=-35)
    fig.update_layout(height=260 + 50 * len(shown))
    top = []
    for region in shown:
        best = lq.filter((pl.col("region") == region) & (pl.col("lq") > 1) & (pl.col("n_rc") >= 2))
        best = best.sort("lq", "n_rc", descending=True).head(4)
        if best.height:
            parts = ", ".join(f"{c} ({v:.2f})" for c, v in best.select("category", "lq").rows())
            top.append(f"{region}: {parts}")
    table = lq.select(
        "region",
        "category",
        "n_rc",
        "n_r",
        "n_c",
        "n",
        pl.col("share_region").round(3),
        pl.col("share_reference").round(3),
        pl.col("lq").round(2),
    ).sort("region", "lq", descending=[False, True])
    return [
        Text(
            "Specialisation: the location quotient LQ = (share of a region's panel firms in "
            "a subsector) / (share of the whole panel in it); above 1 the region is "
            "specialised, 0 means absent. Subsectors come from the firms' own descriptions, "
            "mapped onto the bundled taxonomy (a firm counts in every category it matches). "
            "Strongest specialisations with at least two firms: "
            + ("; ".join(top) if top else "none")
            + "."
        ),
        Figure("regions_specialisation", fig, table),
        Table("regions_specialisation_table", "Location quotients per region and subsector", table),
    ]


# -- local buzz vs global pipelines ----------------------------------------------------------


def _scope_blocks(ctx: ReportContext, regions: list[str]) -> list:
    opts = ctx.options
    shares = [f"{s}_share" for s in TIE_SCOPES]
    yearly = pl.concat(
        [
            pooled_scope(ctx.study, year, year).with_columns(pl.lit(year).alias("year"))
            for year in range(opts.start_year, opts.end_year + 1)
        ],
        how="diagonal_relaxed",
    ).filter(pl.col("location").is_in(regions) & (pl.col("ties") > 0))
    if yearly.is_empty():
        return [
            Text(
                "No deal of a panel firm in a compared region has a placed partner in the "
                "period, so local buzz and global pipelines cannot be compared."
            )
        ]
    long = yearly.unpivot(
        index=["location", "year"], on=shares, variable_name="scope", value_name="share"
    ).with_columns(
        pl.col("scope")
        .str.strip_suffix("_share")
        .replace_strict(SCOPE_NAMES, return_dtype=pl.String)
    )
    shown = [r for r in regions if r in set(yearly["location"])]
    fig = px.bar(
        long.sort("location", "year"),
        x="year",
        y="share",
        color="scope",
        facet_row="location",
        category_orders={"location": shown, "scope": list(SCOPE_NAMES.values())},
        color_discrete_sequence=SCOPE_COLOURS,
        title="Local buzz vs global pipelines: where the panel firms' partners are, per year",
        labels={"year": "Year signed", "share": "Share of partner ties", "scope": "Partner in",
                "location": "Region"},
    )  # fmt: skip
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    fig.update_layout(barmode="stack", height=220 + 200 * len(shown))
    pooled = pl.concat(
        [
            pooled_scope(ctx.study, a, b).with_columns(pl.lit(f"{a}-{b}").alias("period"))
            for a, b in periods(opts.start_year, opts.end_year)
        ],
        how="diagonal_relaxed",
    )
    pooled = (
        pooled.filter(pl.col("location").is_in(regions))
        .select(
            "location",
            "period",
            "alliances",
            "ties",
            "unknown_ties",
            *[pl.col(c).round(3) for c in shares],
        )
        .with_columns(_order(regions).alias("_k"))
        .sort("_k", "period")
        .drop("_k")
    )
    whole = ctx.region_summary().scope.filter(pl.col("location").is_in(regions))
    parts = [
        f"{loc}: {i:.0%} of {plural(t, 'partner tie')} local, {g:.0%} global"
        for loc, t, i, g in whole.select(
            "location", "ties", "intra_regional_share", "global_share"
        ).rows()
        if t
    ]
    return [
        Text(
            "Local buzz vs global pipelines (Bathelt, Malmberg & Maskell 2004): every deal of "
            "a panel firm is read from the firm, and every other party is a partner tie, "
            "placed " + ", ".join(SCOPE_NAMES.values()) + ". A partner in one of the region's "
            "countries whose region is not recorded cannot be placed and is counted apart "
            f"(unknown_ties). Local-tie share, as `bioris region summary` gives it: "
            f"{PARTNER_TIE_RULE}. Over the whole period " + "; ".join(parts) + "."
        ),
        Figure("regions_tie_scope", fig, long),
        Table("regions_tie_scope_periods", "Shares of partner ties by region and period", pooled),
    ]


def periods(start: int, end: int, length: int = SCOPE_PERIOD_YEARS) -> list[tuple[int, int]]:
    """Consecutive periods of ``length`` years; a short tail joins the last period."""
    out = [(y, min(y + length - 1, end)) for y in range(start, end + 1, length)]
    if len(out) > 1 and out[-1][1] - out[-1][0] < length // 2:
        last = out.pop()
        out[-1] = (out[-1][0], last[1])
    return out
