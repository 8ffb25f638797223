"""Borgatti-Everett continuous coreness.

Checked against a perfect core-periphery matrix reduced by hand to two unknowns, against an
independent dense minimisation of the same residual (scipy BFGS from several random starts,
which knows nothing of sparse matrices, saddle restarts or the single-hub limit), the default
Newton solver against the reference L-BFGS-B solver on networkx's scale-free and clustered
graphs of a few hundred actors (correlation above 0.999, same top 20), and for invariance
under relabelling.
"""

from __future__ import annotations

import doctest
import importlib
import random

import networkx as nx
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from bioris.analytics.coreness import coreness, coreness_fit
from bioris.errors import BiorisError


def _edges(pairs, weights=None) -> pl.DataFrame:
    frame = pl.DataFrame(list(pairs), schema=["source", "target"], orient="row")
    return frame if weights is None else frame.with_columns(weight=pl.Series(weights))


def _residual(c: np.ndarray, a: np.ndarray) -> float:
    diff = a - np.outer(c, c)
    np.fill_diagonal(diff, 0.0)
    return float((diff**2).sum())


def _residual_gradient(c: np.ndarray, a: np.ndarray) -> np.ndarray:
    diff = a - np.outer(c, c)
    np.fill_diagonal(diff, 0.0)
    return -4 * diff @ c


def _best_residual_of_direction(u: np.ndarray, a: np.ndarray) -> float:
    """Residual of ``sqrt(t) u`` at the best scale ``t`` (coreness is returned normalised).

    A unit vector is the single-hub limit: hub ``t``, contacts ``a_hj / t``, ``t`` -> infinity,
    which leaves every cell but the hub's row and column unfitted.
    """
    if np.count_nonzero(u) == 1:
        hub = int(np.argmax(u))
        return _residual(np.zeros(len(u)), a) - 2 * float(a[hub] @ a[hub])
    pattern = np.outer(u, u)
    np.fill_diagonal(pattern, 0.0)
    t = (a * pattern).sum() / (pattern**2).sum()
    return _residual(np.sqrt(t) * u, a)


# --- a perfect core-periphery structure, by hand ---------------------------------------------


def test_perfect_core_periphery() -> None:
    # Core clique of 4 (c0..c3), periphery of 6 (p0..p5) each tied to every core member, no
    # periphery-periphery ties. By symmetry c = (x, x, x, x, y, ..., y) and the residual is
    #   12 (1 - x^2)^2    core-core ordered pairs, 4*3
    # + 48 (1 - x y)^2    core-periphery, 2*4*6
    # + 30 y^4            periphery-periphery, 6*5, where a_ij = 0
    # minimised here in two unknowns; the fit is the correlation of the 90 off-diagonal cells.
    def residual(v):
        x, y = v
        return 12 * (1 - x * x) ** 2 + 48 * (1 - x * y) ** 2 + 30 * y**4

    x, y = minimize(residual, [1.0, 0.5], method="BFGS", options={"gtol": 1e-12}).x
    assert x > y > 0
    expected = np.array([x] * 4 + [y] * 6) / np.sqrt(4 * x * x + 6 * y * y)
    a = np.zeros((10, 10))
    a[:4, :] = a[:, :4] = 1
    np.fill_diagonal(a, 0)
    off = ~np.eye(10, dtype=bool)
    expected_fit = np.corrcoef(a[off], np.outer(expected, expected)[off])[0, 1]
    assert expected_fit == pytest.approx(0.73611285, abs=1e-7)

    core = [(f"c{i}", f"c{j}") for i in range(4) for j in range(i + 1, 4)]
    periphery = [(f"c{i}", f"p{j}") for i in range(4) for j in range(6)]
    edges = _edges(core + periphery)
    result = coreness(edges)
    assert result.columns == ["actor", "coreness"]
    assert result["actor"].to_list() == [f"c{i}" for i in range(4)] + [f"p{j}" for j in range(6)]
    np.testing.assert_allclose(result["coreness"].to_numpy(), expected, atol=1e-6)
    assert coreness_fit(edges) == pytest.approx(expected_fit, abs=1e-6)


def test_star_centre_is_the_core_in_the_single_hub_limit() -> None:
    # No bounded minimum: centre t, leaves 1/t fits every tie as t grows (residual -> 0).
    star = _edges([("hub", leaf) for leaf in "abcde"])
    result = dict(coreness(star).iter_rows())
    assert result == {"hub": 1.0, "a": 0.0, "b": 0.0, "c": 0.0, "d": 0.0, "e": 0.0}
    # the limit pattern is the star itself: a perfect fit
    assert coreness_fit(star) == pytest.approx(1.0)


def test_star_with_alternating_updates_reaches_the_same_limit() -> None:
    star = _edges([("hub", leaf) for leaf in "abc"])
    result = dict(coreness(star, method="alternating", max_iter=500).iter_rows())
    assert result["hub"] == 1.0


def test_two_identical_components_break_symmetry() -> None:
    # Two triangles. Equal coreness 1/sqrt(6) everywhere is a stationary point of the
    # residual (degree start, symmetric updates) with residual 2*3*3*1 = 18 (the 18 ordered
    # cross pairs); coreness in one triangle only leaves 6. The restart must find the latter.
    edges = _edges([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x")])
    values = np.sort(coreness(edges)["coreness"].to_numpy())
    np.testing.assert_allclose(values, [0, 0, 0, *[1 / np.sqrt(3)] * 3], atol=1e-6)


def test_disconnected_periphery_and_isolates() -> None:
    # K4 plus a separate 5-cycle: coreness on K4 alone leaves the cycle's 10 cells (10); any
    # coreness on the cycle costs more in the 40 cross cells than it gains. "solo" has only a
    # self-loop: no ties, exactly 0.
    k4 = [(f"k{i}", f"k{j}") for i in range(4) for j in range(i + 1, 4)]
    cycle = [(f"r{i}", f"r{(i + 1) % 5}") for i in range(5)]
    result = dict(coreness(_edges([*k4, *cycle, ("solo", "solo")])).iter_rows())
    for i in range(4):
        assert result[f"k{i}"] == pytest.approx(0.5, abs=1e-6)
    for i in range(5):
        assert result[f"r{i}"] == pytest.approx(0.0, abs=1e-6)
    assert result["solo"] == 0.0


def test_empty_edges_and_a_single_tie() -> None:
    empty = pl.DataFrame(schema={"source": pl.String, "target": pl.String})
    assert coreness(empty).height == 0
    assert np.isnan(coreness_fit(empty))
    one = _edges([("a", "b")])
    assert coreness(one)["coreness"].to_list() == pytest.approx([2**-0.5] * 2)
    assert np.isnan(coreness_fit(one))  # every off-diagonal cell equal: no correlation


# --- an independent minimisation on random graphs --------------------------------------------


def _random_case(seed: int) -> tuple[pl.DataFrame, np.ndarray, str | None]:
    rng = random.Random(seed)
    graph = nx.gnp_random_graph(rng.randint(7, 12), rng.uniform(0.3, 0.6), seed=seed)
    graph.remove_nodes_from(list(nx.isolates(graph)))
    graph = nx.relabel_nodes(graph, lambda v: f"v{v:02d}")
    weight = "weight" if seed % 2 else None
    for u, v in graph.edges:
        graph[u][v]["weight"] = rng.uniform(0.5, 3.0)
    pairs = list(graph.edges)
    edges = _edges(pairs, [graph[u][v]["weight"] for u, v in pairs])
    a = nx.to_numpy_array(graph, nodelist=sorted(graph), weight=weight)
    return edges, a, weight


@pytest.mark.parametrize("seed", range(8))
def test_matches_dense_minimisation_from_several_starts(seed: int) -> None:
    edges, a, weight = _random_case(seed)
    runs = [
        minimize(
            _residual,
            np.random.default_rng(start).uniform(0, 1, len(a)),
            args=(a,),
            jac=_residual_gradient,
            method="BFGS",
            options={"gtol": 1e-10},
        )
        for start in range(5)
    ]
    best = min(runs, key=lambda run: run.fun)
    expected = np.abs(best.x) / np.linalg.norm(best.x)
    for method in ("newton", "lbfgs", "alternating"):
        u = coreness(edges, weight=weight, method=method)["coreness"].to_numpy()
        assert _best_residual_of_direction(u, a) == pytest.approx(best.fun, abs=1e-6)
        if np.count_nonzero(u) == 1:  # BFGS can only approach the limit
            assert expected[np.argmax(u)] > 0.99
        else:
            np.testing.assert_allclose(u, expected, atol=1e-4)


@pytest.mark.parametrize("seed", range(3))
def test_random_start_gives_the_same_answer(seed: int) -> None:
    edges, _, weight = _random_case(seed)
    default = coreness(edges, weight=weight)["coreness"].to_numpy()
    seeded = coreness(edges, weight=weight, seed=seed + 100)["coreness"].to_numpy()
    np.testing.assert_allclose(seeded, default, atol=1e-4)


# --- the default solver against the reference solver on larger graphs ----------------------


def _graph_edges(graph: nx.Graph) -> pl.DataFrame:
    return _edges([(f"v{u:04d}", f"v{v:04d}") for u, v in graph.edges])


def _top(result: pl.DataFrame, k: int = 20) -> tuple[set[str], float]:
    ranked = result.sort("coreness", descending=True)
    return set(ranked["actor"].head(k)), float(ranked["coreness"][k - 1])


def _assert_same_solution(edges: pl.DataFrame) -> None:
    new = coreness(edges)
    ref = coreness(edges, method="lbfgs")
    x, r = new["coreness"].to_numpy(), ref["coreness"].to_numpy()
    assert np.corrcoef(x, r)[0, 1] > 0.999
    (top_new, cut_new), (top_ref, _) = _top(new), _top(ref)
    # actors tied with the 20th value (structurally equivalent ones) may swap places
    values = dict(new.iter_rows())
    assert all(abs(values[a] - cut_new) < 1e-7 for a in top_new ^ top_ref)
    assert coreness_fit(edges) == pytest.approx(coreness_fit(edges, method="lbfgs"), abs=1e-6)


@pytest.mark.parametrize("seed", range(3))
def test_newton_agrees_with_lbfgs_on_scale_free_graphs(seed: int) -> None:
    # Barabasi-Albert graphs with one or two ties per newcomer: hubs, as in alliance networks
    _assert_same_solution(_graph_edges(nx.barabasi_albert_graph(400, 1 + seed % 2, seed=seed)))


@pytest.mark.parametrize("seed", range(2))
def test_newton_agrees_with_lbfgs_on_clustered_disconnected_graphs(seed: int) -> None:
    # Holme-Kim clustered scale-free graph plus small separate components (dyads, stars)
    graph = nx.powerlaw_cluster_graph(300, 2, 0.4, seed=seed)
    graph = nx.disjoint_union(graph, nx.star_graph(6))
    graph = nx.disjoint_union(graph, nx.path_graph(2))
    _assert_same_solution(_graph_edges(graph))


def test_a_hub_without_triangles_runs_to_the_single_hub_limit() -> None:
    # A hub tied to 30 actors that have a few ties of their own but none among the hub's
    # contacts: the bounded fits approach the hub limit from above (Newton creeps outwards).
    edges = [("hub", f"c{i:02d}") for i in range(30)]
    edges += [(f"c{i:02d}", f"x{i:02d}") for i in range(0, 30, 3)]
    frame = _edges(edges)
    result = dict(coreness(frame).iter_rows())
    assert result["hub"] == 1.0
    assert result == dict(coreness(frame, method="lbfgs").iter_rows())


# --- invariants and errors --------------------------------------------------------------------


def _dense(edges: pl.DataFrame, actors: list[str]) -> np.ndarray:
    index = {name: i for i, name in enumerate(actors)}
    a = np.zeros((len(actors), len(actors)))
    for source, target in edges.iter_rows():
        if source != target:
            a[index[source], index[target]] = a[index[target], index[source]] = 1.0
    return a


@settings(max_examples=40, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), min_size=1, max_size=20),
    shuffle=st.randoms(),
)
def test_relabelling_leaves_the_fit_unchanged(pairs, shuffle) -> None:
    # The coreness vector itself need not be a permutation of the old one: where the best fit
    # breaks a symmetry (a path) relabelling may return the mirror image, and where the core
    # is a single tie only the product of its two ends is determined. The residual and the
    # fit are unique.
    names = [f"n{i}" for i in range(8)]
    renamed = names[:]
    shuffle.shuffle(renamed)
    results = []
    for labels in (names, renamed):
        edges = _edges([(labels[a], labels[b]) for a, b in pairs])
        result = coreness(edges)
        u = result["coreness"].to_numpy()
        assert (u >= 0).all()
        assert np.sum(u**2) == pytest.approx(1.0) or not u.any()
        a = _dense(edges, result["actor"].to_list())
        fit = coreness_fit(edges)
        residual = _best_residual_of_direction(u, a) if u.any() else 0.0
        results.append((residual, fit))
    (residual, fit), (residual_after, fit_after) = results
    assert residual_after == pytest.approx(residual, abs=1e-6)
    assert np.isnan(fit) == np.isnan(fit_after)
    if not np.isnan(fit):
        assert fit_after == pytest.approx(fit, abs=1e-6)


def test_unknown_method_and_non_convergence_are_errors() -> None:
    edges = _edges([("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("a", "c")])
    with pytest.raises(BiorisError, match="unknown coreness method"):
        coreness(edges, method="svd")  # type: ignore[arg-type]
    with pytest.raises(BiorisError, match="did not converge"):
        coreness(edges, method="alternating", max_iter=2)


def test_docstring_examples_run() -> None:
    module = importlib.import_module("bioris.analytics.coreness")
    assert doctest.testmod(module).failed == 0
