"""What the web view computes, and what it keeps: the library behind every API route.

The store is read once, at start-up, into a :class:`~bioris.domain.Dataset`; the network
tables are built from it once. The lists that page through many rows (actors, alliances) run
the store's named queries on a pool of read-only connections, each query under
``sql_time_limit_ms``. Everything derived from the network is cached in bounded
least-recently-used caches, per window and filters: tie tables, the measures job, layouts,
preferred-partner profiles and rendered snapshots.

This process never writes the store. Another process may (an import): the lists then show
the new rows, but the network, the measures and the totals of each filter stay as they were
computed until the server restarts.

The period is the data's own: from the first to the last signing year of a dated alliance
(the settings' study period when there is none), so the explorer shows every dated deal.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from bioris import settings
from bioris.analytics import (
    RANKING_RULE,
    TiePolicy,
    network_inputs,
    partner_profile,
    preferred_partner_ranking,
)
from bioris.analytics.business_models import business_models
from bioris.analytics.tables import pipeline_frame
from bioris.data import big_pharma_names
from bioris.domain import ActorKind, Alliance, Bioregion, DealType, LineageFact, Stage
from bioris.export.canonical import neutralise
from bioris.region_summary import summarise_regions
from bioris.store import AllianceFilter, Store
from bioris.web.config import WebSettings
from bioris.web.deal_bodies import DealBodies, with_raw_list
from bioris.web.network_view import JOB_MEASURES, MEASURE_COLUMNS, NetworkView
from bioris.web.records import (
    JsonBody,
    actor_json,
    cell,
    partner_counts,
    regions_of,
    rows,
)
from bioris.web.runtime import GraphThread, LruCache, StorePool
from bioris.web.schemas import ActorProfile, AlliancePage

__all__ = ["AllianceQuery", "ExplorerService", "WebSettings"]

BUSINESS_MODEL_LABELS = ("product_model", "value_chain", "oi_mode", "portfolio_mix")
RANK_COUNTS = ("big_pharma_partners", "distinct_partners", "target_alliances",
               "active_alliances", "repeat_partners")  # fmt: skip
CSV_COLUMNS = (
    "alliance_id", "year", "date", "deal_type", "stage_at_signing", "asset",
    "therapeutic_area", "parties", "party_ids", "upfront_eur", "milestones_eur", "equity_eur",
    "committed_eur", "headline_eur", "notes", "source_urls", "confidence",
)  # fmt: skip
# Filter totals kept (a few dozen bytes each).
_COUNT_ENTRIES = 4096


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
        self._bioregions = {a.actor_id: a.bioregion.value for a in data.actors if a.bioregion}
        # actor -> the bioRegion and country it is in (the region filters match either)
        self._places = {
            a.actor_id: {p for p in (a.bioregion.value if a.bioregion else None, a.country) if p}
            for a in data.actors
        }
        self._regions = regions_of(data.actors)
        years = sorted({a.year for a in data.alliances if a.year is not None})
        self._years = [years[0], years[-1]] if years else []
        default = (int(settings.get("period_start_year")), int(settings.get("period_end_year")))
        self.period: tuple[int, int] = (years[0], years[-1]) if years else default
        # Network computations may hold at most half the request threads.
        self.graph_thread = GraphThread(max(1, web_settings.web_worker_threads // 2))
        self.network = NetworkView(
            self._inputs, self.period, self._regions, web_settings, self.graph_thread
        )
        self._partners = partner_counts(self._inputs.parties, self._names)
        self._deals = DealBodies(data.alliances, self._names, self._read_alliances)
        self._profiles, self._once = LruCache(web_settings.web_cache_entries), LruCache(8)
        # Totals of the paged lists per filter, computed once (see the module docstring).
        self._counts_of = LruCache(_COUNT_ENTRIES)

    def _read_alliances(self, alliance_ids: list[str]) -> list[Alliance]:
        with self._pool.store() as store:
            return store.alliances(AllianceFilter(ids=tuple(alliance_ids)))

    def close(self) -> None:
        """Close the store connections."""
        self._pool.close()

    def warm(self) -> None:
        """Compute what visitors ask for: the default window's measures, business models,
        partner ranking, regional tables, the JSON of every deal and the whole network in
        every year."""
        window = self.settings.tie_lifetime_years
        with self.network.warming():
            self.network.job(window)
            self._business_models()
            self._partner_profile(window)
            self.regions()
        self._deals.warm()
        self.network.warm(window)

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

    def actor_profile(self, actor_id: str) -> bytes:
        """An actor with lineage, deals, partners, measures and business models, as the
        JSON of ``ActorProfile``.

        Raises :class:`~bioris.errors.NotFound` for an unknown id.
        """
        newest = AllianceQuery(actor=actor_id, descending=True)
        with self._pool.store() as store:
            actor = store.actor(actor_id)
            lineage = store.lineage(actor_id)
            deals_total = self._count_alliances(store, newest)
            deals = store.alliance_ids(newest.filter(limit=self.settings.max_returned_rows))
        job = self.network.job(self.settings.tie_lifetime_years).by_actor.get(actor_id)
        labels = self._business_models().get(actor_id) if actor.kind == ActorKind.NBF else None
        profile = ActorProfile.model_validate(
            actor_json(actor)
            | {
                "lineage": [self._lineage_json(f) for f in lineage],
                "deals": [],
                "deals_total": deals_total,
                "partners": [
                    {"actor_id": a, "name": self._names.get(a, a), "deals": n}
                    for a, n in self._partners.get(actor_id, ())
                ],
                "measures": rows(job, ("year", *MEASURE_COLUMNS)) if job is not None else [],
                "business_models": rows(labels, ("year", *BUSINESS_MODEL_LABELS))
                if labels is not None
                else [],
            }
        )
        return with_raw_list(profile, "deals", self._deals.array(deals))

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

    def _count_alliances(self, store: Store, query: AllianceQuery) -> int:
        unsorted = replace(query, sort="year", descending=False)  # the order changes no count
        return self._counts_of.get(unsorted, lambda: store.count_alliances(query.filter()))

    def alliances_page(self, query: AllianceQuery, *, page: int, size: int) -> bytes:
        """One page of alliances (named query) and the total, as the JSON of
        ``AlliancePage``."""
        with self._pool.store() as store:
            total = self._count_alliances(store, query)
            found = store.alliance_ids(query.filter(limit=size, offset=(page - 1) * size))
        head = AlliancePage(items=[], page=page, page_size=size, total=total)
        return with_raw_list(head, "items", self._deals.array(found))

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
            row = self._deals.as_dict(alliance)
            row["party_ids"] = "; ".join(p["actor_id"] for p in row["parties"])
            row["parties"] = "; ".join(p["name"] for p in row["parties"])
            row["source_urls"] = "; ".join(row["source_urls"])
            writer.writerow([neutralise(cell(row[c])) for c in CSV_COLUMNS])
        return out.getvalue(), total, len(found)

    # -- network -----------------------------------------------------------------------------

    def network_body(
        self,
        year: int,
        window: int,
        region: str | None = None,
        kind: str | None = None,
        deal_type: str | None = None,
    ) -> JsonBody:
        """The snapshot of ``year`` (``NetworkOut``), rendered once and kept."""
        return self.network.snapshot(year, window, self.network.layer(region, kind, deal_type))

    # -- measures, partners, regions ---------------------------------------------------------

    def measures_page(
        self, *, year: int | None, actor: str | None, window: int, page: int, size: int
    ) -> dict[str, Any]:
        """Actor-year measures, optionally of one year and one actor, paged."""
        frame = self.network.job(window).frame
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

        return self.network.cached(self._once, "business_models", compute)

    def _partner_profile(self, window: int) -> pl.DataFrame:
        def compute() -> pl.DataFrame:
            start, end = self.period
            ranks = self.network.job(window).frame.select("year", "actor", *JOB_MEASURES)
            return partner_profile(
                self._inputs.alliances, self._inputs.parties, self._inputs.nbfs,
                start=start, end=end, policy=TiePolicy("fixed", window),
                big_pharma=self._inputs.big_pharma, parents=self._inputs.parents,
                centrality=ranks,
            )  # fmt: skip

        return self.network.cached(self._profiles, window, compute)

    def partners(
        self, *, year: int, top: int, window: int, region: str | None = None
    ) -> dict[str, Any]:
        """The ``top`` NBFs of ``year`` by the preferred-partner rule; with ``region`` (a
        bioRegion or country code, any case), the NBFs there, ranked among themselves."""
        profile = self._partner_profile(window).filter(pl.col("year") == year)
        if region:
            place = self._regions.get(region.casefold())
            local = [a for a, where in self._places.items() if place in where]
            profile = profile.filter(pl.col("actor").is_in(local))
        ranking = preferred_partner_ranking(profile, top=top)
        items = []
        for row in ranking.iter_rows(named=True):
            actor = row["actor"]
            items.append(
                {
                    "rank": row["rank"],
                    "actor_id": actor,
                    "name": self._names.get(actor, actor),
                    "bioregion": self._bioregions.get(actor),
                    **{key: int(row[key] or 0) for key in RANK_COUNTS},
                }
            )
        return {"rule": RANKING_RULE, "items": items}

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

        return self.network.cached(self._once, "regions", compute)
