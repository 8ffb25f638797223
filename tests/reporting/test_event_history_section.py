"""The report's event-history section: survival curves by region and cohort, the log-rank
test, exits as competing risks with the numbers at risk (estimators tested in
tests/analytics/test_event_history.py)."""

from __future__ import annotations

import polars as pl

from bioris.reporting.model import Figure, ReportContext, Table, Text
from bioris.reporting.sections import SECTIONS, event_history


def test_the_section_follows_the_regions_and_precedes_the_appendix():
    keys = [module.__name__.rsplit(".", 1)[-1] for module in SECTIONS]
    assert keys.index("event_history") == keys.index("regions") + 1


def test_curves_tests_and_exits_on_the_bundled_study(bundled: ReportContext):
    section = event_history.build(bundled)
    names = {b.name for b in section.blocks if isinstance(b, Figure | Table)}
    assert {"event_big_pharma_region", "event_big_pharma_cohort", "event_big_pharma_logrank",
            "event_exit_incidence", "event_exit_at_risk"} <= names  # fmt: skip
    region = next(b for b in section.blocks if getattr(b, "name", "") == "event_big_pharma_region")
    legend = {trace.name for trace in region.figure.data if trace.showlegend is not False}
    assert all("(n=" in name for name in legend)
    # a group below findings_min_firms gets a sentence, never a curve
    texts = " ".join(b.text for b in section.blocks if isinstance(b, Text))
    assert "not enough data" in texts
    at_risk = next(b for b in section.blocks if getattr(b, "name", "") == "event_exit_at_risk")
    counts = at_risk.data["at_risk"].to_list()
    by_region = region.data.group_by("group").agg(pl.col("n_firms").first())
    assert counts[0] == int(by_region["n_firms"].fill_null(0).sum())  # every dated panel firm
    assert counts == sorted(counts, reverse=True)
