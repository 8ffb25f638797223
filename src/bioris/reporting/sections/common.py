"""What several sections say the same way: names, plurals, the deals outside the period, the
regions the report compares and their colours."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from bioris.reporting.model import ReportContext

__all__ = [
    "DealCoverage",
    "compared_regions",
    "deal_coverage",
    "display_names",
    "panel_rule",
    "plural",
    "scope_note",
    "with_names",
]


def display_names(actors: pl.DataFrame) -> dict[str, str]:
    """Actor id -> name; a name two actors share gets the id in brackets."""
    pairs = list(actors.select("actor_id", "name").iter_rows())
    counts: dict[str, int] = {}
    for _, name in pairs:
        counts[name] = counts.get(name, 0) + 1
    return {i: (n if n and counts[n] == 1 else f"{n or i} ({i})") for i, n in pairs}


def plural(n: int, singular: str, many: str | None = None) -> str:
    """``1 panel firm``, ``2 panel firms``; ``many`` for irregular plurals."""
    return f"{n} {singular if n == 1 else (many or singular + 's')}"


def with_names(frame: pl.DataFrame, names: dict[str, str], column: str = "firm") -> pl.DataFrame:
    """Put the firm's display name first, in place of its id column."""
    named = frame.with_columns(
        pl.col(column)
        .replace_strict(names, default=pl.col(column), return_dtype=pl.String)
        .alias("name")
    )
    return named.select("name", pl.exclude("name", column))


def scope_note(ctx: ReportContext) -> str:
    """Where the data come from: the study, or its focus on a region."""
    region = ctx.options.region
    return f"the study's focus on {region}" if region else "this study's data"


@dataclass(frozen=True, slots=True)
class DealCoverage:
    """How the deals fall on the period: signed in it, dated outside it, undated."""

    in_period: int
    outside: int  # dated, signed before or after the period
    undated: int


def deal_coverage(alliances: pl.DataFrame, start: int, end: int) -> DealCoverage:
    """Count the deals in, outside and without a date, once for every section (an undated
    deal is neither in nor outside the period)."""
    year = pl.col("year")
    counts = alliances.select(
        year.is_between(start, end).fill_null(False).sum().alias("in_period"),
        (year.is_not_null() & ~year.is_between(start, end)).fill_null(False).sum().alias("out"),
        year.is_null().sum().alias("undated"),
    ).row(0)
    return DealCoverage(int(counts[0]), int(counts[1]), int(counts[2]))


def compared_regions(ctx: ReportContext) -> list[str]:
    """The regions the report compares: the study's (its focal regions, else the locations
    of its panel firms); with a focus, those of the focus (the region itself, or the
    study's regions in the focused country), else the focus alone."""
    regions = list(ctx.study.compared_regions())
    focus = ctx.options.region
    if not focus:
        return regions
    inside = [r for r in regions if r == focus or focus in ctx.definition.home_countries(r)]
    return inside or [focus]


def panel_rule(ctx: ReportContext) -> str:
    """The study's panel rule in words."""
    panel = ctx.definition.panel
    parts = [f"actors of kind {', '.join(panel.kinds)}"]
    if panel.regions is not None:
        parts.append(f"placed in {', '.join(panel.regions) or 'no region'}")
    elif ctx.definition.focal_regions:
        parts.append(f"placed in a focal region ({', '.join(ctx.definition.focal_regions)})")
    if panel.categories:
        parts.append(f"in a subsector category among {', '.join(panel.categories)}")
    if panel.exclude_categories:
        parts.append(f"in none of the categories {', '.join(panel.exclude_categories)}")
    rule = "; ".join(parts)
    if panel.include:
        rule += f"; always in: {', '.join(panel.include)}"
    if panel.exclude:
        rule += f"; never in: {', '.join(panel.exclude)}"
    return rule


def band(x: object, low: object, high: object, fill: str, **line: object) -> list[go.Scatter]:
    """A shaded band between ``low`` and ``high`` (a confidence interval, quartiles): two
    borderless traces, the second filled to the first, out of the legend and the hover.
    ``line`` adds line options (``shape="hv"`` for a step function; ``legendgroup``)."""
    group = line.pop("legendgroup", None)
    style = {"width": 0, **line}
    common = {"mode": "lines", "showlegend": False, "hoverinfo": "skip", "legendgroup": group}
    return [
        go.Scatter(x=x, y=high, line=style, **common),
        go.Scatter(x=x, y=low, line=style, fill="tonexty", fillcolor=fill, **common),
    ]
