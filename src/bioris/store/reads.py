"""The store's reads: records, counts, the study, the user's exchange rates, metadata.

:class:`StoreReads` is the reading half of :class:`~bioris.store.Store` (which opens the
connection and writes); a damaged row is a :class:`~bioris.errors.StoreError` naming it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from bioris.domain import (
    Actor,
    Alliance,
    Dataset,
    FinancialRecord,
    LineageFact,
    Party,
    PipelineEvent,
)
from bioris.errors import NotFound, StoreError
from bioris.store import queries as q
from bioris.store.firm_rows import financial_from_row, pipeline_from_row
from bioris.store.queries import ActorFilter, AllianceFilter
from bioris.store.rows import actor_from_row, alliance_from_row, lineage_from_row, party_from_row

__all__ = ["DealRows", "StoreReads"]

T = TypeVar("T")


class DealRows(NamedTuple):
    """The ``alliances`` and ``parties`` tables as column names and chunks of row tuples
    (:meth:`StoreReads.deal_rows`); ``source_urls`` is JSON text, ``focal`` 0 or 1."""

    deal_columns: tuple[str, ...]
    deals: Iterator[list[tuple[Any, ...]]]
    party_columns: tuple[str, ...]
    parties: Iterator[list[tuple[Any, ...]]]


class StoreReads:
    """Every read of a store (mixed into :class:`~bioris.store.Store`)."""

    _conn: sqlite3.Connection
    _path: Path
    _sql: Callable[[str], AbstractContextManager[sqlite3.Connection]]

    # -- reads -------------------------------------------------------------------------------

    def dataset(self) -> Dataset:
        """Everything in the store, in :meth:`Dataset.sorted` order."""
        with self._sql("cannot read the dataset"):
            actors = self._conn.execute(q.SELECT_ACTORS + q.ACTORS_ORDER).fetchall()
            lineage = self._conn.execute(q.SELECT_LINEAGE + q.LINEAGE_ORDER).fetchall()
            alliances = self._conn.execute(q.SELECT_ALLIANCES + q.ALLIANCES_BY_ID).fetchall()
            parties = self._conn.execute(q.SELECT_PARTIES + q.PARTIES_ORDER).fetchall()
            pipeline = self._conn.execute(q.SELECT_PIPELINE).fetchall()
            financials = self._conn.execute(q.SELECT_FINANCIALS).fetchall()
        return Dataset(
            tuple(_decoded(self._path, actor_from_row, actors)),
            tuple(_decoded(self._path, lineage_from_row, lineage)),
            _with_parties(self._path, alliances, parties),
            tuple(_decoded(self._path, pipeline_from_row, pipeline)),
            tuple(_decoded(self._path, financial_from_row, financials)),
        ).sorted()

    def deal_rows(self, chunk_rows: int = 100_000) -> DealRows:
        """Every deal and party as plain rows, in id order (parties by position), in chunks of
        ``chunk_rows``, for building tables straight from the store: on a large store, records
        cost many times more time and memory. Read the deals' chunks before the parties'."""
        return DealRows(
            q.DEAL_TABLE_COLUMNS, self._chunks(q.DEAL_TABLE, chunk_rows, "deals"),
            q.PARTY_TABLE_COLUMNS, self._chunks(q.PARTY_TABLE, chunk_rows, "parties"),
        )  # fmt: skip

    def _chunks(self, sql: str, size: int, what: str) -> Iterator[list[tuple[Any, ...]]]:
        message = f"cannot read the {what}"
        with self._sql(message):
            cursor = self._conn.cursor()
            cursor.row_factory = None
            cursor.execute(sql)
        while True:
            with self._sql(message):
                chunk = cursor.fetchmany(size)
            if not chunk:
                return
            yield chunk

    def actors(
        self,
        *,
        kind: str | None = None,
        ids: tuple[str, ...] | None = None,
        text: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Actor]:
        """Actors by id, optionally of one ``kind``, among ``ids``, matching ``text``.

        ``ids`` keeps only those actors (a study's region, say); ``text`` is found in the name
        or an alias, ignoring case; ``limit`` and ``offset`` page the result (see
        :class:`~bioris.store.queries.ActorFilter`).
        """
        flt = ActorFilter(kind=kind, ids=ids, text=text, limit=limit, offset=offset)
        sql, params = q.actor_select(flt)
        with self._sql("cannot read actors"):
            return _decoded(self._path, actor_from_row, self._conn.execute(sql, params))

    def count_actors(
        self,
        *,
        kind: str | None = None,
        ids: tuple[str, ...] | None = None,
        text: str | None = None,
    ) -> int:
        """How many actors :meth:`actors` returns for these filters, without paging."""
        sql, params = q.actor_count(ActorFilter(kind=kind, ids=ids, text=text))
        with self._sql("cannot count actors"):
            return int(self._conn.execute(sql, params).fetchone()[0])

    def actor(self, actor_id: str) -> Actor:
        """The actor ``actor_id``; raises :class:`NotFound` when there is none."""
        with self._sql("cannot read actors"):
            row = self._conn.execute(q.SELECT_ACTORS + " WHERE actor_id = ?", (actor_id,))
            found = row.fetchone()
        if found is None:
            raise NotFound(f"no actor {actor_id!r} in {self._path}")
        return _decoded(self._path, actor_from_row, [found])[0]

    def lineage(self, actor_id: str | None = None) -> list[LineageFact]:
        """Lineage facts (of one actor, if given), in :meth:`Dataset.sorted` order."""
        where, params = (" WHERE actor_id = ?", (actor_id,)) if actor_id is not None else ("", ())
        with self._sql("cannot read lineage"):
            rows = self._conn.execute(q.SELECT_LINEAGE + where + q.LINEAGE_ORDER, params)
            return _decoded(self._path, lineage_from_row, rows)

    def pipeline_events(self, ids: Iterable[str]) -> list[PipelineEvent]:
        """The stored pipeline events among ``ids``."""
        with self._sql("cannot read pipeline events"):
            rows = self._conn.execute(q.PIPELINE_WITH_IDS, (json.dumps(list(ids)),))
            return _decoded(self._path, pipeline_from_row, rows)

    def financials(self, ids: Iterable[str]) -> list[FinancialRecord]:
        """The stored financial records among ``ids``."""
        with self._sql("cannot read financial records"):
            rows = self._conn.execute(q.FINANCIALS_WITH_IDS, (json.dumps(list(ids)),))
            return _decoded(self._path, financial_from_row, rows)

    def alliances(self, flt: AllianceFilter | None = None) -> list[Alliance]:
        """Alliances kept by ``flt``, in its order (by default year, undated last, date, id)."""
        sql, params = q.alliance_select(flt or AllianceFilter())
        with self._sql("cannot read alliances"):
            rows = self._conn.execute(sql, params).fetchall()
            ids = json.dumps([r["alliance_id"] for r in rows])
            parties = self._conn.execute(q.PARTIES_OF + q.PARTIES_ORDER, (ids,)).fetchall()
        return list(_with_parties(self._path, rows, parties))

    def alliance_ids(self, flt: AllianceFilter | None = None) -> list[str]:
        """The ids of the alliances :meth:`alliances` returns, in the same order (a page of
        ids reads the indexes only)."""
        sql, params = q.alliance_id_select(flt or AllianceFilter())
        with self._sql("cannot read alliances"):
            return [row[0] for row in self._conn.execute(sql, params)]

    def count_alliances(self, flt: AllianceFilter | None = None) -> int:
        """How many alliances ``flt`` keeps, ignoring its ``limit`` and ``offset``."""
        sql, params = q.alliance_count(flt or AllianceFilter())
        with self._sql("cannot count alliances"):
            return int(self._conn.execute(sql, params).fetchone()[0])

    def counts(self) -> dict[str, int]:
        """Rows per record type: ``actors``, ``lineage``, ``alliances``, ``parties``,
        ``pipeline_events``, ``financials``."""
        with self._sql("cannot count records"):
            row = self._conn.execute(q.COUNTS).fetchone()
        return {key: int(row[key]) for key in row.keys()}  # noqa: SIM118 (sqlite3.Row)

    def is_empty(self) -> bool:
        """Whether the store holds no records at all."""
        return not any(self.counts().values())

    def study(self) -> tuple[str, str, str] | None:
        """The stored study: its definition (JSON text), the TOML it was loaded from and when
        (ISO time); ``None`` when no study was loaded."""
        with self._sql("cannot read the study"):
            row = self._conn.execute(q.STUDY_GET).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def fx_rates(self) -> list[tuple[int, str, float, str]]:
        """The exchange rates added by ``bioris fx import``: (year, currency, units per
        euro, source), by year and currency."""
        with self._sql("cannot read exchange rates"):
            rows = self._conn.execute(q.SELECT_FX).fetchall()
        return [(int(r[0]), str(r[1]), float(r[2]), str(r[3])) for r in rows]

    def meta_get(self, key: str) -> str | None:
        """The metadata value under ``key`` (e.g. the dataset a store was initialised with)."""
        with self._sql("cannot read metadata"):
            row = self._conn.execute(q.META_GET, (key,)).fetchone()
        return None if row is None else row[0]

    def actor_uses(self, actor_id: str) -> list[tuple[str, str]]:
        """Every record that names the actor: ``(record type, id)`` (deals, lineage facts,
        pipeline events, financial records)."""
        with self._sql("cannot read where an actor is used"):
            rows = self._conn.execute(q.ACTOR_USES, {"id": actor_id}).fetchall()
        return [(r[0], r[1]) for r in rows]


def _decoded(path: Path, decode: Callable[..., T], rows: Iterable[sqlite3.Row]) -> list[T]:
    """Rows as records; a row a damaged file garbled (a value outside its vocabulary, broken
    JSON) is a :class:`StoreError` naming the table's row, never an internal error."""
    out = []
    for row in rows:
        try:
            out.append(decode(row))
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            first = row[0] if len(row.keys()) else "?"
            raise StoreError(
                f"{path}: a damaged row ({first!r}: {exc}); the file is corrupt: restore a "
                "backup, or check it with `sqlite3 FILE 'PRAGMA integrity_check'`"
            ) from None
    return out


def _with_parties(
    path: Path, alliances: list[sqlite3.Row], parties: list[sqlite3.Row]
) -> tuple[Alliance, ...]:
    """Alliances built from their rows and their parties' rows (ordered by position)."""
    by_alliance: dict[str, list[Party]] = {}
    for row, party in zip(parties, _decoded(path, party_from_row, parties), strict=True):
        by_alliance.setdefault(row["alliance_id"], []).append(party)
    return tuple(
        _decoded(
            path,
            lambda row: alliance_from_row(row, tuple(by_alliance.get(row["alliance_id"], ()))),
            alliances,
        )
    )
