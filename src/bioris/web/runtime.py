"""What the web view's threads share: bounded caches, store connections, the graph thread.

:class:`LruCache` computes each missing value once however many requests ask for it, and
keeps at most a number of values and, with a :class:`CacheBudget` (possibly shared by several
caches), at most a number of bytes; :class:`StorePool` lends each request thread its own
read-only connection, each query under ``sql_time_limit_ms``; :class:`GraphThread` runs the
igraph computations on the thread that imported igraph.
"""

from __future__ import annotations

import asyncio
import queue
import signal
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

from bioris.errors import BiorisError, LimitExceeded
from bioris.store import Store, open_store

__all__ = [
    "CacheBudget",
    "GraphThread",
    "LruCache",
    "StorePool",
    "estimated_bytes",
    "stop_signals",
]

T = TypeVar("T")
# Memory a polars DataFrame holds besides its buffers, and per column (measured on polars
# 2.1: 20,000 frames of 13 columns held 9.3 kB each besides their data), in bytes; and a
# Python object's own.
_FRAME_BYTES = 400
_COLUMN_BYTES = 700
_OBJECT_BYTES = 64


class CacheBudget:
    """A memory budget in bytes, shared by the :class:`LruCache` objects given it.

    Together they keep at most ``max_bytes`` of values (by their ``weigh`` function); a new
    value drops the least recently used values of all of them until the total fits, and a
    value heavier than the whole budget is returned but not kept. The caches of one budget
    share its lock.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self._order: OrderedDict[tuple[int, Hashable], LruCache] = OrderedDict()
        self._weight = 0

    @property
    def weight(self) -> int:
        """The bytes the caches keep now."""
        with self.lock:
            return self._weight

    def _touch(self, cache: LruCache, key: Hashable) -> None:  # under self.lock
        self._order.move_to_end((id(cache), key))

    def _add(self, cache: LruCache, key: Hashable, weight: int) -> None:  # under self.lock
        self._order[(id(cache), key)] = cache
        self._weight += weight
        while self._weight > self.max_bytes and self._order:
            (_, dropped), owner = self._order.popitem(last=False)
            self._weight -= owner._forget(dropped)

    def _remove(self, cache: LruCache, key: Hashable, weight: int) -> None:  # under self.lock
        self._order.pop((id(cache), key), None)
        self._weight -= weight


class LruCache:
    """A thread-safe least-recently-used cache of at most ``maxsize`` computed values.

    With ``budget`` (a :class:`CacheBudget`, possibly shared with other caches) or
    ``max_weight`` (a budget of its own), values are also dropped, least recently used first,
    while their total weight (``weigh(value)``, by default :func:`estimated_bytes`) exceeds
    the budget; a single value heavier than the budget is returned but not kept. Concurrent
    requests for a missing key compute it once: the others wait for it.
    """

    def __init__(
        self,
        maxsize: int,
        *,
        max_weight: int | None = None,
        weigh: Callable[[Any], int] | None = None,
        budget: CacheBudget | None = None,
    ) -> None:
        self._maxsize = maxsize
        if budget is None and max_weight is not None:
            budget = CacheBudget(max_weight)
        self._budget = budget
        self._weigh = weigh or estimated_bytes
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._weights: dict[Hashable, int] = {}
        self._lock = budget.lock if budget is not None else threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}

    def peek(self, key: Hashable) -> Any | None:
        """The cached value of ``key`` (now the most recently used), or ``None``; never
        computes."""
        with self._lock:
            return self._hit(key)

    def _hit(self, key: Hashable) -> Any | None:  # under self._lock
        if key not in self._data:
            return None
        self._data.move_to_end(key)
        if self._budget is not None:
            self._budget._touch(self, key)
        return self._data[key]

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of ``key``, computed (once) by ``compute()`` if missing."""
        with self._lock:
            if key in self._data:
                return self._hit(key)
            key_lock = self._computing.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._data:
                    return self._hit(key)
            try:
                value = compute()
                weight = self._weigh(value) if self._budget is not None else 0
                with self._lock:
                    self._keep(key, value, weight)
            finally:
                with self._lock:
                    self._computing.pop(key, None)
        return value

    def _keep(self, key: Hashable, value: Any, weight: int) -> None:  # under self._lock
        budget = self._budget
        if budget is not None and weight > budget.max_bytes:
            return
        if key in self._data:  # computed twice (it had been dropped meanwhile): replace
            self._drop(key)
        self._data[key] = value
        self._weights[key] = weight
        while len(self._data) > self._maxsize:
            self._drop(next(iter(self._data)))
        if budget is not None:
            budget._add(self, key, weight)

    def _drop(self, key: Hashable) -> None:  # under self._lock
        weight = self._forget(key)
        if self._budget is not None:
            self._budget._remove(self, key, weight)

    def _forget(self, key: Hashable) -> int:  # under self._lock; the budget's part is done
        del self._data[key]
        return self._weights.pop(key)

    @property
    def weight(self) -> int:
        """The total weight of the values this cache keeps (0 without a budget)."""
        with self._lock:
            return sum(self._weights.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)


def estimated_bytes(value: Any) -> int:
    """About the memory ``value`` holds: a polars frame its buffers plus a fixed cost per
    column (measured: about 0.7 kB a column, which dominates for small frames), an object with
    ``nbytes`` (:class:`~bioris.web.records.JsonBody`) that, containers and dataclasses the
    sum of their parts, anything else its ``sys.getsizeof``."""
    if isinstance(value, (str, bytes, int, float, bool)) or value is None:
        return sys.getsizeof(value)
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes + _OBJECT_BYTES
    if hasattr(value, "estimated_size") and hasattr(value, "width"):  # a polars DataFrame
        return int(value.estimated_size()) + _FRAME_BYTES + _COLUMN_BYTES * value.width
    if isinstance(value, Mapping):
        parts = (estimated_bytes(k) + estimated_bytes(v) for k, v in value.items())
        return sys.getsizeof(value) + sum(parts)
    if isinstance(value, (list, tuple, set, frozenset)):
        return sys.getsizeof(value) + sum(estimated_bytes(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return _OBJECT_BYTES + sum(estimated_bytes(getattr(value, f.name)) for f in fields(value))
    return sys.getsizeof(value)


class GraphThread:
    """Runs the network computations on the thread that runs :meth:`run`.

    python-igraph installs its C error and warning handlers, and its random generator, in
    the thread that imports it, and igraph keeps them per thread. In any other thread an
    igraph error aborts the whole process (and warnings go to stderr), so a server must not
    run igraph in its worker threads: :func:`~bioris.web.serving.serve` runs this loop in
    the thread that imported igraph (the main thread of ``bioris serve``, a thread of its
    own in each of uvicorn's worker processes). uvicorn cannot do this for us: its workers
    run requests in a thread pool. While no loop runs (tests, embedding), calls run in the
    caller's thread.

    When igraph was imported by the thread that runs the event loop, :meth:`attach` makes
    that loop run the computations instead (they then hold up its requests while they run).

    At most ``max_waiting`` callers wait for the loop at once; one more gets
    :class:`~bioris.errors.LimitExceeded` at once (a 503), so that slow computations never
    hold every request thread.
    """

    def __init__(self, max_waiting: int | None = None) -> None:
        self._queue: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._max_waiting = max_waiting
        self._waiting = 0

    def call(self, function: Callable[[], T], *, limited: bool = True) -> T:
        """``function()``, computed on the loop's thread when one runs (``limited=False``
        waits whatever the number of waiting callers: for the start-up computations)."""
        future: Future[T] | None = None
        with self._lock:
            thread, loop = self._thread, self._loop
            remote = thread is not None and threading.current_thread() is not thread
            if remote:
                full = self._max_waiting is not None and self._waiting >= self._max_waiting
                if limited and full:
                    raise LimitExceeded("server busy computing network measures; retry shortly")
                self._waiting += 1
                if loop is None:
                    future = Future()
                    self._queue.put((function, future))
        if not remote:
            return function()
        try:
            if future is None:  # attached to an event loop
                return asyncio.run_coroutine_threadsafe(_now(function), loop).result()
            return future.result()
        finally:
            with self._lock:
                self._waiting -= 1

    def attach(self, loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        """Run the computations on ``loop`` (running in ``thread``) from now on."""
        with self._lock:
            self._loop, self._thread = loop, thread

    def stop(self) -> None:
        """End :meth:`run` (the server is stopping)."""
        self._stopped.set()

    def run(
        self,
        keep_going: Callable[[], bool] = lambda: True,
        poll_s: float = 0.1,
        on_start: Callable[[], None] | None = None,
    ) -> None:
        """Compute what :meth:`call` sends, on this thread, while ``keep_going()`` and until
        :meth:`stop`.

        ``on_start`` runs once this thread takes calls (start the server there, so that no
        request computes before).
        """
        with self._lock:
            self._thread = threading.current_thread()
        try:
            if on_start is not None:
                on_start()
            while keep_going() and not self._stopped.is_set():
                try:
                    function, future = self._queue.get(timeout=poll_s)
                except queue.Empty:
                    continue
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(function())
                    except Exception as exc:
                        future.set_exception(exc)
        finally:
            with self._lock:
                self._thread = None
                while not self._queue.empty():
                    _, future = self._queue.get_nowait()
                    future.set_exception(BiorisError("the server is stopping"))


async def _now(function: Callable[[], T]) -> T:
    return function()


class StorePool:
    """Read-only connections to one store, one per concurrent user, reused.

    Each borrowed store runs its queries under ``sql_time_limit_ms`` (a progress handler on
    its own connection, so limits of concurrent requests never mix).
    """

    def __init__(self, path: Path, time_limit_ms: int) -> None:
        self._path = path
        self._time_limit_ms = time_limit_ms
        self._idle: list[Store] = []
        self._opened: list[Store] = []
        self._lock = threading.Lock()

    @contextmanager
    def store(self, *, time_limit: bool = True) -> Iterator[Store]:
        """Borrow a store; give ``time_limit=False`` only for the start-up read."""
        with self._lock:
            store = self._idle.pop() if self._idle else None
        if store is None:
            store = open_store(self._path, read_only=True, create=False)
            with self._lock:
                self._opened.append(store)
        try:
            if time_limit:
                with store.time_limit(self._time_limit_ms):
                    yield store
            else:
                yield store
        finally:
            with self._lock:
                self._idle.append(store)

    def close(self) -> None:
        """Close every connection (the pool must be idle)."""
        with self._lock:
            for store in self._opened:
                store.close()
            self._opened.clear()
            self._idle.clear()


@contextmanager
def stop_signals(on_stop: Callable[[], None]) -> Iterator[None]:
    """Within it, SIGINT (Ctrl-C) and SIGTERM call ``on_stop()`` instead of their usual
    handlers, which are restored on exit. Python delivers signals to the main thread only:
    elsewhere this does nothing, and the caller's own caller must stop it."""

    def handler(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        on_stop()

    in_main = threading.current_thread() is threading.main_thread()
    signals = (signal.SIGINT, signal.SIGTERM) if in_main else ()
    previous = {sig: signal.signal(sig, handler) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
