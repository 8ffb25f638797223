"""Choices: each new alliance tie of a panel firm, with the partners it could have chosen.

A *choice* is a pair's signing in year ``t`` seen from a focal firm: the panel firm, or each
side in turn when both are panel firms. A pair that signs several alliances in one year makes
one choice per focal side. The *risk set* is every actor that can be chosen in ``t`` (entered
by then, not exited before ``t``; :meth:`~bioris.model.history.History.active_in`) but the
focal firm itself. Choices whose focal firm or partner is not active in ``t`` (an alliance
signed by a subsidiary after its acquisition) are left out and counted.

Large risk sets are sampled: the chosen partner and ``alternatives`` others drawn uniformly
at random without replacement from the rest of the risk set. Under uniform sampling every
alternative has the same chance to be in the sampled set whichever was chosen, so McFadden's
(1978) positive-conditioning property holds: the correction term ``log q(C | j)`` is the same
for every ``j`` of a set and cancels, and the conditional logit on the sampled sets estimates
the same coefficients as on the full sets (with wider intervals).

References
----------
McFadden, D. (1978). Modelling the choice of residential location. In A. Karlqvist et al.
(eds), Spatial Interaction Theory and Planning Models, 75-96. North-Holland.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bioris.model.history import History
from bioris.model.statistics import design

__all__ = ["ChoiceEvents", "ChoiceSets", "choice_events", "choice_sets"]


@dataclass(frozen=True, slots=True)
class ChoiceEvents:
    """Choices as arrays (``year``, ``focal``, ``chosen``; actor codes of the history), sorted
    by year, and how many signings were left out and why."""

    year: np.ndarray
    focal: np.ndarray
    chosen: np.ndarray
    left_out: dict[str, int]

    def __len__(self) -> int:
        return len(self.year)

    def between(self, start: int, end: int) -> ChoiceEvents:
        """The choices of ``start .. end``."""
        keep = (self.year >= start) & (self.year <= end)
        return ChoiceEvents(self.year[keep], self.focal[keep], self.chosen[keep], self.left_out)


@dataclass(frozen=True, slots=True)
class ChoiceSets:
    """Stacked choice sets: ``x`` (rows x statistics), ``starts`` (first row of each set, the
    chosen partner's row), ``year``/``focal``/``candidate`` per row, ``set_size`` per set (the
    risk set, before sampling) and the statistics' ``names``."""

    x: np.ndarray
    starts: np.ndarray
    year: np.ndarray
    focal: np.ndarray
    candidate: np.ndarray
    set_size: np.ndarray
    names: tuple[str, ...]

    @property
    def n_choices(self) -> int:
        return len(self.starts)


def choice_events(history: History, start: int, end: int) -> ChoiceEvents:
    """The choices of the years ``start .. end`` (see the module docstring)."""
    keep = (history.year >= start) & (history.year <= end)
    year, s, t = history.year[keep], history.source[keep], history.target[keep]
    keys = np.unique(year.astype(np.int64) * history.n * history.n + history.pair_keys(s, t))
    year = (keys // (history.n * history.n)).astype(np.int32)
    pair = keys % (history.n * history.n)
    s, t = pair // history.n, pair % history.n
    focal = np.r_[s[history.panel[s]], t[history.panel[t]]]
    chosen = np.r_[t[history.panel[s]], s[history.panel[t]]]
    year = np.r_[year[history.panel[s]], year[history.panel[t]]]
    not_panel = int(np.sum(~history.panel[s] & ~history.panel[t]))
    active = _active(history, year, focal) & _active(history, year, chosen)
    order = np.lexsort((chosen[active], focal[active], year[active]))
    left_out = {"no panel firm": not_panel, "a party not active": int(np.sum(~active))}
    return ChoiceEvents(year[active][order], focal[active][order], chosen[active][order], left_out)


def _active(history: History, year: np.ndarray, actor: np.ndarray) -> np.ndarray:
    return (history.entry[actor] <= year) & (history.exit[actor] >= year)


def choice_sets(
    history: History,
    events: ChoiceEvents,
    names: Sequence[str],
    *,
    alternatives: int | None = 20,
    seed: int = 0,
) -> ChoiceSets:
    """Each choice with its risk set (sampled to ``alternatives`` others, ``None`` for all)
    and the statistics ``names`` of every row."""
    rng = np.random.default_rng(seed)
    parts = []
    for year in np.unique(events.year):
        at = events.year == year
        state = history.state(int(year))
        pool = np.flatnonzero(state.at_risk)
        focal, chosen = events.focal[at], events.chosen[at]
        if alternatives is None or alternatives >= len(pool) - 2:
            others, size = _full(pool, focal, chosen)
        else:
            others = _sampled(rng, pool, focal, chosen, alternatives)
            size = np.full(len(focal), len(pool) - 1)
        width = others.shape[1]
        candidate = np.column_stack([chosen, others]).ravel()
        valid = np.column_stack([np.ones(len(focal), bool), others >= 0]).ravel()
        rows_focal = np.repeat(focal, width + 1)[valid]
        candidate = candidate[valid]
        x = design(history, state, rows_focal, candidate, names)
        counts = valid.reshape(len(focal), width + 1).sum(axis=1)
        parts.append((x, counts, np.full(len(candidate), year), rows_focal, candidate, size))
    return _stack(parts, tuple(names))


def _full(pool: np.ndarray, focal: np.ndarray, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every other actor of the risk set, padded with -1 (the focal and chosen dropped)."""
    others = np.broadcast_to(pool, (len(focal), len(pool))).copy()
    others[(others == focal[:, None]) | (others == chosen[:, None])] = -1
    return others, np.full(len(focal), len(pool) - 1)


def _sampled(
    rng: np.random.Generator, pool: np.ndarray, focal: np.ndarray, chosen: np.ndarray, k: int
) -> np.ndarray:
    """``k`` distinct actors of ``pool`` per choice, neither its focal nor its chosen one,
    uniformly at random: drawn with replacement for all rows at once, and the rows with a
    clash (rare where the pool is much larger than ``k``) drawn again without replacement."""
    out = pool[rng.integers(0, len(pool), size=(len(focal), k))]
    for row in np.flatnonzero(_clashes(out, focal, chosen)):
        rest = pool[(pool != focal[row]) & (pool != chosen[row])]
        out[row] = rng.choice(rest, size=k, replace=False)
    return out


def _clashes(out: np.ndarray, focal: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    ordered = np.sort(out, axis=1)
    repeated = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
    return repeated | (out == focal[:, None]).any(axis=1) | (out == chosen[:, None]).any(axis=1)


def _stack(parts: list, names: tuple[str, ...]) -> ChoiceSets:
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return ChoiceSets(np.zeros((0, len(names))), empty, empty, empty, empty, empty, names)
    x = np.concatenate([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts])
    starts = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64)
    year, focal, candidate, size = (np.concatenate([p[i] for p in parts]) for i in (2, 3, 4, 5))
    return ChoiceSets(x, starts, year, focal, candidate, size, names)
