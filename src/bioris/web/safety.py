"""The web view's guards, as plain ASGI middleware (outermost first):

1. :class:`SecurityHeaders`: CSP, ``X-Frame-Options: DENY``, ``nosniff``, ``no-referrer`` on
   every response, errors and static files included.
2. :class:`CatchAll`: an unexpected exception becomes a 500 JSON error (logged), so that even
   it carries the headers and no traceback reaches the client.
3. :class:`MethodGuard`: GET and HEAD only (HEAD is served as GET without the body); any
   other method gets a 405 JSON error with ``Allow: GET, HEAD``.
4. :class:`ConcurrencyLimit`: more than ``max_concurrent_requests`` in flight (per server
   process) gets an immediate 503 JSON error with ``Retry-After: 1`` (never a queue, never a
   hang).
5. :class:`ResponseGuard`: a body over ``max_response_kb`` is replaced by a 503 JSON error;
   JSON bodies have ``<``, ``>``, ``&``, U+2028 and U+2029 escaped as ``\\uXXXX`` (as Go's
   ``json.HTMLEscape`` does), so text from the data can never form markup, even if a page
   were to paste a response into HTML. Compressed bodies (a ``Content-Encoding``) are only
   measured: the app escapes them before compressing and refuses those whose JSON is over
   the limit (:class:`~bioris.web.records.JsonBody`, ``bioris.web.api.json_response``).

The SQL time limit lives with the store connections (:class:`~bioris.web.runtime.StorePool`).
uvicorn's own ``limit_concurrency`` is no substitute for :class:`ConcurrencyLimit` (it counts
open connections, idle keep-alive ones too, and answers a plain-text 503 without these
headers); :mod:`bioris.web.serving` sets it as a backstop against floods of connections.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "SECURITY_HEADERS",
    "CatchAll",
    "ConcurrencyLimit",
    "MethodGuard",
    "ResponseGuard",
    "SecurityHeaders",
    "error_body",
    "escape_json",
    "too_large_message",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("bioris.web")

#: Everything from this origin only: no inline script, no eval, no inline style. plotly.js
#: would inject a <style> element; the UI's index.html links plotly's rules as a file under
#: the id plotly looks for (static/plotly.css), so the strict ``style-src 'self'`` holds.
#: Styles set through the CSSOM (``element.style.x = ...``) are not affected by the CSP.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
ALLOWED_METHODS = ("GET", "HEAD")

_JSON_ESCAPES = (
    (b"<", b"\\u003c"),
    (b">", b"\\u003e"),
    (b"&", b"\\u0026"),
    ("\u2028".encode(), b"\\u2028"),
    ("\u2029".encode(), b"\\u2029"),
)


def escape_json(body: bytes) -> bytes:
    """``body`` (UTF-8 JSON) with ``< > &`` and the two JS line separators as escapes.

    Those characters can only occur inside JSON strings, where the escape means the same
    character, so the document is unchanged for any JSON parser.
    """
    for raw, escaped in _JSON_ESCAPES:
        body = body.replace(raw, escaped)
    return body


def too_large_message(max_bytes: int) -> str:
    """The message of the 503 error that replaces a body over ``max_bytes``."""
    return (
        f"response larger than max_response_kb={max_bytes // 1024}; ask for less "
        "(narrower filters or a smaller page)"
    )


def error_body(status: int, message: str) -> bytes:
    """The JSON of every error: ``{"status": ..., "message": ...}``, escaped."""
    return escape_json(json.dumps({"status": status, "message": message}).encode())


async def send_error(
    send: Send, status: int, message: str, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    """Send a complete JSON error response."""
    body = error_body(status, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every HTTP response (replacing any of the same name)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in SECURITY_HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = [*kept, *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CatchAll:
    """Turn an unexpected exception into a logged 500 JSON error, if nothing was sent yet."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error serving %s %s", scope.get("method"), scope["path"])
            if not started:
                await send_error(send, 500, "internal error; the server log has the details")


class MethodGuard:
    """Serve GET and HEAD only; HEAD is GET with the body dropped (same headers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "GET":
            await self.app(scope, receive, send)
            return
        if scope["method"] != "HEAD":
            allow = ", ".join(ALLOWED_METHODS)
            message = f"method {scope['method'][:20]} not allowed: this server is read-only"
            await send_error(send, 405, message, ((b"allow", allow.encode()),))
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


class ConcurrencyLimit:
    """Answer 503 at once when ``limit`` requests are already in flight.

    The count lives on the event loop (one thread), so it needs no lock. Kept rather than
    uvicorn's ``limit_concurrency``, which counts connections and answers in plain text (see
    the module docstring).
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            message = (
                f"server busy: max_concurrent_requests={self.limit} requests are in flight; "
                "retry in a moment"
            )
            await send_error(send, 503, message, ((b"retry-after", b"1"),))
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


class ResponseGuard:
    """Refuse bodies over ``max_bytes`` (503 JSON) and escape JSON bodies.

    A body with a declared length is judged at once and otherwise streamed through; JSON
    bodies and bodies of unknown length are buffered (up to the limit) first.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> str:
        return too_large_message(self.max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = {"start": None, "buffer": None, "refused": False}

        async def guarded_send(message: Message) -> None:
            if state["refused"]:
                return
            if message["type"] == "http.response.start":
                await self._on_start(message, state, send)
            elif message["type"] == "http.response.body":
                await self._on_body(message, state, send)
            else:
                await send(message)

        await self.app(scope, receive, guarded_send)

    async def _on_start(self, message: Message, state: dict[str, Any], send: Send) -> None:
        headers = {k.lower(): v for k, v in message.get("headers", [])}
        declared = headers.get(b"content-length")
        is_json = headers.get(b"content-type", b"").startswith(b"application/json")
        encoded = headers.get(b"content-encoding", b"identity") != b"identity"
        if declared is not None and int(declared) > self.max_bytes:
            state["refused"] = True
            await send_error(send, 503, self._too_large())
        elif (is_json and not encoded) or declared is None:
            state["start"], state["buffer"] = message, bytearray()
            state["json"] = is_json and not encoded
        else:
            await send(message)

    async def _on_body(self, message: Message, state: dict[str, Any], send: Send) -> None:
        buffer = state["buffer"]
        if buffer is None:
            await send(message)
            return
        buffer += message.get("body", b"")
        if len(buffer) > self.max_bytes:
            state["refused"] = True
            await send_error(send, 503, self._too_large())
            return
        if message.get("more_body", False):
            return
        body = escape_json(bytes(buffer)) if state["json"] else bytes(buffer)
        if len(body) > self.max_bytes:
            state["refused"] = True
            await send_error(send, 503, self._too_large())
            return
        start = state["start"]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})
