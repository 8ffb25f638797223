"""``bioris network metrics``: every network measure for every year, with a progress bar that
shows the years done, the measure running and the time left. Thin, like :mod:`bioris.cli`,
which registers it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bioris.cli import (
    FromOpt,
    LayerOpt,
    RollupOpt,
    StoreOpt,
    ToOpt,
    WindowOpt,
    _study_note,
    app,
    err,
    friendly_errors,
    out,
)
from bioris.cli_progress import bar

if TYPE_CHECKING:
    from rich.progress import Progress

    from bioris.study.execution import ProgressEvent

__all__ = ["network_app"]

network_app = typer.Typer(help="Longitudinal network measures.", no_args_is_help=True)
app.add_typer(network_app, name="network")


@network_app.command("metrics")
def network_metrics_command(
    out_file: Annotated[Path, typer.Option("--out", help="Parquet (or .csv) file to write.")],
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    window: WindowOpt = None,
    level: Annotated[str, typer.Option(help="actor (actor-year rows) or year.")] = "actor",
    sample: Annotated[
        str,
        typer.Option(
            help="Betweenness: auto (exact in years up to betweenness_exact_max_actors "
            "actors, sampled above), exact, or a number of sampled sources."
        ),
    ] = "auto",
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", help="Processes for the years (default: the machine's cores)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run the years on this Dask distributed scheduler (tcp://host:port)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of every random choice.")] = 0,
    weight: Annotated[
        str, typer.Option(help="Tie weight: alliances, committed_eur or headline_eur.")
    ] = "alliances",
    deal_type: Annotated[
        list[str] | None, typer.Option("--deal-type", help="Keep only this deal type (repeat).")
    ] = None,
    layer: LayerOpt = None,
    rollup: RollupOpt = False,
    store: StoreOpt = None,
) -> None:
    """Compute every network measure for each year and write a tidy table (with the job's
    metadata: Parquet key-value metadata, or FILE.csv-metadata.json beside a CSV)."""
    from bioris.study import Study
    from bioris.study.network_job import write_table
    from bioris.study.vocabulary import check_deal_type

    chosen_sample: int | str = int(sample) if sample.isdigit() else sample
    with friendly_errors(), Study.open(store) as study:
        types = [check_deal_type(t) for t in deal_type] if deal_type else None
        _study_note(study, layer, types)
        if level == "year":
            with bar("years") as progress:
                frame = study.network_metrics(
                    start=year_from, end=year_to, window=window, level=level, out=out_file,
                    sample=chosen_sample, seed=seed, weight=weight, layers=layer,
                    deal_types=types, rollup=rollup, jobs=jobs, scheduler=scheduler,
                    on_progress=_tracker(progress),
                )  # fmt: skip
            out.print(f"wrote {out_file}: {frame.height} rows x {frame.width} columns",
                      markup=False)  # fmt: skip
            return
        with bar("years") as progress:
            job = study.network_job(
                start=year_from, end=year_to, window=window, sample=chosen_sample, seed=seed,
                weight=weight, layers=layer, deal_types=types, rollup=rollup, jobs=jobs,
                scheduler=scheduler, on_progress=_tracker(progress),
            )  # fmt: skip
        write_table(job.frame, out_file, job.metadata())
    err.print(job.betweenness_statement(), markup=False, highlight=False)
    where = job.execution
    ran = f"{where.mode}, {where.workers} worker(s)" + (f"; {where.why}" if where.why else "")
    out.print(f"wrote {out_file}: {job.frame.height} rows x {job.frame.width} columns "
              f"({job.years.height} years; {ran})", markup=False)  # fmt: skip


def _tracker(progress: Progress) -> Callable[[ProgressEvent], None]:
    """A progress callback: the bar advances by each finished year's ties, and says which
    measure of which year is running."""
    task = progress.add_task("network measures", total=None, years="years 0")

    def on_progress(event: ProgressEvent) -> None:
        text = f"{event.year}: {event.measure}" if event.measure else f"{event.year}: done"
        progress.update(task, description=text, total=event.ties_total,
                        completed=event.ties_done,
                        years=f"years {event.years_done}/{event.years_total}")  # fmt: skip

    return on_progress
