"""``bioris serve --workers N``: uvicorn's own supervisor runs N worker processes on one
address, each building its app from the environment, with igraph in a thread of its own.

These tests start real processes (spawned interpreters) on a free loopback port.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from benchmarks.bench_web import wait_ready

from bioris.errors import BiorisError, StoreError
from bioris.web.serving import STORE_ENV, serve

pytest.importorskip("uvicorn")

STARTUP_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False  # gone


def _start(store: Path, port: int, workers: int = 2) -> subprocess.Popen:
    code = (
        "from bioris.web import serve; "
        f"serve({str(store)!r}, host='127.0.0.1', port={port}, workers={workers}, "
        "warm=False, log_level='warning')"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_two_workers_serve_one_address_and_stop_together(bundled_path: Path, stop) -> None:
    port = _free_port()
    server = _start(bundled_path, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, STARTUP_S, server)
        workers = _children(server.pid) - {server.pid}
        # spawn may also start a resource tracker: the two workers plus it
        assert len(workers) >= 2
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(6):  # new connections: the kernel spreads them over the workers
                response = client.get("/api/alliances", params={"page_size": 2},
                                      headers={"Connection": "close"})  # fmt: skip
                assert response.status_code == 200 and len(response.json()["items"]) == 2
                # network work runs in each worker's graph thread (igraph errors there are
                # Python errors, not an abort)
                network = client.get("/api/network", params={"year": 2010, "window": 3},
                                     headers={"Connection": "close"})  # fmt: skip
                assert network.status_code == 200 and network.json()["nodes"]
            answer = client.get("/api/partners", params={"year": 2016, "layer": "financing"})
            assert answer.status_code == 200 and answer.json()["layers"] == ["financing"]
        server.send_signal(stop)
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


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_workers_end_when_their_supervisor_is_killed(bundled_path: Path) -> None:
    # SIGKILL gives uvicorn's supervisor no chance to stop its workers: before, they went on
    # serving (orphans) and a new server on the port failed with "address in use".
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start(bundled_path, port)
    restarted = None
    try:
        wait_ready(base, STARTUP_S, server)
        workers = _children(server.pid) - {server.pid}
        assert len(workers) >= 2
        server.kill()
        server.wait(timeout=10)
        killed = time.monotonic()
        while time.monotonic() - killed < 15 and any(_running(pid) for pid in workers):
            time.sleep(0.1)
        assert not any(_running(pid) for pid in workers), "workers outlived their supervisor"
        assert time.monotonic() - killed < 10
        restarted = _start(bundled_path, port)  # the address is free again
        wait_ready(base, STARTUP_S, restarted)
        assert httpx.get(f"{base}/api/meta", timeout=30).status_code == 200
    finally:
        for process in (server, restarted):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=60)


def test_a_worker_whose_supervisor_is_gone_stops(bundled_path: Path) -> None:
    # A worker started after its supervisor died (or whose parent is not the supervisor it
    # was told of) stops at once rather than serving on.
    from bioris.web.serving import SUPERVISOR_ENV

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a supervisor that ended
    started = time.monotonic()
    done = _in_subprocess(
        "import time\n"
        "from bioris.web.serving import worker_app\n"
        "worker_app()\n"
        "time.sleep(30)\n"
        "print('still running')",
        {STORE_ENV: str(bundled_path), SUPERVISOR_ENV: str(gone.pid)},
    )
    assert "still running" not in done.stdout
    assert done.returncode == -signal.SIGTERM, done.stderr[-2000:]
    assert time.monotonic() - started < 25
    assert f"supervisor (process {gone.pid}) ended" in done.stderr


def test_a_store_no_worker_could_read_is_refused_before_any_starts(tmp_path: Path) -> None:
    not_a_store = tmp_path / "notes.sqlite"
    not_a_store.write_text("not a database")
    with pytest.raises(StoreError):
        serve(not_a_store, "127.0.0.1", 0, workers=2, warm=False, log_level="critical")
    with pytest.raises(StoreError, match="no store here"):
        serve(tmp_path / "missing.sqlite", "127.0.0.1", 0, workers=2, warm=False)


def test_a_taken_address_is_a_clear_error(bundled_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(BiorisError, match=rf"could not serve on 127\.0\.0\.1:{port}"):
            serve(bundled_path, "127.0.0.1", port, workers=2, warm=False, log_level="critical")


def test_settings_out_of_range_are_refused_before_any_worker_starts(bundled_path: Path) -> None:
    with pytest.raises(BiorisError, match="max_concurrent_requests"):
        serve(bundled_path, "127.0.0.1", 0, workers=2, max_concurrent_requests=0)


def test_workers_must_be_positive(bundled_path: Path) -> None:
    with pytest.raises(BiorisError, match="workers must be at least 1"):
        serve(bundled_path, workers=0)


def _in_subprocess(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)  # fmt: skip


WORKER = """
import asyncio, sys, threading
from bioris.web.serving import worker_app
{before}
async def main():
    app = worker_app()
    service = app.state.service
    # an igraph error: a Python exception wherever igraph is called from
    def fail():
        import igraph
        print("in", threading.current_thread().name)
        igraph.Graph(3).get_shortest_paths(0, to=99)
    def request():  # as a request thread does
        try:
            service.graph_thread.call(fail)
        except Exception as exc:
            print("caught", type(exc).__name__)
    thread = threading.Thread(target=request)
    thread.start()
    while thread.is_alive():
        await asyncio.sleep(0.01)
    service.close()
asyncio.run(main())
print("alive")
"""


@pytest.mark.parametrize(
    ("before", "thread"),
    [
        ("", "bioris-graph"),  # the thread that imported igraph
        ("import igraph  # as a program's top level might", "MainThread"),  # the event loop
    ],
)
def test_a_worker_runs_igraph_where_its_errors_are_python_errors(
    bundled_path: Path, before: str, thread: str
) -> None:
    # Anywhere else an igraph error aborts the whole process.
    done = _in_subprocess(WORKER.format(before=before), {STORE_ENV: str(bundled_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"in {thread}" in done.stdout
    assert "caught InternalError" in done.stdout and "alive" in done.stdout


def test_a_worker_that_cannot_start_exits_with_uvicorns_startup_failure(tmp_path: Path) -> None:
    # uvicorn's supervisor then stops every worker instead of starting it again and again
    from uvicorn.config import STARTUP_FAILURE

    done = _in_subprocess(
        "from bioris.web.serving import worker_app; worker_app()",
        {STORE_ENV: str(tmp_path / "gone.sqlite")},
    )
    assert done.returncode == STARTUP_FAILURE
    assert "the explorer could not start" in done.stderr


def test_serve_from_another_thread_runs_igraph_there(tiny_path: Path, monkeypatch) -> None:
    # A server embedded in a thread of a program: uvicorn in that thread, no graph loop.
    uvicorn = pytest.importorskip("uvicorn")
    seen: dict[str, object] = {}

    class FakeServer:
        def __init__(self, config) -> None:
            self.started, self.should_exit = False, False

        def run(self) -> None:
            seen["thread"] = threading.current_thread().name
            self.started = True

    monkeypatch.setattr(uvicorn, "Server", FakeServer)
    thread = threading.Thread(target=serve, args=(tiny_path,), kwargs={"warm": False},
                              name="embedding")  # fmt: skip
    thread.start()
    thread.join(30)
    assert seen == {"thread": "embedding"}
