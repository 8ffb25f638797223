"""The web view's alliance network: tie tables, measures, layouts and rendered snapshots.

Everything here is derived from the data read at start-up (see :mod:`bioris.web.service`), so
every result is computed once per window and filters and kept in a bounded least-recently-used
cache. Computations that call igraph run on the :class:`~bioris.web.runtime.GraphThread`
(igraph must not run in the server's worker threads). Rendered snapshots are kept as
:class:`~bioris.web.records.JsonBody` (escaped and gzip-compressed once, both forms kept), up to
``web_snapshot_cache_mb``; :meth:`NetworkView.warm` renders every year of the default window
at start-up, so that moving the year slider never waits for a computation.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

import polars as pl

from bioris.analytics import (
    BetweennessSampling,
    JobOptions,
    NetworkInputs,
    TiePolicy,
    actor_year_metrics,
    centrality,
    tie_table,
)
from bioris.reporting.layout import LOCATION_COLOURS, location_groups, stable_layout
from bioris.web.config import WebSettings
from bioris.web.records import JsonBody, finite, network_body
from bioris.web.runtime import GraphThread, LruCache

__all__ = ["JOB_MEASURES", "MEASURE_COLUMNS", "WHOLE", "Layer", "MeasureJob", "NetworkView"]

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


class Layer(NamedTuple):
    """Which part of the network a snapshot shows (normalised filters)."""

    region: str | None = None
    kind: str | None = None
    deal_type: str | None = None


WHOLE = Layer()


@dataclass(frozen=True, slots=True)
class MeasureJob:
    """The yearly measures of one window: ``frame`` (year, actor, MEASURE_COLUMNS) and the
    same rows split by actor."""

    frame: pl.DataFrame
    by_actor: dict[str, pl.DataFrame]


class NetworkView:
    """The network computations of the explorer over one store's network inputs.

    Parameters
    ----------
    inputs : NetworkInputs
        The store's actors, alliances and parties as analytics tables.
    period : (int, int)
        First and last year shown.
    regions : dict
        casefolded -> canonical name of every bioRegion and country in the data.
    web_settings : WebSettings
        Cache sizes and the betweenness sampling.
    graph_thread : GraphThread
        Where igraph runs.
    """

    def __init__(
        self,
        inputs: NetworkInputs,
        period: tuple[int, int],
        regions: dict[str, str],
        web_settings: WebSettings,
        graph_thread: GraphThread,
    ) -> None:
        self._inputs = inputs
        self.period = period
        self._regions = regions
        self._graph_thread = graph_thread
        places = location_groups(inputs.actors)
        colours = pl.DataFrame(
            {"group": list(LOCATION_COLOURS), "colour": list(LOCATION_COLOURS.values())}
        )
        self._places = places.join(colours, on="group", how="left")
        self._sampling = BetweennessSampling(web_settings.web_betweenness_sources, seed=0)
        size = web_settings.web_cache_entries
        self._ties, self._jobs, self._layouts = LruCache(size), LruCache(size), LruCache(size)
        self._years_with_ties = LruCache(size)
        self._snapshot_bytes = web_settings.web_snapshot_cache_mb * _BYTES_PER_MB
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
            self.job(window)
            years = self.tie_years(window, WHOLE)
            for year in (*years[-1:], *years[:-1], *years[-1:]):
                self.snapshot(year, window, WHOLE)

    @property
    def snapshots_kept(self) -> tuple[int, int]:
        """How many rendered snapshots are kept, and the bytes they hold."""
        return len(self._snapshots), self._snapshots.weight

    def layer(
        self, region: str | None = None, kind: str | None = None, deal_type: str | None = None
    ) -> Layer | None:
        """Normalised filters; ``None`` when the region is not in the data (no ties)."""
        canonical = None
        if region:
            canonical = self._regions.get(region.casefold())
            if canonical is None:
                return None
        return Layer(canonical, kind or None, deal_type or None)

    def snapshot(self, year: int, window: int, layer: Layer | None) -> JsonBody:
        """The snapshot of ``year`` (``NetworkOut``), rendered once per year, window and
        layer; ``layer`` ``None`` is the empty network (a region not in the data)."""
        if layer is None:
            return network_body(year, window, [], [], [])
        ties, years = self.tie_table(window, layer), self.tie_years(window, layer)
        if year not in years:  # nothing to draw: not worth a cache entry
            return network_body(year, window, years, [], [])
        return self.cached(
            self._snapshots,
            (year, window, layer),
            lambda: self._render(year, window, layer, ties, years),
        )

    def _render(
        self, year: int, window: int, layer: Layer, ties: pl.DataFrame, years: list[int]
    ) -> JsonBody:
        current = ties.filter(pl.col("year") == year)
        job = self._jobs.peek(window) if layer == WHOLE else None
        if job is not None:
            measures = job.frame.filter(pl.col("year") == year)
        else:
            measures = centrality(
                current, measures=("degree", "betweenness"), betweenness_sampling=self._sampling
            )
        nodes = (
            measures.select("actor", "degree", "betweenness")
            .join(self._places, on="actor", how="left")
            .join(self.layout(layer), on="actor", how="left")
            .sort("actor")
        )
        node_rows = [
            {
                "id": actor,
                "name": name or actor,
                "kind": kind or "unknown",
                "location": location or "unknown",
                "group": group or "Unknown",
                "colour": colour or LOCATION_COLOURS["Unknown"],
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
        body = network_body(year, window, years, node_rows, edge_rows)
        if body.nbytes > self._snapshot_bytes:
            log.warning(
                "the snapshot of %s (window %s, %s) takes %.1f MB, more than "
                "web_snapshot_cache_mb allows: it is rendered again for every request",
                year, window, layer, body.nbytes / _BYTES_PER_MB,
            )  # fmt: skip
        return body

    def tie_table(self, window: int, layer: Layer) -> pl.DataFrame:
        """The ties of every year under a ``window``-year lifetime, within ``layer``."""
        return self.cached(self._ties, (window, layer), lambda: self._build_ties(window, layer))

    def tie_years(self, window: int, layer: Layer) -> list[int]:
        """The years with at least one tie."""

        def compute() -> list[int]:
            return self.tie_table(window, layer)["year"].unique().sort().to_list()

        return self.cached(self._years_with_ties, (window, layer), compute)

    def _build_ties(self, window: int, layer: Layer) -> pl.DataFrame:
        focus = None
        if layer.region is not None or layer.kind is not None:
            actors = self._inputs.actors
            if layer.kind is not None:
                actors = actors.filter(pl.col("kind") == layer.kind)
            if layer.region is not None:
                wanted = layer.region.casefold()
                actors = actors.filter(
                    (pl.col("bioregion").str.to_lowercase() == wanted)
                    | (pl.col("country").str.to_lowercase() == wanted)
                )
            focus = actors["actor_id"].to_list()
        start, end = self.period
        return tie_table(
            self._inputs.alliances, self._inputs.parties, start=start, end=end,
            policy=TiePolicy("fixed", window),
            deal_types=[layer.deal_type] if layer.deal_type else None,
            actors=focus, require="any",
        )  # fmt: skip

    def layout(self, layer: Layer) -> pl.DataFrame:
        """One position per actor of the layer's ties in any year and any window: every pair
        ever tied (a one-year lifetime over the whole period gives exactly those pairs)."""

        def compute() -> pl.DataFrame:
            pairs = self.tie_table(1, layer).select("source", "target").unique()
            n = len(set(pairs["source"]) | set(pairs["target"]))
            low, high = _LAYOUT_ITERATIONS
            iterations = max(low, min(high, _LAYOUT_WORK // max(n + pairs.height, 1)))
            with self._layout_lock:
                return stable_layout(pairs, seed=0, iterations=iterations)

        return self.cached(self._layouts, layer, compute)

    def job(self, window: int) -> MeasureJob:
        """The yearly measures of the whole network under a ``window``-year lifetime:
        degree, betweenness, eigenvector, Burt's constraint and effective size, and
        Gould-Fernandez brokerage by location (see :func:`actor_year_metrics`)."""

        def compute() -> MeasureJob:
            options = JobOptions(
                measures=JOB_MEASURES, weight="alliances", structural_holes=True,
                brokerage=True, core_periphery=False, betweenness_sampling=self._sampling,
            )  # fmt: skip
            ties = self.tie_table(window, WHOLE)
            frame = actor_year_metrics(ties, groups=self._inputs.groups(), options=options)
            frame = frame.select("year", "actor", *MEASURE_COLUMNS).sort("actor", "year")
            parts = frame.partition_by("actor", as_dict=True, maintain_order=True)
            return MeasureJob(frame, {key[0]: part for key, part in parts.items()})

        return self.cached(self._jobs, window, compute)
