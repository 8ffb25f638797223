"""The report's building blocks: sections made of text, figures and tables.

A section module turns a :class:`ReportContext` into a :class:`Section`; the renderer turns
sections into one HTML file. New analytics add a section module and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go
import polars as pl

from bioris.analytics import NetworkInputs
from bioris.domain import Dataset

__all__ = ["Figure", "ReportContext", "ReportOptions", "Section", "Table", "Text"]


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What the report covers; every value is printed in the Data and method section."""

    start_year: int = 1987
    end_year: int = 2017
    region: str | None = None  # a bioRegion or country to focus on; None = whole dataset
    window_years: int = 5  # years an alliance stays active after signing
    top: int = 10  # how many NBFs the partner rankings show
    seed: int = 0  # seed of every random choice (small-world references)
    title: str = "bioris report"


@dataclass(frozen=True, slots=True)
class ReportContext:
    """Everything sections read: the dataset, its tidy tables, and the options."""

    dataset: Dataset
    actors: pl.DataFrame
    alliances: pl.DataFrame
    parties: pl.DataFrame
    options: ReportOptions
    network: NetworkInputs
    ties: pl.DataFrame  # the period's yearly tie table
    pipeline: pl.DataFrame  # pipeline_frame: one row per stage event
    financials: pl.DataFrame  # financials_frame: one row per source and firm-year
    success_rates: pl.DataFrame  # phase-transition success rates (from_stage, to_stage, ...)
    taxonomy: pl.DataFrame  # subsector taxonomy (category, keywords, description)
    store_label: str = ""


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph (plain text, escaped when rendered)."""

    text: str


@dataclass(frozen=True, slots=True)
class Figure:
    """A plotly figure with the tidy data behind it (written as CSV with ``--data``)."""

    name: str
    figure: go.Figure
    data: pl.DataFrame


@dataclass(frozen=True, slots=True)
class Table:
    """A sortable table; ``links`` names columns whose cells are lists of URLs."""

    name: str
    caption: str
    data: pl.DataFrame
    links: tuple[str, ...] = ()


Block = Text | Figure | Table


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of the report."""

    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
