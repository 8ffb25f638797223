"""Section: business models and money: typology over time, deal dependence, biobucks realism,
how far the NBFs take their assets, and their migration toward FIPCO."""

from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from bioris.analytics.biobucks import DEVELOPMENT_STAGES, deal_value_realism, firm_year_biobucks
from bioris.analytics.business_models import business_model_transitions, business_models
from bioris.analytics.money import DEAL_TERMS_RULE, milestone_dependence
from bioris.analytics.pipeline import (
    FIPCO_RULE,
    STAGE_LADDER,
    fipco_migration,
    highest_stage,
    stage_distribution,
)
from bioris.errors import BiorisError
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text

VALUE_CHAIN_COLOURS = {
    "RIPCO": "#4c78a8",
    "NRDO": "#f58518",
    "FIDDO": "#54a24b",
    "FIPCO": "#e45756",
    "none": "#d3d8de",
}
PRODUCT_COLOURS = {
    "product": "#4c78a8",
    "platform": "#f58518",
    "hybrid": "#b279a2",
    "none": "#d3d8de",
}
DIMENSION_NAMES = {
    "product_model": "product model",
    "value_chain": "value chain",
    "oi_mode": "open-innovation mode",
    "portfolio_mix": "portfolio",
}
RULES_NOTE = (
    "Each label is the first rule that fires on the firm's deals of the last five years and "
    "its pipeline records; every rule, threshold and precedence is in docs/business_models.md "
    "(Fisken & Rutherford 2002 for product vs platform, Pisano 2006 and Nature Biotechnology "
    "2004 for RIPCO/NRDO/FIDDO/FIPCO, Dahlander & Gann 2010 for the open-innovation mode, "
    "Sabatier, Mangematin & Rousselle 2010 for closed, open and mixed portfolios). The labels "
    "say what a firm was seen doing in public records, not its intended strategy."
)


def build(ctx: ReportContext) -> Section:
    """Business-model labels, money, biobucks, stages and FIPCO migration of the NBFs."""
    opts = ctx.options
    firms = focal_nbfs(ctx)
    names = display_names(ctx.actors)
    blocks: list = [Text(_intro(ctx, len(firms)))]
    labels = business_models(
        ctx.alliances,
        ctx.parties,
        ctx.pipeline if ctx.pipeline.height else None,
        firms=firms,
        start=opts.start_year,
        end=opts.end_year,
    )
    blocks += _typology_blocks(labels, names, opts.start_year, opts.end_year)
    blocks += _money_blocks(ctx, firms, names)
    blocks += _biobucks_blocks(ctx, firms)
    blocks += _stage_blocks(ctx, firms, names)
    return Section("business", "Business models and money", blocks)


def focal_nbfs(ctx: ReportContext) -> list[str]:
    """The NBFs the section is about: with a region focus, those located in the region (a
    focused dataset also holds the NBFs of other regions that dealt with them)."""
    nbfs = ctx.network.nbfs
    region = ctx.options.region
    if not region:
        return nbfs
    wanted = region.casefold()
    place = pl.any_horizontal(
        pl.col(c).fill_null("").str.to_lowercase() == wanted for c in ("bioregion", "country")
    )
    local = set(ctx.actors.filter(place)["actor_id"].to_list())
    return [a for a in nbfs if a in local] or nbfs


def scope_note(ctx: ReportContext) -> str:
    """Where the data come from: the dataset, or its focus on a region."""
    region = ctx.options.region
    return f"the dataset's focus on {region}" if region else "this dataset"


def display_names(actors: pl.DataFrame) -> dict[str, str]:
    """Actor id -> name; a name two actors share gets the id in brackets."""
    pairs = list(actors.select("actor_id", "name").iter_rows())
    counts: dict[str, int] = {}
    for _, name in pairs:
        counts[name] = counts.get(name, 0) + 1
    return {i: (n if n and counts[n] == 1 else f"{n or i} ({i})") for i, n in pairs}


def plural(n: int, singular: str, many: str | None = None) -> str:
    """``1 NBF``, ``2 NBFs``; ``many`` for irregular plurals."""
    return f"{n} {singular if n == 1 else (many or singular + 's')}"


def label_rank(label: str) -> int:
    """Labels in reading order (the value chain from RIPCO to FIPCO), ``none`` last."""
    order = [*VALUE_CHAIN_COLOURS, *PRODUCT_COLOURS]
    return 99 if label == "none" else (order.index(label) if label in order else 50)


def _with_names(frame: pl.DataFrame, names: dict[str, str], column: str = "firm") -> pl.DataFrame:
    """Put the firm's display name first, in place of its id column."""
    named = frame.with_columns(
        pl.col(column)
        .replace_strict(names, default=pl.col(column), return_dtype=pl.String)
        .alias("name")
    )
    return named.select("name", pl.exclude("name", column))


def _intro(ctx: ReportContext, nbfs: int) -> str:
    opts = ctx.options
    missing = []
    if ctx.pipeline.is_empty():
        missing.append(
            "no pipeline records, so the value chain rests on deals alone, every portfolio "
            "is 'none', and the stage distribution and FIPCO migration cannot be shown"
        )
    if ctx.financials.is_empty():
        missing.append("no financial statements, so deal dependence is read from deal terms only")
    text = (
        f"How the {nbfs} new biotechnology firms (NBFs) of "
        f"{ctx.options.region or 'the dataset'} made a living in "
        f"{opts.start_year}-{opts.end_year}: which business model their deals and pipelines "
        "show year by year, how much of their revenue was deal income, how much of the "
        "headline value of their deals was realistic, and how far they took their assets. "
    )
    if missing:
        text += f"There are, in {scope_note(ctx)}, " + "; and ".join(missing) + "."
    return text


# -- typology ------------------------------------------------------------------------------


def _typology_blocks(labels: pl.DataFrame, names: dict[str, str], start: int, end: int) -> list:
    if labels.is_empty():
        return [
            Text(
                f"No NBF has a dated deal or pipeline event up to {end}, so no business model "
                "can be labelled. " + RULES_NOTE
            )
        ]
    seen = labels.filter(pl.col("value_chain") != "none")["firm"].n_unique()
    counts = labels.filter(pl.col("year") == end).group_by("value_chain").len()
    at_end = ", ".join(
        f"{n} {label if label != 'none' else 'without a label'}"
        for label, n in sorted(counts.rows(), key=lambda r: (label_rank(r[0]), r[0]))
    )
    firms = labels["firm"].n_unique()
    blocks: list = [
        Text(
            f"{plural(firms, 'NBF has', 'NBFs have')} deals or pipeline records in the period; "
            f"{seen} of them {'shows' if seen == 1 else 'show'} a value-chain model in at least "
            f"one year. Value-chain labels in {end}: {at_end or 'none'}. " + RULES_NOTE
        )
    ]
    blocks.append(
        _timeline(
            labels,
            names,
            "value_chain",
            VALUE_CHAIN_COLOURS,
            f"Value-chain model of each NBF, {start}-{end} (RIPCO, NRDO, FIDDO, FIPCO)",
            "bm_value_chain_timeline",
        )
    )
    blocks.append(
        _timeline(
            labels,
            names,
            "product_model",
            PRODUCT_COLOURS,
            f"Product, platform or hybrid company, {start}-{end}",
            "bm_product_model_timeline",
        )
    )
    transitions = business_model_transitions(labels)
    table = (
        _with_names(transitions, names)
        .select(
            "name",
            "dimension",
            "year",
            pl.col("from_label").alias("from"),
            pl.col("to_label").alias("to"),
            "rule_id",
            "evidence",
        )
        .sort("name", "year", "dimension")
    )
    blocks.append(
        Text(
            f"{transitions.height} dated changes of label. Each row names the rule of the new "
            "label (docs/business_models.md) and the deals (al-...) and pipeline events "
            "(ev-...) behind it; a label falls back to 'none' when a firm signs nothing for "
            "five years and has no own development."
        )
    )
    blocks.append(Table("bm_transitions", "Business-model transitions", table))
    return blocks


def _timeline(
    labels: pl.DataFrame,
    names: dict[str, str],
    dimension: str,
    colours: dict[str, str],
    title: str,
    name: str,
) -> Figure:
    """Firms x years, one square per firm-year coloured by its label (a categorical heatmap)."""
    shown = (
        labels.filter((pl.col(dimension) != "none").any().over("firm"))
        if labels.filter(pl.col(dimension) != "none").height
        else labels
    )
    order = (
        shown.filter(pl.col(dimension) != "none")
        .group_by("firm")
        .agg(pl.col("year").min().alias("first"))
        .sort("first", "firm")["firm"]
        .to_list()
    )
    order += sorted(set(shown["firm"]) - set(order))
    data = _with_names(shown.select("firm", "year", dimension, f"{dimension}_rule"), names)
    firm_order = [names.get(f, f) for f in order]
    label_order = [k for k in colours if k in set(data[dimension])]
    label_order += sorted(set(data[dimension]) - set(label_order))
    fig = px.scatter(
        data,
        x="year",
        y="name",
        color=dimension,
        symbol_sequence=["square"],
        color_discrete_map=colours,
        hover_data=[f"{dimension}_rule"],
        category_orders={"name": firm_order, dimension: label_order},
        title=title,
        labels={
            "year": "Year",
            "name": "NBF",
            dimension: DIMENSION_NAMES[dimension].capitalize(),
            f"{dimension}_rule": "Rule",
        },
    )
    fig.update_traces(marker={"size": 11, "line": {"width": 0}})
    fig.update_layout(
        height=max(320, 130 + 19 * len(order)), legend_title_text="Label", template="plotly_white"
    )
    return Figure(name, fig, data)


# -- money -----------------------------------------------------------------------------------


def _money_blocks(ctx: ReportContext, firms: list[str], names: dict[str, str]) -> list:
    opts = ctx.options
    dependence = milestone_dependence(
        ctx.financials,
        ctx.alliances,
        ctx.parties,
        firms=firms,
        start=opts.start_year,
        end=opts.end_year,
    )
    if dependence.is_empty():
        return [
            Text(
                "No NBF has financial statements or a deal that pays it in the period, "
                "so deal dependence cannot be measured."
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
            f"and show only the committed money received. Deal-terms rule: {DEAL_TERMS_RULE}"
        )
    ]
    shares = on_fin.filter(pl.col("deal_dependence").is_not_null())
    if shares.height:
        data = _with_names(
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
            labels={"year": "Year", "deal_dependence": "Deal income / revenue", "name": "NBF"},
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
        _with_names(dependence, names)
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
    blocks.append(
        Table(
            "bm_milestone_dependence",
            "Milestone and deal dependence per firm-year (EUR million; basis = source)",
            table.sort("name", "year"),
        )
    )
    return blocks


def _biobucks_blocks(ctx: ReportContext, firms: list[str]) -> list:
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
            title="Biobucks of the deals paying NBFs: committed vs contingent vs risk-adjusted",
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


# -- stages and FIPCO ------------------------------------------------------------------------


def _stage_blocks(ctx: ReportContext, firms: list[str], names: dict[str, str]) -> list:
    opts = ctx.options
    if ctx.pipeline.is_empty():
        return [
            Text(
                f"There are no pipeline records in {scope_note(ctx)}: the highest development "
                "stage of "
                "each NBF and its migration toward FIPCO cannot be shown."
            )
        ]
    highest = highest_stage(ctx.pipeline, firms=firms, start=opts.start_year, end=opts.end_year)
    blocks: list = []
    if highest.height:
        dist = stage_distribution(highest)
        fig = px.area(
            dist.with_columns(pl.col("share") * 100),
            x="year",
            y="share",
            color="stage",
            category_orders={"stage": list(STAGE_LADDER)},
            color_discrete_sequence=px.colors.sequential.Viridis,
            title="Highest development stage reached by the NBFs with pipeline records",
            labels={"year": "Year", "share": "Share of NBFs (%)", "stage": "Highest stage"},
        )
        fig.update_layout(height=420)
        fig.update_yaxes(range=[0, 100])
        blocks += [
            Text(
                f"{plural(highest['firm'].n_unique(), 'NBF has', 'NBFs have')} dated pipeline "
                "records. A stage counts "
                "from the year an asset first reaches it, for good (accumulated development "
                "experience, not the current pipeline), whoever ran it; the share is of the "
                "NBFs with a record by that year."
            ),
            Figure("bm_stage_distribution", fig, dist),
        ]
    else:
        blocks.append(Text(f"No NBF has a dated development-stage event up to {opts.end_year}."))
    blocks += _fipco_blocks(ctx, firms, names)
    return blocks


def _fipco_blocks(ctx: ReportContext, firms: list[str], names: dict[str, str]) -> list:
    end = ctx.options.end_year
    migration = fipco_migration(ctx.pipeline, firms=firms)
    if migration.is_empty():
        return [
            Text(
                "No NBF ran a phase III trial, filed for approval or marketed a product "
                "itself: none migrated toward FIPCO. " + f"Rule: {FIPCO_RULE}"
            )
        ]
    table = (
        _with_names(migration, names)
        .select(
            "name",
            pl.col("first_own_phase3_year").alias("own_phase3"),
            pl.col("first_own_registration_year").alias("own_registration"),
            pl.col("first_own_marketed_year").alias("own_marketed"),
            "fipco_year",
            pl.col("fipco_basis").alias("basis"),
            (pl.col("fipco_year") <= end).alias("in_period"),
            pl.col("evidence_text").alias("evidence"),
        )
        .sort("fipco_year", "name", nulls_last=True)
    )
    reached = table.filter(pl.col("fipco_year").is_not_null())
    became = ", ".join(
        f"{name} in {year} ({basis})"
        for name, year, basis in reached.select("name", "fipco_year", "basis").rows()
    )
    partial = table.filter(pl.col("fipco_year").is_null())["name"].to_list()
    blocks: list = [
        Text(
            f"Migration toward FIPCO: {plural(table.height, 'NBF')} ran late-stage "
            f"development or sales themselves, and {reached.height} of them became FIPCO by "
            f"the rule below ({reached.filter(pl.col('fipco_year') <= end).height} within the "
            "period; the data run past it, and later years are shown for completeness)"
            + (f": {became}." if became else ".")
            + (
                f" Own late-stage work without FIPCO status: {', '.join(partial)}."
                if partial
                else ""
            )
            + " The table gives the dated evidence of each step (asset, stage, year, "
            f"operator, event id). Rule: {FIPCO_RULE}"
        )
    ]
    blocks.append(Table("bm_fipco_migration", "Migration toward FIPCO, with evidence", table))
    blocks.append(_fipco_figure(table, end))
    return blocks


def _fipco_figure(table: pl.DataFrame, end: int) -> Figure:
    """Per firm, the first own phase III, registration, marketing and FIPCO years."""
    steps = {
        "own_phase3": "own phase III",
        "own_registration": "own registration",
        "own_marketed": "own marketing",
        "fipco_year": "FIPCO",
    }
    long = (
        table.select("name", *steps)
        .unpivot(index="name", variable_name="step", value_name="year")
        .drop_nulls("year")
    )
    long = long.with_columns(pl.col("step").replace_strict(steps, return_dtype=pl.String))
    fig = go.Figure()
    symbols = {
        "own phase III": "circle",
        "own registration": "diamond",
        "own marketing": "triangle-up",
        "FIPCO": "star",
    }
    for step, symbol in symbols.items():
        part = long.filter(pl.col("step") == step)
        fig.add_trace(
            go.Scatter(
                x=part["year"].to_list(),
                y=part["name"].to_list(),
                mode="markers",
                name=step,
                marker={"symbol": symbol, "size": 12},
            )
        )
    if long.height and long["year"].max() > end:
        fig.add_vline(x=end + 0.5, line_dash="dot", line_color="#5b6775")
        fig.add_annotation(
            x=end + 0.5,
            y=1,
            yref="paper",
            text=f"end of period ({end})",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
        )
    fig.update_layout(
        title="Steps toward FIPCO: first own late-stage events per NBF",
        xaxis_title="Year",
        yaxis_title="NBF",
        height=max(300, 120 + 26 * table.height),
        legend_title_text="Event",
    )
    fig.update_yaxes(
        categoryorder="array", categoryarray=table["name"].to_list(), autorange="reversed"
    )
    return Figure("bm_fipco_steps", fig, long)
