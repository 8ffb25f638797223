"""Serving the explorer with uvicorn: one process, or several under uvicorn's supervisor.

:func:`serve` takes its address, its number of processes and its limits from the settings,
like every other part of bioris (``web_host``, ``web_port``, ``web_workers``,
``max_concurrent_requests``, ...; docs/settings.md).

With one process, the server runs in a thread of this process and the main thread does the
network computations (:class:`~bioris.web.runtime.GraphThread`: igraph must run in the thread
that imported it). With ``workers`` above 1, uvicorn's own multi-process supervisor runs them
(``uvicorn.supervisors.Multiprocess``: it binds the address once, starts that many worker
processes on it, pings them, replaces one that dies, and stops them all on Ctrl-C or
SIGTERM). Each worker builds its app with :func:`worker_app` (uvicorn's ``factory=True``)
from the environment: the store path in ``BIORIS_STORE``, the setting overrides as the
settings' own ``BIORIS_<NAME>`` variables. Each worker reads the store and computes its own
caches, so memory grows with the number of workers. A worker ends with its supervisor, even
one killed with SIGKILL (which cannot stop its workers itself): on Linux the kernel sends the
worker SIGTERM when the supervisor dies (``prctl(PR_SET_PDEATHSIG)``), and everywhere a thread
of the worker notices that its parent changed and stops it (:func:`end_with_supervisor`), so
that the address is free for a new server within seconds.

Both serve with :class:`~bioris.web.protocol.GuardedProtocol`: timeouts for idle and
half-sent connections, ``web_max_connections``, and JSON errors with the security headers
for the errors uvicorn writes itself.

This module imports neither igraph nor the app at import time: a worker imports them in the
thread that will run the network computations.
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bioris import settings
from bioris.errors import BiorisError
from bioris.store import open_store
from bioris.web.config import WebSettings
from bioris.web.runtime import stop_signals

if TYPE_CHECKING:
    from fastapi import FastAPI

    from bioris.web.service import ExplorerService

__all__ = [
    "STORE_ENV",
    "SUPERVISOR_ENV",
    "WARM_ENV",
    "WORKER_HEALTHCHECK_S",
    "end_with_supervisor",
    "serve",
    "worker_app",
]

log = logging.getLogger("bioris.web")

#: the store a worker process serves
STORE_ENV = "BIORIS_STORE"
#: "1" when a worker computes the default view's caches at start-up
WARM_ENV = "BIORIS_WEB_WARM"
#: the process id of the supervisor a worker ends with
SUPERVISOR_ENV = "BIORIS_WEB_SUPERVISOR"
#: how long uvicorn's supervisor waits for a worker to answer its ping before replacing it.
#: igraph holds the GIL while it computes (a sampled betweenness of a large network takes
#: seconds), so a busy worker cannot answer at once; uvicorn's default (5 s) would replace it.
WORKER_HEALTHCHECK_S = 120
# How often a worker looks whether its supervisor is still its parent, and how long it then
# has to stop gracefully before it exits anyway, in seconds.
_PARENT_POLL_S = 0.5
_STOP_GRACE_S = 5.0
# Linux's prctl option that asks for a signal when the parent dies.
_PR_SET_PDEATHSIG = 1


def serve(
    store: str | Path,
    host: str | None = None,
    port: int | None = None,
    *,
    workers: int | None = None,
    warm: bool = True,
    log_level: str = "info",
    **overrides: int | str | None,
) -> None:
    """Serve the explorer over ``store`` with uvicorn until interrupted (Ctrl-C, SIGTERM).

    ``host`` is the ``web_host`` setting by default (127.0.0.1: this machine only),
    ``port`` the ``web_port`` setting (8000) and ``workers`` the ``web_workers`` setting
    (1): the number of server processes. ``overrides`` are those of
    :func:`~bioris.web.app.create_app`, the connection limits (``web_keep_alive_s``,
    ``web_header_timeout_s``, ``web_max_connections``) and ``web_allowed_hosts`` among them;
    serving on an address its hosts do not name logs a warning. With ``warm``, the default
    window's measures, the deals' JSON and every year's snapshot are computed while the
    server starts. Call it from the main thread.

    Raises
    ------
    BiorisError
        When the server could not start (a setting is out of range, the store is not a
        bioris store, the address is taken, a worker could not start, ...).
    """
    host = str(settings.get("web_host")) if host is None else host
    port = int(settings.get("web_port")) if port is None else port
    count = int(settings.get("web_workers")) if workers is None else workers
    if count < 1:
        raise BiorisError(f"workers must be at least 1, not {count}")
    _warn_about_hosts(host, WebSettings.resolve(**overrides).web_allowed_hosts)
    if count > 1:
        _serve_workers(store, host, port, count, warm=warm, log_level=log_level, **overrides)
        return
    _serve_one(store, host, port, warm=warm, log_level=log_level, **overrides)


def _serve_one(
    store: str | Path,
    host: str,
    port: int,
    *,
    warm: bool,
    log_level: str,
    **overrides: int | str | None,
) -> None:
    import uvicorn  # the web extra; only needed to serve

    from bioris.web.app import create_app

    app = create_app(store, **overrides)
    service: ExplorerService = app.state.service
    config = _config(uvicorn.Config(app, host=host, port=port, log_level=log_level,
                                    server_header=False), service.settings)  # fmt: skip
    server = uvicorn.Server(config)
    warming = threading.Thread(target=_warm, args=(service,), daemon=True)
    if threading.current_thread() is not threading.main_thread():
        if warm:
            warming.start()
        server.run()  # igraph then runs in the worker threads (see GraphThread)
        _check_started(server, config)
        return
    thread = threading.Thread(target=server.run, name="bioris-web", daemon=True)

    def start() -> None:  # once the main thread takes the network computations
        thread.start()
        if warm:
            warming.start()

    def stop() -> None:
        server.should_exit = True

    try:
        with stop_signals(stop):
            service.graph_thread.run(keep_going=thread.is_alive, on_start=start)
    finally:
        server.should_exit = True
        if thread.is_alive():
            thread.join(timeout=30)
    _check_started(server, config)


def _serve_workers(
    store: str | Path,
    host: str,
    port: int,
    workers: int,
    *,
    warm: bool,
    log_level: str,
    **overrides: int | str | None,
) -> None:
    """Run ``workers`` processes under uvicorn's supervisor (see the module docstring)."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    # What every worker would refuse is refused here, once, before any process starts.
    limits = WebSettings.resolve(**overrides)
    open_store(store, read_only=True, create=False).close()
    environment = {STORE_ENV: str(Path(store).resolve()), WARM_ENV: "1" if warm else "0",
                   SUPERVISOR_ENV: str(os.getpid())}  # fmt: skip
    environment |= {f"BIORIS_{k.upper()}": str(v) for k, v in overrides.items() if v is not None}
    config = uvicorn.Config(
        f"{__name__}:worker_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        server_header=False,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
    )
    config = _config(config, limits)
    with _environment(environment), _signals_restored():
        try:
            sock = config.bind_socket()
        except SystemExit:  # uvicorn logged why (the address is taken, ...) and exits
            raise BiorisError(f"could not serve on {host}:{port} (see the log above)") from None
        try:
            supervisor = Multiprocess(config, sockets=[sock])
            supervisor.run()
        finally:
            sock.close()
    # uvicorn stops every worker when one cannot start (rather than restarting it forever)
    if any(p.exitcode == STARTUP_FAILURE for p in supervisor.processes):
        raise BiorisError(
            "a server process could not start (see the log above); the others were stopped"
        )


def _warn_about_hosts(host: str, allowed: str) -> None:
    """Say so when clients reaching the server at ``host`` would be refused: the address is
    not one of ``web_allowed_hosts`` (0.0.0.0: they must use a name the setting lists)."""
    from bioris.web.safety import AllowedHosts

    hosts = AllowedHosts(allowed)
    if hosts.any or hosts.allows(host if ":" not in host else f"[{host}]"):
        return
    log.warning(
        "serving on %s, but only requests to %s are answered (web_allowed_hosts): set "
        "BIORIS_WEB_ALLOWED_HOSTS to the names clients use",
        host,
        allowed,
    )


def _config(config: Any, limits: WebSettings) -> Any:
    """uvicorn's ``config`` with the connection settings (:mod:`bioris.web.protocol`)."""
    from bioris.web.protocol import ConnectionLimits, configure

    connections = ConnectionLimits(limits.web_header_timeout_s, limits.web_max_connections)
    return configure(config, connections, keep_alive_s=limits.web_keep_alive_s)


def worker_app() -> FastAPI:
    """The app of one of uvicorn's worker processes (``factory=True``), over the store in
    ``BIORIS_STORE``; the worker ends with its supervisor (:func:`end_with_supervisor`).

    A thread of its own imports igraph and the app, builds the app and then runs the
    network computations (:class:`~bioris.web.runtime.GraphThread`) while this thread runs
    uvicorn's event loop. When igraph is already imported here (the program that started the
    server imports it at its top level, and ``spawn`` ran that again in this process), the
    computations run on the event loop instead: safe, but they hold up this worker's
    requests while they run. A failure exits with uvicorn's start-up failure code, so that
    its supervisor stops instead of starting the worker again and again.
    """
    from uvicorn.config import STARTUP_FAILURE

    store = os.environ[STORE_ENV]
    warm = os.environ.get(WARM_ENV) == "1"
    supervisor = os.environ.get(SUPERVISOR_ENV)
    if supervisor:
        end_with_supervisor(int(supervisor))
    try:
        if "igraph" in sys.modules:
            return _app_on_event_loop(store, warm)
        ready: Future[FastAPI] = Future()
        graph = threading.Thread(
            target=_graph_main, args=(store, warm, ready), name="bioris-graph", daemon=True
        )
        graph.start()
        return ready.result()
    except Exception as exc:
        log.error("the explorer could not start: %s", exc)
        sys.exit(STARTUP_FAILURE)


def end_with_supervisor(supervisor: int) -> None:
    """Stop this process when its parent, the process ``supervisor``, ends (even killed with
    SIGKILL): SIGTERM (uvicorn's graceful stop), then, after a few seconds, exit anyway.

    On Linux the kernel sends the signal at once (``prctl(PR_SET_PDEATHSIG)``); everywhere,
    a daemon thread compares the parent process id every half second (an orphan is adopted by
    another process). A supervisor already gone when this runs stops this process at once.
    """
    _parent_death_signal(signal.SIGTERM)
    watcher = threading.Thread(
        target=_watch_parent, args=(supervisor,), name="bioris-supervisor-watch", daemon=True
    )
    watcher.start()


def _parent_death_signal(sig: signal.Signals) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent dies; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no libc prctl: the watcher alone
        return False


def _watch_parent(supervisor: int) -> None:
    while os.getppid() == supervisor:
        time.sleep(_PARENT_POLL_S)
    log.warning("the server's supervisor (process %d) ended: this worker stops", supervisor)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(_STOP_GRACE_S)
    os._exit(1)  # still here: uvicorn did not stop in time (a long request)


def _graph_main(store: str, warm: bool, ready: Future[FastAPI]) -> None:
    try:
        from bioris.web.app import create_app  # imports igraph in this thread

        app = create_app(store)
    except BaseException as exc:
        ready.set_exception(exc)
        return
    service: ExplorerService = app.state.service

    def start() -> None:
        ready.set_result(app)
        if warm:
            threading.Thread(target=_warm, args=(service,), daemon=True).start()

    service.graph_thread.run(on_start=start)


def _app_on_event_loop(store: str, warm: bool) -> FastAPI:
    from bioris.web.app import create_app

    log.warning(
        "igraph was imported before the server started (by the program that started it): "
        "this worker computes the network on its event loop, which holds up its requests "
        "meanwhile; start the server with `bioris serve`, or import bioris.analytics and "
        "bioris.study inside `if __name__ == '__main__':`"
    )
    app = create_app(store)
    service: ExplorerService = app.state.service
    service.graph_thread.attach(asyncio.get_running_loop(), threading.current_thread())
    if warm:
        threading.Thread(target=_warm, args=(service,), daemon=True).start()
    return app


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """Within it, ``values`` are set in the environment (the worker processes inherit it)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _signals_restored() -> Iterator[None]:
    """uvicorn's supervisor takes over the process's signals for good; give them back."""
    names = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGTTIN", "SIGTTOU", "SIGUSR1",
             "SIGUSR2", "SIGWINCH", "SIGBREAK")  # fmt: skip
    kept = {sig: signal.getsignal(sig) for n in names if (sig := getattr(signal, n, None))}
    try:
        yield
    finally:
        for sig, handler in kept.items():
            if handler is not None:
                signal.signal(sig, handler)


def _check_started(server: Any, config: Any) -> None:
    # uvicorn logs why it could not start (e.g. the port is taken) and ends its thread.
    if not server.started:
        raise BiorisError(f"could not serve on {config.host}:{config.port} (see the log above)")


def _warm(service: ExplorerService) -> None:
    try:
        service.warm()
    except Exception:  # the requests that need it will compute it and report any error
        log.exception("warming the explorer's caches failed")
