"""The web view's guards, as plain ASGI middleware (outermost first):

1. :class:`SecurityHeaders`: CSP, ``X-Frame-Options: DENY``, ``nosniff``, ``no-referrer`` on
   every response, errors and static files included (the errors uvicorn writes below the
   app get them from :mod:`bioris.web.protocol`).
2. :class:`HostGuard`: a request whose ``Host`` header is not one of ``web_allowed_hosts``
   (loopback names by default, any port) gets a 400 JSON error, so that a page of another
   site whose name was pointed at this machine (DNS rebinding) cannot read the API; a
   redirect's ``Location`` never names the request's host (it is made relative).
3. :class:`CatchAll`: an unexpected exception becomes a 500 JSON error (logged), so that even
   it carries the headers and no traceback reaches the client.
4. :class:`MethodGuard`: GET and HEAD only (HEAD is served as GET without the body); any
   other method gets a 405 JSON error with ``Allow: GET, HEAD``.
5. :class:`ConcurrencyLimit`: more than ``max_concurrent_requests`` in flight (per server
   process) gets an immediate 503 JSON error with ``Retry-After: 1`` (never a queue, never a
   hang).
6. :class:`ResponseGuard`: a body over ``max_response_kb`` is replaced by a 503 JSON error;
   JSON bodies have ``<``, ``>``, ``&``, U+2028 and U+2029 escaped as ``\\uXXXX`` (as Go's
   ``json.HTMLEscape`` does), so text from the data can never form markup, even if a page
   were to paste a response into HTML. Compressed bodies (a ``Content-Encoding``) are only
   measured: the app escapes them before compressing and refuses those whose JSON is over
   the limit (:class:`~bioris.web.records.JsonBody`, ``bioris.web.api.json_response``).

The SQL time limit lives with the store connections (:class:`~bioris.web.runtime.StorePool`).
uvicorn's own ``limit_concurrency`` is no substitute for :class:`ConcurrencyLimit` (it counts
open connections, idle keep-alive ones too, and answers a plain-text 503 without these
headers); connections are limited by :mod:`bioris.web.protocol` (``web_max_connections``).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "SECURITY_HEADERS",
    "AllowedHosts",
    "CatchAll",
    "ConcurrencyLimit",
    "HostGuard",
    "MethodGuard",
    "ResponseGuard",
    "SecurityHeaders",
    "error_body",
    "escape_json",
    "send_error",
    "too_large_message",
    "with_security_headers",
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
                message["headers"] = with_security_headers(message.get("headers", []))
            await send(message)

        await self.app(scope, receive, send_with_headers)


_SECURITY_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)


def with_security_headers(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` with :data:`SECURITY_HEADERS` (replacing any of the same name)."""
    kept = [(k, v) for k, v in headers if k.lower() not in _SECURITY_NAMES]
    return [*kept, *SECURITY_HEADERS]


# A Host header: a name or an IPv4 address, or an IPv6 address in brackets; then a port.
_HOST = re.compile(r"(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._-]+))(?::[0-9]{1,5})?")
_SHOWN_CHARS = 100


def _canonical_host(text: str, *, bare_ipv6: bool = False) -> str | None:
    """``text`` (a host, with or without a port; IPv6 in brackets, or bare with
    ``bare_ipv6``, as a setting may write it) as compared: lower case, without the port, a
    trailing dot or brackets, IP addresses in their short form; ``None`` when it is not a
    host."""
    text = text.strip()
    if bare_ipv6:
        try:
            return str(ipaddress.IPv6Address(text))
        except ValueError:
            pass
    found = _HOST.fullmatch(text)
    if found is None:
        return None
    host = (found["v6"] or found["name"]).lower().removesuffix(".")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host if found["name"] else None


class AllowedHosts:
    """The hosts of the ``web_allowed_hosts`` setting: names or addresses, comma-separated,
    any port; ``*`` allows any."""

    def __init__(self, setting: str) -> None:
        entries = [e.strip() for e in setting.split(",") if e.strip()]
        self.any = "*" in entries
        names = (_canonical_host(e, bare_ipv6=True) for e in entries)
        self.names = frozenset(name for name in names if name is not None)
        self.setting = setting

    def allows(self, host: str | None) -> bool:
        """Whether a request with this ``Host`` header (``None``: none) is answered."""
        if self.any:
            return True
        name = _canonical_host(host) if host is not None else None
        return name is not None and name in self.names


class HostGuard:
    """Answer only requests whose ``Host`` is allowed (:class:`AllowedHosts`); make the
    ``Location`` of a redirect relative, so that it never names the request's host."""

    def __init__(self, app: ASGIApp, allowed: AllowedHosts) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        hosts = [v for k, v in scope.get("headers", []) if k.lower() == b"host"]
        raw = hosts[0] if len(hosts) == 1 else b""
        host = raw.decode("latin-1") if len(hosts) == 1 else None
        if not self.allowed.allows(host):
            shown = "no Host header" if not hosts else f"host {host[:_SHOWN_CHARS]!r}"
            if len(hosts) > 1:
                shown = "several Host headers"
            message = (
                f"{shown} is not allowed: this server answers "
                f"{self.allowed.setting} (set web_allowed_hosts to answer others)"
            )
            await send_error(send, 400, message)
            return

        async def send_relative(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (k, _relative(v, raw) if k.lower() == b"location" else v)
                    for k, v in message.get("headers", [])
                ]
            await send(message)

        await self.app(scope, receive, send_relative)


def _relative(location: bytes, host: bytes) -> bytes:
    """A ``Location`` on the request's ``host`` (``http(s)://host/path?query``) as
    ``/path?query``; one leading slash only, so that it never reads as another host."""
    found = re.match(rb"https?://([^/?#]*)", location, re.IGNORECASE)
    if found is None or found[1].lower() != host.lower():
        return location
    return b"/" + location[found.end() :].lstrip(b"/")


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
