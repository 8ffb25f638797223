"""Section: data and method: sources, confidence, coverage, parameters and version."""

from __future__ import annotations

import polars as pl

from bioris import __version__
from bioris.analytics import RANKING_RULE
from bioris.reporting.model import ReportContext, Section, Table, Text
from bioris.reporting.sections.deals import source_count


def build(ctx: ReportContext) -> Section:
    """How the report was made, so that it can be reproduced."""
    opts = ctx.options
    confidence = (
        pl.concat(
            [
                ctx.actors.select(pl.lit("actors").alias("record"), "confidence"),
                ctx.alliances.select(pl.lit("deals").alias("record"), "confidence"),
            ]
        )
        .group_by("record", "confidence")
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .sort("record", "confidence")
    )
    parameters = pl.DataFrame(
        {
            "parameter": [
                "period",
                "region",
                "tie window (years)",
                "tie policy",
                "ranking top k",
                "seed",
                "big-pharma actors",
                "store",
                "bioris version",
            ],
            "value": [
                f"{opts.start_year}-{opts.end_year}",
                opts.region or "all",
                str(opts.window_years),
                "fixed lifetime from signing",
                str(opts.top),
                str(opts.seed),
                str(len(ctx.network.big_pharma)),
                ctx.store_label or "-",
                __version__,
            ],
        }
    )
    blocks = [
        Text(
            f"Every number comes from the store's records; {source_count(ctx.alliances)} "
            "distinct source pages back the deals. Confidence is 'high' where the source "
            "states the fact, 'medium' where it was inferred from the source's context, "
            "'unsourced' where no page was found. Money is in millions: as stated, and in "
            "EUR (the source's own euro figure, else converted at the year's average rate)."
        ),
        Table("confidence", "Records by confidence", confidence),
        Table("parameters", "Parameters of this report", parameters),
        Text(f"Most-preferred-partner ranking rule: {RANKING_RULE}"),
        *_coverage(ctx),
    ]
    return Section("method", "Data and method", blocks)


def _coverage(ctx: ReportContext) -> list:
    """Where the data are thin: deals per focal firm, undated deals, deals outside the period."""
    opts = ctx.options
    focal = ctx.parties.filter(pl.col("focal")).join(
        ctx.alliances.select("alliance_id", "year"), on="alliance_id"
    )
    per_firm = (
        focal.group_by("actor_id")
        .agg(
            pl.len().alias("deals"),
            pl.col("year").is_null().sum().alias("undated"),
            pl.col("year").min().alias("first_year"),
            pl.col("year").max().alias("last_year"),
        )
        .join(ctx.actors.select("actor_id", "name", "bioregion"), on="actor_id")
        .sort("deals", "name", descending=[True, False])
        .select("name", "bioregion", "deals", "undated", "first_year", "last_year")
    )
    undated = ctx.alliances.filter(pl.col("year").is_null()).height
    outside = ctx.alliances.filter(~pl.col("year").is_between(opts.start_year, opts.end_year))
    single = per_firm.filter(pl.col("deals") == 1).height
    text = Text(
        f"Coverage: {per_firm.height} focal firms; {single} of them have a single recorded "
        f"deal. {undated} deals are undated and {outside.height - undated} dated deals fall "
        f"outside {opts.start_year}-{opts.end_year}; both are kept in the deal list but left "
        "out of yearly measures. Deals are collected from public sources (press releases, "
        "trade press, annual reports): undisclosed terms are missing values, not zeros."
    )
    return [text, Table("coverage_per_firm", "Recorded deals per focal firm", per_firm)]
