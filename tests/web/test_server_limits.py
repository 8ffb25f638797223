"""The server's own limits, on real sockets: idle and half-sent connections time out, a
connection limit answers quickly and recovers, and the errors uvicorn writes below the app
(400 on a malformed request, 503 over the connection limit, 408 on a slow request) are JSON
errors with the security headers.

Before (uvicorn's defaults): a connection that sent nothing, or part of a request, stayed
open for ever; 257 of them made every request a plain-text 503 ("Service Unavailable") for as
long as they were held; a malformed request got a plain-text 400 without the headers.

Each test serves the tiny store with the app and the uvicorn settings of ``bioris serve``
(:func:`bioris.web.serving._config`) in a thread, on a free loopback port, with short limits.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from bioris.web import create_app
from bioris.web.config import WebSettings
from bioris.web.safety import CONTENT_SECURITY_POLICY
from bioris.web.serving import _config

uvicorn = pytest.importorskip("uvicorn")

KEEP_ALIVE_S = 1
HEADER_TIMEOUT_S = 2
MAX_CONNECTIONS = 4
REQUEST = b"GET /api/meta HTTP/1.1\r\nHost: localhost\r\n\r\n"


@contextmanager
def serving(store: Path | None, app=None, **settings: int | str) -> Iterator[int]:
    """The app over ``store`` (or ``app``) served as ``bioris serve`` serves it; yields the
    port."""
    app = create_app(store, **settings) if app is None else app
    limits = WebSettings.resolve(**settings)
    config = _config(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", server_header=False,
                       lifespan="auto" if store else "off"),
        limits,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def port(tiny_path: Path) -> Iterator[int]:
    limits = {"web_keep_alive_s": KEEP_ALIVE_S, "web_header_timeout_s": HEADER_TIMEOUT_S,
              "web_max_connections": MAX_CONNECTIONS}  # fmt: skip
    with serving(tiny_path, **limits) as bound:
        yield bound


def connect(port: int, timeout_s: float = 5) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout_s)
    return sock


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One response (status, headers, body) from ``sock``; the body by Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before a response: {data!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        chunk = sock.recv(65536)
        assert chunk
        body += chunk
    return status, headers, body


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (reading anything it sends)."""
    sock.settimeout(seconds)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            if not sock.recv(65536):
                return True
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return False


def assert_json_error(status: int, headers: dict[str, str], body: bytes, expected: int) -> dict:
    assert status == expected, body
    assert headers["content-type"] == "application/json"
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    answer = json.loads(body)
    assert set(answer) == {"status", "message"} and answer["status"] == expected
    return answer


def get_meta(port: int) -> int:
    with connect(port) as sock:
        sock.sendall(REQUEST)
        return read_response(sock)[0]


# -- timeouts --------------------------------------------------------------------------------


def test_a_connection_that_sends_nothing_is_closed_after_web_keep_alive_s(port: int) -> None:
    with connect(port) as sock:
        started = time.monotonic()
        assert closed_within(sock, KEEP_ALIVE_S + 3)
        assert time.monotonic() - started >= KEEP_ALIVE_S - 0.2


def test_an_idle_keep_alive_connection_is_closed_after_web_keep_alive_s(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(REQUEST)
        assert read_response(sock)[0] == 200
        assert closed_within(sock, KEEP_ALIVE_S + 3)


def test_a_request_trickled_a_line_at_a_time_gets_408_after_web_header_timeout_s(
    port: int,
) -> None:
    # slowloris: each line resets uvicorn's own keep-alive timer, never this deadline
    with connect(port) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /api/meta HTTP/1.1\r\nHost: localhost\r\n")
        sock.settimeout(0.3)
        answer = b""
        while not answer and time.monotonic() - started < HEADER_TIMEOUT_S + 3:
            try:
                sock.sendall(b"X-Slow: 1\r\n")
                answer = sock.recv(65536)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
        elapsed = time.monotonic() - started
        assert HEADER_TIMEOUT_S - 0.2 <= elapsed < HEADER_TIMEOUT_S + 2
        sock.settimeout(5)
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408 ")
        assert b"content-security-policy: " + CONTENT_SECURITY_POLICY.encode() in head
        assert b"web_header_timeout_s=2" in body
        assert closed_within(sock, 2)


def test_a_body_trickled_after_the_response_is_cut_off(port: int) -> None:
    # A POST is answered (405) before its body is read; the body may then trickle for ever.
    with connect(port) as sock:
        sock.sendall(
            b"POST /api/meta HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n"
        )
        assert read_response(sock)[0] == 405
        started = time.monotonic()
        sock.settimeout(0.3)
        closed = False
        while not closed and time.monotonic() - started < HEADER_TIMEOUT_S + 3:
            try:
                sock.sendall(b"x")
                closed = sock.recv(65536) == b""
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                closed = True
        assert closed and time.monotonic() - started < HEADER_TIMEOUT_S + 2


# -- the connection limit --------------------------------------------------------------------


def test_idle_connections_at_the_limit_make_room_for_a_new_one(port: int) -> None:
    with ExitStack() as stack:
        idle = [stack.enter_context(connect(port)) for _ in range(MAX_CONNECTIONS)]
        time.sleep(0.1)
        assert get_meta(port) == 200  # answered at once: the longest idle one was closed
        assert closed_within(idle[0], 0.5)


def test_busy_connections_at_the_limit_get_a_quick_json_503_then_recover(port: int) -> None:
    with ExitStack() as stack:
        # half-sent requests: not idle, so none can be closed to make room
        for _ in range(MAX_CONNECTIONS):
            stack.enter_context(connect(port)).sendall(b"GET /api/meta HTTP/1.1\r\n")
        time.sleep(0.1)
        with connect(port) as sock:
            started = time.monotonic()
            sock.sendall(REQUEST)
            answer = assert_json_error(*read_response(sock), 503)
            assert time.monotonic() - started < 1
            assert "web_max_connections=4" in answer["message"]
            assert closed_within(sock, 1)
        # a connection over the limit that sends nothing is closed within a second
        with connect(port) as sock:
            assert closed_within(sock, 2)
        # the half-sent ones time out (408), and the server answers again
        deadline = time.monotonic() + HEADER_TIMEOUT_S + 3
        while get_meta(port) != 200:
            assert time.monotonic() < deadline, "the server did not recover"
            time.sleep(0.2)


# -- the server's own errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /api/meta HTTP/1.1\r\n\r\n",  # HTTP/1.1 without a Host
        b"GET /api/meta HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n",
        b"GET /api/meta HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 70_000,  # unfinished
    ],
    ids=["garbage", "no-host", "bad-header", "huge-header"],
)
def test_a_malformed_request_gets_a_json_400_with_the_security_headers(
    port: int, request_bytes: bytes
) -> None:
    with connect(port) as sock:
        sock.sendall(request_bytes)
        answer = assert_json_error(*read_response(sock), 400)
        assert answer["message"] == "invalid HTTP request"
        assert closed_within(sock, 2)


def test_a_foreign_host_on_the_wire_gets_a_json_400(port: int) -> None:
    with connect(port) as sock:
        sock.sendall(b"GET /api/meta HTTP/1.1\r\nHost: attacker.example:80\r\n\r\n")
        answer = assert_json_error(*read_response(sock), 400)
        assert "attacker.example" in answer["message"] and "web_allowed_hosts" in answer["message"]


async def _raises(scope, receive, send) -> None:
    raise RuntimeError("boom")


async def _answers_nothing(scope, receive, send) -> None:
    return None


def _framework_error():
    # a FastAPI app without bioris's guards: starlette answers its own plain 500
    from fastapi import FastAPI

    bare = FastAPI()

    @bare.get("/api/meta")
    def fails() -> None:
        raise RuntimeError("boom")

    return bare


@pytest.mark.parametrize(
    "app", [_raises, _answers_nothing, _framework_error()], ids=["raises", "silent", "starlette"]
)
def test_errors_below_the_app_carry_the_security_headers(app) -> None:
    # uvicorn answers an app that fails or ends without answering with a plain-text 500;
    # starlette's own 500 has no security headers either
    with serving(None, app) as bound, connect(bound) as sock:
        sock.sendall(REQUEST)
        status, headers, body = read_response(sock)
    assert status == 500
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert headers["x-frame-options"] == "DENY" and b"boom" not in body


def test_a_websocket_upgrade_is_a_plain_request(port: int) -> None:
    # with the websockets package installed uvicorn would answer it itself, without headers
    with connect(port) as sock:
        sock.sendall(b"GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n"
                     b"Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                     b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")  # fmt: skip
        assert_json_error(*read_response(sock), 404)
