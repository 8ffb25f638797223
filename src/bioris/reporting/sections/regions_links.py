"""The regions' links, for the regions section: the region meta-network, the support
infrastructure and the spin-off genealogy of the institutions (from the study's region
summary, :func:`bioris.study.regions.region_summary`)."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from bioris.analytics.genealogy import (
    SPINOFF_FIRM_KINDS,
    alias_frame,
    genealogy_tree,
    spinoff_genealogy,
)
from bioris.analytics.regional import infrastructure
from bioris.reporting.detail import reduced_table
from bioris.reporting.model import Figure, ReportContext, Table, Text
from bioris.reporting.sections.common import plural

__all__ = ["genealogy_blocks", "infrastructure_blocks", "network_blocks"]

RELATION_NAMES = {
    "spun_out_of": "spin-off",
    "corporate_spinoff": "corporate spin-off",
    "acquired_by": "acquired by",
}
MIN_SUNBURST_DESCENDANTS = 2
INDENT = "\u00a0\u00a0\u00a0\u00a0"  # non-breaking spaces: indentation survives HTML


# -- the region meta-network -----------------------------------------------------------------


def _link_kind(regions: list[str]) -> pl.Expr:
    s, t = pl.col("source_region"), pl.col("target_region")
    inside_s, inside_t = s.is_in(regions), t.is_in(regions)
    return (
        pl.when(s == t)
        .then(pl.lit("within one location"))
        .when(inside_s & inside_t)
        .then(pl.lit("between compared regions"))
        .when(inside_s | inside_t)
        .then(pl.lit("compared region - elsewhere"))
        .otherwise(pl.lit("elsewhere - elsewhere"))
    )


def network_blocks(ctx: ReportContext, regions: list[str]) -> list:
    """The strongest links between locations over the period."""
    opts = ctx.options
    links = ctx.region_summary().links
    if links.is_empty():
        return [Text("No dated deal in the period: the region meta-network is empty.")]
    top = (
        links.with_columns(
            pl.when(pl.col("source_region") == pl.col("target_region"))
            .then(pl.col("source_region"))
            .otherwise(pl.concat_str("source_region", pl.lit(" - "), "target_region"))
            .alias("link"),
            _link_kind(regions).alias("kind"),
            pl.col("weight").round(2),
        )
        .sort("weight", "alliances", "link", descending=[True, True, False])
        .select("link", "kind", "source_region", "target_region", "alliances", "ties", "weight")
    )
    head = top.head(15)
    fig = px.bar(
        head.reverse(),
        x="weight",
        y="link",
        color="kind",
        orientation="h",
        title="Strongest links of the region meta-network (deals, split evenly over pairs)",
        labels={"weight": "Weight (deals)", "link": "Locations tied", "kind": "Link"},
    )
    fig.update_yaxes(categoryorder="array", categoryarray=head.reverse()["link"].to_list())
    fig.update_layout(height=200 + 24 * head.height)
    return [
        Text(
            "The region meta-network ties the locations of the parties of every deal signed "
            f"in {opts.period} (the study's region of an actor, else its country); a link "
            "within one location is that location's local buzz. A deal's weight of 1 is "
            f"split over its pairs of parties. {links.height} links in all."
        ),
        Figure("regions_meta_network", fig, head),
        Table("regions_meta_network_links", "Strongest links between locations", top.head(30)),
    ]


# -- infrastructure --------------------------------------------------------------------------


def infrastructure_blocks(ctx: ReportContext, regions: list[str]) -> list:
    """Network organisations, funders, financiers and research centres, and their deals."""
    opts = ctx.options
    per_actor = infrastructure(
        ctx.actors, ctx.network.alliances, ctx.parties, start=opts.start_year,
        end=opts.end_year, firms=ctx.study.panel,
    ).rename({"nbfs": "panel_firms"})  # fmt: skip
    if per_actor.is_empty():
        return [
            Text(
                "The data hold no network organisation, government funder, financier "
                "or research centre, so the support infrastructure cannot be shown."
            )
        ]
    order = {r: i for i, r in enumerate(regions)}
    shown = per_actor.filter(pl.col("location").is_in(regions) | (pl.col("deals") > 0))
    shown = (
        shown.with_columns(pl.col("location").replace_strict(order, default=len(order)).alias("_k"))
        .sort(
            ["_k", "location", "kind", "deals", "name"],
            descending=[False, False, False, True, False],
        )
        .drop("_k", "actor_id")
    )
    by_region = ctx.region_summary().infrastructure.rename({"nbfs": "panel_firms"})
    by_region = by_region.filter(pl.col("location").is_in(regions))
    orgs = per_actor.filter((pl.col("kind") == "network_org") & pl.col("location").is_in(regions))
    examples = f" ({', '.join(orgs['name'].head(4).to_list())})" if orgs.height else ""
    return [
        Text(
            "The support infrastructure of the regional innovation system (Cooke et al. "
            f"1997): network organisations{examples}, government funders, "
            "financiers and research centres, with their part in the deals of the period: "
            "grants given, equity investments, collaborations, and the panel firms they "
            "dealt with. "
            "Incubation and hosting are not deal roles in the data."
        ),
        Table(
            "regions_infrastructure_by_region",
            "Support infrastructure per region and kind",
            by_region,
        ),
        reduced_table(
            Table("regions_infrastructure", "Support infrastructure actors and their deals", shown),
            ctx.detail,
            by="deals",
            what="support actors",
            order="those with the most deals in the period",
        ),
    ]


# -- spin-off genealogy ----------------------------------------------------------------------


def genealogy_blocks(ctx: ReportContext) -> list:
    """The spin-off trees of the institutions; the counts of spin-offs are of firms."""
    edges = spinoff_genealogy(
        ctx.actors, ctx.dataset.lineage, aliases=alias_frame(ctx.dataset.actors)
    )
    tree = genealogy_tree(edges)
    unresolved = edges.filter(pl.col("parent").is_null() & (pl.col("relation") == "spun_out_of"))
    if tree.is_empty():
        return [
            Text(
                "No actor's recorded origin names another actor of the data, so no "
                "spin-off genealogy can be drawn"
                + (
                    f" ({plural(unresolved.height, 'origin text')} name institutions "
                    "outside the data)."
                    if unresolved.height
                    else "."
                )
            )
        ]
    info = ctx.actors.select("actor_id", "name", "kind", "location")
    names = dict(info.select("actor_id", "name").iter_rows())
    where = dict(info.select("actor_id", "location").iter_rows())
    size = tree.filter(pl.col("relation") != "acquired_by").group_by("root").len()
    ranked = size.sort(["len", "root"], descending=[True, False])["root"].to_list()
    ranked += sorted(set(tree["root"]) - set(ranked))
    rows = []
    for root in ranked:
        part = tree.filter(pl.col("root") == root)
        for depth, child, relation, year in part.select(
            "depth", "child", "relation", "year"
        ).rows():
            name = names.get(child, child)
            marker = "\u2192 " if relation == "acquired_by" else "\u2514 "
            rows.append(
                {
                    "institution": names.get(root, root),
                    "institution_location": where.get(root),
                    "tree": INDENT * (depth - 1) + marker + name,
                    "name": name,
                    "relation": RELATION_NAMES.get(relation, relation),
                    "year": year,
                    "location": where.get(child),
                }
            )
    schema = {
        "institution": pl.String,
        "institution_location": pl.String,
        "tree": pl.String,
        "name": pl.String,
        "relation": pl.String,
        "year": pl.Int32,
        "location": pl.String,
    }
    table = pl.DataFrame(rows, schema=schema)
    per_parent = ctx.region_summary().spinoffs
    leaders = per_parent.head(5).select("name", "spinoffs").rows()
    lead_text = ", ".join(f"{name} ({n})" for name, n in leaders)
    counts = per_parent.select(
        pl.col("name").alias("institution"),
        "location",
        pl.col("spinoffs").alias("firms_spun_out"),
        pl.col("child")
        .list.eval(pl.element().replace_strict(names, default=pl.element()))
        .list.sort()
        .list.join("; ")
        .alias("firms"),
    )
    return [
        Text(
            "Spin-off genealogy: each actor's recorded origin is matched to the actors of the "
            "data, and the lineage adds who acquired whom. Read each tree from the "
            "institution down: \u2514 marks a spin-off (a corporate spin-off when the parent "
            "is a firm), \u2192 the acquirer of the firm above. The counts are of firms "
            "(new biotech and biotech firms, and the study's panel firms) whose recorded "
            "origin names the institution, not of the funds, institutes, hospitals or "
            f"associations it gave rise to: {lead_text or 'none'}. "
            + (
                f"{plural(unresolved.height, 'origin text')} name no actor of the data "
                "and are left out."
                if unresolved.height
                else ""
            )
        ),
        _spinoff_generations(tree, names, _firm_ids(ctx)),
        Table("regions_spinoffs_per_institution", "Firms spun out of each institution", counts),
        Table("regions_spinoff_genealogy", "Spin-off genealogy per institution", table),
    ]


def _firm_ids(ctx: ReportContext) -> set[str]:
    """The actors a spin-off count counts: new biotech and biotech firms, and the panel."""
    kinds = ctx.actors.filter(pl.col("kind").is_in(list(SPINOFF_FIRM_KINDS)))["actor_id"]
    return set(kinds.to_list()) | set(ctx.firms)


def _spinoff_generations(tree: pl.DataFrame, names: dict[str, str], firms: set[str]) -> Figure:
    """Per institution, the firms spun out of it and their own spin-off firms (acquisitions,
    funds, institutes and associations left out), as stacked bars by generation; hovering a
    bar names the firms."""
    descent = tree.filter(
        (pl.col("relation") != "acquired_by") & pl.col("child").is_in(list(firms))
    ).unique("path", keep="first", maintain_order=True)
    big = descent.group_by("root").len().filter(pl.col("len") >= MIN_SUNBURST_DESCENDANTS)
    if big.height >= 2:  # leave out one-spin-off institutions: they stay in the table
        descent = descent.filter(pl.col("root").is_in(big["root"].implode()))
    rows = descent.with_columns(
        pl.col("path").str.count_matches(" > ").alias("generation"),
        pl.col("root").replace_strict(names, default=pl.col("root")).alias("institution"),
        pl.col("child").replace_strict(names, default=pl.col("child")).alias("firm"),
    )
    data = (
        rows.group_by("institution", "generation")
        .agg(pl.len().alias("firms"), pl.col("firm").sort().str.join("; ").alias("names"))
        .sort("institution", "generation")
    )
    order = (
        data.group_by("institution").agg(pl.col("firms").sum()).sort("firms")["institution"]
    ).to_list()
    fig = go.Figure()
    labels = {1: "spin-offs", 2: "their spin-offs", 3: "third generation"}
    for generation in sorted(set(data["generation"].to_list())):
        part = data.filter(pl.col("generation") == generation)
        fig.add_trace(
            go.Bar(
                y=part["institution"], x=part["firms"], orientation="h",
                name=labels.get(generation, f"generation {generation}"),
                customdata=part["names"], hovertemplate="%{y}: %{x} (%{customdata})",
            )
        )  # fmt: skip
    fig.update_layout(
        title=f"Spin-offs of the institutions with at least {MIN_SUNBURST_DESCENDANTS} "
        "descendants, by generation",
        barmode="stack",
        xaxis_title="Firms",
        yaxis_title="Institution",
        yaxis={"categoryorder": "array", "categoryarray": order},
        height=max(320, 28 * len(order) + 140),
    )
    return Figure("regions_spinoff_generations", fig, data)
