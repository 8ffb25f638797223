"""Where the store lives, and creating it with the bundled dataset."""

from __future__ import annotations

from pathlib import Path

import pytest

from bioris.errors import StoreError
from bioris.store import open_store
from bioris.workspace import default_store_path, init_store, open_user_store


def test_store_path_from_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("BIORIS_STORE", str(tmp_path / "x.sqlite"))
    assert default_store_path() == tmp_path / "x.sqlite"


def test_store_path_defaults_to_the_user_data_dir(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("BIORIS_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_store_path() == tmp_path / "bioris" / "bioris.sqlite"


def test_init_loads_the_bundled_dataset(tmp_path: Path):
    path, report = init_store(tmp_path / "s.sqlite")
    assert report is not None and report.alliances > 150 and report.actors > 150
    with open_store(path, read_only=True) as store:
        assert store.counts()["alliances"] == report.alliances
        assert store.meta_get("dataset") == "belgian-red-biotech"


def test_default_store_is_created_on_first_use(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("BIORIS_STORE", str(tmp_path / "auto" / "s.sqlite"))
    with open_user_store(None, read_only=True) as store:
        assert not store.is_empty()


def test_init_empty_and_refuses_existing(tmp_path: Path):
    path, report = init_store(tmp_path / "s.sqlite", empty=True)
    assert report is None
    with pytest.raises(StoreError, match="already exists"):
        init_store(path)


def test_failed_init_leaves_nothing(monkeypatch, tmp_path: Path):
    import bioris.workspace as ws

    def broken(store):
        raise StoreError("boom")

    monkeypatch.setattr(ws, "load_bundled", broken)
    with pytest.raises(StoreError):
        init_store(tmp_path / "s.sqlite")
    assert list(tmp_path.iterdir()) == []
