"""Year-level structure and geography checked against networkx and hand-worked cases."""

from __future__ import annotations

import random

import igraph as ig
import networkx as nx
import polars as pl
import pytest

from bioris.analytics.geography import tie_geography
from bioris.analytics.structure import PathSampling, _average_path, network_structure
from bioris.analytics.tables import actors_frame
from bioris.domain import Actor, ActorKind, Region, StudyDefinition
from tests.analytics.test_centrality import ties_of

BELGIUM = StudyDefinition(
    name="two regions", regions=(Region("Flanders", ("BE",)), Region("Wallonia", ("BE",)))
)


@pytest.mark.parametrize("seed", range(4))
def test_structure_matches_networkx(seed: int):
    graph = nx.gnp_random_graph(60, 0.05, seed=seed)
    graph.remove_nodes_from(list(nx.isolates(graph)))
    row = network_structure(ties_of(graph), random_graphs=0).row(0, named=True)
    giant = graph.subgraph(max(nx.connected_components(graph), key=len))
    assert row["actors"] == graph.number_of_nodes()
    assert row["ties"] == graph.number_of_edges()
    assert row["density"] == pytest.approx(nx.density(graph))
    assert row["components"] == nx.number_connected_components(graph)
    assert row["largest_component_share"] == pytest.approx(len(giant) / len(graph))
    assert row["average_clustering"] == pytest.approx(nx.average_clustering(graph))
    assert row["average_path_length"] == pytest.approx(nx.average_shortest_path_length(giant))


@pytest.mark.parametrize(
    ("graph", "expected"),
    [(nx.star_graph(5), 1.0), (nx.cycle_graph(6), 0.0), (nx.path_graph(4), 1 / 3)],
    ids=["star", "cycle", "path"],
)
def test_degree_centralisation_hand_worked(graph, expected):
    # Freeman: sum(max - d_i) / ((n-1)(n-2)); path of 4: (0+1+1+0)/(3*2) = 1/3
    row = network_structure(ties_of(graph), random_graphs=0).row(0, named=True)
    assert row["degree_centralisation"] == pytest.approx(expected)


def test_small_world_is_seeded_and_high_for_a_lattice_with_shortcuts():
    graph = nx.connected_watts_strogatz_graph(200, 8, 0.05, seed=2)
    ties = ties_of(graph)
    first = network_structure(ties, random_graphs=5, seed=11)
    assert first.equals(network_structure(ties, random_graphs=5, seed=11))
    assert first["small_world_sigma"].item() > 3


def test_sampled_path_length_is_close():
    graph = nx.connected_watts_strogatz_graph(500, 6, 0.1, seed=1)
    exact = network_structure(ties_of(graph), random_graphs=0)["average_path_length"].item()
    sampled = network_structure(
        ties_of(graph), random_graphs=0, path_sampling=PathSampling(100, seed=3)
    )["average_path_length"].item()
    assert sampled == pytest.approx(exact, rel=0.03)


def _actors(
    kinds: dict[str, tuple[str | None, str | None, str]], study: StudyDefinition = BELGIUM
) -> pl.DataFrame:
    """actor -> (country, region, kind), placed by ``study``."""
    return actors_frame([Actor(a, a, ActorKind(k), c, r) for a, (c, r, k) in kinds.items()], study)


def _ties(pairs: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"year": [2000] * len(pairs), "source": [s for s, _ in pairs],
         "target": [t for _, t in pairs]},
        schema_overrides={"year": pl.Int32},
    )  # fmt: skip


def test_geography_hand_worked():
    # ties: a-b (Flanders-Flanders), a-c (Flanders-Wallonia), c-d (Wallonia-US)
    actors = _actors({
        "a": ("BE", "Flanders", "nbf"), "b": ("BE", "Flanders", "pharma"),
        "c": ("BE", "Wallonia", "nbf"), "d": ("US", None, "pharma"),
    })  # fmt: skip
    row = tie_geography(_ties([("a", "b"), ("a", "c"), ("c", "d")]), actors).row(0, named=True)
    assert row["intra_regional_share"] == pytest.approx(1 / 3)
    # both ends in the study's focal regions: a-b and a-c
    assert row["study_area_share"] == pytest.approx(2 / 3)
    assert row["international_share"] == pytest.approx(1 / 3)
    assert row["ei_index_location"] == pytest.approx((2 - 1) / 3)
    # Wallonia declared but not focal: only a-b is inside the study area
    flanders = StudyDefinition(
        name="one focal region",
        regions=(Region("Flanders", ("BE",)), Region("Wallonia", ("BE",), focal=False)),
    )
    actors = _actors({a: (c, r, k) for a, c, r, k in actors.select(
        "actor_id", "country", "region", "kind").iter_rows()}, flanders)  # fmt: skip
    row = tie_geography(_ties([("a", "b"), ("a", "c"), ("c", "d")]), actors).row(0, named=True)
    assert row["study_area_share"] == pytest.approx(1 / 3)
    assert row["intra_regional_share"] == pytest.approx(1 / 3)


def test_geography_of_a_cross_border_region():
    # Medicon Valley spans DK-84 (Copenhagen) and SE-M (Skåne): a Copenhagen-Lund tie is
    # intra-regional and inside the study area, not international; Copenhagen-Munich is
    # international; Lund-Stockholm (SE-AB, not declared) is national but not regional
    medicon = StudyDefinition(
        name="Medicon Valley", regions=(Region("Medicon Valley", ("DK", "SE"), ("DK-84", "SE-M")),)
    )
    actors = _actors({
        "cph": (None, "DK-84", "nbf"), "lund": (None, "SE-M", "university"),
        "muc": ("DE", None, "pharma"), "sto": ("SE", "SE-AB", "biotech"),
    }, medicon)  # fmt: skip
    assert actors.select("location").to_series().to_list() == [
        "Medicon Valley", "Medicon Valley", "DE", "SE"]  # fmt: skip
    ties = _ties([("cph", "lund"), ("cph", "muc"), ("lund", "sto")])
    row = tie_geography(ties, actors).row(0, named=True)
    assert row["intra_regional_share"] == pytest.approx(1 / 3)
    assert row["study_area_share"] == pytest.approx(1 / 3)
    assert row["international_share"] == pytest.approx(1 / 3)


@pytest.mark.parametrize("seed", range(3))
def test_assortativity_matches_networkx(seed: int):
    graph = nx.gnp_random_graph(50, 0.1, seed=seed)
    graph.remove_nodes_from(list(nx.isolates(graph)))
    kinds = {n: ("nbf", "pharma", "university")[n % 3] for n in graph}
    places = {n: ("Flanders", "Wallonia")[(n // 3) % 2] for n in graph}
    nx.set_node_attributes(graph, kinds, "kind")
    nx.set_node_attributes(graph, places, "place")
    actors = _actors({str(n): ("BE", places[n], kinds[n]) for n in graph})
    row = tie_geography(ties_of(graph), actors).row(0, named=True)
    assert row["assortativity_kind"] == pytest.approx(
        nx.attribute_assortativity_coefficient(graph, "kind")
    )
    assert row["assortativity_location"] == pytest.approx(
        nx.attribute_assortativity_coefficient(graph, "place")
    )


def test_adaptive_path_sampling_reaches_its_standard_error() -> None:
    # batches of sampled sources until the relative standard error is at most 0.5 %: the
    # estimate is then within a few standard errors of the exact mean (igraph, all pairs)
    ig.set_random_number_generator(random.Random(7))
    graph = ig.Graph.Barabasi(2500, 2)
    ig.set_random_number_generator(random)
    exact = graph.average_path_length(directed=False)
    sampling = PathSampling(100, seed=3, exact_max_actors=1000, relative_se=0.005)
    estimate = _average_path(graph, sampling, 2000)
    assert abs(estimate - exact) / exact < 0.02
    once = _average_path(graph, PathSampling(100, seed=3), 2000)
    assert once != estimate  # without a target, one batch only
    assert _average_path(graph, PathSampling(100, 3, exact_max_actors=3000), 2000) == exact
