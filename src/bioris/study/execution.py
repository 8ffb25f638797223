"""Where the yearly snapshots of a network job run: here, in a local process pool, or on a
Dask distributed cluster.

Snapshots are independent (:func:`bioris.analytics.longitudinal.run_snapshot`), so the same
tasks give the same results wherever they run; the results come back in year order. Progress
is reported as :class:`ProgressEvent` values: a measure starting (here and in a local pool,
whose workers send it through a queue; a Dask cluster has its own dashboard) and a year
finished (everywhere).
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queue_module
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from bioris.analytics.longitudinal import run_snapshot
from bioris.errors import BiorisError

__all__ = ["Execution", "ProgressEvent", "default_jobs", "run_snapshots"]


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """Where a job is: ``measure`` has started in ``year`` (None: ``year`` has just
    finished), with the years and ties done so far out of the totals (the work of a year
    grows with its ties, so the time left is best read off ties)."""

    year: int
    measure: str | None
    years_done: int
    years_total: int
    ties_done: int
    ties_total: int


OnProgress = Callable[[ProgressEvent], None]


@dataclass(frozen=True, slots=True)
class Execution:
    """How a job ran: ``mode`` is ``serial``, ``processes`` or ``dask``; ``workers`` the
    processes (or the cluster's workers) used; ``why`` when fewer than asked."""

    mode: str
    workers: int
    why: str = ""


def default_jobs() -> int:
    """The machine's cores available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_snapshots(
    tasks: Sequence[Any],
    *,
    function: Callable[..., Any] = run_snapshot,
    jobs: int = 1,
    scheduler: str | None = None,
    min_parallel_ties: int = 0,
    on_progress: OnProgress | None = None,
) -> tuple[list[Any], Execution]:
    """Run every task and return the results in year order, with how they ran.

    Parameters
    ----------
    tasks : sequence of SnapshotTask or StructureTask
        Yearly tasks (with ``year`` and ``arrays``).
    function : callable
        ``function(task, report)`` -> a result with ``year`` and ``ties``:
        :func:`~bioris.analytics.longitudinal.run_snapshot` (actor measures) or
        :func:`~bioris.analytics.structure.run_structure` (year measures).
    jobs : int
        Processes of a local pool; 1 runs here.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:port``); overrides ``jobs``.
    min_parallel_ties : int
        A local pool only when the tasks hold at least this many ties in all.
    on_progress : callable, optional
        Receives :class:`ProgressEvent` values, in this process.
    """
    if jobs < 1:
        raise BiorisError(f"--jobs: {jobs} is not a positive number of processes")
    tracker = _Tracker(tasks, on_progress)
    if scheduler:
        results, workers = _on_dask(tasks, function, scheduler, tracker)
        return _ordered(results), Execution("dask", workers)
    if jobs == 1 or len(tasks) < 2:
        return _serial(tasks, function, tracker), Execution("serial", 1)
    if tracker.ties_total < min_parallel_ties:
        why = f"{tracker.ties_total:,} ties < network_parallel_min_ties={min_parallel_ties:,}"
        return _serial(tasks, function, tracker), Execution("serial", 1, why)
    workers = min(jobs, len(tasks))
    results = _in_pool(tasks, function, workers, tracker)
    return _ordered(results), Execution("processes", workers)


def _ordered(results: list[Any]) -> list[Any]:
    return sorted(results, key=lambda r: r.year)


class _Tracker:
    """Counts finished years and ties, and turns them into :class:`ProgressEvent` values."""

    def __init__(self, tasks: Sequence[Any], on_progress: OnProgress | None) -> None:
        self.on_progress = on_progress
        self.years_total = len(tasks)
        self.ties_total = sum(t.arrays.edges for t in tasks)
        self.years_done = self.ties_done = 0

    def started(self, year: int, measure: str) -> None:
        self._say(year, measure)

    def finished(self, result: Any) -> None:
        self.years_done += 1
        self.ties_done += result.ties
        self._say(result.year, None)

    def _say(self, year: int, measure: str | None) -> None:
        if self.on_progress is not None:
            self.on_progress(ProgressEvent(year, measure, self.years_done, self.years_total,
                                           self.ties_done, self.ties_total))  # fmt: skip


def _serial(tasks: Sequence[Any], function: Callable[..., Any], tracker: _Tracker) -> list[Any]:
    report = None if tracker.on_progress is None else tracker.started
    results = []
    for task in tasks:
        results.append(function(task, report))
        tracker.finished(results[-1])
    return results


# --- a local process pool ---------------------------------------------------------------------

_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_EVENTS: Any = None  # a worker's queue of (year, measure) events, set by _start_worker


def _start_worker(events: Any) -> None:
    global _EVENTS
    _EVENTS = events


def _pool_task(function: Callable[..., Any], task: Any) -> Any:
    events = _EVENTS
    report = None if events is None else (lambda year, measure: events.put((year, measure)))
    return function(task, report)


def _in_pool(
    tasks: Sequence[Any], function: Callable[..., Any], workers: int, tracker: _Tracker
) -> list[Any]:
    # forkserver: workers are forked from a clean server process that has imported the job's
    # modules once, never from this one (forking a process whose thread pools run, as
    # polars' may, can deadlock)
    # one maths-library thread per worker: the workers already fill the cores, and
    # OpenBLAS threads fighting over them stall small dense calls (coreness's eigh: 48 ms
    # instead of 0.3 ms); read when the fork server starts, so set before it does
    for name in _BLAS_THREADS:
        os.environ.setdefault(name, "1")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["bioris.analytics.longitudinal", "bioris.analytics.structure"])
    events = context.Queue() if tracker.on_progress is not None else None
    largest_first = sorted(tasks, key=lambda t: -t.arrays.edges)  # long years start early
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(events,)) as pool:  # fmt: skip
        pending: set[Future[Any]] = {pool.submit(_pool_task, function, t) for t in largest_first}
        results = []
        while pending:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            _drain(events, tracker)
            for future in done:
                results.append(future.result())
                tracker.finished(results[-1])
    return results


def _drain(events: Any, tracker: _Tracker) -> None:
    if events is None:
        return
    while True:
        try:
            year, measure = events.get_nowait()
        except queue_module.Empty:
            return
        tracker.started(year, measure)


# --- a Dask distributed cluster ---------------------------------------------------------------


def _client(scheduler: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise BiorisError(
            "--scheduler needs Dask distributed: pip install 'bioris[cluster]'"
        ) from None
    try:
        return Client(scheduler, timeout="10s")  # the default while it runs: as_completed needs one
    except (OSError, TimeoutError) as exc:
        raise BiorisError(f"--scheduler: cannot reach {scheduler}: {exc}") from None


def _on_dask(
    tasks: Sequence[Any], function: Callable[..., Any], scheduler: str, tracker: _Tracker
) -> tuple[list[Any], int]:
    from distributed import as_completed

    with _client(scheduler) as client:
        workers = len(client.scheduler_info().get("workers", {}))
        futures = client.map(function, list(tasks), pure=False)
        results = []
        for future in as_completed(futures):
            results.append(future.result())
            tracker.finished(results[-1])
    return results, workers
