"""Where a user's store lives, and how a new one gets the bundled dataset and its study.

The store is ``--store PATH`` when given, else ``$BIORIS_STORE``, else ``bioris.sqlite`` in
the per-user data directory (created with the bundled dataset on first use).
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import ExitStack
from importlib.resources import as_file
from pathlib import Path

from platformdirs import user_data_dir

from bioris.data import DATASET_NAME, bundled_files, study_file
from bioris.errors import StoreError
from bioris.ingest.importer import ImportReport, import_files
from bioris.ingest.study_file import load_study_file
from bioris.store import SCHEMA_VERSION, Store, open_store

__all__ = [
    "backup_store",
    "default_store_path",
    "init_store",
    "load_bundled",
    "open_user_store",
    "upgrade_store",
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
    detail = {"study": definition.name, "file": "the bundled study.toml"}
    with store.transaction(action="study load", detail=detail):
        store.meta_set("dataset", DATASET_NAME)
        store.set_study(json.dumps(definition.to_dict(), ensure_ascii=False), text)
    return report


def init_store(path: str | Path, *, empty: bool = False) -> tuple[Path, ImportReport | None]:
    """Create a store at ``path``, loaded with the bundled dataset unless ``empty``.

    The store is built under a temporary name beside ``path`` and put in place only when
    complete (a hard link, which never replaces a file), so an interrupted init leaves no
    store behind and a reader never sees a half-made one. An existing file is never
    overwritten: it is an error.
    """
    target = Path(path)
    if target.exists():
        raise StoreError(f"{target}: a file already exists; choose another path or delete it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                        dir=target.parent)  # fmt: skip
        os.close(handle)
    except OSError as exc:
        raise StoreError(f"{target}: cannot create the store: {exc}") from None
    partial = Path(name)
    partial.unlink()  # open_store creates it, as a new store
    try:
        with open_store(partial) as store:
            report = None if empty else load_bundled(store)
            store.checkpoint()  # everything in the main file before it is linked
        _link(partial, target)
        return target, report
    finally:
        for leftover in (partial, *(Path(f"{partial}{s}") for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def _link(partial: Path, target: Path) -> None:
    try:
        os.link(partial, target)  # atomic, and never over a file that appeared meanwhile
    except FileExistsError:
        raise StoreError(
            f"{target}: a file appeared there while the store was being made (another "
            "`bioris init`?); nothing was replaced"
        ) from None
    except OSError as exc:
        raise StoreError(f"{target}: cannot create the store: {exc}") from None


def open_user_store(path: str | Path | None, *, read_only: bool = False) -> Store:
    """Open the store a command works on; the per-user store is created on first use.

    A read-only open changes nothing: a store made by an older bioris is refused with the
    command that upgrades it (``bioris upgrade``). A store that holds nothing and was never
    completed (an interrupted creation by an older bioris) is an error, never an empty system.
    """
    target = Path(path) if path is not None else default_store_path()
    if path is None and not target.exists():
        try:
            init_store(target)
        except StoreError:
            if not target.exists():  # else another command created it first: use it
                raise
    store = open_store(target, read_only=read_only, create=False)
    try:
        if store.unfinished():
            raise StoreError(
                f"{target}: the store holds nothing and was never completed (an interrupted "
                "`bioris init`?); delete it and run `bioris init` (or `bioris init --empty`)"
            )
    except BaseException:
        store.close()
        raise
    return store


def upgrade_store(path: str | Path | None) -> tuple[int, int, Path | None]:
    """Bring the store at ``path`` to this bioris's schema version (its migrations, in one
    transaction), after copying it to ``<store>.v<old>.bak`` (:meth:`Store.backup`).

    Returns the versions before and after, and the backup (``None`` when nothing was to do).
    """
    target = Path(path) if path is not None else default_store_path()
    with open_store(target, read_only=True, check_version=False) as old:
        before = old.schema_version
        if before >= SCHEMA_VERSION:
            return before, before, None
        saved = old.backup(target.with_name(f"{target.name}.v{before}.bak"))
    with open_store(target, create=False) as store:  # a writable open migrates
        return before, store.schema_version, saved


def backup_store(path: str | Path | None, out: str | Path) -> Path:
    """A consistent copy of the store in the new file ``out`` (SQLite's online backup API),
    made while the web view reads and an import writes."""
    target = Path(path) if path is not None else default_store_path()
    with open_store(target, read_only=True, check_version=False) as store:
        return store.backup(out)
