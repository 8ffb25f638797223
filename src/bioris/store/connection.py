"""Opening a store's SQLite connection: pragmas, version checks and migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bioris.errors import StoreError
from bioris.store.migrations import apply_pending, latest_version, user_version

__all__ = ["BUSY_TIMEOUT_MS", "connect", "sqlite_error"]

# How long a connection waits for another writer's lock before giving up, in milliseconds.
BUSY_TIMEOUT_MS = 5000


def sqlite_error(path: Path, action: str, exc: sqlite3.Error) -> StoreError:
    """A :class:`StoreError` naming the store and what failed, for a sqlite3 error."""
    if type(exc) is sqlite3.DatabaseError:  # not its subclasses: those are not about the file
        return StoreError(f"{path}: not a SQLite database, or corrupt ({exc})")
    return StoreError(f"{path}: {action}: {exc}")


def connect(path: Path, *, read_only: bool, create: bool) -> sqlite3.Connection:
    """Open, check and (when writable) migrate the store at ``path``.

    Raises
    ------
    StoreError
        When the file is missing (and may not be created), is not a SQLite database, or its
        schema version does not suit this code.
    """
    opener = _open_read_only if read_only else _open_writable
    conn = opener(path, create)
    try:
        _prepare(conn, path, read_only=read_only)
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
    try:
        # The web layer serves requests from several threads over one read-only connection.
        return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise sqlite_error(path, "cannot open store", exc) from exc


def _prepare(conn: sqlite3.Connection, path: Path, *, read_only: bool) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
    version = user_version(conn)  # reads the header: fails here on a non-SQLite file
    _refuse_newer(path, version)
    if read_only:
        conn.execute("PRAGMA query_only = ON")
        _refuse_older(path, version)
        return
    if version == 0 and _has_tables(conn):
        raise StoreError(f"{path}: a SQLite database, but not a bioris store")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    apply_pending(conn)


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
            "run `bioris init` or open the store writable once to upgrade it"
        )


def _has_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is not None
