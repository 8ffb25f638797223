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
caches, so memory grows with the number of workers.

This module imports neither igraph nor the app at import time: a worker imports them in the
thread that will run the network computations.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
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

__all__ = ["STORE_ENV", "WARM_ENV", "WORKER_HEALTHCHECK_S", "serve", "worker_app"]

log = logging.getLogger("bioris.web")

#: the store a worker process serves
STORE_ENV = "BIORIS_STORE"
#: "1" when a worker computes the default view's caches at start-up
WARM_ENV = "BIORIS_WEB_WARM"
#: how long uvicorn's supervisor waits for a worker to answer its ping before replacing it.
#: igraph holds the GIL while it computes (a sampled betweenness of a large network takes
#: seconds), so a busy worker cannot answer at once; uvicorn's default (5 s) would replace it.
WORKER_HEALTHCHECK_S = 120
# connections uvicorn accepts per process, as a multiple of max_concurrent_requests (requests
# in flight are limited by bioris.web.safety.ConcurrencyLimit; see create_app)
_CONNECTIONS_PER_REQUEST = 4


def serve(
    store: str | Path,
    host: str | None = None,
    port: int | None = None,
    *,
    workers: int | None = None,
    warm: bool = True,
    log_level: str = "info",
    **overrides: int | None,
) -> None:
    """Serve the explorer over ``store`` with uvicorn until interrupted (Ctrl-C, SIGTERM).

    ``host`` is the ``web_host`` setting by default (127.0.0.1: this machine only),
    ``port`` the ``web_port`` setting (8000) and ``workers`` the ``web_workers`` setting
    (1): the number of server processes. ``overrides`` are those of
    :func:`~bioris.web.app.create_app`. With ``warm``, the default window's measures, the
    deals' JSON and every year's snapshot are computed while the server starts. Call it from
    the main thread.

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
    if count > 1:
        _serve_workers(store, host, port, count, warm=warm, log_level=log_level, **overrides)
        return
    _serve_one(store, host, port, warm=warm, log_level=log_level, **overrides)


def _serve_one(
    store: str | Path, host: str, port: int, *, warm: bool, log_level: str, **overrides: int | None
) -> None:
    import uvicorn  # the web extra; only needed to serve

    from bioris.web.app import create_app

    app = create_app(store, **overrides)
    service: ExplorerService = app.state.service
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        server_header=False,
        limit_concurrency=_CONNECTIONS_PER_REQUEST * service.settings.max_concurrent_requests,
    )
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
    **overrides: int | None,
) -> None:
    """Run ``workers`` processes under uvicorn's supervisor (see the module docstring)."""
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    # What every worker would refuse is refused here, once, before any process starts.
    limits = WebSettings.resolve(**overrides)
    open_store(store, read_only=True, create=False).close()
    environment = {STORE_ENV: str(Path(store).resolve()), WARM_ENV: "1" if warm else "0"}
    environment |= {f"BIORIS_{k.upper()}": str(v) for k, v in overrides.items() if v is not None}
    config = uvicorn.Config(
        f"{__name__}:worker_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        server_header=False,
        limit_concurrency=_CONNECTIONS_PER_REQUEST * limits.max_concurrent_requests,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
    )
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


def worker_app() -> FastAPI:
    """The app of one of uvicorn's worker processes (``factory=True``), over the store in
    ``BIORIS_STORE``.

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
