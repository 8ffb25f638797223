"""The FastAPI application of the read-only explorer, and :func:`serve` to run it.

:func:`create_app` reads the store once (read-only), mounts the JSON API under ``/api``, the
API reference at ``/docs`` (a page of our own over ``/openapi.json``: Swagger UI would load
scripts from a CDN and run inline script, which the CSP forbids), the browser UI's static
files at ``/`` and ``/static``, plotly.js from the plotly package at
``/static/vendor/plotly.min.js`` (offline), and wraps everything in the guards of
:mod:`bioris.web.safety`.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from bioris import __version__, settings
from bioris.errors import BiorisError, LimitExceeded
from bioris.web.api import MAX_TEXT_CHARS, ApiError, build_router
from bioris.web.config import WebSettings
from bioris.web.runtime import stop_signals
from bioris.web.safety import (
    CatchAll,
    ConcurrencyLimit,
    MethodGuard,
    ResponseGuard,
    SecurityHeaders,
)
from bioris.web.service import ExplorerService

__all__ = ["PLOTLY_JS", "STATIC_DIR", "create_app", "serve"]

log = logging.getLogger("bioris.web")

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
APIDOCS_DIR = WEB_DIR / "apidocs"
PLOTLY_JS = Path(str(files("plotly") / "package_data" / "plotly.min.js"))
# The UI's pages: each path serves its own file when the UI has one, else index.html (the
# UI routes on the client).
PAGES = {"/": "index.html", "/deals": "deals.html", "/regions": "regions.html"}


def create_app(store_path: str | Path, *, warm: bool = False, **overrides: int | None) -> FastAPI:
    """The explorer app over the store at ``store_path``.

    Parameters
    ----------
    store_path : path
        A bioris store; opened read-only (``mode=ro``, ``PRAGMA query_only``), never migrated.
    warm : bool
        Compute what visitors ask for before returning: the default window's measures,
        rankings and tables, and its whole network in every year (else the first request
        that needs each does; :func:`serve` warms in the background).
    **overrides : int or None
        A web setting (a field of :class:`~bioris.web.config.WebSettings`: page sizes,
        limits, cache sizes, ``tie_lifetime_years``, ...) by name; ``None`` keeps the
        environment's ``BIORIS_<NAME>`` or the default (docs/settings.md).

    Raises
    ------
    StoreError
        When the store is missing, not a bioris store, or of another schema version.
    BiorisError
        When a setting is unknown or out of range.
    """
    limits = WebSettings.resolve(**overrides)
    service = ExplorerService(store_path, limits)
    threads = limits.web_worker_threads
    if warm:
        service.warm()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # FastAPI runs the (sync) routes in anyio's worker threads of this event loop.
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield
        service.close()

    app = FastAPI(
        title="bioris explorer",
        version=__version__,
        description="Read-only JSON API over a bioris store: actors, alliances, the yearly "
        "alliance network, network measures, preferred partners and regional indicators. "
        'Every error is `{"status": <int>, "message": <text>}`. GET and HEAD only.',
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.service = service
    _add_error_handlers(app)
    app.include_router(build_router(service))
    _add_pages(app)
    # add_middleware wraps: the last added is the outermost.
    app.add_middleware(ResponseGuard, max_bytes=limits.max_response_kb * 1024)
    app.add_middleware(ConcurrencyLimit, limit=limits.max_concurrent_requests)
    app.add_middleware(MethodGuard)
    app.add_middleware(CatchAll)
    app.add_middleware(SecurityHeaders)
    return app


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"status": status, "message": message}, status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors():
            where = [str(p) for p in error.get("loc", ()) if p not in ("query", "path")]
            name = ".".join(where) or "request"
            problems.append(f"{name}: {error.get('msg', 'invalid')}")
        return _error(422, "invalid parameter " + "; ".join(problems))

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        message = "not found" if exc.status_code == 404 else str(exc.detail)
        return _error(exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(LimitExceeded)
    async def over_limit(_: Request, exc: LimitExceeded) -> JSONResponse:
        return _error(503, str(exc))

    @app.exception_handler(BiorisError)
    async def failed(request: Request, exc: BiorisError) -> JSONResponse:
        # Store errors name the file; the client gets no server paths.
        log.error("error serving %s: %s", request.url.path, exc)
        return _error(500, "internal error; the server log has the details")


def _add_pages(app: FastAPI) -> None:
    def page(name: str) -> FileResponse:
        path = STATIC_DIR / name
        return FileResponse(path if path.is_file() else STATIC_DIR / "index.html")

    for route, name in PAGES.items():
        app.add_api_route(route, lambda name=name: page(name), include_in_schema=False)

    @app.get("/actor/{actor_id}", include_in_schema=False, response_class=FileResponse)
    def actor_page(actor_id: Annotated[str, PathParam(max_length=MAX_TEXT_CHARS)]) -> FileResponse:
        del actor_id  # the UI reads it from the address
        return page("actor.html")

    @app.get("/docs", include_in_schema=False, response_class=FileResponse)
    def docs() -> FileResponse:
        return FileResponse(APIDOCS_DIR / "index.html")

    @app.get("/docs/{name}", include_in_schema=False, response_class=FileResponse)
    def docs_asset(name: str) -> FileResponse:
        assets = {"docs.js": "docs.js", "docs.css": "docs.css"}
        if name not in assets:
            raise HTTPException(404)
        return FileResponse(APIDOCS_DIR / assets[name])

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False, response_class=FileResponse)
    def plotly_js() -> FileResponse:
        return FileResponse(PLOTLY_JS, media_type="text/javascript")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


def serve(
    store: str | Path,
    host: str | None = None,
    port: int | None = None,
    *,
    workers: int | None = None,
    warm: bool = True,
    log_level: str = "info",
    sockets: list[socket.socket] | None = None,
    **overrides: int | None,
) -> None:
    """Serve the explorer over ``store`` with uvicorn until interrupted (Ctrl-C, SIGTERM).

    ``host`` is the ``web_host`` setting by default (127.0.0.1: this machine only) and
    ``port`` the ``web_port`` setting (8000); ``workers`` the ``web_workers`` setting (1).
    With several workers, this process binds the address and runs that many server
    processes on it (:func:`~bioris.web.workers.serve_processes`). ``overrides`` are those of
    :func:`create_app`. With ``warm``, the default window's measures, the deals' JSON and
    every year's snapshot are computed while the server starts. Called from the main
    thread, the server runs in a second thread and the main thread does the network
    computations (:class:`~bioris.web.runtime.GraphThread`). ``sockets``: serve on these
    already bound sockets instead of binding ``host`` and ``port`` (the worker processes).

    Raises
    ------
    BiorisError
        When the server could not start (the address is taken, a worker stopped, ...).
    """
    host = str(settings.get("web_host")) if host is None else host
    port = int(settings.get("web_port")) if port is None else port
    count = int(settings.get("web_workers")) if workers is None else workers
    if count < 1:
        raise BiorisError(f"workers must be at least 1, not {count}")
    if count > 1 and sockets is None:
        from bioris.web.workers import serve_processes

        serve_processes(store, host, port, count, warm=warm, log_level=log_level, **overrides)
        return
    _serve_one(store, host, port, warm=warm, log_level=log_level, sockets=sockets, **overrides)


def _serve_one(
    store: str | Path,
    host: str,
    port: int,
    *,
    warm: bool,
    log_level: str,
    sockets: list[socket.socket] | None,
    **overrides: int | None,
) -> None:
    import uvicorn  # the web extra; only needed to serve

    app = create_app(store, **overrides)
    service: ExplorerService = app.state.service
    limit = service.settings.max_concurrent_requests
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        server_header=False,
        # A backstop for floods of connections; requests are limited by ConcurrencyLimit.
        limit_concurrency=4 * limit,
    )
    server = uvicorn.Server(config)

    def run() -> None:
        if sockets is None:
            server.run()
        else:
            server.run(sockets=sockets)

    warming = threading.Thread(target=_warm, args=(service,), daemon=True)
    if threading.current_thread() is not threading.main_thread():
        if warm:
            warming.start()
        run()  # igraph then runs in the worker threads (see GraphThread)
        _check_started(server, config)
        return
    thread = threading.Thread(target=run, name="bioris-web", daemon=True)

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


def _check_started(server: Any, config: Any) -> None:
    # uvicorn logs why it could not start (e.g. the port is taken) and ends its thread.
    if not server.started:
        raise BiorisError(f"could not serve on {config.host}:{config.port} (see the log above)")


def _warm(service: ExplorerService) -> None:
    try:
        service.warm()
    except Exception:  # the requests that need it will compute it and report any error
        log.exception("warming the explorer's caches failed")
