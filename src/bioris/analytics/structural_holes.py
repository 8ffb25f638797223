"""Burt's structural holes: how much an actor's contacts constrain it, and how many count."""

from __future__ import annotations

import itertools

import igraph as ig
import numpy as np
import polars as pl
from scipy import sparse

from bioris.analytics.graph import actor_graph

__all__ = ["constraint", "constraint_arrays"]

_SCHEMA = {"actor": pl.String, "constraint": pl.Float64, "effective_size": pl.Float64}


def constraint(edges: pl.DataFrame, *, weight: str | None = None) -> pl.DataFrame:
    """Burt's constraint and effective size of every actor's ego network.

    With proportional tie strength ``p_ij = a_ij / sum_k a_ik`` (``a`` the symmetric tie
    strengths), the constraint of ``i`` is

    ``C_i = sum_{j in N(i)} (p_ij + sum_{q != i, j} p_iq p_qj) ** 2``

    and its effective size, Burt's general formula, is

    ``ES_i = sum_{j in N(i)} (1 - sum_{q != i, j} p_iq m_jq)``, ``m_jq = a_jq / max_k a_jk``.

    Parameters
    ----------
    edges : polars.DataFrame
        Columns ``source`` and ``target`` (actor ids), read as undirected ties; self-loops are
        dropped.
    weight : str, optional
        Column of tie strengths (finite, positive). Duplicate rows for a pair add up. When
        None every connected pair has strength 1, however many rows it has; to use the number
        of rows as strength, add a column of ones and name it here.

    Returns
    -------
    polars.DataFrame
        Columns ``actor, constraint, effective_size`` (Float64), one row per actor in
        ``edges``, sorted by actor. An actor with a tie to a single contact has constraint 1.0
        and effective size 1.0; an actor named only in self-loops has no contacts and gets NaN
        for both (as in networkx and igraph).

    Notes
    -----
    Constraint comes from igraph's ``Graph.constraint``; effective size is computed here, with
    sparse lookups of the tie strengths over the triangles listed by igraph, since only
    contacts ``j, q`` that are themselves tied make redundancy. Burt defines ``p`` and ``m``
    on ``a_ij + a_ji``; on undirected ties that is ``2 a_ij``, and the factor cancels.

    Both values equal networkx's ``constraint`` and ``effective_size`` (to rounding; checked
    by the tests on random weighted and unweighted graphs). igraph and networkx agree on
    simple graphs; both would add up parallel edges as one stronger tie, but bioris
    aggregates rows first, so the measures always see a simple graph. For unweighted ties the
    effective size reduces to ``n - 2 t / n`` for ``n`` contacts with ``t`` ties among them.

    References
    ----------
    .. [1] Burt, R. S. (1992). *Structural Holes: The Social Structure of Competition*.
       Harvard University Press.
    .. [2] Borgatti, S. P. (1997). Structural holes: Unpacking Burt's redundancy measures.
       *Connections*, 20(1), 35-38.

    Examples
    --------
    >>> import polars as pl
    >>> star = pl.DataFrame({"source": ["hub"] * 3, "target": ["a", "b", "c"]})
    >>> constraint(star).filter(pl.col("actor") == "hub").rows()
    [('hub', 0.3333333333333333, 3.0)]
    """
    graph, actors = actor_graph(edges, weight=weight)
    if not actors:
        return pl.DataFrame(schema=_SCHEMA)
    values, sizes = constraint_arrays(graph, "weight" if weight else None)
    return pl.DataFrame(
        {"actor": actors, "constraint": values, "effective_size": sizes}, schema=_SCHEMA
    )


def constraint_arrays(graph: ig.Graph, weights: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Constraint and effective size of every vertex of a simple undirected graph, in vertex
    order (``weights`` names the edge attribute of tie strengths, or None)."""
    values = np.array(graph.constraint(weights=weights), dtype=np.float64).reshape(-1)
    return values, _effective_size(graph, weights)


def _effective_size(graph: ig.Graph, weights: str | None) -> np.ndarray:
    """Burt's effective size: contacts less their redundancy, vectorised over triangles."""
    n = graph.vcount()
    strength = _strength_matrix(graph, weights)
    total = strength.sum(axis=1)
    strongest = strength.max(axis=1).toarray()
    redundancy = np.zeros(n)
    triangles = np.array(graph.list_triangles(), dtype=np.int64).reshape(-1, 3)
    # In a triangle {i, j, q}, contact j of ego i is redundant by p_iq * m_jq.
    for i, j, q in itertools.permutations(range(3)):
        ego, contact, other = triangles[:, i], triangles[:, j], triangles[:, q]
        p = strength[ego, other] / total[ego]
        m = strength[contact, other] / strongest[contact]
        redundancy += np.bincount(ego, weights=p * m, minlength=n)
    degree = np.array(graph.degree(), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.where(degree > 0, degree - redundancy, np.nan)


def _strength_matrix(graph: ig.Graph, weights: str | None) -> sparse.csr_array:
    pairs = np.array(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    values = np.array(graph.es[weights], dtype=np.float64) if weights else np.ones(len(pairs))
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    n = graph.vcount()
    return sparse.csr_array((np.concatenate([values, values]), (rows, cols)), shape=(n, n))
