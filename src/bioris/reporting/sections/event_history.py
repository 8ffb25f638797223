"""Event history: how long panel firms take to a first big-pharma alliance, and how they end.

Kaplan-Meier curves (with Greenwood bands) of the time from founding to the first alliance
with a big-pharma partner, by region and by founding cohort, with log-rank tests; exits as
competing risks (acquisition, closure; a listing is no exit) as cumulative incidence
(Aalen-Johansen) with the numbers at risk. Groups below ``findings_min_firms`` firms get no
curve: a line says so. See :mod:`bioris.analytics.event_history` for the estimators.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from bioris.reporting.model import Figure, ReportContext, Section, Table, Text
from bioris.reporting.sections.common import band, plural

KEY, TITLE = "event-history", "Event history"
#: colours of groups that are no region of the study (all firms, cohorts, causes)
_NEUTRAL = ["#1f6f8b", "#8c6d31", "#6b6ecf", "#b5cf6b", "#e7969c", "#7b4173", "#637939"]


def build(ctx: ReportContext) -> Section:
    """The survival curves, the tests and the exits of the study's panel firms."""
    study = ctx.study
    end = ctx.options.end_year
    overall = study.big_pharma_survival("all", end=end)
    blocks: list = [Text(_intro(ctx, overall))]
    for by, title in (("region", "by region"), ("cohort", "by founding cohort")):
        curves = study.big_pharma_survival(by, end=end)
        blocks += _survival(ctx, curves, by, title)
    tests = study.big_pharma_logrank("region", end=end)
    if tests.height:
        blocks.append(
            Table(
                "event_big_pharma_logrank",
                "Log-rank tests between regions (time to a first big-pharma "
                "alliance; p-values not adjusted for several pairs)",
                tests,
            )
        )
    incidence = study.exit_incidence("all", end=end)
    blocks += _exits(incidence)
    return Section(KEY, TITLE, blocks)


def _intro(ctx: ReportContext, overall: pl.DataFrame) -> str:
    n = int(overall["n_firms"].max() or 0) if overall.height else 0
    return (
        f"The clock of each of the {plural(n, 'panel firm')} with a founding year starts at its "
        f"founding and stops at its first deal of the study's alliance layer with a big-pharma "
        f"partner; a firm without one is censored at its exit or at the end of "
        f"{ctx.options.end_year}. Curves are Kaplan-Meier estimates with 95% Greenwood "
        "(log-log) bands; a group of fewer firms than the findings_min_firms setting gets "
        "no curve. Deals before the study period may be recorded less completely, so the "
        "curves of firms founded long before it rest on thinner records."
    )


def _survival(ctx: ReportContext, curves: pl.DataFrame, by: str, title: str) -> list:
    shown = curves.filter(pl.col("status") == "ok")
    withheld = curves.filter(pl.col("status") != "ok")
    blocks: list = []
    if shown.height:
        fig = go.Figure()
        for index, (group,) in enumerate(shown.select("group").unique(maintain_order=True).rows()):
            rows = shown.filter(pl.col("group") == group).sort("time")
            colour = ctx.colours.get(group) or _NEUTRAL[index % len(_NEUTRAL)]
            n = int(rows["n_firms"][0])
            for trace in band(
                rows["time"],
                rows["ci_low"],
                rows["ci_high"],
                _faint(colour),
                shape="hv",
                legendgroup=group,
            ):
                fig.add_trace(trace)
            fig.add_trace(
                go.Scatter(
                    x=rows["time"],
                    y=rows["survival"],
                    mode="lines",
                    name=f"{group} (n={n})",
                    legendgroup=group,
                    line={"color": colour, "shape": "hv"},
                )
            )
        fig.update_layout(
            title=f"Time to a first big-pharma alliance, {title} (Kaplan-Meier)",
            xaxis_title="Years since founding",
            yaxis_title="Share of firms without one",
            yaxis_range=[0, 1.02],
            height=420,
        )
        blocks.append(Figure(f"event_big_pharma_{by}", fig, curves))
    for group, n in withheld.select("group", "n_firms").rows():
        blocks.append(Text(f"{group}: not enough data ({plural(int(n or 0), 'firm')}); no curve."))
    return blocks


def _faint(colour: str) -> str:
    if colour.startswith("#") and len(colour) == 7:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return f"rgba({red},{green},{blue},0.15)"
    return "rgba(120,120,120,0.15)"


def _exits(incidence: pl.DataFrame) -> list:
    shown = incidence.filter(pl.col("status") == "ok")
    if not shown.height:
        return [Text("Exits: not enough data for cumulative incidence curves.")]
    fig = go.Figure()
    for index, (cause,) in enumerate(shown.select("cause").unique(maintain_order=True).rows()):
        rows = shown.filter(pl.col("cause") == cause).sort("time")
        fig.add_trace(
            go.Scatter(
                x=rows["time"],
                y=rows["cumulative_incidence"],
                name=cause,
                mode="lines",
                line={"shape": "hv", "color": _NEUTRAL[index % len(_NEUTRAL)]},
            )
        )
    fig.update_layout(
        title="Exits as competing risks: cumulative incidence since founding (Aalen-Johansen)",
        xaxis_title="Years since founding",
        yaxis_title="Cumulative incidence",
        height=400,
    )
    at_risk = _at_risk_every(shown.filter(pl.col("cause") == shown["cause"][0]), 5)
    return [
        Text(
            "A firm leaves the panel's independent life when it is acquired (or merges into "
            "another) or closes; a stock-market listing is no exit. The curves give the share "
            "of firms that had each exit by a given age, counting the other exit as a "
            "competing event, not as censoring."
        ),
        Figure("event_exit_incidence", fig, incidence),
        Table("event_exit_at_risk", "Firms at risk every five years since founding", at_risk),
    ]


def _at_risk_every(rows: pl.DataFrame, step: int) -> pl.DataFrame:
    """Firms still at risk at ages 0, ``step``, 2 ``step``, ... (a life table's margin)."""
    rows = rows.sort("time")
    times, risks = rows["time"].to_list(), rows["at_risk"].to_list()
    ages = range(0, int(max(times)) + step, step) if times else range(0)
    out = []
    for age in ages:
        later = [r for t, r in zip(times, risks, strict=True) if t >= age]
        out.append({"years_since_founding": age, "at_risk": int(later[0]) if later else 0})
    return pl.DataFrame(out, schema={"years_since_founding": pl.Int64, "at_risk": pl.Int64})
