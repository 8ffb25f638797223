"""Load benchmark of ``bioris serve``: 50 concurrent clients for 60 s on loopback.

    python benchmarks/bench_web.py [--size M] [--clients 50] [--seconds 60] [--seed 0]
    python benchmarks/bench_web.py --flood [--size M] [--clients 16] [--seconds 120]
    ... [--workers N] [--encoding identity] [--set web_cache_mb=128 ...]

Builds (or reuses, under the system temp folder) a store of synthetic data of the given size
(M: 20,000 actors, 100,000 alliances), starts the real server (uvicorn, 127.0.0.1, a free
port) in a child process, warms its caches once, then runs ``--clients`` concurrent clients
for ``--seconds`` seconds against three route groups, in equal turns: the alliances table
(random filters and pages), actor profiles (random actors) and full-network snapshots (random
years). It prints requests per second, p50/p95/p99 latency and errors per group. Targets: zero
errors, p95 under 200 ms for alliances and profile, under 1 s for a network snapshot. Every
request goes to 127.0.0.1 only; the run is bounded in time and stops by itself.

With ``--flood``, the clients instead ask for distinct filter combinations that nothing has
computed yet (windows, layers, regions, kinds, deal types, years outside the period), every
one a new network computation, and the benchmark reports the server's peak memory during the
flood: the figure the web caches' byte bounds (``web_cache_mb``, ``web_snapshot_cache_mb``)
are meant to hold. ``--set NAME=VALUE`` gives the server a setting (as ``BIORIS_<NAME>``).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import itertools
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import aiohttp
import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synthetic import generate, write_canonical, write_study

from bioris.ingest.importer import import_files
from bioris.store import SCHEMA_VERSION, open_store
from bioris.study import Study

GROUPS = ("alliances", "profile", "network")
TARGET_P95_S = {"alliances": 0.2, "profile": 0.2, "network": 1.0}
DEAL_TYPES = ("licensing_out", "licensing_in", "research_collaboration", "equity_investment",
              "option", "grant")  # fmt: skip


def build_store(size: str, seed: int) -> Path:
    """A store of synthetic data, built once per size and seed and reused afterwards."""
    # the schema version in the name: a store built by an older bioris is not reused
    path = Path(tempfile.gettempdir()) / f"bioris-bench-web-{size}-{seed}-v{SCHEMA_VERSION}.sqlite"
    if path.exists():
        return path
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        files = write_canonical(generate(size, seed=seed), Path(folder))
        partial = path.with_suffix(".partial")
        with open_store(partial) as store:
            import_files(store, files)
            Study(store).load_definition(write_study(Path(folder)))
        partial.rename(path)
    print(f"built {path} in {time.perf_counter() - started:.1f} s")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    store: Path, port: int, workers: int = 1, settings: dict[str, str] | None = None
) -> subprocess.Popen:
    """The real server in a child process; ``settings`` as ``BIORIS_<NAME>`` variables."""
    code = (
        "from pathlib import Path; from bioris.web.app import serve; "
        f"serve(Path({str(store)!r}), host='127.0.0.1', port={port}, workers={workers})"
    )
    env = dict(os.environ, BIORIS_MAX_CONCURRENT_REQUESTS="64")
    env |= {f"BIORIS_{k.strip().upper()}": v.strip() for k, v in (settings or {}).items()}
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip


def wait_ready(base: str, seconds: float = 120, server: subprocess.Popen | None = None) -> None:
    """Wait until ``base`` answers ``/api/meta``; RuntimeError after ``seconds`` or when the
    ``server`` process ends first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server is not None and server.poll() is not None:
            raise RuntimeError(f"the server ended with exit code {server.returncode}")
        try:
            if httpx.get(f"{base}/api/meta", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not start")


def request_for(group: str, rng: random.Random, actors: list[str], years: list[int]) -> str:
    if group == "alliances":
        params = [f"page={rng.randint(1, 20)}", "page_size=100"]
        if rng.random() < 0.5:
            params.append(f"deal_type={rng.choice(DEAL_TYPES)}")
        if rng.random() < 0.5:
            start = rng.choice(years)
            params.append(f"year_from={start}&year_to={start + 5}")
        return "/api/alliances?" + "&".join(params)
    if group == "profile":
        return f"/api/actors/{rng.choice(actors)}"
    return f"/api/network?year={rng.choice(years)}&window=5"


async def fetch(http: aiohttp.ClientSession, url: str) -> bool:
    """GET ``url`` and read the whole body as sent (gzip stays compressed, as a load
    generator does: inflating is the client's work, not the server's latency); True for a
    200 whose body has the announced length."""
    async with http.get(url) as response:
        body = await response.read()
        announced = response.headers.get("content-length")
        complete = announced is None or int(announced) == len(body)
        return response.status == 200 and complete


async def client(
    http: aiohttp.ClientSession, deadline: float, seed: int, actors: list[str],
    years: list[int], results: dict[str, list[float]], errors: dict[str, int],
) -> None:  # fmt: skip
    rng = random.Random(seed)
    turn = seed
    while time.monotonic() < deadline:
        group = GROUPS[turn % len(GROUPS)]
        turn += 1
        started = time.perf_counter()
        try:
            ok = await fetch(http, request_for(group, rng, actors, years))
        except (TimeoutError, aiohttp.ClientError):
            ok = False
        elapsed = time.perf_counter() - started
        if ok:
            results[group].append(elapsed)
        else:
            errors[group] += 1


async def load(
    base: str, clients: int, seconds: float, actors: list[str], years: list[int],
    encoding: str = "gzip",
):  # fmt: skip
    results: dict[str, list[float]] = {g: [] for g in GROUPS}
    errors = dict.fromkeys(GROUPS, 0)
    deadline = time.monotonic() + seconds
    # One keep-alive connection per client; gzip is asked for (as browsers do) and kept as is.
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(
        base, connector=connector, auto_decompress=False,
        headers={"Accept-Encoding": encoding}, timeout=aiohttp.ClientTimeout(total=30),
    ) as http:  # fmt: skip
        await asyncio.gather(
            *(client(http, deadline, i, actors, years, results, errors) for i in range(clients))
        )
    return results, errors


def peak_memory_mb(pid: int) -> str:
    """The server's peak resident memory (Linux /proc), with its worker processes: each
    process's peak, summed (a bound on the peak of the whole)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        peaks = [_peak_kb(p) for p in (str(pid), *children)]
    except OSError:
        return "unknown (no /proc)"
    total = sum(peaks) / 1024
    if len(peaks) == 1:
        return f"{total:.0f} MB"
    each = ", ".join(f"{p / 1024:.0f}" for p in peaks)
    return f"{total:.0f} MB in {len(peaks)} processes ({each})"


def _peak_kb(pid: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def report(results, errors, seconds: float) -> None:
    print(f"\n{'route group':<12}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p99 ms':>9}{'errors':>8}  target p95")  # fmt: skip
    for group in GROUPS:
        times = np.array(results[group]) * 1000
        p50, p95, p99 = (np.percentile(times, q) if len(times) else float("nan")
                         for q in (50, 95, 99))  # fmt: skip
        target = TARGET_P95_S[group] * 1000
        verdict = "met" if p95 <= target and errors[group] == 0 else "MISSED"
        print(f"{group:<12}{len(times):>10}{len(times) / seconds:>9.1f}{p50:>9.0f}{p95:>9.0f}"
              f"{p99:>9.0f}{errors[group]:>8}  < {target:.0f} ms: {verdict}")  # fmt: skip


# -- the filter flood ------------------------------------------------------------------------


def flood_paths(meta: dict, seed: int) -> list[str]:
    """Distinct requests that each need a network computation nothing has cached: the
    measures and the partner ranking of a window and set of layers, the ranking of a year
    outside the period, and the snapshot of a year under a window and filters; shuffled."""
    rng = random.Random(seed)
    first, last = meta["study"]["period"]
    layers = meta["layers"]
    layer_sets = [c for n in range(1, len(layers) + 1) for c in itertools.combinations(layers, n)]
    filters = [("region", r) for r in meta["regions"]] + [("kind", k) for k in meta["kinds"]]
    filters += [("deal_type", d) for d in DEAL_TYPES]
    paths = []
    for window in range(1, 31):
        for chosen in layer_sets:
            layer = "&".join(f"layer={name}" for name in chosen)
            paths.append(f"/api/measures?window={window}&{layer}&page_size=1")
            paths.append(f"/api/partners?window={window}&{layer}")
            paths.append(f"/api/partners?window={window}&{layer}&year={first - 1 - window}")
        for name, value in filters:
            year = rng.randint(first, last)
            paths.append(f"/api/network?window={window}&year={year}&{name}={value}")
    rng.shuffle(paths)
    return paths


async def flood(base: str, clients: int, seconds: float, paths: list[str]) -> dict[int, int]:
    """``clients`` clients send the ``paths`` in turn for ``seconds``. A busy server's 503
    puts the path back at the end of the queue and the client pauses 50 ms, so that the
    server computes as many distinct combinations as it can (each 200 is one)."""
    statuses: dict[int, int] = {}
    todo = collections.deque(paths)
    deadline = time.monotonic() + seconds

    async def one(http: aiohttp.ClientSession) -> None:
        while todo and time.monotonic() < deadline:
            path = todo.popleft()
            try:
                async with http.get(path) as response:
                    await response.read()
                    status = response.status
            except (TimeoutError, aiohttp.ClientError):
                status = 0
            statuses[status] = statuses.get(status, 0) + 1
            if status == 503:
                todo.append(path)
                await asyncio.sleep(0.05)

    timeout = aiohttp.ClientTimeout(total=max(seconds, 1) + 120)
    async with aiohttp.ClientSession(base, timeout=timeout) as http:
        await asyncio.gather(*(one(http) for _ in range(clients)))
    return statuses


class MemorySampler:
    """Samples the resident memory of a process and its children (summed) every
    ``interval_s`` in a thread; ``peak`` is the largest sum seen."""

    def __init__(self, pid: int, interval_s: float = 0.2) -> None:
        self.pid, self.interval_s, self.peak = pid, interval_s, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.peak = max(self.peak, sum(_status_kb(p, "VmRSS:") for p in _family(self.pid)))

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _family(pid: int) -> list[str]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [str(pid), *children]


def _status_kb(pid: str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peaks(pid: int) -> None:
    """Reset each server process's peak resident memory (VmHWM) to its current size."""
    for member in _family(pid):
        with contextlib.suppress(OSError):
            Path(f"/proc/{member}/clear_refs").write_text("5")


def run_flood(base: str, server: subprocess.Popen, args: argparse.Namespace, meta: dict) -> None:
    """The flood of uncached filters, with the server's memory before, during and after."""
    paths = flood_paths(meta, args.seed)
    rss_mb = sum(_status_kb(p, "VmRSS:") for p in _family(server.pid)) / 1024
    print(f"before the flood: resident {rss_mb:.0f} MB; peak so far {peak_memory_mb(server.pid)}")
    reset_peaks(server.pid)
    started = time.perf_counter()
    with MemorySampler(server.pid) as sampler:
        statuses = asyncio.run(flood(base, args.clients, args.seconds, paths))
    elapsed = time.perf_counter() - started
    rss_mb = sum(_status_kb(p, "VmRSS:") for p in _family(server.pid)) / 1024
    answered = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
    print(f"flood: {args.clients} clients, {elapsed:.0f} s, {sum(statuses.values())} requests "
          f"over {len(paths)} distinct uncached combinations ({statuses.get(200, 0)} computed); "
          f"by status {answered}")  # fmt: skip
    print(f"server memory during the flood: peak {sampler.peak / 1024:.0f} MB resident "
          f"(sampled every 0.2 s), peak {peak_memory_mb(server.pid)} (VmHWM); "
          f"{rss_mb:.0f} MB resident at the end")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--clients", type=int, help="concurrent clients (50; 16 with --flood)")
    parser.add_argument("--seconds", type=float, help="how long the load lasts (60; 120)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument(
        "--encoding", default="gzip", choices=("gzip", "identity"),
        help="Accept-Encoding of the clients (identity: snapshots sent uncompressed)",
    )  # fmt: skip
    parser.add_argument(
        "--flood", action="store_true",
        help="ask for distinct uncached filter combinations and report the server's memory",
    )  # fmt: skip
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a setting of the server (e.g. web_cache_mb=128), repeatable",
    )  # fmt: skip
    args = parser.parse_args(argv)
    args.clients = args.clients or (16 if args.flood else 50)
    args.seconds = args.seconds or (120 if args.flood else 60)
    store = build_store(args.size, args.seed)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = dict(item.split("=", 1) for item in args.set)
    server = start_server(store, port, args.workers, settings)
    try:
        wait_ready(base, server=server)
        meta = httpx.get(f"{base}/api/meta", timeout=30).json()
        first, last = meta["study"]["period"]  # the study's period (the data's years here)
        years = list(range(first, last + 1))
        sample = httpx.get(f"{base}/api/actors?page_size=1000", timeout=60).json()["items"]
        actors = [a["actor_id"] for a in sample]
        started = time.perf_counter()
        # Wait for the start-up renders: passes over every year until one is fast throughout
        # (with several workers, each new connection may reach another one).
        for _ in range(20):
            slowest = 0.0
            for year in reversed(years):
                asked = time.perf_counter()
                httpx.get(f"{base}/api/network?year={year}&window=5", timeout=600)
                httpx.get(f"{base}/api/actors/{actors[year % len(actors)]}", timeout=600)
                slowest = max(slowest, time.perf_counter() - asked)
            if slowest < 0.5:
                break
        print(
            "warm-up (measures, layout, every year's snapshot): "
            f"{time.perf_counter() - started:.1f} s"
        )
        if args.flood:
            print(f"store {store.name}: {meta['counts']}")
            run_flood(base, server, args, meta)
            return 0
        results, errors = asyncio.run(
            load(base, args.clients, args.seconds, actors, years, args.encoding)
        )
        print(f"store {store.name}: {meta['counts']}")
        print(f"{args.workers} server process(es); {args.clients} concurrent clients for "
              f"{args.seconds:.0f} s on 127.0.0.1, "
              f"Accept-Encoding: {args.encoding}; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpu(s)")  # fmt: skip
        report(results, errors, args.seconds)
        print(f"server peak memory: {peak_memory_mb(server.pid)}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
