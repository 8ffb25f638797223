"""Back-test: fit on the years up to T, then rank the candidates of every later choice.

Each choice signed after ``train_to`` is scored against its whole risk set with the network
as it stood the year before (one-step-ahead: the observed history up to ``t - 1`` is known,
as it would be to someone predicting year ``t``). The chosen partner's rank gives the hit
rate at 1, 5 and 10 (the share of choices whose partner ranks in the top k) and the mean
reciprocal rank (Voorhees 1999). Candidates with the same score are ordered at random, and
the expected value over those orderings is reported, so a model that cannot tell candidates
apart scores exactly what the random baseline scores: ``k / |risk set|`` at k.

Baselines: ``random`` (every candidate equal), ``degree`` (rank by degree at t - 1, the
preferential-attachment guess) and ``repeat`` (former partners first).

References
----------
Liben-Nowell, D. & Kleinberg, J. (2007). The link-prediction problem for social networks.
Journal of the American Society for Information Science and Technology 58(7), 1019-1031.
Voorhees, E. M. (1999). The TREC-8 question answering track report. TREC-8, 77-82.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.special import digamma

from bioris.model.choices import choice_events
from bioris.model.clogit import ModelError
from bioris.model.estimate import PartnerChoiceFit, fit_partner_choice
from bioris.model.history import History
from bioris.model.statistics import design

__all__ = ["BACKTEST_SCHEMA", "HITS_AT", "Backtest", "backtest_partner_choice", "rank_scores"]

HITS_AT = (1, 5, 10)
BACKTEST_SCHEMA = {
    "model": pl.String, "hit_at_1": pl.Float64, "hit_at_5": pl.Float64,
    "hit_at_10": pl.Float64, "mrr": pl.Float64, "n_choices": pl.Int64,
    "mean_risk_set": pl.Float64, "train_from": pl.Int32, "train_to": pl.Int32,
    "test_to": pl.Int32,
}  # fmt: skip
_CHUNK_ROWS = 2_000_000


@dataclass(frozen=True, slots=True)
class Backtest:
    """The scorecard (:data:`BACKTEST_SCHEMA`, one row per model and baseline) and the fit
    it scored."""

    table: pl.DataFrame
    fit: PartnerChoiceFit


def rank_scores(greater: np.ndarray, equal: np.ndarray) -> dict[str, np.ndarray]:
    """Expected hit at k and reciprocal rank of chosen partners with ``greater`` candidates
    scoring above them and ``equal`` (themselves included) scoring the same, under a random
    order of the equal ones."""
    out = {f"hit_at_{k}": np.clip((k - greater) / equal, 0.0, 1.0) for k in HITS_AT}
    # mean of 1/r for r = greater + 1 .. greater + equal: (H(g + e) - H(g)) / e
    harmonic = _harmonic(greater + equal) - _harmonic(greater)
    out["mrr"] = harmonic / equal
    return out


def _harmonic(n: np.ndarray) -> np.ndarray:
    """H(n) = digamma(n + 1) + Euler's gamma."""
    return digamma(np.asarray(n, dtype=np.float64) + 1) + np.euler_gamma


def backtest_partner_choice(
    history: History,
    start: int,
    train_to: int,
    end: int,
    *,
    statistics: Sequence[str] | None = None,
    alternatives: int | None = 20,
    seed: int = 0,
) -> Backtest:
    """Fit on the choices of ``start .. train_to``, score those of ``train_to + 1 .. end``.

    Returns
    -------
    Backtest
        One row per scorer: ``model`` (the fitted conditional logit), ``random``,
        ``degree`` and ``repeat``.
    """
    events = choice_events(history, start, end)
    fit = fit_partner_choice(
        history, start, train_to, statistics=statistics, alternatives=alternatives, seed=seed,
        events=events.between(start, train_to),
    )  # fmt: skip
    test = events.between(train_to + 1, end)
    if not len(test):
        raise ModelError(f"no choices after {train_to} to test on (up to {end})")
    fitted = fit.coefficients()
    scorers = {
        "model": (tuple(fitted), np.array(list(fitted.values()))),
        "random": ((), np.zeros(0)),
        "degree": (("degree",), np.ones(1)),
        "repeat": (("repeat",), np.ones(1)),
    }
    ranks: dict[str, list[dict[str, np.ndarray]]] = {name: [] for name in scorers}
    sizes = []
    for year in np.unique(test.year):
        state = history.state(int(year))
        pool = np.flatnonzero(state.at_risk)
        at = np.flatnonzero(test.year == year)
        for chunk in np.array_split(at, max(1, len(at) * len(pool) // _CHUNK_ROWS + 1)):
            focal, chosen = test.focal[chunk], test.chosen[chunk]
            sizes.append(np.full(len(chunk), len(pool) - 1))
            rows_focal = np.repeat(focal, len(pool))
            rows_candidate = np.tile(pool, len(chunk))
            for name, (names, weights) in scorers.items():
                x = design(history, state, rows_focal, rows_candidate, names)
                score = (x @ weights).reshape(len(chunk), len(pool))
                ranks[name].append(_ranks(score, pool, focal, chosen))
    return Backtest(_scorecard(ranks, np.concatenate(sizes), start, train_to, end), fit)


def _ranks(
    score: np.ndarray, pool: np.ndarray, focal: np.ndarray, chosen: np.ndarray
) -> dict[str, np.ndarray]:
    score = np.where(pool[None, :] == focal[:, None], -np.inf, score)  # not a candidate
    mine = score[np.arange(len(chosen)), np.searchsorted(pool, chosen)][:, None]
    greater = (score > mine).sum(axis=1)
    equal = (score == mine).sum(axis=1)
    return rank_scores(greater, equal)


def _scorecard(
    ranks: dict[str, list[dict[str, np.ndarray]]], sizes: np.ndarray, start: int,
    train_to: int, end: int,
) -> pl.DataFrame:  # fmt: skip
    rows = []
    for name, parts in ranks.items():
        merged = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
        rows.append({
            "model": name, **{key: float(values.mean()) for key, values in merged.items()},
            "n_choices": len(sizes), "mean_risk_set": float(sizes.mean()),
            "train_from": start, "train_to": train_to, "test_to": end,
        })  # fmt: skip
    return pl.DataFrame(rows, schema=BACKTEST_SCHEMA)
