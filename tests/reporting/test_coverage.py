"""Coverage and limits in the method section: records per year (what the yearly figures rest
on) and the data card's known biases."""

from __future__ import annotations

import polars as pl

from bioris.reporting.model import ReportContext, Table, Text
from bioris.reporting.sections import method


def test_records_per_year_and_known_biases(bundled: ReportContext):
    section = method.build(bundled)
    per_year = next(b for b in section.blocks if getattr(b, "name", "") == "coverage_per_year")
    assert isinstance(per_year, Table)
    data = per_year.data
    opts = bundled.options
    assert data["year"].to_list() == list(range(opts.start_year, opts.end_year + 1))
    assert (data["panel_firms_with_a_deal"] <= data["panel_firms"]).all()
    in_period = bundled.alliances.filter(pl.col("year").is_between(opts.start_year, opts.end_year))
    assert data["deals"].sum() == in_period.height  # the same count as the activity section
    texts = " ".join(b.text for b in section.blocks if isinstance(b, Text))
    assert (
        "Known biases of the data (from the data card): The facts come mostly from press" in texts
    )
