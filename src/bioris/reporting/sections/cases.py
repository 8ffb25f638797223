"""Section: firm case histories, generated from the data: for each panel firm with several deals,
a short history (origin, first deal, partners, business-model phases, furthest stage, IPO and
exit), its deal timeline and its network position over time.

The phases come from the study's labels and the FIPCO year from its migration table, so a
history says what the business section shows."""

from __future__ import annotations

import re
from dataclasses import dataclass

import plotly.express as px
import polars as pl

from bioris.analytics.centrality import centrality
from bioris.analytics.genealogy import rejoin_brackets
from bioris.analytics.pipeline import OWN_ROLES
from bioris.analytics.temporal import with_top_parent
from bioris.reporting.detail import reduced_table
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text
from bioris.reporting.sections.common import display_names, scope_note
from bioris.reporting.sections.partners import min_network_nodes, network_sizes, withheld

MIN_DEALS = 2
MAX_CASES = 40
PHASE_DIMENSIONS = (
    ("value_chain", "value chain"),
    ("product_model", "product model"),
    ("portfolio_mix", "portfolio"),
)
TIMELINE_COLUMNS = (
    "year",
    "date",
    "deal_type",
    "role",
    "partners",
    "stage_at_signing",
    "asset",
    "upfront_eur",
    "milestones_eur",
    "equity_eur",
)


def build(ctx: ReportContext) -> Section:
    """One case history per panel firm with at least :data:`MIN_DEALS` deals, most deals
    first."""
    names = display_names(ctx.actors)
    deals = _firm_deals(ctx, names)
    counts = (
        deals.group_by("firm")
        .agg(pl.col("alliance_id").n_unique().alias("deals"))
        .filter(pl.col("deals") >= MIN_DEALS)
        .with_columns(pl.col("firm").replace_strict(names, default=pl.col("firm")).alias("name"))
        .sort(["deals", "name"], descending=[True, False])
    )
    if counts.is_empty():
        return Section(
            "cases",
            "Firm case histories",
            [
                Text(
                    f"No panel firm has {MIN_DEALS} or more deals, so no case history can be "
                    f"written ({deals['firm'].n_unique()} panel firms have fewer)."
                )
            ],
        )
    chosen = counts.head(MAX_CASES)
    firms = chosen["firm"].to_list()
    facts = _collect(ctx, firms, deals, names)
    blocks: list = [Text(_intro(ctx, counts.height, chosen.height)), _overview(facts, chosen)]
    for index, firm in enumerate(firms):
        blocks += _case_blocks(facts, firm, index)
    return Section("cases", "Firm case histories", blocks)


def _intro(ctx: ReportContext, eligible: int, shown: int) -> str:
    opts = ctx.options
    capped = (
        f" Only the {shown} with the most deals are shown (of {eligible})."
        if shown < eligible
        else ""
    )
    missing = []
    if ctx.pipeline.is_empty():
        missing.append("no pipeline records (so no stages reached)")
    if ctx.financials.is_empty():
        missing.append("no financial statements")
    gaps = f" There are, in {scope_note(ctx)}, {' and '.join(missing)}." if missing else ""
    return (
        f"Case histories of the {eligible} panel firms with at least {MIN_DEALS} deals, most "
        f"deals first.{capped} Each history is written from the records alone: founding, "
        "origin and location from the actor record; deals and partners from the deal list "
        "(all recorded deals of every layer, also those outside the report's period); "
        f"business-model phases from the labels of {opts.period}, the same as in the business "
        "section (docs/business_models.md); stages from the pipeline records; IPO and exit "
        "from the actor record and the lineage. Big-pharma partners are those on the bundled "
        "list or owned by one when the deal was signed. Network ranks are among the panel "
        f"firms of each year's network ({opts.window_years}-year ties of the network layers), "
        "up to the firm's exit; they are withheld in a year whose network has fewer than "
        f"{min_network_nodes()} actors.{_sampled_note(ctx)}{gaps}"
    )


def _sampled_note(ctx: ReportContext) -> str:
    """Says that betweenness was estimated, in the years where it was (none on a small
    study)."""
    sources = ctx.study.betweenness_sampling.sources
    large = network_sizes(ctx.ties).filter(pl.col("actors") > sources)
    if large.is_empty():
        return ""
    return (
        f" Betweenness is estimated from {sources:,} sampled source actors (Brandes & Pich "
        f"2007; the ranking_betweenness_sources setting) in the {large.height} years whose "
        f"network has more than {sources:,} actors, exact in the others."
    )


def _firm_deals(ctx: ReportContext, names: dict[str, str]) -> pl.DataFrame:
    """One row per panel firm and deal: the deal's terms, the firm's role, its partners'
    names."""
    own = (
        ctx.parties.filter(pl.col("actor_id").is_in(list(ctx.firms)))
        .select("alliance_id", pl.col("actor_id").alias("firm"), "role")
        .unique(["alliance_id", "firm"], keep="first", maintain_order=True)
    )
    deals = own.join(ctx.alliances, on="alliance_id")
    others = (
        ctx.parties.select("alliance_id", pl.col("actor_id").alias("partner"))
        .unique()
        .join(deals.select("alliance_id", "firm", "year"), on="alliance_id")
        .filter(pl.col("partner") != pl.col("firm"))
    )
    others = with_top_parent(others, ctx.network.parents, "partner", "owner")
    pharma = list(ctx.network.big_pharma)
    others = others.with_columns(
        (pl.col("partner").is_in(pharma) | pl.col("owner").is_in(pharma)).alias("big_pharma"),
        pl.col("partner").replace_strict(names, default=pl.col("partner")).alias("partner_name"),
    )
    partners = (
        others.sort("partner_name")
        .group_by("alliance_id", "firm")
        .agg(
            pl.col("partner_name").str.join("; ").alias("partners"),
            pl.col("partner").alias("partner_ids"),
            pl.col("partner").filter(pl.col("big_pharma")).alias("pharma_ids"),
        )
    )
    return deals.join(partners, on=["alliance_id", "firm"], how="left").sort(
        "firm", "year", "date", "alliance_id", nulls_last=True
    )


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the histories draw on, computed once for all chosen firms."""

    ctx: ReportContext
    names: dict[str, str]
    deals: pl.DataFrame  # _firm_deals of the chosen firms
    labels: pl.DataFrame  # the study's business-model labels of the chosen firms
    events: pl.DataFrame  # their dated development-stage events
    fipco: pl.DataFrame | None  # the study's FIPCO migration, None without a pipeline
    acquired: list[tuple[str, str, int | None]]  # (firm, acquirer, year)
    position: pl.DataFrame  # _positions
    actors: dict[str, dict]  # actor id -> actors_frame row


def _collect(
    ctx: ReportContext, firms: list[str], deals: pl.DataFrame, names: dict[str, str]
) -> _Facts:
    labels = ctx.labels().filter(pl.col("firm").is_in(firms))
    events = ctx.pipeline.filter(
        pl.col("firm").is_in(firms)
        & pl.col("stage_order").is_not_null()
        & pl.col("year").is_not_null()
    )
    chosen = set(firms)
    acquired = [
        (f.actor_id, f.target, f.start_year)
        for f in ctx.dataset.lineage
        if str(f.relation) == "acquired_by" and f.actor_id in chosen
    ]
    rows = ctx.actors.filter(pl.col("actor_id").is_in(firms)).iter_rows(named=True)
    return _Facts(
        ctx=ctx,
        names=names,
        deals=deals.filter(pl.col("firm").is_in(firms)),
        labels=labels,
        events=events,
        fipco=ctx.fipco() if ctx.pipeline.height else None,
        acquired=acquired,
        position=_positions(ctx),
        actors={r["actor_id"]: r for r in rows},
    )


def _positions(ctx: ReportContext, min_nodes: int | None = None) -> pl.DataFrame:
    """Degree and betweenness per panel firm-year, with ranks among the year's panel firms (a
    firm drops out after its exit year). In a year whose network has fewer than
    ``min_nodes`` actors (the ``network_min_nodes`` setting by default) the measures and
    ranks are withheld (null) and ``status`` says so (``withheld: n=9 < 10``)."""
    least = min_network_nodes(min_nodes)
    sampling = ctx.study.betweenness_sampling  # exact up to ranking_betweenness_sources actors
    if ctx.detail.reduced:
        # a large study: the partner ranking's betweenness (the same ties and sampling, the
        # same numbers), not a second computation of a minute
        between = ctx.ranking().select("year", "actor", "betweenness")
        ranks = centrality(ctx.ties, measures=("degree",))
        ranks = ranks.join(between, on=["year", "actor"], how="left")
    else:
        measures = ("degree", "betweenness")
        ranks = centrality(ctx.ties, measures=measures, betweenness_sampling=sampling)
    firms = ranks.filter(pl.col("actor").is_in(list(ctx.firms)))
    firms = ctx.while_independent(firms, "actor")
    sizes = network_sizes(ctx.ties).rename({"actors": "network_actors"})
    ranked = firms.with_columns(
        pl.col("degree")
        .rank("min", descending=True)
        .over("year")
        .cast(pl.Int32)
        .alias("degree_rank"),
        pl.col("betweenness")
        .rank("min", descending=True)
        .over("year")
        .cast(pl.Int32)
        .alias("betweenness_rank"),
        pl.len().over("year").cast(pl.Int32).alias("panel_firms_in_network"),
    ).join(sizes, on="year", how="left")
    status = pl.col("network_actors").map_elements(
        lambda n: withheld(n, least) or "ok", return_dtype=pl.String
    )
    measures = ("degree", "betweenness", "degree_rank", "betweenness_rank")
    return ranked.with_columns(status.alias("status")).with_columns(
        pl.when(pl.col("status") == "ok").then(pl.col(c)).alias(c) for c in measures
    )


# -- overview --------------------------------------------------------------------------------


def _overview(facts: _Facts, chosen: pl.DataFrame) -> Table:
    end = facts.ctx.options.end_year
    rows = []
    for firm, n in chosen.select("firm", "deals").rows():
        actor = facts.actors.get(firm, {})
        own = facts.deals.filter(pl.col("firm") == firm)
        label = facts.labels.filter((pl.col("firm") == firm) & (pl.col("year") == end))
        top = _highest(facts.events.filter(pl.col("firm") == firm))
        rows.append(
            {
                "name": facts.names.get(firm, firm),
                "location": actor.get("location"),
                "founded": actor.get("founded"),
                "deals": n,
                "first_deal": own["year"].min(),
                "partners": len(_unique(own["partner_ids"])),
                "big_pharma_partners": len(_unique(own["pharma_ids"])),
                f"value_chain_{end}": label["value_chain"].first() if label.height else None,
                "highest_stage": top["stage"] if top else None,
                "ipo_year": actor.get("ipo_year"),
                "exit": actor.get("exit"),
            }
        )
    schema = {
        "name": pl.String,
        "location": pl.String,
        "founded": pl.Int32,
        "deals": pl.Int64,
        "first_deal": pl.Int32,
        "partners": pl.Int64,
        "big_pharma_partners": pl.Int64,
        f"value_chain_{end}": pl.String,
        "highest_stage": pl.String,
        "ipo_year": pl.Int32,
        "exit": pl.String,
    }
    return Table("cases_overview", "The case firms at a glance", pl.DataFrame(rows, schema=schema))


def _unique(column: pl.Series) -> set[str]:
    return {x for items in column.to_list() if items for x in items}


# -- one case --------------------------------------------------------------------------------


def _case_blocks(facts: _Facts, firm: str, index: int) -> list:
    name = facts.names.get(firm, firm)
    slug = f"case_{index + 1:02d}_{re.sub(r'[^a-z0-9]+', '_', firm.lower()).strip('_')}"
    own = facts.deals.filter(pl.col("firm") == firm)
    blocks: list = [Text(paragraph, part=name) for paragraph in history(facts, firm)]
    timeline = own.select(TIMELINE_COLUMNS)
    caption = f"{name}: deal timeline (EUR million)"
    table = Table(f"{slug}_deals", caption, timeline, part=name)
    blocks.append(
        reduced_table(
            table,
            facts.ctx.detail,
            by=["year", "date"],
            what="deals",
            order="those signed most recently",
        )
    )
    position = facts.position.filter(pl.col("actor") == firm).sort("year")
    if position.is_empty():
        period = facts.ctx.options.period
        blocks.append(Text(f"{name} has no tie in the alliance network of {period}.", part=name))
    else:
        figure = _position_figure(position, name, f"{slug}_position")
        blocks.append(Figure(figure.name, figure.figure, figure.data, part=name))
    return blocks


def history(facts: _Facts, firm: str) -> list[str]:
    """The generated history of one firm: two plain-text paragraphs (who it is and whom it
    dealt with; how its business model, pipeline and ownership evolved)."""
    actor = facts.actors.get(firm, {})
    name = facts.names.get(firm, firm)
    own = facts.deals.filter(pl.col("firm") == firm)
    first = [_founding(name, actor), *_deal_sentences(facts, own)]
    second = [*_phase_sentences(facts, firm, name), *_stage_sentences(facts, firm)]
    second.append(_exit(facts, firm, actor))
    return [" ".join(s for s in part if s) for part in (first, second)]


def _founding(name: str, actor: dict) -> str:
    region = actor.get("location") or "an unrecorded place"
    city = f", {actor['city']}" if actor.get("city") else ""
    founded = (
        f", founded in {actor['founded']}"
        if actor.get("founded")
        else "; its founding year is not recorded"
    )
    origin = rejoin_brackets(actor.get("origin") or [])
    source = f" Recorded origin: {'; '.join(origin)}." if origin else " No origin is recorded."
    return f"{name} is a panel firm in {region}{city}{founded}.{source}"


def _words(value: str | None) -> str:
    return (value or "unknown").replace("_", " ")


def _deal_sentences(facts: _Facts, own: pl.DataFrame) -> list[str]:
    opts = facts.ctx.options
    dated = own.filter(pl.col("year").is_not_null())
    out = []
    if dated.height:
        first = dated.row(0, named=True)
        stage = first["stage_at_signing"]
        at = f" at {_words(stage)} stage" if stage and stage != "unknown" else ""
        partners = " and ".join((first["partners"] or "an unnamed partner").split("; "))
        kind = _words(first["deal_type"])
        article = "an" if kind[:1] in "aeiou" else "a"
        out.append(
            f"Its first recorded deal was {article} {kind} (as {_words(first['role'])}) with "
            f"{partners} in {first['year']}{at}."
        )
    in_period = own.filter(pl.col("year").is_between(opts.start_year, opts.end_year)).height
    partners, pharma = _unique(own["partner_ids"]), _unique(own["pharma_ids"])
    pharma_names = sorted(facts.names.get(p, p) for p in pharma)
    pharma_text = f" ({', '.join(pharma_names)})" if pharma_names else ""
    undated = own.height - dated.height
    out.append(
        f"The data record {own.height} deals ({in_period} signed in {opts.period}"
        f"{f', {undated} undated' if undated else ''}) with {len(partners)} "
        f"distinct partners, {len(pharma) or 'none'} of them big pharma{pharma_text}."
    )
    alliances = own.filter(pl.col("deal_type") != "acquisition")
    committed = alliances["committed_eur"].fill_null(0).sum()
    headline = alliances["headline_eur"].fill_null(0).sum()
    if headline > 0:
        out.append(
            f"Its disclosed deal terms (acquisitions left out) add up to EUR "
            f"{committed:,.0f} million committed and EUR {headline:,.0f} million in "
            "headline value."
        )
    return out


def phases(labels: pl.DataFrame, dimension: str) -> list[tuple[str, int, int]]:
    """Runs of one label over consecutive years (``none`` left out): (label, first, last)."""
    runs: list[list] = []
    for year, label in labels.sort("year").select("year", dimension).rows():
        if runs and runs[-1][0] == label and runs[-1][2] == year - 1:
            runs[-1][2] = year
        else:
            runs.append([label, year, year])
    return [(label, a, b) for label, a, b in runs if label != "none"]


def _phase_sentences(facts: _Facts, firm: str, name: str) -> list[str]:
    end = facts.ctx.options.end_year
    labels = facts.labels.filter(pl.col("firm") == firm)
    parts = []
    for dimension, title in PHASE_DIMENSIONS:
        runs = phases(labels, dimension)
        if runs:
            spans = ", ".join(_span(label, a, b, end) for label, a, b in runs)
            parts.append(f"{title}: {spans}")
    if not parts:
        return [f"{name}'s deals and pipeline show no business model in the period."]
    return [f"{name}'s business-model phases: {'; '.join(parts)}."]


def _span(label: str, first: int, last: int, end: int) -> str:
    if last >= end:
        return f"{label} from {first}"
    return f"{label} {first}" if first == last else f"{label} {first}-{last}"


def _highest(events: pl.DataFrame) -> dict | None:
    if events.is_empty():
        return None
    return events.sort(
        ["stage_order", "year", "date"], descending=[True, False, False], nulls_last=True
    ).row(0, named=True)


def _stage_sentences(facts: _Facts, firm: str) -> list[str]:
    if facts.ctx.pipeline.is_empty():
        return []
    events = facts.events.filter(pl.col("firm") == firm)
    top = _highest(events)
    if top is None:
        return ["No development stage of its assets is recorded."]
    role = top["operator_role"]
    by = top["operator"] or "an unrecorded operator"
    out = [
        f"Its most advanced asset, {top['asset']}, reached {_words(top['stage'])} in "
        f"{top['year']} (operated by {by}, {role})."
    ]
    mine = _highest(events.filter(pl.col("operator_role").is_in(list(OWN_ROLES))))
    if mine is None:
        out.append("It ran no development stage itself: partners developed its assets.")
    elif mine["stage_order"] < top["stage_order"]:
        out.append(
            f"The furthest it took an asset itself was {_words(mine['stage'])} "
            f"({mine['asset']}, {mine['year']})."
        )
    if facts.fipco is not None:
        row = facts.fipco.filter(pl.col("firm") == firm)
        if row.height and row["fipco_year"][0] is not None:
            first, last = row["fipco_year"][0], row["last_fipco_year"][0]
            exits = facts.ctx.exits.filter(pl.col("actor_id") == firm)["exit_year"]
            until = min([facts.ctx.options.end_year, *exits.drop_nulls().to_list()])
            lost = "" if last >= until else f", and lost the label after {last}"
            out.append(
                f"By the FIPCO rule it became fully integrated in {first} "
                f"({row['fipco_basis'][0]}){lost}."
            )
    return out


def _exit(facts: _Facts, firm: str, actor: dict) -> str:
    parts = []
    if actor.get("ipo_year"):
        parts.append(f"It went public in {actor['ipo_year']}.")
    bought = sorted((y or 9999, t) for f, t, y in facts.acquired if f == firm)
    sales = facts.deals.filter(
        (pl.col("firm") == firm)
        & (pl.col("deal_type") == "acquisition")
        & (pl.col("role") == "target")
    )
    if bought:
        steps = [
            f"by {facts.names.get(t, t)}" + (f" in {y}" if y != 9999 else "") + _price(sales, t, y)
            for y, t in bought
        ]
        parts.append(f"It was acquired {', then '.join(steps)}.")
    elif actor.get("exit"):
        parts.append(f"Recorded exit: {actor['exit']}.")
    else:
        parts.append("No exit is recorded.")
    return " ".join(parts)


def _price(sales: pl.DataFrame, acquirer: str, year: int) -> str:
    """`` for EUR N million`` when the deal list has the acquisition with a disclosed price."""
    hit = sales.filter(
        (pl.col("year") == year)
        & pl.col("partner_ids").list.contains(acquirer)
        & (pl.col("committed_eur") > 0)
    )
    return f" for EUR {hit['committed_eur'][0]:,.0f} million" if hit.height else ""


def _position_figure(position: pl.DataFrame, name: str, figure_name: str) -> Figure:
    data = position.select(
        "year",
        "degree",
        "degree_rank",
        "betweenness",
        "betweenness_rank",
        "panel_firms_in_network",
        "network_actors",
        "status",
    )
    long = data.unpivot(
        index=["year", "panel_firms_in_network", "status"],
        on=["degree_rank", "betweenness_rank"],
        variable_name="measure",
        value_name="rank",
    ).with_columns(
        pl.col("measure").replace_strict(
            {"degree_rank": "degree", "betweenness_rank": "betweenness"}
        )
    )
    fig = px.line(
        long,
        x="year",
        y="rank",
        color="measure",
        markers=True,
        hover_data=["panel_firms_in_network", "status"],
        title=f"{name}: network position among panel firms (rank 1 = most central; gaps: "
        "withheld years of a small network)",
        labels={
            "year": "Year",
            "rank": "Rank among panel firms",
            "measure": "Centrality",
            "panel_firms_in_network": "Panel firms in the network",
        },
    )
    fig.update_traces(connectgaps=False)
    worst = int(long["rank"].max() or 1)
    fig.update_yaxes(range=[worst + 0.5, 0.5], tick0=1, dtick=max(1, (worst + 4) // 5))
    fig.update_layout(height=280, margin={"t": 50, "b": 40})
    return Figure(figure_name, fig, data)
