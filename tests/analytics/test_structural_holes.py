"""Burt's constraint and effective size.

Checked against published values (the example network of Borgatti 1997, with the figures that
networkx's own tests took from UCINET and igraph), small examples worked by hand in the
comments, and networkx's ``constraint`` and ``effective_size`` on seeded random graphs.
"""

from __future__ import annotations

import doctest
import importlib
import math
import random

import networkx as nx
import polars as pl
import pytest

from bioris.analytics.structural_holes import constraint
from bioris.errors import BiorisError

# Borgatti, S. P. (1997). Structural holes: Unpacking Burt's redundancy measures.
# Connections 20(1): 35-38 -- the network and tie strengths of networkx's
# test_structuralholes.py, whose expected values were computed with UCINET and igraph.
BORGATTI_1997 = {
    ("A", "B"): 2,
    ("A", "F"): 3,
    ("A", "G"): 5,
    ("A", "E"): 2,
    ("E", "G"): 8,
    ("F", "G"): 3,
    ("B", "G"): 4,
    ("B", "D"): 1,
    ("D", "G"): 3,
    ("G", "C"): 10,
}


def _edges(ties: dict[tuple[str, str], float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source": [s for s, _ in ties],
            "target": [t for _, t in ties],
            "weight": [float(w) for w in ties.values()],
        }
    )


def _by_actor(result: pl.DataFrame) -> dict[str, tuple[float, float]]:
    return {a: (c, e) for a, c, e in result.iter_rows()}


@pytest.mark.parametrize(
    ("weight", "expected"),
    [
        (None, {"G": (0.400, 4.67), "A": (0.595, 2.50), "C": (1.0, 1.0)}),
        ("weight", {"G": (0.299, 5.47), "A": (0.795, 2.47), "C": (1.0, 1.0)}),
    ],
)
def test_published_values_for_borgatti_1997(weight, expected) -> None:
    result = _by_actor(constraint(_edges(BORGATTI_1997), weight=weight))
    for actor, (c, es) in expected.items():
        assert result[actor][0] == pytest.approx(c, abs=1e-3)
        assert result[actor][1] == pytest.approx(es, abs=1e-2)


def test_star_by_hand() -> None:
    # Centre with three unconnected contacts: p = 1/3 each, no indirect paths, so
    # C = 3 * (1/3)**2 = 1/3 and ES = 3 - 0 = 3. A leaf has one contact: p = 1, C = 1, ES = 1.
    star = pl.DataFrame({"source": ["hub"] * 3, "target": ["a", "b", "c"]})
    result = _by_actor(constraint(star))
    assert result["hub"] == pytest.approx((1 / 3, 3.0), abs=1e-12)
    for leaf in "abc":
        assert result[leaf] == pytest.approx((1.0, 1.0), abs=1e-12)


def test_triangle_by_hand() -> None:
    # Each actor: p = 1/2 to both contacts, indirect p_iq p_qj = 1/4, so
    # C = 2 * (1/2 + 1/4)**2 = 1.125; ES = 2 - 2t/n = 2 - 2*1/2 = 1.
    triangle = pl.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "a"]})
    result = constraint(triangle)
    assert result["constraint"].to_list() == pytest.approx([1.125] * 3, abs=1e-12)
    assert result["effective_size"].to_list() == pytest.approx([1.0] * 3, abs=1e-12)


def test_weighted_ego_by_hand() -> None:
    # Ego e tied to x (3) and y (1); x - y tied (2). p_ex = 3/4, p_ey = 1/4, p_xy = 2/5,
    # p_yx = 2/3. C_e = (3/4 + 1/4 * 2/3)**2 + (1/4 + 3/4 * 2/5)**2 = (11/12)**2 + (11/20)**2.
    # m_xy = 2/max(3, 2) = 2/3, m_yx = 2/max(1, 2) = 1:
    # ES_e = (1 - p_ey m_xy) + (1 - p_ex m_yx) = (1 - 1/6) + (1 - 3/4) = 13/12.
    edges = _edges({("e", "x"): 3, ("e", "y"): 1, ("x", "y"): 2})
    c, es = _by_actor(constraint(edges, weight="weight"))["e"]
    assert c == pytest.approx((11 / 12) ** 2 + (11 / 20) ** 2, abs=1e-12)
    assert es == pytest.approx(13 / 12, abs=1e-12)


def _random_graph(seed: int) -> nx.Graph:
    rng = random.Random(seed)
    graph = nx.gnp_random_graph(rng.randint(20, 50), rng.uniform(0.08, 0.3), seed=seed)
    graph.remove_nodes_from(list(nx.isolates(graph)))
    for u, v in graph.edges:
        graph[u][v]["weight"] = rng.uniform(0.1, 5.0)
    return nx.relabel_nodes(graph, lambda v: f"v{v:02d}")


@pytest.mark.parametrize("weight", [None, "weight"])
@pytest.mark.parametrize("seed", range(6))
def test_matches_networkx_on_random_graphs(seed: int, weight: str | None) -> None:
    graph = _random_graph(seed)
    edges = pl.DataFrame(
        [(u, v, d["weight"]) for u, v, d in graph.edges(data=True)],
        schema=["source", "target", "weight"],
        orient="row",
    )
    result = _by_actor(constraint(edges, weight=weight))
    expected_c = nx.constraint(graph, weight=weight)
    # nodes=list(graph) takes networkx's per-node path: in networkx 3.6 the vectorised path
    # (nodes=None) divides m_jq by the wrong actor's strongest tie when ties are weighted
    # (networkx/networkx#8906); the per-node path follows Burt's formula.
    expected_es = nx.effective_size(graph, nodes=list(graph), weight=weight)
    assert set(result) == set(graph)
    for actor, (c, es) in result.items():
        assert c == pytest.approx(expected_c[actor], abs=1e-9)
        assert es == pytest.approx(expected_es[actor], abs=1e-9)


def test_duplicate_rows_add_up_and_self_loops_drop() -> None:
    rows = pl.DataFrame(
        {
            "source": ["e", "x", "e", "x", "e", "z"],
            "target": ["x", "e", "y", "y", "e", "z"],
            "weight": [1.0, 2.0, 1.0, 2.0, 9.0, 1.0],
        }
    )
    once = _edges({("e", "x"): 3, ("e", "y"): 1, ("x", "y"): 2})
    result = constraint(rows, weight="weight")
    assert result.filter(pl.col("actor") != "z").equals(constraint(once, weight="weight"))
    # unweighted: the repeated e-x rows are one tie, as in the plain triangle
    assert constraint(rows).filter(pl.col("actor") == "e")["constraint"].item() == pytest.approx(
        1.125
    )
    # z only has a self-loop: no contacts, so both measures are undefined
    z = _by_actor(result)["z"]
    assert math.isnan(z[0]) and math.isnan(z[1])


def test_output_shape_and_empty_input() -> None:
    result = constraint(pl.DataFrame({"source": ["b", "a"], "target": ["c", "b"]}))
    assert result.columns == ["actor", "constraint", "effective_size"]
    assert result["actor"].to_list() == ["a", "b", "c"]
    assert result.schema["constraint"] == pl.Float64
    empty = constraint(pl.DataFrame(schema={"source": pl.String, "target": pl.String}))
    assert empty.height == 0
    assert empty.columns == ["actor", "constraint", "effective_size"]


@pytest.mark.parametrize(
    ("edges", "message"),
    [
        (pl.DataFrame({"source": ["a"]}), "lacks column"),
        (
            pl.DataFrame(
                {"source": ["a"], "target": [None]},
                schema={"source": pl.String, "target": pl.String},
            ),
            "empty values",
        ),
        (pl.DataFrame({"source": ["a"], "target": ["b"], "weight": [-1.0]}), "finite and positive"),
        (pl.DataFrame({"source": ["a"], "target": ["b"], "weight": [0.0]}), "finite and positive"),
    ],
)
def test_bad_input_is_a_bioris_error(edges: pl.DataFrame, message: str) -> None:
    weight = "weight" if "weight" in edges.columns else None
    with pytest.raises(BiorisError, match=message):
        constraint(edges, weight=weight)


def test_docstring_examples_run() -> None:
    module = importlib.import_module("bioris.analytics.structural_holes")
    assert doctest.testmod(module).failed == 0
