"""Section: the most preferred partners, their ranking rule, its stability, persistence, the
big-pharma x panel-firm matrix and brokerage."""

from __future__ import annotations

import html

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from bioris import settings
from bioris.analytics import RANKING_RULE, brokerage, top_k_persistence
from bioris.analytics.evolution import panel_structural_holes
from bioris.analytics.temporal import with_top_parent
from bioris.reporting.detail import reduced_table
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text
from bioris.study import Sensitivity

RANKING_COLUMNS = ("year", "rank", "name", "location", "big_pharma_partners",
                   "distinct_partners", "target_alliances", "active_alliances",
                   "repeat_partners", "committed_received_to_date_eur")  # fmt: skip
#: most big-pharma groups (rows) and panel firms (columns) drawn in the matrix; the table
#: has all
MATRIX_ROWS, MATRIX_COLUMNS = 25, 40
#: years between two rankings shown in the table
STEP_YEARS = 5


def build(ctx: ReportContext) -> Section:
    """Rankings every :data:`STEP_YEARS` years, their stability, persistence in the top k,
    the big-pharma matrix and brokerage by location."""
    opts = ctx.options
    ranking = ctx.ranking()
    names = ctx.actors.select(pl.col("actor_id").alias("actor"), "name", "location")
    blocks: list = [
        Text(
            f"Ranking rule: {RANKING_RULE} The panel firms are ranked every year of "
            f"{opts.period} on the ties of the study's network layers "
            f"({', '.join(ctx.definition.network_layers)}) under a {opts.window_years}-year "
            "tie lifetime; a firm leaves the ranking after its exit year (acquisition, "
            "merger or closure), and its ties end then."
        )
    ]
    blocks += _rank_blocks(ranking, opts.end_year, opts.top)
    blocks += _stability_blocks(ctx)
    persistence = top_k_persistence(ranking, k=opts.top).join(names, on="actor", how="left")
    blocks.append(
        Table(
            "top_k_persistence",
            f"Years each panel firm spent in the top {opts.top}, {opts.period}",
            persistence.select(
                "name", "location", "years_in_top", "first_year", "last_year", "best_rank"
            ),
        )
    )
    blocks += _matrix_blocks(ctx)
    blocks += _brokerage_blocks(ctx, names)
    blocks += structural_holes_blocks(ctx)
    return Section("partners", "Most preferred partners", blocks)


def _rank_blocks(ranking: pl.DataFrame, end: int, top: int) -> list:
    years = sorted(set(ranking["year"].to_list()))
    if not years:
        return [Text("No panel firm has an active alliance in the period.")]
    steps = [y for y in years if (end - y) % STEP_YEARS == 0] or years[-1:]
    shown = ranking.filter(pl.col("year").is_in(steps) & (pl.col("rank") <= top))
    leaders = ranking.filter(pl.col("rank") <= 3)["actor"].unique().to_list()
    trajectory = ranking.filter(pl.col("actor").is_in(leaders))
    fig = px.line(
        with_gaps(trajectory), x="year", y="rank", color="name", markers=True,
        title="Rank of the panel firms that reached the top 3 (1 = most preferred partner; "
        "a line breaks in the years a firm is not ranked)",
        labels={"year": "Year", "rank": "Rank", "name": "Panel firm"},
    )  # fmt: skip
    fig.update_traces(connectgaps=False)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=460)
    return [
        Figure("rank_trajectories", fig, trajectory.select("year", "actor", "name", "rank")),
        Table(
            "preferred_partner_ranking",
            f"Top {top} panel firms every {STEP_YEARS} years",
            shown.select([c for c in RANKING_COLUMNS if c in shown.columns]),
        ),
    ]


def with_gaps(trajectory: pl.DataFrame) -> pl.DataFrame:
    """Each firm's ranks from its first to its last ranked year, with a null rank in the
    years between in which it is not ranked (no active alliance that year), so that a line
    drawn through them breaks there instead of joining the ranks around the gap."""
    if trajectory.is_empty():
        return trajectory.select("year", "actor", "name", "rank")
    spans = trajectory.group_by("actor").agg(
        pl.col("name").first(),
        pl.int_ranges(pl.col("year").min(), pl.col("year").max() + 1).alias("year"),
    )
    grid = spans.explode("year").with_columns(pl.col("year").cast(trajectory["year"].dtype))
    ranks = trajectory.select("actor", "year", "rank")
    return (
        grid.join(ranks, on=["actor", "year"], how="left")
        .sort("name", "year")
        .select("year", "actor", "name", "rank")
    )


def big_pharma_panel_deals(ctx: ReportContext) -> pl.DataFrame:
    """Alliances (deals of the study's network layers) signed in the period between a
    big-pharma group and a panel firm, while the firm was independent.

    A partner counts under the group that owns it in the deal's year (its top parent through
    the lineage records, :func:`~bioris.analytics.temporal.with_top_parent`) when that group
    is big pharma, else under its own name when it is big pharma itself; so a firm bought by
    a big pharma counts under its own name before the purchase and under the buyer from
    then on. A deal counts once per group and firm, however many of the group's firms
    signed. A deal a panel firm signs after its exit year is not the panel firm's.

    Returns
    -------
    polars.DataFrame
        ``big_pharma_id, big_pharma, firm_id, firm, location, deals, years`` (``years``:
        the signing years, e.g. ``2005, 2010``), most deals first.
    """
    opts, net = ctx.options, ctx.network
    schema = {
        "big_pharma_id": pl.String,
        "big_pharma": pl.String,
        "firm_id": pl.String,
        "firm": pl.String,
        "location": pl.String,
        "deals": pl.Int64,
        "years": pl.String,
    }
    dated = ctx.network_deals.filter(pl.col("year").is_between(opts.start_year, opts.end_year))
    parties = net.parties.select("alliance_id", "actor_id").unique()
    firms = parties.filter(pl.col("actor_id").is_in(list(ctx.firms))).rename(
        {"actor_id": "firm_id"}
    )
    pairs = (
        firms.join(parties.rename({"actor_id": "partner"}), on="alliance_id")
        .filter(pl.col("partner") != pl.col("firm_id"))
        .join(dated.select("alliance_id", "year"), on="alliance_id")
    )
    pairs = ctx.while_independent(pairs, "firm_id")
    pairs = with_top_parent(pairs, net.parents, "partner", "owner")
    pharma = pl.Series(sorted(net.big_pharma), dtype=pl.String).implode()
    group = (
        pl.when(pl.col("owner").is_in(pharma))
        .then("owner")
        .when(pl.col("partner").is_in(pharma))
        .then("partner")
    )
    pairs = pairs.with_columns(group.alias("big_pharma_id")).drop_nulls("big_pharma_id")
    if pairs.height == 0:
        return pl.DataFrame(schema=schema)
    deals = (
        pairs.select("big_pharma_id", "firm_id", "alliance_id", "year")
        .unique()
        .group_by("big_pharma_id", "firm_id")
        .agg(
            pl.len().cast(pl.Int64).alias("deals"),
            pl.col("year").sort().cast(pl.String).str.join(", ").alias("years"),
        )
    )
    names = ctx.actors.select("actor_id", "name", "location")
    pharma_names = names.select(
        pl.col("actor_id").alias("big_pharma_id"), pl.col("name").alias("big_pharma")
    )
    return (
        deals.join(pharma_names, on="big_pharma_id", how="left")
        .join(names.rename({"actor_id": "firm_id", "name": "firm"}), on="firm_id", how="left")
        .with_columns(
            pl.col("big_pharma").fill_null(pl.col("big_pharma_id")),
            pl.col("firm").fill_null(pl.col("firm_id")),
        )
        .sort(["deals", "big_pharma", "firm"], descending=[True, False, False])
        .select(list(schema))
        .cast(schema)
    )


def _labels(frame: pl.DataFrame, ids: str, names: str) -> dict[str, str]:
    """Actor id -> axis label: the name, with the id when two actors share a name."""
    pairs = frame.select(ids, names).unique().sort(ids).rows()
    counts: dict[str, int] = {}
    for _, name in pairs:
        counts[name] = counts.get(name, 0) + 1
    return {i: html.escape(n if counts[n] == 1 else f"{n} ({i})") for i, n in pairs}


def _matrix_blocks(ctx: ReportContext) -> list:
    period = ctx.options.period
    deals = big_pharma_panel_deals(ctx)
    if deals.height == 0:
        return [Text(f"No panel firm signed an alliance with a big-pharma group in {period}.")]
    rows = _order(deals, "big_pharma_id", "big_pharma")
    cols = _order(deals, "firm_id", "firm")
    note = ""
    if len(rows) > MATRIX_ROWS or len(cols) > MATRIX_COLUMNS:
        note = (
            f" The matrix shows the {min(len(rows), MATRIX_ROWS)} groups and "
            f"{min(len(cols), MATRIX_COLUMNS)} panel firms with most such deals; the table "
            "lists all."
        )
    rows, cols = rows[:MATRIX_ROWS], cols[:MATRIX_COLUMNS]
    row_label = _labels(deals, "big_pharma_id", "big_pharma")
    col_label = _labels(deals, "firm_id", "firm")
    cell = {(b, n): d for b, n, d in deals.select("big_pharma_id", "firm_id", "deals").rows()}
    z = [[cell.get((b, n)) for n in cols] for b in rows]
    most = int(deals["deals"].max())
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[col_label[n] for n in cols],
            y=[row_label[b] for b in rows],
            text=[["" if v is None else str(v) for v in line] for line in z],
            texttemplate="%{text}",
            colorscale="Blues",
            zmin=0,
            zmax=most,
            xgap=1,
            ygap=1,
            colorbar={"title": {"text": "Deals"}, "dtick": 1 if most <= 10 else None},
            hovertemplate="%{y} × %{x}: %{z} deal(s)<extra></extra>",
        )
    )
    fig.update_xaxes(tickangle=-45, side="bottom", showgrid=False)
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_layout(
        title=f"Alliances between big-pharma groups and panel firms, {period}",
        height=max(320, 230 + 26 * len(rows)),
        plot_bgcolor="#f4f6f8",
        xaxis_title="Panel firm",
        yaxis_title="Big-pharma group (at the deal's date)",
    )
    text = Text(
        f"Which big-pharma groups signed alliances (deals of the study's network layers) "
        f"with which panel firms in {period}: each cell counts the deals, signed that "
        "period, between the firm and any firm of the group, up to the firm's exit year. A "
        "partner counts under the group that owned it in the year the deal was signed "
        "(subsidiary and acquisition records), so a firm bought by a big pharma counts under "
        f"its own name before the purchase and under the buyer from then on. "
        f"{deals['deals'].sum()} such deals tie {len(row_label)} groups to {len(col_label)} "
        f"panel firms; rows and columns are sorted by number of deals.{note}"
    )
    table = Table(
        "big_pharma_panel_matrix_table",
        f"Alliances between big-pharma groups and panel firms, {period}",
        deals.select("big_pharma", "firm", "location", "deals", "years"),
    )
    return [text, Figure("big_pharma_panel_matrix", fig, deals), table]


def _order(deals: pl.DataFrame, ids: str, names: str) -> list[str]:
    """Ids by total deals, most first, then by name."""
    totals = deals.group_by(ids, names).agg(pl.col("deals").sum())
    return totals.sort(["deals", names, ids], descending=[True, False, False])[ids].to_list()


def _brokerage_blocks(ctx: ReportContext, names: pl.DataFrame) -> list:
    end = ctx.options.end_year
    ties = ctx.ties.filter(pl.col("year") == end)
    if ties.height == 0:
        return []
    roles = brokerage(ties.select("source", "target"), ctx.network.groups())
    roles = roles.join(names, on="actor", how="left")
    top = roles.filter(pl.col("actor").is_in(list(ctx.firms)))
    top = top.sort("total", "name", descending=[True, False]).head(15)
    return [
        Text(
            "Brokerage roles between locations (the study's regions, else countries) in "
            f"{end}: Gould & Fernandez's census, counted on the symmetric digraph as UCINET "
            "does, so representative and gatekeeper counts are equal."
        ),
        Table(
            "brokerage_by_location",
            f"Brokerage roles of panel firms between locations, {end}",
            top.select(
                "name",
                "location",
                "coordinator",
                "itinerant",
                "gatekeeper",
                "representative",
                "liaison",
                "total",
            ),
        ),
    ]


# -- stability of the ranking ---------------------------------------------------------------


def _stability_blocks(ctx: ReportContext) -> list:
    """The top of the last year's ranking under other tie lifetimes and with financing ties,
    with Kendall's tau-b against the study's own ranking."""
    opts = ctx.options
    result = ctx.study.partner_sensitivity(opts.end_year, top=opts.top, window=opts.window_years)
    if result.rankings.is_empty():
        return [Text(f"No panel firm is ranked in {opts.end_year}: no stability to show.")]
    wide = stability_table(result)
    agreement = result.agreement.with_columns(pl.col("kendall_tau", "p_value").round(3))
    shared = f"shared_top_{opts.top}"
    others = agreement.filter(pl.col("scenario") != result.baseline)
    lowest = others.sort("kendall_tau").row(0, named=True) if others.height else None
    summary = (
        f" Against the baseline, tau-b ranges from {others['kendall_tau'].min():.2f} to "
        f"{others['kendall_tau'].max():.2f}; the scenario furthest from it is "
        f"'{lowest['scenario']}' (tau-b {lowest['kendall_tau']:.2f}, "
        f"{lowest[shared]} of the baseline's top {opts.top} still in its top {opts.top})."
        if lowest is not None
        else ""
    )
    return [
        Text(
            f"How stable is the ranking of {result.year}? The table ranks the panel firms "
            "again under 3-, 5- and 7-year tie lifetimes, on the network layers alone and "
            "with financing ties (equity rounds) added; the baseline is the study's own "
            f"ranking ({result.baseline}). Kendall's tau-b compares each scenario's ranks "
            "with the baseline's over every firm ranked in either (a firm missing from one "
            "ranks last there): 1 is the same order, 0 no relation, negative a reversed "
            f"order; '{shared}' counts the baseline's top {opts.top} firms still in the "
            f"scenario's top {opts.top}. A firm that stays at the top under every scenario "
            "holds its position in the network, not by a choice of tie rule; one that moves "
            "a lot owes its rank to that choice." + summary
        ),
        Table(
            "partner_ranking_stability",
            f"Top {opts.top} panel firms of {result.year} under each scenario",
            wide,
        ),
        Table(
            "partner_ranking_agreement",
            f"Agreement of each scenario with the study's ranking of {result.year} "
            "(Kendall's tau-b)",
            agreement,
        ),
    ]


def stability_table(result: Sensitivity) -> pl.DataFrame:
    """One row per place in the top, one column per scenario (the baseline first) naming the
    firm there; firms tied at a rank share it (``name (=3)``)."""
    scenarios = [result.baseline]
    scenarios += sorted(set(result.rankings["scenario"]) - {result.baseline})
    columns: dict[str, list[str | None]] = {}
    for scenario in scenarios:
        part = result.rankings.filter(pl.col("scenario") == scenario).sort("rank", "actor")
        tied = part["rank"].is_duplicated().to_list()
        columns[scenario] = [
            f"{name or actor} (={rank})" if shared else (name or actor)
            for name, actor, rank, shared in zip(
                part["name"], part["actor"], part["rank"], tied, strict=True
            )
        ]
    places = max((len(c) for c in columns.values()), default=0)
    data: dict[str, list] = {"place": list(range(1, places + 1))}
    for scenario, names in columns.items():
        data[scenario] = names + [None] * (places - len(names))
    schema = {"place": pl.Int64, **dict.fromkeys(scenarios, pl.String)}
    return pl.DataFrame(data, schema=schema)


# -- small networks and structural holes ----------------------------------------------------


def min_network_nodes(min_nodes: int | None = None) -> int:
    """The smallest network whose measures the report prints: ``min_nodes``, else the
    ``network_min_nodes`` setting (10 by default)."""
    return int(settings.get("network_min_nodes")) if min_nodes is None else min_nodes


def withheld(actors: int, min_nodes: int) -> str | None:
    """``"withheld: n=9 < 10"`` for a network of fewer than ``min_nodes`` actors, else None:
    what the report prints in place of a measure of a network too small to mean anything."""
    return f"withheld: n={actors} < {min_nodes}" if actors < min_nodes else None


def network_sizes(ties: pl.DataFrame) -> pl.DataFrame:
    """``year, actors``: the actors tied in each year's network (tie table)."""
    ends = pl.concat([ties.select("year", pl.col(c).alias("actor")) for c in ("source", "target")])
    return ends.group_by("year").agg(pl.col("actor").n_unique().cast(pl.Int64).alias("actors"))


def _last_tied_year(ties: pl.DataFrame, firm_years: pl.DataFrame) -> int | None:
    """The last year in which a firm of ``firm_years`` (``actor_id, year``) has a tie."""
    ends = pl.concat(
        [ties.select("year", pl.col(c).alias("actor_id")) for c in ("source", "target")]
    )
    tied = ends.join(firm_years.select("actor_id", "year").unique(), on=["actor_id", "year"])
    return None if tied.is_empty() else int(tied["year"].max())


def structural_holes_blocks(ctx: ReportContext, min_nodes: int | None = None) -> list:
    """The panel firms' Burt constraint and effective size in the last year they have ties,
    beside their brokerage roles (the panel's series over time is in the section on how the
    network grew, from the same :func:`~bioris.analytics.evolution.panel_structural_holes`).
    A network of fewer than ``min_nodes`` actors (the ``network_min_nodes`` setting by
    default) has its values withheld."""
    opts, least = ctx.options, min_network_nodes(min_nodes)
    firm_years = ctx.study.panel_years(opts.start_year, opts.end_year)
    firm_years = firm_years.filter(pl.col("actor_id").is_in(list(ctx.firms)))
    last = _last_tied_year(ctx.ties, firm_years)
    if last is None:
        return [Text(f"No panel firm has a tie in {opts.period}: no structural holes to show.")]
    # only that year is shown: each year's values come from that year's network alone
    holes = panel_structural_holes(ctx.ties.filter(pl.col("year") == last), firm_years)
    year = int(holes["year"].max())
    actors = int(network_sizes(ctx.ties).filter(pl.col("year") == year)["actors"].sum())
    note = withheld(actors, least)
    names = ctx.actors.select(pl.col("actor_id").alias("actor"), "name", "location")
    last = (
        holes.filter(pl.col("year") == year)
        .join(names, on="actor", how="left")
        .with_columns(
            pl.when(pl.lit(note is None)).then(pl.col(c).round(3)).alias(c)
            for c in ("constraint", "effective_size")
        )
        .with_columns(pl.lit(note or "ok").alias("status"))
        .sort("constraint", "name", nulls_last=True)
        .select("name", "location", "degree", "constraint", "effective_size", "status")
    )
    shown = (
        f"{note}: the network of {year} is too small for them"
        if note
        else f"lowest constraint first; {year}'s network has {actors} actors"
    )
    return [
        Text(
            f"Structural holes (Burt 1992) in {year}: a panel firm's constraint is high (up "
            "to 1 and beyond) when its partners are tied to one another or all to one, low "
            "when it alone bridges them; its effective size is its number of partners less "
            "their redundancy (Borgatti 1997). Computed on the year's whole network of the "
            "study's network layers, ties weighted by alliances, for the panel firms tied that "
            f"year ({shown}); the panel's constraint and effective size over time are in 'How "
            f"the network grew'. A network of fewer than {least} actors has them withheld."
        ),
        reduced_table(
            Table(
                "panel_structural_holes_last_year",
                f"Constraint and effective size of the panel firms, {year}",
                last,
            ),
            ctx.detail,
            what="panel firms",
            order="those with the lowest constraint",
        ),
    ]
