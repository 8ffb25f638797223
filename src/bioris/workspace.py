"""Where a user's store lives, and how a new one gets the bundled dataset and its study.

The store is ``--store PATH`` when given, else ``$BIORIS_STORE``, else ``bioris.sqlite`` in
the per-user data directory (created with the bundled dataset on first use).
"""

from __future__ import annotations

import json
import os
from contextlib import ExitStack
from importlib.resources import as_file
from pathlib import Path

from platformdirs import user_data_dir

from bioris.data import DATASET_NAME, bundled_files, study_file
from bioris.errors import StoreError
from bioris.ingest.importer import ImportReport, import_files
from bioris.ingest.study_file import load_study_file
from bioris.store import Store, open_store

__all__ = [
    "default_store_path",
    "init_store",
    "load_bundled",
    "open_user_store",
]


def default_store_path() -> Path:
    """``$BIORIS_STORE`` if set, else the per-user data directory's ``bioris.sqlite``."""
    env = os.environ.get("BIORIS_STORE")
    if env:
        return Path(env)
    return Path(user_data_dir("bioris", appauthor=False)) / "bioris.sqlite"


def load_bundled(store: Store) -> ImportReport:
    """Import the bundled dataset into ``store`` (one transaction) and store its study."""
    with ExitStack() as stack:
        study_path = stack.enter_context(as_file(study_file()))
        definition, text = load_study_file(study_path)
        paths = [stack.enter_context(as_file(f)) for f in bundled_files()]
        report = import_files(store, list(paths), study=definition)
    with store.transaction():
        store.meta_set("dataset", DATASET_NAME)
        store.set_study(json.dumps(definition.to_dict(), ensure_ascii=False), text)
    return report


def init_store(path: str | Path, *, empty: bool = False) -> tuple[Path, ImportReport | None]:
    """Create a store at ``path``, loaded with the bundled dataset unless ``empty``.

    An existing store is an error: it is never overwritten.
    """
    target = Path(path)
    if target.exists():
        raise StoreError(f"{target}: a file already exists; choose another path or delete it")
    try:
        with open_store(target) as store:
            return target, None if empty else load_bundled(store)
    except BaseException:
        for leftover in (target, *(Path(f"{target}{s}") for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)  # a failed init leaves nothing behind
        raise


def open_user_store(path: str | Path | None, *, read_only: bool = False) -> Store:
    """Open the store a command works on; the default store is created on first use.

    A store made by an older bioris is upgraded (its migrations run) before a command reads
    it, so read-only commands work on it too.
    """
    target = Path(path) if path is not None else default_store_path()
    if path is None and not target.exists():
        init_store(target)
    if read_only and target.is_file() and os.access(target, os.W_OK):
        open_store(target, create=False).close()  # applies pending migrations, if any
    return open_store(target, read_only=read_only, create=False)
