"""Numbered schema migrations and the mechanism that applies them.

Migration ``n`` is ``MIGRATIONS[n - 1]``; a store's version is ``PRAGMA user_version``, and every
applied migration is also recorded in ``schema_migrations``. To change the schema, append one
script to :data:`MIGRATIONS` (never edit a released one). All pending migrations run in one
transaction, so an upgrade either completes or leaves the store at its old version.

Following SQLite's procedure for schema changes, foreign keys are off while the scripts run (a
table rebuild would otherwise cascade) and ``PRAGMA foreign_key_check`` runs before the commit.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "TRACKED",
    "apply_pending",
    "latest_version",
    "split_statements",
]

_V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE actors (
    actor_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    country TEXT,
    bioregion TEXT,
    city TEXT,
    founded INTEGER,
    origin TEXT NOT NULL DEFAULT '[]',
    subsectors TEXT NOT NULL DEFAULT '[]',
    ipo_year INTEGER,
    exit TEXT,
    aliases TEXT NOT NULL DEFAULT '[]',
    source_urls TEXT NOT NULL DEFAULT '[]',
    confidence TEXT NOT NULL
);
CREATE INDEX actors_kind ON actors (kind);

CREATE TABLE lineage (
    lineage_id INTEGER PRIMARY KEY,
    actor_id TEXT NOT NULL REFERENCES actors (actor_id),
    relation TEXT NOT NULL,
    target TEXT NOT NULL,
    start_year INTEGER,
    end_year INTEGER,
    notes TEXT,
    source_urls TEXT NOT NULL DEFAULT '[]',
    confidence TEXT NOT NULL
);
-- NULLs are distinct in a UNIQUE index; ifnull(..., '') makes an undated fact unique too
-- (a text '' never equals an integer year).
CREATE UNIQUE INDEX lineage_key
    ON lineage (actor_id, relation, target, ifnull(start_year, ''));
CREATE INDEX lineage_target ON lineage (target);

CREATE TABLE alliances (
    alliance_id TEXT PRIMARY KEY,
    year INTEGER,
    date TEXT,
    deal_type TEXT NOT NULL,
    stage_at_signing TEXT NOT NULL,
    asset TEXT,
    therapeutic_area TEXT,
    upfront_amount REAL,
    upfront_currency TEXT,
    upfront_eur REAL,
    milestones_amount REAL,
    milestones_currency TEXT,
    milestones_eur REAL,
    equity_amount REAL,
    equity_currency TEXT,
    equity_eur REAL,
    rd_funding_amount REAL,
    rd_funding_currency TEXT,
    rd_funding_eur REAL,
    royalties TEXT,
    end_year INTEGER,
    end_reason TEXT,
    notes TEXT,
    source_urls TEXT NOT NULL DEFAULT '[]',
    confidence TEXT NOT NULL
);
CREATE INDEX alliances_year ON alliances (year, date, alliance_id);
CREATE INDEX alliances_deal_type ON alliances (deal_type);

CREATE TABLE parties (
    alliance_id TEXT NOT NULL REFERENCES alliances (alliance_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    actor_id TEXT NOT NULL REFERENCES actors (actor_id),
    role TEXT NOT NULL,
    focal INTEGER NOT NULL CHECK (focal IN (0, 1)),
    name_as_reported TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (alliance_id, position)
);
CREATE INDEX parties_actor ON parties (actor_id, alliance_id);
"""

# Version 2: the firms' development pipelines and financial statements.
_V2 = """
CREATE TABLE pipeline_events (
    event_id TEXT PRIMARY KEY,
    firm_id TEXT NOT NULL REFERENCES actors (actor_id),
    asset TEXT NOT NULL,
    stage TEXT NOT NULL,
    year INTEGER NOT NULL,
    date TEXT NOT NULL,
    modality TEXT,
    indication TEXT,
    event TEXT,
    operator TEXT,
    operator_ids TEXT NOT NULL DEFAULT '[]',
    operator_role TEXT NOT NULL,
    notes TEXT,
    source_urls TEXT NOT NULL DEFAULT '[]',
    confidence TEXT NOT NULL
);
CREATE INDEX pipeline_firm ON pipeline_events (firm_id, year);

CREATE TABLE financials (
    record_id TEXT PRIMARY KEY,
    firm_id TEXT NOT NULL REFERENCES actors (actor_id),
    year INTEGER NOT NULL,
    currency TEXT NOT NULL,
    source_kind TEXT NOT NULL,
    revenue_total REAL,
    upfront_fees REAL,
    milestones REAL,
    rd_service_fees REAL,
    royalties REAL,
    product_sales REAL,
    grants_and_other REAL,
    rd_expense REAL,
    net_result REAL,
    cash_end REAL,
    eur_per_unit REAL,
    notes TEXT,
    source_urls TEXT NOT NULL DEFAULT '[]',
    confidence TEXT NOT NULL
);
CREATE INDEX financials_firm ON financials (firm_id, year);
"""

# The alliance list filtered by deal type, in signing order, reads the index in order
# instead of sorting every alliance of the type (the web view's deal table).
_V3 = """
CREATE INDEX alliances_type_year ON alliances (deal_type, year, date, alliance_id);
DROP INDEX IF EXISTS alliances_deal_type;
"""

# Version 4: an actor's region is free text (a region's name or an ISO 3166-2 / NUTS code) that
# the study's declared regions place; the study definition itself (one row, JSON, with the
# TOML it was loaded from).
_V4 = """
ALTER TABLE actors RENAME COLUMN bioregion TO region;
CREATE TABLE study (
    study_id INTEGER PRIMARY KEY CHECK (study_id = 1),
    definition TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    loaded_at TEXT NOT NULL
);
"""

# Version 5: every write is a recorded change set that can be undone, and the user's own
# exchange rates. A change set (``change_sets``) lists the rows it touched in order
# (``change_rows``: table, insert/update/delete, rowid); an update or delete keeps the row as
# it was in ``history_<table>`` (same columns, under the change row's ``seq``). Triggers do
# the logging, so no write can forget it, while ``change_current`` names the open change set
# (outside one, nothing is logged). The tracked tables and their columns are written out here
# as they are at version 5: a later migration that adds a column recreates its triggers.
_TRACKED_V5: dict[str, tuple[str, ...]] = {
    "actors": (
        "actor_id", "name", "kind", "country", "region", "city", "founded", "origin",
        "subsectors", "ipo_year", "exit", "aliases", "source_urls", "confidence",
    ),
    "lineage": (
        "lineage_id", "actor_id", "relation", "target", "start_year", "end_year", "notes",
        "source_urls", "confidence",
    ),
    "alliances": (
        "alliance_id", "year", "date", "deal_type", "stage_at_signing", "asset",
        "therapeutic_area", "upfront_amount", "upfront_currency", "upfront_eur",
        "milestones_amount", "milestones_currency", "milestones_eur", "equity_amount",
        "equity_currency", "equity_eur", "rd_funding_amount", "rd_funding_currency",
        "rd_funding_eur", "royalties", "end_year", "end_reason", "notes", "source_urls",
        "confidence",
    ),
    "parties": ("alliance_id", "position", "actor_id", "role", "focal", "name_as_reported"),
    "pipeline_events": (
        "event_id", "firm_id", "asset", "stage", "year", "date", "modality", "indication",
        "event", "operator", "operator_ids", "operator_role", "notes", "source_urls",
        "confidence",
    ),
    "financials": (
        "record_id", "firm_id", "year", "currency", "source_kind", "revenue_total",
        "upfront_fees", "milestones", "rd_service_fees", "royalties", "product_sales",
        "grants_and_other", "rd_expense", "net_result", "cash_end", "eur_per_unit", "notes",
        "source_urls", "confidence",
    ),
    "study": ("study_id", "definition", "source", "loaded_at"),
    "fx_rates": ("year", "currency", "units_per_eur", "source"),
}  # fmt: skip


def _change_log(table: str, columns: tuple[str, ...]) -> str:
    """The history table and the three logging triggers of one tracked table."""
    old = ", ".join(f"OLD.{c}" for c in columns)
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    log = (
        "INSERT INTO change_rows (change_id, tbl, op, row_id) "
        f"SELECT change_id, '{table}', '{{op}}', {{row}}.rowid FROM change_current"
    )
    keep = (
        f"INSERT INTO history_{table} (seq, {', '.join(columns)}) "
        f"VALUES (last_insert_rowid(), {old})"
    )
    active = "EXISTS (SELECT 1 FROM change_current)"
    return f"""
CREATE TABLE history_{table} (seq INTEGER PRIMARY KEY, {", ".join(columns)});
CREATE TRIGGER log_{table}_insert AFTER INSERT ON {table} WHEN {active}
BEGIN {log.format(op="insert", row="NEW")}; END;
CREATE TRIGGER log_{table}_update AFTER UPDATE ON {table} WHEN {active} AND ({changed})
BEGIN {log.format(op="update", row="OLD")}; {keep}; END;
CREATE TRIGGER log_{table}_delete AFTER DELETE ON {table} WHEN {active}
BEGIN {log.format(op="delete", row="OLD")}; {keep}; END;
"""


_V5 = """
CREATE TABLE fx_rates (
    year INTEGER NOT NULL,
    currency TEXT NOT NULL,
    units_per_eur REAL NOT NULL CHECK (units_per_eur > 0),
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (year, currency)
);
CREATE TABLE change_sets (
    change_id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}',
    undoes INTEGER REFERENCES change_sets (change_id),
    undone_by INTEGER REFERENCES change_sets (change_id)
);
CREATE TABLE change_rows (
    seq INTEGER PRIMARY KEY,
    change_id INTEGER NOT NULL REFERENCES change_sets (change_id),
    tbl TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    row_id INTEGER NOT NULL
);
-- No index: a change's rows are contiguous in seq (one writer at a time), and every index
-- would cost each logged row of a large import; undo reads the log once (history.py).
CREATE TABLE change_current (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    change_id INTEGER NOT NULL REFERENCES change_sets (change_id)
);
""" + "".join(_change_log(t, c) for t, c in _TRACKED_V5.items())

MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5)

#: the tables whose changes are recorded (:mod:`bioris.store.history`), with their columns
TRACKED: dict[str, tuple[str, ...]] = _TRACKED_V5

# The version this code writes. Code that must see a patched MIGRATIONS (the tests) calls
# latest_version() instead.
SCHEMA_VERSION = len(MIGRATIONS)

_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
)
"""


def latest_version() -> int:
    """The schema version of the current :data:`MIGRATIONS` tuple."""
    return len(MIGRATIONS)


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements.

    Splits on ``;`` and glues pieces back until :func:`sqlite3.complete_statement` accepts
    them, so semicolons in strings, comments or trigger bodies are kept. (``executescript``
    cannot be used: it commits any open transaction first.)
    """
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip(" \n\t;"):
        statements.append(buffer.strip())
    return [s for s in statements if s.strip(" \n\t;")]


def user_version(conn: sqlite3.Connection) -> int:
    """The connection's ``PRAGMA user_version``."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def apply_pending(conn: sqlite3.Connection) -> int:
    """Apply every migration newer than the store's version; return the new version.

    The connection must be in autocommit mode (``isolation_level=None``). Raises
    :class:`sqlite3.Error` (the caller wraps it) after rolling back if any script fails.
    """
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read the version under the write lock: another process may have just migrated.
            version = _apply_in_transaction(conn, user_version(conn))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    return version


def _apply_in_transaction(conn: sqlite3.Connection, current: int) -> int:
    latest = latest_version()
    if current >= latest:
        return current
    conn.execute(_BOOKKEEPING)
    for version in range(current + 1, latest + 1):
        for statement in split_statements(MIGRATIONS[version - 1]):
            conn.execute(statement)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        conn.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", (version, now)
        )
    violations = conn.execute("PRAGMA foreign_key_check").fetchall()
    if violations:
        raise sqlite3.IntegrityError(f"migration broke {len(violations)} foreign key(s)")
    # PRAGMA takes no parameters; `latest` is an int computed here, not outside input.
    conn.execute(f"PRAGMA user_version = {int(latest)}")
    return latest
