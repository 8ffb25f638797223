"""The one-pass longitudinal job gives exactly what the per-measure functions give."""

from __future__ import annotations

import networkx as nx
import numpy as np
import polars as pl
import pytest

from bioris.analytics import (
    JobOptions,
    actor_year_metrics,
    brokerage,
    centrality,
    constraint,
    coreness,
    year_metrics,
)
from bioris.analytics.tables import actors_frame


def random_ties(seed: int) -> pl.DataFrame:
    rows = []
    for year in (2000, 2001, 2002):
        graph = nx.gnp_random_graph(40, 0.08, seed=seed * 10 + year)
        for a, b in graph.edges():
            rows.append((year, f"a{a:02d}", f"a{b:02d}", 1 + (a + b) % 3))
    return pl.DataFrame(
        rows, schema={"year": pl.Int32, "source": pl.String, "target": pl.String,
                      "alliances": pl.Int64}, orient="row",
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(3))
def test_job_equals_the_per_measure_functions(seed: int):
    ties = random_ties(seed)
    groups = {f"a{i:02d}": ("Flanders", "Wallonia", "US")[i % 3] for i in range(40)}
    job = actor_year_metrics(ties, groups=groups, options=JobOptions())
    assert job.select("year", "actor").is_unique().all()
    for (year,), part in ties.partition_by("year", as_dict=True).items():
        got = job.filter(pl.col("year") == year).sort("actor")
        edges = part.select("source", "target", "alliances")
        expected = (
            centrality(part)
            .drop("year")
            .join(constraint(edges, weight="alliances"), on="actor")
            .join(brokerage(edges, groups).rename({"total": "brokerage_total"}), on="actor")
            .join(coreness(edges.select("source", "target")), on="actor")
            .sort("actor")
        )
        for column in expected.columns:
            left, right = got[column].to_numpy(), expected[column].to_numpy()
            if left.dtype.kind in "fi":
                assert np.allclose(left, right, equal_nan=True), column
            else:
                assert (left == right).all(), column


def test_empty_ties_give_an_empty_typed_table():
    empty = random_ties(0).head(0)
    job = actor_year_metrics(empty, groups={}, options=JobOptions())
    assert job.height == 0 and {"betweenness", "liaison"} <= set(job.columns)
    assert year_metrics(empty, actors_frame([])).height == 0
