"""The :class:`Study`: one store, its study definition, and the tables derived from both.

Every command, the report and the web view go through a ``Study``: it decides, once and the
same way for all of them, where each actor is (the declared regions), who the panel firms
are, when each actor's independent life ends, which deals are alliance ties, and which years
the study covers. Derived tables are computed on first use and kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl

from bioris import settings
from bioris.analytics import BetweennessSampling, NetworkInputs, network_inputs
from bioris.analytics.genealogy import actor_lifespans
from bioris.analytics.inputs import network_inputs_from_tables
from bioris.analytics.panel import panel_members, panel_years
from bioris.analytics.specialisation import classify_subsectors, validate_taxonomy
from bioris.analytics.subset import region_subset
from bioris.analytics.tables import deal_frames, financials_frame, pipeline_frame
from bioris.data import DATASET_NAME, big_pharma_names, card_section, study_file, table_rows
from bioris.domain import Actor, Dataset, LineageFact, StudyDefinition
from bioris.errors import BiorisError, ResolutionError
from bioris.ingest.resolve import NameIndex
from bioris.ingest.study_file import load_study_file
from bioris.store import Store

# the capabilities' modules take a Study and import this module only to type it
from bioris.study.capabilities import Capabilities
from bioris.study.vocabulary import (
    VocabularyError,
    check_choice,
    check_choices,
    check_deal_type,
)
from bioris.workspace import open_user_store

if TYPE_CHECKING:
    pass

__all__ = ["Study"]

T = TypeVar("T")


class Study(Capabilities):
    """A store read as one study (see the module docstring).

    Open one with :meth:`Study.open`; use it as a context manager to close the store.

    Examples
    --------
    >>> with Study.open("ris.sqlite") as study:  # doctest: +SKIP
    ...     study.preferred_partners(2017).to_pandas()
    """

    def __init__(
        self,
        store: Store,
        *,
        definition: StudyDefinition | None = None,
        dataset: Dataset | None = None,
    ) -> None:
        """A study of ``store``: its stored definition unless ``definition`` is given, and its
        whole dataset unless ``dataset`` (a part of it, see :meth:`focus`) is."""
        self._store = store
        self._given = definition
        self._owns_store = dataset is None
        if dataset is not None:
            self.__dict__["dataset"] = dataset

    @classmethod
    def open(cls, path: str | Path | None = None, *, read_only: bool = True) -> Study:
        """The study of the store at ``path`` (``$BIORIS_STORE``, else the per-user store,
        created with the bundled dataset on first use)."""
        return cls(open_user_store(path, read_only=read_only))

    def __enter__(self) -> Study:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the store (a focused study leaves it to the study it came from)."""
        if self._owns_store:
            self._store.close()

    def focus(self, region: str) -> Study:
        """The study seen through one region or country (checked): the deals with at least
        one party there, with all their parties, and the pipelines and financials of the firms
        there (:func:`~bioris.analytics.subset.region_subset`), under the same definition;
        every table it derives (panel, exits, ties, labels) follows from that part."""
        place = self.check_region(region)
        part = region_subset(self.dataset, place, self.definition)
        return Study(self._store, definition=self.definition, dataset=part)

    @property
    def store(self) -> Store:
        """The underlying store."""
        return self._store

    # -- the definition ----------------------------------------------------------------------

    @cached_property
    def stored_definition(self) -> tuple[StudyDefinition, str, str] | None:
        """The definition the store holds, with its TOML and when it was loaded."""
        found = self._store.study()
        if found is None:
            return None
        definition, source, loaded_at = found
        return StudyDefinition.from_dict(json.loads(definition)), source, loaded_at

    @cached_property
    def definition(self) -> StudyDefinition:
        """The study definition: the one given, else the stored one, else a default that
        declares no region (actors are then placed by country) and takes the ``nbf`` actors
        as the panel."""
        if self._given is not None:
            return self._given
        if self.stored_definition is not None:
            return self.stored_definition[0]
        name = self._store.meta_get("dataset") or self._store.path.stem
        return StudyDefinition(name=name, window=int(settings.get("tie_lifetime_years")))

    def load_definition(
        self, path: str | Path, *, waiting: Callable[[str], None] | None = None
    ) -> StudyDefinition:
        """Validate the study file at ``path`` and store it (all or nothing).

        Raises :class:`~bioris.errors.ValidationError` with every problem located as
        ``FILE:LINE:COLUMN``.
        """
        actors = self._store.actors()
        index = NameIndex.build(actors, self._store.lineage(), missing_hint="")

        def check_name(name: str) -> str | None:
            match = index.resolve(name)
            return None if match.actor_id else (match.problem or f"no actor named {name!r}")

        # a study may be loaded before the data: its names are then checked by panel_notes
        checker = check_name if actors else None
        categories = self.taxonomy["category"].to_list()
        definition, text = load_study_file(path, categories=categories, check_name=checker)
        detail = {"study": definition.name, "file": str(path)}
        with self._store.transaction(waiting=waiting, action="study load", detail=detail):
            self._store.set_study(json.dumps(definition.to_dict(), ensure_ascii=False), text)
        self._forget()
        return definition

    def panel_notes(self) -> list[str]:
        """What a user should know about the study on these data, though nothing is wrong
        with the file: panel names that name no actor (yet), focal regions where no actor is
        placed, an empty panel."""
        notes = []
        panel = self.definition.panel
        for key, names in (("include", panel.include), ("exclude", panel.exclude)):
            for name in names:
                match = self.name_index.resolve(name)
                if match.actor_id is None:
                    notes.append(f"panel.{key}: {match.problem or name}")
        placed = set(self.actors["location"])
        empty = [r for r in self.definition.focal_regions if r not in placed]
        if empty and self.actor_records:
            notes.append(
                f"no actor is placed in the focal region(s) {', '.join(empty)}: check their "
                "codes and the actors' region and country columns"
            )
        if not self.panel and self.actor_records:
            notes.append("the panel is empty: check [panel] (kinds, regions, categories)")
        return notes

    def load_bundled_definition(self) -> StudyDefinition:
        """Store the bundled dataset's study file (``bioris init`` does)."""
        return self.load_definition(study_file())

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A derived result kept for the life of this study (or until a new definition)."""
        results: dict[Hashable, Any] = self.__dict__.setdefault("_results", {})
        if key not in results:
            results[key] = compute()
        return results[key]

    def _forget(self) -> None:
        keep = {"_store", "_given", "_owns_store"} | (set() if self._owns_store else {"dataset"})
        for name in list(vars(self)):
            if name not in keep:
                del self.__dict__[name]

    # -- the data and its derived tables ------------------------------------------------------

    @cached_property
    def dataset(self) -> Dataset:
        """Everything in the store."""
        return self._store.dataset()

    @cached_property
    def taxonomy(self) -> pl.DataFrame:
        """The bundled subsector taxonomy (``category, keywords, description``)."""
        return validate_taxonomy(pl.DataFrame(table_rows("subsector_taxonomy.csv")))

    @cached_property
    def success_rates(self) -> pl.DataFrame:
        """The bundled phase-transition success rates (see PHASE_SUCCESS_RATES.md)."""
        rows = table_rows("phase_success_rates.csv")
        return pl.DataFrame(rows).with_columns(pl.col("probability").cast(pl.Float64))

    @cached_property
    def classified(self) -> pl.DataFrame:
        """Each actor's subsector categories (``actor_id, category, matched_text``)."""
        return classify_subsectors(self.inputs_without_panel.actors, self.taxonomy)

    @cached_property
    def actor_records(self) -> tuple[Actor, ...]:
        """Every actor of the study, by id (the records, without the deals)."""
        if not self._owns_store or "dataset" in self.__dict__:
            return self.dataset.actors
        return tuple(self._store.actors())

    @cached_property
    def lineage_records(self) -> tuple[LineageFact, ...]:
        """Every lineage fact of the study, in canonical order."""
        if not self._owns_store or "dataset" in self.__dict__:
            return self.dataset.lineage
        return tuple(self._store.lineage())

    @cached_property
    def inputs_without_panel(self) -> NetworkInputs:
        # the placed actors frame, before the panel (which needs the categories) is known
        if not self._owns_store:  # a focus: a part of the dataset
            return network_inputs(self.dataset, big_pharma_names(), self.definition, panel=())
        # the whole store: the deal tables straight from its rows, never as records (six
        # times faster on 100,000 deals; tests/study/test_inputs.py checks they are equal)
        names = {a.actor_id: a.name for a in self.actor_records}
        alliances, parties = deal_frames(*self._store.deal_rows(), names)
        return network_inputs_from_tables(
            self.actor_records, self.lineage_records, alliances, parties, big_pharma_names(),
            self.definition, panel=(),
        )  # fmt: skip

    @cached_property
    def panel(self) -> tuple[str, ...]:
        """Ids of the study's panel firms (every "NBF" figure counts these)."""
        return panel_members(
            self.actor_records,
            self.definition,
            self.classified,
            resolve=lambda name: self.name_index.resolve(name).actor_id,
        )

    @cached_property
    def inputs(self) -> NetworkInputs:
        """The network tables: placed actors, deals, parties, parents, big pharma, panel,
        exits and the network layer's deal types."""
        return replace(self.inputs_without_panel, panel=self.panel)

    @property
    def actors(self) -> pl.DataFrame:
        """One row per actor, placed (``location``, ``focal``)."""
        return self.inputs.actors

    @property
    def alliance_table(self) -> pl.DataFrame:
        """One row per deal (every deal type), with ``layer``."""
        return self._alliance_table

    @cached_property
    def _alliance_table(self) -> pl.DataFrame:
        layers = {t: name for name, types in self.definition.layers for t in types}
        return self.inputs.alliances.with_columns(
            pl.col("deal_type").replace_strict(layers, default=None, return_dtype=pl.String)
            .alias("layer")
        )  # fmt: skip

    @cached_property
    def lifespans(self) -> pl.DataFrame:
        """``actor_id, founded, entry_year, exit_year, exit_source, exit_kind, acquirer``."""
        return actor_lifespans(
            self.actors, self.lineage_records, alliances=self.inputs.alliances,
            parties=self.inputs.parties,
        )  # fmt: skip

    @property
    def exits(self) -> pl.DataFrame:
        """The actors whose independent life ended: ``actor_id, exit_year, exit_kind,
        acquirer, exit_source``."""
        return self.lifespans.filter(pl.col("exit_year").is_not_null()).select(
            "actor_id", "exit_year", "exit_kind", "acquirer", "exit_source"
        )

    @cached_property
    def pipeline(self) -> pl.DataFrame:
        """One row per pipeline stage event."""
        return pipeline_frame(self.dataset.pipeline)

    @cached_property
    def financials(self) -> pl.DataFrame:
        """One row per source and firm-year of financial statements."""
        return financials_frame(self.dataset.financials)

    def panel_years(self, start: int | None = None, end: int | None = None) -> pl.DataFrame:
        """``actor_id, year``: each panel firm's years in the panel within the period (from
        its entry, through its exit year)."""
        first, last = self.span(start, end)
        return panel_years(self.panel, self.lifespans, start=first, end=last)

    # -- period, window, places and layers ---------------------------------------------------

    @cached_property
    def data_years(self) -> tuple[int, int] | None:
        """The first and last signing year of the dated deals (``None`` without any)."""
        years = self.inputs.alliances["year"].drop_nulls()
        return (int(years.min()), int(years.max())) if years.len() else None

    @property
    def period(self) -> tuple[int, int]:
        """The study's period: declared, else the years of the data."""
        if self.definition.period is not None:
            return self.definition.period
        if self.data_years is None:
            raise BiorisError(
                "the store has no dated deal, so the study has no period: declare one "
                "(period = [first, last] in the study file) or pass --from and --to"
            )
        return self.data_years

    @property
    def betweenness_sampling(self) -> BetweennessSampling:
        """How rankings and profiles compute betweenness: exact on yearly networks of at most
        ``ranking_betweenness_sources`` actors, estimated from that many sampled sources on
        larger ones (Brandes & Pich 2007)."""
        return BetweennessSampling(int(settings.get("ranking_betweenness_sources")), seed=0)

    @property
    def window(self) -> int:
        """Years an alliance stays active after signing (signing year included)."""
        return self.definition.window

    def span(self, start: int | None = None, end: int | None = None) -> tuple[int, int]:
        """``start``/``end``, each defaulting to the study period's; checked."""
        if start is None or end is None:
            first, last = self.period
            start = first if start is None else start
            end = last if end is None else end
        if start > end:
            raise BiorisError(f"the period {start}-{end} is empty (--from is after --to)")
        return start, end

    @cached_property
    def locations(self) -> dict[str, str]:
        """Every place a region option may name: casefolded -> canonical (the declared
        regions, then the locations and countries of the actors)."""
        names = [r.name for r in self.definition.regions]
        names += sorted(set(self.actors["location"].drop_nulls()) - {"unknown"})
        names += sorted(set(self.actors["country"].drop_nulls()))
        found: dict[str, str] = {}
        for name in names:
            found.setdefault(name.casefold(), name)
        return found

    def check_region(self, value: str, option: str = "--region") -> str:
        """The canonical name of a declared region (by its name or one of its codes), a
        location or a country code."""
        placed = self.definition.place(value.strip())
        if placed is not None:
            return placed
        allowed = list(dict.fromkeys(self.locations.values()))
        return check_choice(option, value, allowed)

    def check_layers(self, values: Iterable[str], option: str = "--layer") -> tuple[str, ...]:
        """Declared layer names (case ignored)."""
        return check_choices(option, values, self.definition.layer_names)

    def deal_types(self, layers: Iterable[str] | None = None) -> tuple[str, ...]:
        """The deal types of ``layers`` (checked), or of the network layers by default."""
        if layers is None:
            return self.definition.deal_types()
        return self.definition.deal_types(self.check_layers(layers))

    def tie_layers(
        self,
        layers: Iterable[str] | None = None,
        deal_types: Iterable[str] | None = None,
        *,
        option: str = "--deal-type",
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The layers and deal types a network is built from, by one rule for the CLI, the
        API and the report: ``layers`` (the study's network layers by default) and all their
        deal types, or only ``deal_types`` of them. Deal types asked for without layers select
        their own layers (asking for acquisitions shows acquisitions); a deal type outside the
        layers asked for is an error, never an empty network."""
        types = tuple(dict.fromkeys(check_deal_type(t, option) for t in deal_types or ()))
        chosen = self.check_layers(layers) if layers else ()
        if not chosen and types:
            owners = {self.definition.layer_of(t) for t in types}
            lost = [t for t in types if self.definition.layer_of(t) is None]
            if lost:
                raise VocabularyError(option, lost[0], self.definition.deal_types(
                    self.definition.layer_names))  # fmt: skip
            chosen = tuple(n for n in self.definition.layer_names if n in owners)
        chosen = chosen or self.definition.network_layers
        allowed = self.definition.deal_types(chosen)
        outside = [t for t in types if t not in allowed]
        if outside:
            raise VocabularyError(f"{option} (of the layers {' + '.join(chosen)})", outside[0],
                                  allowed)  # fmt: skip
        return chosen, types or allowed

    def ids_in(self, region: str) -> tuple[str, ...]:
        """Ids of the actors located in ``region`` (a declared region or a country code):
        placed there, or for a country, of that country."""
        place = self.check_region(region)
        actors = self.actors.filter((pl.col("location") == place) | (pl.col("country") == place))
        return tuple(actors["actor_id"].to_list())

    @cached_property
    def name_index(self) -> NameIndex:
        """The actors' names, aliases and former names, for :meth:`resolve_actor`."""
        return NameIndex.build(self.actor_records, self.lineage_records, missing_hint="")

    def resolve_actor(self, name: str) -> str:
        """The id of the actor called ``name`` (or with that id, or a former name); the
        error suggests close names."""
        match = self.name_index.resolve(name)
        if match.actor_id is None:
            raise ResolutionError(match.problem or f"no actor named {name!r}")
        return match.actor_id

    def names(self) -> dict[str, str]:
        """Actor id -> name."""
        return {a.actor_id: a.name for a in self.actor_records}

    def region_colours(self) -> dict[str, str]:
        """A fixed colour per declared region (the same in every chart and the web view)."""
        return self.definition.region_colours()

    def compared_regions(self) -> tuple[str, ...]:
        """The regions the study compares: its focal regions, else (none declared) the
        locations of its panel firms."""
        if self.definition.focal_regions:
            return self.definition.focal_regions
        panel = self.actors.filter(pl.col("actor_id").is_in(list(self.panel)))
        return tuple(sorted(set(panel["location"].drop_nulls()) - {"unknown"}))

    def known_biases(self) -> str:
        """The known biases of the store's dataset, from its data card: the bundled dataset's
        card (src/bioris/data/README.md); ``""`` for a user's own data (their card is theirs)."""
        if self._store.meta_get("dataset") != DATASET_NAME:
            return ""
        return card_section("Known biases")

    def describe(self) -> dict[str, Any]:
        """What the study decides, for the outputs to state: its definition, the period and
        where it comes from, the panel size and the exits."""
        stored = self.stored_definition
        return {
            **self.definition.to_dict(),
            "period_used": list(self.period) if self.data_years or self.definition.period else None,
            "period_source": "declared" if self.definition.period else "the data's years",
            "panel_size": len(self.panel),
            "exits_in_panel": int(self.exits["actor_id"].is_in(list(self.panel)).sum()),
            "stored": stored is not None,
            "loaded_at": stored[2] if stored else None,
        }
