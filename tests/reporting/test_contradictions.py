"""The report says one thing once (issue 13): the deals outside the period, the local-tie share
of ``bioris region summary``, the panel's stages, spin-off counts, broken rank lines,
structural holes, and no measure of a network too small to mean anything."""

from __future__ import annotations

import json
import math
import re

import networkx as nx
import polars as pl
import pytest
from typer.testing import CliRunner

from bioris.analytics.evolution import panel_structural_holes
from bioris.analytics.pipeline import NO_PIPELINE_RECORD, PANEL_STAGES, PARTNER_RUN_ONLY
from bioris.cli import app
from bioris.reporting import ReportContext
from bioris.reporting.model import Figure, Section, Table, Text
from bioris.reporting.sections import activity, business, cases, method, partners, regions
from bioris.reporting.sections.common import deal_coverage
from bioris.reporting.sections.partners import structural_holes_blocks, with_gaps, withheld
from bioris.workspace import init_store

MODULES = (activity, method, regions, partners, business)


@pytest.fixture(scope="module")
def built(bundled: ReportContext) -> dict[str, Section]:
    return {m.__name__.rsplit(".", 1)[-1]: m.build(bundled) for m in MODULES}


def _texts(section: Section) -> str:
    return " ".join(b.text for b in section.blocks if isinstance(b, Text))


def _block(section: Section, name: str) -> Figure | Table:
    return next(b for b in section.blocks if getattr(b, "name", "") == name)


# -- 1. the deals outside the period ---------------------------------------------------------


def test_both_sections_count_the_deals_outside_the_period_alike(bundled, built):
    opts = bundled.options
    cover = deal_coverage(bundled.alliances, opts.start_year, opts.end_year)
    said = {
        "activity": re.search(
            r"(\d+) deals? (?:was|were) signed in \S+; (\d+) dated deals? falls? outside the "
            r"period and (\d+) (?:is|are) undated",
            _texts(built["activity"]),
        ),
        "method": re.search(
            r"(\d+) were signed in \S+, (\d+) dated deals? falls? outside it and (\d+) "
            r"(?:is|are) undated",
            _texts(built["method"]),
        ),
    }
    expected = (str(cover.in_period), str(cover.outside), str(cover.undated))
    for section, found in said.items():
        assert found and found.groups() == expected, section
    # in + outside + undated = every deal; the layers table adds up to the same
    assert sum(map(int, expected)) == bundled.alliances.height
    layers = _block(built["method"], "study_layers").data
    assert layers["deals_in_period"].sum() == cover.in_period
    assert expected == ("155", "31", "11")


# -- 2. one local-tie share for the report and `bioris region summary` ----------------------


@pytest.fixture(scope="module")
def cli_summary(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("summary") / "bioris.sqlite"
    init_store(path)
    result = CliRunner().invoke(
        app, ["region", "summary", "--store", str(path), "--json"], env={"BIORIS_STORE": None}
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_region_summary_and_the_report_give_one_local_tie_share(bundled, built, cli_summary):
    scope = {r["location"]: r for r in cli_summary["scope"]}
    text = _texts(built["regions"])
    said = re.findall(r"(\w+): (\d+)% of (\d+) partner ties? local, (\d+)% global", text)
    assert {loc for loc, *_ in said} == set(scope) == {"Flanders", "Wallonia"}
    for location, local, ties, global_ in said:
        row = scope[location]
        assert int(ties) == row["ties"]
        assert int(local) == round(100 * row["intra_regional_share"])
        assert int(global_) == round(100 * row["global_share"])
        # a share of the pooled ties: the count over the ties, never above 1
        assert row["intra_regional_share"] == pytest.approx(row["intra_regional"] / row["ties"])
    assert "partner tie is one partner of one deal" in text
    # the report's own table is the same function's
    mine = bundled.region_summary().scope
    assert mine.select("location", "ties", "intra_regional").rows() == [
        (r["location"], r["ties"], r["intra_regional"]) for r in cli_summary["scope"]
    ]
    flanders = scope["Flanders"]
    assert (flanders["ties"], flanders["intra_regional"]) == (75, 11)


def test_the_yearly_local_buzz_adds_up_to_the_period(bundled, built):
    yearly = _block(built["regions"], "regions_tie_scope").data
    assert yearly["share"].is_between(0, 1).all()
    pooled = bundled.region_summary().scope
    periods = _block(built["regions"], "regions_tie_scope_periods").data
    for location, ties in pooled.select("location", "ties").rows():
        assert periods.filter(pl.col("location") == location)["ties"].sum() == ties


# -- 3. the stage chart: every panel firm, its own pipeline ---------------------------------


def test_the_stage_chart_counts_every_panel_firm_by_its_own_stage(bundled, built):
    figure = _block(built["business"], "bm_stage_distribution")
    data = figure.data
    opts = bundled.options
    panel = bundled.study.panel_years(opts.start_year, opts.end_year)
    panel = panel.filter(pl.col("actor_id").is_in(list(bundled.firms)))
    n = dict(panel.group_by("year").len().iter_rows())
    totals = data.group_by("year").agg(pl.col("firms").sum(), pl.col("panel_firms").first())
    for year, firms, panel_firms in totals.rows():
        assert firms == panel_firms == n[year], year
    assert set(data["stage"]) == set(PANEL_STAGES)
    title = figure.figure.layout.title.text
    assert f"{n[opts.end_year]} in {opts.end_year}" in title and "n = " in title
    end = dict(data.filter(pl.col("year") == opts.end_year).select("stage", "firms").rows())
    # most of the panel has no own late stage; no firm is 'marketed' by a partner's product
    assert end[NO_PIPELINE_RECORD] > n[opts.end_year] / 2
    assert end["marketed"] / n[opts.end_year] < 0.2
    assert PARTNER_RUN_ONLY in _texts(built["business"])


# -- 4. spin-offs are firms ------------------------------------------------------------------


def test_spinoff_counts_are_of_firms(bundled, built):
    counts = bundled.region_summary().spinoffs
    kinds = dict(bundled.actors.select("actor_id", "kind").iter_rows())
    panel = set(bundled.study.panel)
    for children in counts["child"].to_list():
        assert all(kinds[c] in {"nbf", "biotech"} or c in panel for c in children)
    found = dict(counts.select("name", "spinoffs").rows())
    # VIB's origin texts also name flanders.bio; KU Leuven's a fund, imec, its own R&D office
    # and the Rega Institute: none of them a firm (before: VIB 11, KU Leuven 8)
    assert (found["VIB"], found["KU Leuven"]) == (10, 4)
    assert "VIB (10)" in _texts(built["regions"])


# -- 5. rank lines break at the years a firm is not ranked ----------------------------------


def test_rank_lines_break_at_missing_years(built):
    figure = _block(built["partners"], "rank_trajectories").figure
    gapped = {}
    for trace in figure.data:
        assert trace.connectgaps is False
        ys = list(trace.y)  # a gap is None, or NaN once plotly holds the data in an array
        inner = [i for i, y in enumerate(ys) if _missing(y) and 0 < i < len(ys) - 1]
        if inner:
            gapped[trace.name] = [int(trace.x[i]) for i in inner]
    # Ogeda is ranked until 2005 and again from 2014: no line across 2006-2013
    assert gapped["Ogeda"] == list(range(2006, 2014))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def test_with_gaps_fills_missing_years_with_null():
    frame = pl.DataFrame(
        {"year": [2000, 2003, 2001], "actor": ["a", "a", "b"], "name": ["A", "A", "B"],
         "rank": [1, 2, 3]}
    )  # fmt: skip
    out = with_gaps(frame)
    assert out.filter(pl.col("actor") == "a").select("year", "rank").rows() == [
        (2000, 1), (2001, None), (2002, None), (2003, 2),
    ]  # fmt: skip
    assert out.filter(pl.col("actor") == "b")["rank"].to_list() == [3]


# -- 6. structural holes in the report -------------------------------------------------------


def test_the_report_shows_the_panel_structural_holes(bundled, built):
    section = built["partners"]
    last = _block(section, "panel_structural_holes_last_year").data
    year = bundled.options.end_year
    ties = bundled.ties.filter(pl.col("year") == year)
    # Burt's constraint and effective size, as networkx computes them on the same network
    graph = nx.Graph()
    graph.add_weighted_edges_from(ties.select("source", "target", "alliances").rows())
    expected = nx.constraint(graph, weight="weight")
    effective = nx.effective_size(graph, weight="weight")
    ids = dict(bundled.actors.select("name", "actor_id").iter_rows())
    assert last.height > 5 and set(last["status"]) == {"ok"}
    for name, constraint, size in last.select("name", "constraint", "effective_size").rows():
        assert constraint == pytest.approx(expected[ids[name]], abs=1e-3), name
        assert size == pytest.approx(effective[ids[name]], abs=1e-3), name
    assert last["constraint"].is_sorted()
    # the same values as the evolution section's series (one kernel)
    series = panel_structural_holes(bundled.ties, list(bundled.firms))
    assert sorted(series.filter(pl.col("year") == year)["constraint"].round(3)) == sorted(
        last["constraint"]
    )
    assert "Structural holes (Burt 1992) in 2017" in _texts(section)


# -- 7. no measure of a network of fewer than 10 actors --------------------------------------


def test_withheld_says_n():
    assert withheld(9, 10) == "withheld: n=9 < 10"
    assert withheld(10, 10) is None


def test_structural_holes_are_withheld_on_small_networks(bundled):
    shown = structural_holes_blocks(bundled)
    last = next(b for b in shown if getattr(b, "name", "") == "panel_structural_holes_last_year")
    assert last.data["constraint"].is_not_null().all()
    # the threshold is a parameter: 50 withholds the last year's network of 48 actors
    strict = structural_holes_blocks(bundled, min_nodes=50)
    last = next(b for b in strict if getattr(b, "name", "") == "panel_structural_holes_last_year")
    assert set(last.data["status"]) == {"withheld: n=48 < 50"}
    assert last.data.select("constraint", "effective_size").null_count().row(0) == (
        last.data.height,
        last.data.height,
    )
    text = next(b.text for b in strict if isinstance(b, Text))
    assert "withheld: n=48 < 50" in text


def test_case_network_ranks_are_withheld_on_small_networks(bundled):
    positions = cases._positions(bundled)
    small = positions.filter(pl.col("network_actors") < 10)
    assert small.height
    assert small.select("degree", "betweenness", "degree_rank", "betweenness_rank").null_count(
    ).row(0) == (small.height,) * 4  # fmt: skip
    assert set(small["status"]) == {f"withheld: n={n} < 10" for n in small["network_actors"]}
    assert positions.filter(pl.col("status") == "ok")["degree_rank"].is_not_null().all()
    none_withheld = cases._positions(bundled, min_nodes=0)
    assert none_withheld["degree_rank"].is_not_null().all()


def test_report_prints_no_measure_of_a_tiny_network(bundled):
    """Every case figure's data carries no rank in a small year."""
    section = cases.build(bundled)
    for block in section.blocks:
        if isinstance(block, Figure) and block.name.endswith("_position"):
            small = block.data.filter(pl.col("network_actors") < 10)
            assert small["betweenness_rank"].is_null().all(), block.name
