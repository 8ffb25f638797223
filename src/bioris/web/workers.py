"""Several server processes on one address (``bioris serve --workers N``).

Python runs one thread at a time, so one server process uses about one CPU core. With
``web_workers`` above 1, this process binds the address once and starts that many server
processes (``spawn``: each a fresh interpreter, so no thread pool or igraph state is copied
half-way), each running :func:`~bioris.web.app.serve` on the shared listening socket; the
kernel hands each new connection to one of them. Each worker reads the store and computes its
own caches, so memory grows with the number of workers.

The supervisor stops every worker (SIGTERM, then SIGKILL after ``STOP_TIMEOUT_S``) when it is
interrupted (Ctrl-C, SIGTERM) or when any worker stops, and reports a worker that failed.
"""

from __future__ import annotations

import logging
import multiprocessing
import socket
import threading
from multiprocessing.process import BaseProcess
from pathlib import Path

from bioris.errors import BiorisError
from bioris.web.runtime import stop_signals

__all__ = ["STOP_TIMEOUT_S", "bind", "serve_processes"]

log = logging.getLogger("bioris.web")

#: how long a worker may take to finish its requests once asked to stop
STOP_TIMEOUT_S = 30
_POLL_S = 0.2


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one).

    Raises :class:`~bioris.errors.BiorisError` when the address cannot be bound.
    """
    try:
        return socket.create_server((host, port), backlog=2048)
    except OSError as exc:
        raise BiorisError(f"could not serve on {host}:{port}: {exc.strerror or exc}") from None


def serve_processes(
    store: str | Path,
    host: str,
    port: int,
    workers: int,
    *,
    warm: bool = True,
    log_level: str = "info",
    **overrides: int | None,
) -> None:
    """Run ``workers`` server processes on ``host:port`` until interrupted.

    Raises
    ------
    BiorisError
        When the address cannot be bound or a worker stops by itself.
    """
    sock = bind(host, port)
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(
            target=_worker,
            args=(str(store), sock, warm, log_level, overrides),
            name=f"bioris-web-{number}",
        )
        for number in range(1, workers + 1)
    ]
    stopping = threading.Event()
    failed: BaseProcess | None = None
    try:
        with stop_signals(stopping.set):
            for process in processes:
                process.start()
            log.info("serving on %s:%s with %d worker processes", host, port, workers)
            while failed is None and not stopping.wait(_POLL_S):
                failed = next((p for p in processes if not p.is_alive()), None)
    finally:
        _stop(processes)
        sock.close()
    # A worker ends cleanly only when told to (a Ctrl-C reaches every process of the group).
    if failed is not None and failed.exitcode != 0 and not stopping.is_set():
        raise BiorisError(
            f"server process {failed.name} stopped (exit code {failed.exitcode}); "
            "the others were stopped too (see the log above)"
        )


def _stop(processes: list[BaseProcess]) -> None:
    for process in processes:
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
    for process in processes:
        if process.pid is None:
            continue  # never started
        process.join(timeout=STOP_TIMEOUT_S)
        if process.is_alive():
            process.kill()
            process.join()


def _worker(
    store: str, sock: socket.socket, warm: bool, log_level: str, overrides: dict[str, int | None]
) -> None:
    from bioris.web.app import serve

    serve(store, sockets=[sock], warm=warm, log_level=log_level, **overrides)
