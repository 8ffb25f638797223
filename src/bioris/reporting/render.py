"""Build the report's sections and render them into one self-contained HTML file.

The file works offline: plotly.js is embedded once, there are no external fonts, styles or
scripts, and every name from the data is escaped by jinja2's autoescaping.
"""

from __future__ import annotations

import base64
import gzip
import math
import re
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

import plotly.io as pio
import plotly.offline
import polars as pl
from jinja2 import Environment, PackageLoader, select_autoescape

from bioris import __version__
from bioris.errors import BiorisError
from bioris.export import neutralise
from bioris.reporting.context import build_context
from bioris.reporting.detail import reduce_tables
from bioris.reporting.model import Figure, ReportContext, ReportOptions, Section, Table, Text
from bioris.reporting.sections import SECTIONS
from bioris.study import Study

__all__ = ["build_sections", "render_html", "write_report", "write_study_report"]

Progress = Callable[[int, str], None]


def write_study_report(
    study: Study,
    out: str | Path,
    *,
    start: int | None = None,
    end: int | None = None,
    region: str | None = None,
    data_dir: str | Path | None = None,
    window: int | None = None,
    progress: Callable[[str, float], None] | None = None,
    seed: int = 0,
    top: int = 10,
) -> Path:
    """Build the report of ``study`` and write it to ``out`` (and, with ``data_dir``, every
    figure's and table's data as CSV).

    Parameters
    ----------
    study : Study
        The study (its definition decides regions, panel, layers and exits).
    out : str or Path
        The HTML file to write.
    start, end : int, optional
        The period (the study's by default: declared, else the years of its data).
    region : str, optional
        Focus on one region of the study or a country (checked).
    data_dir : str or Path, optional
        Also write the data of every figure and table as CSV there.
    window : int, optional
        Years an alliance stays active after signing (the study's by default).
    progress : callable, optional
        Told each step as it starts, with the share of the work done before it: reading the
        study, each section by its module's name, writing the file (sections weigh alike).
    seed : int
        Seed of every random choice (layouts, small-world references, sampling).
    top : int
        How many panel firms the rankings show.

    Returns
    -------
    Path
        The HTML file written.
    """
    step = progress or (lambda _step, _share: None)
    step("reading the study", 0.0)
    ctx = build_context(
        study, start=start, end=end, region=region, window=window, seed=seed, top=top
    )
    count = len(SECTIONS)

    def section_step(index: int, name: str) -> None:
        step(
            f"section {index + 1}/{count}: {name}", _CONTEXT_SHARE + _SECTIONS_SHARE * index / count
        )

    sections = build_sections(ctx, section_step)
    step("writing the file", _CONTEXT_SHARE + _SECTIONS_SHARE)
    path = write_report(sections, ctx.options, out, data_dir)
    step("done", 1.0)
    return path


#: rough shares of a report's time (bench_report): reading the study, then the sections
_CONTEXT_SHARE = 0.1
_SECTIONS_SHARE = 0.85


def build_sections(ctx: ReportContext, progress: Progress | None = None) -> list[Section]:
    """Every section, in reading order; ``progress`` is told each section's index and its
    module's name as it starts. In a
    reduced report (:mod:`bioris.reporting.detail`) every long table a section did not cut
    itself shows its first rows, and says so."""
    sections = []
    for index, module in enumerate(SECTIONS):
        if progress:
            progress(index, module.__name__.rsplit(".", 1)[-1])
        section = module.build(ctx)
        if ctx.detail.reduced:
            section = Section(section.key, section.title, reduce_tables(section.blocks, ctx.detail))
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


#: the type of the figures' scripts: the browser runs them once plotly.js is unpacked
FIGURE_SCRIPT = "text/x-bioris-figure"
_SCRIPT_TAG = re.compile(r"<script(\s[^>]*)?>")


def _slim(figure: Figure) -> dict:
    """The figure as plotly JSON, its template's trace defaults kept only for the trace types
    it draws: the default template styles all 40-odd types, some 10 kB in every figure that
    no figure reads; what it draws looks the same."""
    spec = figure.figure.to_plotly_json()
    template = spec.get("layout", {}).get("template")
    if isinstance(template, dict) and isinstance(template.get("data"), dict):
        used = {trace.get("type", "scatter") for trace in spec.get("data", [])}
        template["data"] = {k: v for k, v in template["data"].items() if k in used}
    return spec


def _figure_html(figure: Figure) -> str:
    html = pio.to_html(
        _slim(figure),
        full_html=False,
        include_plotlyjs=False,
        config={"displaylogo": False, "responsive": True},
        auto_play=False,
        div_id=f"fig-{figure.name}",
    )
    return _SCRIPT_TAG.sub(f'<script type="{FIGURE_SCRIPT}">', html)


#: the trace types of plotly's cartesian bundle (``plotly.js-cartesian-dist-min``)
CARTESIAN_TRACES = frozenset({
    "bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
    "image", "pie", "scatter", "scatterternary", "violin",
})  # fmt: skip
#: where ``make`` puts the cartesian bundle (scripts/fetch_plotly_bundle.py)
CARTESIAN_BUNDLE = Path(__file__).parent / "vendor" / "plotly-cartesian.min.js"


def plotly_bundle(traces: frozenset[str]) -> str:
    """The plotly.js to embed for figures of these trace types: plotly's cartesian bundle (a
    third of the size) when it holds them all and ``make`` fetched it for the plotly.js version
    of the plotly package, else the plotly package's full bundle."""
    full = plotly.offline.get_plotlyjs()
    if traces <= CARTESIAN_TRACES and CARTESIAN_BUNDLE.exists():
        partial = CARTESIAN_BUNDLE.read_text(encoding="utf-8")
        if _js_version(partial) == _js_version(full) is not None:
            return partial
    return full


def _js_version(bundle: str) -> str | None:
    found = re.search(r"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+)", bundle[:300])
    return found.group(1) if found else None


@cache
def packed_plotly_js(traces: frozenset[str] = CARTESIAN_TRACES) -> str:
    """plotly.js (:func:`plotly_bundle`) gzip-compressed and base64-encoded: a third of its
    size in the report, which unpacks it with the browser's own DecompressionStream and
    then runs the figures (offline: nothing is fetched)."""
    raw = plotly_bundle(traces).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def _traces(sections: list[Section]) -> frozenset[str]:
    return frozenset(
        getattr(trace, "type", None) or "scatter"
        for section in sections
        for block in section.blocks
        if isinstance(block, Figure)
        for trace in block.figure.data
    )


#: a table with more rows than this is folded (its caption opens it): audit lists, not prose
FOLDED_TABLE_ROWS = 25


def _parts(section: Section) -> list[tuple[str, str, list]]:
    """The section's blocks in runs: ``(part title, anchor, blocks)``; the title is empty
    for the section's body."""
    runs: list[tuple[str, str, list]] = []
    for block in section.blocks:
        part = getattr(block, "part", "")
        if runs and runs[-1][0] == part:
            runs[-1][2].append(block)
        else:
            anchor = f"{section.key}-{len(runs) + 1}-" + re.sub(r"[^a-z0-9]+", "-", part.lower())
            runs.append((part, anchor.rstrip("-"), [block]))
    return runs


def render_html(sections: list[Section], options: ReportOptions) -> str:
    """The report as one HTML document."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        sections=sections,
        options=options,
        version=__version__,
        today=date.today().isoformat(),
        plotly_packed=packed_plotly_js(_traces(sections)),
        figure_script=FIGURE_SCRIPT,
        figure_html=_figure_html,
        parts=_parts,
        folded_rows=FOLDED_TABLE_ROWS,
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
            if isinstance(block, Table):  # every row, also of a table the page cuts
                _csv_safe(block.rows).write_csv(folder / f"{block.name}.csv")
            elif isinstance(block, Figure):
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
