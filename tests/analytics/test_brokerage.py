"""Gould-Fernandez brokerage census.

Checked three ways: hand-worked examples from the role definitions in Gould & Fernandez (1989),
counted in the comments; a brute-force census (explicit loops over every broker and two-path)
on seeded random graphs; and invariants under hypothesis.
"""

from __future__ import annotations

import doctest
import importlib
import random

import networkx as nx
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bioris.analytics.brokerage import BROKERAGE_ROLES, brokerage
from bioris.errors import BiorisError

COLUMNS = ["actor", *BROKERAGE_ROLES, "total"]


def _edges(pairs: list[tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame(pairs, schema=["source", "target"], orient="row")


def _counts(result: pl.DataFrame) -> dict[str, dict[str, int]]:
    return {row["actor"]: {r: row[r] for r in BROKERAGE_ROLES} for row in result.to_dicts()}


def _roles(**counts: int) -> dict[str, int]:
    return {role: counts.get(role, 0) for role in BROKERAGE_ROLES}


# --- hand-worked examples -------------------------------------------------------------------


def test_star_centre_counts_each_open_pair_twice_by_role() -> None:
    # Undirected star: centre h in A; leaves a1, a2 in A, b1, b2 in B, c1 in C. No leaf-leaf
    # ties, so all C(5, 2) = 10 leaf pairs are open, each counted twice (x->h->y, y->h->x):
    #   {a1, a2}             A-A-A      coordinator     1 pair  -> 2
    #   {b1, b2}             B-A-B      itinerant       1 pair  -> 2
    #   {a_i, b_j}, {a_i, c1}  a->h->x: A-A-x representative; x->h->a: x-A-A gatekeeper
    #                        6 pairs -> 6 representative, 6 gatekeeper
    #   {b_j, c1}            B-A-C / C-A-B  liaison     2 pairs -> 4
    # Total 20 = 2 * 10. Leaves broker nothing.
    groups = {"h": "A", "a1": "A", "a2": "A", "b1": "B", "b2": "B", "c1": "C"}
    result = brokerage(_edges([("h", leaf) for leaf in groups if leaf != "h"]), groups)
    assert result.columns == COLUMNS
    assert result["actor"].to_list() == sorted(groups)
    counts = _counts(result)
    assert counts["h"] == _roles(
        coordinator=2, itinerant=2, representative=6, gatekeeper=6, liaison=4
    )
    assert result.filter(pl.col("actor") == "h")["total"].item() == 20
    for leaf in ("a1", "a2", "b1", "b2", "c1"):
        assert counts[leaf] == _roles()


@pytest.mark.parametrize(
    ("ga", "gb", "gc", "role"),
    [
        ("A", "A", "A", "coordinator"),  # all in b's group
        ("A", "B", "A", "itinerant"),  # a and c share a group, b is an outsider
        ("B", "A", "A", "gatekeeper"),  # b lets an outsider a reach its group member c
        ("A", "A", "B", "representative"),  # b speaks for its group member a to outsider c
        ("A", "B", "C", "liaison"),  # three different groups
    ],
)
def test_directed_path_gives_the_broker_one_role(ga: str, gb: str, gc: str, role: str) -> None:
    result = brokerage(_edges([("a", "b"), ("b", "c")]), {"a": ga, "b": gb, "c": gc}, directed=True)
    counts = _counts(result)
    assert counts["b"] == _roles(**{role: 1})
    assert counts["a"] == counts["c"] == _roles()


@pytest.mark.parametrize(
    ("ga", "gb", "gc", "expected"),
    [
        # undirected a - b - c: both a->b->c and c->b->a are open two-paths
        ("A", "A", "A", {"coordinator": 2}),
        ("A", "B", "A", {"itinerant": 2}),
        ("A", "A", "B", {"representative": 1, "gatekeeper": 1}),
        ("A", "B", "C", {"liaison": 2}),
    ],
)
def test_undirected_path_counts_both_directions(ga, gb, gc, expected) -> None:
    result = brokerage(_edges([("a", "b"), ("b", "c")]), {"a": ga, "b": gb, "c": gc})
    assert _counts(result)["b"] == _roles(**expected)


@pytest.mark.parametrize("groups", ["AAA", "ABC", "AAB"])
def test_closed_triangle_brokers_nothing(groups: str) -> None:
    group = dict(zip("abc", groups, strict=True))
    undirected = brokerage(_edges([("a", "b"), ("b", "c"), ("a", "c")]), group)
    transitive = brokerage(_edges([("a", "b"), ("b", "c"), ("a", "c")]), group, directed=True)
    assert undirected["total"].to_list() == [0, 0, 0]
    assert transitive["total"].to_list() == [0, 0, 0]


def test_directed_cycle_is_open_because_the_closing_arc_points_back() -> None:
    # a->b->c->a: for a->b->c the arc a->c is absent (only c->a), so b brokers it; likewise c
    # brokers b->c->a and a brokers c->a->b. All in one group: one coordination each.
    result = brokerage(
        _edges([("a", "b"), ("b", "c"), ("c", "a")]), dict.fromkeys("abc", "A"), directed=True
    )
    assert result["coordinator"].to_list() == [1, 1, 1]
    assert result["total"].to_list() == [1, 1, 1]


def test_isolates_pendants_and_duplicates_get_rows() -> None:
    # x appears only in a self-loop (dropped) and y only as a pendant: both broker nothing but
    # keep a row; the repeated (a, b) row is one tie.
    edges = _edges([("a", "b"), ("b", "a"), ("a", "b"), ("b", "c"), ("x", "x"), ("c", "y")])
    groups = {"a": "A", "b": "A", "c": "A", "x": "B", "y": "B"}
    result = brokerage(edges, groups)
    assert result["actor"].to_list() == ["a", "b", "c", "x", "y"]
    counts = _counts(result)
    assert counts["x"] == counts["y"] == counts["a"] == _roles()
    assert counts["b"] == _roles(coordinator=2)  # a-b-c
    assert counts["c"] == _roles(representative=1, gatekeeper=1)  # b-c-y, y in B
    assert result.schema == pl.Schema(dict.fromkeys(COLUMNS, pl.Int64) | {"actor": pl.String})


def test_two_components_are_counted_independently() -> None:
    left = [("a", "b"), ("b", "c"), ("b", "d")]
    right = [("p", "q"), ("q", "r"), ("r", "p"), ("r", "s")]
    groups = {"a": "X", "b": "X", "c": "Y", "d": "Z", "p": "X", "q": "Y", "r": "Y", "s": "X"}
    for directed in (False, True):
        both = brokerage(_edges(left + right), groups, directed=directed)
        apart = pl.concat(
            [brokerage(_edges(part), groups, directed=directed) for part in (left, right)]
        ).sort("actor")
        assert both.equals(apart)


def test_groups_as_a_table_equal_groups_as_a_dict() -> None:
    edges = _edges([("a", "b"), ("b", "c"), ("c", "d")])
    groups = {"a": "A", "b": "B", "c": "A", "d": "C", "unused": "Z"}
    table = pl.DataFrame({"actor": list(groups), "group": list(groups.values())})
    assert brokerage(edges, table).equals(brokerage(edges, groups))


def test_missing_groups_are_named() -> None:
    edges = _edges([(f"n{i}", f"n{i + 1}") for i in range(8)])
    with pytest.raises(BiorisError, match=r"8 actor\(s\) in edges have no group") as caught:
        brokerage(edges, {"n0": "A"})
    assert "['n1', 'n2', 'n3', 'n4', 'n5']" in str(caught.value)


def test_an_actor_with_two_groups_is_an_error() -> None:
    table = pl.DataFrame({"actor": ["a", "a", "b"], "group": ["A", "B", "A"]})
    with pytest.raises(BiorisError, match="more than one group"):
        brokerage(_edges([("a", "b")]), table)


def test_empty_edges_give_an_empty_table() -> None:
    empty = pl.DataFrame(schema={"source": pl.String, "target": pl.String})
    result = brokerage(empty, {})
    assert result.columns == COLUMNS
    assert result.height == 0


# --- brute force on random graphs -------------------------------------------------------------


def _brute_force(graph: nx.Graph | nx.DiGraph, group: dict[str, str]) -> dict[str, dict[str, int]]:
    """The census by definition: every b, every a in in(b), every c in out(b)."""
    arcs = graph if graph.is_directed() else graph.to_directed()
    counts = {b: _roles() for b in arcs}
    for b in arcs:
        for a in arcs.predecessors(b):
            for c in arcs.successors(b):
                if a == c or arcs.has_edge(a, c):
                    continue
                ga, gb, gc = group[a], group[b], group[c]
                if ga == gb == gc:
                    role = "coordinator"
                elif ga == gc:
                    role = "itinerant"
                elif gb == gc:
                    role = "gatekeeper"
                elif ga == gb:
                    role = "representative"
                else:
                    role = "liaison"
                counts[b][role] += 1
    return counts


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("seed", range(5))
def test_matches_brute_force_on_random_graphs(seed: int, directed: bool) -> None:
    rng = random.Random(seed)
    n = rng.randint(30, 60)
    graph = nx.gnp_random_graph(n, rng.uniform(0.05, 0.25), seed=seed, directed=directed)
    graph.remove_nodes_from(list(nx.isolates(graph)))
    graph = nx.relabel_nodes(graph, lambda v: f"v{v}")
    labels = "ABCD"[: rng.randint(2, 4)]
    group = {v: rng.choice(labels) for v in graph}
    result = brokerage(_edges(list(graph.edges)), group, directed=directed)
    assert _counts(result) == _brute_force(graph, group)


# --- invariants -------------------------------------------------------------------------------

pairs = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=1, max_size=30)
group_codes = st.lists(st.sampled_from("ABC"), min_size=10, max_size=10)


@settings(max_examples=60, deadline=None)
@given(pairs=pairs, codes=group_codes, directed=st.booleans(), shuffle=st.randoms())
def test_relabelling_actors_leaves_counts_unchanged(pairs, codes, directed, shuffle) -> None:
    names = [f"n{i}" for i in range(10)]
    renamed = names[:]
    shuffle.shuffle(renamed)
    rename = dict(zip(names, renamed, strict=True))
    edges = _edges([(names[a], names[b]) for a, b in pairs])
    groups = dict(zip(names, codes, strict=True))
    before = _counts(brokerage(edges, groups, directed=directed))
    moved_edges = _edges([(rename[names[a]], rename[names[b]]) for a, b in pairs])
    moved_groups = {rename[k]: v for k, v in groups.items()}
    after = _counts(brokerage(moved_edges, moved_groups, directed=directed))
    assert after == {rename[k]: v for k, v in before.items()}


@settings(max_examples=60, deadline=None)
@given(pairs=pairs, codes=group_codes, directed=st.booleans())
def test_total_is_the_sum_and_undirected_roles_pair_up(pairs, codes, directed) -> None:
    names = [f"n{i}" for i in range(10)]
    edges = _edges([(names[a], names[b]) for a, b in pairs])
    result = brokerage(edges, dict(zip(names, codes, strict=True)), directed=directed)
    assert (
        result["total"].to_list()
        == result.select(pl.sum_horizontal(BROKERAGE_ROLES)).to_series().to_list()
    )
    assert (result.select(BROKERAGE_ROLES).to_numpy() >= 0).all()
    if not directed:
        assert result["representative"].to_list() == result["gatekeeper"].to_list()
        assert all(
            v % 2 == 0 for v in result["coordinator"].to_list() + result["itinerant"].to_list()
        )


def test_docstring_examples_run() -> None:
    module = importlib.import_module("bioris.analytics.brokerage")
    assert doctest.testmod(module).failed == 0
