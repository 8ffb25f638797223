"""Findings first: the study's claims as tested hypotheses, on one screen.

An abstract (how many claims the data support, and on what), then the findings table: each
claim stated as a testable hypothesis over the study's panel and period, with its indicator,
value, n, test or interval, verdict and caveat, and the CSV of the evidence behind it (written
with ``--data``; the evidence tables fold under the table). The claims, indicators, tests and
verdict rules are in docs/findings.md; the computations in :mod:`bioris.analytics.findings`.
"""

from __future__ import annotations

import polars as pl

from bioris.reporting.model import ReportContext, Section, Table, Text
from bioris.reporting.sections.common import plural

KEY, TITLE = "findings", "Findings"
_SHOWN = (
    "claim",
    "hypothesis",
    "indicator",
    "value_text",
    "n",
    "n_unit",
    "test",
    "p_value",
    "ci_low",
    "ci_high",
    "verdict",
    "caveat",
    "source_table",
)


def build(ctx: ReportContext) -> Section:
    """The abstract, the findings table and (folded) its evidence."""
    opts = ctx.options
    result = ctx.study.findings(opts.start_year, opts.end_year, seed=opts.seed)
    table = result.table
    blocks: list = [Text(_abstract(ctx, table))]
    blocks += [Text(_line(row)) for row in table.iter_rows(named=True)]
    shown = table.select([c for c in _SHOWN if c in table.columns])
    blocks.append(Table("findings", "The findings table: each claim as a tested hypothesis", shown))
    for name, evidence in result.evidence.items():
        caption = f"Evidence behind the findings: {name}"
        blocks.append(
            Table(
                name.removesuffix(".csv"),
                caption,
                evidence,
                part="Evidence tables (the CSV files of --data)",
            )
        )
    return Section(KEY, TITLE, blocks)


def _abstract(ctx: ReportContext, table: pl.DataFrame) -> str:
    counts = {
        v: table.filter(pl.col("verdict") == v).height
        for v in ("supported", "not supported", "not enough data")
    }
    opts = ctx.options
    return (
        f"This report tests the claims of a study of {ctx.definition.name}: "
        f"{plural(len(ctx.firms), 'panel firm')}, {opts.period}. Each claim is stated as a "
        "hypothesis about the panel that the data can support or not, with the indicator, "
        "the number of firms or deals behind it, a standard test or interval and a verdict. "
        f"Of {plural(table.height, 'claim')}, the data support {counts['supported']}, do not "
        f"support {counts['not supported']}, and hold too few records for "
        f"{counts['not enough data']} (the findings_min_firms and findings_min_deals settings "
        f"say how few is too few). Random tests use seed {opts.seed}. The sections after this "
        "one give the evidence; docs/findings.md gives the rules."
    )


def _line(row: dict) -> str:
    value = row.get("value_text") or "no value"
    return (
        f"Claim {row['claim']} ({row['verdict']}): {row['hypothesis'].rstrip('.')}. "
        f"Found: {value}"
        f"{'; ' + row['caveat'] if row.get('caveat') else ''}."
    ).replace("..", ".")
