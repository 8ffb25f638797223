"""The FastAPI application of the read-only explorer (:func:`serve` runs it, see
:mod:`bioris.web.serving`).

:func:`create_app` reads the store's study once (read-only), mounts the JSON API under
``/api``, the API reference at ``/docs`` (a page of our own over ``/openapi.json``: Swagger
UI would load scripts from a CDN and run inline script, which the CSP forbids), the browser
UI's static files at ``/`` and ``/static``, plotly.js from the plotly package at
``/static/vendor/plotly.min.js`` (offline), and wraps everything in the guards of
:mod:`bioris.web.safety`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Annotated

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from bioris import __version__
from bioris.errors import BiorisError, LimitExceeded
from bioris.study import VocabularyError
from bioris.web.api import MAX_TEXT_CHARS, ApiError, build_router
from bioris.web.config import WebSettings
from bioris.web.safety import (
    AllowedHosts,
    CatchAll,
    ConcurrencyLimit,
    HostGuard,
    MethodGuard,
    ResponseGuard,
    SecurityHeaders,
)
from bioris.web.service import ExplorerService, ParameterError
from bioris.web.serving import serve

__all__ = ["PLOTLY_JS", "STATIC_DIR", "create_app", "serve"]

log = logging.getLogger("bioris.web")

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
APIDOCS_DIR = WEB_DIR / "apidocs"
PLOTLY_JS = Path(str(files("plotly") / "package_data" / "plotly.min.js"))
# The UI's pages: each path serves its own file when the UI has one, else index.html (the
# UI routes on the client).
PAGES = {"/": "index.html", "/deals": "deals.html", "/regions": "regions.html"}


def create_app(
    store_path: str | Path, *, warm: bool = False, **overrides: int | str | None
) -> FastAPI:
    """The explorer app over the store at ``store_path``.

    Parameters
    ----------
    store_path : path
        A bioris store; opened read-only (``mode=ro``, ``PRAGMA query_only``), never migrated.
        Its study decides the regions, the panel, the layers, the period and the default
        window (:class:`~bioris.study.Study`).
    warm : bool
        Compute what visitors ask for before returning: the default window's measures,
        rankings and tables, and its whole network in every year (else the first request
        that needs each does; :func:`serve` warms in the background).
    **overrides : int, str or None
        A web setting (a field of :class:`~bioris.web.config.WebSettings`: page sizes,
        limits, cache sizes, allowed hosts, ...) by name; ``None`` keeps the environment's
        ``BIORIS_<NAME>`` or the default (docs/settings.md).

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
        description="Read-only JSON API over a bioris store and its study: actors placed in "
        "the study's regions, deals, the yearly network of the study's layers, network "
        "measures, the panel's preferred partners and the regions compared. "
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
    # Not uvicorn's limit_concurrency: that counts open connections (idle keep-alive ones
    # too, so six browser tabs could use up a small limit), answers a plain-text 503 with
    # none of our headers, and does not exist under other servers or the test client. This
    # counts requests in flight and answers the API's JSON error; uvicorn's limit stays as a
    # backstop against floods of connections (bioris.web.serving).
    app.add_middleware(ConcurrencyLimit, limit=limits.max_concurrent_requests)
    app.add_middleware(MethodGuard)
    app.add_middleware(CatchAll)
    app.add_middleware(HostGuard, allowed=AllowedHosts(limits.web_allowed_hosts))
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

    # A vocabulary value or a name the study does not know: the message names the parameter
    # and lists the allowed values (or the closest names), as the CLI's errors do.
    @app.exception_handler(VocabularyError)
    async def unknown_value(_: Request, exc: VocabularyError) -> JSONResponse:
        return _error(422, str(exc))

    @app.exception_handler(ParameterError)
    async def unknown_name(_: Request, exc: ParameterError) -> JSONResponse:
        return _error(422, str(exc))

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
