"""Network evolution: cohesion over time, degree distributions, preferential attachment and
the panel's structural holes (see :mod:`bioris.analytics.evolution`).

Whole-network measures of a year with fewer actors than ``network_min_nodes`` are withheld
(their points are gaps, the table says why).
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from bioris.reporting.detail import reduced_table
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text
from bioris.reporting.sections.common import band

KEY, TITLE = "evolution", "How the network grew"


def build(ctx: ReportContext) -> Section:
    """Cohesion per year, degree distributions per period, the attachment test and the panel's
    brokerage positions over time."""
    study, opts = ctx.study, ctx.options
    span = {"window": opts.window_years}
    years = study.network_evolution(opts.start_year, opts.end_year, **span)
    blocks: list = [Text(_intro(ctx))]
    blocks.append(_cohesion(years))
    degrees = study.degree_distributions(opts.start_year, opts.end_year, **span)
    if degrees.height:
        blocks.append(_degrees(degrees))
    attachment = study.preferential_attachment(
        opts.start_year, opts.end_year, seed=opts.seed, **span
    )
    blocks += _attachment(attachment)
    holes = study.panel_structural_holes(opts.start_year, opts.end_year, **span)
    blocks += _holes(holes.summary, holes.firms, ctx)
    blocks.append(Table("evolution_years", "Cohesion of the network per year", years))
    return Section(KEY, TITLE, blocks)


def _intro(ctx: ReportContext) -> str:
    return (
        "How the alliance network of the study's network layers grew: its density, number "
        "of components and the share of actors in the largest one per year (for the whole "
        "network and for the panel firms' ego networks); degree distributions per period on "
        "log-log axes; whether new ties go to actors that already have many (preferential "
        "attachment: Powell, White, Koput & Owen-Smith 2005; the attachment kernel of Jeong, "
        "Neda & Barabasi 2003); and the panel firms' brokerage positions (Burt's constraint "
        "and effective size, 1992). Years with fewer actors than the network_min_nodes "
        "setting are withheld."
    )


def _cohesion(years: pl.DataFrame) -> Figure:
    fig = make_subplots(
        rows=1, cols=3, subplot_titles=("Density", "Components", "Share in the largest component")
    )
    for network, dash, colour in (("whole", "solid", "#1f6f8b"), ("panel ego", "dot", "#c05a28")):
        rows = years.filter(pl.col("network") == network).sort("year")
        for col, measure in enumerate(("density", "components", "largest_component_share"), 1):
            fig.add_trace(
                go.Scatter(
                    x=rows["year"],
                    y=rows[measure],
                    mode="lines+markers",
                    name=f"{network} network",
                    legendgroup=network,
                    showlegend=col == 1,
                    connectgaps=False,
                    line={"dash": dash, "color": colour},
                ),
                row=1,
                col=col,
            )
    fig.update_layout(title="Cohesion of the alliance network per year", height=380)
    return Figure("evolution_cohesion", fig, years)


def _degrees(degrees: pl.DataFrame) -> Figure:
    fig = go.Figure()
    for (period,) in degrees.select("period").unique(maintain_order=True).rows():
        rows = degrees.filter((pl.col("period") == period) & (pl.col("degree") > 0)).sort("degree")
        fig.add_trace(
            go.Scatter(x=rows["degree"], y=rows["ccdf"], mode="lines+markers", name=str(period))
        )
    fig.update_layout(
        title="Degree distributions per period (complementary CDF, log-log)",
        xaxis={"type": "log", "title": "Degree k (partners in the period)"},
        yaxis={"type": "log", "title": "Share of actors with degree >= k"},
        height=420,
    )
    return Figure("evolution_degree_distributions", fig, degrees)


def _attachment(result: object) -> list:
    kernel: pl.DataFrame = result.kernel  # type: ignore[attr-defined]
    fit: pl.DataFrame = result.fit  # type: ignore[attr-defined]
    row = fit.row(0, named=True) if fit.height else {}
    alpha = row.get("alpha")
    if alpha is None or (isinstance(alpha, float) and math.isnan(alpha)):
        status = row.get("status") or "not enough data"
        return [Text(f"Preferential attachment: {status}; no exponent is given.")]
    text = (
        f"Preferential attachment: new ties per actor at risk grow with the partner's degree "
        f"as k^alpha with alpha = {alpha:.2f} (95% bootstrap interval {row['ci_low']:.2f} to "
        f"{row['ci_high']:.2f}, {row['resamples']} resamples of years, seed {row['seed']}; "
        f"{row['n_ties']} new ties). alpha = 1 is linear preferential attachment (the rich "
        "get richer in proportion), alpha = 0 none; actors new to the network are left out "
        "of the fit."
    )
    shown = kernel.filter(pl.col("rate").is_not_null() & (pl.col("rate") > 0))
    fig = go.Figure(
        go.Scatter(
            x=shown["degree"], y=shown["rate"], mode="markers", marker={"size": 8}, name="observed"
        )
    )
    if shown.height:
        k = shown["degree"].to_list()
        scale = math.exp(
            sum(math.log(r) - alpha * math.log(d) for d, r in zip(k, shown["rate"], strict=True))
            / len(k)
        )
        fig.add_trace(
            go.Scatter(x=k, y=[scale * d**alpha for d in k], mode="lines", name=f"k^{alpha:.2f}")
        )
    fig.update_layout(
        title="Attachment kernel: new ties per actor by degree the year before (log-log)",
        xaxis={"type": "log", "title": "Degree k the year before"},
        yaxis={"type": "log", "title": "New ties per actor of degree k"},
        height=400,
    )
    return [Text(text), Figure("evolution_attachment_kernel", fig, kernel)]


def _holes(summary: pl.DataFrame, firms: pl.DataFrame, ctx: ReportContext) -> list:
    if not summary.height:
        return [Text("The panel firms have no ties in the period: no brokerage positions.")]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Constraint (Burt)", "Effective size"))
    for col, measure in enumerate(("constraint", "effective_size"), 1):
        low, high = summary[f"{measure}_q1"], summary[f"{measure}_q3"]
        for trace in band(summary["year"], low, high, "rgba(31,111,139,0.15)"):
            fig.add_trace(trace, row=1, col=col)
        fig.add_trace(
            go.Scatter(
                x=summary["year"],
                y=summary[f"{measure}_median"],
                mode="lines+markers",
                name="median of the panel firms",
                showlegend=col == 1,
                line={"color": "#1f6f8b"},
            ),
            row=1,
            col=col,
        )
    fig.update_layout(
        title="The panel firms' structural holes per year (median, quartiles)", height=380
    )
    return [
        Figure("evolution_structural_holes", fig, summary),
        reduced_table(
            Table(
                "evolution_structural_holes_firms",
                "Constraint and effective size of each panel firm per year",
                firms,
            ),
            ctx.detail,
            by="effective_size",
            what="panel firm-years",
            order="those with the largest effective size",
        ),
    ]
