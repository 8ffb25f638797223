"""Statistics of a candidate partner: why a focal firm would pick it.

Each statistic is a number for a (focal firm ``i``, candidate ``j``) pair in the year ``t`` of
the choice, read from the network as it stood at the end of ``t - 1``
(:class:`~bioris.model.history.YearState`), so that a choice is explained only by what was
there before it. The four logics of attachment are those Powell, White, Koput & Owen-Smith
(2005) tested on biotech alliances; in a conditional logit a positive coefficient means the
statistic makes a candidate more likely to be chosen.

Counts enter as ``log(1 + count)``: a hub with 500 partners is not 500 times as attractive as
a firm with one, and the coefficient reads as an elasticity. Attributes of the focal firm
alone (its stage) are the same for every candidate of a choice and drop out of a conditional
logit; they enter as interactions with a candidate's attribute.

References
----------
Powell, W. W., White, D. R., Koput, K. W. & Owen-Smith, J. (2005). Network dynamics and field
evolution: the growth of interorganizational collaboration in the life sciences. American
Journal of Sociology 110(4), 1132-1205.
Stadtfeld, C. & Block, P. (2017). Interactions, actors, and time: dynamic network actor models
for relational events. Sociological Science 4, 318-352.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bioris.errors import BiorisError
from bioris.model.history import History, YearState

__all__ = ["DEFAULT_STATISTICS", "STATISTICS", "Statistic", "check_statistics", "design"]

Compute = Callable[[History, YearState, np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True, slots=True)
class Statistic:
    """One statistic: its logic of attachment, formula and reference."""

    name: str
    logic: str
    formula: str
    reference: str
    compute: Compute


def _pairs_in(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def _pair_counts(keys: np.ndarray, sorted_keys: np.ndarray, counts: np.ndarray) -> np.ndarray:
    if not len(sorted_keys):
        return np.zeros(len(keys))
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return np.where(sorted_keys[at] == keys, counts[at], 0.0)


def _same(attribute: str) -> Compute:
    """1 where focal and candidate have the same known value of a coded attribute."""

    def compute(h: History, s: YearState, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        codes = getattr(h, attribute)
        return ((codes[i] == codes[j]) & (codes[i] >= 0)).astype(np.float64)

    return compute


def _degree(h: History, s: YearState, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.log1p(s.degree[j])


def _recent(h: History, s: YearState, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.log1p(s.recent[j])


def _peer(h: History, s: YearState, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    kind = h.kind[i]
    known = kind >= 0
    with_peers = np.where(known, s.recent_by_kind[j, np.maximum(kind, 0)], 0.0)
    own = np.where(known, _pair_counts(h.pair_keys(i, j), s.recent_pairs, s.recent_pair_counts), 0)
    return np.log1p(with_peers - own)


def _shared_count(h: History, s: YearState, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.asarray(s.ties[i].multiply(s.ties[j]).sum(axis=1)).ravel()


def _shared(h: History, s: YearState, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return np.log1p(_shared_count(h, s, i, j))


def _two_path(h: History, s: YearState, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    tied = np.asarray(s.ties[i, j]).ravel() > 0
    return ((_shared_count(h, s, i, j) > 0) & ~tied).astype(np.float64)


def _same_subsector(h: History, s: YearState, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    common = np.asarray(h.subsectors[i].multiply(h.subsectors[j]).sum(axis=1)).ravel()
    return (common > 0).astype(np.float64)


def _repeat(h: History, s: YearState, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return _pairs_in(h.pair_keys(i, j), s.prior_pairs).astype(np.float64)


def _big_pharma(h: History, s: YearState, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return h.big_pharma[j].astype(np.float64)


def _stage_big_pharma(h: History, s: YearState, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    return s.stage[i] * h.big_pharma[j]


_POWELL = "Powell, White, Koput & Owen-Smith (2005)"
_TABLE = (
    Statistic("degree", "accumulative advantage",
              "log(1 + partners of j in the network of t-1)",
              f"{_POWELL}; Barabasi & Albert (1999)", _degree),
    Statistic("recent_popularity", "accumulative advantage",
              "log(1 + alliances j signed in the recent_years before t)",
              f"{_POWELL}; Stadtfeld & Block (2017), recency", _recent),
    Statistic("peer_popularity", "follow-the-trend",
              "log(1 + alliances j signed in the recent_years before t with actors of i's kind,"
              " i's own excluded)", f"{_POWELL} (follow-the-trend)", _peer),
    Statistic("shared_partners", "multiconnectivity",
              "log(1 + partners i and j share in the network of t-1)",
              f"{_POWELL}; Gulati & Gargiulo (1999)", _shared),
    Statistic("distance_two", "multiconnectivity",
              "1 if i and j are not tied but share a partner in the network of t-1",
              f"{_POWELL}; Snijders et al. (2010), transitive closure", _two_path),
    Statistic("same_kind", "homophily", "1 if i and j are of the same kind",
              f"{_POWELL}; McPherson, Smith-Lovin & Cook (2001)", _same("kind")),
    Statistic("same_region", "homophily",
              "1 if i and j are placed in the same declared region",
              "Owen-Smith & Powell (2004); McPherson et al. (2001)", _same("region")),
    Statistic("same_country", "homophily", "1 if i and j are in the same country",
              "McPherson et al. (2001)", _same("country")),
    Statistic("same_subsector", "homophily", "1 if i and j share a subsector",
              f"{_POWELL}", _same_subsector),
    Statistic("repeat", "repeat partnering", "1 if i and j signed an alliance before t",
              "Gulati (1995); Li & Rowley (2002)", _repeat),
    Statistic("big_pharma", "status", "1 if j is on the study's big-pharma list",
              "Stuart (2000); Rothaermel (2001)", _big_pharma),
    Statistic("stage_big_pharma", "focal firm's stage",
              "stage of i in t-1 (highest development stage reached, 0 discovery .. 1"
              " marketed) x big_pharma(j)", "Rothaermel & Deeds (2004)", _stage_big_pharma),
)  # fmt: skip
#: every statistic, by name
STATISTICS: dict[str, Statistic] = {s.name: s for s in _TABLE}
#: the statistics fitted when none are named
DEFAULT_STATISTICS: tuple[str, ...] = (
    "degree", "recent_popularity", "shared_partners", "same_kind", "same_region",
    "same_country", "repeat", "big_pharma",
)  # fmt: skip


def check_statistics(names: Sequence[str] | None) -> tuple[str, ...]:
    """The statistics asked for, checked (the defaults when ``names`` is empty)."""
    chosen = tuple(names) if names else DEFAULT_STATISTICS
    unknown = [n for n in chosen if n not in STATISTICS]
    if unknown:
        raise BiorisError(
            f"unknown statistic(s) {', '.join(unknown)}; known: {', '.join(STATISTICS)}"
        )
    if len(set(chosen)) != len(chosen):
        raise BiorisError("a statistic is named twice")
    return chosen


def design(
    history: History,
    state: YearState,
    focal: np.ndarray,
    candidate: np.ndarray,
    names: Sequence[str],
) -> np.ndarray:
    """The statistics ``names`` of each (``focal[k]``, ``candidate[k]``) pair: rows x stats."""
    out = np.empty((len(focal), len(names)))
    for column, name in enumerate(names):
        out[:, column] = STATISTICS[name].compute(history, state, focal, candidate)
    return out
