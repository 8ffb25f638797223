"""The money of the panel firms, for the business section: deal dependence per firm-year,
biobucks and how realistic their headline value is."""

from __future__ import annotations

import plotly.express as px
import polars as pl

from bioris.analytics.biobucks import DEVELOPMENT_STAGES, deal_value_realism, firm_year_biobucks
from bioris.analytics.money import DEAL_TERMS_RULE, milestone_dependence
from bioris.errors import BiorisError
from bioris.reporting.detail import reduced_table
from bioris.reporting.model import Figure, ReportContext, Table, Text
from bioris.reporting.sections.common import plural, with_names

__all__ = ["biobucks_blocks", "money_blocks"]


def money_blocks(ctx: ReportContext, firms: list[str], names: dict[str, str]) -> list:
    """Deal income as a share of revenue per firm-year, up to each firm's exit year."""
    opts = ctx.options
    dependence = milestone_dependence(
        ctx.financials,
        ctx.alliances,
        ctx.parties,
        firms=firms,
        start=opts.start_year,
        end=opts.end_year,
    )
    dependence = ctx.while_independent(dependence)
    if dependence.is_empty():
        return [
            Text(
                "No panel firm has financial statements or a deal that pays it in the "
                "period, so deal dependence cannot be measured."
            )
        ]
    on_fin = dependence.filter(pl.col("basis") == "financials")
    blocks: list = [
        Text(
            f"Milestone and deal dependence per firm-year: "
            f"{plural(on_fin.height, 'firm-year rests', 'firm-years rest')} on "
            f"financial statements (deal income = upfront fees + milestones + R&D service "
            f"fees, as a share of revenue; figures picked by source priority), "
            f"{dependence.height - on_fin.height} on deal terms alone, which know no revenue "
            "and show only the committed money received; a firm's years end with its exit. "
            f"Deal-terms rule: {DEAL_TERMS_RULE}"
        )
    ]
    shares = on_fin.filter(pl.col("deal_dependence").is_not_null())
    if shares.height:
        data = with_names(
            shares.select(
                "firm",
                "year",
                "deal_dependence",
                "milestone_share",
                "revenue_eur",
                "deal_income_eur",
            ),
            names,
        )
        fig = px.line(
            data.sort("name", "year"),
            x="year",
            y="deal_dependence",
            color="name",
            markers=True,
            title="Deal income as a share of revenue (firm-years with financial statements)",
            labels={
                "year": "Year",
                "deal_dependence": "Deal income / revenue",
                "name": "Panel firm",
            },
            hover_data=["milestone_share", "revenue_eur", "deal_income_eur"],
        )
        fig.update_yaxes(tickformat=".0%")
        fig.update_layout(height=420)
        blocks.append(Figure("bm_deal_dependence", fig, data))
    else:
        blocks.append(
            Text(
                "No financial statement splits revenue into deal income, so no "
                "share of revenue can be drawn; the table shows deal terms."
            )
        )
    table = (
        with_names(dependence, names)
        .select(
            "name",
            "year",
            "basis",
            "revenue_eur",
            "deal_income_eur",
            "milestones_eur",
            "milestone_share",
            "deal_dependence",
            "receiving_deals",
            "committed_received_eur",
            "record_id",
        )
        .with_columns(pl.col("milestone_share", "deal_dependence").round(3))
    )
    dependence_table = Table(
        "bm_milestone_dependence",
        "Milestone and deal dependence per firm-year (EUR million; basis = source)",
        table.sort("name", "year"),
    )
    blocks.append(
        reduced_table(
            dependence_table,
            ctx.detail,
            by=["deal_income_eur", "committed_received_eur"],
            what="firm-years",
            order="those with the most deal income (then committed money received)",
        )
    )
    return blocks


def biobucks_blocks(ctx: ReportContext, firms: list[str]) -> list:
    """Committed, contingent and risk-adjusted value of the deals paying the panel firms
    (up to each firm's exit year), and the realism of every deal of the period."""
    opts = ctx.options
    try:
        per_firm = firm_year_biobucks(
            ctx.alliances,
            ctx.parties,
            firms=firms,
            success_rates=ctx.success_rates,
            start=opts.start_year,
            end=opts.end_year,
        )
        per_firm = ctx.while_independent(per_firm)
        deals = deal_value_realism(ctx.alliances, success_rates=ctx.success_rates)
    except BiorisError as exc:
        return [Text(f"Biobucks cannot be risk-adjusted: {exc}.")]
    blocks: list = [Text(_rates_note(ctx.success_rates))]
    if per_firm.height:
        yearly = (
            per_firm.group_by("year")
            .agg(
                pl.col(
                    "committed_eur",
                    "contingent_eur",
                    "headline_eur",
                    "risk_adjusted_contingent_eur",
                    "unrated_contingent_eur",
                ).sum()
            )
            .sort("year")
        )
        yearly = yearly.with_columns(
            (
                pl.col("contingent_eur")
                - pl.col("unrated_contingent_eur")
                - pl.col("risk_adjusted_contingent_eur")
            )
            .clip(lower_bound=0.0)
            .alias("discounted_contingent_eur")
        )
        parts = {
            "committed_eur": "committed (upfront + equity)",
            "risk_adjusted_contingent_eur": "milestones, risk-adjusted",
            "discounted_contingent_eur": "milestones discounted away",
            "unrated_contingent_eur": "milestones of unknown stage (unrated)",
        }
        long = yearly.unpivot(
            index="year", on=list(parts), variable_name="part", value_name="eur_m"
        ).with_columns(pl.col("part").replace_strict(parts, return_dtype=pl.String))
        fig = px.bar(
            long,
            x="year",
            y="eur_m",
            color="part",
            category_orders={"part": list(parts.values())},
            color_discrete_sequence=["#4c78a8", "#54a24b", "#c7cdd4", "#f2cf5b"],
            title="Biobucks of the deals paying panel firms: committed, contingent and "
            "risk-adjusted",
            labels={"year": "Year signed", "eur_m": "EUR million", "part": "Value"},
        )
        fig.update_layout(barmode="stack", height=440)
        blocks.append(Figure("bm_biobucks_per_year", fig, yearly))
    blocks += _realism_blocks(deals, opts.start_year, opts.end_year)
    return blocks


def _rates_note(rates: pl.DataFrame) -> str:
    sources = (
        sorted({s for s in rates["source"].drop_nulls().to_list()})
        if ("source" in rates.columns)
        else []
    )
    cited = "; ".join(dict.fromkeys(s.split(" (")[0] if " (" in s else s for s in sources))
    return (
        "Biobucks: a deal's headline value is its committed money (upfront and equity) plus "
        "milestones that are paid only if the asset progresses. Milestones are discounted by "
        "the probability that an asset at its stage at signing reaches approval (all "
        "milestones assumed paid at approval, a conservative bound; platform deals rated from "
        "discovery), chained from published phase-transition success rates"
        + (f" ({cited})" if cited else "")
        + "; the table and its sources are in src/bioris/data/PHASE_SUCCESS_RATES.md."
    )


def _realism_blocks(deals: pl.DataFrame, start: int, end: int) -> list:
    scope = deals.filter(pl.col("year").is_between(start, end))
    with_ms = scope.filter((pl.col("contingent_eur") > 0) & pl.col("realism").is_not_null())
    no_ms = scope.filter((pl.col("headline_eur") > 0) & (pl.col("contingent_eur") == 0)).height
    unrated = scope.filter((pl.col("contingent_eur") > 0) & pl.col("realism").is_null()).height
    if with_ms.is_empty():
        return [
            Text(
                f"No deal signed in {start}-{end} discloses milestones of a known stage, "
                "so no deal-level realism can be shown."
            )
        ]
    stage = pl.col("stage_at_signing")
    data = with_ms.select(
        "alliance_id",
        "year",
        "deal_type",
        "stage_at_signing",
        "committed_eur",
        "contingent_eur",
        "headline_eur",
        "risk_adjusted_eur",
        "realism",
    )
    order = ["platform", *DEVELOPMENT_STAGES]
    fig = px.histogram(
        data,
        x="realism",
        color="stage_at_signing",
        nbins=20,
        range_x=[0, 1],
        category_orders={
            "stage_at_signing": [s for s in order if s in set(data["stage_at_signing"])]
        },
        title="Realism of deals with milestones: risk-adjusted value / headline value",
        labels={
            "realism": "Realism (risk-adjusted / headline)",
            "stage_at_signing": "Stage at signing",
            "count": "Deals",
        },
    )
    fig.update_layout(barmode="stack", height=400, yaxis_title="Deals (count)")
    by_stage = (
        with_ms.group_by("stage_at_signing")
        .agg(
            pl.len().alias("deals"),
            pl.col("headline_eur").sum(),
            pl.col("risk_adjusted_eur").sum(),
            pl.col("realism").median().alias("median_realism"),
        )
        .with_columns(
            (pl.col("risk_adjusted_eur") / pl.col("headline_eur")).alias("pooled_realism")
        )
        .with_columns(
            stage.replace_strict({s: i for i, s in enumerate(order)}, default=99).alias("_k")
        )
        .sort("_k")
        .drop("_k")
        .with_columns(pl.col("median_realism", "pooled_realism").round(3))
    )
    return [
        Text(
            f"Deal-level realism in {start}-{end}: "
            f"{plural(with_ms.height, 'deal discloses', 'deals disclose')} milestones "
            f"of a known stage; {no_ms} more {'discloses' if no_ms == 1 else 'disclose'} "
            "only committed money (realism 1) and "
            f"{unrated} {'has' if unrated == 1 else 'have'} milestones at an unknown stage "
            "(left unrated). The earlier the "
            "stage at signing, the smaller the share of the headline that is realistic."
        ),
        Figure("bm_deal_realism", fig, data),
        Table(
            "bm_realism_by_stage", "Realism of deals with milestones by stage at signing", by_stage
        ),
    ]
