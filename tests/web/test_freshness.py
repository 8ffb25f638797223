"""When the store changes under a running server (an import), ``/api/meta`` says
``data_changed`` and the pages say to restart it.

Before: the server went on showing the store as it was at start-up (the network, measures,
totals and the names of actors in its tables) and nothing said so.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bioris.domain import Actor, ActorKind, Dataset
from bioris.store import open_store
from bioris.web import create_app
from bioris.web.freshness import StoreChanges
from tests.web.helpers import local_client


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tiny_path: Path, tmp_path: Path) -> Path:
    """A copy of the tiny store this test may write to."""
    path = tmp_path / "store.sqlite"
    shutil.copy(tiny_path, path)
    return path


def _import_an_actor(path: Path, actor_id: str = "newco") -> None:
    with open_store(path) as writable, writable.transaction():
        writable.write(Dataset(actors=(Actor(actor_id, "NewCo", ActorKind.NBF, "BE"),)))


def test_meta_says_data_changed_after_an_import(store: Path) -> None:
    app = create_app(store)
    service = app.state.service
    clock = Clock()
    service.changes = StoreChanges(store, clock=clock)  # the server's start, on a test clock
    client = local_client(app)
    assert client.get("/api/meta").json()["data_changed"] is False
    _import_an_actor(store)
    clock.now += 60
    meta = client.get("/api/meta").json()
    assert meta["data_changed"] is True
    assert meta["counts"]["actors"] == 3  # what the server read at start-up, as the note says
    service.close()


def test_reading_is_not_a_change(store: Path) -> None:
    app = create_app(store, warm=True)
    clock = Clock()
    app.state.service.changes = StoreChanges(store, clock=clock)
    client = local_client(app)
    for path in ("/api/actors", "/api/alliances", "/api/network", "/api/partners", "/api/meta"):
        assert client.get(path).status_code == 200
    clock.now += 60
    assert client.get("/api/meta").json()["data_changed"] is False
    app.state.service.close()


def test_the_store_is_looked_at_once_per_interval_and_a_change_stays(store: Path) -> None:
    clock = Clock()
    changes = StoreChanges(store, every_s=2, clock=clock)
    _import_an_actor(store)
    assert changes.changed() is False  # not looked at yet: within the interval
    clock.now = 1.9
    assert changes.changed() is False
    clock.now = 2.0
    assert changes.changed() is True
    shutil.copy(store, store.with_suffix(".bak"))
    clock.now = 10.0
    assert changes.changed() is True  # for good


def test_a_change_made_before_the_server_read_the_store_is_not_missed(store: Path) -> None:
    # The files are looked at before the study reads them: a write in between is a change
    # (said once too often rather than never).
    clock = Clock()
    changes = StoreChanges(store, every_s=0, clock=clock)
    _import_an_actor(store, "between")
    assert changes.changed() is True


def test_meta_documents_data_changed(client) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["MetaOut"]
    assert "data_changed" in schema["required"]
    assert "restart" in schema["properties"]["data_changed"]["description"]
