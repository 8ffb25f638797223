"""The store's history: every write is a change set that can be undone.

Triggers (migration 5) log each row a write inserts, updates or deletes in ``change_rows``,
and keep an updated or deleted row as it was in ``history_<table>``, while ``change_current``
names the open change set. Undoing a change set replays its rows backwards inside a new
change set (so an undo is recorded, and can itself be undone): an inserted row is deleted, an
updated one gets its old values back, a deleted one comes back under its old rowid. The store
afterwards equals the store before the change, table by table.

A change set can be undone when no later change that still stands touched the same rows; a
later change that only uses what it added (a deal naming an added actor) is found by the
foreign-key check before the undo commits. Either way the undo is refused, naming the later
changes to undo first.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bioris.domain.changes import ChangeSet
from bioris.errors import NotFound, StoreError
from bioris.store.migrations import TRACKED

__all__ = ["begin", "change_sets", "finish", "undo"]

_SHOWN = 5


def begin(conn: sqlite3.Connection, action: str, detail: dict[str, Any]) -> int:
    """Open a change set (inside the caller's transaction); every tracked write until
    :func:`finish` is logged under it. Returns its id."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    cursor = conn.execute(
        "INSERT INTO change_sets (at, action, detail) VALUES (?, ?, ?)",
        (now, action, json.dumps(detail, ensure_ascii=False)),
    )
    change_id = int(cursor.lastrowid or 0)
    conn.execute("INSERT INTO change_current (one, change_id) VALUES (1, ?)", (change_id,))
    return change_id


def finish(
    conn: sqlite3.Connection, change_id: int, detail: dict[str, Any] | None, *, keep: bool = False
) -> None:
    """Close the open change set; ``detail`` replaces what it says of itself. A change set
    that changed no row is dropped (an edit that changed nothing) unless ``keep`` or it has
    files to list (an import is always recorded)."""
    conn.execute("DELETE FROM change_current")
    if detail is not None:
        conn.execute(
            "UPDATE change_sets SET detail = ? WHERE change_id = ?",
            (json.dumps(detail, ensure_ascii=False), change_id),
        )
    stored = conn.execute(
        "SELECT detail FROM change_sets WHERE change_id = ?", (change_id,)
    ).fetchone()
    touched = conn.execute(
        "SELECT 1 FROM change_rows WHERE change_id = ? LIMIT 1", (change_id,)
    ).fetchone()
    files = stored is not None and json.loads(stored[0]).get("files")
    if touched is None and stored is not None and not files and not keep:
        conn.execute("DELETE FROM change_sets WHERE change_id = ?", (change_id,))


def change_sets(conn: sqlite3.Connection, change_id: int | None = None) -> list[ChangeSet]:
    """Every change set, oldest first (or only ``change_id``)."""
    where = "" if change_id is None else "WHERE s.change_id = ?"
    rows = conn.execute(
        "SELECT s.change_id, s.at, s.action, s.detail, s.undoes, s.undone_by,"
        " (SELECT count(*) FROM change_rows AS r WHERE r.change_id = s.change_id)"
        f" FROM change_sets AS s {where} ORDER BY s.change_id",
        () if change_id is None else (change_id,),
    ).fetchall()
    return [ChangeSet(int(r[0]), r[1], r[2], json.loads(r[3]), int(r[6]), r[4], r[5]) for r in rows]


def undo(conn: sqlite3.Connection, path: Path, change_id: int | None) -> tuple[ChangeSet, int]:
    """Revert change set ``change_id`` (by default the latest that stands and is no undo)
    inside the caller's transaction, as a new change set. Returns the reverted change set and
    the new one's id.

    Raises
    ------
    NotFound
        No such change set, or nothing left to undo.
    StoreError
        It was undone already, or later changes that stand depend on it.
    """
    target = _target(conn, path, change_id)
    if target.undone_by is not None:
        raise StoreError(
            f"{path}: change {target.change_id} ({target.action}) was undone already by "
            f"change {target.undone_by}; `bioris undo {target.undone_by}` redoes it"
        )
    _refuse_if_later(conn, path, target, _later_overlapping(conn, target.change_id))
    conn.execute("PRAGMA defer_foreign_keys = ON")
    new_id = begin(conn, "undo", {"undoes": target.change_id, "action": target.action})
    rows = conn.execute(
        "SELECT seq, tbl, op, row_id FROM change_rows WHERE change_id = ? ORDER BY seq DESC",
        (target.change_id,),
    ).fetchall()
    for seq, table, op, row_id in rows:
        _revert(conn, table, op, int(seq), int(row_id))
    finish(conn, new_id, None, keep=True)
    conn.execute(
        "UPDATE change_sets SET undoes = ? WHERE change_id = ?", (target.change_id, new_id)
    )
    conn.execute(
        "UPDATE change_sets SET undone_by = ? WHERE change_id = ?", (new_id, target.change_id)
    )
    if target.undoes is not None:  # a redo: what the undone undo reverted stands again
        conn.execute(
            "UPDATE change_sets SET undone_by = NULL WHERE change_id = ?", (target.undoes,)
        )
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        _refuse_if_later(conn, path, target, _later_users(conn, target.change_id, broken))
        raise StoreError(f"{path}: undoing change {target.change_id} would break references")
    return target, new_id


def _target(conn: sqlite3.Connection, path: Path, change_id: int | None) -> ChangeSet:
    if change_id is None:
        row = conn.execute(
            "SELECT max(change_id) FROM change_sets WHERE undone_by IS NULL AND undoes IS NULL"
        ).fetchone()
        if row is None or row[0] is None:
            raise NotFound(f"{path}: nothing to undo (no recorded change stands)")
        change_id = int(row[0])
    found = change_sets(conn, change_id)
    if not found:
        raise NotFound(f"{path}: no change {change_id} in the store's history (bioris history)")
    return found[0]


def _standing_later(conn: sqlite3.Connection, change_id: int) -> str:
    """SQL condition on ``later``: a change after ``change_id`` that stands (not undone, and
    not the undo of a change that came after ``change_id``)."""
    return (
        f"later.change_id > {int(change_id)} AND later.undone_by IS NULL"
        f" AND (later.undoes IS NULL OR later.undoes < {int(change_id)})"
    )


def _later_overlapping(conn: sqlite3.Connection, change_id: int) -> list[int]:
    """Later standing changes that touched a row ``change_id`` touched (one pass over the
    log: it has no index, see the migration)."""
    mine: set[tuple[str, int]] = set()
    later: dict[tuple[str, int], set[int]] = {}
    rows = conn.execute(
        "SELECT r.change_id, r.tbl, r.row_id FROM change_rows AS r"
        " JOIN change_sets AS later ON later.change_id = r.change_id"
        f" WHERE r.change_id = ? OR ({_standing_later(conn, change_id)})",
        (change_id,),
    )
    for owner, table, row_id in rows:
        if owner == change_id:
            mine.add((table, row_id))
        else:
            later.setdefault((table, row_id), set()).add(int(owner))
    found: set[int] = set()
    for key in mine & later.keys():
        found |= later[key]
    return sorted(found)


def _later_users(conn: sqlite3.Connection, change_id: int, broken: list[Any]) -> list[int]:
    """Later standing changes that inserted the rows left pointing at what the undo removed."""
    found: set[int] = set()
    for table, row_id, *_ in broken:
        row = conn.execute(
            "SELECT max(later.change_id) FROM change_rows AS r"
            " JOIN change_sets AS later ON later.change_id = r.change_id"
            f" WHERE r.tbl = ? AND r.row_id = ? AND {_standing_later(conn, change_id)}",
            (table, row_id),
        ).fetchone()
        if row and row[0] is not None:
            found.add(int(row[0]))
    return sorted(found)


def _refuse_if_later(
    conn: sqlite3.Connection, path: Path, target: ChangeSet, later: list[int]
) -> None:
    if not later:
        return
    names = ", ".join(f"{s.change_id} ({s.action})" for i in later[:_SHOWN]
                      for s in change_sets(conn, i))  # fmt: skip
    more = f" and {len(later) - _SHOWN} more" if len(later) > _SHOWN else ""
    raise StoreError(
        f"{path}: cannot undo change {target.change_id} ({target.action}): later change(s) "
        f"{names}{more} changed or use the same records; undo them first (newest first)"
    )


def _revert(conn: sqlite3.Connection, table: str, op: str, seq: int, row_id: int) -> None:
    columns = ", ".join(TRACKED[table])
    if op == "insert":
        conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (row_id,))
    elif op == "update":
        conn.execute(
            f"UPDATE {table} SET ({columns}) = "
            f"(SELECT {columns} FROM history_{table} WHERE seq = ?) WHERE rowid = ?",
            (seq, row_id),
        )
    else:
        conn.execute(
            f"INSERT INTO {table} (rowid, {columns}) "
            f"SELECT ?, {columns} FROM history_{table} WHERE seq = ?",
            (row_id, seq),
        )
