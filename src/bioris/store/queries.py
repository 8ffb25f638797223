"""The store's named SQL: upserts, selects and the alliance filter.

Statements are built once, at import, from the column constants of :mod:`bioris.store.rows`;
every value goes in as a parameter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bioris.store.firm_rows import FINANCIAL_COLUMNS, PIPELINE_COLUMNS
from bioris.store.rows import ACTOR_COLUMNS, ALLIANCE_COLUMNS, LINEAGE_COLUMNS, PARTY_COLUMNS

__all__ = [
    "ALLIANCE_ORDERS",
    "ActorFilter",
    "AllianceFilter",
    "actor_count",
    "actor_select",
    "alliance_count",
    "alliance_id_select",
    "alliance_select",
]


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
PIPELINE_WITH_IDS = (
    f"SELECT {', '.join(PIPELINE_COLUMNS)} FROM pipeline_events"
    " WHERE event_id IN (SELECT value FROM json_each(?))"
)
FINANCIALS_WITH_IDS = (
    f"SELECT {', '.join(FINANCIAL_COLUMNS)} FROM financials"
    " WHERE record_id IN (SELECT value FROM json_each(?))"
)

DELETE_PARTIES = "DELETE FROM parties WHERE alliance_id = ?"
SELECT_FX = "SELECT year, currency, units_per_eur, source FROM fx_rates ORDER BY year, currency"
UPSERT_FX = (
    "INSERT INTO fx_rates (year, currency, units_per_eur, source) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (year, currency) DO UPDATE SET units_per_eur = excluded.units_per_eur,"
    " source = excluded.source"
)
DELETE_ALLIANCE = "DELETE FROM alliances WHERE alliance_id = ?"
DELETE_ACTOR = "DELETE FROM actors WHERE actor_id = ?"
DELETE_LINEAGE_FACT = (
    "DELETE FROM lineage WHERE actor_id = :actor_id AND relation = :relation"
    " AND target = :target AND start_year IS :start_year"
)
DELETE_PIPELINE = "DELETE FROM pipeline_events WHERE event_id = ?"
DELETE_FINANCIAL = "DELETE FROM financials WHERE record_id = ?"
# Where an actor is used: (what, id) of every record that names it.
ACTOR_USES = """
SELECT 'deal', alliance_id FROM parties WHERE actor_id = :id
UNION ALL SELECT 'lineage', actor_id || ' ' || relation || ' ' || target FROM lineage
    WHERE actor_id = :id OR (target = :id AND relation IN ('subsidiary_of', 'acquired_by'))
UNION ALL SELECT 'pipeline event', event_id FROM pipeline_events WHERE firm_id = :id
UNION ALL SELECT 'financial record', record_id FROM financials WHERE firm_id = :id
"""
# A lineage fact of the same key gets the new values in place (an unchanged fact is not
# rewritten, so the history records only what changed).
UPDATE_LINEAGE_KEY = (
    "UPDATE lineage SET end_year = :end_year, notes = :notes, source_urls = :source_urls,"
    " confidence = :confidence WHERE actor_id = :actor_id AND relation = :relation"
    " AND target = :target AND start_year IS :start_year"
)

DANGLING_TARGETS = """
SELECT l.actor_id, l.relation, l.target FROM lineage AS l
WHERE l.relation IN ('subsidiary_of', 'acquired_by')
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
# The network's deal and party tables, read as plain rows (no records): a large store's inputs
DEAL_TABLE_COLUMNS = (
    "alliance_id", "year", "date", "deal_type", "stage_at_signing", "asset",
    "therapeutic_area", "upfront_eur", "milestones_eur", "equity_eur", "end_year", "notes",
    "confidence", "source_urls",
)  # fmt: skip
DEAL_TABLE = f"SELECT {', '.join(DEAL_TABLE_COLUMNS)} FROM alliances ORDER BY alliance_id"
PARTY_TABLE_COLUMNS = ("alliance_id", "actor_id", "role", "focal", "name_as_reported")
PARTY_TABLE = f"SELECT {', '.join(PARTY_TABLE_COLUMNS)} FROM parties" + PARTIES_ORDER
# Parties of a list of alliances passed as one JSON array (no limit on the number of ids).
PARTIES_OF = SELECT_PARTIES + " WHERE alliance_id IN (SELECT value FROM json_each(?))"
PARTIES_OF_ONE = SELECT_PARTIES + " WHERE alliance_id = ? ORDER BY position"
STORED_ALLIANCE_IDS = (
    "SELECT alliance_id FROM alliances WHERE alliance_id IN (SELECT value FROM json_each(?))"
)

STUDY_GET = "SELECT definition, source, loaded_at FROM study WHERE study_id = 1"
STUDY_SET = """
INSERT INTO study (study_id, definition, source, loaded_at) VALUES (1, ?, ?, ?)
ON CONFLICT (study_id) DO UPDATE SET
    definition = excluded.definition, source = excluded.source, loaded_at = excluded.loaded_at
"""

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


# A deal's headline value in EUR million, as Terms.headline_eur computes it (0 where unknown).
HEADLINE_EUR = "(ifnull(a.upfront_eur, 0) + ifnull(a.equity_eur, 0) + ifnull(a.milestones_eur, 0))"

#: sort key -> ORDER BY terms (ascending, descending); the (year, date, id) order breaks ties
ALLIANCE_ORDERS: dict[str, tuple[str, str]] = {
    "year": (
        "a.year NULLS LAST, a.date, a.alliance_id",
        "a.year DESC NULLS LAST, a.date DESC, a.alliance_id DESC",
    ),
    "date": (
        "a.date NULLS LAST, a.alliance_id",
        "a.date DESC NULLS LAST, a.alliance_id DESC",
    ),
    "headline_eur": (
        f"{HEADLINE_EUR}, a.year NULLS LAST, a.date, a.alliance_id",
        f"{HEADLINE_EUR} DESC, a.year NULLS LAST, a.date, a.alliance_id",
    ),
    "deal_type": (
        "a.deal_type, a.year NULLS LAST, a.date, a.alliance_id",
        "a.deal_type DESC, a.year NULLS LAST, a.date, a.alliance_id",
    ),
}


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
    stage : str, optional
        A :class:`~bioris.domain.Stage` value: the stage at signing.
    min_headline_eur : float, optional
        Least headline value (upfront + equity + milestones, EUR million; unknown parts 0).
    ids : tuple of str, optional
        Only these alliances (passed as one JSON array: no limit on their number).
    order_by : str
        A key of :data:`ALLIANCE_ORDERS`: ``year`` (the default: year, undated last, then
        date and id), ``date``, ``headline_eur`` or ``deal_type``.
    descending : bool
        Reverse the order of the sort key.
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
    stage: str | None = None
    min_headline_eur: float | None = None
    ids: tuple[str, ...] | None = None
    order_by: str = "year"
    descending: bool = False
    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        _check_paging(self.limit, self.offset)
        if self.order_by not in ALLIANCE_ORDERS:
            raise ValueError(f"order_by must be one of {sorted(ALLIANCE_ORDERS)}")


def _check_paging(limit: int | None, offset: int) -> None:
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, not {limit}")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, not {offset}")


# IN (subquery) rather than a correlated EXISTS: SQLite reads the actor's few party rows
# through the parties_actor index instead of probing once per alliance.
_HAS_PARTY = "a.alliance_id IN (SELECT p.alliance_id FROM parties AS p WHERE p.actor_id = ?)"
_HAS_PAIR = """a.alliance_id IN (
    SELECT p1.alliance_id FROM parties AS p1 JOIN parties AS p2
        ON p2.alliance_id = p1.alliance_id AND p2.position <> p1.position
    WHERE p1.actor_id = ? AND p2.actor_id = ?)"""


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
    if flt.stage is not None:
        clauses.append("a.stage_at_signing = ?")
        params.append(str(flt.stage))
    if flt.min_headline_eur is not None:
        clauses.append(f"{HEADLINE_EUR} >= ?")
        params.append(float(flt.min_headline_eur))
    if flt.ids is not None:
        clauses.append("a.alliance_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(flt.ids)))
    return clauses, params


def _where(clauses: list[str]) -> str:
    return " WHERE " + " AND ".join(clauses) if clauses else ""


def alliance_select(flt: AllianceFilter) -> tuple[str, list[Any]]:
    """The SELECT of the alliances rows ``flt`` keeps, in its order, paged."""
    return _alliance_select(flt, ", ".join(f"a.{c}" for c in ALLIANCE_COLUMNS))


def alliance_id_select(flt: AllianceFilter) -> tuple[str, list[Any]]:
    """The SELECT of the ids of the alliances ``flt`` keeps, in its order, paged."""
    return _alliance_select(flt, "a.alliance_id")


def _alliance_select(flt: AllianceFilter, columns: str) -> tuple[str, list[Any]]:
    clauses, params = _conditions(flt)
    # The ORDER BY is one of the fixed strings of ALLIANCE_ORDERS, never caller text.
    order = ALLIANCE_ORDERS[flt.order_by][1 if flt.descending else 0]
    sql = f"SELECT {columns} FROM alliances AS a{_where(clauses)} ORDER BY {order}"
    sql += " LIMIT ? OFFSET ?"
    params += [-1 if flt.limit is None else flt.limit, flt.offset]
    return sql, params


def alliance_count(flt: AllianceFilter) -> tuple[str, list[Any]]:
    """How many alliances ``flt`` keeps, ignoring its paging."""
    clauses, params = _conditions(flt)
    return f"SELECT count(*) FROM alliances AS a{_where(clauses)}", params


@dataclass(frozen=True, slots=True)
class ActorFilter:
    """Which actors :meth:`Store.actors` returns; every field is optional.

    Parameters
    ----------
    kind : str, optional
        An :class:`~bioris.domain.ActorKind` value.
    ids : tuple of str, optional
        Only these actors (e.g. those a study places in one region; passed as one JSON array).
    text : str, optional
        Text found in the name or in an alias, ignoring case (Unicode case folding); taken
        literally (``%`` and ``_`` are not wildcards). Empty text keeps every actor.
    limit : int, optional
        Most actors returned (all when ``None``).
    offset : int
        Actors skipped before the first returned, in id order.
    """

    kind: str | None = None
    ids: tuple[str, ...] | None = None
    text: str | None = None
    limit: int | None = None
    offset: int = 0

    def __post_init__(self) -> None:
        _check_paging(self.limit, self.offset)


# casefold() is a function the Store registers on its connection (str.casefold).
_HAS_TEXT = """(instr(casefold(ac.name), casefold(?)) > 0 OR EXISTS (
    SELECT 1 FROM json_each(ac.aliases) AS al WHERE instr(casefold(al.value), casefold(?)) > 0))"""


def _actor_conditions(flt: ActorFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if flt.kind is not None:
        clauses.append("ac.kind = ?")
        params.append(str(flt.kind))
    if flt.ids is not None:
        clauses.append("ac.actor_id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(flt.ids)))
    if flt.text:
        clauses.append(_HAS_TEXT)
        params += [str(flt.text), str(flt.text)]
    return clauses, params


def actor_select(flt: ActorFilter) -> tuple[str, list[Any]]:
    """The SELECT of the actors rows ``flt`` keeps, in id order, paged."""
    clauses, params = _actor_conditions(flt)
    columns = ", ".join(f"ac.{c}" for c in ACTOR_COLUMNS)
    sql = f"SELECT {columns} FROM actors AS ac{_where(clauses)} ORDER BY ac.actor_id"
    sql += " LIMIT ? OFFSET ?"
    params += [-1 if flt.limit is None else flt.limit, flt.offset]
    return sql, params


def actor_count(flt: ActorFilter) -> tuple[str, list[Any]]:
    """How many actors ``flt`` keeps, ignoring its paging."""
    clauses, params = _actor_conditions(flt)
    return f"SELECT count(*) FROM actors AS ac{_where(clauses)}", params
