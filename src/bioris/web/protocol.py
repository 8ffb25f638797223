"""uvicorn's HTTP/1.1 connection (h11), with the explorer's connection limits and error
responses.

uvicorn keeps a connection open for ``timeout_keep_alive`` seconds only after a response:
a connection that never sends a request, or sends part of one (one header line every few
seconds, the "slowloris" pattern), or trickles a request body after its response, stays open
for ever, and its ``limit_concurrency`` then answers every new request with a plain-text 503.
Its 400 (a malformed request) is plain text too, and neither carries the security headers
(:data:`~bioris.web.safety.SECURITY_HEADERS`). :class:`GuardedProtocol` closes those gaps:

- an idle connection (nothing received since it opened or since its last response) is closed
  after ``web_keep_alive_s`` (uvicorn's ``timeout_keep_alive``, now also before the first
  request);
- whatever a client sends, it must complete a request's head within
  ``web_header_timeout_s`` of the connection opening or of its last response, else it gets a
  408 JSON error (or, after a response, is closed);
- at most ``web_max_connections`` connections are open: one more closes the connection that
  has been idle longest, and when none is idle, the new connection's request gets a 503 JSON
  error at once (with ``Retry-After: 1``) and the connection is closed; one that sends
  nothing is closed after a second;
- the 400, 408 and 503 the server writes itself are JSON errors, ``{"status", "message"}``,
  with the security headers, as the app's own errors are.

The limits travel on uvicorn's :class:`~uvicorn.Config` (:func:`configure`), which uvicorn
also hands to its worker processes.
"""

from __future__ import annotations

import asyncio
import http
import itertools
import logging
import time
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from bioris.web.safety import (
    SECURITY_HEADERS,
    Message,
    Receive,
    Scope,
    Send,
    error_body,
    send_error,
    with_security_headers,
)

__all__ = ["EXCESS_WAIT_S", "ConnectionLimits", "GuardedProtocol", "configure"]

log = logging.getLogger("bioris.web")

#: how long a connection over ``web_max_connections`` may take to send its request (its
#: answer is a 503 either way) before it is closed, in seconds
EXCESS_WAIT_S = 1.0
# At most one warning about refused connections per this many seconds (a flood would
# otherwise flood the log too).
_WARN_EVERY_S = 10.0
_LIMITS_ATTRIBUTE = "bioris_connection_limits"
# Orders the connections' last activity (the event loop's clock may tick by milliseconds).
_ACTIVITY = itertools.count(1)


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """The limits of :class:`GuardedProtocol` (the settings of the same names)."""

    web_header_timeout_s: float = 10
    web_max_connections: int = 256


def configure(config: Config, limits: ConnectionLimits, keep_alive_s: float) -> Config:
    """``config`` set to serve with :class:`GuardedProtocol` under ``limits``: idle
    connections closed after ``keep_alive_s``, uvicorn's own ``limit_concurrency`` off (the
    protocol limits connections, :class:`~bioris.web.safety.ConcurrencyLimit` requests), no
    WebSocket upgrades."""
    config.http = GuardedProtocol
    # No WebSocket upgrades (the explorer has none): with the websockets package installed,
    # uvicorn would answer an upgrade request itself, without the security headers.
    config.ws = "none"
    config.timeout_keep_alive = keep_alive_s  # type: ignore[assignment]
    config.limit_concurrency = None
    setattr(config, _LIMITS_ATTRIBUTE, limits)
    return config


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol with timeouts, a connection limit and JSON errors carrying the
    security headers (see the module docstring)."""

    _last_warning = 0.0

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits: ConnectionLimits = getattr(config, _LIMITS_ATTRIBUTE, ConnectionLimits())
        # uvicorn runs self.app for each request: the gate answers a connection over the
        # limit, and passes the others on.
        self._inner_app = self.app
        self.app = self._gate
        self._head_timer: asyncio.TimerHandle | None = None
        self._heard = False  # bytes received since the connection opened or its last response
        self._active_at = 0  # when it was last active, in the order of all connections
        self.excess = False

    # -- the connection's life -----------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._active_at = next(_ACTIVITY)
        if _open_count(self.connections) > self.limits.web_max_connections:
            self.excess = not _close_longest_idle(self.connections, self)
            if self.excess:
                _warn_refused(self.limits.web_max_connections)
        idle_s = EXCESS_WAIT_S if self.excess else self.timeout_keep_alive
        head_s = self.limits.web_header_timeout_s
        self.timeout_keep_alive_task = self.loop.call_later(idle_s, self.timeout_keep_alive_handler)
        self._arm_head_timer(min(head_s, EXCESS_WAIT_S) if self.excess else head_s)

    def data_received(self, data: bytes) -> None:
        self._heard = True
        self._active_at = next(_ACTIVITY)
        super().data_received(data)

    def on_response_complete(self) -> None:
        self._heard = False
        self._active_at = next(_ACTIVITY)
        if not self.transport.is_closing():
            # armed first: a pipelined request that super() starts serving is in time
            self._arm_head_timer(self.limits.web_header_timeout_s)
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)

    @property
    def idle(self) -> bool:
        """Open, between requests, and nothing of a next request received."""
        serving = self.cycle is not None and not self.cycle.response_complete
        return not (self._heard or serving or self.transport.is_closing())

    # -- timeouts ------------------------------------------------------------------------

    def _arm_head_timer(self, seconds: float) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(seconds, self._head_timeout)

    def _head_timeout(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self.idle:
            return  # closed, or idle: the keep-alive timer closes it
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request came in time and is being served
        if self.conn.our_state is h11.IDLE and self.conn.their_state is h11.IDLE:
            seconds = self.limits.web_header_timeout_s
            message = f"request not received in time (web_header_timeout_s={seconds:g})"
            self._write_error(408, message)
        else:  # a request body still trickling in after its response: nothing to answer
            self.transport.close()

    # -- the server's own errors ---------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        """A malformed request (h11 refused it): a JSON 400 with the security headers."""
        del msg  # uvicorn's words; ours say the same in the API's format
        self._write_error(400, "invalid HTTP request")

    def _write_error(self, status: int, message: str) -> None:
        """Write a complete JSON error response and close the connection (h11 is bypassed:
        the request may be unfinished or unparseable, where h11 would refuse to answer)."""
        body = error_body(status, message)
        headers = [
            *self.server_state.default_headers,
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *SECURITY_HEADERS,
        ]
        lines = [b"HTTP/1.1 %d %s" % (status, http.HTTPStatus(status).phrase.encode())]
        lines += [name + b": " + value for name, value in headers]
        self.transport.write(b"\r\n".join([*lines, b"", body]))
        self.transport.close()

    async def _gate(self, scope: Scope, receive: Receive, send: Send) -> None:
        """What uvicorn runs for a request: the app, unless the connection is over the limit
        (a 503). Below the app's own guards, and so also for its framework's errors
        (starlette's plain 500) and for an app that fails or ends without answering (where
        uvicorn would write a plain-text 500): every response gets the security headers."""
        if scope["type"] != "http":
            await self._inner_app(scope, receive, send)
            return
        if self.excess:
            limit = self.limits.web_max_connections
            message = (
                f"server busy: web_max_connections={limit} connections are open and busy; "
                "retry in a moment"
            )
            extra = ((b"retry-after", b"1"), (b"connection", b"close"), *SECURITY_HEADERS)
            await send_error(send, 503, message, extra)
            return
        started = False

        async def guarded(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": with_security_headers(message["headers"])}
            await send(message)

        try:
            await self._inner_app(scope, receive, guarded)
        except Exception:
            if started:
                raise  # uvicorn closes the connection: the response cannot be completed
            log.exception("unexpected error serving %s %s", scope["method"], scope["path"])
        else:
            if started or (self.cycle is not None and self.cycle.disconnected):
                return
            log.error("the app ended without answering %s %s", scope["method"], scope["path"])
        message = "internal error; the server log has the details"
        await send_error(send, 500, message, SECURITY_HEADERS)


def _open_count(connections: set[Any]) -> int:
    return sum(1 for c in connections if not c.transport.is_closing())


def _close_longest_idle(connections: set[Any], newcomer: GuardedProtocol) -> bool:
    """Close the connection idle longest (not ``newcomer``); False when none is idle."""
    idle = [c for c in connections if c is not newcomer and getattr(c, "idle", False)]
    if not idle:
        return False
    min(idle, key=lambda c: c._active_at).timeout_keep_alive_handler()
    return True


def _warn_refused(limit: int) -> None:
    now = time.monotonic()
    if now - GuardedProtocol._last_warning >= _WARN_EVERY_S:
        GuardedProtocol._last_warning = now
        log.warning(
            "web_max_connections=%d connections are open and none is idle: new connections "
            "get a 503 (this is said at most every %g s)",
            limit,
            _WARN_EVERY_S,
        )
