"""Odd files, read-only use, creation, upgrades and backups (issue #11).

Each test reproduces a fault of the fault-injection run and shows it fixed: a read-only
command changed another application's database; an old store opened read-only gave a
misleading advice; read-only media could not be read; a 0-byte file became an empty store; a
damaged row was an internal error; a damaged file was written to; an interrupted or
concurrent first creation left an empty store read as zero rows; copying the .sqlite file
alone lost committed data.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bioris.errors import StoreError
from bioris.ingest.importer import import_files
from bioris.store import SCHEMA_VERSION, migrations, open_store
from bioris.store import connection as connection_module
from bioris.store import maintenance as maintenance_module
from bioris.workspace import backup_store, init_store, open_user_store, upgrade_store

BIORIS = [sys.executable, "-m", "bioris"]
ACTORS = "name,kind,country\nGenmab,nbf,DK\nAmgen,pharma,US\n"


def _cli(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*BIORIS, *map(str, args)], capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = init_store(tmp_path_factory.mktemp("bundled") / "ris.sqlite")
    return path


def copy_store(source: Path, folder: Path) -> Path:
    target = folder / source.name
    shutil.copyfile(source, target)
    return target


# -- other files are never touched ------------------------------------------------------------


def test_another_applications_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    for read_only in (True, False):
        with pytest.raises(StoreError, match="not a bioris store"):
            open_store(path, read_only=read_only, create=False)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    conn.close()


@pytest.mark.parametrize("kind", ["empty", "folder"])
def test_an_empty_file_or_a_folder_is_not_a_store(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "ris.sqlite"
    if kind == "empty":
        path.touch()
    else:
        path.mkdir()
    for read_only in (True, False):
        with pytest.raises(StoreError, match=r"0 bytes|a folder"):
            open_store(path, read_only=read_only)
    assert kind == "folder" or path.stat().st_size == 0  # not made into a store
    result = _cli("actors", "--store", path)
    # a folder is refused by the option itself (a usage error, 2), an empty file by the store
    assert result.returncode in (1, 2) and "internal error" not in result.stderr


# -- old schemas, upgrades ---------------------------------------------------------------------


def test_an_old_store_read_only_names_bioris_upgrade_which_upgrades_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite"
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:3])
    with open_store(path) as old:  # a version-3 store, written as bioris 0.1 wrote it
        old._conn.executemany(
            "INSERT INTO actors (actor_id, name, kind, country, bioregion, confidence) "
            "VALUES (?, ?, ?, ?, NULL, 'high')",
            [("genmab", "Genmab", "nbf", "DK"), ("amgen", "Amgen", "pharma", "US")],
        )
    monkeypatch.undo()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"older than this bioris.*bioris upgrade --store"):
        open_user_store(path, read_only=True)
    assert path.read_bytes() == before  # a read-only open changed nothing
    old_version, new_version, saved = upgrade_store(path)
    assert (old_version, new_version) == (3, SCHEMA_VERSION)
    assert saved is not None and saved.name == "old.sqlite.v3.bak"
    with open_store(saved, read_only=True, check_version=False) as kept:
        assert kept.schema_version == 3
        names = {r[0] for r in kept._conn.execute("SELECT name FROM actors")}
        assert names == {"Genmab", "Amgen"}
    with open_user_store(path, read_only=True) as store:
        assert {a.name for a in store.actors()} == {"Genmab", "Amgen"}
    assert upgrade_store(path)[2] is None  # current: nothing to do


# -- read-only media ---------------------------------------------------------------------------


def test_a_store_on_read_only_media_is_read_as_immutable(
    bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_store(bundled, tmp_path)
    path.chmod(0o444)
    # this test runs as root in CI, which any permission lets write: say the medium refuses
    monkeypatch.setattr(connection_module, "_can_write_beside", lambda _: False)
    with open_user_store(path, read_only=True) as store:
        assert len(store.actors()) == 238
        uri = store._conn.execute("PRAGMA database_list").fetchone()[2]
        assert uri.endswith("ris.sqlite")
    assert not Path(f"{path}-shm").exists() and not Path(f"{path}-wal").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_a_read_only_file_in_a_read_only_folder_is_readable(bundled: Path, tmp_path: Path) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    path = copy_store(bundled, folder)
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        result = _cli("actors", "--store", path, "--json")
        assert result.returncode == 0, result.stderr
    finally:
        folder.chmod(0o755)


# -- damage ------------------------------------------------------------------------------------


def test_a_damaged_row_is_named_never_an_internal_error(bundled: Path, tmp_path: Path) -> None:
    path = copy_store(bundled, tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE parties SET role = 'license' || char(0) WHERE rowid = 1")
    conn.commit()
    conn.close()
    result = _cli("alliances", "--store", path)
    assert result.returncode == 1, result.stderr
    assert "damaged row" in result.stderr and "internal error" not in result.stderr


def test_a_store_cut_short_gives_a_clear_error(bundled: Path, tmp_path: Path) -> None:
    path = copy_store(bundled, tmp_path)
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size - 1)
    for command in (["actors"], ["alliances"], ["partners"]):
        result = _cli(*command, "--store", path)
        assert result.returncode in (0, 1) and "internal error" not in result.stderr, command


def test_a_damaged_file_is_never_written_to(bundled: Path, tmp_path: Path) -> None:
    path = copy_store(bundled, tmp_path)
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    with path.open("r+b") as handle:  # garble the b-tree pages after the schema
        handle.seek(page * 3)
        handle.write(b"\x0d" + b"\xff" * (page * 4 - 1))
    before = path.read_bytes()
    with open_store(path, create=False) as store, pytest.raises(StoreError, match="damaged"):
        import_files(store, [_write(tmp_path, "a.csv", ACTORS)])
    assert path.read_bytes() == before


# -- creation ----------------------------------------------------------------------------------


def test_a_failed_init_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bioris import workspace

    def fail(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(workspace, "import_files", fail)
    with pytest.raises(KeyboardInterrupt):
        init_store(tmp_path / "ris.sqlite")
    assert list(tmp_path.iterdir()) == []


def test_a_killed_init_leaves_no_store_or_a_whole_one(tmp_path: Path) -> None:
    for delay in (0.05, 0.15, 0.3, 0.6):
        path = tmp_path / f"ris-{delay}.sqlite"
        process = subprocess.Popen(
            [*BIORIS, "init", "--store", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.kill()
        process.wait()
        if path.exists():
            with open_user_store(path, read_only=True) as store:
                assert len(store.actors()) == 238  # whole, never half made
        result = _cli("init", "--store", path)
        assert result.returncode == (1 if path.exists() and "created" not in result.stdout else 0)
        with open_user_store(path, read_only=True) as store:
            assert len(store.actors()) == 238


def test_commands_at_once_on_first_use_all_see_the_whole_store(tmp_path: Path) -> None:
    env = {"BIORIS_STORE": str(tmp_path / "user" / "bioris.sqlite")}
    processes = [
        subprocess.Popen([*BIORIS, "actors", "--json"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env={**os.environ, **env})
        for _ in range(4)
    ]  # fmt: skip
    for process in processes:
        stdout, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
        assert stdout.count('"actor_id"') == 238


def test_an_empty_store_an_older_bioris_never_finished_is_named(tmp_path: Path) -> None:
    path = tmp_path / "ris.sqlite"
    with open_store(path) as store, store.transaction():
        store._conn.execute("DELETE FROM meta WHERE key = 'created'")  # as an older bioris left it
    with pytest.raises(StoreError, match="never completed"):
        open_user_store(path, read_only=True)
    with open_store(tmp_path / "deliberately-empty.sqlite") as store:
        pass  # made by this bioris: empty on purpose
    with open_user_store(tmp_path / "deliberately-empty.sqlite", read_only=True) as store:
        assert store.actors() == []


# -- backups and checkpoints -------------------------------------------------------------------


def test_a_backup_is_consistent_while_a_reader_holds_the_wal(bundled: Path, tmp_path: Path) -> None:
    path = copy_store(bundled, tmp_path)
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM actors").fetchone()  # a read transaction, held
    with open_store(path, create=False) as store:
        report = import_files(
            store, [_write(tmp_path, "a.csv", "name,kind,country\nNew Bio,nbf,DK\n")]
        )
    assert any("readers kept part of the write" in n for n in report.notes)
    assert Path(f"{path}-wal").stat().st_size > 0  # committed data only in the -wal file
    out = backup_store(path, tmp_path / "copy.sqlite")
    reader.rollback()
    reader.close()
    with open_store(out, read_only=True) as copy:
        assert len(copy.actors()) == 239  # the import is in the copy
        assert copy._conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    with pytest.raises(StoreError, match="already exists"):
        backup_store(path, out)
    result = _cli("backup", "--store", path, "--out", tmp_path / "cli.sqlite")
    assert result.returncode == 0 and "quick_check" in result.stdout


def test_an_import_checkpoints_and_warns_of_a_nearly_full_disk(
    bundled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_store(bundled, tmp_path)
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(
        maintenance_module.shutil, "disk_usage", lambda _: usage._replace(free=5_000_000)
    )
    with open_store(path, create=False) as store:
        report = import_files(store, [_write(tmp_path, "a.csv", "name,kind,country\nB,nbf,DK\n")])
    assert any("only 5 MB free" in n for n in report.notes)
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # folded back: no reader held it


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
