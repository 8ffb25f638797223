"""Actor-year centrality checked against networkx (an independent implementation)."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import polars as pl
import pytest
from scipy.stats import spearmanr

from bioris.analytics.centrality import (
    BetweennessSampling,
    betweenness_estimate,
    centrality,
    sampled_harmonic,
)


def ties_of(graph: nx.Graph, year: int = 2000) -> pl.DataFrame:
    rows = [
        (year, str(min(a, b)), str(max(a, b)), int(d.get("weight", 1)))
        for a, b, d in graph.edges(data=True)
    ]
    return pl.DataFrame(
        rows, schema={"year": pl.Int32, "source": pl.String, "target": pl.String,
                      "alliances": pl.Int64}, orient="row",
    )  # fmt: skip


def by_actor(frame: pl.DataFrame, column: str) -> dict[str, float]:
    return dict(zip(frame["actor"], frame[column], strict=True))


def connected_graph(seed: int, n: int = 40, p: float = 0.12) -> nx.Graph:
    graph = nx.gnp_random_graph(n, p, seed=seed)
    graph = graph.subgraph(max(nx.connected_components(graph), key=len)).copy()
    rng = np.random.default_rng(seed)
    for a, b in graph.edges():
        graph[a][b]["weight"] = int(rng.integers(1, 4))
    return graph


@pytest.mark.parametrize("seed", range(5))
def test_measures_match_networkx(seed: int):
    graph = connected_graph(seed)
    result = centrality(ties_of(graph))
    expected = {
        "degree": dict(graph.degree()),
        "strength": dict(graph.degree(weight="weight")),
        "betweenness": nx.betweenness_centrality(graph, normalized=True),
        "eigenvector": nx.eigenvector_centrality_numpy(graph),
        "harmonic_closeness": {
            k: v / (graph.number_of_nodes() - 1) for k, v in nx.harmonic_centrality(graph).items()
        },
        "clustering": nx.clustering(graph),
        "kcore": nx.core_number(graph),
    }
    for measure, reference in expected.items():
        got = by_actor(result, measure)
        for node, value in reference.items():
            assert got[str(node)] == pytest.approx(abs(value), abs=1e-7), (measure, node)


def test_disconnected_graph_harmonic_and_betweenness_match_networkx():
    graph = nx.disjoint_union(nx.path_graph(4), nx.star_graph(3))
    result = centrality(ties_of(graph), measures=("betweenness", "harmonic_closeness"))
    n = graph.number_of_nodes()
    harmonic = nx.harmonic_centrality(graph)
    betweenness = nx.betweenness_centrality(graph)
    for node in graph:
        row = result.filter(pl.col("actor") == str(node))
        assert row["harmonic_closeness"].item() == pytest.approx(harmonic[node] / (n - 1))
        assert row["betweenness"].item() == pytest.approx(betweenness[node])


def test_sampled_betweenness_estimates_the_exact_value():
    graph = nx.barabasi_albert_graph(600, 2, seed=3)
    ties = ties_of(graph)
    exact = centrality(ties, measures=("betweenness",))["betweenness"].to_numpy()
    sampled = centrality(
        ties, measures=("betweenness",), betweenness_sampling=BetweennessSampling(300, seed=1)
    )["betweenness"].to_numpy()
    top = np.argsort(exact)[-20:]
    assert np.corrcoef(exact, sampled)[0, 1] > 0.97
    assert np.median(np.abs(sampled[top] - exact[top]) / exact[top]) < 0.15


def test_sampling_is_reproducible():
    ties = ties_of(nx.barabasi_albert_graph(300, 2, seed=1))
    sampling = BetweennessSampling(50, seed=7)
    first = centrality(ties, measures=("betweenness",), betweenness_sampling=sampling)
    assert first.equals(centrality(ties, measures=("betweenness",), betweenness_sampling=sampling))


def test_one_row_per_actor_year_and_empty_input():
    ties = pl.concat([ties_of(nx.path_graph(3), 2000), ties_of(nx.path_graph(4), 2001)])
    result = centrality(ties, measures=("degree",))
    assert result.select("year", "actor").is_unique().all()
    assert result.group_by("year").len().sort("year")["len"].to_list() == [3, 4]
    empty = centrality(ties.head(0), measures=("degree",))
    assert empty.columns == ["year", "actor", "degree"] and empty.height == 0


# --- sampled shortest-path measures (harmonic closeness, betweenness's standard error) -------


def _ba_graph(n: int = 300, seed: int = 3) -> tuple[ig.Graph, nx.Graph]:
    graph = nx.barabasi_albert_graph(n, 2, seed=seed)
    return ig.Graph(n=n, edges=list(graph.edges)), graph


def test_sampled_harmonic_with_every_actor_as_pivot_is_networkx_harmonic() -> None:
    # Eppstein & Wang's estimator with all n pivots is the exact measure (networkx's
    # harmonic_centrality, divided by n - 1 as bioris normalises it)
    g, graph = _ba_graph()
    n = g.vcount()
    estimate = sampled_harmonic(g, BetweennessSampling(sources=n, seed=0), 2000)
    expected = nx.harmonic_centrality(graph)
    np.testing.assert_allclose(estimate, [expected[v] / (n - 1) for v in range(n)], rtol=1e-12)


def test_sampled_harmonic_is_close_to_the_exact_measure() -> None:
    g, graph = _ba_graph(600)
    n = g.vcount()
    estimate = sampled_harmonic(g, BetweennessSampling(sources=150, seed=1), 2000)
    exact = np.array([nx.harmonic_centrality(graph)[v] / (n - 1) for v in range(n)])
    top = np.argsort(-exact)[:50]
    assert np.median(np.abs(estimate[top] - exact[top]) / exact[top]) < 0.05
    assert spearmanr(estimate, exact).statistic > 0.95


def test_sampled_betweenness_states_a_standard_error_that_covers_the_exact_values() -> None:
    # the estimate is Brandes & Pich's from all sampled sources; its batch standard error
    # should cover networkx's exact betweenness within 3 SE for nearly all top actors
    g, graph = _ba_graph(800, seed=5)
    sampling = BetweennessSampling(sources=200, seed=2)
    result = betweenness_estimate(g, 2001, sampling)
    assert result.sources == 200 and 0 < result.relative_se < 0.5
    exact = nx.betweenness_centrality(graph)
    exact = np.array([exact[v] for v in range(g.vcount())])
    top = np.argsort(-exact)[:100]
    error = np.abs(result.values[top] - exact[top]) / exact[top]
    assert np.median(error) < 3 * result.relative_se
    sources = np.random.default_rng([2, 2001]).choice(g.vcount(), size=200, replace=False)
    n = g.vcount()
    single = np.asarray(g.betweenness(sources=sources.tolist(), targets=None)) * (n / 200)
    np.testing.assert_allclose(result.values, single * 2 / ((n - 1) * (n - 2)), rtol=1e-9)
    assert betweenness_estimate(g, 2001, BetweennessSampling(200, 2, 1000)).sources is None
