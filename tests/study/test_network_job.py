"""The study's network job: the same table wherever the years run (one process, a process
pool, a Dask ``LocalCluster``), the betweenness rule and its stated error, progress events and
the metadata written with the table."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from bioris.cli import app
from bioris.errors import BiorisError
from bioris.study import Study
from bioris.study.execution import ProgressEvent
from bioris.workspace import init_store


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Study]:
    path: Path
    path, _ = init_store(tmp_path_factory.mktemp("bundled") / "bioris.sqlite")
    with Study.open(path) as study:
        yield study


@pytest.fixture(scope="module")
def serial(bundled: Study) -> pl.DataFrame:
    return bundled.network_job(jobs=1).frame


def test_a_process_pool_gives_the_same_table(
    bundled: Study, serial: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIORIS_NETWORK_PARALLEL_MIN_TIES", "0")
    job = bundled.network_job(jobs=2)
    assert (job.execution.mode, job.execution.workers) == ("processes", 2)
    assert_frame_equal(job.frame, serial)


def test_year_measures_in_a_process_pool_are_the_same(
    bundled: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial_years = bundled.network_metrics(level="year", jobs=1)
    monkeypatch.setenv("BIORIS_NETWORK_PARALLEL_MIN_TIES", "0")
    events: list[ProgressEvent] = []
    pooled = bundled.network_metrics(level="year", jobs=2, on_progress=events.append)
    assert_frame_equal(pooled, serial_years)
    assert {e.measure for e in events if e.measure} == {"structure"}


def test_a_small_job_stays_in_one_process_and_says_why(bundled: Study) -> None:
    job = bundled.network_job(jobs=2)
    assert job.execution.mode == "serial"
    assert "network_parallel_min_ties" in job.execution.why


def test_a_dask_local_cluster_gives_the_same_table(bundled: Study, serial: pl.DataFrame) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        job = bundled.network_job(scheduler=cluster.scheduler_address)
    assert (job.execution.mode, job.execution.workers) == ("dask", 2)
    assert_frame_equal(job.frame, serial)


def test_auto_sampling_above_the_setting_states_sources_and_error(
    bundled: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIORIS_BETWEENNESS_EXACT_MAX_ACTORS", "30")
    monkeypatch.setenv("BIORIS_BETWEENNESS_SOURCES", "10")
    job = bundled.network_job(jobs=1)
    years = job.years
    big = years.filter(pl.col("actors") > 30)
    assert not big.is_empty()
    assert big["betweenness"].unique().to_list() == ["sampled"]
    assert big["sources"].unique().to_list() == [10]
    assert big["relative_se"].is_not_null().all() and (big["relative_se"] > 0).all()
    small = years.filter(pl.col("actors") <= 30)
    assert small["betweenness"].unique().to_list() == ["exact"]
    assert small["sources"].is_null().all()
    statement = job.betweenness_statement()
    assert f"estimated in {big.height}" in statement and "10 sampled sources" in statement
    assert "relative standard error" in statement
    meta = job.metadata()
    assert meta["betweenness_rule"].startswith("--sample auto: exact up to 30 actors")
    assert {y["year"] for y in meta["years"] if y["betweenness"] == "sampled"} == set(big["year"])


def test_exact_and_a_number_of_sources(bundled: Study) -> None:
    exact = bundled.network_job(jobs=1, sample="exact")
    assert exact.sampled_years().is_empty()
    assert "exact in all" in exact.betweenness_statement()
    with pytest.raises(BiorisError, match="not auto, exact or a number"):
        bundled.network_job(sample="some")
    with pytest.raises(BiorisError, match="too few"):
        bundled.network_job(sample=1)


def test_progress_reports_every_measure_and_year(bundled: Study) -> None:
    events: list[ProgressEvent] = []
    job = bundled.network_job(jobs=1, on_progress=events.append)
    finished = [e for e in events if e.measure is None]
    assert [e.year for e in finished] == job.years["year"].to_list()
    assert finished[-1].years_done == finished[-1].years_total == job.years.height
    assert finished[-1].ties_done == finished[-1].ties_total == job.years["ties"].sum()
    measures = {e.measure for e in events if e.measure}
    assert {"betweenness", "harmonic_closeness", "structural holes", "coreness"} <= measures
    assert set(job.seconds()) >= {"betweenness", "coreness", "brokerage", "graph"}


def test_the_cli_writes_metadata_and_states_the_rule(
    bundled: Study, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIORIS_BETWEENNESS_EXACT_MAX_ACTORS", "30")
    monkeypatch.setenv("BIORIS_BETWEENNESS_SOURCES", "10")
    runner = CliRunner()
    store = str(bundled.store.path)
    out = tmp_path / "m.parquet"
    result = runner.invoke(app, ["network", "metrics", "--store", store, "--out", str(out),
                                 "--jobs", "1"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "10 sampled sources" in result.stderr and "serial, 1 worker" in result.stdout
    meta = json.loads(pl.read_parquet_metadata(out)["bioris"])
    assert meta["options"]["sample"] == "auto" and meta["execution"]["mode"] == "serial"
    csv = tmp_path / "m.csv"
    result = runner.invoke(app, ["network", "metrics", "--store", store, "--out", str(csv),
                                 "--sample", "exact", "--jobs", "1"])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    meta = json.loads((tmp_path / "m.csv-metadata.json").read_text(encoding="utf-8"))
    assert meta["betweenness_rule"].startswith("exact everywhere")
    result = runner.invoke(app, ["network", "metrics", "--store", store, "--out", str(out),
                                 "--jobs", "0"])  # fmt: skip
    assert result.exit_code == 1 and "--jobs: 0 is not a positive" in result.stderr
