"""Shared test data and checks of the web tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi.testclient import TestClient

from bioris.domain import (
    Actor,
    ActorKind,
    Alliance,
    Dataset,
    DealType,
    LineageFact,
    LineageRelation,
    Money,
    Party,
    Role,
    Stage,
    Terms,
)

EVIL = "<script>alert(1)</script>"
EVIL_ALIAS = "<img src=x onerror=alert(2)>"
QUOTED = 'O\'Neill; "Pharma" -- & Co'

TINY = Dataset(
    actors=(
        Actor("evil", EVIL, ActorKind.NBF, "BE", "Flanders", "Ghent", 2001,
              aliases=(EVIL_ALIAS,)),
        Actor("quoted", QUOTED, ActorKind.PHARMA, "US"),
        Actor("uni", "Université de Liège", ActorKind.UNIVERSITY, "BE", "Wallonia"),
    ),
    lineage=(LineageFact("evil", LineageRelation.SUBSIDIARY_OF, "quoted", 2010, None),),
    alliances=(
        Alliance(
            "d1", 2008, "2008-05", DealType.LICENSING_OUT,
            (Party("evil", Role.LICENSOR, True), Party("quoted", Role.LICENSEE, False)),
            Stage.PHASE1, asset=EVIL, notes="=HYPERLINK(\"http://x\")",
            terms=Terms(upfront=Money(5.0, "EUR", 5.0), milestones=Money(50.0, "EUR", 50.0)),
        ),
        Alliance(
            "d2", 2012, "2012", DealType.RESEARCH_COLLABORATION,
            (Party("evil", Role.COLLABORATOR, True), Party("uni", Role.COLLABORATOR, False),
             Party("quoted", Role.COLLABORATOR, False)),
            notes="@SUM(A1)",
        ),
    ),
)  # fmt: skip


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_error(response, status: int) -> dict:
    """The response is a JSON error of ``status``; returns its body."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "message"}
    assert body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    return body


#: the address the test clients speak to: a loopback name, as web_allowed_hosts allows by
#: default (starlette's default, "testserver", is refused like any other unlisted host)
LOCAL = "http://localhost"


def local_client(app, **options) -> TestClient:
    """A test client of ``app`` that sends ``Host: localhost``."""
    return TestClient(app, base_url=LOCAL, **options)


def as_localhost(app):
    """``app`` seen through a client that cannot choose its Host (schemathesis always sends
    ``testserver``): each request's Host becomes ``localhost``."""

    async def local(scope, receive, send):
        if scope["type"] == "http":
            headers = [(k, b"localhost" if k == b"host" else v) for k, v in scope["headers"]]
            scope = {**scope, "headers": headers}
        await app(scope, receive, send)

    return local
