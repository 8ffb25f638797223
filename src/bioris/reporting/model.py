"""The report's building blocks: sections made of text, figures and tables.

A section module turns a :class:`ReportContext` into a :class:`Section`; the renderer turns
sections into one HTML file. New analytics add a section module and nothing else.

The context wraps the :class:`~bioris.study.Study` the report is about: sections read the
study's tables (placed actors, panel, exits, layers, labels, ranking) instead of deciding
again where an actor is, who the panel firms are or which deals tie whom.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

from bioris.analytics import BetweennessSampling, NetworkInputs
from bioris.domain import Dataset, StudyDefinition
from bioris.study import RegionSummary, Study
from bioris.study.network import ranking

__all__ = ["Detail", "Figure", "ReportContext", "ReportOptions", "Section", "Table", "Text"]


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What the report covers; every value is printed in the Data and method section.

    The period and the window have no default here: they are the study's unless the caller
    asks for others (:func:`bioris.reporting.write_study_report`).
    """

    start_year: int
    end_year: int
    window_years: int  # years an alliance stays active after signing
    region: str | None = None  # a region or country to focus on; None = the whole study
    top: int = 10  # how many panel firms the partner rankings show
    seed: int = 0  # seed of every random choice (layouts, small-world references, sampling)
    title: str = "bioris report"

    @property
    def period(self) -> str:
        """``first-last``, as the text says it."""
        return f"{self.start_year}-{self.end_year}"


@dataclass(frozen=True, slots=True)
class Detail:
    """The report's level of detail.

    ``actors`` is the number of actors of the data the report covers; the report is reduced
    when it exceeds ``max_actors`` (the ``report_detail_max_actors`` setting). A reduced
    table shows ``table_rows`` rows; reduced path lengths come from ``path_sources``
    sampled sources, small-world ratios from ``random_graphs`` reference graphs a year.
    """

    actors: int = 0
    max_actors: int = 2_000
    table_rows: int = 200
    path_sources: int = 200
    random_graphs: int = 3

    @property
    def reduced(self) -> bool:
        """Whether the report reduces what cannot be read (more actors than ``max_actors``)."""
        return self.actors > self.max_actors

    @property
    def reason(self) -> str:
        """Why the report is reduced, in words."""
        return (
            f"the data hold {self.actors:,} actors, more than report_detail_max_actors="
            f"{self.max_actors:,}"
        )


@dataclass(frozen=True, slots=True)
class ReportContext:
    """Everything sections read: the study, the options, and the tables built once.

    ``firms`` are the panel firms the report is about (with a region focus, those of the
    region); ``ties`` the yearly ties of the study's network layers over the period;
    ``colours`` one fixed colour per location group (the study's regions, then the
    continents), the same in every chart.
    """

    study: Study
    options: ReportOptions
    firms: tuple[str, ...]
    ties: pl.DataFrame
    colours: Mapping[str, str]
    store_label: str = ""
    period_source: str = "the study's period"  # where the period comes from, in words
    focus_note: str = ""  # what the region focus kept, for the method section
    detail: Detail = field(default_factory=Detail)  # full, or reduced on a large study

    # -- the study's tables ------------------------------------------------------------------

    @property
    def definition(self) -> StudyDefinition:
        """The study definition (regions, panel, layers, period, window)."""
        return self.study.definition

    @property
    def dataset(self) -> Dataset:
        """The records the report rests on (the region's deals with a focus)."""
        return self.study.dataset

    @property
    def network(self) -> NetworkInputs:
        """Placed actors, deals, parties, parents, big pharma, panel and exits."""
        return self.study.inputs

    @property
    def actors(self) -> pl.DataFrame:
        """One row per actor, placed (``location``, ``focal``)."""
        return self.study.actors

    @property
    def alliances(self) -> pl.DataFrame:
        """One row per deal, every deal type, with its ``layer``."""
        return self.study.alliance_table

    @property
    def parties(self) -> pl.DataFrame:
        """One row per party of a deal."""
        return self.study.inputs.parties

    @property
    def exits(self) -> pl.DataFrame:
        """``actor_id, exit_year``: when each actor's independent life ended."""
        return self.study.inputs.exits

    @property
    def pipeline(self) -> pl.DataFrame:
        """One row per pipeline stage event."""
        return self.study.pipeline

    @property
    def financials(self) -> pl.DataFrame:
        """One row per source and firm-year of financial statements."""
        return self.study.financials

    @property
    def success_rates(self) -> pl.DataFrame:
        """Phase-transition success rates (``from_stage, to_stage, probability, source``)."""
        return self.study.success_rates

    @property
    def taxonomy(self) -> pl.DataFrame:
        """The subsector taxonomy (``category, keywords, description``)."""
        return self.study.taxonomy

    @property
    def network_deals(self) -> pl.DataFrame:
        """The deals of the study's network layers (the ties of the network)."""
        types = list(self.definition.deal_types())
        return self.alliances.filter(pl.col("deal_type").is_in(types))

    # -- derived once, shared by the sections ------------------------------------------------

    def ranking(self) -> pl.DataFrame:
        """The yearly most-preferred-partner ranking of :attr:`firms` over the period
        (:func:`bioris.study.network.ranking`: network layers, exits applied)."""
        opts = self.options
        key = ("report.ranking", opts.start_year, opts.end_year, opts.window_years,
               self.firms, opts.seed)  # fmt: skip
        # the ranking_betweenness_sources setting, as everywhere else: with seed 0 this is the
        # study's own ranking, computed once for the report and its findings
        sources = self.study.betweenness_sampling.sources
        sampling = BetweennessSampling(sources, opts.seed)
        return self.study.cached(
            key,
            lambda: ranking(
                self.study,
                opts.start_year,
                opts.end_year,
                window=opts.window_years,
                firms=self.firms,
                sampling=sampling,
            ),
        )

    def labels(self) -> pl.DataFrame:
        """The business-model labels of :attr:`firms`, one per firm-year (the study's)."""
        opts = self.options
        labels = self.study.business_models(opts.start_year, opts.end_year)
        return labels.filter(pl.col("firm").is_in(list(self.firms)))

    def fipco(self) -> pl.DataFrame:
        """The migration toward FIPCO of :attr:`firms`, read off the same labels."""
        opts = self.options
        migration = self.study.fipco_migration(opts.start_year, opts.end_year)
        return migration.filter(pl.col("firm").is_in(list(self.firms)))

    def region_summary(self) -> RegionSummary:
        """The study's regional indicators over the period (what ``region summary`` prints)."""
        opts = self.options
        key = ("report.region_summary", opts.start_year, opts.end_year)
        return self.study.cached(
            key, lambda: self.study.region_summary(opts.start_year, opts.end_year)
        )

    def while_independent(self, frame: pl.DataFrame, actor: str = "firm") -> pl.DataFrame:
        """``frame`` without the rows after the ``actor``'s exit year (column ``year``)."""
        exits = self.exits.rename({"actor_id": actor})
        return (
            frame.join(exits, on=actor, how="left")
            .filter(pl.col("exit_year").is_null() | (pl.col("year") <= pl.col("exit_year")))
            .drop("exit_year")
        )


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph (plain text, escaped when rendered); ``part`` as for :class:`Section`;
    ``reduced`` marks the note of a part reduced on a large study (set off in the page)."""

    text: str
    part: str = ""
    reduced: bool = False


@dataclass(frozen=True, slots=True)
class Figure:
    """A plotly figure with the tidy data behind it (written as CSV with ``--data``)."""

    name: str
    figure: go.Figure
    data: pl.DataFrame
    part: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """A sortable table; ``links`` names columns whose cells are lists of URLs.

    A table reduced on a large study (:func:`bioris.reporting.detail.reduced_table`) shows
    ``data``, keeps every row in ``full`` (what ``--data`` writes) and says so in ``note``,
    printed above it.
    """

    name: str
    caption: str
    data: pl.DataFrame
    links: tuple[str, ...] = ()
    part: str = ""
    full: pl.DataFrame | None = None
    note: str = ""

    @property
    def rows(self) -> pl.DataFrame:
        """Every row: ``full`` when the table shows only part of it, else ``data``."""
        return self.data if self.full is None else self.full


Block = Text | Figure | Table


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of the report.

    Consecutive blocks with the same ``part`` (a firm's case history, say) are one
    collapsible part, listed in the section's own navigation; blocks without one are the
    section's body.
    """

    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
