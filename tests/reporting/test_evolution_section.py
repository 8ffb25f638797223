"""The report's network-evolution section (measures tested in tests/analytics/test_evolution.py
against networkx and grown Barabasi-Albert / Erdos-Renyi networks)."""

from __future__ import annotations

import polars as pl

from bioris.reporting.model import Figure, ReportContext, Table, Text
from bioris.reporting.sections import evolution


def test_cohesion_degrees_attachment_and_holes_on_the_bundled_study(bundled: ReportContext):
    section = evolution.build(bundled)
    names = {b.name for b in section.blocks if isinstance(b, Figure | Table)}
    assert {"evolution_cohesion", "evolution_degree_distributions",
            "evolution_attachment_kernel", "evolution_structural_holes",
            "evolution_years"} <= names  # fmt: skip
    text = " ".join(b.text for b in section.blocks if isinstance(b, Text))
    assert "alpha = " in text and "bootstrap interval" in text and "new ties" in text


def test_small_years_are_withheld_not_computed(bundled: ReportContext):
    section = evolution.build(bundled)
    years = next(b for b in section.blocks if getattr(b, "name", "") == "evolution_years").data
    small = years.filter((pl.col("network") == "whole") & (pl.col("actors") < 10))
    assert small.height and small["density"].is_null().all()
    assert small["status"].str.starts_with("withheld: n=").all()


def test_structural_holes_of_small_years_are_withheld(bundled: ReportContext):
    section = evolution.build(bundled)
    firms = next(
        b for b in section.blocks if getattr(b, "name", "") == "evolution_structural_holes_firms"
    ).data
    small = firms.filter(pl.col("status") != "ok")
    assert small.height and small["constraint"].is_null().all()
    assert small["status"].str.starts_with("withheld: n=").all()
    summary = next(
        b for b in section.blocks if getattr(b, "name", "") == "evolution_structural_holes"
    )
    assert set(summary.data["year"]) <= set(firms.filter(pl.col("status") == "ok")["year"])
