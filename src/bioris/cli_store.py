"""The commands that fill, change and keep the store: ``init``, ``import``, ``upgrade``,
``backup``, ``study load|show``, ``history``, ``undo``, ``actors edit|merge|delete``,
``alliances delete``, ``fx import|show``, ``template``. Thin, like :mod:`bioris.cli`, which
registers them (every write is one change set of the store's history, printed as what it
changed).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bioris.cli import (
    JsonOpt,
    StoreOpt,
    _emit,
    actors_app,
    alliances_app,
    app,
    err,
    friendly_errors,
    out,
)
from bioris.cli_progress import share_bar
from bioris.domain.changes import ChangeSet, Diff

if TYPE_CHECKING:
    from bioris.ingest.importer import ImportReport

__all__ = ["print_diff", "print_import"]

#: records of one kind listed one by one before the rest is counted
_SHOWN_ADDS = 20
_SHOWN_UPDATES = 200


def print_diff(diff: Diff, *, verb: str = "") -> None:
    """What a write changed (or, with ``verb`` 'would', would change): updates and deletes
    with every field as ``old -> new``; additions by name, the first few of each kind."""
    if not diff:
        out.print("no record changed", markup=False)
        return
    counts = ", ".join(f"{n} {what}" for what, n in sorted(diff.counts().items()))
    out.print(f"{verb + ' ' if verb else ''}change: {counts}", markup=False)
    for op, limit in (("update", _SHOWN_UPDATES), ("delete", _SHOWN_UPDATES), ("add", _SHOWN_ADDS)):
        for record in dict.fromkeys(c.record for c in diff.changes if c.op == op):
            changes = diff.of(op, record)
            for change in changes[:limit]:
                out.print(f"  {change}", markup=False, highlight=False)
            if len(changes) > limit:
                out.print(f"  ... and {len(changes) - limit} more {op}s of {record}s", markup=False)


def print_import(report: ImportReport) -> None:
    """What an import did (or, dry, would do): its files, the records it read, the actors it
    created, the double reports it merged and the conflicts it resolved (and how), then the
    change to the store record by record; notes on stderr."""
    for path, label, rows in report.files:
        out.print(f"{path}: {label}, {rows} rows", markup=False)
    verb = "would import" if report.dry_run else "imported"
    merged = sum(m.startswith("deal ") for m in report.merges)
    out.print(
        f"{verb} {report.actors} actors, {report.lineage} lineage facts, "
        f"{report.alliances} deals; {len(report.created_actors)} actors created, "
        f"{merged} double reports merged",
        markup=False,
    )
    if report.created_actors:
        names = ", ".join(report.created_actors[:_SHOWN_ADDS])
        more = (
            f" and {len(report.created_actors) - _SHOWN_ADDS} more"
            if len(report.created_actors) > _SHOWN_ADDS
            else ""
        )
        out.print(f"created actors (kind other, from deal rows): {names}{more}", markup=False)
    for note in report.merges:
        out.print(f"  merged: {note}", markup=False, highlight=False)
    print_diff(report.diff, verb="would" if report.dry_run else "")
    if report.change_id is not None:
        out.print(
            f"recorded as change {report.change_id} (`bioris undo {report.change_id}` "
            "reverts this import)",
            markup=False,
        )
    for note in report.notes:
        err.print(f"note: {note}", markup=False, highlight=False)
    if report.inferred:
        err.print(
            f"note: {len(report.inferred)} acquisition(s) without focal_role: their "
            "direction was read from the notes or taken by default (the nbf column is "
            "the target); check them:",
            markup=False,
            highlight=False,
        )
        for line in report.inferred:
            err.print(f"  {line}", markup=False, highlight=False)


def merge_stores(
    files: list[Path], store: Path | None, *, prefer: str | None, dry_run: bool
) -> None:
    """``bioris import other.sqlite``: merge another store, reporting every conflict."""
    from bioris.errors import BiorisError
    from bioris.ingest.store_merge import merge_store
    from bioris.workspace import open_user_store

    with friendly_errors():
        if len(files) != 1:
            raise BiorisError(
                "a store file is merged on its own: import one store at a time, "
                "and table files (CSV, XLSX) in another command"
            )
        with open_user_store(store) as st:
            report = merge_store(
                st,
                files[0],
                prefer=prefer or "ours",
                decide=prefer is not None,
                dry_run=dry_run,
                waiting=_say,
            )
    verb = "would merge" if dry_run else "merged"
    out.print(
        f"{verb} the store {files[0]}: {len(report.kept)} conflict(s) kept this store's "
        f"value, {len(report.overwritten)} overwritten by the other's",
        markup=False,
    )
    for line in report.kept + report.overwritten:
        out.print(f"  conflict: {line}", markup=False, highlight=False)
    print_diff(report.diff, verb="would" if dry_run else "")
    if report.change_id is not None:
        out.print(
            f"recorded as change {report.change_id} (`bioris undo {report.change_id}` "
            "reverts this merge)",
            markup=False,
        )


def _done(diff: Diff, change_id: int | None) -> None:
    print_diff(diff)
    if change_id is not None:
        out.print(
            f"recorded as change {change_id} (`bioris undo {change_id}` reverts it)", markup=False
        )


def _say(message: str) -> None:
    """A progress note on stderr (a write waiting for another, say)."""
    err.print(f"note: {message}", markup=False, highlight=False)


@app.command()
def init(
    store: StoreOpt = None,
    empty: Annotated[bool, typer.Option("--empty", help="Create the store without data.")] = False,
) -> None:
    """Create a store, loaded with the bundled dataset and its study (unless --empty)."""
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
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            help="Read only this sheet of a workbook (default: every "
            "sheet, recognised by its header).",
        ),
    ] = None,
    prefer: Annotated[
        str | None,
        typer.Option(
            "--prefer",
            help="Merging another store: whose value wins a conflict, "
            "ours (the default) or theirs; giving it decides kind conflicts too.",
        ),
    ] = None,
) -> None:
    """Import files in one transaction (all or nothing); merge another store (.sqlite)."""
    from bioris.ingest.importer import import_files
    from bioris.ingest.store_merge import is_store_file
    from bioris.workspace import open_user_store

    if any(is_store_file(f) for f in files):
        merge_stores(files, store, prefer=prefer, dry_run=dry_run)
        return
    with friendly_errors(), open_user_store(store) as st, share_bar("import") as on_share:
        report = import_files(
            st, list(files), encoding=encoding, dry_run=dry_run, create_missing=create_missing,
            waiting=_say, sheet=sheet, progress=on_share,
        )  # fmt: skip
    print_import(report)


def _say(message: str) -> None:
    """A progress note on stderr (a write waiting for another, say)."""
    err.print(f"note: {message}", markup=False, highlight=False)


@app.command()
def upgrade(store: StoreOpt = None) -> None:
    """Bring a store made by an older bioris to this version's schema (after a backup)."""
    from bioris.workspace import upgrade_store

    with friendly_errors():
        before, after, saved = upgrade_store(store)
    if saved is None:
        out.print(f"the store is current (schema version {before}); nothing to do", markup=False)
    else:
        out.print(f"upgraded the store from schema version {before} to {after}; the old store "
                  f"is kept as {saved}", markup=False)  # fmt: skip


@app.command()
def backup(
    out_file: Annotated[Path, typer.Option("--out", help="The new backup file.", dir_okay=False)],
    store: StoreOpt = None,
) -> None:
    """Copy the store consistently into a new file, while others read and write it."""
    from bioris.workspace import backup_store

    with friendly_errors():
        path = backup_store(store, out_file)
    out.print(f"wrote {path} (checked with SQLite's quick_check)", markup=False)


study_app = typer.Typer(help="The study definition: regions, panel, layers, period.",
                        no_args_is_help=True)  # fmt: skip
app.add_typer(study_app, name="study")


@study_app.command("load")
def study_load(
    file: Annotated[Path, typer.Argument(help="The study file (TOML; see docs/study.md).")],
    store: StoreOpt = None,
) -> None:
    """Validate a study file and store it (all or nothing)."""
    from bioris.study import Study

    with friendly_errors(), Study.open(store, read_only=False) as study:
        definition = study.load_definition(file, waiting=_say)
        panel = len(study.panel)
    regions = ", ".join(definition.focal_regions) or "none declared"
    out.print(f"loaded study {definition.name!r}: focal regions {regions}; panel of "
              f"{panel} firms", markup=False)  # fmt: skip


@study_app.command("show")
def study_show(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Show the study: its definition, the period in use, the panel and the exits."""
    from bioris.study import Study

    with friendly_errors(), Study.open(store) as study:
        described = study.describe()
        panel = study.actor_list(panel=True)
        source = study.stored_definition[1] if study.stored_definition else ""
        notes = study.panel_notes()
    for note in notes:
        err.print(f"note: {note}", markup=False, highlight=False)
    if as_json:
        described["panel"] |= {"members": panel["actor_id"].to_list()}
        described["notes"] = notes
        sys.stdout.write(json.dumps(described, ensure_ascii=False, indent=1) + "\n")
        return
    if source:
        out.print(source.rstrip(), markup=False, highlight=False)
    else:
        out.print("no study file was loaded: actors are placed by country, every nbf actor is "
                  "in the panel (bioris study load FILE)", markup=False)  # fmt: skip
    period = described["period_used"]
    out.print(
        f"\nperiod in use: {period[0]}-{period[1]} ({described['period_source']})"
        if period else "\nperiod in use: none (no dated deal)", markup=False,
    )  # fmt: skip
    _emit(panel.to_dicts(), ("name", "kind", "location", "founded", "exit_year"), False,
          f"Panel: {panel.height} firms")  # fmt: skip


@app.command()
def history(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """The store's history: every import, edit and undo, with what it changed."""
    from bioris.workspace import open_user_store

    with friendly_errors(), open_user_store(store, read_only=True) as st:
        sets = st.history()
    rows = [_history_row(s) for s in sets]
    columns = ("id", "at", "action", "what", "changed", "rows", "state")
    _emit(rows, columns, as_json, title=f"{len(rows)} changes")


def _history_row(change: ChangeSet) -> dict[str, object]:
    detail = change.detail
    files = detail.get("files") or []
    if files:
        what = "; ".join(f"{Path(f['path']).name} (sha256 {f['sha256'][:12]})" for f in files)
    elif change.undoes is not None:
        what = f"undoes change {change.undoes} ({detail.get('action', '')})"
    elif isinstance(detail.get("set"), dict):
        what = f"{detail.get('actor')}: " + ", ".join(f"{k}={v}" for k, v in detail["set"].items())
    else:
        what = ", ".join(f"{k} {v}" for k, v in detail.items() if k != "counts")
    counts = detail.get("counts") or {}
    state = f"undone by {change.undone_by}" if change.undone_by else ""
    return {
        "id": change.change_id,
        "at": change.at[:16].replace("T", " "),
        "action": change.action,
        "what": what,
        "changed": ", ".join(f"{n} {k}" for k, n in sorted(counts.items())),
        "rows": change.rows,
        "state": state,
        "detail": detail,
    }


@app.command()
def undo(
    change: Annotated[
        int | None, typer.Argument(help="The change to revert (default: the latest).")
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Revert one recorded change (an import, an edit): the store is as it was before it."""
    from bioris.workspace import open_user_store

    with friendly_errors(), open_user_store(store) as st:
        target, new_id = st.undo(change, waiting=_say)
    files = ", ".join(Path(f["path"]).name for f in target.detail.get("files") or [])
    what = f"{target.action}{' of ' + files if files else ''}"
    out.print(
        f"undid change {target.change_id} ({what}): {target.rows} row changes reverted; "
        f"recorded as change {new_id} (`bioris undo {new_id}` redoes it)",
        markup=False,
    )


SetOpt = Annotated[
    list[str],
    typer.Option("--set", help="FIELD=VALUE (repeat); an empty VALUE clears the field."),
]


@actors_app.command("edit")
def actors_edit(
    actor: Annotated[str, typer.Argument(help="The actor's id or name.")],
    values: SetOpt,
    store: StoreOpt = None,
) -> None:
    """Correct an actor's fields (name, kind, country, region, city, founded, ...)."""
    from bioris.errors import RowError, ValidationError
    from bioris.ingest.edits import edit_actor
    from bioris.workspace import open_user_store

    pairs: dict[str, str] = {}
    with friendly_errors():
        bad = [v for v in values if "=" not in v]
        if bad:
            problems = [RowError("--set", 0, 0, f"{v!r} is not FIELD=VALUE") for v in bad]
            raise ValidationError(problems)
        for value in values:
            name, _, text = value.partition("=")
            pairs[name.strip()] = text
        with open_user_store(store) as st:
            _done(*edit_actor(st, actor, pairs, waiting=_say))


@actors_app.command("merge")
def actors_merge(
    keep: Annotated[str, typer.Argument(help="The actor that stays (id or name).")],
    other: Annotated[str, typer.Argument(help="The actor merged into it, then deleted.")],
    store: StoreOpt = None,
) -> None:
    """Merge OTHER into KEEP (its deals and records move; OTHER's name becomes an alias)."""
    from bioris.ingest.edits import merge_into
    from bioris.workspace import open_user_store

    with friendly_errors(), open_user_store(store) as st:
        _done(*merge_into(st, keep, other, waiting=_say))


@actors_app.command("delete")
def actors_delete(
    actor: Annotated[str, typer.Argument(help="The actor's id or name.")],
    store: StoreOpt = None,
) -> None:
    """Delete an actor no record names (else the records that name it are listed)."""
    from bioris.ingest.edits import delete_actor
    from bioris.workspace import open_user_store

    with friendly_errors(), open_user_store(store) as st:
        _done(*delete_actor(st, actor, waiting=_say))


@alliances_app.command("delete")
def alliances_delete(
    alliance_id: Annotated[str, typer.Argument(help="The deal's id (bioris alliances).")],
    store: StoreOpt = None,
) -> None:
    """Delete one deal, with its parties."""
    from bioris.ingest.edits import delete_alliance
    from bioris.workspace import open_user_store

    with friendly_errors(), open_user_store(store) as st:
        _done(*delete_alliance(st, alliance_id, waiting=_say))


fx_app = typer.Typer(help="Exchange rates: add your own to the bundled ones.", no_args_is_help=True)
app.add_typer(fx_app, name="fx")


@fx_app.command("import")
def fx_import(
    file: Annotated[
        Path, typer.Argument(help="CSV or XLSX: year, currency, units_per_eur, source.")
    ],
    store: StoreOpt = None,
) -> None:
    """Add yearly exchange rates; stored amounts they convert get their euro value."""
    from bioris.ingest.fx_file import import_rates
    from bioris.workspace import open_user_store

    with friendly_errors(), open_user_store(store) as st:
        count, diff, change_id = import_rates(st, file, waiting=_say)
    out.print(f"{count} exchange rates from {file}", markup=False)
    _done(diff, change_id)


@fx_app.command("show")
def fx_show(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """The exchange rates added to this store (the bundled ones are in FX_SOURCES.md)."""
    from bioris.workspace import open_user_store

    with friendly_errors(), open_user_store(store, read_only=True) as st:
        rows = [
            {"year": y, "currency": c, "units_per_eur": r, "source": s}
            for y, c, r, s in st.fx_rates()
        ]
    _emit(rows, ("year", "currency", "units_per_eur", "source"), as_json, f"{len(rows)} rates")


@app.command()
def template(
    out_file: Annotated[Path, typer.Option("--out", help="The workbook to write (.xlsx).")],
) -> None:
    """Write an Excel workbook to fill in (sheets, headers, dropdowns, README)."""
    from bioris.data import fx_table
    from bioris.export.template import write_template

    with friendly_errors():
        if out_file.exists():
            from bioris.errors import BiorisError

            raise BiorisError(f"{out_file}: a file already exists; choose another path")
        path = write_template(out_file, fx=fx_table())
    out.print(
        f"wrote {path}: fill in its sheets, then `bioris import {path.name} --store ...`",
        markup=False,
    )
