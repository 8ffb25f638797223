"""Section: the network drawn year by year, as small multiples and as an animation.

Every map uses one layout computed for all actors tied in the period
(:func:`bioris.analytics.layout.stable_layout`), so an actor keeps its place from panel to
panel and frame to frame; colours say where an actor is (one fixed colour per region of the
study, :func:`bioris.analytics.geography.location_groups`), sizes how many partners it has.
"""

from __future__ import annotations

import html
import math

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from bioris.analytics.geography import location_groups
from bioris.analytics.layout import stable_layout
from bioris.reporting.model import Figure, ReportContext, Section, Text

KEY, TITLE = "network_maps", "The network year by year"
#: most actors drawn in one year (those with most partners); larger years are capped
MAX_ACTORS = 400
#: the same in a report reduced on a large study (the 31 frames of 400 actors alone take 4 MB)
REDUCED_MAX_ACTORS = 150
#: years between two small multiples, and how many small multiples at most
STEP_YEARS, MAX_PANELS = 5, 6
_PANEL_COLUMNS = 3
_EDGE_COLOUR = "rgba(110,110,110,0.45)"
_FRAME_MS = 700
_PAD = 1.08  # axis range around the [-1, 1] layout
_KINDS = {"nbf": "new biotech firm", "network_org": "network organisation"}


def build(ctx: ReportContext) -> Section:
    """Small multiples every :data:`STEP_YEARS` years and an animation over every year, one
    layout."""
    return network_maps(ctx, max_actors=REDUCED_MAX_ACTORS if ctx.detail.reduced else MAX_ACTORS)


def network_maps(ctx: ReportContext, *, max_actors: int = MAX_ACTORS) -> Section:
    """The section, drawing at most ``max_actors`` actors per year."""
    opts = ctx.options
    nodes, edges, capped = drawn_network(ctx.ties, max_actors)
    if nodes.height == 0:
        text = f"No ties are active in {opts.period}: no network to draw."
        return Section(KEY, TITLE, [Text(text)])
    positions = stable_layout(edges, opts.seed)
    colours = dict(ctx.colours)
    groups_of = location_groups(ctx.actors, ctx.study.region_colours()).drop("colour")
    panel = pl.Series(list(ctx.study.panel), dtype=pl.String).implode()
    nodes = (
        nodes.join(groups_of, on="actor", how="left")
        .with_columns(
            pl.col("name").fill_null(pl.col("actor")),
            pl.when(pl.col("actor").is_in(panel))
            .then(pl.lit("panel firm"))
            .otherwise(pl.col("kind").fill_null("unknown"))
            .alias("kind"),
            pl.col("location").fill_null("unknown"),
            pl.col("group").fill_null("Unknown"),
        )
        .join(positions, on="actor", how="left")
        .sort("year", "actor")
    )
    xy = positions.select("actor", "x", "y")
    edges = (
        edges.join(xy.rename({"actor": "source", "x": "x0", "y": "y0"}), on="source")
        .join(xy.rename({"actor": "target", "x": "x1", "y": "y1"}), on="target")
        .sort("year", "source", "target")
    )
    years = sorted(nodes["year"].unique().to_list())
    panels = panel_years(years, opts.start_year)
    groups = [g for g in colours if g in set(nodes["group"])]
    columns = ["year", "actor", "name", "kind", "location", "group", "degree", "x", "y"]
    blocks: list = [Text(_explanation(ctx, nodes, panels, years))]
    if capped.height:
        blocks.append(Text(_cap_note(ctx, capped, max_actors), reduced=True))
    blocks.append(
        Figure(
            "network_maps_small_multiples",
            small_multiples(nodes, edges, panels, groups, colours),
            nodes.filter(pl.col("year").is_in(panels)).select(columns),
        )
    )
    blocks.append(
        Figure(
            "network_maps_animation",
            animation(nodes, edges, years, groups, colours),
            nodes.select(columns),
        )
    )
    return Section(KEY, TITLE, blocks)


def drawn_network(ties: pl.DataFrame, max_actors: int) -> tuple[pl.DataFrame, ...]:
    """What the maps draw, per year: ``nodes`` (``year, actor, degree``), ``edges``
    (``year, source, target``) and ``capped`` (years with more than ``max_actors`` actors:
    ``year, actors, ties, actors_hidden, ties_hidden``).

    ``degree`` counts the actor's partners that year in the whole network; a capped year
    keeps the ``max_actors`` actors of highest degree (ties broken by actor id) and the ties
    among them.
    """
    pairs = ties.select("year", "source", "target")
    ends = pl.concat(
        [
            pairs.select("year", pl.col("source").alias("actor")),
            pairs.select("year", pl.col("target").alias("actor")),
        ]
    )
    degree = ends.group_by("year", "actor").agg(pl.len().cast(pl.Int64).alias("degree"))
    order = pl.struct(-pl.col("degree"), pl.col("actor"))
    ranked = degree.with_columns(order.rank("ordinal").over("year").alias("_order"))
    nodes = ranked.filter(pl.col("_order") <= max_actors).drop("_order").sort("year", "actor")
    kept = nodes.select("year", "actor")
    edges = pairs.join(kept.rename({"actor": "source"}), on=["year", "source"]).join(
        kept.rename({"actor": "target"}), on=["year", "target"]
    )
    totals = (
        degree.group_by("year")
        .agg(pl.len().cast(pl.Int64).alias("actors"))
        .join(pairs.group_by("year").agg(pl.len().cast(pl.Int64).alias("ties")), on="year")
        .join(
            edges.group_by("year").agg(pl.len().cast(pl.Int64).alias("_drawn")),
            on="year",
            how="left",
        )
    )
    capped = (
        totals.filter(pl.col("actors") > max_actors)
        .with_columns(
            (pl.col("actors") - max_actors).alias("actors_hidden"),
            (pl.col("ties") - pl.col("_drawn").fill_null(0)).alias("ties_hidden"),
        )
        .drop("_drawn")
        .sort("year")
    )
    return nodes, edges.sort("year", "source", "target"), capped


def panel_years(years: list[int], start: int) -> list[int]:
    """Years of the small multiples: every :data:`STEP_YEARS` years back from the last year
    with ties, at most :data:`MAX_PANELS`, not before ``start``, only years with ties."""
    if not years:
        return []
    last = max(years)
    steps = [last - STEP_YEARS * k for k in range(MAX_PANELS)]
    present = set(years)
    return sorted(y for y in steps if y >= start and y in present)


def _explanation(
    ctx: ReportContext, nodes: pl.DataFrame, panels: list[int], years: list[int]
) -> str:
    opts = ctx.options
    actors = nodes["actor"].n_unique()
    shown = ", ".join(str(y) for y in panels)
    regions = ", ".join(ctx.study.region_colours()) or "none is declared"
    return (
        f"The alliance network of {shown} (small multiples), then of every year with ties "
        f"from {years[0]} to {years[-1]} (animation: drag the slider, or press Play to run "
        "through the years from the first). Each year ties the parties of every deal of the "
        f"study's network layers signed in the previous {opts.window_years} years (signing "
        f"year included). All {actors} actors tied at some point of the period share one "
        f"layout (Fruchterman-Reingold on the union of all ties, seed {opts.seed}), so an "
        "actor sits at the same place in every year and a year's map shows only the actors "
        "tied that year. Colours say where an actor is: each region of the study has its "
        f"own colour, the same in every chart ({regions}); actors elsewhere have a muted "
        "tone per continent. The size of a dot grows with the actor's number of partners "
        "that year (degree). Hover over a dot for the actor's name, kind, location and "
        "degree; click a legend entry to hide a location."
    )


def _cap_note(ctx: ReportContext, capped: pl.DataFrame, max_actors: int) -> str:
    years = capped["year"].to_list()
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
    why = f" ({ctx.detail.reason})" if ctx.detail.reduced else ""
    return (
        f"To keep the report light{why}, a map shows at most {max_actors} actors. In "
        f"{len(years)} year(s) between {span} more actors were tied: those maps show the "
        f"{max_actors} actors with most partners that year and the ties among them, leaving "
        f"out up to {int(capped['actors_hidden'].max())} actors and "
        f"{int(capped['ties_hidden'].max())} ties of a year. The network measures of the "
        "other sections use every actor; the drawn actors of every year are in "
        "network_maps_animation.csv of the folder of `bioris report --data`."
    )


def _size(degree: pl.Series) -> list[float]:
    return [round(5.0 + 3.0 * math.sqrt(d), 1) for d in degree.to_list()]


def _hover(frame: pl.DataFrame) -> list[str]:
    return [
        f"<b>{html.escape(name)}</b><br>{html.escape(_KINDS.get(kind, kind.replace('_', ' ')))}"
        f" · {html.escape(location)}"
        f"<br>{degree} partner(s) in {year}"
        for name, kind, location, degree, year in frame.select(
            "name", "kind", "location", "degree", "year"
        ).iter_rows()
    ]


def _edge_trace(edges: pl.DataFrame, **where: str) -> go.Scatter:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for x0, y0, x1, y1 in edges.select("x0", "y0", "x1", "y1").iter_rows():
        xs += [x0, x1, None]
        ys += [y0, y1, None]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"width": 0.6, "color": _EDGE_COLOUR},
        hoverinfo="skip",
        showlegend=False,
        name="ties",
        **where,
    )


def _node_trace(nodes: pl.DataFrame, group: str, colour: str, **where: str) -> go.Scatter:
    part = nodes.filter(pl.col("group") == group)
    return go.Scatter(
        x=part["x"].to_list(),
        y=part["y"].to_list(),
        ids=part["actor"].to_list(),
        mode="markers",
        name=group,
        legendgroup=group,
        showlegend=False,
        marker={
            "color": colour,
            "size": _size(part["degree"]),
            "opacity": 0.9,  # plotly fades sized markers to 0.7, which dulls the fixed colours
            "line": {"width": 0.6, "color": "white"},
        },
        text=_hover(part),
        hovertemplate="%{text}<extra></extra>",
        **where,
    )


def _legend_traces(groups: list[str], colours: dict[str, str]) -> list[go.Scatter]:
    """One empty trace per location group of the period: the legend stays the same in every
    panel and frame (plotly leaves empty traces out of the legend, which would resize the
    plot area and move the dots), and a click on an entry hides that group everywhere."""
    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=group,
            legendgroup=group,
            legendrank=100 + rank,
            showlegend=True,
            hoverinfo="skip",
            marker={"color": colours[group], "size": 10},
        )
        for rank, group in enumerate(groups)
    ]


def _hide_axes(fig: go.Figure, **where: int) -> None:
    hidden = {"visible": False, "range": [-_PAD, _PAD], "fixedrange": False}
    fig.update_xaxes(**hidden, **where)
    fig.update_yaxes(**hidden, **where)


def small_multiples(
    nodes: pl.DataFrame,
    edges: pl.DataFrame,
    panels: list[int],
    groups: list[str],
    colours: dict[str, str],
) -> go.Figure:
    """One subplot per year of ``panels``, same positions and colours in each; ``groups``
    are the location groups drawn, in legend order, ``colours`` their fixed colours."""
    cols = min(_PANEL_COLUMNS, len(panels))
    rows = math.ceil(len(panels) / cols)
    titles = []
    for year in panels:
        n = nodes.filter(pl.col("year") == year).height
        m = edges.filter(pl.col("year") == year).height
        titles.append(f"{year}: {n} actors, {m} ties")
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=titles,
        horizontal_spacing=0.02,
        vertical_spacing=0.06,
    )
    for i, year in enumerate(panels):
        row, col = i // cols + 1, i % cols + 1
        year_nodes = nodes.filter(pl.col("year") == year)
        fig.add_trace(_edge_trace(edges.filter(pl.col("year") == year)), row=row, col=col)
        for group in groups:
            if year_nodes.filter(pl.col("group") == group).height == 0:
                continue
            fig.add_trace(_node_trace(year_nodes, group, colours[group]), row=row, col=col)
        _hide_axes(fig, row=row, col=col)
        anchor = "x" if i == 0 else f"x{i + 1}"
        fig.update_yaxes(scaleanchor=anchor, scaleratio=1, row=row, col=col)
    fig.add_traces(_legend_traces(groups, colours), rows=1, cols=1)
    fig.update_layout(
        title=f"The alliance network every {STEP_YEARS} years (same layout in every panel)",
        height=90 + 380 * rows,
        plot_bgcolor="white",
        legend={"title": {"text": "Location"}, "itemsizing": "constant"},
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        hovermode="closest",
    )
    return fig


def _frame_traces(
    nodes: pl.DataFrame,
    edges: pl.DataFrame,
    year: int,
    groups: list[str],
    colours: dict[str, str],
) -> list[go.Scatter]:
    year_nodes = nodes.filter(pl.col("year") == year)
    traces = [_edge_trace(edges.filter(pl.col("year") == year))]
    traces += [_node_trace(year_nodes, g, colours[g]) for g in groups]
    return traces


def animation(
    nodes: pl.DataFrame,
    edges: pl.DataFrame,
    years: list[int],
    groups: list[str],
    colours: dict[str, str],
) -> go.Figure:
    """One frame per year with ties, a year slider and a play button; every frame has the
    same traces (ties, then one per location group, empty when absent). It opens on the
    last year; Play runs through every year from the first."""
    counts = {
        year: (
            nodes.filter(pl.col("year") == year).height,
            edges.filter(pl.col("year") == year).height,
        )
        for year in years
    }

    def title(year: int) -> str:
        return f"The alliance network in {year}: {counts[year][0]} actors, {counts[year][1]} ties"

    frames = [
        go.Frame(
            name=str(year),
            data=_frame_traces(nodes, edges, year, groups, colours),
            traces=list(range(len(groups) + 1)),
            layout={"title": {"text": title(year)}},
        )
        for year in years
    ]
    # open on the last year; Play always runs from the first (the report's HTML may play the
    # animation once on load, which also ends on the last year)
    fig = go.Figure(data=[*frames[-1].data, *_legend_traces(groups, colours)], frames=frames)
    _hide_axes(fig)
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    still = {
        "mode": "immediate",
        "frame": {"duration": 0, "redraw": True},
        "transition": {"duration": 0},
    }
    play = {
        "mode": "immediate",
        "frame": {"duration": _FRAME_MS, "redraw": True},
        "transition": {"duration": 0},
    }
    fig.update_layout(
        title=title(years[-1]),
        height=720,
        plot_bgcolor="white",
        legend={"title": {"text": "Location"}, "itemsizing": "constant"},
        margin={"l": 10, "r": 10, "t": 60, "b": 110},
        hovermode="closest",
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": 0.0,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"t": 40, "r": 10},
                "showactive": False,
                "buttons": [
                    {"label": "▶ Play", "method": "animate", "args": [None, play]},
                    {
                        "label": "❚❚ Pause",
                        "method": "animate",
                        "args": [[None], {**still, "frame": {"duration": 0, "redraw": False}}],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": len(years) - 1,
                "x": 0.16,
                "len": 0.84,
                "y": 0.0,
                "yanchor": "top",
                "pad": {"t": 30},
                "currentvalue": {"prefix": "Year ", "font": {"size": 15}},
                "steps": [
                    {"label": str(y), "method": "animate", "args": [[str(y)], still]} for y in years
                ],
            }
        ],
    )
    return fig
