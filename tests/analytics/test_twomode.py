"""Two-mode projections checked against networkx's bipartite projections."""

from __future__ import annotations

import networkx as nx
import numpy as np
import polars as pl
import pytest
from networkx.algorithms import bipartite

from bioris.analytics.twomode import incidence, projection


def random_parties(seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for deal in range(40):
        size = int(rng.choice([2, 2, 2, 3, 4, 5]))
        for actor in rng.choice(25, size=size, replace=False):
            rows.append((f"d{deal}", f"a{actor:02d}"))
    return pl.DataFrame(rows, schema=["alliance_id", "actor_id"], orient="row")


def as_bipartite(parties: pl.DataFrame) -> tuple[nx.Graph, set[str]]:
    graph = nx.Graph()
    actors = set(parties["actor_id"])
    graph.add_nodes_from(actors, bipartite=0)
    graph.add_nodes_from(set(parties["alliance_id"]), bipartite=1)
    graph.add_edges_from(parties.iter_rows())
    return graph, actors


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("weighting", ["count", "newman"])
def test_projection_matches_networkx(seed: int, weighting: str):
    parties = random_parties(seed)
    graph, actors = as_bipartite(parties)
    if weighting == "count":
        expected = bipartite.weighted_projected_graph(graph, actors)
    else:
        expected = bipartite.collaboration_weighted_projected_graph(graph, actors)
    got = projection(parties, weighting=weighting)
    assert got.height == expected.number_of_edges()
    for source, target, weight in got.iter_rows():
        assert expected[source][target]["weight"] == pytest.approx(weight)


def test_hand_worked_consortium():
    # one deal of four parties: each pair shares 1 deal; Newman weight 1/(4-1) per pair
    parties = pl.DataFrame({"alliance_id": ["d"] * 4, "actor_id": ["a", "b", "c", "d"]})
    assert projection(parties)["weight"].to_list() == [1.0] * 6
    assert projection(parties, weighting="newman")["weight"].to_list() == pytest.approx([1 / 3] * 6)


def test_incidence_is_distinct():
    parties = pl.DataFrame(
        {"alliance_id": ["d", "d", "d"], "actor_id": ["a", "a", "b"], "role": ["x", "x", "y"]}
    )
    assert incidence(parties).height == 2
