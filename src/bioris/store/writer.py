"""One writer at a time: taking a store's write lock, waiting for another writer, naming it.

SQLite lets one connection write at a time (``BEGIN IMMEDIATE`` takes the lock). A writer
that finds the lock taken waits, up to the ``store_write_wait_s`` setting, says once what it
waits for, and then fails naming the other writer. While a bioris process holds the lock it
keeps a small note beside the store, ``<store>-writer`` (its process id, command and start
time), which is how a waiting process can name it. Readers never wait: in WAL mode they read
the store as it was before the write.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from bioris import settings
from bioris.errors import StoreError

__all__ = ["Waiting", "take_write_lock", "writer_note"]

#: told once, with a sentence saying what the write waits for
Waiting = Callable[[str], None]
# How long one attempt waits inside SQLite before bioris looks again, in milliseconds.
_ATTEMPT_MS = 250
# The clock of the wait (a name the tests can replace).
_clock = time.monotonic


def _note_path(store: Path) -> Path:
    return Path(f"{store}-writer")


def writer_note(store: Path) -> str:
    """Who holds the store's write lock, in words, as far as bioris knows."""
    try:
        note = json.loads(_note_path(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "another process (not bioris, or one that left no note)"
    command = " ".join(note.get("command", [])) or "?"
    return f"process {note.get('pid', '?')} (`{command}`, writing since {note.get('since', '?')})"


def _locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


@contextmanager
def take_write_lock(
    conn: sqlite3.Connection, store: Path, waiting: Waiting | None = None
) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` on ``conn``, waiting for another writer as the module says; the
    caller commits or rolls back. The note beside the store lives as long as the block."""
    deadline = _clock() + float(settings.get("store_write_wait_s"))
    previous = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {_ATTEMPT_MS}")
    told = False
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not _locked(exc):
                    raise
                who = writer_note(store)
                if _clock() >= deadline:
                    raise StoreError(
                        f"{store}: another write holds the store: {who}; waited "
                        f"store_write_wait_s={settings.get('store_write_wait_s')} s"
                    ) from None
                if not told and waiting is not None:
                    waiting(f"waiting for another write to {store} to end: {who}")
                    told = True
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(previous)}")
    _write_note(store)
    try:
        yield
    finally:
        with suppress(OSError):
            _note_path(store).unlink()


def _write_note(store: Path) -> None:
    note = {
        "pid": os.getpid(),
        "command": [Path(sys.argv[0]).name, *sys.argv[1:]] if sys.argv else [],
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with suppress(OSError):  # a note is a courtesy: no note never stops a write
        _note_path(store).write_text(json.dumps(note), encoding="utf-8")
