"""Borgatti-Everett continuous core-periphery model: each actor's coreness and the model's fit."""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import polars as pl
from scipy import optimize, sparse

from bioris.analytics.graph import edge_arrays
from bioris.errors import BiorisError

__all__ = ["coreness", "coreness_fit"]

Method = Literal["lbfgs", "alternating"]
_NUDGE = 0.1  # relative size of the perturbation that steps off saddle points


def coreness(
    edges: pl.DataFrame,
    *,
    weight: str | None = None,
    method: Method = "lbfgs",
    max_iter: int = 10_000,
    tol: float = 1e-10,
    seed: int | None = None,
) -> pl.DataFrame:
    """Continuous coreness: the vector ``c`` whose pattern ``c c^T`` best fits the ties.

    Minimises the residual ``sum_{i != j} (a_ij - c_i c_j) ** 2`` over ``c >= 0`` (the
    diagonal is ignored), the least-squares ("minres") form of Borgatti and Everett's
    continuous core-periphery model.

    Parameters
    ----------
    edges : polars.DataFrame
        Columns ``source`` and ``target`` (actor ids), read as undirected ties; self-loops are
        dropped.
    weight : str, optional
        Column of tie strengths (finite, positive); duplicate rows for a pair add up. When None
        ``a_ij`` is 1 for every connected pair, however many rows it has.
    method : {"lbfgs", "alternating"}, default "lbfgs"
        ``"alternating"`` repeats the minres update
        ``c_i <- sum_{j != i} a_ij c_j / sum_{j != i} c_j ** 2`` for all actors at once, each
        step averaged (geometric mean) with the previous vector: without that damping the
        simultaneous update swings the scale of ``c`` back and forth forever. ``"lbfgs"``
        minimises the same residual with scipy's L-BFGS-B and the exact gradient; the two give
        the same answer, but on networks with hubs the update needs tens of thousands of steps
        where L-BFGS-B needs tens.
    max_iter : int, default 10_000
        Most iterations (updates or L-BFGS-B steps) for one descent.
    tol : float, default 1e-10
        For ``"alternating"``, the largest change of ``c`` between updates relative to its
        largest value; for ``"lbfgs"``, the largest component of the projected gradient (the
        descent also stops when the residual no longer falls by more than rounding). Also the
        fraction of ``sum a_ij ** 2`` by which a restart must lower the residual to be kept.
    seed : int, optional
        None (default) starts from the actors' degrees (strengths when weighted) and draws the
        saddle-point perturbation (see Notes) from a generator seeded with 0, so results are
        deterministic. An integer starts instead from a random positive vector drawn from
        ``numpy.random.default_rng(seed)``, to check that the solution does not depend on the
        start.

    Returns
    -------
    polars.DataFrame
        Columns ``actor, coreness`` (Float64), one row per actor in ``edges``, sorted by actor;
        coreness is >= 0 with a sum of squares of 1 (``c / ||c||``).

    Raises
    ------
    BiorisError
        If a descent does not converge within ``max_iter`` iterations.

    Notes
    -----
    The residual is not convex: it has saddle points and can have local minima, so the answer
    is the lowest of the points found as follows (it agreed with the best of several random
    starts of a dense BFGS minimisation on every random graph tried; see the tests).

    *Saddle points.* On graphs with symmetries (a path, two identical components) the descent
    from the degrees keeps the symmetry and can stop on a saddle point. The descent is therefore
    repeated from the solution with each value moved by up to 10% at random, and the lower
    result kept. Where that restart wins, the best fit is not symmetric, so which of the mirror
    images is returned depends on the perturbation (and so on the order of the actors).

    *A single tie as core.* Where the coreness sits on two tied actors only, just the product
    of their values is determined; how it splits between them depends on the start.

    *A single hub.* With one actor's coreness ``t`` growing without bound and its contacts'
    coreness ``a_hj / t`` shrinking, the residual tends to that of fitting only the hub's ties.
    For a star, and for some graphs dominated by one hub, nothing bounded does better: the
    model has no minimum. That limit is compared with the descent and, when lower, returned as
    it is: coreness 1.0 for the hub and 0.0 for everyone else.

    *Disconnected graphs* are fitted as one matrix. Coreness sits in the component with the
    strongest core; actors in other components get small or zero coreness (they are periphery
    to the whole network), and an actor with no ties (only self-loops) gets exactly 0.

    References
    ----------
    .. [1] Borgatti, S. P., & Everett, M. G. (1999). Models of core/periphery structures.
       *Social Networks*, 21(4), 375-395.
    .. [2] Boyd, J. P., Fitzgerald, W. J., Mahutga, M. C., & Smith, D. A. (2010). Computing
       continuous core/periphery structures for social relations data with MINRES/SVD.
       *Social Networks*, 32(2), 125-137.

    Examples
    --------
    >>> import polars as pl
    >>> core = [("a", "b"), ("a", "c"), ("b", "c")]
    >>> periphery = [(x, y) for x in "abc" for y in "pq"]
    >>> edges = pl.DataFrame(core + periphery, schema=["source", "target"], orient="row")
    >>> result = coreness(edges)
    >>> result.sort("coreness", descending=True)["actor"].head(3).sort().to_list()
    ['a', 'b', 'c']
    """
    solution = _solve(edges, weight, method, max_iter, tol, seed)
    return pl.DataFrame(
        {"actor": solution.actors, "coreness": solution.coreness},
        schema={"actor": pl.String, "coreness": pl.Float64},
    )


def coreness_fit(
    edges: pl.DataFrame,
    *,
    weight: str | None = None,
    method: Method = "lbfgs",
    max_iter: int = 10_000,
    tol: float = 1e-10,
    seed: int | None = None,
) -> float:
    """Fit of the continuous core-periphery model, as UCINET reports it.

    The Pearson correlation between the off-diagonal entries of the tie matrix ``A`` and of the
    pattern ``c c^T``, for the coreness :func:`coreness` finds with the same arguments (see it
    for the parameters). In the single-hub limit the pattern is the limit one: ``a_hj`` on the
    hub's ties, 0 elsewhere.

    Returns
    -------
    float
        The correlation, in [-1, 1]; NaN when it is undefined (no edges, or every off-diagonal
        entry of ``A`` or of the pattern equal, as for a single tie or a complete graph).

    References
    ----------
    .. [1] Borgatti, S. P., & Everett, M. G. (1999). Models of core/periphery structures.
       *Social Networks*, 21(4), 375-395.

    Examples
    --------
    >>> import polars as pl
    >>> edges = pl.DataFrame({"source": ["a", "a", "b"], "target": ["b", "c", "c"]})
    >>> edges = pl.concat([edges, pl.DataFrame({"source": ["a", "b"], "target": ["d", "e"]})])
    >>> round(coreness_fit(edges), 3)
    0.697
    """
    return _solve(edges, weight, method, max_iter, tol, seed).fit


class _Solution(NamedTuple):
    actors: list[str]
    coreness: np.ndarray
    fit: float


def _solve(
    edges: pl.DataFrame,
    weight: str | None,
    method: Method,
    max_iter: int,
    tol: float,
    seed: int | None,
) -> _Solution:
    if method not in ("lbfgs", "alternating"):
        raise BiorisError(f"unknown coreness method {method!r}; use 'lbfgs' or 'alternating'")
    arrays = edge_arrays(edges, weight=weight)
    n = len(arrays.actors)
    if not len(arrays.source):
        return _Solution(arrays.actors, np.zeros(n), float("nan"))
    values = arrays.weight if weight else np.ones(len(arrays.source))
    rows = np.concatenate([arrays.source, arrays.target])
    cols = np.concatenate([arrays.target, arrays.source])
    ties = sparse.csr_array((np.concatenate([values, values]), (rows, cols)), shape=(n, n))
    rng = np.random.default_rng(0 if seed is None else seed)
    start = ties.sum(axis=1) if seed is None else rng.uniform(0.5, 1.5, n)
    descend = _descend_lbfgs if method == "lbfgs" else _descend_alternating
    margin = tol * _residual(ties, np.zeros(n))
    c = descend(ties, start, max_iter, tol)
    restart = descend(ties, c * (1 + _NUDGE * rng.uniform(-1, 1, n)), max_iter, tol)
    if _residual(ties, restart) < _residual(ties, c) - margin:
        c = restart
    return _best_of(arrays.actors, ties, c, margin)


def _best_of(actors: list[str], ties: sparse.csr_array, c: np.ndarray, margin: float) -> _Solution:
    """The descent's solution, or the single-hub limit when that fits better."""
    hub, hub_residual = _hub_limit(ties)
    if hub_residual < _residual(ties, c) - margin:
        limit = np.zeros(len(c))
        limit[hub] = 1.0
        hub_row = ties[[hub], :].toarray().ravel()
        square = hub_row @ hub_row
        sums = (2 * hub_row.sum(), 2 * square, 2 * square)
        return _Solution(actors, limit, _pearson(ties, *sums))
    s = c @ c
    sums = (c.sum() ** 2 - s, s * s - (c**4).sum(), c @ (ties @ c))
    return _Solution(actors, c / np.sqrt(s), _pearson(ties, *sums))


def _hub_limit(ties: sparse.csr_array) -> tuple[int, float]:
    """The actor whose ties alone fit best, and the residual of that single-hub limit."""
    squares = ties.multiply(ties).sum(axis=1)
    hub = int(np.argmax(squares))
    return hub, _residual(ties, np.zeros(ties.shape[0])) - 2 * float(squares[hub])


def _residual(ties: sparse.csr_array, c: np.ndarray) -> float:
    """``sum_{i != j} (a_ij - c_i c_j) ** 2`` without forming the dense matrix."""
    return _residual_and_gradient(ties, c)[0]


def _residual_and_gradient(ties: sparse.csr_array, c: np.ndarray) -> tuple[float, np.ndarray]:
    s, pulled = c @ c, ties @ c
    cubes = c**3
    residual = (ties.data**2).sum() - 2 * c @ pulled + s * s - c @ cubes
    return float(residual), 4 * (c * s - cubes - pulled)


def _descend_lbfgs(
    ties: sparse.csr_array, start: np.ndarray, max_iter: int, tol: float
) -> np.ndarray:
    result = optimize.minimize(
        lambda c: _residual_and_gradient(ties, c),
        start / np.sqrt(start @ start),
        jac=True,
        method="L-BFGS-B",
        bounds=optimize.Bounds(0.0, np.inf),
        options={"maxiter": max_iter, "ftol": 1e-15, "gtol": tol},
    )
    if result.status == 1:  # iteration limit
        raise BiorisError(f"coreness did not converge in max_iter={max_iter} iterations")
    return result.x


def _descend_alternating(
    ties: sparse.csr_array, start: np.ndarray, max_iter: int, tol: float
) -> np.ndarray:
    c = start / np.sqrt(start @ start)
    for _ in range(max_iter):
        update = (ties @ c) / (c @ c - c**2)
        new = np.sqrt(c * update)
        if np.max(np.abs(new - c)) <= tol * np.max(new):
            return new
        c = new
    if _hub_limit(ties)[1] < _residual(ties, c):
        return c  # heading for the single-hub limit, which _best_of returns
    raise BiorisError(f"coreness did not converge in max_iter={max_iter} iterations")


def _pearson(ties: sparse.csr_array, sum_x: float, sum_xx: float, sum_ax: float) -> float:
    """Correlation of off-diagonal ``a`` and pattern ``x`` entries from their sums."""
    n = ties.shape[0]
    entries = n * (n - 1)
    mean_a, mean_x = ties.data.sum() / entries, sum_x / entries
    var_a = (ties.data**2).sum() / entries - mean_a**2
    var_x = sum_xx / entries - mean_x**2
    cov = sum_ax / entries - mean_a * mean_x
    if _is_constant(var_a, mean_a) or _is_constant(var_x, mean_x):
        return float("nan")
    return float(np.clip(cov / np.sqrt(var_a * var_x), -1.0, 1.0))


def _is_constant(variance: float, mean: float) -> bool:
    """Whether a variance computed as E[x^2] - E[x]^2 is zero up to rounding."""
    return variance <= 1e-12 * mean**2 or variance <= 0
