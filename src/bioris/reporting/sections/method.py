"""Section: data and method: the study (regions, panel, layers, exits, period), sources,
confidence, coverage, parameters and version."""

from __future__ import annotations

import polars as pl

from bioris import __version__
from bioris.analytics import RANKING_RULE
from bioris.domain.money import unconverted
from bioris.reporting.detail import reduced_table
from bioris.reporting.model import ReportContext, Section, Table, Text
from bioris.reporting.sections.common import deal_coverage, panel_rule, plural
from bioris.reporting.sections.deals import source_count

EXITS_RULE = (
    "An acquisition, a merger into another firm or a closure ends an actor's independent life "
    "in its year: the earliest dated acquisition or closure of the lineage records, else the "
    "year read from the actor's exit text (such as 'acquired by X 2019' or 'closed 2012'). "
    "After its exit year a firm leaves the panel, the partner ranking, the business-model "
    "labels and the firm counts, and the ties of the alliances it had signed end then."
)


def build(ctx: ReportContext) -> Section:
    """How the report was made, so that it can be reproduced."""
    blocks: list = [Text(_study_text(ctx))]
    if ctx.focus_note:
        blocks.append(Text(ctx.focus_note))
    blocks += _regions_blocks(ctx)
    blocks += _panel_blocks(ctx)
    blocks += _layer_blocks(ctx)
    blocks.append(
        Text(
            "Every number comes from the store's records; "
            f"{source_count(ctx.alliances)} distinct source pages back the deals. Confidence "
            "is 'high' where the source states the fact, 'medium' where it was inferred from "
            "the source's context, 'unsourced' where no page was found. Money is in millions: "
            "as stated, and in EUR (the source's own euro figure, else converted at the "
            "year's average rate)."
        )
    )
    blocks.append(Table("confidence", "Records by confidence", _confidence(ctx)))
    blocks.append(Table("parameters", "Parameters of this report", _parameters(ctx)))
    blocks.append(Text(f"Most-preferred-partner ranking rule: {RANKING_RULE}"))
    blocks += _coverage(ctx)
    return Section("method", "Data and method", blocks)


def _study_text(ctx: ReportContext) -> str:
    opts, definition = ctx.options, ctx.definition
    text = f"This report is of the study '{definition.name}'"
    if definition.description:
        text += f" ({definition.description.rstrip('.')})"
    window = (
        "the study's"
        if opts.window_years == definition.window
        else (f"asked for; the study's is {definition.window}")
    )
    return text + (
        f". Period: {opts.period} ({ctx.period_source}). Tie window: an alliance ties its "
        f"parties for {opts.window_years} years from signing, signing year included "
        f"({window}). Region focus: {opts.region or 'none (the whole study)'}."
    )


def _regions_blocks(ctx: ReportContext) -> list:
    regions = ctx.definition.regions
    if not regions:
        return [
            Text(
                "The study declares no region: every actor is placed by its country, and "
                "the regions compared are the countries of the panel firms."
            )
        ]
    actors = ctx.actors
    panel = pl.col("actor_id").is_in(list(ctx.study.panel))
    counts = actors.group_by("location").agg(
        pl.len().cast(pl.Int64).alias("actors"), panel.sum().cast(pl.Int64).alias("panel_firms")
    )
    found = {loc: (a, p) for loc, a, p in counts.rows()}
    colours = ctx.study.region_colours()
    table = pl.DataFrame(
        [
            (
                r.name,
                ", ".join(r.countries),
                ", ".join(r.codes),
                r.focal,
                colours.get(r.name),
                found.get(r.name, (0, 0))[0],
                found.get(r.name, (0, 0))[1],
            )
            for r in regions
        ],
        schema={
            "region": pl.String,
            "countries": pl.String,
            "codes": pl.String,
            "focal": pl.Boolean,
            "colour": pl.String,
            "actors": pl.Int64,
            "panel_firms": pl.Int64,
        },
        orient="row",
    )
    focal = ", ".join(ctx.definition.focal_regions) or "none"
    return [
        Text(
            f"The study declares {plural(len(regions), 'region')}; the focal ones ({focal}) "
            "are compared. An actor is placed in a declared region when its region is the "
            "region's name or one of its codes (ISO 3166-2 or NUTS), else by its country. "
            "Each region keeps its colour in every chart."
        ),
        Table("study_regions", "The regions of the study", table),
    ]


def _panel_blocks(ctx: ReportContext) -> list:
    end = ctx.options.end_year
    panel = ctx.actors.filter(pl.col("actor_id").is_in(list(ctx.study.panel)))
    life = ctx.study.lifespans.select("actor_id", "entry_year", "exit_year", "exit_kind")
    table = (
        panel.join(life, on="actor_id", how="left")
        .with_columns(pl.col("actor_id").is_in(list(ctx.firms)).alias("in_report"))
        .select("name", "location", "entry_year", "exit_year", "exit_kind", "in_report")
        .sort("location", "name")
    )
    exited = table.filter(pl.col("exit_year") <= end)
    names = ", ".join(
        f"{n} ({y}, {k})" for n, y, k in exited.select("name", "exit_year", "exit_kind").rows()
    )
    if ctx.detail.reduced and exited.height > ctx.detail.table_rows:
        names = "they are in study_panel.csv of the --data folder (too many to name here)"
    shown = reduced_table(
        Table("study_panel", "The panel firms, with their entry and exit years", table),
        ctx.detail,
        what="panel firms",
        order="the first by location and name",
    )
    return [
        Text(
            f"The panel: the study's focal firms, whom every 'panel firm' figure counts. "
            f"Rule: {panel_rule(ctx)}. {plural(panel.height, 'actor is', 'actors are')} in "
            f"the panel; {len(ctx.firms)} of them are the subject of this report. "
            f"Exits: {EXITS_RULE} {plural(exited.height, 'panel firm')} exited by {end}"
            + (f": {names}." if names else ".")
        ),
        shown,
    ]


def _layer_blocks(ctx: ReportContext) -> list:
    opts, definition = ctx.options, ctx.definition
    network = set(definition.network_layers)
    deals = ctx.alliances
    in_period = deals.filter(pl.col("year").is_between(opts.start_year, opts.end_year))
    all_counts = dict(deals.group_by("layer").len().iter_rows())
    period_counts = dict(in_period.group_by("layer").len().iter_rows())
    table = pl.DataFrame(
        [
            (
                name,
                ", ".join(types),
                name in network,
                all_counts.get(name, 0),
                period_counts.get(name, 0),
            )
            for name, types in definition.layers
        ],
        schema={
            "layer": pl.String,
            "deal_types": pl.String,
            "ties_of_the_network": pl.Boolean,
            "deals": pl.Int64,
            "deals_in_period": pl.Int64,
        },
        orient="row",
    )
    others = [f"{name} ({', '.join(t)})" for name, t in definition.layers if name not in network]
    return [
        Text(
            "Layers: the study groups deal types into layers of ties. The network layers "
            f"({', '.join(definition.network_layers)}) are the ties of the alliance network, "
            "the partner ranking, brokerage and the business models; the deals of the other "
            f"layers{': ' + '; '.join(others) if others else ''} are recorded, counted and "
            "listed, but they are not alliance ties."
        ),
        Table("study_layers", "The layers of the study and their deals", table),
    ]


def _confidence(ctx: ReportContext) -> pl.DataFrame:
    return (
        pl.concat(
            [
                ctx.actors.select(pl.lit("actors").alias("record"), "confidence"),
                ctx.alliances.select(pl.lit("deals").alias("record"), "confidence"),
            ]
        )
        .group_by("record", "confidence")
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .sort("record", "confidence")
    )


def _parameters(ctx: ReportContext) -> pl.DataFrame:
    opts = ctx.options
    rows = {
        "study": ctx.definition.name,
        "period": f"{opts.period} ({ctx.period_source})",
        "region focus": opts.region or "none",
        "tie window (years)": str(opts.window_years),
        "tie policy": "fixed lifetime from signing, ending at an exit",
        "network layers": ", ".join(ctx.definition.network_layers),
        "panel firms (in the report)": str(len(ctx.firms)),
        "ranking top k": str(opts.top),
        "seed": str(opts.seed),
        "big-pharma actors": str(len(ctx.network.big_pharma)),
        "store": ctx.store_label or "-",
        "bioris version": __version__,
    }
    if ctx.detail.reduced:
        detail = ctx.detail
        rows["level of detail"] = (
            f"reduced: {detail.reason}; long tables show {detail.table_rows} rows "
            "(report_table_max_rows), every table in full with --data"
        )
    return pl.DataFrame({"parameter": list(rows), "value": list(rows.values())})


def _coverage(ctx: ReportContext) -> list:
    """Where the data are thin: deals per panel firm, undated deals, deals outside the period,
    and amounts without an exchange rate (in no euro value or total: never a silent zero)."""
    opts = ctx.options
    own = ctx.parties.filter(pl.col("actor_id").is_in(list(ctx.firms)))
    own = own.select("alliance_id", "actor_id").unique()
    own = own.join(ctx.alliances.select("alliance_id", "year"), on="alliance_id")
    per_firm = (
        own.group_by("actor_id")
        .agg(
            pl.len().alias("deals"),
            pl.col("year").is_null().sum().alias("undated"),
            pl.col("year").min().alias("first_year"),
            pl.col("year").max().alias("last_year"),
        )
        .join(ctx.actors.select("actor_id", "name", "location"), on="actor_id")
        .sort("deals", "name", descending=[True, False])
        .select("name", "location", "deals", "undated", "first_year", "last_year")
    )
    cover = deal_coverage(ctx.alliances, opts.start_year, opts.end_year)
    single = per_firm.filter(pl.col("deals") == 1).height
    text = Text(
        f"Coverage: {plural(per_firm.height, 'panel firm has', 'panel firms have')} recorded "
        f"deals; {single} of them {'has' if single == 1 else 'have'} a single one. Of the "
        f"{ctx.alliances.height} deals, {cover.in_period} were signed in {opts.period}, "
        f"{plural(cover.outside, 'dated deal falls', 'dated deals fall')} outside it and "
        f"{cover.undated} {'is' if cover.undated == 1 else 'are'} undated; the last two are "
        "kept in the deal list but left out of yearly measures. Deals are collected from "
        "public sources (press releases, trade press, annual reports): undisclosed terms are "
        "missing values, not zeros."
    )
    per_firm_table = reduced_table(
        Table("coverage_per_firm", "Recorded deals per panel firm", per_firm),
        ctx.detail,
        what="panel firms",
        order="those with the most recorded deals",
    )
    blocks = [text, per_firm_table]
    blocks.append(
        Table(
            "coverage_per_year",
            "Records per year: deals, and panel firms with a deal, a pipeline event or a "
            "financial record (what the yearly figures rest on)",
            _records_per_year(ctx),
        )
    )
    biases = ctx.study.known_biases()
    blocks.append(
        Text(
            "Known biases of the data (from the data card): "
            + " ".join(line.lstrip("- ").strip() for line in biases.splitlines() if line.strip())
            if biases
            else "Known biases: the study's own data card states them (the bundled example's "
            "are in its README); in any deal data collected from public sources, announced "
            "deals, listed firms and recent years are better covered than quiet research ties, "
            "private firms and early years, and undisclosed terms are missing values."
        )
    )
    missing = sorted(
        unconverted(ctx.dataset.alliances, ctx.dataset.financials),
        key=lambda m: (m.year is None, m.year or 0),  # stable: record and term order kept
    )
    if missing:
        years: dict[str, int] = {}
        for m in missing:
            key = str(m.year) if m.year is not None else "undated"
            years[key] = years.get(key, 0) + 1
        shown = "; ".join(m.label for m in missing[:5]) + ("; ..." if len(missing) > 5 else "")
        blocks.append(
            Text(
                f"{plural(len(missing), 'amount has', 'amounts have')} no euro value (no "
                f"exchange rate for the currency in that year, or no year): {shown}. Every "
                "euro value and total in this report leaves them out, so the euro totals of "
                "their years are short by these amounts; per year: "
                + ", ".join(f"{y}: {n}" for y, n in years.items())
                + ". A rate for the currency and year makes them count: add rates with "
                "`bioris fx import rates.csv` (the bundled rates and their years: "
                "FX_SOURCES.md)."
            )
        )
        table = pl.DataFrame(
            [(m.year, m.record_id, m.term, m.amount, m.currency) for m in missing],
            schema={
                "year": pl.Int32,
                "record": pl.String,
                "term": pl.String,
                "amount_m": pl.Float64,
                "currency": pl.String,
            },
            orient="row",
        )
        blocks.append(Table("unconverted_amounts", "Amounts without an exchange rate", table))
    return blocks


def _records_per_year(ctx: ReportContext) -> pl.DataFrame:
    """Per year of the period: deals signed, panel firms in the panel, and how many of them
    have a deal, a pipeline event or a financial record that year."""
    opts = ctx.options
    years = pl.DataFrame(
        {"year": list(range(opts.start_year, opts.end_year + 1))}, schema={"year": pl.Int32}
    )
    deals = (
        ctx.alliances.filter(pl.col("year").is_not_null())
        .group_by(pl.col("year").cast(pl.Int32))
        .agg(pl.len().alias("deals"))
    )
    firms = list(ctx.firms)
    dealing = (
        ctx.parties.filter(pl.col("actor_id").is_in(firms))
        .join(ctx.alliances.select("alliance_id", "year"), on="alliance_id")
        .filter(pl.col("year").is_not_null())
        .group_by(pl.col("year").cast(pl.Int32))
        .agg(pl.col("actor_id").n_unique().alias("panel_firms_with_a_deal"))
    )
    panel = (
        ctx.study.panel_years(opts.start_year, opts.end_year)
        .filter(pl.col("actor_id").is_in(firms))
        .group_by(pl.col("year").cast(pl.Int32))
        .agg(pl.len().alias("panel_firms"))
    )
    out = years.join(deals, on="year", how="left").join(panel, on="year", how="left")
    out = out.join(dealing, on="year", how="left")
    for name, frame, column in (
        ("with_a_pipeline_event", ctx.study.pipeline, "firm"),
        ("with_a_financial_record", ctx.study.financials, "firm"),
    ):
        counted = (
            frame.filter(pl.col(column).is_in(firms))
            .group_by(pl.col("year").cast(pl.Int32))
            .agg(pl.col(column).n_unique().alias(f"panel_firms_{name}"))
            if frame.height and "year" in frame.columns
            else pl.DataFrame(schema={"year": pl.Int32, f"panel_firms_{name}": pl.UInt32})
        )
        out = out.join(counted, on="year", how="left")
    return out.fill_null(0).sort("year")
