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
    ]
    return Section("method", "Data and method", blocks)
