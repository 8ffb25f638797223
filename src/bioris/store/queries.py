"""The store's named SQL: upserts, selects and the alliance filter.

Statements are built once, at import, from the column constants of :mod:`bioris.store.rows`;
every value goes in as a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bioris.store.firm_rows import FINANCIAL_COLUMNS, PIPELINE_COLUMNS
from bioris.store.rows import ACTOR_COLUMNS, ALLIANCE_COLUMNS, LINEAGE_COLUMNS, PARTY_COLUMNS

__all__ = ["AllianceFilter", "alliance_select"]


def _insert(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(columns)
    values = ", ".join(f":{c}" for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({values})"


def _upsert(table: str, columns: tuple[str, ...], key: str) -> str:
    # ON CONFLICT DO UPDATE rather than INSERT OR REPLACE: a REPLACE deletes the row first,
    # which the foreign keys of lineage and parties would refuse.
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    return f"{_insert(table, columns)} ON CONFLICT ({key}) DO UPDATE SET {updates}"


UPSERT_ACTOR = _upsert("actors", ACTOR_COLUMNS, "actor_id")
UPSERT_ALLIANCE = _upsert("alliances", ALLIANCE_COLUMNS, "alliance_id")
INSERT_LINEAGE = _insert("lineage", LINEAGE_COLUMNS)
INSERT_PARTY = _insert("parties", PARTY_COLUMNS)
UPSERT_PIPELINE = _upsert("pipeline_events", PIPELINE_COLUMNS, "event_id")
UPSERT_FINANCIAL = _upsert("financials", FINANCIAL_COLUMNS, "record_id")
SELECT_PIPELINE = f"SELECT {', '.join(PIPELINE_COLUMNS)} FROM pipeline_events ORDER BY event_id"
SELECT_FINANCIALS = f"SELECT {', '.join(FINANCIAL_COLUMNS)} FROM financials ORDER BY record_id"

DELETE_LINEAGE_KEY = (
    "DELETE FROM lineage WHERE actor_id = :actor_id AND relation = :relation"
    " AND target = :target AND start_year IS :start_year"
)
DELETE_PARTIES = "DELETE FROM parties WHERE alliance_id = ?"

DANGLING_TARGETS = """
SELECT l.actor_id, l.relation, l.target FROM lineage AS l
WHERE l.relation <> 'named'
  AND NOT EXISTS (SELECT 1 FROM actors AS a WHERE a.actor_id = l.target)
ORDER BY l.actor_id, l.relation, l.target
"""

SELECT_ACTORS = f"SELECT {', '.join(ACTOR_COLUMNS)} FROM actors"
ACTORS_ORDER = " ORDER BY actor_id"
SELECT_LINEAGE = f"SELECT {', '.join(LINEAGE_COLUMNS)} FROM lineage"
# Dataset.sorted()'s key; start_year last so that an undated fact and a year-0 one never tie.
LINEAGE_ORDER = " ORDER BY actor_id, relation, ifnull(start_year, 0), target, start_year"
SELECT_ALLIANCES = f"SELECT {', '.join(ALLIANCE_COLUMNS)} FROM alliances"
ALLIANCES_BY_ID = " ORDER BY alliance_id"
ALLIANCES_BY_DATE = " ORDER BY year NULLS LAST, date, alliance_id"
SELECT_PARTIES = f"SELECT {', '.join(PARTY_COLUMNS)} FROM parties"
PARTIES_ORDER = " ORDER BY alliance_id, position"
# Parties of a list of alliances passed as one JSON array (no limit on the number of ids).
PARTIES_OF = SELECT_PARTIES + " WHERE alliance_id IN (SELECT value FROM json_each(?))"

COUNTS = """
SELECT
    (SELECT count(*) FROM actors) AS actors,
    (SELECT count(*) FROM lineage) AS lineage,
    (SELECT count(*) FROM alliances) AS alliances,
    (SELECT count(*) FROM parties) AS parties,
    (SELECT count(*) FROM pipeline_events) AS pipeline_events,
    (SELECT count(*) FROM financials) AS financials
"""

META_GET = "SELECT value FROM meta WHERE key = ?"
META_SET = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?"


@dataclass(frozen=True, slots=True)
class AllianceFilter:
    """Which alliances :meth:`Store.alliances` returns; every field is optional.

    Parameters
    ----------
    actor : str, optional
        Id of an actor that is a party.
    partner : str, optional
        Id of an actor that is *another* party of the same alliance as ``actor``; without
        ``actor``, simply an actor that is a party.
    year_from, year_to : int, optional
        Inclusive bounds on the signing year; undated alliances are left out when either is set.
    deal_type : str, optional
        A :class:`~bioris.domain.DealType` value.
    limit : int, optional
        Most alliances returned (all when ``None``).
    offset : int
        Alliances skipped before the first returned, in (year, date, id) order.
    """

    actor: str | None = None
    partner: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    deal_type: str | None = None
    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        if self.limit is not None and self.limit < 0:
            raise ValueError(f"limit must be >= 0, not {self.limit}")
        if self.offset < 0:
            raise ValueError(f"offset must be >= 0, not {self.offset}")


_HAS_PARTY = """EXISTS (
    SELECT 1 FROM parties AS p WHERE p.alliance_id = a.alliance_id AND p.actor_id = ?)"""
_HAS_PAIR = """EXISTS (
    SELECT 1 FROM parties AS p1 JOIN parties AS p2
        ON p2.alliance_id = p1.alliance_id AND p2.position <> p1.position
    WHERE p1.alliance_id = a.alliance_id AND p1.actor_id = ? AND p2.actor_id = ?)"""


def _conditions(flt: AllianceFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if flt.actor is not None and flt.partner is not None:
        clauses.append(_HAS_PAIR)
        params += [flt.actor, flt.partner]
    elif flt.actor is not None or flt.partner is not None:
        clauses.append(_HAS_PARTY)
        params.append(flt.actor if flt.actor is not None else flt.partner)
    if flt.year_from is not None:
        clauses.append("a.year >= ?")
        params.append(flt.year_from)
    if flt.year_to is not None:
        clauses.append("a.year <= ?")
        params.append(flt.year_to)
    if flt.deal_type is not None:
        clauses.append("a.deal_type = ?")
        params.append(str(flt.deal_type))
    return clauses, params


def alliance_select(flt: AllianceFilter) -> tuple[str, list[Any]]:
    """The SELECT of the alliances rows ``flt`` keeps, in (year, date, id) order, paged."""
    clauses, params = _conditions(flt)
    columns = ", ".join(f"a.{c}" for c in ALLIANCE_COLUMNS)
    sql = f"SELECT {columns} FROM alliances AS a"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY a.year NULLS LAST, a.date, a.alliance_id LIMIT ? OFFSET ?"
    params += [-1 if flt.limit is None else flt.limit, flt.offset]
    return sql, params
