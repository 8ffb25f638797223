"""Keeping a store whole: integrity checks, online backups and checkpoints.

A store is one SQLite file in WAL mode: committed writes land first in ``<store>-wal`` and
are copied into the main file by *checkpoints* (``<store>-shm`` indexes the WAL). Until a
checkpoint, the main file alone is not the store: copying only it can lose data or give a
malformed copy. :func:`backup` makes a consistent copy with SQLite's online backup API (safe
while the web view reads and an import writes); :func:`checkpoint` folds the WAL back after a
large write.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from bioris.errors import StoreError

__all__ = ["LOW_DISK_MB", "backup", "checkpoint", "quick_check"]

#: free space under which a write says the disk is nearly full, in MB
LOW_DISK_MB = 100
_PAGES_PER_STEP = 1024


def quick_check(conn: sqlite3.Connection, path: Path) -> None:
    """Raise :class:`StoreError` when the file fails SQLite's ``quick_check`` (a damaged
    store is never written to: the write would spread the damage)."""
    rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    if rows != ["ok"]:
        shown = "; ".join(rows[:3])
        raise StoreError(
            f"{path}: the store is damaged (SQLite quick_check: {shown}); nothing was written. "
            "Restore a backup (`bioris backup` makes them), or read what is left read-only"
        )


def backup(conn: sqlite3.Connection, source: Path, out: Path) -> Path:
    """Copy the store consistently into the new file ``out`` (SQLite's online backup API:
    a snapshot of one moment, WAL included, while others read and write); the copy is
    checked and written under a temporary name, then renamed into place."""
    out = Path(out)
    if out.exists():
        raise StoreError(f"{out}: a file already exists; choose another path or delete it")
    if out.resolve() == source.resolve():
        raise StoreError(f"{out}: the backup cannot be the store itself")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
        os.close(handle)
    except OSError as exc:
        raise StoreError(f"{out}: cannot write the backup: {exc}") from None
    partial = Path(name)
    try:
        target = sqlite3.connect(partial, isolation_level=None)
        try:
            conn.backup(target, pages=_PAGES_PER_STEP)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            quick_check(target, out)
        finally:
            target.close()
        os.link(partial, out)  # never over a file that appeared meanwhile
    except FileExistsError:
        raise StoreError(f"{out}: a file appeared there while backing up") from None
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"{out}: cannot write the backup: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return out


def checkpoint(conn: sqlite3.Connection, path: Path) -> list[str]:
    """Fold the WAL back into the store after a write (``wal_checkpoint(TRUNCATE)``, or as
    much as readers allow); return notes for the user: a checkpoint readers held back, an
    error (a full disk), little free space left."""
    notes: list[str] = []
    try:
        busy, logged, copied = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy or copied < logged:
            notes.append(
                f"{path}: readers kept part of the write in {path.name}-wal ({copied} of "
                f"{logged} pages checkpointed); it is safe, and folded back later: back up "
                "with `bioris backup`, never by copying the .sqlite file alone"
            )
    except sqlite3.Error as exc:
        notes.append(
            f"{path}: the write is committed, but folding {path.name}-wal back failed ({exc}); "
            "the store is consistent; free some disk space before the next write"
        )
    try:
        free_mb = shutil.disk_usage(path.parent).free / 1e6
    except OSError:
        return notes
    if free_mb < LOW_DISK_MB:
        notes.append(
            f"{path}: only {free_mb:.0f} MB free on its disk; the next write may fail "
            "(the store itself is consistent)"
        )
    return notes
