"""Build the report's sections and render them into one self-contained HTML file.

The file works offline: plotly.js is embedded once, there are no external fonts, styles or
scripts, and every name from the data is escaped by jinja2's autoescaping.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from datetime import date
from pathlib import Path

import plotly.io as pio
import plotly.offline
import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape

from bioris import __version__
from bioris.analytics import TiePolicy, network_inputs
from bioris.analytics.tables import financials_frame, pipeline_frame
from bioris.domain import Dataset
from bioris.errors import BiorisError
from bioris.export import neutralise
from bioris.reporting.model import Figure, ReportContext, ReportOptions, Section, Table, Text
from bioris.reporting.sections import SECTIONS

__all__ = ["build_sections", "context_for", "render_html", "write_report"]

Progress = Callable[[str], None]


def context_for(
    dataset: Dataset,
    options: ReportOptions,
    store_label: str = "",
    big_pharma_names: Collection[str] = (),
    success_rates: pl.DataFrame | None = None,
    taxonomy: pl.DataFrame | None = None,
) -> ReportContext:
    """The tidy tables every section reads, built once.

    ``success_rates`` and ``taxonomy`` are the bundled reference tables (the caller loads
    them: reporting does no file I/O of its own but writing the report).
    """
    network = network_inputs(dataset, big_pharma_names)
    policy = TiePolicy("fixed", options.window_years)
    return ReportContext(
        dataset=dataset,
        actors=network.actors,
        alliances=network.alliances,
        parties=network.parties,
        options=options,
        network=network,
        ties=network.ties(options.start_year, options.end_year, policy=policy),
        pipeline=pipeline_frame(dataset.pipeline),
        financials=financials_frame(dataset.financials),
        success_rates=success_rates if success_rates is not None else _empty_rates(),
        taxonomy=taxonomy if taxonomy is not None else _empty_taxonomy(),
        store_label=store_label,
    )


def _empty_rates() -> pl.DataFrame:
    schema = {"from_stage": pl.String, "to_stage": pl.String, "probability": pl.Float64,
              "source": pl.String}  # fmt: skip
    return pl.DataFrame(schema=schema)


def _empty_taxonomy() -> pl.DataFrame:
    return pl.DataFrame(schema={"category": pl.String, "keywords": pl.String,
                                "description": pl.String})  # fmt: skip


def build_sections(ctx: ReportContext, progress: Progress | None = None) -> list[Section]:
    """Every section, in reading order; ``progress`` is told each section's name."""
    sections = []
    for module in SECTIONS:
        section = module.build(ctx)
        if progress:
            progress(section.title)
        sections.append(section)
    return sections


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bioris.reporting", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
    )
    env.filters["cell"] = _cell
    return env


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _figure_html(figure: Figure) -> str:
    return pio.to_html(
        figure.figure,
        full_html=False,
        include_plotlyjs=False,
        config={"displaylogo": False, "responsive": True},
        auto_play=False,
        div_id=f"fig-{figure.name}",
    )


def render_html(sections: list[Section], options: ReportOptions) -> str:
    """The report as one HTML document."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        sections=sections,
        options=options,
        version=__version__,
        today=date.today().isoformat(),
        plotly_js=plotly.offline.get_plotlyjs(),
        figure_html=_figure_html,
        is_text=lambda b: isinstance(b, Text),
        is_figure=lambda b: isinstance(b, Figure),
        is_table=lambda b: isinstance(b, Table),
    )


def write_report(
    sections: list[Section],
    options: ReportOptions,
    out: str | Path,
    data_dir: str | Path | None = None,
) -> Path:
    """Write the HTML report, and with ``data_dir`` each figure's and table's data as CSV."""
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_html(sections, options), encoding="utf-8")
        if data_dir is not None:
            _write_data(sections, Path(data_dir))
    except OSError as exc:
        raise BiorisError(f"cannot write the report: {exc}") from None
    return path


def _write_data(sections: list[Section], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Figure | Table):
                _csv_safe(block.data).write_csv(folder / f"{block.name}.csv")


def _csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists joined with '; ' and formula-like text neutralised, for spreadsheets."""
    columns = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.List):
            col = col.list.join("; ")
        if isinstance(dtype, pl.List) or dtype == pl.String:
            col = col.map_elements(neutralise, return_dtype=pl.String)
        columns.append(col.alias(name))
    return frame.select(columns)
