"""The web view's network: tie tables, measures, layouts and rendered snapshots of the study.

Every table comes from the :class:`~bioris.study.Study` (its ties end at the actors' exits and
hold the deals of the layers asked for, the study's network layers by default; its actors are
placed in its regions), and every result is computed once per window, layers and filters and
kept in least-recently-used caches bounded by their number of entries (``web_cache_entries``
each) and together by their memory (``web_cache_mb``, a :class:`~bioris.web.runtime.CacheBudget`
shared with the analyses), so that a flood of new filter combinations cannot grow the process
without bound. Computations that call igraph run on the
:class:`~bioris.web.runtime.GraphThread` (igraph must not run in the server's worker threads).
Rendered snapshots are kept as :class:`~bioris.web.records.JsonBody` (escaped and
gzip-compressed once, both forms kept), up to ``web_snapshot_cache_mb``;
:meth:`NetworkView.warm` renders every year of the default window at start-up, so that moving
the year slider never waits for a computation. A snapshot whose JSON would be over
``max_response_kb`` keeps the actors of highest degree that fit and says so
(:mod:`bioris.web.reduction`), instead of being refused.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

import polars as pl

from bioris.analytics import BetweennessSampling, JobOptions, actor_year_metrics, centrality
from bioris.analytics.geography import CONTINENT_COLOURS, location_groups
from bioris.analytics.layout import stable_layout
from bioris.study import Study
from bioris.web.config import WebSettings
from bioris.web.records import FrameIndex, JsonBody, finite, network_body
from bioris.web.reduction import fit_snapshot
from bioris.web.runtime import CacheBudget, GraphThread, LruCache

__all__ = ["JOB_MEASURES", "MEASURE_COLUMNS", "Focus", "MeasureJob", "NetworkView"]

T = TypeVar("T")

log = logging.getLogger("bioris.web")

#: the measures the web view's job computes (the columns of MeasureOut)
JOB_MEASURES = ("degree", "betweenness", "eigenvector")
MEASURE_COLUMNS = (
    "degree", "betweenness", "eigenvector", "constraint", "effective_size", "coordinator",
    "itinerant", "gatekeeper", "representative", "liaison", "brokerage_total",
)  # fmt: skip
# Fruchterman-Reingold costs about (actors + ties) per iteration; a large union graph gets
# fewer iterations (20,000 actors and 120,000 ties: 30, about 8 s once per filter set).
_LAYOUT_WORK = 4_000_000
_LAYOUT_ITERATIONS = (30, 500)
_NODE_COLUMNS = ("actor", "degree", "betweenness", "name", "kind", "location", "group", "colour",
                 "x", "y")  # fmt: skip
# Snapshots are counted by their compressed size; this only bounds the number of keys.
_SNAPSHOT_ENTRIES = 100_000
_BYTES_PER_MB = 1_000_000
_UNKNOWN = "Unknown"


class Focus(NamedTuple):
    """Which part of the network a snapshot shows (checked, canonical filters).

    ``layers`` are the study's layers whose deals are ties; ``deal_type`` keeps one deal type
    of them; ``region`` (a declared region, location or country) and ``kind`` keep the ties
    with at least one end there (of that kind, when both are given).
    """

    layers: tuple[str, ...]
    region: str | None = None
    kind: str | None = None
    deal_type: str | None = None

    @property
    def whole(self) -> bool:
        """Every tie of the layers."""
        return self.region is None and self.kind is None and self.deal_type is None


@dataclass(frozen=True, slots=True)
class MeasureJob:
    """The yearly measures of one window and layers: (year, actor, MEASURE_COLUMNS), sorted
    by actor and year, indexed by actor."""

    by_actor: FrameIndex

    @property
    def frame(self) -> pl.DataFrame:
        """Every row."""
        return self.by_actor.frame


class NetworkView:
    """The network computations of the explorer over one study.

    Parameters
    ----------
    study : Study
        The study (its tables are read, never its store).
    period : (int, int)
        First and last year shown (the study's period).
    web_settings : WebSettings
        Cache sizes and the betweenness sampling.
    graph_thread : GraphThread
        Where igraph runs.
    budget : CacheBudget
        The memory its tables may hold (with the analyses'), ``web_cache_mb``.
    """

    def __init__(
        self,
        study: Study,
        period: tuple[int, int],
        web_settings: WebSettings,
        graph_thread: GraphThread,
        budget: CacheBudget,
    ) -> None:
        self._study = study
        self.period = period
        self.base = Focus(tuple(study.definition.network_layers))
        self._graph_thread = graph_thread
        self._places = location_groups(study.actors, study.region_colours())
        self.sampling = BetweennessSampling(web_settings.web_betweenness_sources, seed=0)
        size = web_settings.web_cache_entries
        self._ties, self._jobs, self._layouts, self._years_with_ties = (
            LruCache(size, budget=budget) for _ in range(4)
        )
        self._snapshot_bytes = web_settings.web_snapshot_cache_mb * _BYTES_PER_MB
        # a snapshot over the response limit is reduced to the top actors that fit
        self._max_body_bytes = web_settings.max_response_kb * 1024
        self._snapshots = LruCache(
            _SNAPSHOT_ENTRIES, max_weight=self._snapshot_bytes, weigh=lambda body: body.nbytes
        )
        # igraph's layout draws from one process-wide generator: one layout at a time.
        self._layout_lock = threading.Lock()
        self._warming = threading.local()

    def cached(self, cache: LruCache, key: Hashable, compute: Callable[[], T]) -> T:
        """A cached value, else computed on the graph thread (see :class:`GraphThread`)."""
        hit = cache.peek(key)
        if hit is not None:
            return hit
        limited = not getattr(self._warming, "active", False)
        return self._graph_thread.call(lambda: cache.get(key, compute), limited=limited)

    @contextmanager
    def warming(self) -> Iterator[None]:
        """Within it, this thread's computations wait for the graph thread however many
        requests queue there (start-up work is never refused)."""
        self._warming.active = True
        try:
            yield
        finally:
            self._warming.active = False

    def warm(self, window: int) -> None:
        """Compute the measures of ``window`` and render its whole network in every year:
        the last year first (the explorer opens on it), then the others in order, then the
        last year is used again, so that it is the last a full cache drops."""
        with self.warming():
            self.job(window, self.base.layers)
            years = self.tie_years(window, self.base)
            for year in (*years[-1:], *years[:-1], *years[-1:]):
                self.snapshot(year, window, self.base)

    @property
    def snapshots_kept(self) -> tuple[int, int]:
        """How many rendered snapshots are kept, and the bytes they hold."""
        return len(self._snapshots), self._snapshots.weight

    def snapshot(self, year: int, window: int, focus: Focus) -> JsonBody:
        """The snapshot of ``year`` (``NetworkOut``), rendered once per year, window and
        focus."""
        ties, years = self.tie_table(window, focus), self.tie_years(window, focus)
        if year not in years:  # nothing to draw: not worth a cache entry
            return network_body(year, window, list(focus.layers), years, [], [])
        return self.cached(
            self._snapshots,
            (year, window, focus),
            lambda: self._render(year, window, focus, ties, years),
        )

    def _render(
        self, year: int, window: int, focus: Focus, ties: pl.DataFrame, years: list[int]
    ) -> JsonBody:
        current = ties.filter(pl.col("year") == year)
        job = self._jobs.peek((window, focus.layers)) if focus.whole else None
        if job is not None:
            measures = job.frame.filter(pl.col("year") == year)
        else:
            measures = centrality(
                current, measures=("degree", "betweenness"), betweenness_sampling=self.sampling
            )
        nodes = (
            measures.select("actor", "degree", "betweenness")
            .join(self._places, on="actor", how="left")
            .join(self.layout(focus), on="actor", how="left")
            .sort("actor")
        )
        node_rows = [
            {
                "id": actor,
                "name": name or actor,
                "kind": kind or "unknown",
                "location": location or "unknown",
                "group": group or _UNKNOWN,
                "colour": colour or CONTINENT_COLOURS[_UNKNOWN],
                "degree": int(degree or 0),
                "betweenness": finite(betweenness),
                "x": finite(x) or 0.0,
                "y": finite(y) or 0.0,
            }
            for actor, degree, betweenness, name, kind, location, group, colour, x, y in (
                nodes.select(*_NODE_COLUMNS).iter_rows()
            )
        ]
        edge_rows = [
            {"source": s, "target": t, "alliances": int(n), "committed_eur": finite(v) or 0.0}
            for s, t, n, v in current.select(
                "source", "target", "alliances", "committed_eur"
            ).iter_rows()
        ]

        def render(nodes: list[dict], edges: list[dict], reduced: dict | None) -> JsonBody:
            return network_body(year, window, list(focus.layers), years, nodes, edges, reduced)

        full = render(node_rows, edge_rows, None)
        body = fit_snapshot(node_rows, edge_rows, render, self._max_body_bytes, full)
        if body is not full:
            log.info(
                "the snapshot of %s (window %s, %s) is over max_response_kb: reduced to the "
                "top actors that fit", year, window, focus,
            )  # fmt: skip
        if body.nbytes > self._snapshot_bytes:
            log.warning(
                "the snapshot of %s (window %s, %s) takes %.1f MB, more than "
                "web_snapshot_cache_mb allows: it is rendered again for every request",
                year, window, focus, body.nbytes / _BYTES_PER_MB,
            )  # fmt: skip
        return body

    def tie_table(self, window: int, focus: Focus) -> pl.DataFrame:
        """The ties of every year of the period under a ``window``-year lifetime, within
        ``focus``."""
        return self.cached(self._ties, (window, focus), lambda: self._build_ties(window, focus))

    def tie_years(self, window: int, focus: Focus) -> list[int]:
        """The years with at least one tie."""

        def compute() -> list[int]:
            return self.tie_table(window, focus)["year"].unique().sort().to_list()

        return self.cached(self._years_with_ties, (window, focus), compute)

    def _build_ties(self, window: int, focus: Focus) -> pl.DataFrame:
        start, end = self.period
        types = [focus.deal_type] if focus.deal_type else None
        ties = self._study.ties(start, end, window=window, layers=focus.layers, deal_types=types)
        if focus.region is None and focus.kind is None:
            return ties
        actors = self._study.actors
        if focus.kind is not None:
            actors = actors.filter(pl.col("kind") == focus.kind)
        if focus.region is not None:
            actors = actors.filter(pl.col("actor_id").is_in(list(self._study.ids_in(focus.region))))
        ids = actors["actor_id"].implode()
        return ties.filter(pl.col("source").is_in(ids) | pl.col("target").is_in(ids))

    def layout(self, focus: Focus) -> pl.DataFrame:
        """One position per actor of the focus's ties in any year and any window: every pair
        ever tied (a one-year lifetime over the whole period gives exactly those pairs)."""

        def compute() -> pl.DataFrame:
            pairs = self.tie_table(1, focus).select("source", "target").unique()
            n = len(set(pairs["source"]) | set(pairs["target"]))
            low, high = _LAYOUT_ITERATIONS
            iterations = max(low, min(high, _LAYOUT_WORK // max(n + pairs.height, 1)))
            with self._layout_lock:
                return stable_layout(pairs, seed=0, iterations=iterations)

        return self.cached(self._layouts, focus, compute)

    def job(self, window: int, layers: tuple[str, ...]) -> MeasureJob:
        """The yearly measures of the whole network of ``layers`` under a ``window``-year
        lifetime: degree, betweenness, eigenvector, Burt's constraint and effective size, and
        Gould-Fernandez brokerage by location (see :func:`actor_year_metrics`)."""

        def compute() -> MeasureJob:
            options = JobOptions(
                measures=JOB_MEASURES, weight="alliances", structural_holes=True,
                brokerage=True, core_periphery=False, betweenness_sampling=self.sampling,
            )  # fmt: skip
            ties = self.tie_table(window, Focus(layers))
            frame = actor_year_metrics(ties, groups=self._study.inputs.groups(), options=options)
            frame = frame.select("year", "actor", *MEASURE_COLUMNS).sort("actor", "year")
            return MeasureJob(FrameIndex.of(frame, "actor"))

        return self.cached(self._jobs, (window, layers), compute)
