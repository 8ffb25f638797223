"""The alliance history a partner-choice model reads: actors coded as integers, and signings.

:class:`ChoiceTables` is what a study hands the model (tidy polars tables); :class:`History`
codes them once as numpy arrays, and :meth:`History.state` gives the network as it stood
before a year (:class:`YearState`), from which every statistic of a candidate partner is
computed (:mod:`bioris.model.statistics`). A simulation appends signings year by year with
:meth:`History.extend`, so observed and simulated years are read the same way.

A *signing* is an alliance of the study's network layer signed by two of its parties in a
year (a deal of three parties makes three signings). A pair's tie is *active* from the
signing year to its ``last`` year (the study's tie policy: five years by default), and ends
at the exit of a party that signed it before exiting, as in :func:`bioris.analytics.tie_table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl
from scipy import sparse

from bioris.errors import BiorisError

__all__ = ["ACTOR_COLUMNS", "SIGNING_COLUMNS", "ChoiceTables", "History", "YearState"]

#: columns of :attr:`ChoiceTables.actors`
ACTOR_COLUMNS = (
    "actor_id", "kind", "region", "country", "subsectors", "big_pharma", "panel",
    "entry_year", "exit_year",
)  # fmt: skip
#: columns of :attr:`ChoiceTables.signings`
SIGNING_COLUMNS = ("year", "source", "target", "last")
NO_EXIT = 9999
_UNKNOWN = -1


@dataclass(frozen=True, slots=True)
class ChoiceTables:
    """The tables of a partner-choice study.

    ``actors``: :data:`ACTOR_COLUMNS` (``subsectors`` a list of strings; ``entry_year`` the
    first year the actor can be chosen, null for always; ``exit_year`` the last, null for
    never). ``signings``: :data:`SIGNING_COLUMNS`, one row per pair and alliance (``source <
    target``; ``last`` the tie's last active year). ``stages``: ``actor_id, year, stage``
    with ``stage`` in [0, 1], the highest development stage a firm has reached by that year
    (empty when unknown). ``recent_years``: the window of the popularity statistics.
    """

    actors: pl.DataFrame
    signings: pl.DataFrame
    stages: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"actor_id": pl.String, "year": pl.Int32, "stage": pl.Float64}
        )
    )
    recent_years: int = 3

    def __post_init__(self) -> None:
        for name, table, columns in (
            ("actors", self.actors, ACTOR_COLUMNS),
            ("signings", self.signings, SIGNING_COLUMNS),
        ):
            missing = [c for c in columns if c not in table.columns]
            if missing:
                raise BiorisError(f"the {name} table lacks column(s): {', '.join(missing)}")
        if self.recent_years < 1:
            raise BiorisError("recent_years must be at least 1")


def _codes(values: pl.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes of a string column (-1 for null) and the labels they stand for."""
    labels = tuple(sorted(v for v in values.unique().to_list() if v is not None))
    lookup = {v: i for i, v in enumerate(labels)}
    return np.array([lookup.get(v, _UNKNOWN) for v in values.to_list()], dtype=np.int32), labels


@dataclass(frozen=True, slots=True)
class YearState:
    """The network as it stood at the end of ``year - 1``, for the choices of ``year``.

    ``ties``: the active ties of ``year - 1`` (binary, symmetric CSR); ``degree``: each
    actor's number of partners in it; ``recent``: signings per actor in the ``recent_years``
    before ``year``; ``recent_by_kind``: the same split by the partner's kind (actors x
    kinds); ``recent_pairs``/``recent_pair_counts``: those signings per pair (sorted keys);
    ``prior_pairs``: every pair that signed before ``year`` (sorted keys); ``stage``: each
    actor's stage in ``year - 1`` (0 where unknown); ``at_risk``: who can be chosen in
    ``year``.
    """

    year: int
    ties: sparse.csr_array
    degree: np.ndarray
    recent: np.ndarray
    recent_by_kind: np.ndarray
    recent_pairs: np.ndarray
    recent_pair_counts: np.ndarray
    prior_pairs: np.ndarray
    stage: np.ndarray
    at_risk: np.ndarray


class History:
    """:class:`ChoiceTables` coded as arrays (see the module docstring).

    Actors are ``0 .. n-1`` in the order of ``ids``; pairs are keyed ``min * n + max``.
    """

    def __init__(self, tables: ChoiceTables) -> None:
        actors = tables.actors.sort("actor_id")
        self.ids: tuple[str, ...] = tuple(actors["actor_id"].to_list())
        if len(set(self.ids)) != len(self.ids):
            raise BiorisError("the actors table lists an actor twice")
        self.index = {a: i for i, a in enumerate(self.ids)}
        self.kind, self.kinds = _codes(actors["kind"])
        self.region, self.regions = _codes(actors["region"])
        self.country, self.countries = _codes(actors["country"])
        self.subsectors = self._subsector_matrix(actors["subsectors"])
        self.big_pharma = actors["big_pharma"].fill_null(False).to_numpy().astype(bool)
        self.panel = actors["panel"].fill_null(False).to_numpy().astype(bool)
        self.entry = actors["entry_year"].fill_null(-NO_EXIT).to_numpy().astype(np.int32)
        self.exit = actors["exit_year"].fill_null(NO_EXIT).to_numpy().astype(np.int32)
        self.recent_years = tables.recent_years
        self._stages = self._stage_table(tables.stages)
        signings = tables.signings
        unknown = set(signings["source"].to_list()) | set(signings["target"].to_list())
        unknown -= set(self.ids)
        if unknown:
            raise BiorisError(
                f"signings name actors not in the actors table: {sorted(unknown)[:5]}"
            )
        self.year = signings["year"].to_numpy().astype(np.int32)
        self.source = self._code(signings["source"])
        self.target = self._code(signings["target"])
        self.last = signings["last"].to_numpy().astype(np.int32)

    # -- building ----------------------------------------------------------------------------

    @property
    def n(self) -> int:
        return len(self.ids)

    def _code(self, values: pl.Series) -> np.ndarray:
        return values.replace_strict(self.index, return_dtype=pl.Int64).to_numpy()

    def _subsector_matrix(self, column: pl.Series) -> sparse.csr_array:
        lists = [v or [] for v in column.to_list()]
        labels = sorted({s for items in lists for s in items})
        lookup = {s: j for j, s in enumerate(labels)}
        rows = [i for i, items in enumerate(lists) for _ in set(items)]
        cols = [lookup[s] for items in lists for s in set(items)]
        shape = (len(lists), max(1, len(labels)))
        return sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=shape)

    def _stage_table(self, stages: pl.DataFrame) -> dict[int, np.ndarray]:
        by_year: dict[int, np.ndarray] = {}
        known = stages.filter(pl.col("actor_id").is_in(list(self.ids)))
        for (year,), part in known.group_by("year"):
            values = np.zeros(len(self.ids))
            values[[self.index[a] for a in part["actor_id"].to_list()]] = part["stage"].to_numpy()
            by_year[int(year)] = values
        return by_year

    def pair_keys(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Keys of unordered pairs: ``min * n + max``."""
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        return np.minimum(a, b) * self.n + np.maximum(a, b)

    def extend(self, year: int, source: np.ndarray, target: np.ndarray, last: np.ndarray) -> None:
        """Append signings of ``year`` (a simulation's new ties)."""
        count = len(source)
        self.year = np.concatenate([self.year, np.full(count, year, dtype=np.int32)])
        self.source = np.concatenate([self.source, np.minimum(source, target).astype(np.int64)])
        self.target = np.concatenate([self.target, np.maximum(source, target).astype(np.int64)])
        self.last = np.concatenate([self.last, np.asarray(last, dtype=np.int32)])

    def add_actors(self, rows: pl.DataFrame) -> np.ndarray:
        """Append actors (a scenario's entrants); returns their integer codes."""
        start = self.n
        ids = rows["actor_id"].to_list()
        self.ids = (*self.ids, *ids)
        self.index.update({a: start + i for i, a in enumerate(ids)})
        for name, labels_name, column in (
            ("kind", "kinds", "kind"), ("region", "regions", "region"),
            ("country", "countries", "country"),
        ):  # fmt: skip
            labels = list(getattr(self, labels_name))
            codes = []
            for value in rows[column].to_list():
                if value is not None and value not in labels:
                    labels.append(value)
                codes.append(labels.index(value) if value is not None else _UNKNOWN)
            setattr(self, labels_name, tuple(labels))
            setattr(self, name, np.concatenate([getattr(self, name), np.array(codes, np.int32)]))
        extra = sparse.csr_array((len(ids), self.subsectors.shape[1]))
        self.subsectors = sparse.vstack([self.subsectors, extra], format="csr")
        for name, column, fill in (
            ("big_pharma", "big_pharma", False), ("panel", "panel", False),
            ("entry", "entry_year", -NO_EXIT), ("exit", "exit_year", NO_EXIT),
        ):  # fmt: skip
            values = rows[column].fill_null(fill).to_numpy().astype(getattr(self, name).dtype)
            setattr(self, name, np.concatenate([getattr(self, name), values]))
        for year, values in self._stages.items():
            self._stages[year] = np.concatenate([values, np.zeros(len(ids))])
        return np.arange(start, self.n)

    # -- reading -----------------------------------------------------------------------------

    def active_in(self, year: int) -> np.ndarray:
        """Who can be chosen (and choose) in ``year``: entered by then, not exited before."""
        return (self.entry <= year) & (self.exit >= year)

    def ties_of(self, year: int) -> tuple[np.ndarray, np.ndarray]:
        """The active tie pairs of ``year`` (each once), after the exit rule."""
        live = (self.year <= year) & (self.last >= year)
        s, t, signed = self.source[live], self.target[live], self.year[live]
        # a tie signed by an actor by its exit ends with its exit year (tie_table's rule)
        ended = ((year > self.exit[s]) & (signed <= self.exit[s])) | (
            (year > self.exit[t]) & (signed <= self.exit[t])
        )
        keys = np.unique(self.pair_keys(s[~ended], t[~ended]))
        return keys // self.n, keys % self.n

    def state(self, year: int) -> YearState:
        """The network before ``year``: see :class:`YearState`."""
        n = self.n
        a, b = self.ties_of(year - 1)
        ones = np.ones(2 * len(a))
        ties = sparse.csr_array((ones, (np.r_[a, b], np.r_[b, a])), shape=(n, n))
        degree = np.bincount(np.r_[a, b], minlength=n).astype(np.float64)
        window = (self.year >= year - self.recent_years) & (self.year < year)
        s, t = self.source[window], self.target[window]
        recent = np.bincount(np.r_[s, t], minlength=n).astype(np.float64)
        kinds = max(1, len(self.kinds))
        by_kind = np.zeros((n, kinds))
        for me, other in ((s, t), (t, s)):
            known = self.kind[other] >= 0
            np.add.at(by_kind, (me[known], self.kind[other][known]), 1.0)
        pairs, counts = np.unique(self.pair_keys(s, t), return_counts=True)
        before = self.year < year
        prior = np.unique(self.pair_keys(self.source[before], self.target[before]))
        stage = self._stages.get(year - 1, np.zeros(n))
        return YearState(
            year, ties, degree, recent, by_kind, pairs, counts.astype(np.float64), prior,
            stage, self.active_in(year),
        )  # fmt: skip
