"""Opening stores: pragmas, read-only mode, refused files and schema migrations."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from bioris.domain import Dataset
from bioris.errors import StoreError
from bioris.store import SCHEMA_VERSION, Store, migrations, open_store


def _pragma(store: Store, name: str) -> object:
    return store._conn.execute(f"PRAGMA {name}").fetchone()[0]


def _raw_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_writable_store_pragmas(store: Store) -> None:
    assert _pragma(store, "journal_mode") == "wal"
    assert _pragma(store, "foreign_keys") == 1
    assert _pragma(store, "busy_timeout") > 0
    assert _pragma(store, "query_only") == 0


def test_schema_version_and_bookkeeping(store: Store) -> None:
    assert SCHEMA_VERSION == len(migrations.MIGRATIONS) >= 1
    assert store.schema_version == SCHEMA_VERSION
    rows = store._conn.execute("SELECT version, applied_at FROM schema_migrations").fetchall()
    assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))
    assert all(r[1] for r in rows)


def test_creates_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "ris.sqlite"
    with open_store(path) as store:
        assert store.path == path
    assert path.is_file()


def test_missing_store_without_create(tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite"
    with pytest.raises(StoreError, match="no store"):
        open_store(path, create=False)
    assert not path.exists()


def test_closed_store_raises_store_error(store_path: Path) -> None:
    with open_store(store_path) as store:
        pass
    store.close()  # idempotent
    with pytest.raises(StoreError, match=r"ris\.sqlite"):
        store.counts()


@pytest.mark.parametrize("read_only", [False, True])
def test_not_a_sqlite_file_is_refused(tmp_path: Path, read_only: bool) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"actor_id,name\n" * 500)
    with pytest.raises(StoreError, match=r"notes\.sqlite: not a SQLite database"):
        open_store(path, read_only=read_only)
    assert path.read_bytes() == b"actor_id,name\n" * 500


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a bioris store"):
        open_store(path)


@pytest.mark.parametrize("read_only", [False, True])
def test_newer_schema_is_refused(store_path: Path, read_only: bool) -> None:
    open_store(store_path).close()
    conn = sqlite3.connect(store_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    newer = f"schema version {SCHEMA_VERSION + 1} is newer than this bioris .{SCHEMA_VERSION}."
    with pytest.raises(StoreError, match=newer):
        open_store(store_path, read_only=read_only)


# -- read-only ----------------------------------------------------------------------------------


def test_read_only_reads(filled: Store, sample: Dataset) -> None:
    with open_store(filled.path, read_only=True) as reader:
        assert reader.read_only
        assert reader.dataset() == sample.sorted()
        assert _pragma(reader, "query_only") == 1


def test_read_only_refuses_writes(filled: Store, sample: Dataset) -> None:
    with open_store(filled.path, read_only=True) as reader:
        with pytest.raises(StoreError, match="read-only"), reader.transaction():
            pass
        with pytest.raises(StoreError, match="read-only"):
            reader.write(sample)
        with pytest.raises(StoreError, match="read-only"):
            reader.meta_set("k", "v")
        with pytest.raises(sqlite3.OperationalError):  # belt and braces: the connection too
            reader._conn.execute("DELETE FROM actors")
        assert reader.counts()["actors"] == 8


def test_reader_sees_only_committed_writes(store: Store, sample: Dataset) -> None:
    with open_store(store.path, read_only=True) as reader:
        with store.transaction():
            store.write(sample)
            assert reader.is_empty()
        assert reader.dataset() == sample.sorted()


def test_read_only_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite"
    with pytest.raises(StoreError, match="bioris init"):
        open_store(path, read_only=True)
    assert not path.exists()


def test_read_only_store_serves_other_threads(filled: Store) -> None:
    results: list[int] = []
    with open_store(filled.path, read_only=True) as reader:
        thread = threading.Thread(target=lambda: results.append(reader.counts()["alliances"]))
        thread.start()
        thread.join()
    assert results == [5]


def test_read_only_does_not_migrate(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_store(store_path).close()
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, "CREATE TABLE t (x)"))
    with pytest.raises(StoreError, match=r"older than this bioris.*bioris upgrade --store"):
        open_store(store_path, read_only=True)
    assert _raw_version(store_path) == SCHEMA_VERSION


# -- migrations ---------------------------------------------------------------------------------

EXTRA = """
CREATE TABLE extra (x INTEGER, label TEXT DEFAULT 'a;b');
ALTER TABLE actors ADD COLUMN note TEXT;
"""
FAILING = """
CREATE TABLE extra (x INTEGER);
INSERT INTO no_such_table VALUES (1);
"""


def test_old_store_is_upgraded(
    filled: Store, sample: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled.close()
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, EXTRA))
    with open_store(filled.path) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION + 1
        versions = upgraded._conn.execute("SELECT version FROM schema_migrations").fetchall()
        assert [v[0] for v in versions] == list(range(1, SCHEMA_VERSION + 2))
        assert upgraded._conn.execute("SELECT label FROM extra").fetchall() == []
        assert upgraded.dataset() == sample.sorted()
    assert _raw_version(filled.path) == SCHEMA_VERSION + 1


def test_a_version_2_store_upgrades_with_its_data(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 3 adds the deal-type index; version 4 renames bioregion to region (free text)
    and adds the study table. A version-2 store keeps its rows through both."""
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
    with open_store(store_path) as old:
        old._conn.execute(
            "INSERT INTO actors (actor_id, name, kind, country, bioregion, confidence) "
            "VALUES ('ablynx', 'Ablynx', 'nbf', 'BE', 'Flanders', 'high')"
        )
    assert _raw_version(store_path) == 2
    monkeypatch.undo()
    with open_store(store_path) as upgraded:
        assert upgraded.schema_version == SCHEMA_VERSION >= 4
        indexes = upgraded._conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alliances'"
        )
        names = {row[0] for row in indexes}
        assert "alliances_type_year" in names and "alliances_deal_type" not in names
        (actor,) = upgraded.actors()
        assert (actor.actor_id, actor.country, actor.region) == ("ablynx", "BE", "Flanders")
        assert upgraded.study() is None


def test_failing_migration_leaves_old_version(
    filled: Store, sample: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled.close()
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, FAILING))
    with pytest.raises(StoreError, match="no_such_table"):
        open_store(filled.path)
    monkeypatch.undo()
    assert _raw_version(filled.path) == SCHEMA_VERSION
    with open_store(filled.path) as store:
        tables = store._conn.execute("SELECT name FROM sqlite_master WHERE name = 'extra'")
        assert tables.fetchall() == []
        assert store.dataset() == sample.sorted()


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("CREATE TABLE a (x); CREATE TABLE b (y)", ["CREATE TABLE a (x);", "CREATE TABLE b (y);"]),
        ("INSERT INTO a VALUES ('x;y');\n", ["INSERT INTO a VALUES ('x;y');"]),
        (
            "CREATE TRIGGER t AFTER INSERT ON a BEGIN DELETE FROM b; DELETE FROM c; END;",
            ["CREATE TRIGGER t AFTER INSERT ON a BEGIN DELETE FROM b; DELETE FROM c; END;"],
        ),
        ("  ;\n", []),
    ],
)
def test_split_statements(script: str, expected: list[str]) -> None:
    assert migrations.split_statements(script) == expected
