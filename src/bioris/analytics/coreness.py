"""Borgatti-Everett continuous core-periphery model: each actor's coreness and the model's fit."""

from __future__ import annotations

from typing import Literal, NamedTuple

import numpy as np
import polars as pl
from scipy import optimize, sparse
from scipy.sparse import csgraph, linalg

from bioris.analytics.graph import edge_arrays
from bioris.errors import BiorisError

__all__ = ["METHODS", "coreness", "coreness_arrays", "coreness_fit"]

Method = Literal["newton", "lbfgs", "alternating"]
METHODS: tuple[Method, ...] = ("newton", "lbfgs", "alternating")
_NUDGE = 0.1  # relative size of the perturbation that steps off saddle points
_DENSE_MAX = 64  # components up to this size get a dense eigen-decomposition
_NEWTON_MAX_ITER = 200  # Newton steps before L-BFGS-B takes over (see _descend_newton)
_HUB_SHARE = 0.99  # share of sum(c^2) on one actor that marks a run to the single-hub limit


def coreness(
    edges: pl.DataFrame,
    *,
    weight: str | None = None,
    method: Method = "newton",
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
    method : {"newton", "lbfgs", "alternating"}, default "newton"
        ``"newton"`` fits each connected component on its own (the best fit lives in one
        component, see Notes): it starts from the component's leading eigenvector, the first
        step of UCINET's minres iteration (Boyd et al. 2010), and finishes with a trust-region
        Newton descent on the exact Hessian (scipy's ``trust-krylov``), which converges in
        tens of steps where the minres iteration itself needs thousands on networks with
        hubs. ``"lbfgs"`` and ``"alternating"`` are the reference solvers, kept to check the
        default against: they fit the whole matrix at once from the degrees, with scipy's
        L-BFGS-B and the exact gradient, or with the minres update
        ``c_i <- sum_{j != i} a_ij c_j / sum_{j != i} c_j ** 2`` for all actors at once, each
        step averaged (geometric mean) with the previous vector (without that damping the
        simultaneous update swings the scale of ``c`` back and forth forever). All three give
        the same answer up to the tolerance; the update needs tens of thousands of steps on
        networks with hubs.
    max_iter : int, default 10_000
        Most iterations (updates, L-BFGS-B steps, or Newton steps, at most 1,000 of those)
        for one descent.
    tol : float, default 1e-10
        For ``"alternating"``, the largest change of ``c`` between updates relative to its
        largest value; for ``"lbfgs"``, the largest component of the projected gradient (the
        descent also stops when the residual no longer falls by more than rounding); for
        ``"newton"``, the gradient's norm relative to that of ``A``. Also the fraction of
        ``sum a_ij ** 2`` by which a restart must lower the residual to be kept.
    seed : int, optional
        None (default) starts from the leading eigenvector (``"newton"``) or the degrees
        (strengths when weighted) and draws the saddle-point perturbation (see Notes) from a
        generator seeded with 0, so results are deterministic. An integer starts instead from
        a random positive vector drawn from ``numpy.random.default_rng(seed)``, to check that
        the solution does not depend on the start.

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

    *Saddle points.* On graphs with symmetries (a path, two identical components) a
    first-order descent from the degrees keeps the symmetry and can stop on a saddle point. The
    reference solvers therefore repeat the descent from the solution with each value moved by
    up to 10% at random, and keep the lower result; ``"newton"`` does so only where the
    trust-region Newton descent stopped short (it converges to points where the Hessian is
    positive semi-definite, never to saddle points: Conn, Gould & Toint 2000, ch. 6). Where
    that restart wins, the best fit is not symmetric, so which of the mirror images is
    returned depends on the perturbation (and so on the order of the actors).

    *A single tie as core.* Where the coreness sits on two tied actors only, just the product
    of their values is determined; how it splits between them depends on the start.

    *A single hub.* With one actor's coreness ``t`` growing without bound and its contacts'
    coreness ``a_hj / t`` shrinking, the residual tends to that of fitting only the hub's ties.
    For a star, and for some graphs dominated by one hub, nothing bounded does better: the
    model has no minimum. That limit is compared with the descent and, when lower, returned as
    it is: coreness 1.0 for the hub and 0.0 for everyone else.

    *Disconnected graphs.* Coreness spread over several components fits worse than the same
    coreness moved into one of them, since every cross-component cell only adds error (the
    residual along a mix of two components' directions is quasi-concave in the mix, so its
    minimum is at an end). The default solver therefore fits components one at a time, in
    decreasing order of their sum of squared ties (a bound on what fitting them can gain), and
    stops once no remaining component can beat the best gain; coreness sits in that component
    and is exactly 0 elsewhere (they are periphery to the whole network). The reference
    solvers fit the whole matrix and give other components small or zero coreness. An actor
    with no ties (only self-loops) gets exactly 0.

    *Warm starts* from the previous year's solution were tried and not kept: from the
    eigenvector start Newton needs 6-35 steps on every yearly snapshot of the benchmarks, and
    a start that depends on the previous year would make a year's result depend on how years
    are split between processes.

    References
    ----------
    .. [1] Borgatti, S. P., & Everett, M. G. (1999). Models of core/periphery structures.
       *Social Networks*, 21(4), 375-395.
    .. [2] Boyd, J. P., Fitzgerald, W. J., Mahutga, M. C., & Smith, D. A. (2010). Computing
       continuous core/periphery structures for social relations data with MINRES/SVD.
       *Social Networks*, 32(2), 125-137.
    .. [3] Gould, N. I. M., Lucidi, S., Roma, M., & Toint, P. L. (1999). Solving the
       trust-region subproblem using the Lanczos method. *SIAM Journal on Optimization*, 9(2),
       504-525 (scipy's ``trust-krylov``).

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
    method: Method = "newton",
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


def coreness_arrays(
    n: int,
    source: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray | None = None,
    *,
    method: Method = "newton",
    max_iter: int = 10_000,
    tol: float = 1e-10,
    seed: int | None = None,
) -> tuple[np.ndarray, float]:
    """:func:`coreness` and :func:`coreness_fit` of a graph given as integer arrays.

    Vertices are ``0 .. n-1``; pair ``k`` ties ``source[k]`` and ``target[k]`` with strength
    ``weight[k]`` (1 when None); each pair appears once, without self-loops. Returns the
    coreness vector (unit length) and the fit, as :func:`coreness` documents them.
    """
    if method not in METHODS:
        raise BiorisError(f"unknown coreness method {method!r}; use one of: {', '.join(METHODS)}")
    if not len(source):
        return np.zeros(n), float("nan")
    values = np.ones(len(source)) if weight is None else np.asarray(weight, dtype=np.float64)
    rows = np.concatenate([source, target])
    cols = np.concatenate([target, source])
    ties = sparse.csr_array((np.concatenate([values, values]), (rows, cols)), shape=(n, n))
    rng = np.random.default_rng(0 if seed is None else seed)
    margin = tol * _residual(ties, np.zeros(n))
    if method == "newton":
        c = _by_component(ties, rng, seed, max_iter, tol, margin)
    else:
        c = _whole_matrix(ties, rng, seed, method, max_iter, tol, margin)
    return _best_of(ties, c, margin)


def _solve(
    edges: pl.DataFrame,
    weight: str | None,
    method: Method,
    max_iter: int,
    tol: float,
    seed: int | None,
) -> _Solution:
    arrays = edge_arrays(edges, weight=weight)
    values = arrays.weight if weight else None
    c, fit = coreness_arrays(
        len(arrays.actors), arrays.source, arrays.target, values,
        method=method, max_iter=max_iter, tol=tol, seed=seed,
    )  # fmt: skip
    return _Solution(arrays.actors, c, fit)


def _whole_matrix(
    ties: sparse.csr_array,
    rng: np.random.Generator,
    seed: int | None,
    method: Method,
    max_iter: int,
    tol: float,
    margin: float,
) -> np.ndarray:
    """The reference solvers: one descent over the whole matrix from the degrees (or a random
    start), and a restart from a perturbed solution to step off saddle points."""
    n = ties.shape[0]
    start = ties.sum(axis=1) if seed is None else rng.uniform(0.5, 1.5, n)
    descend = _descend_lbfgs if method == "lbfgs" else _descend_alternating
    c = descend(ties, start, max_iter, tol)
    restart = descend(ties, c * (1 + _NUDGE * rng.uniform(-1, 1, n)), max_iter, tol)
    return restart if _residual(ties, restart) < _residual(ties, c) - margin else c


def _by_component(
    ties: sparse.csr_array,
    rng: np.random.Generator,
    seed: int | None,
    max_iter: int,
    tol: float,
    margin: float,
) -> np.ndarray:
    """Coreness fitted component by component; the best component keeps it, the rest get 0.

    The residual of coreness spread over several components is never lower than that of the
    same coreness moved into one of them (cross-component cells only add error), so the best
    fit lives in one component: the one whose own fit lowers the residual most. A component
    cannot lower it by more than its own sum of squared ties, which orders the search and ends
    it early; the single-hub limit's gain is the bar to clear.
    """
    n = ties.shape[0]
    count, labels = csgraph.connected_components(ties, directed=False)
    squares = ties.multiply(ties)
    room = np.bincount(labels, weights=np.asarray(squares.sum(axis=1)).ravel(), minlength=count)
    best_gain = 2 * float(np.max(squares.sum(axis=1)))  # the single-hub limit's gain
    members = np.split(np.argsort(labels, kind="stable"), np.cumsum(np.bincount(labels))[:-1])
    c, found = np.zeros(n), False
    for k in np.argsort(-room, kind="stable"):
        # a bounded fit as good as the hub limit is preferred to it; a later component must
        # do better than an earlier one
        bar = best_gain + margin if found else best_gain - margin
        if room[k] < bar or (found and room[k] <= bar):
            break
        sub = ties[members[k]][:, members[k]]
        part = _fit_component(sub, rng, seed, max_iter, tol, margin)
        gain = room[k] - _residual(sub, part)
        if gain > bar:
            best_gain, found, c = gain, True, np.zeros(n)
            c[members[k]] = part
    return c


def _fit_component(
    ties: sparse.csr_array,
    rng: np.random.Generator,
    seed: int | None,
    max_iter: int,
    tol: float,
    margin: float,
) -> np.ndarray:
    """Newton descent from the minres start; again from a perturbed solution unless it ended
    at a second-order point.

    A trust-region Newton method with exact Hessian products converges to points where the
    Hessian is positive semi-definite, not to saddle points (Conn, Gould & Toint 2000,
    *Trust-Region Methods*, ch. 6; Sorensen 1982), so the perturbed restart of the reference
    solvers is needed only where it stopped short and another solver finished.
    """
    m = ties.shape[0]
    start = _minres_start(ties) if seed is None else rng.uniform(0.5, 1.5, m)
    c, second_order = _descend_newton(ties, start, max_iter, tol)
    if second_order:
        return c
    restart, _ = _descend_newton(ties, c * (1 + _NUDGE * rng.uniform(-1, 1, m)), max_iter, tol)
    return restart if _residual(ties, restart) < _residual(ties, c) - margin else c


def _minres_start(ties: sparse.csr_array) -> np.ndarray:
    """The principal eigenvector of ``A`` at its best scale: the first minres step.

    Boyd et al. (2010) iterate ``c <- sqrt(l) v`` for the leading eigenpair ``(l, v)`` of
    ``A`` with its diagonal replaced by ``c_i ** 2``; from ``c = 0`` the first step is the
    leading eigenvector of ``A`` itself (Perron, so non-negative on a connected graph), scaled
    here to minimise the residual along it.
    """
    m = ties.shape[0]
    if m <= _DENSE_MAX:
        v = np.abs(np.linalg.eigh(ties.toarray())[1][:, -1])
    else:
        try:
            v = np.abs(linalg.eigsh(ties, k=1, which="LA", v0=ties.sum(axis=1))[1][:, 0])
        except linalg.ArpackNoConvergence:
            v = np.asarray(ties.sum(axis=1), dtype=np.float64)
    v = v / np.sqrt(v @ v)
    spread = 1 - (v**4).sum()
    return v * np.sqrt(max(v @ (ties @ v), 0.0) / spread) if spread > 0 else v


def _descend_newton(
    ties: sparse.csr_array, start: np.ndarray, max_iter: int, tol: float
) -> tuple[np.ndarray, bool]:
    """Trust-region Newton (Krylov subproblems, exact Hessian products) on the residual.

    Unbounded: on a connected graph the minimum is strictly positive, and ``|c|`` fits at
    least as well as ``c``. Where Newton has not converged after ``_NEWTON_MAX_ITER`` steps
    (on the way to the single-hub limit, which :func:`_best_of` compares, its steps grow
    slowly), L-BFGS-B finishes from its last point. The flag says whether Newton itself
    converged (a second-order point).
    """
    scale = max(1.0, float(np.sqrt((ties.data**2).sum())))
    with np.errstate(over="ignore", invalid="ignore"):  # a run to the hub limit may overflow
        result = optimize.minimize(
            lambda x: _residual_and_gradient(ties, x), start, jac=True,
            hessp=lambda x, p: _hessian_product(ties, x, p), method="trust-krylov",
            options={"gtol": tol * scale, "maxiter": min(max_iter, _NEWTON_MAX_ITER)},
        )  # fmt: skip
    finite = np.all(np.isfinite(result.x))
    # status 2: the residual no longer falls by more than its rounding (it is a difference of
    # large sums), which near a minimum means converged when the gradient is small too
    rounding = result.status == 2 and np.linalg.norm(result.jac) <= np.sqrt(tol) * scale
    if finite and (result.success or rounding):
        return np.abs(result.x), True
    c = np.abs(result.x) if finite else start
    heading_to_hub = finite and np.max(c * c) > _HUB_SHARE * (c @ c)
    if heading_to_hub and _hub_limit(ties)[1] <= _residual(ties, c):
        return c, False  # on its way to the single-hub limit, which fits better already
    return _descend_lbfgs(ties, c, max_iter, tol), False  # as the reference solver does


def _hessian_product(ties: sparse.csr_array, c: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The residual's Hessian times ``p``: ``4 (s p + 2 c (c.p) - 3 c^2 p - A p)``."""
    return 4 * ((c @ c) * p + 2 * c * (c @ p) - 3 * c * c * p - ties @ p)


def _best_of(ties: sparse.csr_array, c: np.ndarray, margin: float) -> tuple[np.ndarray, float]:
    """The descent's solution, or the single-hub limit when that fits better."""
    hub, hub_residual = _hub_limit(ties)
    if hub_residual < _residual(ties, c) - margin:
        limit = np.zeros(len(c))
        limit[hub] = 1.0
        hub_row = ties[[hub], :].toarray().ravel()
        square = hub_row @ hub_row
        sums = (2 * hub_row.sum(), 2 * square, 2 * square)
        return limit, _pearson(ties, *sums)
    s = c @ c
    sums = (c.sum() ** 2 - s, s * s - (c**4).sum(), c @ (ties @ c))
    return c / np.sqrt(s), _pearson(ties, *sums)


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
