"""Network evolution: size and cohesion per year, degree distributions, preferential attachment,
the panel's structural holes over time and the small-network guard.

Checked against networkx (density, components, giant-component share, mean degree, ego
networks, degree histograms on seeded G(n, p) graphs), against networks grown with a known
attachment rule (igraph's Barabási-Albert generator, alpha = 1; a growing Erdős–Rényi graph,
alpha = 0), against :func:`~bioris.analytics.constraint` and the longitudinal job (structural
holes), hand-worked attachment counts, and the bundled Belgian study.
"""

from __future__ import annotations

import doctest
import importlib
import math
import random
from collections.abc import Iterator
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import polars as pl
import pytest

from bioris.analytics import JobOptions, actor_year_metrics, constraint, year_metrics
from bioris.analytics.evolution import (
    attachment_events,
    degree_distribution,
    network_evolution,
    panel_structural_holes,
    period_blocks,
    preferential_attachment,
    structural_holes_summary,
)
from bioris.analytics.structure import WITHHELD_WHEN_SMALL, network_structure
from bioris.analytics.tables import actors_frame
from bioris.domain import Actor, ActorKind
from bioris.study import Study
from bioris.study import evolution as study_evolution
from bioris.workspace import init_store
from tests.analytics.test_centrality import ties_of

SCHEMA = {"year": pl.Int32, "source": pl.String, "target": pl.String}


def _rows(rows: list[tuple[int, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SCHEMA, orient="row").with_columns(
        pl.lit(1, dtype=pl.Int64).alias("alliances")
    )


def _yearly_gnp(seed: int, years: range = range(2000, 2004)) -> tuple[pl.DataFrame, dict]:
    """Ties of one seeded G(n, p) per year (isolates dropped: a tie table has none)."""
    graphs, frames = {}, []
    for year in years:
        graph = nx.gnp_random_graph(40, 0.06, seed=seed * 100 + year)
        graph.remove_nodes_from(list(nx.isolates(graph)))
        graphs[year] = nx.relabel_nodes(graph, lambda v: f"v{v:02d}")
        frames.append(ties_of(graphs[year], year))
    return pl.concat(frames), graphs


# -- size and cohesion per year ----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_cohesion_per_year_matches_networkx(seed: int):
    ties, graphs = _yearly_gnp(seed)
    result = network_evolution(ties, min_nodes=0)
    assert result["network"].unique().to_list() == ["whole"]
    for row in result.iter_rows(named=True):
        graph = graphs[row["year"]]
        giant = max(nx.connected_components(graph), key=len)
        assert row["actors"] == graph.number_of_nodes()
        assert row["ties"] == graph.number_of_edges()
        assert row["density"] == pytest.approx(nx.density(graph))
        assert row["components"] == nx.number_connected_components(graph)
        assert row["largest_component_share"] == pytest.approx(len(giant) / len(graph))
        assert row["mean_degree"] == pytest.approx(np.mean([d for _, d in graph.degree()]))
        assert row["status"] == "ok" and row["panel_firms"] is None


@pytest.mark.parametrize("seed", range(3))
def test_panel_ego_networks_match_networkx(seed: int):
    ties, graphs = _yearly_gnp(seed)
    panel = ["v01", "v05", "v17", "v33", "absent"]
    result = network_evolution(ties, panel=panel, min_nodes=0).filter(
        pl.col("network") == "panel ego"
    )
    for row in result.iter_rows(named=True):
        graph = graphs[row["year"]]
        present = [p for p in panel if p in graph]
        # the union of the ego networks: the firms, their partners, every tie among them
        ego = graph.subgraph(set(present).union(*(graph[p] for p in present)))
        assert row["panel_firms"] == len(present)
        assert row["actors"] == ego.number_of_nodes()
        assert row["ties"] == ego.number_of_edges()
        assert row["components"] == nx.number_connected_components(ego)
        assert row["density"] == pytest.approx(nx.density(ego))


def test_panel_by_year_and_missing_years():
    ties = _rows([(2000, "a", "b"), (2000, "c", "d"), (2002, "a", "c")])
    panel_years = pl.DataFrame({"actor_id": ["a", "c"], "year": [2000, 2002]})
    result = network_evolution(ties, panel=panel_years, years=range(2000, 2003), min_nodes=0)
    ego = {r["year"]: r for r in result.filter(pl.col("network") == "panel ego").iter_rows(
        named=True)}  # fmt: skip
    # 2000: only a is in the panel (ego a-b); 2001 has no ties; 2002: c (ego a-c)
    assert (ego[2000]["actors"], ego[2000]["ties"], ego[2000]["panel_firms"]) == (2, 1, 1)
    assert (ego[2001]["actors"], ego[2001]["ties"], ego[2001]["components"]) == (0, 0, 0)
    assert (ego[2002]["actors"], ego[2002]["panel_firms"]) == (2, 1)
    guarded = network_evolution(ties, panel=panel_years, years=range(2000, 2003))
    assert guarded.filter(pl.col("year") == 2001)["status"].unique().to_list() == [
        "withheld: n=0 < 10"
    ]


# -- the small-network guard ---------------------------------------------------------------


def test_small_networks_are_withheld_with_their_n():
    nine = nx.relabel_nodes(nx.cycle_graph(9), str)
    ten = nx.relabel_nodes(nx.cycle_graph(10), str)
    ties = pl.concat([ties_of(nine, 2000), ties_of(ten, 2001)])
    rows = {r["year"]: r for r in network_evolution(ties).iter_rows(named=True)}
    assert rows[2000]["status"] == "withheld: n=9 < 10"
    assert rows[2000]["density"] is None and rows[2000]["mean_degree"] is None
    assert (rows[2000]["actors"], rows[2000]["ties"], rows[2000]["components"]) == (9, 9, 1)
    assert rows[2001]["status"] == "ok" and rows[2001]["density"] == pytest.approx(2 / 9)
    assert network_evolution(ties, min_nodes=9)["status"].to_list() == ["ok", "ok"]


def test_small_world_sigma_on_nine_nodes_is_never_a_number():
    # a ring lattice with shortcuts has a finite sigma once it has enough actors
    nine = nx.relabel_nodes(nx.connected_watts_strogatz_graph(9, 4, 0.2, seed=1), str)
    big = nx.relabel_nodes(nx.connected_watts_strogatz_graph(60, 4, 0.1, seed=1), str)
    ties = pl.concat([ties_of(nine, 2000), ties_of(big, 2001)])
    guarded = network_structure(ties, random_graphs=3, min_nodes=10)
    small = guarded.row(0, named=True)
    assert small["status"] == "withheld: n=9 < 10"
    assert all(small[c] is None for c in WITHHELD_WHEN_SMALL)
    assert (small["actors"], small["ties"]) == (9, nine.number_of_edges())
    assert math.isfinite(guarded.row(1, named=True)["small_world_sigma"])
    # without the guard the kernel computes it; with it, the big year is unchanged
    assert math.isfinite(network_structure(ties, random_graphs=3)["small_world_sigma"][0])
    assert guarded.row(1) == network_structure(ties, random_graphs=3).row(1)
    # the year measures (CLI, report) use the guard by default, geography included
    actors = actors_frame([Actor(a, a, ActorKind.NBF, "BE") for a in map(str, range(60))])
    years = year_metrics(ties, actors, options=JobOptions(random_graphs=3))
    first = years.row(0, named=True)
    assert first["small_world_sigma"] is None and first["intra_regional_share"] is None
    assert years.columns[-1] == "status" and years["status"].to_list()[1] == "ok"


# -- degree distributions ------------------------------------------------------------------


def test_period_blocks():
    assert period_blocks(1987, 2017) == [(1987, 1991), (1992, 1996), (1997, 2001), (2002, 2006),
                                         (2007, 2011), (2012, 2017)]  # fmt: skip
    assert period_blocks(2000, 2012) == [(2000, 2004), (2005, 2009), (2010, 2012)]
    assert period_blocks(2000, 2002) == [(2000, 2002)]
    assert period_blocks(2000, 2005, 1)[-1] == (2005, 2005)


@pytest.mark.parametrize("seed", range(3))
def test_degree_distribution_matches_networkx(seed: int):
    ties, graphs = _yearly_gnp(seed, range(2000, 2006))
    result = degree_distribution(ties, period_years=3)
    assert result["period"].unique(maintain_order=True).to_list() == ["2000-2002", "2003-2005"]
    for lo in (2000, 2003):
        union = nx.compose_all([graphs[y] for y in range(lo, lo + 3)])
        part = result.filter(pl.col("period_start") == lo)
        histogram = nx.degree_histogram(union)
        expected = {k: c for k, c in enumerate(histogram) if c}
        assert dict(part.select("degree", "count").iter_rows()) == expected
        assert part["actors"].unique().to_list() == [union.number_of_nodes()]
        degrees = np.array([d for _, d in union.degree()])
        for k, ccdf in part.select("degree", "ccdf").iter_rows():
            assert ccdf == pytest.approx((degrees >= k).mean())


# -- preferential attachment -----------------------------------------------------------------


def test_attachment_events_by_hand():
    ties = _rows([
        (2000, "a", "b"), (2000, "a", "c"),
        # 2001: a-d is new (a had 2 partners, d none), b-c is new (1 partner each)
        (2001, "a", "b"), (2001, "a", "c"), (2001, "a", "d"), (2001, "b", "c"),
        # 2002: a-b lapsed; 2003: a-b again is a new tie (a: 2 partners in 2002, b: 1).
        # At risk: 2001 b, c (k=1), a (k=2); 2002 d (1), b, c (2), a (3); 2003 b, d (1), a, c (2)
        (2002, "a", "c"), (2002, "a", "d"), (2002, "b", "c"),
        (2003, "a", "b"), (2003, "a", "c"),
    ])  # fmt: skip
    events = {(y, k): (n, r) for y, k, n, r in attachment_events(ties).iter_rows()}
    assert events == {
        (2001, 0): (1, None), (2001, 1): (2, 2), (2001, 2): (1, 1),
        (2002, 1): (0, 1), (2002, 2): (0, 2), (2002, 3): (0, 1),
        (2003, 1): (1, 2), (2003, 2): (1, 2),
    }  # fmt: skip
    result = preferential_attachment(ties, resamples=0)
    kernel = {k: (n, r, a) for k, n, r, a in result.kernel.iter_rows()}
    assert kernel[0] == (1, None, None)
    assert kernel[1] == (3, 5, pytest.approx(3 / 5))  # 2 + 0 + 1 new, 2 + 1 + 2 at risk
    assert kernel[2] == (2, 5, pytest.approx(2 / 5))  # 1 + 0 + 1 new, 1 + 2 + 2 at risk
    assert kernel[3] == (0, 1, pytest.approx(0.0))
    fit = result.fit.row(0, named=True)
    assert fit["n_ties"] == 3 and fit["n_attachments"] == 5 and fit["ci_low"] is None


def _cumulative(edges: list[tuple[int, int, int]], years: int) -> pl.DataFrame:
    """(year formed, u, v) -> a tie table in which ties never end (cumulative policy)."""
    rows = [(y, f"v{min(u, v):05d}", f"v{max(u, v):05d}")
            for born, u, v in edges for y in range(born, years)]  # fmt: skip
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def barabasi_albert_growth(seed: int, years: int = 15, per_year: int = 60) -> pl.DataFrame:
    """igraph's Barabási-Albert model grown year by year (``start_from``): each new actor
    ties to 2 earlier actors with probability proportional to degree + 0.01 (a near-zero
    appeal of degree 0, so the kernel is linear, alpha = 1)."""
    ig.set_random_number_generator(random.Random(seed))
    try:
        graph = ig.Graph.Barabasi(per_year, 2, zero_appeal=0.01)
        born = [0] * per_year
        for year in range(1, years):
            graph = ig.Graph.Barabasi(
                graph.vcount() + per_year, 2, zero_appeal=0.01, start_from=graph
            )
            born += [year] * per_year
    finally:
        ig.set_random_number_generator(random)
    edges = [(max(born[u], born[v]), u, v) for u, v in graph.get_edgelist()]
    return _cumulative(edges, years)


def random_growth(seed: int, years: int = 15, per_year: int = 60) -> pl.DataFrame:
    """A growing Erdős–Rényi graph: each year 60 actors join and 120 ties form between
    uniformly drawn pairs of all actors so far (no preference for degree, alpha = 0)."""
    rng = np.random.default_rng(seed)
    n, formed, edges = 0, set(), []
    for year in range(years):
        n += per_year
        while len(formed) < 2 * per_year * (year + 1):
            u, v = sorted(rng.integers(0, n, size=2).tolist())
            if u != v and (u, v) not in formed:
                formed.add((u, v))
                edges.append((year, u, v))
    return _cumulative(edges, years)


@pytest.mark.parametrize("seed", range(3))
def test_barabasi_albert_growth_gives_linear_attachment(seed: int):
    fit = preferential_attachment(barabasi_albert_growth(seed), seed=seed).fit.row(0, named=True)
    assert fit["alpha"] == pytest.approx(1.0, abs=0.1)
    assert fit["ci_low"] <= 1.0 <= fit["ci_high"]
    assert fit["ci_low"] > 0.5  # clearly not random attachment
    assert fit["n_ties"] == 14 * 60 * 2 and fit["status"] == "ok"


@pytest.mark.parametrize("seed", range(3))
def test_random_growth_gives_no_attachment(seed: int):
    fit = preferential_attachment(random_growth(seed), seed=seed).fit.row(0, named=True)
    assert fit["alpha"] == pytest.approx(0.0, abs=0.1)
    assert fit["ci_high"] < 0.5  # clearly not preferential


def test_attachment_is_seeded():
    ties = random_growth(0, years=8)
    first = preferential_attachment(ties, resamples=300, seed=5)
    assert first.fit.equals(preferential_attachment(ties, resamples=300, seed=5).fit)
    other = preferential_attachment(ties, resamples=300, seed=6).fit
    assert other["alpha"].item() == first.fit["alpha"].item()
    assert other["ci_low"].item() != first.fit["ci_low"].item()


def test_attachment_without_enough_degrees_says_so():
    fit = preferential_attachment(_rows([(2000, "a", "b"), (2001, "c", "d")])).fit
    row = fit.row(0, named=True)
    assert row["alpha"] is None and row["status"].startswith("too few degree bins")


# -- structural holes over time --------------------------------------------------------------


@pytest.mark.parametrize("weight", ["alliances", None])
def test_panel_structural_holes_equal_constraint_per_year(weight: str | None):
    ties, _ = _yearly_gnp(7)
    ties = ties.with_columns((1 + pl.col("source").str.len_chars() % 3).alias("alliances"))
    panel = ["v01", "v05", "v17", "v33"]
    holes = panel_structural_holes(ties, panel, weight=weight)
    assert holes.columns == ["actor", "year", "constraint", "effective_size", "degree"]
    for (year,), part in ties.partition_by("year", as_dict=True).items():
        edges = part.select("source", "target", "alliances")
        expected = constraint(edges, weight=weight).filter(pl.col("actor").is_in(panel))
        got = holes.filter(pl.col("year") == year).drop("year").sort("actor")
        assert got["actor"].to_list() == expected["actor"].to_list()
        assert np.allclose(got["constraint"], expected["constraint"])
        assert np.allclose(got["effective_size"], expected["effective_size"])
    job = actor_year_metrics(ties, options=JobOptions(brokerage=False, core_periphery=False))
    joined = holes.join(job, on=["actor", "year"], suffix="_job")
    assert joined.height == holes.height
    if weight == "alliances":  # the job weights by alliances
        assert np.allclose(joined["constraint"], joined["constraint_job"])
        assert np.allclose(joined["effective_size"], joined["effective_size_job"])
    assert (joined["degree"] == joined["degree_job"].cast(pl.Int64)).all()


def test_structural_holes_by_hand_and_summary():
    # hub of a star with three leaves: C = 1/3, ES = 3 (Burt 1992; test_structural_holes)
    star = _rows([(2000, "hub", "a"), (2000, "hub", "b"), (2000, "hub", "c"),
                  (2001, "hub", "a"), (2001, "a", "b")])  # fmt: skip
    holes = panel_structural_holes(star, ["hub", "a", "b"], weight=None)
    rows = {(r[0], r[1]): r[2:] for r in holes.iter_rows()}
    assert rows[("hub", 2000)] == pytest.approx((1 / 3, 3.0, 3))
    assert rows[("a", 2000)] == pytest.approx((1.0, 1.0, 1))
    summary = structural_holes_summary(holes).row(0, named=True)
    values = np.array([1 / 3, 1.0, 1.0])  # hub, a, b in 2000
    assert summary["firms"] == 3
    assert summary["constraint_median"] == pytest.approx(np.median(values))
    assert summary["constraint_q1"] == pytest.approx(np.quantile(values, 0.25))
    assert summary["effective_size_q3"] == pytest.approx(np.quantile([3.0, 1.0, 1.0], 0.75))


def test_docstring_examples_run():
    for name in ("bioris.analytics.evolution", "bioris.analytics.structure"):
        assert doctest.testmod(importlib.import_module(name)).failed == 0


# -- the bundled Belgian study ---------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Study]:
    path: Path
    path, _ = init_store(tmp_path_factory.mktemp("bundled") / "bioris.sqlite")
    with Study.open(path) as study:
        yield study


def test_bundled_study_gives_finite_values(bundled: Study):
    first, last = bundled.period
    years = study_evolution.evolution(bundled)
    assert years["year"].unique().sort().to_list() == list(range(first, last + 1))
    measured = years.filter(pl.col("status") == "ok")
    assert measured.height > 0 and measured["panel_firms"].min() > 0
    for column in ("density", "largest_component_share", "mean_degree"):
        assert measured[column].is_finite().all(), column
    assert years.filter(pl.col("status") != "ok")["density"].null_count() == years.filter(
        pl.col("status") != "ok").height  # fmt: skip
    degrees = study_evolution.degree_distributions(bundled)
    assert degrees.height > 0 and degrees["ccdf"].is_between(0, 1, closed="right").all()
    assert (degrees.group_by("period").agg(pl.col("ccdf").max())["ccdf"] == 1.0).all()
    fit = study_evolution.attachment(bundled, resamples=500).fit.row(0, named=True)
    assert all(math.isfinite(fit[c]) for c in ("alpha", "ci_low", "ci_high"))
    assert fit["ci_low"] <= fit["alpha"] <= fit["ci_high"] and fit["n_ties"] > 0
    holes = study_evolution.structural_holes(bundled)
    assert holes.firms.height > 0 and set(holes.firms["actor"]) <= set(bundled.panel)
    assert holes.firms["constraint"].is_finite().all()
    assert holes.summary["constraint_median"].is_finite().all()
    # no firm is measured after its exit year
    exits = dict(bundled.exits.select("actor_id", "exit_year").iter_rows())
    late = holes.firms.filter(pl.col("year") > pl.col("actor").replace_strict(
        exits, default=9999, return_dtype=pl.Int64))  # fmt: skip
    assert late.height == 0


def test_bundled_study_never_prints_sigma_of_a_small_year(bundled: Study):
    years = bundled.network_metrics(level="year")
    small = years.filter(pl.col("actors") < 10)
    assert small.height > 0  # the 1990s network has a handful of actors
    assert small["small_world_sigma"].null_count() == small.height
    assert small["status"].str.starts_with("withheld: n=").all()
