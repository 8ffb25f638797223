"""Section: the most preferred partners, their ranking rule, persistence, the big-pharma x NBF
matrix and brokerage."""

from __future__ import annotations

import html

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from bioris.analytics import (
    RANKING_RULE,
    BetweennessSampling,
    TiePolicy,
    brokerage,
    centrality,
    partner_profile,
    preferred_partner_ranking,
    top_k_persistence,
)
from bioris.analytics.temporal import with_top_parent
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text

RANKING_COLUMNS = ("year", "rank", "name", "bioregion", "big_pharma_partners",
                   "distinct_partners", "target_alliances", "active_alliances",
                   "repeat_partners", "committed_received_to_date_eur")  # fmt: skip
#: most big-pharma groups (rows) and NBFs (columns) drawn in the matrix; the table has all
MATRIX_ROWS, MATRIX_COLUMNS = 25, 40


def build(ctx: ReportContext) -> Section:
    """Rankings at five-year steps, persistence in the top k, and brokerage by location."""
    opts, net = ctx.options, ctx.network
    policy = TiePolicy("fixed", opts.window_years)
    # exact betweenness up to 500 actors a year; estimated from 500 sources beyond (seeded)
    sampling = BetweennessSampling(500, opts.seed)
    ranks = centrality(
        ctx.ties,
        measures=("degree", "betweenness", "eigenvector"),
        betweenness_sampling=sampling,
    )
    profile = partner_profile(
        net.alliances, net.parties, net.nbfs, start=opts.start_year, end=opts.end_year,
        policy=policy, big_pharma=net.big_pharma, parents=net.parents, centrality=ranks,
    )  # fmt: skip
    ranking = preferred_partner_ranking(profile, top=None)
    names = ctx.actors.select(pl.col("actor_id").alias("actor"), "name", "bioregion")
    ranking = ranking.join(names, on="actor", how="left")
    blocks: list = [Text(f"Ranking rule: {RANKING_RULE}")]
    blocks += _rank_blocks(ranking, opts.end_year, opts.top)
    persistence = top_k_persistence(ranking, k=opts.top).join(names, on="actor", how="left")
    blocks.append(
        Table(
            "top_k_persistence",
            f"Years each NBF spent in the top {opts.top}, {opts.start_year}-{opts.end_year}",
            persistence.select(
                "name", "bioregion", "years_in_top", "first_year", "last_year", "best_rank"
            ),
        )
    )
    blocks += _matrix_blocks(ctx)
    blocks += _brokerage_blocks(ctx, names)
    return Section("partners", "Most preferred partners", blocks)


def _rank_blocks(ranking: pl.DataFrame, end: int, top: int) -> list:
    years = sorted(set(ranking["year"].to_list()))
    if not years:
        return [Text("No NBF has an active alliance in the period.")]
    steps = [y for y in years if (end - y) % 5 == 0] or years[-1:]
    shown = ranking.filter(pl.col("year").is_in(steps) & (pl.col("rank") <= top))
    leaders = ranking.filter(pl.col("rank") <= 3)["actor"].unique().to_list()
    trajectory = ranking.filter(pl.col("actor").is_in(leaders))
    fig = px.line(
        trajectory, x="year", y="rank", color="name", markers=True,
        title="Rank of the NBFs that reached the top 3 (1 = most preferred partner)",
        labels={"year": "Year", "rank": "Rank", "name": "NBF"},
    )  # fmt: skip
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=460)
    return [
        Figure("rank_trajectories", fig, trajectory.select("year", "actor", "name", "rank")),
        Table(
            "preferred_partner_ranking",
            f"Top {top} NBFs every five years",
            shown.select([c for c in RANKING_COLUMNS if c in shown.columns]),
        ),
    ]


def big_pharma_nbf_deals(ctx: ReportContext) -> pl.DataFrame:
    """Deals signed in the period between a big-pharma group and an NBF.

    A partner counts under the group that owns it in the deal's year (its top parent through
    the lineage records, :func:`~bioris.analytics.temporal.with_top_parent`) when that group
    is big pharma, else under its own name when it is big pharma itself; so a firm bought by
    a big pharma counts under its own name before the purchase and under the buyer from
    then on. A deal counts once per group and NBF, however many of the group's firms signed.

    Returns
    -------
    polars.DataFrame
        ``big_pharma_id, big_pharma, nbf_id, nbf, bioregion, deals, years`` (``years``: the
        signing years, e.g. ``2005, 2010``), most deals first.
    """
    opts, net = ctx.options, ctx.network
    schema = {
        "big_pharma_id": pl.String,
        "big_pharma": pl.String,
        "nbf_id": pl.String,
        "nbf": pl.String,
        "bioregion": pl.String,
        "deals": pl.Int64,
        "years": pl.String,
    }
    dated = net.alliances.filter(pl.col("year").is_between(opts.start_year, opts.end_year))
    parties = net.parties.select("alliance_id", "actor_id").unique()
    nbfs = parties.filter(pl.col("actor_id").is_in(net.nbfs)).rename({"actor_id": "nbf_id"})
    pairs = (
        nbfs.join(parties.rename({"actor_id": "partner"}), on="alliance_id")
        .filter(pl.col("partner") != pl.col("nbf_id"))
        .join(dated.select("alliance_id", "year"), on="alliance_id")
    )
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
        pairs.select("big_pharma_id", "nbf_id", "alliance_id", "year")
        .unique()
        .group_by("big_pharma_id", "nbf_id")
        .agg(
            pl.len().cast(pl.Int64).alias("deals"),
            pl.col("year").sort().cast(pl.String).str.join(", ").alias("years"),
        )
    )
    names = ctx.actors.select("actor_id", "name", "bioregion")
    return (
        deals.join(
            names.select(
                pl.col("actor_id").alias("big_pharma_id"), pl.col("name").alias("big_pharma")
            ),
            on="big_pharma_id",
            how="left",
        )
        .join(names.rename({"actor_id": "nbf_id", "name": "nbf"}), on="nbf_id", how="left")
        .with_columns(
            pl.col("big_pharma").fill_null(pl.col("big_pharma_id")),
            pl.col("nbf").fill_null(pl.col("nbf_id")),
        )
        .sort(["deals", "big_pharma", "nbf"], descending=[True, False, False])
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
    opts = ctx.options
    deals = big_pharma_nbf_deals(ctx)
    period = f"{opts.start_year}-{opts.end_year}"
    if deals.height == 0:
        return [Text(f"No NBF signed a deal with a big-pharma group in {period}.")]
    rows = _order(deals, "big_pharma_id", "big_pharma")
    cols = _order(deals, "nbf_id", "nbf")
    note = ""
    if len(rows) > MATRIX_ROWS or len(cols) > MATRIX_COLUMNS:
        note = (
            f" The matrix shows the {min(len(rows), MATRIX_ROWS)} groups and "
            f"{min(len(cols), MATRIX_COLUMNS)} NBFs with most such deals; the table lists all."
        )
    rows, cols = rows[:MATRIX_ROWS], cols[:MATRIX_COLUMNS]
    row_label = _labels(deals, "big_pharma_id", "big_pharma")
    col_label = _labels(deals, "nbf_id", "nbf")
    cell = {(b, n): d for b, n, d in deals.select("big_pharma_id", "nbf_id", "deals").rows()}
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
        title=f"Deals between big-pharma groups and NBFs, {period}",
        height=max(320, 230 + 26 * len(rows)),
        plot_bgcolor="#f4f6f8",
        xaxis_title="NBF",
        yaxis_title="Big-pharma group (at the deal's date)",
    )
    text = Text(
        f"Which big-pharma groups signed deals with which NBFs in {period}: each cell counts "
        "the deals, signed that period, between the NBF and any firm of the group. A partner "
        "counts under the group that owned it in the year the deal was signed (subsidiary "
        "and acquisition records), so a firm bought by a big pharma counts under its own "
        f"name before the purchase and under the buyer from then on. {deals['deals'].sum()} "
        f"such deals tie {len(row_label)} groups to {len(col_label)} NBFs; rows and columns "
        f"are sorted by number of deals.{note}"
    )
    table = Table(
        "big_pharma_nbf_matrix_table",
        f"Deals between big-pharma groups and NBFs, {period}",
        deals.select("big_pharma", "nbf", "bioregion", "deals", "years"),
    )
    return [text, Figure("big_pharma_nbf_matrix", fig, deals), table]


def _order(deals: pl.DataFrame, ids: str, names: str) -> list[str]:
    """Ids by total deals, most first, then by name."""
    totals = deals.group_by(ids, names).agg(pl.col("deals").sum())
    return totals.sort(["deals", names, ids], descending=[True, False, False])[ids].to_list()


def _brokerage_blocks(ctx: ReportContext, names: pl.DataFrame) -> list:
    end = ctx.ties.filter(pl.col("year") == ctx.options.end_year)
    if end.height == 0:
        return []
    roles = brokerage(end.select("source", "target"), ctx.network.groups())
    roles = roles.rename({"actor": "actor"}).join(names, on="actor", how="left")
    nbfs = set(ctx.network.nbfs)
    top = roles.filter(pl.col("actor").is_in(list(nbfs))).sort("total", descending=True).head(15)
    return [
        Text(
            "Brokerage roles between locations (bioRegions, else countries) in "
            f"{ctx.options.end_year}: Gould & Fernandez's census, counted on the symmetric "
            "digraph as UCINET does, so representative and gatekeeper counts are equal."
        ),
        Table(
            "brokerage_by_location",
            f"Brokerage roles of NBFs between locations, {ctx.options.end_year}",
            top.select(
                "name",
                "bioregion",
                "coordinator",
                "itinerant",
                "gatekeeper",
                "representative",
                "liaison",
                "total",
            ),
        ),
    ]
