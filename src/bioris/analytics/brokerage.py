"""Gould-Fernandez brokerage roles: who mediates between whom, by group membership."""

from __future__ import annotations

from collections.abc import Mapping

import igraph as ig
import numpy as np
import polars as pl
from scipy import sparse

from bioris.analytics.graph import edge_arrays
from bioris.errors import BiorisError

__all__ = ["BROKERAGE_ROLES", "brokerage"]

#: The five roles, in the column order of :func:`brokerage`.
BROKERAGE_ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
_COORDINATOR, _ITINERANT, _GATEKEEPER, _REPRESENTATIVE, _LIAISON = range(5)


def brokerage(
    edges: pl.DataFrame,
    groups: Mapping[str, str] | pl.DataFrame,
    *,
    directed: bool = False,
) -> pl.DataFrame:
    """Gould-Fernandez brokerage census: each actor's count of open two-paths, by role.

    For every two-path ``a -> b -> c`` with ``a != c`` and no tie ``a -> c``, the broker ``b``
    scores once in the role given by the groups of the three actors:

    ============== ===========================
    role           groups
    ============== ===========================
    coordinator    g(a) = g(b) = g(c)
    itinerant      g(a) = g(c) != g(b)  (also called consultant)
    gatekeeper     g(b) = g(c) != g(a)
    representative g(a) = g(b) != g(c)
    liaison        g(a), g(b), g(c) all different
    ============== ===========================

    Parameters
    ----------
    edges : polars.DataFrame
        Columns ``source`` and ``target`` (actor ids). Duplicate rows for a pair count as one
        tie; self-loops are dropped; weights, if any, are ignored.
    groups : mapping or polars.DataFrame
        Each actor's group: a ``dict`` actor -> group or a table with columns ``actor, group``.
        Actors of ``groups`` that are not in ``edges`` are ignored.
    directed : bool, default False
        Read each row as the arc ``source -> target``. When False each row is an undirected tie.

    Returns
    -------
    polars.DataFrame
        Columns ``actor, coordinator, itinerant, gatekeeper, representative, liaison, total``
        (Int64), one row per actor in ``edges`` (zeros for actors who broker nothing), sorted by
        actor. ``total`` is the sum of the five roles.

    Raises
    ------
    BiorisError
        If an actor in ``edges`` has no group (the message names up to five), or a table of
        groups gives one actor two groups.

    Notes
    -----
    Undirected ties are counted, as UCINET and R's ``sna::brokerage`` do for a symmetric
    matrix, on the digraph with both arcs of every tie. Each open pair ``{a, c}`` around ``b``
    is therefore counted twice (``a -> b -> c`` and ``c -> b -> a``), and the representative
    and gatekeeper counts are equal. In the directed census a two-path ``a -> b -> c`` is open
    when the arc ``a -> c`` is absent, whatever ``c -> a``.

    No two-path is visited. For each broker the in- and out-neighbours per group (the sparse
    adjacency matrix times the group indicator matrix) give the number of two-paths in each
    role; the pairs with ``a == c`` (mutual ties) are subtracted, then the closed two-paths,
    found from the triangles of the underlying undirected graph. The cost is that of a few
    sparse products plus triangle listing.

    References
    ----------
    .. [1] Gould, R. V., & Fernandez, R. M. (1989). Structures of mediation: A formal approach
       to brokerage in transaction networks. *Sociological Methodology*, 19, 89-126.

    Examples
    --------
    >>> import polars as pl
    >>> edges = pl.DataFrame({"source": ["a", "b"], "target": ["b", "c"]})
    >>> groups = {"a": "x", "b": "y", "c": "z"}
    >>> brokerage(edges, groups, directed=True).row(1, named=True)["liaison"]
    1
    """
    arrays = edge_arrays(edges, directed=directed)
    group = _group_codes(arrays.actors, groups)
    if not arrays.actors:
        return _frame([], np.zeros((0, 5), dtype=np.int64))
    counts = brokerage_counts(arrays.source, arrays.target, group, directed=directed)
    return _frame(arrays.actors, counts)


def brokerage_counts(
    source: np.ndarray, target: np.ndarray, group: np.ndarray, *, directed: bool = False
) -> np.ndarray:
    """The census as an (n, 5) array in :data:`BROKERAGE_ROLES` order, for a simple graph on
    vertices ``0..n-1`` (``n = len(group)``, ``group`` the vertices' integer group codes) with
    ties ``source[k] - target[k]`` (arcs when ``directed``)."""
    src, tgt = source, target
    if not directed:
        src, tgt = np.concatenate([src, tgt]), np.concatenate([tgt, src])
    return _two_path_counts(src, tgt, group) - _closed_two_path_counts(src, tgt, group)


def _group_codes(actors: list[str], groups: Mapping[str, str] | pl.DataFrame) -> np.ndarray:
    """Each actor's group as an integer code 0..k-1, in the order of ``actors``."""
    if isinstance(groups, pl.DataFrame):
        if not {"actor", "group"} <= set(groups.columns):
            raise BiorisError(f"groups table needs columns actor, group; it has {groups.columns}")
        table = groups.select(pl.col("actor").cast(pl.String), pl.col("group").cast(pl.String))
    else:
        table = pl.DataFrame(
            {"actor": list(groups.keys()), "group": list(groups.values())},
            schema={"actor": pl.String, "group": pl.String},
            strict=False,
        )
    table = table.drop_nulls().unique()
    twice = table.filter(pl.col("actor").is_duplicated())["actor"].unique().sort()
    if twice.len():
        raise BiorisError(f"actors with more than one group: {twice.head(5).to_list()}")
    joined = pl.DataFrame({"actor": actors}, schema={"actor": pl.String}).join(
        table, on="actor", how="left", maintain_order="left"
    )
    missing = joined.filter(pl.col("group").is_null())["actor"]
    if missing.len():
        raise BiorisError(
            f"{missing.len()} actor(s) in edges have no group, e.g. {missing.head(5).to_list()}"
        )
    return (joined["group"].rank("dense") - 1).cast(pl.Int64).to_numpy()


def _two_path_counts(src: np.ndarray, tgt: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per broker and role, the two-paths ``a -> b -> c`` with ``a != c``, open or closed."""
    n, k = len(group), int(group.max(initial=-1)) + 1
    rows = np.arange(n)
    adjacency = sparse.csr_array((np.ones(len(src), np.int64), (src, tgt)), shape=(n, n))
    indicator = sparse.csr_array((np.ones(n, np.int64), (rows, group)), shape=(n, k))
    into = (adjacency.T @ indicator).tocsr()  # into[b, g]: arcs a -> b with g(a) = g
    out = (adjacency @ indicator).tocsr()  # out[b, g]: arcs b -> c with g(c) = g
    mutual = (adjacency.multiply(adjacency.T) @ indicator).tocsr()  # the a == c pairs
    in_deg, out_deg = into.sum(axis=1), out.sum(axis=1)
    in_same, out_same = into[rows, group], out[rows, group]
    mutual_same, mutual_all = mutual[rows, group], mutual.sum(axis=1)
    same_ends = into.multiply(out).sum(axis=1)  # two-paths with g(a) = g(c)
    counts = np.empty((n, 5), dtype=np.int64)
    counts[:, _COORDINATOR] = in_same * out_same - mutual_same
    counts[:, _ITINERANT] = same_ends - in_same * out_same - (mutual_all - mutual_same)
    counts[:, _GATEKEEPER] = (in_deg - in_same) * out_same
    counts[:, _REPRESENTATIVE] = in_same * (out_deg - out_same)
    counts[:, _LIAISON] = (in_deg - in_same) * (out_deg - out_same) - (
        same_ends - in_same * out_same
    )
    return counts


def _closed_two_path_counts(src: np.ndarray, tgt: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per broker and role, the two-paths ``a -> b -> c`` closed by an arc ``a -> c``."""
    n = len(group)
    counts = np.zeros((n, 5), dtype=np.int64)
    triangles = _triangles(src, tgt, n)
    if not len(triangles):
        return counts
    arcs = np.unique(src * n + tgt)
    for a, b, c in _PERMUTATIONS:
        x, y, z = triangles[:, a], triangles[:, b], triangles[:, c]
        closed = _has_arc(arcs, x, y, n) & _has_arc(arcs, y, z, n) & _has_arc(arcs, x, z, n)
        x, y, z = x[closed], y[closed], z[closed]
        role = _role(group[x], group[y], group[z])
        counts += np.bincount(y * 5 + role, minlength=n * 5).reshape(n, 5)
    return counts


_PERMUTATIONS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


def _triangles(src: np.ndarray, tgt: np.ndarray, n: int) -> np.ndarray:
    """The triangles of the undirected graph underlying the arcs, as rows of vertex ids."""
    # a one-dimensional key: np.unique(axis=0) on pairs is ~20x slower
    keys = np.unique(np.minimum(src, tgt) * n + np.maximum(src, tgt))
    pairs = np.column_stack([keys // n, keys % n])
    found = ig.Graph(n=n, edges=pairs, directed=False).list_triangles()
    return np.array(found, dtype=np.int64).reshape(-1, 3)


def _has_arc(arcs: np.ndarray, x: np.ndarray, y: np.ndarray, n: int) -> np.ndarray:
    key = x * n + y
    at = np.searchsorted(arcs, key).clip(max=len(arcs) - 1)
    return arcs[at] == key


def _role(ga: np.ndarray, gb: np.ndarray, gc: np.ndarray) -> np.ndarray:
    """The role code of broker ``b`` on ``a -> b -> c`` from the three groups."""
    return np.select(
        [(ga == gb) & (gb == gc), ga == gc, gb == gc, ga == gb],
        [_COORDINATOR, _ITINERANT, _GATEKEEPER, _REPRESENTATIVE],
        default=_LIAISON,
    )


def _frame(actors: list[str], counts: np.ndarray) -> pl.DataFrame:
    columns = {role: counts[:, r] for r, role in enumerate(BROKERAGE_ROLES)}
    schema = {"actor": pl.String, **dict.fromkeys(columns, pl.Int64)}
    frame = pl.DataFrame({"actor": actors, **columns}, schema=schema)
    return frame.with_columns(pl.sum_horizontal(BROKERAGE_ROLES).cast(pl.Int64).alias("total"))
