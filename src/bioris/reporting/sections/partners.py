"""Section: the most preferred partners, their ranking rule, persistence and brokerage."""

from __future__ import annotations

import plotly.express as px
import polars as pl

from bioris.analytics import (
    RANKING_RULE,
    TiePolicy,
    brokerage,
    centrality,
    partner_profile,
    preferred_partner_ranking,
    top_k_persistence,
)
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text

RANKING_COLUMNS = ("year", "rank", "name", "bioregion", "big_pharma_partners",
                   "distinct_partners", "target_alliances", "active_alliances",
                   "repeat_partners", "committed_received_to_date_eur")  # fmt: skip


def build(ctx: ReportContext) -> Section:
    """Rankings at five-year steps, persistence in the top k, and brokerage by location."""
    opts, net = ctx.options, ctx.network
    policy = TiePolicy("fixed", opts.window_years)
    ranks = centrality(ctx.ties, measures=("degree", "betweenness", "eigenvector"))
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
