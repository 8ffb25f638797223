"""The explorer's memory under a flood of uncached filters: every cache of derived tables
shares one budget in bytes (``web_cache_mb``), and nothing else keeps results for good.

Before: each cache was bounded by its number of entries only (16 tie tables, 16 measure
jobs, 16 layouts, 16 rankings, 256 single-year rankings, ...), one measure job held a frame
per actor (about 10 kB each besides the data: 200 MB for 20,000 actors), and the study kept
every ranking it was asked for, per window and layers, for the life of the server: a flood
of new windows and layers took the server from 0.7 GB to 1.7 GB in three minutes (M store)
and 3.4 GB in a longer one. ``benchmarks/bench_web.py --flood`` measures the process.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import polars as pl
import pytest

from bioris.web import create_app
from bioris.web.records import FrameIndex, JsonBody
from bioris.web.runtime import CacheBudget, LruCache, estimated_bytes
from tests.web.helpers import local_client

# The bundled store's flood below needs about 0.8 MB of tables; the smallest web_cache_mb is
# 1, so the test sets the budget's bytes itself, to a third of that.
BUDGET_BYTES = 250_000


def test_caches_of_one_budget_drop_the_least_recently_used_of_all() -> None:
    budget = CacheBudget(100)
    ties, jobs = LruCache(10, budget=budget, weigh=len), LruCache(10, budget=budget, weigh=len)
    ties.get("a", lambda: "a" * 40)
    jobs.get("b", lambda: "b" * 40)
    assert ties.peek("a")  # a is now used more recently than b
    ties.get("c", lambda: "c" * 40)  # 120 > 100: b goes, from the other cache
    assert jobs.peek("b") is None and ties.peek("a") and ties.peek("c")
    assert budget.weight == 80 == ties.weight and jobs.weight == 0
    assert jobs.get("huge", lambda: "x" * 101) == "x" * 101  # returned, never kept
    assert budget.weight == 80 and len(jobs) == 0
    for key in "defgh":  # the entry bound still holds per cache, and frees the budget
        jobs.get(key, lambda: "")
    assert budget.weight == 80


def test_estimated_bytes_count_buffers_columns_and_containers() -> None:
    frame = pl.DataFrame({"actor": ["a", "b"] * 500, "x": range(1000), "y": [0.5] * 1000})
    size = estimated_bytes(frame)
    assert size >= frame.estimated_size() + 3 * 500  # its buffers and every column
    parts = {k: v for k, v in enumerate(frame.partition_by("actor"))}
    assert estimated_bytes(parts) > sum(estimated_bytes(p) for p in parts.values())
    assert estimated_bytes(FrameIndex.of(frame, "actor")) >= size
    body = JsonBody.of(b'{"a": 1}')
    assert estimated_bytes(body) >= body.nbytes
    assert estimated_bytes([b"x" * 1000, "y" * 1000]) > 2000


def test_a_frame_index_gives_each_key_its_rows() -> None:
    frame = pl.DataFrame({"actor": ["b", "a", "c", "a", "b"], "year": [1, 2, 3, 1, 2]})
    index = FrameIndex.of(frame, "actor")
    for actor in "abc":
        expected = frame.filter(pl.col("actor") == actor)
        assert index.get(actor).to_dicts() == expected.to_dicts()  # order kept within a key
    assert index.get("z") is None and index.keys() == ["a", "b", "c"]


def test_a_measure_job_keeps_one_frame_not_one_per_actor(app) -> None:
    service = app.state.service
    job = service.network.job(service.window, service.network.base.layers)
    assert isinstance(job.by_actor, FrameIndex)
    for actor in list(job.by_actor.keys())[:20]:
        rows = job.by_actor.get(actor)
        assert rows.to_dicts() == job.frame.filter(pl.col("actor") == actor).to_dicts()


def _flood_paths(meta: dict) -> list[str]:
    """Distinct uncached filter combinations: windows, sets of layers, regions, kinds,
    years outside the period (as ``bench_web.py --flood`` asks)."""
    first, last = meta["study"]["period"]
    sets = [c for n in (1, 2) for c in combinations(meta["layers"], n)]
    paths = []
    for window in (1, 2, 3, 4, 6, 7):
        layer = "&".join(f"layer={name}" for name in sets[window % len(sets)])
        paths += [
            f"/api/measures?window={window}&{layer}&page_size=1",
            f"/api/partners?window={window}&{layer}",
            f"/api/partners?window={window}&year={first - window}",
            f"/api/network?window={window}&year={last - window}&region={meta['regions'][window]}",
            f"/api/network?window={window}&year={last}&kind={meta['kinds'][window]}",
        ]
    return paths


@pytest.fixture(scope="module")
def flooded(bundled_path: Path):
    """An app over the bundled store with a small memory budget (its entry bounds high, so
    that only the budget holds), the largest weight its caches held during a flood, and the
    weight the flood would have kept without a budget."""
    app = create_app(bundled_path, web_cache_mb=1, web_cache_entries=10_000)
    service = app.state.service
    service.cache_budget.max_bytes = BUDGET_BYTES
    client = local_client(app)
    heaviest = 0
    for path in _flood_paths(client.get("/api/meta").json()):
        assert client.get(path).status_code == 200, path
        heaviest = max(heaviest, service.cache_budget.weight)
    yield app, heaviest
    service.close()


def test_a_flood_of_uncached_filters_stays_within_web_cache_mb(flooded) -> None:
    app, heaviest = flooded
    assert BUDGET_BYTES / 2 < heaviest <= BUDGET_BYTES
    unbounded = create_app(app.state.service.study.store.path, web_cache_entries=10_000)
    client = local_client(unbounded)
    for path in _flood_paths(client.get("/api/meta").json()):
        client.get(path)
    assert unbounded.state.service.cache_budget.weight > 2 * BUDGET_BYTES  # it had to drop
    unbounded.state.service.close()


def test_the_study_keeps_no_result_of_its_own(flooded) -> None:
    app, _ = flooded
    study = app.state.service.study
    assert not study.__dict__.get("_results")  # rankings are kept (bounded) by the explorer


def test_results_dropped_for_memory_are_computed_again_the_same(flooded, client) -> None:
    app, _ = flooded
    tight = local_client(app)
    for path in ("/api/partners?window=3", "/api/measures?window=3&page_size=50",
                 "/api/network?window=3&year=2010&kind=nbf"):  # fmt: skip
        assert tight.get(path).json() == client.get(path).json()


def test_one_set_of_layers_is_one_cache_entry(client) -> None:
    service = client.app.state.service
    assert service.layers(["financing", "alliance", "ALLIANCE"]) == ("alliance", "financing")
    first = client.get("/api/partners?window=4&layer=financing&layer=alliance").json()
    again = client.get("/api/partners?window=4&layer=alliance&layer=financing").json()
    assert first == again and first["layers"] == ["alliance", "financing"]
