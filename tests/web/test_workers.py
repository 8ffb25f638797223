"""``bioris serve --workers N``: N server processes on one address, stopped together.

These tests start real processes (spawned interpreters) on a free loopback port.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from benchmarks.bench_web import wait_ready

from bioris.errors import BiorisError
from bioris.web.workers import bind, serve_processes

pytest.importorskip("uvicorn")

STARTUP_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_two_workers_serve_one_address_and_stop_together(bundled_path: Path) -> None:
    port = _free_port()
    code = (
        "from bioris.web.app import serve; "
        f"serve({str(bundled_path)!r}, host='127.0.0.1', port={port}, workers=2, warm=False, "
        "log_level='warning')"
    )
    server = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, STARTUP_S, server)
        workers = _children(server.pid) - {server.pid}
        # spawn also starts a resource tracker: the two workers plus it
        assert len(workers) >= 2
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(6):  # new connections: the kernel spreads them over the workers
                response = client.get("/api/alliances", params={"page_size": 2},
                                      headers={"Connection": "close"})  # fmt: skip
                assert response.status_code == 200 and len(response.json()["items"]) == 2
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0, server.stderr.read() if server.stderr else ""
        # Every child ends with it (multiprocessing's resource tracker a moment later).
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_running(pid) for pid in workers):
            time.sleep(0.1)
        assert not any(_running(pid) for pid in workers)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False  # gone


def test_a_failing_worker_stops_the_others_and_is_reported(tmp_path: Path) -> None:
    not_a_store = tmp_path / "notes.sqlite"
    not_a_store.write_text("not a database")
    with pytest.raises(BiorisError, match=r"server process bioris-web-\d stopped \(exit code"):
        serve_processes(not_a_store, "127.0.0.1", 0, 2, warm=False, log_level="critical")


def test_a_taken_address_is_a_clear_error() -> None:
    taken = bind("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        with pytest.raises(BiorisError, match=rf"could not serve on 127\.0\.0\.1:{port}"):
            bind("127.0.0.1", port)
    finally:
        taken.close()


def test_workers_must_be_positive(bundled_path: Path) -> None:
    from bioris.web.app import serve

    with pytest.raises(BiorisError, match="workers must be at least 1"):
        serve(bundled_path, workers=0)
