"""The read-only web explorer: a JSON API (``/api``, documented at ``/docs``) and the browser
UI's files, over a store's study, opened read-only.

``create_app(store_path, ...)`` builds the FastAPI app; ``serve(store, host, port, ...)`` runs
it with uvicorn, bound to 127.0.0.1 unless told otherwise. FastAPI and uvicorn come with the
``web`` extra (``pip install 'bioris[web]'``).

Both are imported on first use, so that importing a module of this package (uvicorn's
worker processes import :mod:`bioris.web.serving`) loads neither the app nor igraph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bioris.errors import BiorisError

if TYPE_CHECKING:
    from bioris.web.app import create_app, serve

__all__ = ["create_app", "serve"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        from bioris.web import app
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
        if exc.name not in {"fastapi", "starlette", "pydantic", "uvicorn"}:
            raise
        raise BiorisError(
            f"the web explorer needs {exc.name}: install bioris with the web extra "
            "(pip install 'bioris[web]')"
        ) from exc
    return getattr(app, name)
