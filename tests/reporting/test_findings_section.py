"""The report opens with its findings: an abstract, one line per claim, the findings table,
and the evidence tables whose CSV names the table's source_table column gives (the claims
are tested in tests/analytics/test_findings.py and tests/study/test_findings.py)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from bioris.reporting.model import ReportContext, Table, Text
from bioris.reporting.render import write_report
from bioris.reporting.sections import SECTIONS, findings


def test_findings_come_first():
    assert SECTIONS[0] is findings


def test_a_row_per_claim_with_a_verdict_and_n_traceable_to_csv(
    bundled: ReportContext, tmp_path: Path
):
    section = findings.build(bundled)
    table = next(b for b in section.blocks if isinstance(b, Table) and b.name == "findings")
    assert table.data["claim"].to_list() == list(range(1, 9))
    assert set(table.data["verdict"]) <= {"supported", "not supported", "not enough data"}
    assert table.data["n"].is_not_null().all()
    abstract = next(b for b in section.blocks if isinstance(b, Text)).text
    assert "Of 8 claims, the data support" in abstract
    write_report([section], bundled.options, tmp_path / "r.html", tmp_path / "data")
    written = {p.name for p in (tmp_path / "data").iterdir()}
    for sources in table.data["source_table"].drop_nulls():
        for name in sources.split("; "):
            assert name in written, name
    again = pl.read_csv(tmp_path / "data" / "findings.csv")
    assert again["verdict"].to_list() == table.data["verdict"].to_list()
