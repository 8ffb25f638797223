"""The networkx baseline of ``bench_network.py``: every default measure of ``bioris network
metrics`` written the usual way, one ``nx.Graph`` rebuilt per year from the tie table.

Measures and the networkx call that computes each (same conventions as bioris):

- degree, strength: ``G.degree()``, ``G.degree(weight="alliances")``;
- betweenness: ``betweenness_centrality`` exact up to ``exact_max`` actors a year, else with
  ``k`` sampled sources (bioris's ``--sample auto`` rule, its own sample of sources);
- eigenvector: ``eigenvector_centrality`` (power iteration, unweighted), rescaled to unit length;
- harmonic closeness: ``harmonic_centrality`` / (n - 1), exact up to ``exact_max`` actors;
  above, from the same ``k`` pivots as bioris (``sources=``), each actor's sum divided by
  the pivots other than itself (Eppstein & Wang 2004);
- clustering: ``clustering``; k-core: ``core_number``;
- structural holes: ``constraint(weight="alliances")`` and Burt's effective size through
  networkx's exact per-node loop (``effective_size(nodes=..., weight=...)``; its fast path,
  taken without ``nodes``, normalises by the wrong maximum: see the README);
- brokerage: a brute-force Gould-Fernandez census over each broker's pairs of contacts;
- coreness: networkx has none; the baseline is bioris's reference solver,
  ``bioris.analytics.coreness.coreness(edges, method="lbfgs")`` (the generic L-BFGS-B fit of
  the whole matrix that the job used before its per-component Newton solver).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import networkx as nx
import numpy as np
import polars as pl

from bioris.analytics.coreness import coreness

#: the measures of bioris's per-measure seconds that the baseline times (structural_holes:
#: constraint and effective size, timed apart)
MEASURES = ("degree", "strength", "betweenness", "eigenvector", "harmonic_closeness",
            "clustering", "kcore", "structural_holes", "brokerage", "coreness")  # fmt: skip
WEIGHT = "alliances"


def year_graph(part: pl.DataFrame) -> nx.Graph:
    """One year's weighted graph from its rows of the tie table."""
    graph = nx.Graph()
    rows = part.select("source", "target", WEIGHT).iter_rows()
    graph.add_weighted_edges_from(rows, weight=WEIGHT)
    return graph


def brokerage(graph: nx.Graph, groups: dict[str, str]) -> dict[str, list[int]]:
    """Gould-Fernandez census by brute force over each broker's pairs of contacts, on the
    symmetric digraph (both orders of every open pair, as bioris counts)."""
    census = {}
    for b, contacts in graph.adj.items():
        gb, counts = groups[b], [0, 0, 0, 0, 0]
        for a in contacts:
            ga, neighbours_a = groups[a], graph.adj[a]
            for c in contacts:
                if c == a or c in neighbours_a:
                    continue
                gc = groups[c]
                if ga == gb == gc:
                    counts[0] += 1  # coordinator
                elif ga == gc:
                    counts[1] += 1  # itinerant
                elif gb == gc:
                    counts[2] += 1  # gatekeeper
                elif ga == gb:
                    counts[3] += 1  # representative
                else:
                    counts[4] += 1  # liaison
        census[b] = counts
    return census


def eigenvector(graph: nx.Graph) -> dict[str, float]:
    values = nx.eigenvector_centrality(graph, max_iter=1000)
    norm = float(np.linalg.norm(list(values.values())))
    return {k: v / norm for k, v in values.items()} if norm > 0 else values


def pivots(names: list[str], year: int, seed: int, k: int) -> list[str]:
    """bioris's harmonic-closeness pivots: its generator, over the actors in its vertex order."""
    rng = np.random.default_rng([seed, year, 1])
    return [names[i] for i in rng.choice(len(names), size=k, replace=False)]


def harmonic(graph: nx.Graph, year: int, seed: int, exact: bool, k: int) -> dict[str, float]:
    n = graph.number_of_nodes()
    if exact:
        return {a: v / (n - 1) for a, v in nx.harmonic_centrality(graph).items()}
    chosen = pivots(sorted(graph), year, seed, k)
    sums = nx.harmonic_centrality(graph, sources=chosen)
    chosen_set = set(chosen)
    return {a: v / (k - (a in chosen_set)) for a, v in sums.items()}


def effective_size(graph: nx.Graph) -> dict[str, float]:
    """Burt's effective size by networkx's exact per-node loop (``nodes`` given)."""
    return nx.effective_size(graph, nodes=list(graph), weight=WEIGHT)


def core(part: pl.DataFrame) -> dict[str, float]:
    result = coreness(part.select("source", "target"), method="lbfgs")
    return dict(result.iter_rows())


def baseline_year(
    part: pl.DataFrame,
    year: int,
    groups: dict[str, str],
    *,
    seed: int = 0,
    exact_max: int = 5000,
    sources: int = 1000,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, float], dict[str, object]]:
    """Wall seconds per measure for one year (``graph``: the rebuild) and the values."""
    seconds: dict[str, float] = {}
    out: dict[str, object] = {}

    def timed(label: str, function: Callable, *args, **kwargs) -> None:
        start = time.perf_counter()
        out[label] = function(*args, **kwargs)
        seconds[label] = time.perf_counter() - start
        if progress is not None:
            progress(f"{year} {label} {seconds[label]:.2f} s")

    timed("graph", year_graph, part)
    graph: nx.Graph = out["graph"]  # type: ignore[assignment]
    n = graph.number_of_nodes()
    exact = n <= max(exact_max, sources)
    timed("degree", lambda: dict(graph.degree()))
    timed("strength", lambda: dict(graph.degree(weight=WEIGHT)))
    timed("betweenness", nx.betweenness_centrality, graph, k=None if exact else sources, seed=seed)
    timed("eigenvector", eigenvector, graph)
    timed("harmonic_closeness", harmonic, graph, year, seed, exact, sources)
    timed("clustering", nx.clustering, graph)
    timed("kcore", nx.core_number, graph)
    timed("constraint", nx.constraint, graph, weight=WEIGHT)
    timed("effective_size", effective_size, graph)
    timed("brokerage", brokerage, graph, groups)
    timed("coreness", core, part)
    out["exact"] = exact
    return seconds, out


def agreement(frame: pl.DataFrame, out: dict[str, object]) -> dict[str, float]:
    """Largest absolute differences between bioris's rows of one year (``frame``) and the
    baseline's values: a check that both compute the same measures. Sampled betweenness is
    left out (different samples); eigenvector and coreness are compared as they are (on a
    disconnected year both tools may put them in different components, and the reference
    coreness solver fits the whole matrix, not the best component)."""
    actors = frame["actor"].to_list()
    census = {a: sum(v) for a, v in out["brokerage"].items()}  # type: ignore[attr-defined]
    names = ("degree", "strength", "eigenvector", "harmonic_closeness", "clustering", "kcore",
             "constraint", "effective_size", "coreness")  # fmt: skip
    columns = {name: out[name] for name in names} | {"brokerage_total": census}
    if out["exact"]:
        columns["betweenness"] = out["betweenness"]
    gaps = {}
    for column, reference in columns.items():
        expected = np.array([reference.get(a, np.nan) for a in actors], dtype=np.float64)  # type: ignore[attr-defined]
        gaps[column] = float(np.nanmax(np.abs(frame[column].to_numpy() - expected)))
    return gaps
