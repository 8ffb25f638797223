"""What the web view computes, and what it keeps: the library behind every API route.

The explorer is a :class:`~bioris.study.Study` over the store opened read-only: the study
reads the store once, at start-up, and decides, the same way as the CLI and the report, where
each actor is (the declared regions), who the panel firms are, when each firm's independent
life ends, which deals are ties (the study's network layers unless a request asks for
others), the period and the default window. The lists that page through many rows (actors,
alliances) run the store's named queries on a pool of read-only connections, each query under
``sql_time_limit_ms``. Everything derived from the network is cached in bounded
least-recently-used caches (:mod:`bioris.web.network_view`, :mod:`bioris.web.analyses`).

This process never writes the store. Another process may (an import): the lists then show
the new rows, but the study's tables, the network, the measures, the names and the totals of
each filter stay as they were computed until the server restarts; ``/api/meta`` then says
``data_changed`` (:class:`~bioris.web.freshness.StoreChanges`) and the pages say to restart.

The caches of derived tables share one memory budget, ``web_cache_mb``
(:class:`~bioris.web.runtime.CacheBudget`); the study's own cache of derived results, which
keeps every ranking it computes for its life, is not used (:class:`ServedStudy`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from bioris.domain import ActorKind, Alliance, DealType, LineageFact, Stage
from bioris.errors import BiorisError, NotFound, ResolutionError
from bioris.export.canonical import neutralise
from bioris.store import AllianceFilter, Store, open_store
from bioris.study import Study
from bioris.study.vocabulary import (
    VocabularyError,
    check_deal_type,
    check_kind,
    check_stage,
)
from bioris.web.analyses import BUSINESS_MODEL_LABELS, Analyses
from bioris.web.config import WebSettings
from bioris.web.deal_bodies import DealBodies, with_raw_list
from bioris.web.freshness import StoreChanges
from bioris.web.network_view import MEASURE_COLUMNS, Focus, NetworkView
from bioris.web.records import JsonBody, actor_json, cell, partner_counts, rows
from bioris.web.runtime import CacheBudget, GraphThread, LruCache, StorePool
from bioris.web.schemas import ActorProfile, AlliancePage

__all__ = ["AllianceQuery", "ExplorerService", "ParameterError", "ServedStudy", "WebSettings"]

T = TypeVar("T")

CSV_COLUMNS = (
    "alliance_id", "year", "date", "deal_type", "stage_at_signing", "asset",
    "therapeutic_area", "parties", "party_ids", "upfront_eur", "milestones_eur", "equity_eur",
    "committed_eur", "headline_eur", "notes", "source_urls", "confidence",
)  # fmt: skip
# Filter totals and name look-ups kept (a few dozen bytes each).
_COUNT_ENTRIES = 4096
_BYTES_PER_MB = 1_000_000
# The name resolver speaks to importers; a web client has nothing to import.


def _given(value: str | None) -> bool:
    """Whether a filter was given: an empty or blank value filters nothing."""
    return bool(value and value.strip())


class ParameterError(BiorisError):
    """A query parameter names nothing the study knows (an API 422 error)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"{parameter}: {message}")
        self.parameter = parameter


@dataclass(frozen=True, slots=True)
class AllianceQuery:
    """The checked alliance filters and order of ``/api/alliances`` (actor ids, vocabulary
    values; see AllianceFilter)."""

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


class ServedStudy(Study):
    """The study as the explorer holds it: :meth:`cached` computes and keeps nothing.

    A :class:`~bioris.study.Study` keeps every derived result of :meth:`Study.cached` (a
    ranking per window, layers and firms; the business models) for its life, which is right
    for one command and unbounded for a server that any visitor can ask for new windows and
    layers. The explorer keeps those results in its own caches, within ``web_cache_mb``.
    """

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, not kept (the explorer's caches keep what it serves)."""
        del key
        return compute()


class ExplorerService:
    """The read-only explorer over one store's study: the data, the caches, the queries.

    Raises :class:`~bioris.errors.StoreError` when the store cannot be opened read-only.
    """

    def __init__(self, store_path: str | Path, web_settings: WebSettings) -> None:
        self.settings = web_settings
        path = Path(store_path)
        self.changes = StoreChanges(path)  # before reading: a write from now on is a change
        self.study = ServedStudy(open_store(path, read_only=True, create=False))
        try:
            self._read_study()
        except BaseException:
            self.study.close()
            raise
        self._pool = StorePool(path, web_settings.sql_time_limit_ms)
        # Network computations may hold at most half the request threads.
        self.graph_thread = GraphThread(max(1, web_settings.web_worker_threads // 2))
        self.cache_budget = CacheBudget(web_settings.web_cache_mb * _BYTES_PER_MB)
        self.network = NetworkView(
            self.study, self.period, web_settings, self.graph_thread, self.cache_budget
        )
        self.analyses = Analyses(self.study, self.network, web_settings, self.cache_budget)
        names = self.study.names()
        self._partners = partner_counts(self.study.inputs.parties, names)
        self._deals = DealBodies(self.study.dataset.alliances, names, self._read_alliances)
        # Totals of the paged lists per filter, computed once (see the module docstring),
        # and the actors that names resolve to.
        self._counts_of, self._resolved = LruCache(_COUNT_ENTRIES), LruCache(_COUNT_ENTRIES)

    def _read_study(self) -> None:
        """Read everything the requests need now, on this thread, so that no request
        thread touches the study's connection or computes a table twice."""
        study = self.study
        self._dataset_name = study.store.meta_get("dataset")
        self._counts = study.store.counts()
        actors = study.actors.join(
            study.lifespans.select("actor_id", "exit_year", "exit_kind"), on="actor_id",
            how="left",
        ).with_columns(pl.col("actor_id").is_in(list(study.panel)).alias("in_panel"))  # fmt: skip
        columns = ("actor_id", "country", "location", "in_panel", "exit_year", "exit_kind")
        self._placed = {
            row["actor_id"]: row for row in actors.select(columns).iter_rows(named=True)
        }
        self._names = study.names()
        years = study.data_years
        self._years = list(years) if years else []
        # The study's period; a store without a dated deal and no declared period has none:
        # show this year (empty) rather than refuse to start.
        this_year = datetime.now(UTC).year
        self.period: tuple[int, int] = (
            study.period if years or study.definition.period else (this_year, this_year)
        )
        self._locations = list(dict.fromkeys(study.locations.values()))
        study.alliance_table  # noqa: B018 (computed now, see the docstring)

    def _read_alliances(self, alliance_ids: list[str]) -> list[Alliance]:
        with self._pool.store() as store:
            return store.alliances(AllianceFilter(ids=tuple(alliance_ids)))

    def close(self) -> None:
        """Stop the graph thread and close the store connections."""
        self.graph_thread.stop()
        self._pool.close()
        self.study.close()

    @property
    def window(self) -> int:
        """The study's window: the default tie lifetime of every network route."""
        return self.study.window

    def warm(self) -> None:
        """Compute what visitors ask for: the default window's measures, business models,
        partner ranking, regional tables, the JSON of every deal and the whole network in
        every year."""
        layers = self.network.base.layers
        with self.network.warming():
            self.network.job(self.window, layers)
            self.analyses.business_models()
            self.analyses.ranking(self.window, layers)
            self.analyses.regions()
        self._deals.warm()
        self.network.warm(self.window)

    # -- checked parameters ------------------------------------------------------------------

    def layers(self, values: Iterable[str] | None) -> tuple[str, ...]:
        """Declared layers (case ignored), the study's network layers when none is given;
        in the study's order, each once (so that one set of layers is one cache entry)."""
        given = [v for v in values or () if v.strip()]
        if not given:
            return self.network.base.layers
        chosen = set(self.study.check_layers(given, "layer"))
        return tuple(name for name in self.study.definition.layer_names if name in chosen)

    def region(self, value: str | None) -> str | None:
        """A declared region, location or country code, canonical (case ignored)."""
        return self.study.check_region(value, "region") if _given(value) else None

    @staticmethod
    def kind(value: str | None) -> str | None:
        """An actor kind (case ignored)."""
        return check_kind(value, "kind") if _given(value) else None

    @staticmethod
    def deal_type(value: str | None) -> str | None:
        """A deal type (case ignored, ``licensing out`` is ``licensing_out``)."""
        return check_deal_type(value, "deal_type") if _given(value) else None

    @staticmethod
    def stage(value: str | None) -> str | None:
        """A stage at signing (case ignored)."""
        return check_stage(value, "stage") if _given(value) else None

    def resolve_actor(self, value: str | None, parameter: str) -> str | None:
        """The id of the actor ``value`` names: an id, a name, an alias or a former name.

        Raises :class:`ParameterError` with the resolver's suggestions when none does.
        """
        if not _given(value):
            return None
        if value in self._names:
            return value
        try:
            return self._resolved.get(value, lambda: self.study.resolve_actor(value))
        except ResolutionError as exc:
            if self._stored_id(value):  # added to the store after start-up
                return value
            raise ParameterError(parameter, str(exc)) from None

    def _stored_id(self, value: str) -> bool:
        with self._pool.store() as store:
            try:
                store.actor(value)
            except NotFound:
                return False
        return True

    # -- meta and actors ---------------------------------------------------------------------

    def meta(self) -> dict[str, Any]:
        """The store, its study and the filter vocabularies."""
        definition = self.study.definition
        colours = self.study.region_colours()
        return {
            "dataset": self._dataset_name,
            "study": {
                "name": definition.name,
                "description": definition.description,
                "period": list(self.period),
                "period_declared": definition.period is not None,
                "window": self.window,
                "regions": [
                    {
                        "name": r.name,
                        "countries": list(r.countries),
                        "codes": list(r.codes),
                        "colour": colours[r.name],
                        "focal": r.focal,
                    }
                    for r in definition.regions
                ],
                "compared_regions": list(self.study.compared_regions()),
                "layers": [{"name": n, "deal_types": list(t)} for n, t in definition.layers],
                "network_layers": list(definition.network_layers),
                "panel_size": len(self.study.panel),
            },
            "years": self._years,
            "kinds": [k.value for k in ActorKind],
            "deal_types": [d.value for d in DealType],
            "stages": [s.value for s in Stage],
            "regions": self._locations,
            "layers": list(definition.layer_names),
            "counts": self._counts,
            "settings": {
                "default_page_size": self.settings.default_page_size,
                "max_page_size": self.settings.max_returned_rows,
                "default_window": self.window,
            },
            "data_changed": self.changes.changed(),
        }

    def place(self, actor_id: str, region: str | None, country: str | None) -> dict[str, Any]:
        """Where the study places an actor, whether it is a panel firm and its exit."""
        found = self._placed.get(actor_id)
        if found is not None:
            return found
        # an actor another process added after start-up: the study's placement rule
        definition = self.study.definition
        home = definition.country_of(region, country)
        return {"country": home, "location": definition.location(region, home)}

    def actors_page(
        self, *, kind: str | None, region: str | None, text: str | None, page: int, size: int
    ) -> dict[str, Any]:
        """One page of actors (named query) and the total; ``kind`` and ``region`` are
        checked (:class:`~bioris.study.VocabularyError`)."""
        kind, region = self.kind(kind), self.region(region)
        ids = self.study.ids_in(region) if region else None
        with self._pool.store() as store:
            total = self._counts_of.get(
                ("actors", kind, region, text),
                lambda: store.count_actors(kind=kind, ids=ids, text=text),
            )
            found = store.actors(
                kind=kind, ids=ids, text=text, limit=size, offset=(page - 1) * size
            )
        items = [actor_json(a, self.place(a.actor_id, a.region, a.country)) for a in found]
        return {"items": items, "page": page, "page_size": size, "total": total}

    def actor_profile(self, actor_id: str) -> bytes:
        """An actor with lineage, deals, partners, measures (the study's window and network
        layers) and, for a panel firm, its business models, as the JSON of ``ActorProfile``.

        Raises :class:`~bioris.errors.NotFound` for an unknown id.
        """
        newest = AllianceQuery(actor=actor_id, descending=True)
        with self._pool.store() as store:
            actor = store.actor(actor_id)
            lineage = store.lineage(actor_id)
            deals_total = self._count_alliances(store, newest)
            deals = store.alliance_ids(newest.filter(limit=self.settings.max_returned_rows))
        job = self.network.job(self.window, self.network.base.layers).by_actor.get(actor_id)
        labels = self.analyses.business_models().get(actor_id)
        profile = ActorProfile.model_validate(
            actor_json(actor, self.place(actor_id, actor.region, actor.country))
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

    def focus(
        self,
        layers: Iterable[str] | None = None,
        region: str | None = None,
        kind: str | None = None,
        deal_type: str | None = None,
    ) -> Focus:
        """The checked network filters. A ``deal_type`` without ``layers`` shows that deal
        type's ties (asking for acquisitions shows them); with ``layers``, only if one of
        them holds it."""
        deal_type = self.deal_type(deal_type)
        chosen = self.layers(list(layers or ())) if layers else None
        try:
            checked, _ = self.study.tie_layers(
                chosen, [deal_type] if deal_type else None, option="deal_type"
            )
        except VocabularyError as exc:
            raise ParameterError("deal_type", str(exc).split(": ", 1)[1]) from None
        return Focus(checked, self.region(region), self.kind(kind), deal_type)

    def network_body(self, year: int, window: int, focus: Focus) -> JsonBody:
        """The snapshot of ``year`` (``NetworkOut``), rendered once and kept."""
        return self.network.snapshot(year, window, focus)
