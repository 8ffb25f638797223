"""Benchmark of the product's network job: ``bioris network metrics`` as a user runs it.

1. the CLI, as a subprocess, start-up included, with its defaults (``--sample auto``,
   ``--jobs`` = the machine's cores): wall time, CPU time and peak memory of the process tree;
   ``bioris --version`` and ``bioris --help`` (start-up alone);
2. the same job through Python (``Study.open``, ``study.inputs``, ``study.network_job``),
   phase by phase, with jobs=1 and jobs=cores, and the job's own seconds per measure;
3. bioris's overhead: wall time of the Python path over the time inside the measure kernels;
4. a networkx baseline of every measure (``benchmarks/nx_baseline.py``), and the speedups.

    python benchmarks/bench_network.py --size S
    python benchmarks/bench_network.py --size M                  # baseline on 3 years
    python benchmarks/bench_network.py --size L --no-baseline

The store of each size and seed is built once (``bench_web.build_store``) and reused. See
``benchmarks/README.md`` for what each figure means and the targets.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from benchmarks.bench_web import build_store

import bioris
from benchmarks import nx_baseline
from bioris import __version__
from bioris.study import Study
from bioris.study.execution import default_jobs
from bioris.study.network import ties as tie_table

START, END, WINDOW = 1987, 2017, 5
SIZES = ("S", "M", "L")
DEFAULT_BASELINE_YEARS = {"S": 31, "M": 3, "L": 0}
DEFAULT_REPEAT = {"S": 5, "M": 1, "L": 1}
#: per-measure seconds of the job that are not graph kernels
NOT_KERNEL = ("graph", "frames")
BIORIS = Path(sys.executable).with_name("bioris")
#: L's files are over the import limits meant for people's spreadsheets
IMPORT_LIMITS = {"BIORIS_MAX_IMPORT_MB": "4000", "BIORIS_MAX_IMPORT_ROWS": "20000000"}


def say(text: str) -> None:
    """Progress, on stderr (the figures go to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def line(label: str, value: str) -> None:
    print(f"  {label:<46} {value}")


def table(frame: pl.DataFrame) -> None:
    with pl.Config(tbl_rows=100, tbl_cols=30, tbl_width_chars=220, float_precision=3,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):  # fmt: skip
        print(frame)


# ================================================================ the CLI, as a process tree


def _processes() -> tuple[dict[int, list[int]], dict[int, int]]:
    """Every process's children, and its CPU clock ticks (user + system) so far."""
    tree: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            tree.setdefault(int(fields[1]), []).append(int(entry.name))
            ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    return tree, ticks


def _rss_kb(pid: int) -> int:
    try:
        for text in Path(f"/proc/{pid}/status").read_text().splitlines():
            if text.startswith("VmRSS:"):
                return int(text.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples a process and all its descendants every 50 ms: the peak of their summed
    resident memory, the most processes at once, and each one's CPU time when last seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.processes = pid, 0, 0
        self.ticks: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            tree, ticks = _processes()
            pids, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo.extend(tree.get(pid, ()))
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in pids))
            self.processes = max(self.processes, len(pids))
            self.ticks |= {p: ticks[p] for p in pids if p in ticks}
            self.done.wait(0.05)

    def cpu(self) -> float:
        """CPU seconds of the tree (each process as last sampled)."""
        return sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    wall: float
    cpu: float  # user + system of the process tree (sampled; the waited ones exactly)
    maxrss_mb: float  # largest single process (the kernel's ru_maxrss over the waited tree)
    tree_mb: float  # peak of the sampled sum over the process tree
    processes: int
    output: str
    returncode: int


def run_process(argv: list[str]) -> Run:
    with tempfile.TemporaryFile("w+") as sink:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT)
        memory = TreeMemory(child.pid)
        memory.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        memory.done.set()
        memory.join()
        sink.seek(0)
        output = sink.read()
    cpu = max(usage.ru_utime + usage.ru_stime, memory.cpu())
    return Run(wall, cpu, usage.ru_maxrss / 1024,
               memory.peak_kb / 1024, memory.processes, output, child.returncode)  # fmt: skip


def bench_cli(store: Path, repeat: int) -> dict[str, list[Run]]:
    """Start-up (``--version``, ``--help``, 5 runs each) and ``network metrics`` (``repeat``)."""
    # an installed package carries its bytecode (pip compiles it); an editable install under
    # PYTHONDONTWRITEBYTECODE (set on this machine) would compile every module at each start
    compileall.compile_dir(Path(bioris.__file__).parent, quiet=1)
    say("bytecode of bioris compiled (as pip does on install)")
    runs: dict[str, list[Run]] = {}
    for name, argv in (("--version", ["--version"]), ("--help", ["--help"])):
        runs[name] = [run_process([str(BIORIS), *argv]) for _ in range(5)]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "metrics.parquet"
        argv = [str(BIORIS), "network", "metrics", "--store", str(store), "--from", str(START),
                "--to", str(END), "--window", str(WINDOW), "--out", str(out)]  # fmt: skip
        print(f"\nCLI: {' '.join(argv[1:]).replace(folder, 'TMP')}")
        runs["metrics"] = []
        for i in range(repeat):
            say(f"CLI network metrics, run {i + 1}/{repeat} (load {load()})")
            runs["metrics"].append(run_process(argv))
            if runs["metrics"][-1].returncode:
                raise SystemExit(f"bioris network metrics failed:\n{runs['metrics'][-1].output}")
    return runs


def print_cli(runs: dict[str, list[Run]]) -> Run:
    for name in ("--version", "--help"):
        walls = [r.wall for r in runs[name]]
        line(f"bioris {name} (5 runs: min / median)",
             f"{min(walls):6.3f} / {statistics.median(walls):.3f} s, "
             f"{max(r.maxrss_mb for r in runs[name]):.0f} MB  (target < 0.3 s)")  # fmt: skip
    metrics = runs["metrics"]
    best = min(metrics, key=lambda r: r.wall)
    if len(metrics) > 1:
        line("network metrics runs (wall)", ", ".join(f"{r.wall:.2f}" for r in metrics) + " s")
    line("network metrics: wall (start-up included)", f"{best.wall:8.2f} s")
    line("  CPU (user + system, process tree)", f"{best.cpu:8.2f} s")
    line("  peak RSS, largest process", f"{best.maxrss_mb:8.0f} MB")
    line("  peak RSS, process tree (sampled sum)",
         f"{best.tree_mb:8.0f} MB  ({best.processes} process(es) at most)")  # fmt: skip
    for text in best.output.strip().splitlines()[-2:]:
        print(f"    | {text}")
    return best


# ================================================================ the Python path


@dataclass
class PythonRun:
    jobs: int
    phases: dict[str, float]  # open + inputs, tie table (apart), job
    job: object  # bioris.study.network_job.NetworkJob

    @property
    def total(self) -> float:
        """Open, inputs and the job (which builds its own tie table)."""
        return self.phases["open study + inputs"] + self.phases["network_job"]

    def kernel(self) -> float:
        return sum(v for k, v in self.job.seconds().items() if k not in NOT_KERNEL)

    def workers(self) -> int:
        return self.job.execution.workers


def python_path(store: Path, jobs: int, progress: bool) -> tuple[PythonRun, pl.DataFrame, dict]:
    """One run: open the study and build its inputs, the tie table (timed apart: the job
    builds its own), the job. Returns the run, the tie table and the brokerage groups."""
    phases = {}
    start = time.perf_counter()
    with Study.open(store) as study:
        study.inputs  # noqa: B018 -- the cached inputs are part of opening a study
        phases["open study + inputs"] = time.perf_counter() - start
        start = time.perf_counter()
        ties = tie_table(study, START, END, window=WINDOW)
        phases["tie table (timed apart)"] = time.perf_counter() - start
        start = time.perf_counter()
        job = study.network_job(start=START, end=END, window=WINDOW, jobs=jobs,
                                on_progress=_on_progress if progress else None)  # fmt: skip
        phases["network_job"] = time.perf_counter() - start
        groups = study.inputs.groups()
    return PythonRun(jobs, phases, job), ties, groups


def _on_progress(event) -> None:
    if event.measure is None:
        say(f"  {event.year} done ({event.years_done}/{event.years_total} years, "
            f"{event.ties_done:,}/{event.ties_total:,} ties)")  # fmt: skip


def print_python(run: PythonRun) -> None:
    e = run.job.execution
    print(f"\nthrough Python, jobs={run.jobs}: ran {e.mode}, {e.workers} worker(s)"
          + (f" ({e.why})" if e.why else ""))  # fmt: skip
    for phase, seconds in run.phases.items():
        line(phase, f"{seconds:8.3f} s")
    line("TOTAL (open + inputs + network_job)", f"{run.total:8.3f} s")
    kernel = run.kernel()
    per_worker = kernel / run.workers()
    line("kernel time (measures, excl. graph and frames)",
         f"{kernel:8.3f} s" + (f", / {run.workers()} workers = {per_worker:.3f} s"
                               if run.workers() > 1 else ""))  # fmt: skip
    line("bioris overhead = total / kernel - 1", f"{100 * (run.total / per_worker - 1):7.1f} %")
    line("  network_job alone / kernel - 1",
         f"{100 * (run.phases['network_job'] / per_worker - 1):7.1f} %")  # fmt: skip


def print_measures(run: PythonRun, other: PythonRun) -> None:
    """The job's seconds per measure over all years, with the slowest year of each (and the
    same sum in the ``other`` run, if it ran in a pool)."""
    years = run.job.years
    seconds, theirs = run.job.seconds(), other.job.seconds()
    kernel = run.kernel()
    rows = []
    for measure, total in sorted(seconds.items(), key=lambda kv: -kv[1]):
        column = years[f"seconds_{measure}"]
        worst = int(column.arg_max())
        row = {"measure": measure, "seconds": total,
               "% of kernel": None if measure in NOT_KERNEL else 100 * total / kernel,
               "slowest year": years["year"][worst], "its seconds": column[worst],
               "its actors": years["actors"][worst]}  # fmt: skip
        if other.workers() > 1:
            row[f"jobs={other.jobs} (in workers)"] = theirs.get(measure)
        rows.append(row)
    print(f"\nper measure, summed over the {years.height} years (jobs={run.jobs}; the job's "
          "own clock, in the process that ran the year)")  # fmt: skip
    table(pl.DataFrame(rows))
    print(f"  {run.job.betweenness_statement()}")


def print_years(run: PythonRun) -> None:
    years = run.job.years
    cols = [c for c in years.columns if c.startswith("seconds_")]
    rows = years.to_dicts()
    slowest = [max(cols, key=lambda c, r=r: r[c]).removeprefix("seconds_") for r in rows]
    view = years.select("year", "actors", "ties", "betweenness", "sources", "relative_se",
                        pl.sum_horizontal(cols).alias("seconds"))  # fmt: skip
    print("\nper year")
    table(view.with_columns(pl.Series("slowest measure", slowest)))


# ================================================================ networkx baseline


def spread_years(count: int) -> list[int]:
    """``count`` years spread evenly over START..END (ends included)."""
    count = min(count, END - START + 1)
    return sorted({round(y) for y in np.linspace(START, END, count)})


@dataclass
class Baseline:
    years: list[int]
    factor: float  # measured years -> all years, by edges
    measured: dict[str, float]  # wall seconds per measure over the measured years
    gaps: dict[str, float]  # worst absolute difference from bioris per column

    def scaled(self, measure: str) -> float:
        return self.factor * self.measured.get(measure, 0.0)

    def total(self) -> float:
        return self.factor * sum(self.measured.values())


def run_baseline(ties: pl.DataFrame, groups: dict[str, str], frame: pl.DataFrame,
                 years: list[int], seed: int) -> Baseline:  # fmt: skip
    print(f"\nnetworkx {nx.__version__} baseline on {len(years)} year(s)"
          + ("" if len(years) == END - START + 1 else f": {years}"))  # fmt: skip
    measured: dict[str, float] = {}
    gaps: dict[str, float] = {}
    for year in years:
        part = ties.filter(pl.col("year") == year)
        say(f"networkx {year}: {part.height:,} ties (load {load()})")
        seconds, out = nx_baseline.baseline_year(part, year, groups, seed=seed, progress=say)
        for k, v in seconds.items():
            measured[k] = measured.get(k, 0.0) + v
        for k, v in nx_baseline.agreement(frame.filter(pl.col("year") == year), out).items():
            gaps[k] = max(gaps.get(k, 0.0), v)
        if len(years) <= 5:
            print(f"  {year}: {out['graph'].number_of_nodes():,} actors, {part.height:,} ties, "
                  f"{sum(seconds.values()):.1f} s: "
                  + ", ".join(f"{k} {v:.2f}" for k, v in seconds.items()))  # fmt: skip
    edges = dict(ties.group_by("year").len().iter_rows())
    factor = sum(edges.values()) / sum(edges[y] for y in years)
    baseline = Baseline(years, factor, measured, gaps)
    line("measured", f"{sum(measured.values()):9.2f} s wall on {len(years)} year(s)")
    if factor != 1:
        line("scaled to all years by edges", f"{baseline.total():9.2f} s  (x{factor:.2f}; "
             f"x{(END - START + 1) / len(years):.2f} by year count)")  # fmt: skip
    print("  agreement with bioris, worst absolute difference over those years: "
          + ", ".join(f"{k} {v:.2g}" for k, v in gaps.items()))  # fmt: skip
    return baseline


#: bioris measure -> the baseline's timings it is compared with
COMPARED = {m: (m,) for m in nx_baseline.MEASURES} | {
    "graph": ("graph",), "structural_holes": ("constraint", "effective_size")}  # fmt: skip


def print_comparison(run: PythonRun, baseline: Baseline) -> None:
    print(f"\nper measure over all years: bioris (jobs={run.jobs}) | networkx"
          + (" (scaled)" if baseline.factor != 1 else "") + " | networkx / bioris")  # fmt: skip
    ours = run.job.seconds()
    for measure, parts in COMPARED.items():
        mine = ours.get(measure, 0.0)
        theirs = sum(baseline.scaled(p) for p in parts)
        ratio = f"{theirs / mine:8.1f}x" if mine > 0 else "        -"
        line(f"  {measure}", f"{mine:8.3f} s | {theirs:9.2f} s | {ratio}")


# ================================================================ main


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="S", choices=SIZES, type=str.upper)
    parser.add_argument("--seed", type=int, default=0, help="data set (store) and job seed")
    parser.add_argument("--repeat", type=int, default=0,
                        help="runs of the CLI and of each Python path, the fastest reported "
                        "(default: S 5, else 1)")  # fmt: skip
    parser.add_argument("--baseline-years", type=int, default=-1,
                        help="networkx on N evenly spread years, scaled to all by edges "
                        "(default: S 31, M 3, L 0 = skip)")  # fmt: skip
    parser.add_argument("--no-baseline", action="store_true", help="skip the networkx baseline")
    parser.add_argument("--skip-cli", action="store_true", help="skip the CLI runs")
    parser.add_argument("--jobs", type=int, default=default_jobs(),
                        help="processes of the parallel Python run (default: cores)")  # fmt: skip
    parser.add_argument("--no-serial", action="store_true",
                        help="skip the Python run with jobs=1 (long on L)")  # fmt: skip
    parser.add_argument("--progress", action="store_true", help="print each year as it ends")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    repeat = args.repeat or DEFAULT_REPEAT[args.size]
    years = 0 if args.no_baseline else args.baseline_years
    years = DEFAULT_BASELINE_YEARS[args.size] if years < 0 else years
    print(f"bioris {__version__} network benchmark: size {args.size}, seed {args.seed}, "
          f"{START}-{END}, {WINDOW}-year window, defaults of `bioris network metrics`")  # fmt: skip
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpu(s) ({default_jobs()} usable), "
          f"Python {platform.python_version()}, polars {pl.__version__}, networkx "
          f"{nx.__version__}")  # fmt: skip
    print(f"load average at start: {load()} (1/5/15 min; above the cpu count, other processes "
          "inflate every timing)")  # fmt: skip
    for name, value in IMPORT_LIMITS.items():
        os.environ.setdefault(name, value)
    say(f"store {args.size}, seed {args.seed} (built once, then reused)")
    store = build_store(args.size, args.seed)
    print(f"store: {store} ({store.stat().st_size / 1e6:.0f} MB)")

    cli = None
    if not args.skip_cli:
        print("\n==== the CLI (a fresh process each run, start-up included)")
        cli = print_cli(bench_cli(store, repeat))

    print("\n==== through Python (this process)")
    runs: dict[int, PythonRun] = {}
    ties, groups = None, {}
    for jobs in [args.jobs] if args.no_serial else sorted({1, args.jobs}):
        best = None
        for i in range(repeat):
            say(f"Python path, jobs={jobs}, run {i + 1}/{repeat} (load {load()})")
            run, ties, groups = python_path(store, jobs, args.progress)
            if best is None or run.total < best.total:
                best = run
        runs[jobs] = best
        print_python(best)
    serial, parallel = runs[min(runs)], runs[args.jobs]  # serial: jobs=1 unless --no-serial
    print_measures(serial, parallel)
    print_years(serial)

    baseline = None
    if years:
        baseline = run_baseline(ties, groups, serial.job.frame, spread_years(years), args.seed)
        print_comparison(serial, baseline)

    print_summary(args, cli, serial, parallel, baseline, ties)
    return 0


def print_summary(args, cli: Run | None, serial: PythonRun, parallel: PythonRun,
                  baseline: Baseline | None, ties: pl.DataFrame) -> None:  # fmt: skip
    edges = ties.group_by("year").len()["len"]
    print("\n==================== summary ====================")
    actors = serial.job.years["actors"]
    print(f"size {args.size}, seed {args.seed}: {actors.len()} years, {actors.sum():,} "
          f"actor-years (largest year {actors.max():,}), "
          f"{edges.sum():,} ties (largest year {edges.max():,})")  # fmt: skip
    if cli is not None:
        print(f"CLI network metrics  {cli.wall:.2f} s wall incl. start-up, {cli.cpu:.1f} s CPU; "
              f"peak RSS {cli.maxrss_mb:,.0f} MB (largest process), {cli.tree_mb:,.0f} MB "
              f"(process tree)")  # fmt: skip
        kernel, workers = serial.kernel(), parallel.workers()
        print(f"  CLI / (jobs={serial.jobs} kernel time {kernel:.2f} s / {workers} worker(s)) - 1 "
              f"= {100 * (cli.wall / (kernel / workers) - 1):.0f} % (start-up, the file, and "
              "workers that do not each get a free core included)")  # fmt: skip
    for run in (serial, parallel) if parallel is not serial else (serial,):
        per_worker = run.kernel() / run.workers()
        print(f"Python jobs={run.jobs:<2}        {run.total:.2f} s (open + inputs "
              f"{run.phases['open study + inputs']:.2f}, network_job "
              f"{run.phases['network_job']:.2f}; {run.job.execution.mode}, {run.workers()} "
              f"worker(s)); overhead {100 * (run.total / per_worker - 1):.0f} % over "
              f"{per_worker:.2f} s of kernels")  # fmt: skip
    if baseline is None:
        print("networkx baseline    not run")
    else:
        how = ("all years" if baseline.factor == 1
               else f"{baseline.years}, scaled by edges x{baseline.factor:.2f}")  # fmt: skip
        print(f"networkx baseline    {baseline.total():.1f} s ({how})")
        against = [("CLI", cli.wall if cli else None)] + [
            (f"Python jobs={r.jobs}", r.total) for r in {serial.jobs: serial, parallel.jobs:
                                                          parallel}.values()]  # fmt: skip
        print("speedup              " + ", ".join(f"{baseline.total() / s:.0f}x vs {name}"
                                                  for name, s in against if s))  # fmt: skip
    print(f"load average at end  {load()} (1/5/15 min); {os.cpu_count()} cpu(s)")
    print("=================================================")


if __name__ == "__main__":
    raise SystemExit(main())
