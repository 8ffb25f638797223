"""The ``bioris`` command line: thin, every command calls one library function.

Errors from bioris become one clear message (a validation lists every problem) and a non-zero
exit code; a traceback is never shown.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table as RichTable

from bioris import __version__
from bioris.errors import BiorisError, ValidationError

app = typer.Typer(
    name="bioris",
    help="Measure a biotech regional innovation system: actors, alliances, networks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _store_note(value: Path | None) -> Path | None:
    """Without --store, say on stderr which store the command uses (and why)."""
    if value is None:
        from bioris.workspace import default_store_path

        why = "$BIORIS_STORE" if os.environ.get("BIORIS_STORE") else "the per-user store"
        err.print(f"note: using {default_store_path()} ({why}; --store names another)",
                  markup=False, highlight=False)  # fmt: skip
    return value


StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store", help="Store file (default: $BIORIS_STORE, else the per-user store).",
        dir_okay=False, callback=_store_note,
    ),
]  # fmt: skip
# The store option of a command group that also lists (bioris actors, bioris alliances): its
# note is said only when the group itself runs, not before one of its subcommands.
GroupStoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store", help="Store file (default: $BIORIS_STORE, else the per-user store).",
        dir_okay=False,
    ),
]  # fmt: skip
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for programs.")]


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Turn bioris errors into one message on stderr and exit code 1."""
    try:
        yield
    except ValidationError as exc:
        err.print(exc.render(), markup=False, highlight=False)
        raise typer.Exit(1) from None
    except BiorisError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    except OSError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None


def _version(value: bool) -> None:
    if value:
        out.print(f"bioris {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """bioris: measure a biotech regional innovation system."""


FromOpt = Annotated[
    int | None, typer.Option("--from", help="First year (default: the study period's).")
]
ToOpt = Annotated[int | None, typer.Option("--to", help="Last year (default: the study's).")]
WindowOpt = Annotated[
    int | None,
    typer.Option("--window", help="Years an alliance stays active after signing (default: "
                 "the study's).", min=1),
]  # fmt: skip
LayerOpt = Annotated[
    list[str] | None,
    typer.Option("--layer", help="A layer of the study's deal types (repeat; default: the "
                 "study's network layer, alliance)."),
]  # fmt: skip
RollupOpt = Annotated[
    bool,
    typer.Option(
        "--rollup", help="Count subsidiaries and acquired firms as their parent of the year."
    ),
]
RegionOpt = Annotated[
    str | None, typer.Option(help="A region of the study, or an ISO country code.")
]


def _study_note(
    study: Any, layers: list[str] | None = None, deal_types: list[str] | None = None
) -> None:
    """State the choices that decide the numbers (on stderr, so JSON stays clean)."""
    definition = study.definition
    chosen, types = study.tie_layers(layers, deal_types)
    err.print(
        f"study {definition.name!r}: panel of {len(study.panel)} firms; ties: "
        f"{' + '.join(chosen)} layer ({', '.join(types)}); "
        f"{'declared' if definition.period else 'data'} period "
        f"{'-'.join(map(str, study.period))}; exits end firms and their ties",
        markup=False, highlight=False,
    )  # fmt: skip


@app.command()
def export(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write into.")],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="csv, xlsx, parquet; gexf, graphml, pajek; or for modellers siena (RSiena, "
            "statnet), ucinet (DL).",
        ),
    ] = "csv",
    store: StoreOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    window: WindowOpt = None,
    layer: LayerOpt = None,
    rollup: RollupOpt = False,
) -> None:
    """Export the store (canonical tables and the study file) or its alliance network."""
    from bioris.cli_progress import share_bar
    from bioris.study import Study

    with friendly_errors(), Study.open(store) as study, share_bar("export") as on_share:
        written = study.export(out_dir, fmt, start=year_from, end=year_to, window=window,
                               layers=layer, rollup=rollup, progress=on_share)  # fmt: skip
    for path in written:
        out.print(str(path), markup=False)


actors_app = typer.Typer(
    help="List actors (filtered by kind, region, panel); edit, merge or delete one.",
    invoke_without_command=True,
)
app.add_typer(actors_app, name="actors")
alliances_app = typer.Typer(
    help="List deals (filtered by party, years, type, layer); delete one.",
    invoke_without_command=True,
)
app.add_typer(alliances_app, name="alliances")


@actors_app.callback()
def actors(
    ctx: typer.Context,
    store: GroupStoreOpt = None,
    kind: Annotated[str | None, typer.Option(help="Actor kind, e.g. nbf, pharma.")] = None,
    region: RegionOpt = None,
    panel: Annotated[bool, typer.Option("--panel", help="Only the study's panel.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List actors, filtered by kind, region and panel membership."""
    from bioris.study import Study

    if ctx.invoked_subcommand is not None:
        return
    _store_note(store)

    with friendly_errors(), Study.open(store) as study:
        rows = study.actor_list(kind=kind, region=region, panel=panel).to_dicts()
    columns = ("actor_id", "name", "kind", "location", "country", "founded", "exit_year",
               "in_panel")  # fmt: skip
    _emit(rows, columns, as_json, title=f"{len(rows)} actors")


@alliances_app.callback()
def alliances(
    ctx: typer.Context,
    store: GroupStoreOpt = None,
    actor: Annotated[str | None, typer.Option(help="A party (name or id).")] = None,
    partner: Annotated[str | None, typer.Option(help="Another party (name or id).")] = None,
    year_from: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    year_to: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    deal_type: Annotated[
        str | None, typer.Option("--deal-type", help="E.g. licensing_out.")
    ] = None,
    layer: Annotated[
        list[str] | None, typer.Option("--layer", help="Only deals of this layer (repeat).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List deals, filtered by party, partner, years, deal type and layer."""
    from bioris.study import Study

    if ctx.invoked_subcommand is not None:
        return
    _store_note(store)

    with friendly_errors(), Study.open(store) as study:
        rows = study.alliances(
            actor=actor,
            partner=partner,
            year_from=year_from,
            year_to=year_to,
            deal_type=deal_type,
            layers=layer,
        ).to_dicts()
    columns = ("alliance_id", "date", "deal_type", "layer", "parties", "stage_at_signing",
               "upfront_eur")  # fmt: skip
    _emit(rows, columns, as_json, title=f"{len(rows)} deals")


@app.command()
def report(
    store: StoreOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    region: Annotated[
        str | None, typer.Option(help="Focus on a region of the study or a country.")
    ] = None,
    out_file: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path(
        "bioris-report.html"
    ),
    data_dir: Annotated[
        Path | None, typer.Option("--data", help="Also write every figure's data as CSV here.")
    ] = None,
    window: WindowOpt = None,
) -> None:
    """Write the offline HTML report of the study."""
    from bioris.cli_progress import share_bar
    from bioris.study import Study

    with friendly_errors(), Study.open(store) as study, share_bar("report") as on_share:
        path = study.report(
            out_file, start=year_from, end=year_to, region=region, data_dir=data_dir,
            window=window, progress=on_share,
        )  # fmt: skip
    out.print(f"wrote {path}", markup=False)


@app.command()
def partners(
    year: Annotated[
        int | None, typer.Option("--year", help="The year to rank (default: the last).")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many panel firms to show.", min=1)] = 10,
    window: WindowOpt = None,
    region: Annotated[
        str | None, typer.Option(help="Only panel firms of this region, ranked among themselves.")
    ] = None,
    layer: LayerOpt = None,
    sensitivity: Annotated[
        bool,
        typer.Option(
            "--sensitivity",
            help="Also rank under 3-, 5- and 7-year ties, with and "
            "without financing ties, with Kendall's tau against the ranking.",
        ),
    ] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank the panel firms as most preferred partners in a year (rule: docs/network.md)."""
    import polars as pl

    from bioris.analytics.partners import RANKING_RULE
    from bioris.study import Study

    with friendly_errors(), Study.open(store) as study:
        ranking = study.preferred_partners(year, top=top, window=window, region=region,
                                           layers=layer)  # fmt: skip
        year = study.period[1] if year is None else year
        if not as_json:
            _study_note(study, layer)
            years = study.data_years
            if years and not years[0] <= year <= years[1]:
                err.print(f"note: {year} is outside the years of the data, "
                          f"{years[0]}-{years[1]}", markup=False)  # fmt: skip
        stability = (
            study.partner_sensitivity(year, top=top, window=window, layers=layer, region=region)
            if sensitivity
            else None
        )
    columns = (
        "rank", "name", "location", "big_pharma_partners", "distinct_partners",
        "target_alliances", "active_alliances", "repeat_partners", "betweenness_rank",
    )  # fmt: skip
    if as_json:
        payload: Any = ranking.to_dicts()
        if stability is not None:
            payload = {"ranking": payload, "sensitivity": stability.rankings.to_dicts(),
                       "agreement": stability.agreement.to_dicts()}  # fmt: skip
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n")
        return
    _emit(ranking.to_dicts(), columns, False, title=f"Most preferred partners, {year}")
    err.print(f"rule: {RANKING_RULE}", markup=False, highlight=False)
    if stability is not None:
        shown = stability.rankings.with_columns(
            pl.concat_str(pl.col("rank").cast(pl.String), pl.lit(". "), "name").alias("firm"),
            pl.int_range(pl.len()).over("scenario").alias("row"),
        )
        wide = shown.pivot("scenario", index="row", values="firm").sort("row").drop("row")
        _emit(wide.to_dicts(), tuple(wide.columns), False,
              f"Top {top} under other tie lifetimes and layers, {year} (rank. firm)")  # fmt: skip
        _emit(stability.agreement.to_dicts(), tuple(stability.agreement.columns), False,
              f"Agreement with the ranking ({stability.baseline}): Kendall's tau-b")  # fmt: skip


firms_app = typer.Typer(help="One firm's story over time.", no_args_is_help=True)
app.add_typer(firms_app, name="firms")


@firms_app.command("profile")
def firms_profile(
    name: Annotated[str, typer.Argument(help="The firm's name (or id); former names work.")],
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    window: WindowOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A firm's deals, pipeline stages, business-model labels, money and network position."""
    from bioris.domain.canonical import actor_row
    from bioris.study import Study

    with friendly_errors(), Study.open(store) as study:
        profile = study.firm_profile(name, start=year_from, end=year_to, window=window)
    if as_json:
        payload = {"actor": actor_row(profile.actor), "location": profile.location,
                   "in_panel": profile.in_panel, "exit_year": profile.exit_year,
                   "exit_kind": profile.exit_kind}  # fmt: skip
        payload |= {k: v.to_dicts() for k, v in profile.tables().items()}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n")
        return
    actor = profile.actor
    panel = "panel firm" if profile.in_panel else "not in the study's panel"
    ended = f"; {profile.exit_kind} {profile.exit_year}" if profile.exit_year else ""
    out.print(
        f"[bold]{actor.name}[/bold] ({actor.kind.value}, {profile.location}, {panel}; founded "
        f"{actor.founded or '?'}; origin {', '.join(actor.origin) or '?'}{ended})",
        highlight=False,
    )
    _emit(profile.deals.to_dicts(), ("year", "deal_type", "layer", "role", "partners",
          "stage_at_signing", "upfront_eur", "milestones_eur"), False, "Deals")  # fmt: skip
    _emit(profile.years.to_dicts(), ("year", "value_chain", "product_model", "oi_mode",
          "portfolio_mix", "highest_stage", "basis", "deal_income_eur", "degree",
          "betweenness_rank"), False, "Year by year")  # fmt: skip
    _emit(profile.transitions.to_dicts(), ("year", "dimension", "from_label", "to_label",
          "rule_id"), False, "Business-model changes")  # fmt: skip
    fipco = profile.fipco
    if fipco.height and fipco["evidence_text"][0]:
        out.print(f"Toward FIPCO: {fipco['evidence_text'][0]}", markup=False)
    if fipco.height and fipco["fipco_year"][0] is not None:
        first, last = fipco["fipco_year"][0], fipco["last_fipco_year"][0]
        span = str(first) if first == last else f"{first}-{last}"
        out.print(f"Labelled FIPCO {span} ({fipco['fipco_basis'][0]})", markup=False)


region_app = typer.Typer(help="The study's regions compared.", no_args_is_help=True)
app.add_typer(region_app, name="region")


@region_app.command("summary")
def region_summary_command(
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Actors, specialisation, local vs global ties, links, infrastructure and spin-offs."""
    from bioris.analytics.regional import PARTNER_TIE_RULE
    from bioris.study import Study

    with friendly_errors(), Study.open(store) as study:
        summary = study.region_summary(year_from, year_to)
        name = study.definition.name
    if as_json:
        payload = {k: v.to_dicts() for k, v in summary.tables().items()}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n")
        return
    first, last = summary.start, summary.end
    out.print(f"{name}: {', '.join(summary.regions) or 'no region'} compared, {first}-{last}",
              markup=False)  # fmt: skip
    actors = summary.actors
    _emit(actors.to_dicts(), tuple(actors.columns), False,
          f"Active actors, {last} (panel = the study's panel firms)")  # fmt: skip
    top = summary.specialisation.group_by("region", maintain_order=True).head(5)
    _emit(
        top.to_dicts(),
        ("region", "category", "n_rc", "n_r", "lq"),
        False,
        "Specialisation: location quotient against the whole panel (top 5 per region)",
    )
    scope = summary.scope
    _emit(scope.to_dicts(), ("location", "alliances", "ties", "unknown_ties",
          "intra_regional_share", "inter_regional_share", "european_share", "global_share"),
          False, f"The panel's partner ties by scope, {first}-{last} (one tie per partner per "
          "deal; shares of the ties pooled over the period)")  # fmt: skip
    err.print(f"note: {PARTNER_TIE_RULE}", markup=False, highlight=False)
    _emit(summary.links.head(12).to_dicts(), ("source_region", "target_region", "weight",
          "alliances"), False, "Strongest links between regions (weight: deals, each split "
          "evenly over its pairs of parties)")  # fmt: skip
    _emit(summary.infrastructure.to_dicts(), ("location", "kind", "actors", "grants_given",
          "equity_investments", "collaborations", "nbfs"), False,
          "Regional infrastructure (nbfs: panel firms dealt with)")  # fmt: skip
    _emit(summary.spinoffs.head(10).to_dicts(), ("name", "location", "spinoffs", "child"),
          False, "Firms spun out of each institution")  # fmt: skip


@app.command()
def serve(
    store: StoreOpt = None,
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default: the web_host setting, 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(help="TCP port (default: the web_port setting, 8000).", min=1, max=65535),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Server processes (default: the web_workers setting, 1); each holds its own "
            "copy of the data and caches.",
            min=1,
        ),
    ] = None,
) -> None:
    """Serve a read-only web explorer and JSON API over a store (docs at /docs)."""
    try:
        from bioris.web.app import serve as run_server
    except ImportError:
        err.print(
            "error: the web server needs the 'web' extra: pip install 'bioris[web]'",
            markup=False,
        )
        raise typer.Exit(1) from None
    from bioris import settings
    from bioris.workspace import default_store_path, open_user_store

    with friendly_errors():
        path = Path(store) if store else default_store_path()
        open_user_store(path, read_only=True).close()  # creates it on first use; checks it
        host = str(settings.get("web_host")) if host is None else host
        port = int(settings.get("web_port")) if port is None else port
        count = int(settings.get("web_workers")) if workers is None else workers
        processes = f" with {count} server processes" if count > 1 else ""
        err.print(f"serving {path} read-only on http://{host}:{port}{processes} (Ctrl-C stops)",
                  markup=False)  # fmt: skip
        run_server(path, host=host, port=port, workers=count)


def _emit(rows: list[dict[str, Any]], columns: tuple[str, ...], as_json: bool, title: str) -> None:
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1, default=str) + "\n")
        return
    table = RichTable(title=title, show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(_text(row.get(c)) for c in columns))
    out.print(table)


def _text(value: Any) -> str:
    """A cell for people: numbers rounded to what a reader needs, lists joined."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.3g}"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


# The commands that fill, change and keep the store (registered on import).
from bioris import cli_network, cli_store  # noqa: E402, F401


def main() -> None:
    """Console-script entry point; an unexpected error is one line, not a traceback."""
    try:
        app()
    except Exception as exc:  # a bug: say so plainly; BIORIS_DEBUG=1 shows the traceback
        if os.environ.get("BIORIS_DEBUG"):
            raise
        err.print(
            f"internal error (please report it): {type(exc).__name__}: {exc}; "
            "set BIORIS_DEBUG=1 to see the traceback",
            markup=False,
            highlight=False,
        )
        sys.exit(70)
