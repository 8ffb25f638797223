"""Section: the two bioRegions compared: their actors over time, what they specialise in,
where their partners are, how the regions tie together, their support infrastructure and the
spin-off genealogy of their institutions."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from bioris.analytics.genealogy import alias_frame, genealogy_tree, spinoff_genealogy
from bioris.analytics.regional import (
    TIE_SCOPES,
    actor_counts,
    infrastructure,
    region_network,
    tie_scope,
)
from bioris.analytics.specialisation import classify_subsectors, specialisation
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text

PREFERRED_ORDER = ("Flanders", "Wallonia", "Brussels")
SCOPE_NAMES = {
    "intra_regional": "within the bioRegion (local buzz)",
    "inter_regional": "other Belgian bioRegion",
    "european": "rest of Europe",
    "global": "outside Europe (global pipelines)",
}
SCOPE_COLOURS = ["#54a24b", "#a0cbe8", "#4c78a8", "#e45756"]
RELATION_NAMES = {
    "spun_out_of": "spin-off",
    "corporate_spinoff": "corporate spin-off",
    "acquired_by": "acquired by",
}
MIN_SUNBURST_DESCENDANTS = 2
REGION_COLOURS = {"Flanders": "#4c78a8", "Wallonia": "#e45756", "Brussels": "#f2cf5b"}
INDENT = "\u00a0\u00a0\u00a0\u00a0"  # non-breaking spaces: indentation survives HTML


def build(ctx: ReportContext) -> Section:
    """Flanders, Wallonia (and Brussels) side by side."""
    regions = bioregions(ctx.actors)
    opts = ctx.options
    if regions:
        intro = (
            f"The Belgian actors sit in {len(regions)} bioRegions ({', '.join(regions)}); "
            "foreign actors are placed by country. The figures and tables below compare their "
            "firms, subsectors, partners, links, support organisations and spin-offs in "
            f"{opts.start_year}-{opts.end_year}."
        )
    else:
        intro = (
            "No actor of this dataset is placed in a Belgian bioRegion, so the regions cannot "
            "be compared; what can be shown by country is shown."
        )
    blocks: list = [Text(intro)]
    blocks += _actor_blocks(ctx, regions)
    blocks += _specialisation_blocks(ctx, regions)
    blocks += _scope_blocks(ctx, regions)
    blocks += _network_blocks(ctx, regions)
    blocks += _infrastructure_blocks(ctx, regions)
    blocks += _genealogy_blocks(ctx)
    return Section("regions", "The two bioRegions compared", blocks)


def bioregions(actors: pl.DataFrame) -> list[str]:
    """The bioRegions of the Belgian actors, Flanders and Wallonia first."""
    found = set(actors.filter(pl.col("bioregion").is_not_null())["bioregion"].to_list())
    return [r for r in PREFERRED_ORDER if r in found] + sorted(found - set(PREFERRED_ORDER))


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


# -- actors ----------------------------------------------------------------------------------


def _actor_blocks(ctx: ReportContext, regions: list[str]) -> list:
    opts = ctx.options
    counts = actor_counts(
        ctx.actors,
        ctx.dataset.lineage,
        start=opts.start_year,
        end=opts.end_year,
        alliances=ctx.alliances,
        parties=ctx.parties,
    )
    local = counts.filter(pl.col("location").is_in(regions))
    if local.is_empty() or local["active"].sum() == 0:
        return [
            Text(
                "No actor in a bioRegion has a founding year or a deal, so the "
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
        title="Active actors by kind in each bioRegion (founded or first deal, not yet exited)",
        labels={
            "year": "Year",
            "active": "Active actors",
            "kind": "Kind of actor",
            "location": "bioRegion",
        },
    )
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_layout(height=420)
    nbf = local.filter(pl.col("kind") == "nbf")
    founded = px.bar(
        nbf,
        x="year",
        y="founded",
        color="location",
        barmode="group",
        category_orders={"location": regions},
        color_discrete_map=REGION_COLOURS,
        title="New biotechnology firms founded per year and bioRegion",
        labels={"year": "Year founded", "founded": "NBFs founded", "location": "bioRegion"},
    )
    founded.update_layout(height=360)
    summary = (
        local.group_by("location", "kind")
        .agg(
            pl.col("active")
            .filter(pl.col("year") == opts.end_year)
            .sum()
            .alias(f"active_{opts.end_year}"),
            pl.col("active").max().alias("most_active"),
            pl.col("founded").sum().alias("founded_in_period"),
            pl.col("exited").sum().alias("exited_in_period"),
            pl.col("undated").first().alias("undated"),
        )
        .with_columns(
            pl.col("location")
            .replace_strict({r: i for i, r in enumerate(regions)}, default=99)
            .alias("_k")
        )
        .sort("_k", "kind")
        .drop("_k")
    )
    nbf_end = {
        r: n
        for r, n in summary.filter(pl.col("kind") == "nbf")
        .select("location", f"active_{opts.end_year}")
        .rows()
    }
    text = ", ".join(f"{_plural(nbf_end.get(r, 0), 'active NBF')} in {r}" for r in regions)
    return [
        Text(
            f"Firm demography: in {opts.end_year} there were {text}. An actor counts as active "
            "from its founding year (else its first deal) until it is acquired or closes; "
            "'undated' actors have neither and are left out of the counts."
        ),
        Figure("regions_active_actors", fig, local),
        Figure("regions_nbf_foundings", founded, nbf),
        Table("regions_actor_summary", "Actors by bioRegion and kind", summary),
    ]


# -- specialisation --------------------------------------------------------------------------


def _specialisation_blocks(ctx: ReportContext, regions: list[str]) -> list:
    if ctx.taxonomy.is_empty():
        return [Text("No subsector taxonomy was given, so specialisation cannot be measured.")]
    classified = classify_subsectors(ctx.actors, ctx.taxonomy)
    lq = specialisation(ctx.actors, classified, by="bioregion", reference="belgium")
    lq = lq.filter(pl.col("region").is_in(regions))
    if lq.is_empty():
        return [
            Text(
                "No Belgian NBF has a subsector the taxonomy classifies, so no location "
                "quotient can be computed."
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
    z = matrix.select(categories).to_numpy()
    fig = px.imshow(
        z,
        x=categories,
        y=matrix["region"].to_list(),
        text_auto=".2f",
        aspect="auto",
        color_continuous_scale="RdBu_r",
        color_continuous_midpoint=1.0,
        title="Specialisation of the bioRegions: location quotients of NBF subsectors "
        "(Belgium = 1)",
        labels={"x": "Subsector category", "y": "bioRegion", "color": "LQ"},
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
            "Specialisation: the location quotient LQ = (share of a bioRegion's NBFs in a "
            "subsector) / (share of all Belgian NBFs in it); above 1 the region is "
            "specialised, 0 means absent. Subsectors come from the NBFs' own descriptions, "
            "mapped onto the bundled taxonomy (a firm counts in every category it matches). "
            "Strongest specialisations with at least two firms: "
            + ("; ".join(top) if top else "none")
            + "."
        ),
        Figure("regions_specialisation", fig, table),
        Table(
            "regions_specialisation_table", "Location quotients per bioRegion and subsector", table
        ),
    ]


# -- local buzz vs global pipelines ----------------------------------------------------------


def _scope_blocks(ctx: ReportContext, regions: list[str]) -> list:
    opts = ctx.options
    scope = tie_scope(
        ctx.alliances,
        ctx.parties,
        ctx.actors,
        by="region",
        start=opts.start_year,
        end=opts.end_year,
        kinds={"nbf"},
    )
    scope = scope.filter(pl.col("location").is_in(regions) & (pl.col("ties") > 0))
    if scope.is_empty():
        return [
            Text(
                "No deal of an NBF in a bioRegion has a placed partner in the period, so "
                "local buzz and global pipelines cannot be compared."
            )
        ]
    counts = scope.with_columns(
        (pl.col(s) * pl.col("ties")).round(0).cast(pl.Int64).alias(s) for s in TIE_SCOPES
    )
    long = scope.unpivot(
        index=["location", "year"], on=list(TIE_SCOPES), variable_name="scope", value_name="share"
    ).with_columns(pl.col("scope").replace_strict(SCOPE_NAMES, return_dtype=pl.String))
    shown = [r for r in regions if r in set(scope["location"])]
    fig = px.bar(
        long.sort("location", "year"),
        x="year",
        y="share",
        color="scope",
        facet_row="location",
        category_orders={"location": shown, "scope": list(SCOPE_NAMES.values())},
        color_discrete_sequence=SCOPE_COLOURS,
        title="Local buzz vs global pipelines: where the NBFs' partners are, per year",
        labels={
            "year": "Year signed",
            "share": "Share of partner ties",
            "scope": "Partner in",
            "location": "bioRegion",
        },
    )
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1]))
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    fig.update_layout(barmode="stack", height=220 + 200 * len(shown))
    periods = _periods(opts.start_year, opts.end_year)
    labels = {y: f"{a}-{b}" for a, b in periods for y in range(a, b + 1)}
    period = pl.col("year").replace_strict(labels, default=None, return_dtype=pl.String)
    pooled = (
        counts.with_columns(period.alias("period"))
        .group_by("location", "period")
        .agg(pl.col("alliances", "ties", *TIE_SCOPES).sum())
        .with_columns((pl.col(s) / pl.col("ties")).round(3).alias(f"{s}_share") for s in TIE_SCOPES)
        .select("location", "period", "alliances", "ties", *(f"{s}_share" for s in TIE_SCOPES))
        .sort("location", "period")
    )
    whole = counts.group_by("location").agg(pl.col("ties", "intra_regional", "global").sum())
    parts = [
        f"{loc}: {i / t:.0%} of {_plural(t, 'partner tie')} local, {g / t:.0%} global"
        for loc, t, i, g in whole.select("location", "ties", "intra_regional", "global").rows()
        if t
    ]
    return [
        Text(
            "Local buzz vs global pipelines (Bathelt, Malmberg & Maskell 2004): each deal is "
            "read from its focal NBF, and every other party is a partner tie, placed within "
            "the NBF's own bioRegion, in another Belgian bioRegion, elsewhere in Europe, or "
            "outside Europe. Over the whole period " + "; ".join(sorted(parts)) + "."
        ),
        Figure("regions_tie_scope", fig, long),
        Table(
            "regions_tie_scope_periods", "Shares of partner ties by bioRegion and period", pooled
        ),
    ]


def _periods(start: int, end: int, length: int = 10) -> list[tuple[int, int]]:
    """Consecutive periods of ``length`` years; a short tail joins the last period."""
    out = [(y, min(y + length - 1, end)) for y in range(start, end + 1, length)]
    if len(out) > 1 and out[-1][1] - out[-1][0] < length // 2:
        last = out.pop()
        out[-1] = (out[-1][0], last[1])
    return out


# -- the region meta-network -----------------------------------------------------------------


def _link_kind(regions: list[str]) -> pl.Expr:
    s, t = pl.col("source_region"), pl.col("target_region")
    inside_s, inside_t = s.is_in(regions), t.is_in(regions)
    return (
        pl.when(s == t)
        .then(pl.lit("within one location"))
        .when(inside_s & inside_t)
        .then(pl.lit("between Belgian bioRegions"))
        .when(inside_s | inside_t)
        .then(pl.lit("bioRegion - abroad"))
        .otherwise(pl.lit("abroad - abroad"))
    )


def _network_blocks(ctx: ReportContext, regions: list[str]) -> list:
    opts = ctx.options
    links = region_network(
        ctx.alliances, ctx.parties, ctx.actors, start=opts.start_year, end=opts.end_year
    )
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
            f"in {opts.start_year}-{opts.end_year} (bioRegion for Belgian actors, else "
            "country); a link within one location is that location's local buzz. A deal's "
            f"weight of 1 is split over its pairs of parties. {links.height} links in all."
        ),
        Figure("regions_meta_network", fig, head),
        Table("regions_meta_network_links", "Strongest links between locations", top.head(30)),
    ]


# -- infrastructure --------------------------------------------------------------------------


def _infrastructure_blocks(ctx: ReportContext, regions: list[str]) -> list:
    opts = ctx.options
    per_actor = infrastructure(
        ctx.actors, ctx.alliances, ctx.parties, start=opts.start_year, end=opts.end_year
    )
    if per_actor.is_empty():
        return [
            Text(
                "The dataset holds no network organisation, government funder, financier "
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
    by_region = infrastructure(
        ctx.actors,
        ctx.alliances,
        ctx.parties,
        by="region",
        start=opts.start_year,
        end=opts.end_year,
    )
    by_region = by_region.filter(pl.col("location").is_in(regions))
    orgs = per_actor.filter((pl.col("kind") == "network_org") & pl.col("location").is_in(regions))
    examples = f" ({', '.join(orgs['name'].head(4).to_list())})" if orgs.height else ""
    return [
        Text(
            "The support infrastructure of the regional innovation system (Cooke et al. "
            f"1997): network organisations{examples}, government funders, "
            "financiers and research centres, with their part in the deals of the period: "
            "grants given, equity investments, collaborations, and the NBFs they dealt with. "
            "Incubation and hosting are not deal roles in the data."
        ),
        Table(
            "regions_infrastructure_by_region",
            "Support infrastructure per bioRegion and kind",
            by_region,
        ),
        Table("regions_infrastructure", "Support infrastructure actors and their deals", shown),
    ]


# -- spin-off genealogy ----------------------------------------------------------------------


def _genealogy_blocks(ctx: ReportContext) -> list:
    edges = spinoff_genealogy(
        ctx.actors, ctx.dataset.lineage, aliases=alias_frame(ctx.dataset.actors)
    )
    tree = genealogy_tree(edges)
    unresolved = edges.filter(pl.col("parent").is_null() & (pl.col("relation") == "spun_out_of"))
    if tree.is_empty():
        return [
            Text(
                "No actor's recorded origin names another actor of the dataset, so no "
                "spin-off genealogy can be drawn"
                + (
                    f" ({_plural(unresolved.height, 'origin text')} name institutions "
                    "outside the dataset)."
                    if unresolved.height
                    else "."
                )
            )
        ]
    info = ctx.actors.select(
        "actor_id", "name", "kind", pl.coalesce("bioregion", "country").alias("location")
    )
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
    spinoffs = edges.filter(
        pl.col("relation").is_in(["spun_out_of", "corporate_spinoff"])
        & pl.col("parent").is_not_null()
    )
    per_parent = spinoffs.group_by("parent").agg(pl.col("child").n_unique().alias("n"))
    leaders = per_parent.sort(["n", "parent"], descending=[True, False]).head(5)
    lead_text = ", ".join(f"{names.get(p, p)} ({n})" for p, n in leaders.rows())
    return [
        Text(
            "Spin-off genealogy: each actor's recorded origin is matched to the actors of the "
            "dataset, and the lineage adds who acquired whom. Read each tree from the "
            "institution down: \u2514 marks a spin-off (a corporate spin-off when the parent "
            "is a firm), \u2192 the acquirer of the firm above. Most prolific parents: "
            f"{lead_text or 'none'}. "
            + (
                f"{_plural(unresolved.height, 'origin text')} name no actor of the dataset "
                "and are left out."
                if unresolved.height
                else ""
            )
        ),
        _sunburst(tree, names),
        Table("regions_spinoff_genealogy", "Spin-off genealogy per institution", table),
    ]


def _sunburst(tree: pl.DataFrame, names: dict[str, str]) -> Figure:
    """Institution -> spin-offs -> their spin-offs (acquisitions left out)."""
    descent = tree.filter(pl.col("relation") != "acquired_by").unique(
        "path", keep="first", maintain_order=True
    )
    big = descent.group_by("root").len().filter(pl.col("len") >= MIN_SUNBURST_DESCENDANTS)
    if big.height >= 2:  # leave out one-spin-off institutions: they stay in the table
        descent = descent.filter(pl.col("root").is_in(big["root"].implode()))
    ids, labels, parents = [], [], []
    for root in dict.fromkeys(descent["root"].to_list()):
        ids.append(root)
        labels.append(names.get(root, root))
        parents.append("")
    for path, child in descent.select("path", "child").rows():
        parent = path.rsplit(" > ", 1)[0]
        ids.append(path)
        labels.append(names.get(child, child))
        parents.append(parent)
    fig = go.Figure(
        go.Sunburst(
            ids=ids, labels=labels, parents=parents, maxdepth=3, insidetextorientation="radial"
        )
    )
    fig.update_layout(
        title="Spin-offs of the institutions with at least "
        f"{MIN_SUNBURST_DESCENDANTS} descendants (click a sector to zoom)",
        height=620,
        margin={"t": 60, "l": 10, "r": 10, "b": 10},
    )
    data = pl.DataFrame({"id": ids, "label": labels, "parent": parents})
    return Figure("regions_spinoff_sunburst", fig, data)
