"""Opening a store's SQLite connection: pragmas, version checks and migrations."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bioris.errors import StoreError
from bioris.store.migrations import apply_pending, latest_version, user_version

__all__ = ["BUSY_TIMEOUT_MS", "CREATED_KEY", "connect", "sqlite_error"]

#: meta key set when a store is created: a store without it and without data is one an
#: older bioris began to create and never finished
CREATED_KEY = "created"

# How long a connection waits for another writer's lock before giving up, in milliseconds.
BUSY_TIMEOUT_MS = 5000


def sqlite_error(path: Path, action: str, exc: sqlite3.Error) -> StoreError:
    """A :class:`StoreError` naming the store and what failed, for a sqlite3 error."""
    if type(exc) is sqlite3.DatabaseError:  # not its subclasses: those are not about the file
        return StoreError(f"{path}: not a SQLite database, or corrupt ({exc})")
    return StoreError(f"{path}: {action}: {exc}")


def connect(
    path: Path, *, read_only: bool, create: bool, check_version: bool = True
) -> sqlite3.Connection:
    """Open, check and (when writable) migrate the store at ``path``.

    A read-only open changes nothing and takes no lock a writer waits for: it never migrates
    and never touches the journal mode. On read-only media, or a read-only file in a folder
    this user cannot write, it reads the file as immutable (SQLite's ``immutable=1``).

    Raises
    ------
    StoreError
        When the file is missing (and may not be created), empty (0 bytes), not a SQLite
        database, not a bioris store, or its schema version does not suit this code.
    """
    if path.is_dir():
        raise StoreError(f"{path}: a folder, not a store file")
    if path.is_file() and path.stat().st_size == 0:
        raise StoreError(
            f"{path}: an empty file (0 bytes), not a store; delete it and run `bioris init`"
        )
    opener = _open_read_only if read_only else _open_writable
    conn = opener(path, create)
    try:
        _prepare(conn, path, read_only=read_only, check_version=check_version)
    except sqlite3.Error as exc:
        conn.close()
        raise sqlite_error(path, "cannot open store", exc) from exc
    except StoreError:
        conn.close()
        raise
    return conn


def _open_writable(path: Path, create: bool) -> sqlite3.Connection:
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no store here")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the store's folder: {exc}") from exc
    try:
        return sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        raise sqlite_error(path, "cannot open store", exc) from exc


def _open_read_only(path: Path, create: bool) -> sqlite3.Connection:
    del create  # a read-only open never creates
    if not path.is_file():
        raise StoreError(f"{path}: no store here; run `bioris init` first")
    uri = path.resolve().as_uri() + "?mode=ro"
    if not _can_write_beside(path):
        # mode=ro still needs the -shm file of a WAL store; on read-only media nobody can
        # write the file either, so it is read as immutable (no locks, no -shm)
        uri += "&immutable=1"
    try:
        # The web layer serves requests from several threads over one read-only connection.
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA schema_version").fetchone()  # opens the file now
        return conn
    except sqlite3.Error as exc:
        raise sqlite_error(path, "cannot open store", exc) from exc


def _can_write_beside(path: Path) -> bool:
    """Whether SQLite could create the store's -wal/-shm files (or they are there, writable)."""
    shm = Path(f"{path}-shm")
    if shm.exists():
        return os.access(shm, os.W_OK)
    return os.access(path.parent, os.W_OK)


def _prepare(
    conn: sqlite3.Connection, path: Path, *, read_only: bool, check_version: bool = True
) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    version = user_version(conn)  # reads the header: fails here on a non-SQLite file
    _refuse_newer(path, version)
    if _has_tables(conn) and not _is_bioris(conn):
        raise StoreError(f"{path}: a SQLite database, but not a bioris store")
    if read_only:
        conn.execute("PRAGMA query_only = ON")
        if check_version:
            _refuse_older(path, version)
        return
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        conn.execute("PRAGMA journal_mode = WAL")  # once, on a new or pre-WAL store
    conn.execute("PRAGMA foreign_keys = ON")
    if version < latest_version():
        apply_pending(conn)  # takes the write lock only when there is something to do
    if version == 0:  # a new store: say so, in the one place stores are created
        now = datetime.now(UTC).isoformat(timespec="seconds")
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (CREATED_KEY, now))


def _refuse_newer(path: Path, version: int) -> None:
    latest = latest_version()
    if version > latest:
        raise StoreError(
            f"{path}: store schema version {version} is newer than this bioris ({latest}); "
            "upgrade bioris"
        )


def _refuse_older(path: Path, version: int) -> None:
    latest = latest_version()
    if version == 0:
        raise StoreError(f"{path}: not an initialised bioris store; run `bioris init` first")
    if version < latest:
        raise StoreError(
            f"{path}: store schema version {version} is older than this bioris ({latest}); "
            f"upgrade it with `bioris upgrade --store {path}` (it keeps a backup)"
        )


def _has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None


def _is_bioris(conn: sqlite3.Connection) -> bool:
    """Whether a database with tables holds bioris's (another application's file is never
    touched: no journal-mode change, no migration)."""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {"meta", "actors", "alliances", "parties"} <= names
