"""The conditional logit (McFadden 1974) of stacked choice sets, by maximum likelihood.

For choice set ``g`` with rows ``x_k`` (statistics of candidate ``k``) and chosen row ``c_g``:

``P(c_g | g) = exp(x_{c_g} b) / sum_{k in g} exp(x_k b)``

``log L(b) = sum_g [x_{c_g} b - log sum_{k in g} exp(x_k b)]``, concave in ``b``; its gradient
is ``sum_g (x_{c_g} - xbar_g)`` and its Hessian ``-sum_g sum_{k in g} p_k (x_k - xbar_g)
(x_k - xbar_g)'`` with ``p_k`` the choice probabilities and ``xbar_g = sum_k p_k x_k``. It is
maximised with scipy's trust-region Newton method on the exact Hessian (``trust-exact``);
standard errors are the square roots of the diagonal of the inverse observed information,
and intervals are Wald intervals. This is the likelihood of R's ``survival::clogit`` (exact
partial likelihood with one event per stratum) and of statsmodels' ``ConditionalLogit``.

References
----------
McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior. In
P. Zarembka (ed.), Frontiers in Econometrics, 105-142. Academic Press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from bioris.errors import BiorisError

__all__ = ["ClogitFit", "ModelError", "fit_clogit", "log_likelihood", "separation"]


# beyond these the maximisation is walking off to infinity (exp(50) is 5e21)
_MAX_COEFFICIENT = 50.0
_MAX_SE = 1e4


class ModelError(BiorisError):
    """A partner-choice model cannot be estimated as asked (a statistic that never varies,
    no choices in a period, a likelihood without a maximum)."""


@dataclass(frozen=True, slots=True)
class ClogitFit:
    """Coefficients, standard errors and Wald intervals of a conditional logit."""

    names: tuple[str, ...]
    coefficient: np.ndarray
    se: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    log_likelihood: float
    null_log_likelihood: float
    n_choices: int
    n_rows: int
    iterations: int
    confidence: float

    @property
    def z(self) -> np.ndarray:
        return self.coefficient / self.se

    @property
    def p_value(self) -> np.ndarray:
        return 2 * special.ndtr(-np.abs(self.z))


def _pieces(x: np.ndarray, starts: np.ndarray, beta: np.ndarray) -> tuple[float, np.ndarray]:
    """Log-likelihood and the choice probabilities of every row."""
    eta = x @ beta
    top = np.maximum.reduceat(eta, starts)
    sizes = np.diff(np.r_[starts, len(eta)])
    shifted = np.exp(eta - np.repeat(top, sizes))
    total = np.add.reduceat(shifted, starts)
    loglik = float(np.sum(eta[starts] - top - np.log(total)))
    return loglik, shifted / np.repeat(total, sizes)


def log_likelihood(x: np.ndarray, starts: np.ndarray, beta: np.ndarray) -> float:
    """The conditional-logit log-likelihood of ``beta`` (the chosen row first in each set)."""
    return _pieces(x, starts, np.asarray(beta, dtype=np.float64))[0]


def _gradient_hessian(
    x: np.ndarray, starts: np.ndarray, p: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    weighted = x * p[:, None]
    mean = np.add.reduceat(weighted, starts, axis=0)
    gradient = x[starts].sum(axis=0) - mean.sum(axis=0)
    information = weighted.T @ x - mean.T @ mean
    return gradient, information


class _Objective:
    """The negative log-likelihood with its gradient and Hessian, each ``beta`` evaluated
    once: scipy asks for the three separately at the same point."""

    def __init__(self, x: np.ndarray, starts: np.ndarray) -> None:
        self.x, self.starts = x, starts
        self._at: np.ndarray | None = None

    def _evaluate(self, beta: np.ndarray) -> None:
        if self._at is None or not np.array_equal(beta, self._at):
            loglik, p = _pieces(self.x, self.starts, beta)
            gradient, information = _gradient_hessian(self.x, self.starts, p)
            self._at, self._value = beta.copy(), -loglik
            self._gradient, self._information = -gradient, information

    def value(self, beta: np.ndarray) -> float:
        self._evaluate(beta)
        return self._value

    def gradient(self, beta: np.ndarray) -> np.ndarray:
        self._evaluate(beta)
        return self._gradient

    def hessian(self, beta: np.ndarray) -> np.ndarray:
        self._evaluate(beta)
        return self._information


def fit_clogit(
    x: np.ndarray,
    starts: np.ndarray,
    names: Sequence[str],
    *,
    confidence: float = 0.95,
    tol: float = 1e-9,
) -> ClogitFit:
    """Maximum-likelihood conditional logit of stacked choice sets.

    Parameters
    ----------
    x : numpy.ndarray
        Rows x statistics; the rows of a choice set are contiguous and its chosen row first.
    starts : numpy.ndarray
        The first row of each set, increasing.
    names : sequence of str
        The statistics' names (for messages and the result).
    confidence : float
        Level of the Wald intervals.
    tol : float
        Gradient norm at which the maximisation stops.

    Raises
    ------
    ModelError
        No choice set with two rows, a statistic that does not vary within any choice set
        (it cannot be estimated), or a likelihood without a finite maximum (a statistic that
        separates chosen from non-chosen perfectly).
    """
    x = np.ascontiguousarray(x, dtype=np.float64)
    starts = np.asarray(starts, dtype=np.int64)
    if not len(starts) or len(x) <= len(starts):
        raise ModelError("no choice set has an alternative to the chosen partner")
    _check_variation(x, starts, names)
    objective = _Objective(x, starts)
    result = optimize.minimize(
        objective.value, np.zeros(x.shape[1]), jac=objective.gradient, hess=objective.hessian,
        method="trust-exact", options={"gtol": tol, "maxiter": 200},
    )  # fmt: skip
    beta = result.x
    loglik = -objective.value(beta)
    covariance = np.linalg.inv(objective.hessian(beta))
    se = np.sqrt(np.diag(covariance))
    # status 2: no step improves the likelihood by more than its rounding, which with a
    # vanishing gradient is the maximum
    flat = result.status == 2 and np.max(np.abs(result.jac)) <= 1e-6 * max(1, len(starts))
    converged = result.success or flat
    if not converged or np.max(np.abs(beta)) > _MAX_COEFFICIENT or np.max(se) > _MAX_SE:
        raise ModelError(
            "the likelihood has no finite maximum (a combination of statistics separates "
            f"chosen from other partners: {_largest(names, beta)}); leave one of them out"
        )
    z = special.ndtri(0.5 + confidence / 2)
    sizes = np.diff(np.r_[starts, len(x)])
    return ClogitFit(
        tuple(names), beta, se, beta - z * se, beta + z * se, loglik,
        float(-np.log(sizes).sum()), len(starts), len(x), int(result.nit), confidence,
    )  # fmt: skip


def separation(x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """For each statistic: -1 where every chosen partner has its set's lowest value (and some
    set has a higher one), +1 where every chosen one has the highest, else 0.

    Such a statistic separates chosen from other partners: the likelihood keeps rising as its
    coefficient goes to minus (plus) infinity, so it has no finite estimate (Albert & Anderson
    1984; R's ``clogit`` warns that the coefficient "may be infinite").
    """
    x = np.asarray(x, dtype=np.float64)
    low = np.minimum.reduceat(x, starts, axis=0)
    high = np.maximum.reduceat(x, starts, axis=0)
    chosen = x[starts]
    varies = (high > low).any(axis=0)
    out = np.zeros(x.shape[1], dtype=np.int8)
    out[varies & (chosen == low).all(axis=0)] = -1
    out[varies & (chosen == high).all(axis=0)] = 1
    return out


def _largest(names: Sequence[str], beta: np.ndarray) -> str:
    k = int(np.argmax(np.abs(beta)))
    return f"{names[k]} = {beta[k]:.1f}"


def _check_variation(x: np.ndarray, starts: np.ndarray, names: Sequence[str]) -> None:
    sizes = np.diff(np.r_[starts, len(x)])
    spread = np.maximum.reduceat(x, starts, axis=0) - np.minimum.reduceat(x, starts, axis=0)
    flat = [
        n
        for n, varies in zip(names, (spread[sizes > 1] > 0).any(axis=0), strict=True)
        if not varies
    ]
    if flat:
        raise ModelError(
            f"statistic(s) {', '.join(flat)} do not vary within any choice set (every "
            "candidate of a choice has the same value), so no coefficient can be estimated; "
            "leave them out"
        )
    rank = np.linalg.matrix_rank(x - np.repeat(x[starts], sizes, axis=0))
    if rank < x.shape[1]:
        raise ModelError(
            f"the statistics {', '.join(names)} are collinear within the choice sets; leave "
            "one of them out"
        )
