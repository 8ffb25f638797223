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

StoreOpt = Annotated[
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


@app.command()
def init(
    store: StoreOpt = None,
    empty: Annotated[bool, typer.Option("--empty", help="Create the store without data.")] = False,
) -> None:
    """Create a store, loaded with the bundled Belgian dataset (unless --empty)."""
    from bioris.workspace import default_store_path, init_store

    with friendly_errors():
        path, report = init_store(store or default_store_path(), empty=empty)
    what = "empty" if report is None else f"{report.actors} actors, {report.alliances} deals"
    out.print(f"created {path} ({what})", markup=False)


@app.command("import")
def import_(
    files: Annotated[list[Path], typer.Argument(help="CSV or XLSX files (raw or canonical).")],
    store: StoreOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate only.")] = False,
    encoding: Annotated[
        str | None, typer.Option("--encoding", help="Text encoding of the files, e.g. cp1252.")
    ] = None,
    create_missing: Annotated[
        bool, typer.Option("--create-missing", help="Create actors for unknown party names.")
    ] = False,
) -> None:
    """Import files in one transaction: everything is imported, or nothing."""
    from bioris.ingest.importer import import_files
    from bioris.workspace import open_user_store

    with friendly_errors(), open_user_store(store) as st:
        report = import_files(
            st, list(files), encoding=encoding, dry_run=dry_run, create_missing=create_missing
        )
    for path, label, rows in report.files:
        out.print(f"{path}: {label}, {rows} rows", markup=False)
    verb = "would import" if dry_run else "imported"
    out.print(
        f"{verb} {report.actors} actors, {report.lineage} lineage facts, "
        f"{report.alliances} deals; {len(report.created_actors)} actors created, "
        f"{sum(m.startswith('deal ') for m in report.merges)} double reports merged",
        markup=False,
    )


FromOpt = Annotated[int, typer.Option("--from", help="First year of the period.")]
ToOpt = Annotated[int, typer.Option("--to", help="Last year of the period.")]
WindowOpt = Annotated[
    int, typer.Option("--window", help="Years an alliance stays active after signing.", min=1)
]


@app.command()
def export(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write into.")],
    fmt: Annotated[
        str, typer.Option("--format", help="csv, xlsx, parquet, or gexf, graphml, pajek.")
    ] = "csv",
    store: StoreOpt = None,
    year_from: FromOpt = 1987,
    year_to: ToOpt = 2017,
    window: WindowOpt = 5,
) -> None:
    """Export the store (canonical tables, re-importable) or its alliance network."""
    from bioris.tasks import export_files

    with friendly_errors():
        written = export_files(store, out_dir, fmt, start=year_from, end=year_to, window=window)
    for path in written:
        out.print(str(path), markup=False)


@app.command()
def actors(
    store: StoreOpt = None,
    kind: Annotated[str | None, typer.Option(help="Actor kind, e.g. nbf, pharma.")] = None,
    region: Annotated[str | None, typer.Option(help="bioRegion or ISO country.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List actors, filtered by kind and region."""
    from bioris.domain.canonical import actor_row
    from bioris.workspace import open_user_store

    with friendly_errors(), open_user_store(store, read_only=True) as st:
        rows = [actor_row(a) for a in st.actors(kind=kind, region=region)]
    columns = ("actor_id", "name", "kind", "bioregion", "country", "founded", "ipo_year")
    _emit(rows, columns, as_json, title=f"{len(rows)} actors")


@app.command()
def alliances(
    store: StoreOpt = None,
    actor: Annotated[str | None, typer.Option(help="A party (name or id).")] = None,
    partner: Annotated[str | None, typer.Option(help="Another party (name or id).")] = None,
    year_from: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    year_to: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
    deal_type: Annotated[
        str | None, typer.Option("--deal-type", help="E.g. licensing_out.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List deals, filtered by party, partner, years and deal type."""
    from bioris.tasks import find_alliances

    with friendly_errors():
        rows = find_alliances(store, actor, partner, year_from, year_to, deal_type)
    columns = ("alliance_id", "date", "deal_type", "parties", "stage_at_signing", "upfront_eur")
    _emit(rows, columns, as_json, title=f"{len(rows)} deals")


@app.command()
def report(
    store: StoreOpt = None,
    year_from: Annotated[int, typer.Option("--from", help="First year of the period.")] = 1987,
    year_to: Annotated[int, typer.Option("--to", help="Last year of the period.")] = 2017,
    region: Annotated[str | None, typer.Option(help="Focus on a bioRegion or country.")] = None,
    out_file: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path(
        "bioris-report.html"
    ),
    data_dir: Annotated[
        Path | None, typer.Option("--data", help="Also write every figure's data as CSV here.")
    ] = None,
    window: WindowOpt = 5,
) -> None:
    """Write the offline HTML report of the store."""
    from rich.progress import Progress

    from bioris.tasks import make_report

    with friendly_errors(), Progress(console=err, transient=True) as progress:
        task = progress.add_task("building report", total=None)
        path = make_report(
            store, year_from, year_to, region, out_file, data_dir,
            lambda name: progress.update(task, description=f"section: {name}"), window,
        )  # fmt: skip
    out.print(f"wrote {path}", markup=False)


@app.command()
def partners(
    year: Annotated[int, typer.Option("--year", help="The year to rank.")] = 2017,
    top: Annotated[int, typer.Option("--top", help="How many NBFs to show.", min=1)] = 10,
    window: WindowOpt = 5,
    region: Annotated[str | None, typer.Option(help="Only deals touching this region.")] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank the NBFs as most preferred partners in a year (rule: bioris docs)."""
    from bioris.analytics.partners import RANKING_RULE
    from bioris.tasks import preferred_partners

    with friendly_errors():
        ranking = preferred_partners(store, year, top=top, window=window, region=region)
    columns = (
        "rank", "name", "bioregion", "big_pharma_partners", "distinct_partners",
        "target_alliances", "active_alliances", "repeat_partners", "betweenness_rank",
    )  # fmt: skip
    _emit(ranking.to_dicts(), columns, as_json, title=f"Most preferred partners, {year}")
    if not as_json:
        err.print(f"rule: {RANKING_RULE}", markup=False, highlight=False)


network_app = typer.Typer(help="Longitudinal network measures.", no_args_is_help=True)
app.add_typer(network_app, name="network")


@network_app.command("metrics")
def network_metrics_command(
    out_file: Annotated[Path, typer.Option("--out", help="Parquet (or .csv) file to write.")],
    year_from: FromOpt = 1987,
    year_to: ToOpt = 2017,
    window: WindowOpt = 5,
    level: Annotated[str, typer.Option(help="actor (actor-year rows) or year.")] = "actor",
    sample: Annotated[
        int | None, typer.Option(help="Estimate betweenness from this many sampled sources.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of every random choice.")] = 0,
    weight: Annotated[
        str, typer.Option(help="Tie weight: alliances, committed_eur or headline_eur.")
    ] = "alliances",
    deal_type: Annotated[
        list[str] | None, typer.Option("--deal-type", help="Keep only this deal type (repeat).")
    ] = None,
    rollup: Annotated[
        bool, typer.Option("--rollup", help="Count subsidiaries as their parent of the year.")
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Compute every network measure for each year and write a tidy table."""
    from rich.progress import Progress

    from bioris.tasks import network_metrics

    with friendly_errors(), Progress(console=err, transient=True) as progress:
        progress.add_task("computing network measures", total=None)
        frame = network_metrics(
            store, year_from, year_to, window=window, level=level, out=out_file,
            betweenness_sources=sample, seed=seed, weight=weight, deal_types=deal_type,
            rollup=rollup,
        )  # fmt: skip
    out.print(f"wrote {out_file}: {frame.height} rows x {frame.width} columns", markup=False)


firms_app = typer.Typer(help="One firm's story over time.", no_args_is_help=True)
app.add_typer(firms_app, name="firms")


@firms_app.command("profile")
def firms_profile(
    name: Annotated[str, typer.Argument(help="The firm's name (or id); former names work.")],
    year_from: FromOpt = 1987,
    year_to: ToOpt = 2017,
    window: WindowOpt = 5,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A firm's deals, pipeline stages, business-model labels, money and network position."""
    from bioris.domain.canonical import actor_row
    from bioris.firm_profile import firm_profile

    with friendly_errors():
        profile = firm_profile(store, name, start=year_from, end=year_to, window=window)
    if as_json:
        payload = {"actor": actor_row(profile.actor)}
        payload |= {k: v.to_dicts() for k, v in profile.tables().items()}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n")
        return
    actor = profile.actor
    place = actor.bioregion.value if actor.bioregion else actor.country or "?"
    out.print(
        f"[bold]{actor.name}[/bold] ({actor.kind.value}, {place}; founded {actor.founded or '?'}"
        f"; origin {', '.join(actor.origin) or '?'}; exit {actor.exit or '-'})",
        highlight=False,
    )
    _emit(profile.deals.to_dicts(), ("year", "deal_type", "role", "partners",
          "stage_at_signing", "upfront_eur", "milestones_eur"), False, "Deals")  # fmt: skip
    _emit(profile.years.to_dicts(), ("year", "value_chain", "product_model", "oi_mode",
          "portfolio_mix", "highest_stage", "basis", "deal_income_eur", "degree",
          "betweenness_rank"), False, "Year by year")  # fmt: skip
    _emit(profile.transitions.to_dicts(), ("year", "dimension", "from_label", "to_label",
          "rule_id"), False, "Business-model changes")  # fmt: skip
    if profile.fipco.height:
        out.print(f"Toward FIPCO: {profile.fipco['evidence_text'][0]}", markup=False)


region_app = typer.Typer(help="The bioRegions compared.", no_args_is_help=True)
app.add_typer(region_app, name="region")


@region_app.command("summary")
def region_summary_command(
    year_from: FromOpt = 1987,
    year_to: ToOpt = 2017,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Actors, specialisation, local vs global ties, links, infrastructure and spin-offs."""
    from bioris.region_summary import region_summary

    with friendly_errors():
        summary = region_summary(store, start=year_from, end=year_to)
    if as_json:
        payload = {k: v.to_dicts() for k, v in summary.tables().items()}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n")
        return
    actors = summary.actors
    _emit(actors.to_dicts(), tuple(actors.columns), False, f"Active actors, {year_to}")
    top = summary.specialisation.group_by("region", maintain_order=True).head(5)
    _emit(top.to_dicts(), ("region", "category", "n_rc", "n_r", "lq"), False,
          "Specialisation: location quotient against Belgium (top 5 per bioRegion)")  # fmt: skip
    scope = summary.scope
    _emit(scope.to_dicts(), tuple(scope.columns), False,
          f"Partner ties by scope, {year_from}-{year_to}")  # fmt: skip
    _emit(summary.links.head(12).to_dicts(), ("source_region", "target_region", "alliances"),
          False, "Strongest links between regions")  # fmt: skip
    _emit(summary.infrastructure.to_dicts(), ("location", "kind", "actors", "grants_given",
          "equity_investments", "collaborations", "nbfs"), False,
          "Regional infrastructure")  # fmt: skip
    _emit(summary.spinoffs.head(10).to_dicts(), ("name", "bioregion", "spinoffs", "child"),
          False, "Spin-offs per institution")  # fmt: skip


@app.command()
def serve(
    store: StoreOpt = None,
    host: Annotated[str, typer.Option(help="Address to bind (loopback unless told).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
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
    from bioris.workspace import default_store_path, open_user_store

    with friendly_errors():
        path = Path(store) if store else default_store_path()
        open_user_store(path, read_only=True).close()  # creates or upgrades it first
        processes = f" with {workers} server processes" if workers and workers > 1 else ""
        err.print(f"serving {path} read-only on http://{host}:{port}{processes} (Ctrl-C stops)",
                  markup=False)  # fmt: skip
        run_server(path, host=host, port=port, workers=workers)


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
