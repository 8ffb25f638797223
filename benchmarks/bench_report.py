"""Benchmark of ``bioris report``: the command, the file, the browser.

    python benchmarks/bench_report.py [--runs 3]              # the bundled dataset
    python benchmarks/bench_report.py --size M --runs 0       # 20,000 actors, 100,000 deals
    python benchmarks/bench_report.py --size M --bioris OLD   # another installation's command

With ``--size bundled`` (the default) it creates the bundled store (``bioris init``); with
``--size S|M|L`` (or ``ACTORS,DEALS``) it builds, or reuses, the synthetic store of
``bench_web.build_store`` under the system temp folder. It runs ``bioris report`` with its
defaults and ``--data`` in a fresh process: wall time, CPU time and peak memory (the child's
own resource usage; a run killed by the kernel or stopped by ``--timeout`` is reported as
such, with its figures until then), then
prints the file's size and its largest parts (the charting library, the figures, the tables),
how many parts of the report say they were reduced (``report_detail_max_actors``) and how
many CSV files ``--data`` wrote. With ``--runs N`` (default 3 on the bundled dataset, 0
otherwise) it opens the file in Debian's headless Chromium (Playwright) N times and reports
the time from navigation to the first screen ready (plotly.js unpacked, the figures near the
screen drawn: the issue's target is under 2 s) and to every figure outside a folded part
drawn (the rest are drawn in idle time). The load average is printed at start and end: the
machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@dataclass(frozen=True)
class Run:
    """One command's wall and CPU seconds, peak RSS in MB, and how it ended."""

    wall: float
    cpu: float
    peak_mb: float
    ended: str  # "ok", "failed: ...", "killed by signal 9 (out of memory?)", "stopped after"

    @property
    def ok(self) -> bool:
        return self.ended == "ok"


def _timed(bioris: str, *args: object, timeout: float | None = None) -> Run:
    """Run the command in a fresh process; its own resource usage (``wait4``) gives the CPU
    time and peak RSS, also when it is killed."""
    # stderr to a file, not a pipe: a full pipe would block the child
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen([bioris, *map(str, args)], stdout=subprocess.DEVNULL,
                                   stderr=errors)  # fmt: skip
        status, usage, stopped = _wait(process, started, timeout)
        wall = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    run = Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, "ok")
    if stopped:
        return replace(run, ended=f"stopped after --timeout {timeout:.0f} s")
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        return replace(
            run, ended=f"killed by signal {number}" + (" (out of memory?)" if number == 9 else "")
        )
    if os.waitstatus_to_exitcode(status) != 0:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else "no message"
        return replace(run, ended=f"failed: {last[:300]}")
    return run


def _wait(
    process: subprocess.Popen, started: float, timeout: float | None
) -> tuple[int, resource.struct_rusage, bool]:
    """Wait for ``process`` (stopping it after ``timeout`` seconds): its wait status, its
    resource usage, and whether it was stopped."""
    stopped = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return status, usage, stopped
        if timeout is not None and time.perf_counter() - started > timeout and not stopped:
            process.send_signal(signal.SIGTERM)  # only the process this benchmark started
            stopped = True
        time.sleep(0.05)


def _parts(html: str) -> dict[str, int]:
    plotly = re.search(r'<script id="plotly-packed"[^>]*>.*?</script>', html, re.S)
    figures = re.findall(r'<script type="text/x-bioris-figure">.*?</script>', html, re.S)
    tables = re.findall(r"<table.*?</table>", html, re.S)
    return {
        "plotly.js (packed)": len(plotly.group(0)) if plotly else 0,
        "figures": sum(map(len, figures)),
        "tables": sum(map(len, tables)),
    }


_READY = """() => {
  const drawn = document.querySelectorAll('.js-plotly-plot svg.main-svg').length;
  const pending = document.querySelectorAll('script[type="text/x-bioris-figure"]');
  const open = [...pending].filter((s) => !s.closest('details:not([open])'));
  return %s;
}"""
#: the first screen is ready: plotly.js is unpacked and every figure near the screen is drawn
FIRST_SCREEN = _READY % "typeof Plotly !== 'undefined' && (drawn > 0 || open.length === 0)"
#: every figure outside a folded part is drawn (the idle-time drawing has finished)
EVERY_FIGURE = _READY % "typeof Plotly !== 'undefined' && open.length === 0"


def _open_times(report: Path, runs: int) -> list[tuple[float, float]]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            start = time.perf_counter()
            page.goto(report.as_uri())
            page.wait_for_function(FIRST_SCREEN, timeout=60_000)
            first = time.perf_counter() - start
            page.wait_for_function(EVERY_FIGURE, timeout=120_000)
            times.append((first, time.perf_counter() - start))
            page.close()
        browser.close()
    return times


def _store(size: str, seed: int, bioris: str, folder: Path) -> tuple[Path, str]:
    if size == "bundled":
        store = folder / "b.sqlite"
        made = _timed(bioris, "init", "--store", store)
        if not made.ok:
            raise SystemExit(f"bioris init: {made.ended}")
        return store, "bundled dataset"
    from benchmarks.bench_web import build_store

    parsed = tuple(int(x) for x in size.split(",")) if "," in size else size
    return build_store(parsed, seed), f"synthetic {size}, seed {seed}"


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="bundled", help="bundled, S, M, L or ACTORS,DEALS")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help="Chromium openings (default 3 on the bundled dataset, else 0)",
    )
    parser.add_argument(
        "--bioris",
        default=str(Path(sys.executable).with_name("bioris")),
        help="the bioris command to time (another installation: before/after)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="stop the report after this many seconds (and say so)",
    )
    args = parser.parse_args()  # fmt: skip
    runs = args.runs if args.runs is not None else (3 if args.size == "bundled" else 0)
    print(f"load average at start: {_load()} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store, label = _store(args.size, args.seed, args.bioris, folder)
        report, data = folder / "report.html", folder / "data"
        run = _timed(args.bioris, "report", "--store", store, "--out", report, "--data", data,
                     timeout=args.timeout)  # fmt: skip
        print(f"bioris report ({label}): {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, "
              f"peak RSS {run.peak_mb:.0f} MB" + ("" if run.ok else f"; {run.ended}"))  # fmt: skip
        if run.ok:
            html = report.read_text(encoding="utf-8")
            print(f"  file {report.stat().st_size / 1e6:.2f} MB; " + ", ".join(
                f"{k} {v / 1e6:.2f} MB" for k, v in _parts(html).items()))  # fmt: skip
            reduced = len(re.findall(r'<p class="reduced">', html))
            print(f"  parts that say they are reduced: {reduced}; "
                  f"CSV files in --data: {len(list(data.glob('*.csv')))}")  # fmt: skip
        if run.ok and runs and Path(CHROMIUM).exists():
            times = _open_times(report, runs)
            first = statistics.median(t[0] for t in times)
            every = statistics.median(t[1] for t in times)
            print(f"  Chromium, median of {len(times)} runs: first screen ready {first:.2f} s, "
                  f"every unfolded figure drawn {every:.2f} s")  # fmt: skip
        elif run.ok and runs:
            print("  (no Chromium: the open time is not measured)")
    print(f"load average at end: {_load()}")


if __name__ == "__main__":
    main()
