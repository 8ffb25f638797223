"""Fixtures of the web tests: the bundled store and a tiny hostile one, their apps, clients.

The stores are session-scoped (building the bundled one and its caches takes a second); no
test may change them, and the fuzz and safety tests check that none did, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bioris.store import open_store
from bioris.web import create_app
from bioris.workspace import init_store
from tests.web.helpers import TINY, digest, local_client


@pytest.fixture(scope="session")
def bundled_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the bundled dataset."""
    path, _ = init_store(tmp_path_factory.mktemp("bundled") / "bioris.sqlite")
    return path


@pytest.fixture(scope="session")
def tiny_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with a firm named <script>alert(1)</script> and formula-like notes."""
    path = tmp_path_factory.mktemp("tiny") / "tiny.sqlite"
    with open_store(path) as store, store.transaction():
        store.write(TINY)
    return path


@pytest.fixture(scope="session")
def bundled_digest(bundled_path: Path) -> str:
    """The bundled store's bytes before any test served it."""
    return digest(bundled_path)


@pytest.fixture(scope="session")
def app(bundled_path: Path, bundled_digest: str) -> Iterator[FastAPI]:
    """The app over the bundled store, warmed (default window computed)."""
    del bundled_digest  # taken before the app opens the store
    application = create_app(bundled_path, warm=True)
    yield application
    application.state.service.close()


@pytest.fixture(scope="session")
def client(app: FastAPI) -> TestClient:
    """A client of the bundled app (server exceptions become 500 responses, as served)."""
    return local_client(app, raise_server_exceptions=False)


@pytest.fixture(scope="session")
def tiny_app(tiny_path: Path) -> Iterator[FastAPI]:
    """The app over the tiny hostile store."""
    application = create_app(tiny_path)
    yield application
    application.state.service.close()


@pytest.fixture(scope="session")
def tiny_client(tiny_app: FastAPI) -> TestClient:
    """A client of the tiny app."""
    return local_client(tiny_app, raise_server_exceptions=False)
