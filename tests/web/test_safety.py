"""The explorer's safety properties, one test (or a few) each.

Read-only store, GET/HEAD only, security headers on every response, escaped JSON, page-size,
concurrency, response-size and SQL time limits, no tracebacks, loopback by default.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from bioris import settings
from bioris.errors import BiorisError, StoreError
from bioris.store import open_store
from bioris.web import create_app
from bioris.web.safety import CONTENT_SECURITY_POLICY, escape_json
from tests.web.helpers import LOCAL, assert_error, digest, local_client

EXPECTED_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}

# (method, path): a sample of every kind of response: JSON, CSV, HTML, JS, errors
RESPONSES = [
    ("GET", "/api/meta"),
    ("GET", "/api/actors/galapagos"),
    ("GET", "/api/alliances.csv?page_size=1"),
    ("GET", "/api/network?year=2010"),
    ("GET", "/"),
    ("GET", "/actor/galapagos"),
    ("GET", "/docs"),
    ("GET", "/openapi.json"),
    ("GET", "/static/vendor/plotly.min.js"),
    ("GET", "/static/app.css"),
    ("GET", "/api/actors/ghost"),  # 404
    ("GET", "/nowhere"),  # 404
    ("GET", "/api/actors?page_size=5000"),  # 422
    ("POST", "/api/actors"),  # 405
    ("DELETE", "/static/app.css"),  # 405
    ("HEAD", "/api/meta"),
    ("HEAD", "/static/vendor/plotly.min.js"),
]


def test_csp_is_strict() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(("method", "path"), RESPONSES)
def test_security_headers_on_every_response(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code)


def test_security_headers_on_internal_errors(app, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> dict:
        raise RuntimeError("secret detail /srv/store.sqlite")

    monkeypatch.setattr(app.state.service, "meta", broken)
    response = local_client(app, raise_server_exceptions=False).get("/api/meta")
    body = assert_error(response, 500)
    assert "secret" not in body["message"] and "Traceback" not in response.text
    assert response.headers["x-frame-options"] == "DENY"


def test_store_errors_do_not_leak_paths(app, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**_: object) -> dict:
        raise StoreError("/srv/private/bioris.sqlite: disk I/O error")

    monkeypatch.setattr(app.state.service, "actors_page", broken)
    body = assert_error(local_client(app).get("/api/actors"), 500)
    assert "/srv" not in body["message"]


# -- methods ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
@pytest.mark.parametrize("path", ["/api/actors", "/api/actors/galapagos", "/", "/static/x"])
def test_only_get_and_head(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path, content=b"name=x")
    body = assert_error(response, 405)
    assert response.headers["allow"] == "GET, HEAD"
    assert "read-only" in body["message"]


@pytest.mark.parametrize("path", ["/api/meta", "/api/alliances.csv", "/", "/api/actors/ghost"])
def test_head_is_get_without_a_body(client: TestClient, path: str) -> None:
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == str(len(got.content))


# -- read-only store -------------------------------------------------------------------------


def test_the_app_holds_only_read_only_connections(app) -> None:
    pool = app.state.service._pool
    with pool.store() as store:
        assert store.read_only
        with pytest.raises(StoreError, match="read-only"), store.transaction():
            pass
        conn = store._conn
        assert conn.execute("PRAGMA query_only").fetchone()[0] == 1
        with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only|query_only"):
            conn.execute("DELETE FROM actors")
        conn.execute("PRAGMA query_only = OFF")  # even then, the file is opened mode=ro
        try:
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                conn.execute("DELETE FROM actors")
        finally:
            conn.execute("PRAGMA query_only = ON")


def test_serving_leaves_the_store_byte_identical(tiny_path: Path) -> None:
    before = digest(tiny_path)
    client = local_client(create_app(tiny_path))
    for path in ("/api/meta", "/api/actors", "/api/actors/evil", "/api/alliances",
                 "/api/network", "/api/measures", "/api/partners", "/api/regions",
                 "/api/alliances.csv"):  # fmt: skip
        assert client.get(path).status_code == 200
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert client.request(method, "/api/actors/evil", json={"name": "x"}).status_code == 405
    assert digest(tiny_path) == before
    assert not Path(f"{tiny_path}-wal").exists() or Path(f"{tiny_path}-wal").stat().st_size == 0


def test_a_missing_or_foreign_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store here"):
        create_app(tmp_path / "missing.sqlite")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(StoreError):
        create_app(other)
    assert not (tmp_path / "missing.sqlite").exists()


# -- page size -------------------------------------------------------------------------------


def test_page_size_over_the_maximum_is_refused_not_clamped(tiny_path: Path) -> None:
    client = local_client(create_app(tiny_path, max_returned_rows=2, default_page_size=1))
    body = assert_error(client.get("/api/alliances", params={"page_size": 3}), 422)
    assert "page_size" in body["message"] and "2" in body["message"]
    assert len(client.get("/api/alliances").json()["items"]) == 1  # the default
    assert len(client.get("/api/alliances", params={"page_size": 2}).json()["items"]) == 2
    schema = client.app.openapi()["paths"]["/api/alliances"]["get"]["parameters"]
    page_size = next(p for p in schema if p["name"] == "page_size")
    assert page_size["schema"]["anyOf"][0]["maximum"] == 2  # documented


def test_settings_out_of_range_are_refused(tiny_path: Path) -> None:
    with pytest.raises(BiorisError, match="max_concurrent_requests"):
        create_app(tiny_path, max_concurrent_requests=0)
    with pytest.raises(BiorisError, match="default_page_size"):
        create_app(tiny_path, default_page_size=10, max_returned_rows=5)


# -- concurrency -----------------------------------------------------------------------------


def test_requests_over_the_concurrency_limit_get_503_at_once(tiny_path: Path) -> None:
    app = create_app(tiny_path, max_concurrent_requests=1)
    service = app.state.service
    entered, release = threading.Event(), threading.Event()
    real_meta = service.meta

    def slow_meta() -> dict:
        entered.set()
        assert release.wait(10)
        return real_meta()

    service.meta = slow_meta

    async def scenario() -> tuple[httpx.Response, httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=LOCAL) as client:
            slow = asyncio.create_task(client.get("/api/meta"))
            while not entered.is_set():
                await asyncio.sleep(0.01)
            refused = await asyncio.wait_for(client.get("/api/actors"), timeout=2)
            release.set()
            first = await slow
            after = await client.get("/api/actors")
            return first, refused, after

    first, refused, after = asyncio.run(scenario())
    assert first.status_code == 200
    body = assert_error(refused, 503)
    assert "max_concurrent_requests=1" in body["message"]
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["x-frame-options"] == "DENY"
    assert after.status_code == 200  # the slot is free again


# -- response size ---------------------------------------------------------------------------


def test_responses_over_the_size_limit_are_refused(tiny_path: Path, bundled_path: Path) -> None:
    client = local_client(create_app(bundled_path, max_response_kb=2))
    assert client.get("/api/actors", params={"page_size": 1}).status_code == 200
    for path in ("/api/actors?page_size=100", "/api/alliances.csv",
                 "/static/vendor/plotly.min.js"):  # fmt: skip
        body = assert_error(client.get(path), 503)
        assert "max_response_kb=2" in body["message"]


# -- SQL time limit --------------------------------------------------------------------------


def test_queries_over_the_time_limit_are_interrupted(bundled_path: Path, monkeypatch) -> None:
    import bioris.store.store as store_module

    # A limit of 0 ms: the first progress check is late. The bundled store is small, so
    # check every 1000 SQLite instructions rather than every million.
    monkeypatch.setattr(store_module, "_PROGRESS_STEPS", 1000)
    client = local_client(create_app(bundled_path, sql_time_limit_ms=0))
    body = assert_error(client.get("/api/actors", params={"q": "zzz"}), 503)
    assert body["message"] == "query took longer than sql_time_limit_ms=0"


def test_time_limit_with_a_jumping_clock(bundled_path: Path, monkeypatch) -> None:
    import bioris.store.store as store_module

    client = local_client(create_app(bundled_path))
    assert client.get("/api/actors", params={"q": "x"}).status_code == 200
    monkeypatch.setattr(store_module, "_PROGRESS_STEPS", 1000)  # a small store
    ticks = iter(range(0, 10**6, 5))  # every reading is 5 s after the last
    monkeypatch.setattr(store_module, "_clock", lambda: next(ticks))
    body = assert_error(client.get("/api/alliances", params={"min_value_eur": 1}), 503)
    assert "sql_time_limit_ms=1000" in body["message"]
    monkeypatch.undo()
    assert client.get("/api/actors", params={"q": "x"}).status_code == 200  # connection fine


def test_time_limit_is_per_connection(bundled_path: Path, monkeypatch) -> None:
    import bioris.store.store as store_module

    monkeypatch.setattr(store_module, "_PROGRESS_STEPS", 1000)  # a small store
    with (
        open_store(bundled_path, read_only=True) as slow,
        open_store(bundled_path, read_only=True) as free,
    ):
        with slow.time_limit(0):
            with pytest.raises(BiorisError, match="sql_time_limit_ms=0"):
                slow.actors(text="zzz")
            assert len(free.actors(text="a")) > 0
        assert slow.actors(text="zzz") == []  # the limit ends with the block


# -- escaping and binding --------------------------------------------------------------------


@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
))  # fmt: skip
def test_escaped_json_parses_to_the_same_value(value: object) -> None:
    for ensure_ascii in (True, False):
        raw = json.dumps(value, ensure_ascii=ensure_ascii).encode()
        escaped = escape_json(raw)
        assert json.loads(escaped) == value
        assert not {b"<", b">", b"&"} & {escaped[i : i + 1] for i in range(len(escaped))}
        assert "\u2028".encode() not in escaped


def test_serve_binds_loopback_by_default(tiny_path: Path, monkeypatch) -> None:
    uvicorn = pytest.importorskip("uvicorn")
    seen = {}

    class FakeServer:
        def __init__(self, config) -> None:
            seen.update(host=config.host, port=config.port)
            self.should_exit = False

        def run(self) -> None:
            seen["ran"] = True
            self.started = True

    monkeypatch.setattr(uvicorn, "Server", FakeServer)
    from bioris.web.app import serve

    serve(tiny_path, warm=False)
    assert seen == {"host": "127.0.0.1", "port": 8000, "ran": True}
    assert settings.get("web_host") == "127.0.0.1"


def test_serve_reports_a_server_that_did_not_start(tiny_path: Path, monkeypatch) -> None:
    uvicorn = pytest.importorskip("uvicorn")

    class NoStart:
        def __init__(self, config) -> None:
            self.should_exit, self.started = False, False

        def run(self) -> None:  # as uvicorn does when the port is taken
            return

    monkeypatch.setattr(uvicorn, "Server", NoStart)
    from bioris.web.app import serve

    with pytest.raises(BiorisError, match=r"could not serve on 127\.0\.0\.1:8123"):
        serve(tiny_path, port=8123, warm=False)


def test_graph_work_runs_on_the_graph_thread() -> None:
    from bioris.web.runtime import GraphThread

    graph = GraphThread()
    results: dict[str, object] = {}
    done, running = threading.Event(), threading.Event()

    def worker() -> None:
        assert running.wait(5)
        results["thread"] = graph.call(lambda: threading.current_thread().name)
        try:
            graph.call(lambda: int("not a number"))
        except ValueError as exc:
            results["error"] = str(exc)
        done.set()

    def keep_going() -> bool:
        running.set()  # the loop runs: its thread is registered
        return not done.is_set()

    helper = threading.Thread(target=worker, name="worker")
    helper.start()
    graph.run(keep_going, poll_s=0.01)
    helper.join(5)
    assert results["thread"] == threading.current_thread().name  # not "worker"
    assert "not a number" in str(results["error"])
    assert graph.call(lambda: 42) == 42  # no loop: inline


def test_waiting_for_graph_work_is_limited() -> None:
    from bioris.errors import LimitExceeded
    from bioris.web.runtime import GraphThread

    graph = GraphThread(max_waiting=1)
    started, release, done = threading.Event(), threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def slow() -> str:
        started.set()
        assert release.wait(5)
        return "slow done"

    def first() -> None:
        outcome["first"] = graph.call(slow)

    def second() -> None:
        assert started.wait(5)
        try:
            graph.call(lambda: "never")
        except LimitExceeded as exc:
            outcome["second"] = str(exc)
        outcome["exempt"] = "queued"
        release.set()
        outcome["third"] = graph.call(lambda: "after", limited=False)
        done.set()

    def keep_going() -> bool:
        if "go" not in outcome:
            outcome["go"] = True
            threading.Thread(target=first).start()
            threading.Thread(target=second).start()
        return not done.is_set()

    graph.run(keep_going, poll_s=0.01)
    assert outcome["first"] == "slow done" and outcome["third"] == "after"
    assert "busy" in str(outcome["second"])
