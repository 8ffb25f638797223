"""The study's longitudinal network job: every actor measure for every year, run here, in a
process pool or on a Dask cluster, with what was sampled and how long each measure took."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from bioris import __version__, settings
from bioris.analytics import BetweennessSampling, JobOptions
from bioris.analytics.longitudinal import (
    SnapshotResult,
    assemble,
    run_snapshot,
    snapshot_tasks,
)
from bioris.errors import BiorisError
from bioris.study.execution import Execution, OnProgress, default_jobs, run_snapshots

if TYPE_CHECKING:
    from bioris.study.core import Study

__all__ = [
    "NetworkJob",
    "betweenness_sampling",
    "network_job",
    "run_years",
    "weighted_ties",
    "write_table",
]

WEIGHTS = ("alliances", "committed_eur", "headline_eur")


@dataclass(frozen=True)
class NetworkJob:
    """The actor-year table of a network job and how it was made.

    ``years`` has one row per year: ``year, actors, ties, betweenness`` (``exact`` or
    ``sampled``), ``sources`` and ``relative_se`` (median relative standard error of the 100
    highest estimates; null when exact) and ``seconds_<measure>``, the time of each measure
    (``seconds_graph``: building the graph; ``seconds_frames``: the year's rows).
    """

    frame: pl.DataFrame
    years: pl.DataFrame
    execution: Execution
    sample: str
    options: dict[str, Any] = field(default_factory=dict)

    def seconds(self) -> dict[str, float]:
        """Seconds per measure, summed over the years (CPU seconds of the workers when the
        years ran in parallel)."""
        return {c.removeprefix("seconds_"): float(self.years[c].sum())
                for c in self.years.columns if c.startswith("seconds_")}  # fmt: skip

    def sampled_years(self) -> pl.DataFrame:
        """The years whose betweenness was estimated from sampled sources."""
        return self.years.filter(pl.col("betweenness") == "sampled")

    def betweenness_statement(self) -> str:
        """One sentence on how betweenness was computed, for people."""
        sampled = self.sampled_years()
        exact = self.years.height - sampled.height
        if sampled.is_empty():
            return f"betweenness: exact in all {self.years.height} years ({self.sample})"
        years = sampled["year"].to_list()
        se = sampled["relative_se"].drop_nulls()
        error = (
            f"; relative standard error of the top-100 actors' values: median "
            f"{se.median():.1%}, worst year {se.max():.1%}"
            if se.len()
            else ""
        )
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
        return (
            f"betweenness: exact in {exact} years, estimated in {len(years)} ({span}) from "
            f"{int(sampled['sources'].max()):,} sampled sources each (Brandes & Pich 2007; "
            f"{self.sample}){error}"
        )

    def metadata(self) -> dict[str, Any]:
        """What a reader of the written table needs to cite it (JSON-able)."""
        return {
            "bioris_version": __version__,
            "measures": [c for c in self.frame.columns if c not in ("year", "actor")],
            "options": self.options,
            "betweenness_rule": self.sample,
            "betweenness": self.betweenness_statement(),
            "years": self.years.select(
                "year", "actors", "ties", "betweenness", "sources", "relative_se"
            ).to_dicts(),
            "execution": {
                "mode": self.execution.mode,
                "workers": self.execution.workers,
                "note": self.execution.why,
            },
        }


def betweenness_sampling(sample: int | str, seed: int) -> tuple[BetweennessSampling | None, str]:
    """The sampling rule of ``--sample`` (``auto``, ``exact`` or a number of sources) and its
    description.

    ``auto`` computes betweenness exactly in years with at most ``betweenness_exact_max_actors``
    actors and estimates it from ``betweenness_sources`` sampled sources above; a number ``K``
    samples ``K`` sources in years with more than ``K`` actors.
    """
    if sample == "exact" or sample == 0:
        return None, "exact everywhere (--sample exact)"
    if sample == "auto":
        limit = int(settings.get("betweenness_exact_max_actors"))
        sources = int(settings.get("betweenness_sources"))
        rule = (f"--sample auto: exact up to {limit:,} actors a year "
                f"(betweenness_exact_max_actors), else {sources:,} sources")  # fmt: skip
        return BetweennessSampling(sources, seed, exact_max_actors=limit), rule
    try:
        sources = int(sample)
    except (TypeError, ValueError):
        raise BiorisError(
            f"--sample: {sample!r} is not auto, exact or a number of sources"
        ) from None
    if sources < 2:
        raise BiorisError(f"--sample: {sources} sources are too few; use 2 or more")
    return BetweennessSampling(sources, seed), f"--sample {sources}: exact up to {sources:,} actors"


def network_job(
    study: Study,
    *,
    start: int | None = None,
    end: int | None = None,
    window: int | None = None,
    sample: int | str = "auto",
    seed: int = 0,
    weight: str = "alliances",
    layers: Iterable[str] | None = None,
    deal_types: Iterable[str] | None = None,
    rollup: bool = False,
    jobs: int | None = None,
    scheduler: str | None = None,
    on_progress: OnProgress | None = None,
) -> NetworkJob:
    """Every actor-year measure of the study's network
    (:func:`~bioris.analytics.actor_year_metrics`), with brokerage by location, run in
    ``jobs`` processes (the machine's cores by default) or on the Dask scheduler at
    ``scheduler``; the result does not depend on where it ran.

    ``weight`` (alliances, committed_eur or headline_eur) weights strength and structural
    holes; ``sample`` is the betweenness rule (:func:`betweenness_sampling`).
    """
    table = weighted_ties(study, start, end, window=window, layers=layers,
                          deal_types=deal_types, rollup=rollup, weight=weight)  # fmt: skip
    sampling, rule = betweenness_sampling(sample, seed)
    options = JobOptions(betweenness_sampling=sampling, seed=seed, weight=weight,
                         min_nodes=int(settings.get("network_min_nodes")))  # fmt: skip
    tasks = snapshot_tasks(table, groups=study.inputs.groups(), options=options)
    results, execution = run_years(tasks, run_snapshot, jobs, scheduler, on_progress)
    frame = assemble(results, options, with_brokerage=True)
    first, last = study.span(start, end)
    chosen = {"from": first, "to": last, "window": window or study.window, "weight": weight,
              "seed": seed, "sample": str(sample), "rollup": rollup,
              "layers": sorted(study.tie_layers(layers, deal_types)[0])}  # fmt: skip
    return NetworkJob(frame, _years(results), execution, rule, chosen)


def weighted_ties(
    study: Study,
    start: int | None,
    end: int | None,
    *,
    window: int | None,
    layers: Iterable[str] | None,
    deal_types: Iterable[str] | None,
    rollup: bool,
    weight: str,
) -> pl.DataFrame:
    """The study's tie table (:func:`bioris.study.network.ties`) with ``weight`` checked and
    an undisclosed value (0) kept as a minimal weight."""
    from bioris.study.network import ties

    if weight not in WEIGHTS:
        raise BiorisError(f"--weight: {weight!r} is not one of: {', '.join(WEIGHTS)}")
    table = ties(study, start, end, window=window, layers=layers, deal_types=deal_types,
                 rollup=rollup)  # fmt: skip
    if weight != "alliances":  # undisclosed value is 0: keep ties, weight them minimally
        table = table.with_columns(pl.col(weight).clip(lower_bound=1e-9))
    return table


def run_years(
    tasks: list[Any],
    function: Callable[..., Any],
    jobs: int | None,
    scheduler: str | None,
    on_progress: OnProgress | None,
) -> tuple[list[Any], Execution]:
    """:func:`~bioris.study.execution.run_snapshots` with the study's defaults: the machine's
    cores and the ``network_parallel_min_ties`` setting."""
    return run_snapshots(
        tasks, function=function, jobs=default_jobs() if jobs is None else jobs,
        scheduler=scheduler, on_progress=on_progress,
        min_parallel_ties=int(settings.get("network_parallel_min_ties")),
    )  # fmt: skip


def _years(results: list[SnapshotResult]) -> pl.DataFrame:
    rows = []
    for r in results:
        row: dict[str, Any] = {
            "year": r.year, "actors": r.actors, "ties": r.ties,
            "betweenness": "exact" if r.betweenness_sources is None else "sampled",
            "sources": r.betweenness_sources, "relative_se": r.betweenness_relative_se,
        }  # fmt: skip
        rows.append(row | {f"seconds_{k.replace(' ', '_')}": v for k, v in r.seconds.items()})
    schema = {"year": pl.Int32, "actors": pl.Int64, "ties": pl.Int64, "betweenness": pl.String,
              "sources": pl.Int64, "relative_se": pl.Float64}  # fmt: skip
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, infer_schema_length=None).cast(schema)  # type: ignore[arg-type]


def write_table(frame: pl.DataFrame, out: Path, metadata: dict[str, Any] | None = None) -> None:
    """Write ``frame`` as Parquet or CSV, by the suffix of ``out``.

    ``metadata`` goes into the Parquet file's key-value metadata under ``bioris`` (JSON), or
    for CSV into ``<out>-metadata.json`` beside it (the W3C CSV-on-the-Web convention).
    """
    text = json.dumps(metadata, default=str) if metadata is not None else None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix == ".csv":
            frame.write_csv(out)
            if text is not None:
                out.with_name(out.name + "-metadata.json").write_text(text + "\n")
        elif out.suffix == ".parquet":
            frame.write_parquet(out, metadata={"bioris": text} if text is not None else None)
        else:
            raise BiorisError(f"{out}: write .parquet or .csv")
    except OSError as exc:
        raise BiorisError(f"cannot write {out}: {exc}") from None
