"""Benchmark of the longitudinal network job on synthetic alliance data.

Runs the job a study of the alliance network runs: every year 1987-2017 with a five-year tie
window (:func:`bioris.analytics.temporal.tie_table`), then actor-year degree, betweenness,
eigenvector centrality, Burt's constraint and effective size, Gould-Fernandez brokerage by
location (:func:`bioris.analytics.longitudinal.actor_year_metrics`), and the year-level
structure: components, clustering, path length
(:func:`bioris.analytics.structure.network_structure`).
It prints the wall time of every phase and measure, the time spent inside igraph's kernels
(and so bioris's own overhead), peak memory, the error of sampled betweenness, and the time
of the same measures computed the usual way, with networkx, snapshot by snapshot.

    python benchmarks/bench_network.py --size S
    python benchmarks/bench_network.py --size M --baseline-years 3
    python benchmarks/bench_network.py --size L --baseline-years 0 --error-years 0

See ``benchmarks/README.md`` for what each figure means and the targets.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import os
import platform
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import polars as pl
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from benchmarks.synthetic import SIZES, generate, resolve_size

from bioris.analytics.centrality import (
    CENTRALITY_MEASURES,
    BetweennessSampling,
    centrality,
)
from bioris.analytics.longitudinal import JobOptions, actor_year_metrics
from bioris.analytics.structure import PathSampling, network_structure
from bioris.analytics.temporal import TiePolicy, tie_table

# the module, not the package attribute of the same name (bioris.analytics re-exports functions)
longitudinal = importlib.import_module("bioris.analytics.longitudinal")

START, END, LIFETIME = 1987, 2017, 5
MEASURES = ("degree", "betweenness", "eigenvector")
#: sampled betweenness sources per snapshot by size (None = exact)
DEFAULT_SOURCES = {"S": None, "M": 1000, "L": 1000}
#: sampled path-length sources (bioris's PathSampling default) by size (None = exact)
DEFAULT_PATH_SOURCES = {"S": None, "M": 200, "L": 200}
DEFAULT_BASELINE_YEARS = {"S": 31, "M": 3, "L": 0}
DEFAULT_ERROR_YEARS = {"S": 0, "M": 3, "L": 0}
DEFAULT_REPEAT = {"S": 3, "M": 1, "L": 1}
#: igraph methods the job calls for analysis (graph construction is timed apart)
KERNELS = (
    "betweenness", "eigenvector_centrality", "constraint", "list_triangles", "degree",
    "connected_components", "induced_subgraph", "transitivity_avglocal_undirected",
    "distances", "average_path_length",
)  # fmt: skip
TOP = 100


# ================================================================ measuring


@dataclass
class Clock:
    """Seconds and calls per label, filled by the instrumented functions."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    depth: int = 0  # igraph calls nested in igraph calls are counted once
    progress: bool = False  # print each measure call as it ends (to follow long runs)
    started: float = field(default_factory=time.perf_counter)

    def wrap(self, label: str, function: Callable, *, kernel: bool = False) -> Callable:
        @functools.wraps(function)
        def timed(*args, **kwargs):
            if kernel and self.depth:
                return function(*args, **kwargs)
            self.depth += kernel
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                end = time.perf_counter()
                self.seconds[label] += end - start
                self.calls[label] += 1
                self.depth -= kernel
                if self.progress and label.startswith("measure "):
                    print(f"  [{end - self.started:7.1f} s] {label} call {self.calls[label]}: "
                          f"{end - start:.2f} s, peak RSS {rss_peak_mb():,.0f} MB",
                          file=sys.stderr, flush=True)  # fmt: skip

        return timed


@contextlib.contextmanager
def patched(target: object, name: str, value: object) -> Iterator[None]:
    original = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, original)


@contextlib.contextmanager
def patched_item(mapping: dict, key: str, value: object) -> Iterator[None]:
    original = mapping[key]
    mapping[key] = value
    try:
        yield
    finally:
        mapping[key] = original


@contextlib.contextmanager
def instrumented(clock: Clock) -> Iterator[None]:
    """Time bioris's measure functions and igraph's kernels during the job (nothing in src/
    changes: module attributes and igraph methods are wrapped, then restored)."""
    with contextlib.ExitStack() as stack:
        for measure in MEASURES:
            kernel, reference = CENTRALITY_MEASURES[measure]
            timed = (clock.wrap(f"measure {measure}", kernel), reference)
            stack.enter_context(patched_item(CENTRALITY_MEASURES, measure, timed))
        for name, label in (("constraint_arrays", "measure constraint+effective size"),
                            ("brokerage_counts", "measure brokerage")):  # fmt: skip
            function = getattr(longitudinal, name)
            stack.enter_context(patched(longitudinal, name, clock.wrap(label, function)))
        for method in KERNELS:
            wrapped = clock.wrap(f"igraph {method}", getattr(ig.Graph, method), kernel=True)
            stack.enter_context(patched(ig.Graph, method, wrapped))
        build = clock.wrap("igraph Graph() construction", ig.Graph.__init__, kernel=True)
        stack.enter_context(patched(ig.Graph, "__init__", build))
        yield


def rss_peak_mb() -> float:
    """Peak resident memory of this process since start or the last :func:`reset_peak`."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter (Linux ``clear_refs``), so a phase's peak is its own."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# ================================================================ the job


@dataclass
class JobResult:
    seconds: dict[str, float]  # wall time per phase
    cpu: dict[str, float]  # process CPU time per phase (all threads)
    clock: Clock
    ties: pl.DataFrame
    metrics: pl.DataFrame
    structure: pl.DataFrame
    options: JobOptions
    paths: PathSampling | None
    groups: dict[str, str]

    def year_seconds(self, year: int) -> float:
        """Wall time of the job's measures on one year's ties alone (no instrumentation)."""
        part = self.ties.filter(pl.col("year") == year)
        start = time.perf_counter()
        actor_year_metrics(part, groups=self.groups, options=self.options)
        network_structure(part, random_graphs=0, seed=self.options.seed, path_sampling=self.paths)
        return time.perf_counter() - start


def run_job(
    data, sources: int | None, path_sources: int | None, seed: int, progress: bool = False
) -> JobResult:
    """The longitudinal job, timed phase by phase, with its igraph calls timed inside."""
    sampling = BetweennessSampling(sources=sources, seed=seed) if sources else None
    paths = PathSampling(sources=path_sources, seed=seed) if path_sources else None
    options = JobOptions(measures=MEASURES, weight="alliances", structural_holes=True,
                         brokerage=True, core_periphery=False, betweenness_sampling=sampling,
                         seed=seed)  # fmt: skip
    groups = data.groups("location")
    clock, seconds, cpu, out = Clock(progress=progress), {}, {}, {}

    def phase(label: str, function: Callable, *args, **kwargs) -> None:
        wall, process = time.perf_counter(), time.process_time()
        out[label] = function(*args, **kwargs)
        seconds[label] = time.perf_counter() - wall
        cpu[label] = time.process_time() - process

    with instrumented(clock):
        phase("tie table", tie_table, data.alliances, data.parties, start=START, end=END,
              policy=TiePolicy("fixed", LIFETIME))  # fmt: skip
        phase("actor-year metrics", actor_year_metrics, out["tie table"], groups=groups,
              options=options)  # fmt: skip
        phase("year structure", network_structure, out["tie table"], random_graphs=0,
              seed=seed, path_sampling=paths)  # fmt: skip
    seconds["job"], cpu["job"] = sum(seconds.values()), sum(cpu.values())
    return JobResult(seconds, cpu, clock, out["tie table"], out["actor-year metrics"],
                     out["year structure"], options, paths, groups)  # fmt: skip


def snapshot_sizes(ties: pl.DataFrame) -> pl.DataFrame:
    """Per year: actors (nodes) and ties (edges) of the snapshot."""
    ends = pl.concat([ties.select("year", pl.col("source").alias("actor")),
                      ties.select("year", pl.col("target").alias("actor"))])  # fmt: skip
    nodes = ends.group_by("year").agg(pl.col("actor").n_unique().alias("nodes"))
    edges = ties.group_by("year").agg(pl.len().alias("edges"))
    return nodes.join(edges, on="year").sort("year")


# ================================================================ betweenness error


def betweenness_error(
    ties: pl.DataFrame, years: list[int], sources: list[int], seed: int
) -> pl.DataFrame:
    """Sampled against exact betweenness on some snapshots: per year and number of sources,
    the median and 90th-percentile relative error over the exact top-100 actors, the
    Spearman correlation over all actors and over the top 100, and the top-100 overlap."""
    rows = []
    for year in years:
        part = ties.filter(pl.col("year") == year)
        start = time.perf_counter()
        exact = centrality(part, measures=("betweenness",))["betweenness"].to_numpy()
        exact_s = time.perf_counter() - start
        top = np.argsort(-exact, kind="stable")[:TOP]
        for k in sources:
            start = time.perf_counter()
            sampling = BetweennessSampling(sources=k, seed=seed)
            estimate = centrality(part, measures=("betweenness",), betweenness_sampling=sampling)
            sampled_s = time.perf_counter() - start
            est = estimate["betweenness"].to_numpy()
            relative = np.abs(est[top] - exact[top]) / exact[top]
            rows.append({
                "year": year, "nodes": len(exact), "edges": part.height, "sources": k,
                "exact_s": exact_s, "sampled_s": sampled_s,
                "median_rel_err_top100": float(np.median(relative)),
                "p90_rel_err_top100": float(np.quantile(relative, 0.9)),
                "spearman_all": float(spearmanr(exact, est).statistic),
                "spearman_top100": float(spearmanr(exact[top], est[top]).statistic),
                "top100_overlap": len(set(top) & set(np.argsort(-est, kind="stable")[:TOP])),
            })  # fmt: skip
    return pl.DataFrame(rows)


# ================================================================ networkx baseline


def nx_brokerage(graph: nx.Graph, groups: dict[str, str]) -> dict[str, list[int]]:
    """Gould-Fernandez census by brute force over each broker's pairs of contacts, on the
    symmetric digraph (both orders of every open pair, as bioris counts)."""
    census = {}
    for b, contacts in graph.adj.items():
        gb, counts = groups[b], [0, 0, 0, 0, 0]
        for a in contacts:
            ga, neighbours_a = groups[a], graph.adj[a]
            for c in contacts:
                if c == a or c in neighbours_a:
                    continue
                gc = groups[c]
                if ga == gb == gc:
                    counts[0] += 1  # coordinator
                elif ga == gc:
                    counts[1] += 1  # itinerant
                elif gb == gc:
                    counts[2] += 1  # gatekeeper
                elif ga == gb:
                    counts[3] += 1  # representative
                else:
                    counts[4] += 1  # liaison
        census[b] = counts
    return census


def nx_structure(graph: nx.Graph, path_sources: int | None, seed: int, year: int) -> dict:
    """Components, clustering, path length in the largest component, centralisation."""
    components = list(nx.connected_components(graph))
    giant = graph.subgraph(max(components, key=len))
    if path_sources is None or giant.number_of_nodes() <= path_sources:
        path = nx.average_shortest_path_length(giant)
    else:
        nodes = sorted(giant)
        rng = np.random.default_rng([seed, year])
        chosen = rng.choice(len(nodes), size=path_sources, replace=False)
        total = sum(sum(nx.single_source_shortest_path_length(giant, nodes[i]).values())
                    for i in chosen)  # fmt: skip
        path = total / (path_sources * (len(nodes) - 1))
    degrees = np.array([d for _, d in graph.degree()], dtype=np.float64)
    n = len(degrees)
    return {
        "components": len(components),
        "largest_component_share": giant.number_of_nodes() / n,
        "average_clustering": nx.average_clustering(graph),
        "average_path_length": path,
        "degree_centralisation": (degrees.max() - degrees).sum() / ((n - 1) * (n - 2)),
    }


def baseline_year(
    ties: pl.DataFrame, year: int, groups: dict[str, str], sources: int | None,
    path_sources: int | None, seed: int,
) -> tuple[dict[str, float], dict]:  # fmt: skip
    """The same measures for one year with networkx, rebuilding the graph from the tie table."""
    seconds, out = {}, {}

    def timed(label: str, function: Callable, *args, **kwargs):
        wall, process = time.perf_counter(), time.process_time()
        out[label] = function(*args, **kwargs)
        seconds[label] = time.perf_counter() - wall
        seconds[f"cpu {label}"] = time.process_time() - process

    def build() -> nx.Graph:
        graph = nx.Graph()
        rows = ties.filter(pl.col("year") == year).select("source", "target", "alliances")
        graph.add_weighted_edges_from(rows.iter_rows(), weight="alliances")
        return graph

    timed("graph", build)
    graph = out["graph"]
    k = sources if sources and sources < graph.number_of_nodes() else None
    timed("degree", lambda: dict(graph.degree()))
    timed("betweenness", nx.betweenness_centrality, graph, k=k, seed=seed)
    timed("eigenvector", nx.eigenvector_centrality, graph, max_iter=1000)
    # Constraint only: networkx 3.6's fast (sparse) weighted effective_size normalises by the
    # wrong maximum, and its exact per-node loop is cubic in the degree (see README).
    timed("constraint", nx.constraint, graph, weight="alliances")
    timed("brokerage", nx_brokerage, graph, groups)
    timed("structure", nx_structure, graph, path_sources, seed, year)
    return seconds, out


@dataclass
class Baseline:
    years: list[int]
    factor: float  # from the measured years to all 31, by edges
    measured: dict[str, float]  # wall (and "cpu ...") seconds per measure, measured years
    paired_speedup: float  # networkx / bioris on the measured years, each timed back to back

    def total(self, cpu: bool = False) -> float:
        """All measures, scaled to the 31 years."""
        keys = [k for k in self.measured if k.startswith("cpu ") == cpu]
        return self.factor * sum(self.measured[k] for k in keys)


def spread_years(count: int) -> list[int]:
    """``count`` years spread evenly over START..END (ends included)."""
    count = min(count, END - START + 1)
    return sorted({round(y) for y in np.linspace(START, END, count)})


def agreement(job: JobResult, year: int, out: dict, sampled: bool) -> dict[str, float]:
    """Largest differences between bioris and networkx on one year (a check that the
    baseline computes the same measures)."""
    got = job.metrics.filter(pl.col("year") == year)
    actors = got["actor"].to_list()

    def gap(column: str, reference: dict) -> float:
        expected = np.array([reference[a] for a in actors], dtype=np.float64)
        return float(np.nanmax(np.abs(got[column].to_numpy() - expected)))

    brokerage_totals = {a: sum(v) for a, v in out["brokerage"].items()}
    graph = out["graph"]
    gaps = {
        "degree": gap("degree", out["degree"]),
        "constraint": gap("constraint", out["constraint"]),
        "brokerage_total": gap("brokerage_total", brokerage_totals),
    }
    if not sampled:  # different sources would give different estimates
        gaps["betweenness"] = gap("betweenness", out["betweenness"])
    if graph.number_of_nodes() <= 5000:  # the exact loop (untimed), Burt's formula
        exact = nx.effective_size(graph, nodes=list(graph), weight="alliances")
        gaps["effective_size"] = gap("effective_size", exact)
    return gaps


# ================================================================ printing


def line(label: str, value: str) -> None:
    print(f"  {label:<44} {value}")


def print_machine() -> None:
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpu(s), Python "
          f"{platform.python_version()}, polars {pl.__version__}, igraph {ig.__version__}, "
          f"networkx {nx.__version__}, numpy {np.__version__}")  # fmt: skip
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"load average at start: {load} (1/5/15 min; above the cpu count, timings are "
        "inflated by other processes)"
    )


def print_job(job: JobResult, sizes: pl.DataFrame) -> dict[str, float]:
    s, c = job.seconds, job.clock.seconds
    print("\nbioris job (wall time)")
    for phase in ("tie table", "actor-year metrics", "year structure"):
        line(phase, f"{s[phase]:8.3f} s")
    line("TOTAL job", f"{s['job']:8.3f} s")
    print("  per measure, summed over the 31 years:")
    for label in [f"measure {m}" for m in MEASURES] + [
        "measure constraint+effective size", "measure brokerage",
    ]:  # fmt: skip
        line("  " + label.removeprefix("measure "), f"{c[label]:8.3f} s")
    rest = (s["actor-year metrics"] - sum(c[f"measure {m}"] for m in MEASURES)
            - c["measure constraint+effective size"] - c["measure brokerage"])  # fmt: skip
    line("  snapshots (one graph a year), frames, sort", f"{rest:8.3f} s")
    line("  year structure (components, paths)", f"{s['year structure']:8.3f} s")
    kernels = {k: v for k, v in c.items() if k.startswith("igraph ") and "construction" not in k}
    kernel = sum(kernels.values())
    build = c.get("igraph Graph() construction", 0.0)
    print("\nigraph kernel calls made by the job (summed)")
    for label, value in sorted(kernels.items(), key=lambda kv: -kv[1]):
        line("  " + label.removeprefix("igraph "),
             f"{value:8.3f} s  ({job.clock.calls[label]} calls)")  # fmt: skip
    line("KERNEL total (analysis calls)", f"{kernel:8.3f} s")
    line("  + graph construction (igraph Graph())", f"{build:8.3f} s "
         f"({job.clock.calls.get('igraph Graph() construction', 0)} graphs)")  # fmt: skip
    overhead = s["job"] / kernel - 1 if kernel else float("nan")
    overhead_build = s["job"] / (kernel + build) - 1 if kernel + build else float("nan")
    line("bioris overhead = job / kernel - 1", f"{100 * overhead:7.1f} %  (target < 25 %)")
    line("  counting graph construction as kernel", f"{100 * overhead_build:7.1f} %")
    print("\nsnapshots")
    line("snapshots", f"{sizes.height}")
    line("nodes: total / largest", f"{sizes['nodes'].sum():,} / {sizes['nodes'].max():,}")
    line("edges: total / largest", f"{sizes['edges'].sum():,} / {sizes['edges'].max():,}")
    line("tie-table rows / actor-year rows", f"{job.ties.height:,} / {job.metrics.height:,}")
    return {"kernel": kernel, "overhead": overhead, "overhead_build": overhead_build}


def print_error(table: pl.DataFrame) -> None:
    print("\nsampled vs exact betweenness (same seeds as the job)")
    with pl.Config(tbl_rows=50, tbl_cols=20, tbl_width_chars=200, float_precision=3,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):  # fmt: skip
        print(table)


def run_baseline(
    job: JobResult, groups: dict[str, str], years: list[int], sources: int | None,
    path_sources: int | None, seed: int, sizes: pl.DataFrame,
) -> Baseline:  # fmt: skip
    """Time the networkx baseline on ``years``, print it, and scale it to the 31 years."""
    print(f"\nnetworkx baseline on {len(years)} year(s): {years}")
    totals: dict[str, float] = defaultdict(float)
    paired = [0.0, 0.0]
    for year in years:
        ours = job.year_seconds(year)  # timed right before networkx: same machine load
        seconds, out = baseline_year(job.ties, year, groups, sources, path_sources, seed)
        for k, v in seconds.items():
            totals[k] += v
        wall = {k: v for k, v in seconds.items() if not k.startswith("cpu ")}
        theirs = sum(wall.values())
        paired[0] += ours
        paired[1] += theirs
        print(f"  {year}: " + ", ".join(f"{k} {v:.2f}s" for k, v in wall.items())
              + f"  (total {theirs:.2f} s; bioris on this year alone {ours:.3f} s: "
              f"{theirs / ours:.0f}x)")  # fmt: skip
        if year == years[0]:
            gaps = agreement(job, year, out, sources is not None)
            print(f"  agreement with bioris in {year} (max abs difference): "
                  + ", ".join(f"{k} {v:.2g}" for k, v in gaps.items()))  # fmt: skip
    edges = dict(sizes.select("year", "edges").iter_rows())
    factor = sum(edges.values()) / sum(edges[y] for y in years)
    baseline = Baseline(years, factor, dict(totals), paired[1] / paired[0])
    measured = baseline.total() / factor
    line("baseline measured", f"{measured:10.2f} s wall on {len(years)} year(s)")
    if len(years) < sizes.height:
        line("scaled to 31 years by edges", f"{baseline.total():10.2f} s  (x{factor:.2f}; "
             f"x{sizes.height / len(years):.2f} by year count would give "
             f"{measured * sizes.height / len(years):.2f} s)")  # fmt: skip
    print_comparison(job, baseline)
    return baseline


#: baseline measure -> the bioris figure it is compared with
COMPARED = {
    "degree": "measure degree",
    "betweenness": "measure betweenness",
    "eigenvector": "measure eigenvector",
    "constraint": "measure constraint+effective size",
    "brokerage": "measure brokerage",
    "structure": "year structure",
}


def print_comparison(job: JobResult, baseline: Baseline) -> None:
    print("  per measure over 31 years (wall): bioris | networkx (scaled) | ratio")
    graph = baseline.factor * baseline.measured["graph"]
    line("    networkx graph rebuild from the tie table", f"{graph:9.2f} s")
    for label, ours in COMPARED.items():
        mine = job.seconds[ours] if ours in job.seconds else job.clock.seconds[ours]
        theirs = baseline.factor * baseline.measured[label]
        ratio = f"{theirs / mine:7.1f}x" if mine > 0 else "      -"
        line(f"    {label}", f"{mine:9.3f} s | {theirs:9.2f} s | {ratio}")


# ================================================================ main


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="S", help=f"{', '.join(SIZES)} or ACTORS,ALLIANCES")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sources",
        type=int,
        default=-1,
        help="betweenness sources per snapshot (0 = exact; default by size)",
    )
    parser.add_argument(
        "--path-sources",
        type=int,
        default=-1,
        help="path-length sources per snapshot (0 = exact; default by size)",
    )
    parser.add_argument(
        "--baseline-years",
        type=int,
        default=-1,
        help="networkx baseline on N evenly spread years, scaled to 31 "
        "(0 = skip; default: S 31, M 3, L 0)",
    )
    parser.add_argument(
        "--error-years",
        type=int,
        default=-1,
        help="snapshots on which sampled betweenness is checked against exact "
        "(default: M 3, else 0)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=-1,
        help="run the job N times and report the fastest (default: S 3, else 1)",
    )
    parser.add_argument(
        "--progress", action="store_true", help="print each measure call as it ends (stderr)"
    )
    parser.add_argument(
        "--error-sources",
        default="500",
        help="other source counts to show in the error table, comma-separated",
    )
    return parser.parse_args(argv)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    label = args.size.upper() if args.size.upper() in SIZES else args.size
    size = resolve_size(label if label in SIZES else tuple(args.size.split(",")))
    key = label if label in SIZES else "M"

    def pick(value: int, defaults: dict) -> int | None:
        chosen = defaults[key] if value < 0 else value
        return chosen or None

    sources = pick(args.sources, DEFAULT_SOURCES)
    path_sources = pick(args.path_sources, DEFAULT_PATH_SOURCES)
    baseline_years = pick(args.baseline_years, DEFAULT_BASELINE_YEARS) or 0
    error_years = pick(args.error_years, DEFAULT_ERROR_YEARS) or 0
    repeat = max(1, pick(args.repeat, DEFAULT_REPEAT) or 1)
    print(
        f"bioris longitudinal network benchmark: size {label} = {size[0]:,} actors, "
        f"{size[1]:,} alliances, seed {args.seed}"
    )
    print_machine()
    print(
        f"job: tie_table {START}-{END}, TiePolicy('fixed', {LIFETIME}); actor_year_metrics "
        f"{MEASURES} + constraint + brokerage by location; network_structure(random_graphs=0)"
    )
    print(
        f"betweenness: {'exact' if sources is None else f'sampled, {sources} sources'}; "
        f"path length: {'exact' if path_sources is None else f'sampled, {path_sources} sources'}"
    )

    start = time.perf_counter()
    data = generate(size, seed=args.seed)
    generate_s = time.perf_counter() - start
    generate_mb = rss_peak_mb()
    print(
        f"\ngenerate: {generate_s:.2f} s, peak RSS {generate_mb:,.0f} MB "
        f"({data.actors.height:,} actors, {data.alliances.height:,} alliances, "
        f"{data.parties.height:,} parties)"
    )
    reset = reset_peak()

    runs = [run_job(data, sources, path_sources, args.seed, args.progress) for _ in range(repeat)]
    job = min(runs, key=lambda r: r.seconds["job"])
    job_mb = rss_peak_mb()
    if repeat > 1:
        print(f"\njob run {repeat} times: "
              + ", ".join(f"{r.seconds['job']:.3f}" for r in runs) + " s wall; the fastest is "
              "reported")  # fmt: skip
    sizes = snapshot_sizes(job.ties)
    figures = print_job(job, sizes)
    peak_mb = max(job_mb, generate_mb) if reset else job_mb
    print("\nmemory")
    line("peak RSS during the job" + ("" if reset else " (whole process)"), f"{job_mb:,.0f} MB")
    line("peak RSS of the process (incl. generate)", f"{peak_mb:,.0f} MB")

    error = None
    if error_years and sources:
        others = [int(k) for k in args.error_sources.split(",") if k.strip()]
        table = betweenness_error(job.ties, spread_years(error_years),
                                  sorted({sources, *others}), args.seed)  # fmt: skip
        print_error(table)
        error = table.filter(pl.col("sources") == sources)

    baseline = None
    if baseline_years:
        baseline = run_baseline(job, data.groups("location"), spread_years(baseline_years),
                                sources, path_sources, args.seed, sizes)  # fmt: skip

    print_summary(Summary(label, size, job, figures, peak_mb, baseline, error, sources,
                          generate_s))  # fmt: skip
    return 0


@dataclass
class Summary:
    label: str
    size: tuple[int, int]
    job: JobResult
    figures: dict[str, float]
    peak_mb: float
    baseline: Baseline | None
    error: pl.DataFrame | None
    sources: int | None
    generate_s: float


def print_summary(r: Summary) -> None:
    job, total = r.job, r.job.seconds["job"]
    print("\n==================== summary ====================")
    print(
        f"size                 {r.label}: {r.size[0]:,} actors, {r.size[1]:,} alliances, "
        f"31 yearly snapshots {START}-{END} (5-year ties); generated in {r.generate_s:.1f} s"
    )
    print(
        f"bioris job           {total:.2f} s wall, {job.cpu['job']:.2f} s CPU (tie table "
        f"{job.seconds['tie table']:.2f}, actor-year {job.seconds['actor-year metrics']:.2f}, "
        f"year structure {job.seconds['year structure']:.2f})"
    )
    if r.baseline is None:
        print("networkx baseline    not run")
    else:
        b = r.baseline
        how = (
            "measured on all years"
            if b.factor == 1
            else (f"measured on {b.years}, scaled to 31 years by edges (x{b.factor:.2f})")
        )
        print(f"networkx baseline    {b.total():.1f} s wall, {b.total(cpu=True):.1f} s CPU ({how})")
        print(
            f"speedup              {b.total() / total:.0f}x wall, "
            f"{b.total(cpu=True) / job.cpu['job']:.0f}x CPU; paired (same years, back to back, "
            f"tie table excluded): {b.paired_speedup:.0f}x"
        )
    print(f"igraph kernel time   {r.figures['kernel']:.2f} s")
    print(
        f"bioris overhead      {100 * r.figures['overhead']:.0f} % of kernel time "
        f"({100 * r.figures['overhead_build']:.0f} % counting graph construction as kernel)"
    )
    print(f"peak memory (RSS)    {r.peak_mb:,.0f} MB")
    if r.sources is None:
        print("betweenness          exact")
    elif r.error is None or not r.error.height:
        print(f"betweenness          sampled, {r.sources} sources/snapshot; error not measured")
    else:
        e = r.error
        print(
            f"betweenness          sampled, {r.sources} sources/snapshot: median relative error "
            f"over the exact top-100 {100 * e['median_rel_err_top100'].min():.1f}-"
            f"{100 * e['median_rel_err_top100'].max():.1f} % (years {e['year'].to_list()}), "
            f"Spearman {e['spearman_all'].min():.3f}-{e['spearman_all'].max():.3f}"
        )
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average         {load} (1/5/15 min) at the end; {os.cpu_count()} cpu(s)")
    print("=================================================")


if __name__ == "__main__":
    raise SystemExit(main())
