"""The :class:`Store`: a bioris dataset in one SQLite file, behind named queries."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from bioris.domain import (
    Alliance,
    Dataset,
    LineageFact,
)
from bioris.domain.changes import ChangeSet
from bioris.errors import LimitExceeded, StoreError
from bioris.store import history
from bioris.store import queries as q
from bioris.store.connection import CREATED_KEY, connect, sqlite_error
from bioris.store.firm_rows import (
    financial_params,
    pipeline_params,
)
from bioris.store.maintenance import backup, checkpoint, quick_check
from bioris.store.migrations import user_version
from bioris.store.reads import StoreReads
from bioris.store.rows import (
    actor_params,
    alliance_params,
    lineage_params,
    party_params,
)
from bioris.store.writer import Waiting, take_write_lock

__all__ = ["Store", "open_store"]

T = TypeVar("T")

# How many dangling lineage targets a write error lists.
_SHOWN_TARGETS = 5
# SQLite virtual-machine instructions between two checks of a query's time limit: a few
# milliseconds of work. The check is Python and needs the GIL, so checking much more often
# slows every query down when many threads are busy.
_PROGRESS_STEPS = 1_000_000
# The clock of query time limits (a name the tests can replace).
_clock = time.monotonic


def _casefold(text: object) -> object:
    """SQL ``casefold(x)``: Python's Unicode case folding of text; other values unchanged."""
    return text.casefold() if isinstance(text, str) else text


def open_store(
    path: str | Path, *, read_only: bool = False, create: bool = True, check_version: bool = True
) -> Store:
    """Open the store at ``path``.

    Parameters
    ----------
    path : str or Path
        The SQLite file.
    read_only : bool
        Open with ``mode=ro`` and ``PRAGMA query_only``; never migrates. The connection may
        be shared between threads.
    create : bool
        When writable, create the file (and its folders) if missing.
    check_version : bool
        Read-only: refuse a store of an older schema (the default), or read it as it is
        (to back it up before an upgrade).

    Returns
    -------
    Store
        A store at the current schema version (migrated if it was older and writable).

    Raises
    ------
    StoreError
        When the store is missing, not a SQLite file, corrupt, of a newer schema, or (read-only)
        of an older one.

    Examples
    --------
    >>> with open_store(tmp_path / "ris.sqlite") as store:  # doctest: +SKIP
    ...     with store.transaction():
    ...         store.write(dataset)
    """
    path = Path(path)
    conn = connect(path, read_only=read_only, create=create, check_version=check_version)
    return Store(conn, path, read_only=read_only)


class Store(StoreReads):
    """A bioris store over an open SQLite connection; use :func:`open_store` to get one.

    Its reads are :class:`~bioris.store.reads.StoreReads`; this class opens, writes, records
    and undoes changes."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool) -> None:
        self._conn = conn
        self._path = path
        self._read_only = read_only
        self._time_limit_ms: int | None = None
        self._timed_out = False
        self._checked = False  # quick_check done (before the first write)
        self._change: int | None = None  # the open transaction's change set
        self._change_detail: dict[str, Any] | None = None
        # For the actor text search; a function, not a change to the file (fine read-only).
        conn.create_function("casefold", 1, _casefold, deterministic=True)

    @property
    def path(self) -> Path:
        """The store's file."""
        return self._path

    @property
    def read_only(self) -> bool:
        """Whether the store was opened read-only."""
        return self._read_only

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the file (``PRAGMA user_version``)."""
        with self._sql("cannot read the schema version"):
            return user_version(self._conn)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back). Idempotent."""
        self._conn.close()

    @contextmanager
    def _sql(self, action: str) -> Iterator[sqlite3.Connection]:
        """Run SQL, turning a sqlite3 error into a :class:`StoreError` naming the store (or,
        for a query stopped by :meth:`time_limit`, a :class:`LimitExceeded`)."""
        try:
            yield self._conn
        except sqlite3.Error as exc:
            if self._timed_out:
                raise LimitExceeded(
                    f"query took longer than sql_time_limit_ms={self._time_limit_ms}"
                ) from exc
            raise sqlite_error(self._path, action, exc) from exc

    @contextmanager
    def time_limit(self, ms: int) -> Iterator[Store]:
        """Interrupt any query that runs longer than ``ms`` milliseconds inside the block.

        A query stopped this way raises :class:`~bioris.errors.LimitExceeded` naming the
        ``sql_time_limit_ms`` setting. The limit belongs to this store's connection: give each
        thread its own store (the web view keeps a pool). Limits do not nest.

        Examples
        --------
        >>> with open_store(path, read_only=True) as store:  # doctest: +SKIP
        ...     with store.time_limit(1000):
        ...         store.alliances()
        """
        deadline = _clock() + ms / 1000

        def over_time() -> int:
            if _clock() > deadline:
                self._timed_out = True
                return 1  # non-zero: SQLite interrupts the statement
            return 0

        self._time_limit_ms, self._timed_out = ms, False
        self._conn.set_progress_handler(over_time, _PROGRESS_STEPS)
        try:
            yield self
        finally:
            self._conn.set_progress_handler(None, 0)
            self._time_limit_ms, self._timed_out = None, False

    def _require_writable(self) -> None:
        if self._read_only:
            raise StoreError(f"{self._path}: the store is open read-only")

    # -- transactions and writes -------------------------------------------------------------

    @contextmanager
    def transaction(
        self,
        *,
        waiting: Waiting | None = None,
        action: str | None = "write",
        detail: dict[str, Any] | None = None,
    ) -> Iterator[Store]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; any exception rolls back and is re-raised.

        The transaction is one change set of the store's history (:mod:`bioris.store.history`):
        ``action`` and ``detail`` say what it is (``import`` and its files, ``actors edit``,
        ...; :meth:`set_change_detail` completes the detail before the commit), and every row
        it changes is recorded so that ``bioris undo`` can revert it. An edit that changes
        nothing leaves no change set; an import always does (its files are listed). ``action``
        ``None`` records nothing (for :meth:`undo`, which records itself).

        Everything read and written inside (by :meth:`write`, :meth:`meta_set`, and every
        read) sees one state of the store and lands together or not at all: no other process
        writes in between. A write that finds another writer waits (``waiting`` is told once
        what it waits for) up to the ``store_write_wait_s`` setting, then fails naming it
        (:mod:`bioris.store.writer`). The first write of a :class:`Store` checks the file with
        SQLite's ``quick_check`` and refuses a damaged one. Transactions do not nest.
        """
        self._require_writable()
        if self._conn.in_transaction:
            raise StoreError(f"{self._path}: a transaction is already open (they do not nest)")
        lock = ExitStack()
        with self._sql("cannot begin a transaction"):
            lock.enter_context(take_write_lock(self._conn, self._path, waiting))
        with lock:
            try:
                if not self._checked:
                    with self._sql("cannot check the store"):
                        quick_check(self._conn, self._path)
                    self._checked = True
                if action is not None:
                    with self._sql("cannot record the change"):
                        self._change = history.begin(self._conn, action, detail or {})
                yield self
                if self._change is not None:
                    with self._sql("cannot record the change"):
                        history.finish(self._conn, self._change, self._change_detail)
            except BaseException:
                self._rollback()
                raise
            finally:
                self._change, self._change_detail = None, None
            try:
                with self._sql("cannot commit"):
                    self._conn.execute("COMMIT")
            except StoreError:
                self._rollback()
                raise

    @property
    def change_id(self) -> int | None:
        """The id of the open transaction's change set (``None`` outside a transaction)."""
        return self._change

    def set_change_detail(self, detail: dict[str, Any]) -> None:
        """Replace what the open transaction's change set says of itself (its counts, say)."""
        if self._change is None:
            raise StoreError(f"{self._path}: no open transaction to describe")
        self._change_detail = detail

    def history(self, change_id: int | None = None) -> list[ChangeSet]:
        """The store's change sets, oldest first (or only ``change_id``)."""
        with self._sql("cannot read the history"):
            return history.change_sets(self._conn, change_id)

    def undo(
        self, change_id: int | None = None, *, waiting: Waiting | None = None
    ) -> tuple[ChangeSet, int]:
        """Revert a change set (by default the latest that stands) in its own transaction,
        recorded as a new change set; the reverted change set and the undo's id
        (:func:`bioris.store.history.undo`)."""
        with self.transaction(waiting=waiting, action=None), self._sql("cannot undo"):
            return history.undo(self._conn, self._path, change_id)

    def checkpoint(self) -> list[str]:
        """Fold the WAL back into the store after a large write; notes for the user
        (:func:`bioris.store.maintenance.checkpoint`)."""
        self._require_writable()
        return checkpoint(self._conn, self._path)

    def backup(self, out: str | Path) -> Path:
        """A consistent copy of the store in the new file ``out``, made while others read
        and write (:func:`bioris.store.maintenance.backup`)."""
        return backup(self._conn, self._path, Path(out))

    def unfinished(self) -> bool:
        """Whether the store holds nothing and was never completed by the code that creates
        stores (a ``bioris init`` interrupted by an older bioris): it must not be read as an
        empty system."""
        return self.meta_get(CREATED_KEY) is None and self.is_empty()

    def _rollback(self) -> None:
        # Some errors (disk full, I/O) have already rolled back; the original error matters more
        # than a failed ROLLBACK.
        if self._conn.in_transaction:
            with suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def write(self, dataset: Dataset) -> None:
        """Upsert every actor, lineage fact and alliance (with its parties) of ``dataset``.

        An actor or alliance whose id is stored already is replaced wholly (an alliance's
        parties too); a lineage fact replaces the one with the same actor, relation, target
        and start year.

        Raises
        ------
        StoreError
            Outside :meth:`transaction`; when a record names an actor the store lacks (after
            the write, for ``subsidiary_of``/``acquired_by`` targets).
        """
        self._require_writable()
        if not self._conn.in_transaction:
            raise StoreError(f"{self._path}: write() must run inside store.transaction()")
        with self._sql("cannot write"):
            self._conn.executemany(q.UPSERT_ACTOR, map(actor_params, dataset.actors))
            for fact in dataset.lineage:
                self._write_fact(fact)
            self._write_alliances(dataset.alliances)
            for event in dataset.pipeline:
                what = f"pipeline event {event.event_id} of {event.firm_id}"
                self._execute_record(q.UPSERT_PIPELINE, pipeline_params(event), what)
            for record in dataset.financials:
                what = f"financial record {record.record_id} of {record.firm_id}"
                self._execute_record(q.UPSERT_FINANCIAL, financial_params(record), what)
            self._check_targets()

    def delete(self, dataset: Dataset, actor_ids: Iterable[str] = ()) -> None:
        """Delete the records of ``dataset`` (by key: deals with their parties, lineage
        facts, pipeline events, financial records), then the actors ``actor_ids``.

        Raises
        ------
        StoreError
            Outside :meth:`transaction`; an actor that a remaining record still names.
        """
        self._require_writable()
        if not self._conn.in_transaction:
            raise StoreError(f"{self._path}: delete() must run inside store.transaction()")
        with self._sql("cannot delete"):
            for alliance in dataset.alliances:
                self._conn.execute(q.DELETE_ALLIANCE, (alliance.alliance_id,))
            for fact in dataset.lineage:
                self._conn.execute(q.DELETE_LINEAGE_FACT, lineage_params(fact))
            for event in dataset.pipeline:
                self._conn.execute(q.DELETE_PIPELINE, (event.event_id,))
            for record in dataset.financials:
                self._conn.execute(q.DELETE_FINANCIAL, (record.record_id,))
            for actor_id in actor_ids:
                uses = self.actor_uses(actor_id)
                if uses:
                    raise StoreError(f"{self._path}: actor {actor_id!r} is still used")
                self._conn.execute(q.DELETE_ACTOR, (actor_id,))

    def _write_fact(self, fact: LineageFact) -> None:
        params = lineage_params(fact)
        if self._conn.execute(q.UPDATE_LINEAGE_KEY, params).rowcount:
            return  # the fact of this key, given the new values in place
        what = f"lineage fact ({fact.actor_id}, {fact.relation.value}, {fact.target})"
        self._execute_record(q.INSERT_LINEAGE, params, what)

    def _write_alliances(self, alliances: tuple[Alliance, ...]) -> None:
        """Upsert the deals; a new deal's parties go in at once, a stored deal's parties are
        rewritten only when they changed."""
        ids = json.dumps([a.alliance_id for a in alliances])
        stored = {r[0] for r in self._conn.execute(q.STORED_ALLIANCE_IDS, (ids,))}
        self._conn.executemany(q.UPSERT_ALLIANCE, map(alliance_params, alliances))
        new = [a for a in alliances if a.alliance_id not in stored]
        rows = [party_params(a.alliance_id, i, p) for a in new for i, p in enumerate(a.parties)]
        try:
            self._conn.executemany(q.INSERT_PARTY, rows)
        except sqlite3.IntegrityError:  # find the row, to name it (rolled back by the caller)
            for row in rows:
                what = f"alliance {row['alliance_id']} party {row['actor_id']}"
                self._execute_record(q.INSERT_PARTY.replace("INSERT", "INSERT OR IGNORE", 1),
                                     row, what)  # fmt: skip
            raise
        for alliance in alliances:
            if alliance.alliance_id in stored:
                self._write_parties(alliance)

    def _write_parties(self, alliance: Alliance) -> None:
        wanted = [
            tuple(party_params(alliance.alliance_id, i, p).values())
            for i, p in enumerate(alliance.parties)
        ]
        stored = self._conn.execute(q.PARTIES_OF_ONE, (alliance.alliance_id,)).fetchall()
        if [tuple(r) for r in stored] == wanted:
            return  # the same parties: not rewritten (the history records only changes)
        self._conn.execute(q.DELETE_PARTIES, (alliance.alliance_id,))
        for position, party in enumerate(alliance.parties):
            what = f"alliance {alliance.alliance_id} party {party.actor_id}"
            self._execute_record(
                q.INSERT_PARTY, party_params(alliance.alliance_id, position, party), what
            )

    def _execute_record(self, sql: str, params: dict[str, Any], what: str) -> None:
        try:
            self._conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            hint = " (no such actor in the store)" if "FOREIGN KEY" in str(exc) else ""
            raise StoreError(f"{self._path}: cannot write {what}: {exc}{hint}") from exc

    def _check_targets(self) -> None:
        rows = self._conn.execute(q.DANGLING_TARGETS).fetchall()
        if rows:
            shown = "; ".join(f"{r[0]} {r[1]} {r[2]}" for r in rows[:_SHOWN_TARGETS])
            more = f" and {len(rows) - _SHOWN_TARGETS} more" if len(rows) > _SHOWN_TARGETS else ""
            raise StoreError(f"{self._path}: lineage target(s) that are not actors: {shown}{more}")

    # -- the study definition ----------------------------------------------------------------

    def set_study(self, definition: str, source: str = "") -> None:
        """Store the study definition (JSON text) and its source text, replacing any earlier
        one (within the open transaction, if any)."""
        self._require_writable()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._sql("cannot write the study"):
            self._conn.execute(q.STUDY_SET, (definition, source, now))

    # -- the user's exchange rates -----------------------------------------------------------

    def set_fx_rates(self, rates: Iterable[tuple[int, str, float, str]]) -> None:
        """Add or replace exchange rates (within the open transaction)."""
        self._require_writable()
        with self._sql("cannot write exchange rates"):
            self._conn.executemany(q.UPSERT_FX, rates)

    # -- metadata ----------------------------------------------------------------------------

    def meta_set(self, key: str, value: str) -> None:
        """Set the metadata value under ``key`` (within the open transaction, if any)."""
        self._require_writable()
        with self._sql("cannot write metadata"):
            self._conn.execute(q.META_SET, (key, value, value))
