"""The read-only web explorer: a JSON API (``/api``, documented at ``/docs``) and the browser
UI's files, over a store opened read-only.

``create_app(store_path, ...)`` builds the FastAPI app; ``serve(store, host, port, ...)`` runs
it with uvicorn, bound to 127.0.0.1 unless told otherwise. FastAPI and uvicorn come with the
``web`` extra (``pip install 'bioris[web]'``).
"""

from __future__ import annotations

from bioris.errors import BiorisError

try:
    from bioris.web.app import create_app, serve
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
    if exc.name not in {"fastapi", "starlette", "pydantic", "uvicorn"}:
        raise
    raise BiorisError(
        f"the web explorer needs {exc.name}: install bioris with the web extra "
        "(pip install 'bioris[web]')"
    ) from exc

__all__ = ["create_app", "serve"]
