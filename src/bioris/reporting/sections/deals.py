"""Section: the deal list, every deal with its parties, terms and sources."""

from __future__ import annotations

import polars as pl

from bioris.reporting.detail import reduced_table
from bioris.reporting.model import ReportContext, Section, Table, Text

COLUMNS = (
    "date", "deal_type", "layer", "parties", "stage_at_signing", "asset", "upfront_eur",
    "milestones_eur", "equity_eur", "confidence", "source_urls",
)  # fmt: skip


def build(ctx: ReportContext) -> Section:
    """All deals, newest first, with the pages they come from."""
    deals = ctx.alliances.sort("year", "date", descending=True, nulls_last=True).select(COLUMNS)
    text = Text(
        f"All {deals.height} deals of the data with their layer of the study (which deals "
        "tie the network), their parties, the stage of the asset at signing, disclosed terms "
        "in EUR million and the pages they come from. Click a column heading to sort."
    )
    table = Table("deal_list", "Deal list with sources", deals, links=("source_urls",))
    table = reduced_table(table, ctx.detail, what="deals", order="those signed most recently")
    return Section("deals", "The deals and their sources", [text, table])


def source_count(frame: pl.DataFrame) -> int:
    """Distinct source pages cited by the deals."""
    return frame.select(pl.col("source_urls").explode().drop_nulls().n_unique()).item()
