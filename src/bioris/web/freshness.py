"""Whether the store changed since the server read it.

The explorer reads the store's study once, at start-up (:mod:`bioris.web.service`): after an
import by another process, the network, the measures, the totals and the names it shows are
those of the store as it was. :class:`StoreChanges` tells when that happened, so that
``/api/meta`` can say ``data_changed`` and the pages show a note to restart the server.

A commit changes the store's files: in WAL mode it appends to ``<store>-wal`` (a checkpoint
then copies the pages into the store file). So the size, modification time and inode of the
two files, taken before the study is read, change with every committed write, and reading
never changes them; an empty or missing ``-wal`` file (read-only connections may create one)
counts as none. Looking costs two ``stat`` calls, done at most every :data:`CHECK_EVERY_S`
seconds; once changed, the answer stays true until the server restarts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["CHECK_EVERY_S", "StoreChanges"]

#: how often the store's files are looked at, at most, in seconds
CHECK_EVERY_S = 2.0

Signature = tuple[tuple[int, int, int] | None, ...]


class StoreChanges:
    """Whether the store at ``path`` changed since this object was made (see the module
    docstring)."""

    def __init__(
        self,
        path: Path,
        *,
        every_s: float = CHECK_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._files = (path, Path(f"{path}-wal"))
        self._every_s = every_s
        self._clock = clock
        self._lock = threading.Lock()
        self._at_start = self._signature()
        self._checked_at = clock()
        self._changed = False

    def _signature(self) -> Signature:
        found: list[tuple[int, int, int] | None] = []
        for file in self._files:
            try:
                stat = file.stat()
            except OSError:  # gone (the -wal file after a checkpoint), or unreadable
                found.append(None)
                continue
            empty = stat.st_size == 0 and file is not self._files[0]
            found.append(None if empty else (stat.st_size, stat.st_mtime_ns, stat.st_ino))
        return tuple(found)

    def changed(self) -> bool:
        """Whether the store's files changed since start-up (looked at, at most, every
        ``every_s`` seconds; true for good once seen)."""
        with self._lock:
            if self._changed:
                return True
            now = self._clock()
            if now - self._checked_at >= self._every_s:
                self._checked_at = now
                self._changed = self._signature() != self._at_start
            return self._changed
