"""Benchmark of ``bioris report`` on the bundled dataset: the command, the file, the browser.

    python benchmarks/bench_report.py [--runs 3]

Creates the bundled store (``bioris init``), runs ``bioris report`` with its defaults (wall
time and peak memory, from ``/usr/bin/time``), prints the file's size and its largest parts
(the charting library, the figures, the tables), then opens it in Debian's headless Chromium
(Playwright) ``--runs`` times and reports the time from navigation to the first screen ready
(plotly.js unpacked, the figures near the screen drawn: the issue's target is under 2 s) and
to every figure outside a folded part drawn (the rest are drawn in idle time).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _timed(*args: object) -> tuple[float, float]:
    timer = shutil.which("time") or "/usr/bin/time"
    bioris = str(Path(sys.executable).with_name("bioris"))
    start = time.perf_counter()
    done = subprocess.run([timer, "-f", "%M", bioris, *map(str, args)], capture_output=True,
                          text=True, check=False)  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return wall, float(done.stderr.strip().splitlines()[-1]) / 1024


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store = folder / "b.sqlite"
        _timed("init", "--store", store)
        report = folder / "report.html"
        wall, peak = _timed("report", "--store", store, "--out", report)
        html = report.read_text(encoding="utf-8")
        print(f"bioris report (bundled dataset): {wall:.1f} s, peak RSS {peak:.0f} MB")
        print(f"  file {len(html.encode()) / 1e6:.2f} MB; " + ", ".join(
            f"{k} {v / 1e6:.2f} MB" for k, v in _parts(html).items()))  # fmt: skip
        if Path(CHROMIUM).exists():
            times = _open_times(report, args.runs)
            first = statistics.median(t[0] for t in times)
            every = statistics.median(t[1] for t in times)
            print(f"  Chromium, median of {len(times)} runs: first screen ready {first:.2f} s, "
                  f"every unfolded figure drawn {every:.2f} s")  # fmt: skip
        else:
            print("  (no Chromium: the open time is not measured)")


if __name__ == "__main__":
    main()
