"""What the web view computes, and what it keeps: the library behind every API route.

The store is read once, at start-up, into a :class:`~bioris.domain.Dataset` (it is opened
read-only, so it cannot change under us); the network tables are built from it once. The
lists that page through many rows (actors, alliances) run the store's named queries on a
pool of read-only connections, each query under ``sql_time_limit_ms``. Everything derived
from the network is cached in bounded least-recently-used caches, per window and filters:
tie tables, the measures job, layouts, preferred-partner profiles and rendered snapshots.

The period is the data's own: from the first to the last signing year of a dated alliance
(the settings' study period when there is none), so the explorer shows every dated deal.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import polars as pl

from bioris import settings
from bioris.analytics import (
    RANKING_RULE,
    BetweennessSampling,
    JobOptions,
    TiePolicy,
    actor_year_metrics,
    centrality,
    network_inputs,
    partner_profile,
    preferred_partner_ranking,
    tie_table,
)
from bioris.analytics.business_models import business_models
from bioris.analytics.tables import pipeline_frame
from bioris.data import big_pharma_names
from bioris.domain import ActorKind, Alliance, Bioregion, DealType, LineageFact, Stage
from bioris.export.canonical import neutralise
from bioris.region_summary import summarise_regions
from bioris.reporting.layout import LOCATION_COLOURS, location_groups, stable_layout
from bioris.store import AllianceFilter, Store
from bioris.web.config import WebSettings
from bioris.web.records import actor_json, cell, finite, network_bytes, regions_of, rows
from bioris.web.runtime import GraphThread, LruCache, StorePool

__all__ = ["AllianceQuery", "ExplorerService", "WebSettings"]

T = TypeVar("T")

#: the measures the web view's job computes (the columns of MeasureOut)
JOB_MEASURES = ("degree", "betweenness", "eigenvector")
MEASURE_COLUMNS = (
    "degree", "betweenness", "eigenvector", "constraint", "effective_size", "coordinator",
    "itinerant", "gatekeeper", "representative", "liaison", "brokerage_total",
)  # fmt: skip
BUSINESS_MODEL_LABELS = ("product_model", "value_chain", "oi_mode", "portfolio_mix")
RANK_COUNTS = ("big_pharma_partners", "distinct_partners", "target_alliances",
               "active_alliances", "repeat_partners")  # fmt: skip
CSV_COLUMNS = (
    "alliance_id", "year", "date", "deal_type", "stage_at_signing", "asset",
    "therapeutic_area", "parties", "party_ids", "upfront_eur", "milestones_eur", "equity_eur",
    "committed_eur", "headline_eur", "notes", "source_urls", "confidence",
)  # fmt: skip
# Fruchterman-Reingold costs about (actors + ties) per iteration; a large union graph gets
# fewer iterations (20,000 actors and 120,000 ties: 30, about 8 s once per filter set).
_LAYOUT_WORK = 4_000_000
_LAYOUT_ITERATIONS = (30, 500)
# Filter totals kept (a few dozen bytes each).
_COUNT_ENTRIES = 4096


class Layer(NamedTuple):
    """Which part of the network a snapshot shows (normalised filters)."""

    region: str | None = None
    kind: str | None = None
    deal_type: str | None = None


WHOLE = Layer()


@dataclass(frozen=True, slots=True)
class AllianceQuery:
    """The alliance filters and order of ``/api/alliances`` (see AllianceFilter)."""

    actor: str | None = None
    partner: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    deal_type: str | None = None
    stage: str | None = None
    min_value_eur: float | None = None
    sort: str = "year"
    descending: bool = False

    def filter(self, limit: int | None = None, offset: int = 0) -> AllianceFilter:
        """The store filter, paged."""
        return AllianceFilter(
            actor=self.actor, partner=self.partner, year_from=self.year_from,
            year_to=self.year_to, deal_type=self.deal_type, stage=self.stage,
            min_headline_eur=self.min_value_eur, order_by=self.sort,
            descending=self.descending, limit=limit, offset=offset,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Job:
    frame: pl.DataFrame  # year, actor, MEASURE_COLUMNS
    by_actor: dict[str, pl.DataFrame]


class ExplorerService:
    """The read-only explorer over one store: the data, the caches and the named queries.

    Raises :class:`~bioris.errors.StoreError` when the store cannot be opened read-only.
    """

    def __init__(self, store_path: str | Path, web_settings: WebSettings) -> None:
        self.settings = web_settings
        self._pool = StorePool(Path(store_path), web_settings.sql_time_limit_ms)
        with self._pool.store(time_limit=False) as store:  # the whole read, once
            self._dataset = store.dataset()
            self._dataset_name = store.meta_get("dataset")
            self._counts = store.counts()
        data = self._dataset
        self._inputs = network_inputs(data, big_pharma_names())
        self._names = {a.actor_id: a.name for a in data.actors}
        places = location_groups(self._inputs.actors)
        colours = pl.DataFrame(
            {"group": list(LOCATION_COLOURS), "colour": list(LOCATION_COLOURS.values())}
        )
        self._places = places.join(colours, on="group", how="left").drop("group")
        self._regions = regions_of(data.actors)
        years = sorted({a.year for a in data.alliances if a.year is not None})
        self._years = [years[0], years[-1]] if years else []
        default = (int(settings.get("period_start_year")), int(settings.get("period_end_year")))
        self.period: tuple[int, int] = (years[0], years[-1]) if years else default
        self._sampling = BetweennessSampling(web_settings.web_betweenness_sources, seed=0)
        size = web_settings.web_cache_entries
        self._ties, self._jobs, self._layouts = LruCache(size), LruCache(size), LruCache(size)
        self._profiles, self._snapshots, self._once = LruCache(size), LruCache(size), LruCache(8)
        self._years_with_ties = LruCache(size)
        # Totals of the paged lists per filter (the store cannot change while served).
        self._counts_of = LruCache(_COUNT_ENTRIES)
        # igraph's layout draws from one process-wide generator: one layout at a time.
        self._layout_lock = threading.Lock()
        # Network computations may hold at most half the request threads.
        self.graph_thread = GraphThread(max(1, web_settings.web_worker_threads // 2))
        self._warming = threading.local()

    def _cached(self, cache: LruCache, key: Hashable, compute: Callable[[], T]) -> T:
        """A cached value, else computed on the graph thread (see :class:`GraphThread`)."""
        hit = cache.peek(key)
        if hit is not None:
            return hit
        limited = not getattr(self._warming, "active", False)
        return self.graph_thread.call(lambda: cache.get(key, compute), limited=limited)

    def close(self) -> None:
        """Close the store connections."""
        self._pool.close()

    def warm(self) -> None:
        """Compute what the first visitors ask for (the default window, unfiltered)."""
        self._warming.active = True  # waits for the graph thread whatever the queue
        window = self.settings.tie_lifetime_years
        self._job(window)
        self._business_models()
        self._partner_profile(window)
        self.regions()
        self.network_json(self.period[1], window)

    # -- meta and actors ---------------------------------------------------------------------

    def meta(self) -> dict[str, Any]:
        """What the store holds and the filter vocabularies."""
        return {
            "dataset": self._dataset_name,
            "years": self._years,
            "kinds": [k.value for k in ActorKind],
            "deal_types": [d.value for d in DealType],
            "stages": [s.value for s in Stage],
            "regions": list(self._regions.values()),
            "counts": self._counts,
            "settings": {
                "default_page_size": self.settings.default_page_size,
                "max_page_size": self.settings.max_returned_rows,
                "default_window": self.settings.tie_lifetime_years,
            },
        }

    def actors_page(
        self, *, kind: str | None, region: str | None, text: str | None, page: int, size: int
    ) -> dict[str, Any]:
        """One page of actors (named query) and the total."""
        with self._pool.store() as store:
            total = self._counts_of.get(
                ("actors", kind, region, text),
                lambda: store.count_actors(kind=kind, region=region, text=text),
            )
            found = store.actors(
                kind=kind, region=region, text=text, limit=size, offset=(page - 1) * size
            )
        items = [actor_json(a) for a in found]
        return {"items": items, "page": page, "page_size": size, "total": total}

    def actor_profile(self, actor_id: str) -> dict[str, Any]:
        """An actor with lineage, deals, partners, measures and business models.

        Raises :class:`~bioris.errors.NotFound` for an unknown id.
        """
        newest = AllianceQuery(actor=actor_id, descending=True)
        with self._pool.store() as store:
            actor = store.actor(actor_id)
            lineage = store.lineage(actor_id)
            deals_total = self._count_alliances(store, newest)
            deals = store.alliances(newest.filter(limit=self.settings.max_returned_rows))
        job = self._job(self.settings.tie_lifetime_years).by_actor.get(actor_id)
        labels = self._business_models().get(actor_id) if actor.kind == ActorKind.NBF else None
        return actor_json(actor) | {
            "lineage": [self._lineage_json(f) for f in lineage],
            "deals": [self.alliance_json(a) for a in deals],
            "deals_total": deals_total,
            "partners": self._partners_of(actor_id),
            "measures": rows(job, ("year", *MEASURE_COLUMNS)) if job is not None else [],
            "business_models": rows(labels, ("year", *BUSINESS_MODEL_LABELS))
            if labels is not None
            else [],
        }

    def _partners_of(self, actor_id: str) -> list[dict[str, Any]]:
        parties = self._inputs.parties.select("alliance_id", "actor_id")
        own = parties.filter(pl.col("actor_id") == actor_id).select("alliance_id").unique()
        counts = (
            parties.join(own, on="alliance_id")
            .filter(pl.col("actor_id") != actor_id)
            .group_by("actor_id")
            .agg(pl.col("alliance_id").n_unique().alias("deals"))
        )
        rows = [
            {"actor_id": a, "name": self._names.get(a, a), "deals": int(n)}
            for a, n in counts.iter_rows()
        ]
        return sorted(rows, key=lambda r: (-r["deals"], r["name"].casefold(), r["actor_id"]))

    def _lineage_json(self, fact: LineageFact) -> dict[str, Any]:
        return {
            "relation": fact.relation.value,
            "target": fact.target,
            "target_name": self._names.get(fact.target) if fact.relation != "named" else None,
            "start_year": fact.start_year,
            "end_year": fact.end_year,
            "notes": fact.notes,
        }

    # -- alliances ---------------------------------------------------------------------------

    def alliance_json(self, alliance: Alliance) -> dict[str, Any]:
        """An alliance as the API shows it (party names added)."""
        terms = alliance.terms
        return {
            "alliance_id": alliance.alliance_id,
            "year": alliance.year,
            "date": alliance.date,
            "deal_type": alliance.deal_type.value,
            "stage_at_signing": alliance.stage_at_signing.value,
            "asset": alliance.asset,
            "therapeutic_area": alliance.therapeutic_area,
            "parties": [
                {
                    "actor_id": p.actor_id,
                    "name": self._names.get(p.actor_id) or p.name_as_reported or p.actor_id,
                    "role": p.role.value,
                    "focal": p.focal,
                }
                for p in alliance.parties
            ],
            "upfront_eur": finite(terms.upfront.eur if terms.upfront else None),
            "milestones_eur": finite(terms.milestones.eur if terms.milestones else None),
            "equity_eur": finite(terms.equity.eur if terms.equity else None),
            "committed_eur": finite(terms.committed_eur) or 0.0,
            "headline_eur": finite(terms.headline_eur) or 0.0,
            "notes": alliance.notes,
            "source_urls": list(alliance.provenance.source_urls),
            "confidence": alliance.provenance.confidence.value,
        }

    def _count_alliances(self, store: Store, query: AllianceQuery) -> int:
        unsorted = replace(query, sort="year", descending=False)  # the order changes no count
        return self._counts_of.get(unsorted, lambda: store.count_alliances(query.filter()))

    def alliances_page(self, query: AllianceQuery, *, page: int, size: int) -> dict[str, Any]:
        """One page of alliances (named query) and the total."""
        with self._pool.store() as store:
            total = self._count_alliances(store, query)
            found = store.alliances(query.filter(limit=size, offset=(page - 1) * size))
        items = [self.alliance_json(a) for a in found]
        return {"items": items, "page": page, "page_size": size, "total": total}

    def alliances_csv(self, query: AllianceQuery) -> tuple[str, int, int]:
        """The alliances as CSV text (at most ``max_page_size`` rows; formula-like cells
        neutralised), with the number matching and the number written."""
        cap = self.settings.max_returned_rows
        with self._pool.store() as store:
            total = self._count_alliances(store, query)
            found = store.alliances(query.filter(limit=cap))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for alliance in found:
            row = self.alliance_json(alliance)
            row["party_ids"] = "; ".join(p["actor_id"] for p in row["parties"])
            row["parties"] = "; ".join(p["name"] for p in row["parties"])
            row["source_urls"] = "; ".join(row["source_urls"])
            writer.writerow([neutralise(cell(row[c])) for c in CSV_COLUMNS])
        return out.getvalue(), total, len(found)

    # -- network -----------------------------------------------------------------------------

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

    def network_json(
        self,
        year: int,
        window: int,
        region: str | None = None,
        kind: str | None = None,
        deal_type: str | None = None,
    ) -> bytes:
        """The snapshot of ``year`` as JSON bytes (``NetworkOut``), cached."""
        layer = self.layer(region, kind, deal_type)
        if layer is None:
            return network_bytes(year, window, [], [], [])
        ties, years = self._tie_table(window, layer), self._tie_years(window, layer)
        if year not in years:  # nothing to draw: not worth a cache entry
            return network_bytes(year, window, years, [], [])
        return self._cached(
            self._snapshots,
            (year, window, layer),
            lambda: self._render(year, window, layer, ties, years),
        )

    def _render(
        self, year: int, window: int, layer: Layer, ties: pl.DataFrame, years: list[int]
    ) -> bytes:
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
            .join(self._layout(layer), on="actor", how="left")
            .sort("actor")
        )
        node_rows = [
            {
                "id": actor,
                "name": name or actor,
                "kind": kind or "unknown",
                "location": location or "unknown",
                "colour": colour or LOCATION_COLOURS["Unknown"],
                "degree": int(degree or 0),
                "betweenness": finite(betweenness),
                "x": finite(x) or 0.0,
                "y": finite(y) or 0.0,
            }
            for actor, degree, betweenness, name, kind, location, colour, x, y in nodes.select(
                "actor", "degree", "betweenness", "name", "kind", "location", "colour", "x", "y"
            ).iter_rows()
        ]
        edge_rows = [
            {"source": s, "target": t, "alliances": int(n), "committed_eur": finite(v) or 0.0}
            for s, t, n, v in current.select(
                "source", "target", "alliances", "committed_eur"
            ).iter_rows()
        ]
        return network_bytes(year, window, years, node_rows, edge_rows)

    def _tie_table(self, window: int, layer: Layer) -> pl.DataFrame:
        return self._cached(self._ties, (window, layer), lambda: self._build_ties(window, layer))

    def _tie_years(self, window: int, layer: Layer) -> list[int]:
        def compute() -> list[int]:
            return self._tie_table(window, layer)["year"].unique().sort().to_list()

        return self._cached(self._years_with_ties, (window, layer), compute)

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

    def _layout(self, layer: Layer) -> pl.DataFrame:
        """One position per actor of the layer's ties in any year and any window: every pair
        ever tied (a one-year lifetime over the whole period gives exactly those pairs)."""

        def compute() -> pl.DataFrame:
            pairs = self._tie_table(1, layer).select("source", "target").unique()
            n = len(set(pairs["source"]) | set(pairs["target"]))
            low, high = _LAYOUT_ITERATIONS
            iterations = max(low, min(high, _LAYOUT_WORK // max(n + pairs.height, 1)))
            with self._layout_lock:
                return stable_layout(pairs, seed=0, iterations=iterations)

        return self._cached(self._layouts, layer, compute)

    # -- measures, partners, regions ---------------------------------------------------------

    def _job(self, window: int) -> _Job:
        def compute() -> _Job:
            options = JobOptions(
                measures=JOB_MEASURES, weight="alliances", structural_holes=True,
                brokerage=True, core_periphery=False, betweenness_sampling=self._sampling,
            )  # fmt: skip
            ties = self._tie_table(window, WHOLE)
            frame = actor_year_metrics(ties, groups=self._inputs.groups(), options=options)
            frame = frame.select("year", "actor", *MEASURE_COLUMNS).sort("actor", "year")
            parts = frame.partition_by("actor", as_dict=True, maintain_order=True)
            by_actor = {key[0]: part for key, part in parts.items()}
            return _Job(frame, by_actor)

        return self._cached(self._jobs, window, compute)

    def measures_page(
        self, *, year: int | None, actor: str | None, window: int, page: int, size: int
    ) -> dict[str, Any]:
        """Actor-year measures, optionally of one year and one actor, paged."""
        frame = self._job(window).frame
        if actor is not None:
            frame = frame.filter(pl.col("actor") == actor)
        if year is not None:
            frame = frame.filter(pl.col("year") == year)
        frame = frame.sort("year", "actor")
        chunk = frame.slice((page - 1) * size, size)
        items = rows(chunk, ("actor", "year", *MEASURE_COLUMNS))
        for row in items:
            row["actor_id"] = row.pop("actor")
            row["name"] = self._names.get(row["actor_id"], row["actor_id"])
        return {"items": items, "page": page, "page_size": size, "total": frame.height}

    def _business_models(self) -> dict[str, pl.DataFrame]:
        def compute() -> dict[str, pl.DataFrame]:
            start, end = self.period
            labels = business_models(
                self._inputs.alliances, self._inputs.parties,
                pipeline_frame(self._dataset.pipeline), firms=self._inputs.nbfs,
                start=start, end=end,
            ).select("firm", "year", *BUSINESS_MODEL_LABELS)  # fmt: skip
            parts = labels.sort("firm", "year").partition_by("firm", as_dict=True)
            return {key[0]: part for key, part in parts.items()}

        return self._cached(self._once, "business_models", compute)

    def _partner_profile(self, window: int) -> pl.DataFrame:
        def compute() -> pl.DataFrame:
            start, end = self.period
            ranks = self._job(window).frame.select("year", "actor", *JOB_MEASURES)
            return partner_profile(
                self._inputs.alliances, self._inputs.parties, self._inputs.nbfs,
                start=start, end=end, policy=TiePolicy("fixed", window),
                big_pharma=self._inputs.big_pharma, parents=self._inputs.parents,
                centrality=ranks,
            )  # fmt: skip

        return self._cached(self._profiles, window, compute)

    def partners(self, *, year: int, top: int, window: int) -> dict[str, Any]:
        """The ``top`` NBFs of ``year`` by the preferred-partner rule."""
        profile = self._partner_profile(window).filter(pl.col("year") == year)
        ranking = preferred_partner_ranking(profile, top=top)
        items = []
        for row in ranking.iter_rows(named=True):
            actor = row["actor"]
            items.append(
                {
                    "rank": row["rank"],
                    "actor_id": actor,
                    "name": self._names.get(actor, actor),
                    "bioregion": self._bioregion(actor),
                    **{key: int(row[key] or 0) for key in RANK_COUNTS},
                }
            )
        return {"rule": RANKING_RULE, "items": items}

    def _bioregion(self, actor_id: str) -> str | None:
        row = self._inputs.actors.filter(pl.col("actor_id") == actor_id)
        return row["bioregion"][0] if row.height else None

    def regions(self) -> dict[str, list[dict[str, Any]]]:
        """The tables of :func:`~bioris.region_summary.summarise_regions` as rows."""

        def compute() -> dict[str, list[dict[str, Any]]]:
            start, end = self.period
            tables = summarise_regions(self._dataset, start=start, end=end).tables()
            active = tables["actors"]
            for region in Bioregion:  # the pivot has a column per bioRegion with actors only
                if region.value not in active.columns:
                    active = active.with_columns(pl.lit(0, dtype=pl.Int64).alias(region.value))
            tables["actors"] = active.with_columns(pl.col(r.value).fill_null(0) for r in Bioregion)
            return {name: rows(frame, tuple(frame.columns)) for name, frame in tables.items()}

        return self._cached(self._once, "regions", compute)
