"""Most preferred partners on hand-built firms whose figures are worked out in comments."""

from __future__ import annotations

import polars as pl
import pytest

from bioris.analytics.centrality import centrality
from bioris.analytics.partners import (
    partner_profile,
    preferred_partner_ranking,
    top_k_persistence,
)
from bioris.analytics.temporal import TiePolicy, tie_table

# deals: (id, year, committed, headline, [(actor, role), ...])
DEALS = [
    ("d1", 2005, 10.0, 100.0, [("nbf1", "licensor"), ("wyeth", "licensee")]),
    ("d2", 2008, 0.0, 0.0, [("nbf1", "collaborator"), ("uni", "collaborator")]),
    ("d3", 2009, 5.0, 5.0, [("nbf1", "investee"), ("vc", "investor")]),
    ("d4", 2010, 20.0, 50.0, [("nbf1", "licensor"), ("wyeth", "licensee")]),
    ("d5", 2010, 1.0, 1.0, [("nbf2", "licensee"), ("biotech", "licensor")]),
    ("d6", 2010, 0.0, 0.0, [("nbf2", "collaborator"), ("pfizer", "collaborator"),
                            ("vc", "collaborator")]),
]  # fmt: skip
PARENTS = pl.DataFrame(
    {"actor_id": ["wyeth"], "parent_id": ["pfizer"], "start_year": [2009], "end_year": [9999]},
    schema={"actor_id": pl.String, "parent_id": pl.String, "start_year": pl.Int32,
            "end_year": pl.Int32},
)  # fmt: skip


def frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    alliances = pl.DataFrame(
        [(d, y, "x", c, h) for d, y, c, h, _ in DEALS],
        schema=["alliance_id", "year", "deal_type", "committed_eur", "headline_eur"],
        orient="row",
    )
    parties = pl.DataFrame(
        [(d, a, r) for d, *_, ps in DEALS for a, r in ps],
        schema=["alliance_id", "actor_id", "role"],
        orient="row",
    )
    return alliances, parties


def profile(**kwargs) -> pl.DataFrame:
    alliances, parties = frames()
    return partner_profile(
        alliances, parties, ["nbf1", "nbf2"], start=2005, end=2012,
        policy=TiePolicy("fixed", 3), big_pharma=["pfizer"], parents=PARENTS, **kwargs,
    )  # fmt: skip


def row(frame: pl.DataFrame, actor: str, year: int) -> dict:
    return frame.filter((pl.col("actor") == actor) & (pl.col("year") == year)).row(0, named=True)


def test_nbf1_in_2010():
    # active with a 3-year life in 2010: d2 (2008-10), d3 (2009-11), d4 (2010-12); d1 ended 2007
    got = row(profile(), "nbf1", 2010)
    assert got["active_alliances"] == 3
    assert got["distinct_partners"] == 3  # uni, vc, wyeth
    # Wyeth belongs to Pfizer from 2009, and Pfizer is big pharma
    assert got["big_pharma_partners"] == 1
    # Wyeth: d1 (2005) and d4 (2010): two alliances to date -> one repeat partner
    assert got["repeat_partners"] == 1
    # the partner pays in d3 (investor) and d4 (licensee)
    assert got["target_alliances"] == 2
    assert got["committed_received_eur"] == 20.0  # d4 signed in 2010
    assert got["headline_received_eur"] == 50.0
    assert got["committed_received_to_date_eur"] == 35.0  # d1 10 + d3 5 + d4 20


def test_wyeth_is_not_big_pharma_before_pfizer_bought_it():
    assert row(profile(), "nbf1", 2006)["big_pharma_partners"] == 0


def test_nbf2_in_2010():
    got = row(profile(), "nbf2", 2010)
    assert got["distinct_partners"] == 3  # biotech, pfizer, vc (three-way deal d6)
    assert got["big_pharma_partners"] == 1
    assert got["target_alliances"] == 0  # nbf2 is the licensee in d5: it pays
    assert got["repeat_partners"] == 0


def test_ranking_rule_and_persistence():
    ranking = preferred_partner_ranking(profile(), top=None)
    in_2010 = ranking.filter(pl.col("year") == 2010)
    # equal big pharma (1) and partners (3): nbf1 wins on target alliances (2 vs 0)
    assert in_2010["actor"].to_list() == ["nbf1", "nbf2"]
    assert in_2010["rank"].to_list() == [1, 2]
    persistence = top_k_persistence(ranking, k=1)
    nbf1 = persistence.filter(pl.col("actor") == "nbf1").row(0, named=True)
    assert nbf1["first_year"] == 2005 and nbf1["best_rank"] == 1


def test_centrality_ranks_are_joined():
    alliances, parties = frames()
    ties = tie_table(alliances, parties, start=2005, end=2012, policy=TiePolicy("fixed", 3))
    got = row(profile(centrality=centrality(ties)), "nbf1", 2010)
    assert got["degree_rank"] == 1  # nbf1 and vc both have 3 partners: ties share rank 1
    assert got["betweenness"] == pytest.approx(
        centrality(ties)
        .filter((pl.col("actor") == "nbf1") & (pl.col("year") == 2010))["betweenness"]
        .item()
    )


def test_a_year_ranks_the_same_whatever_the_period_asked_for():
    """Value received "to date" counts from the first dated deal, not from ``start``: the
    ranking of 2017 alone equals 2017's row of the ranking of 1987-2017 (bundled data)."""
    import tempfile
    from pathlib import Path

    from bioris.study import Study
    from bioris.study.network import ranking
    from bioris.workspace import init_store

    with tempfile.TemporaryDirectory() as folder:
        path, _ = init_store(Path(folder) / "s.sqlite")
        with Study.open(path) as study:
            alone = ranking(study, 2017, 2017)
            whole = ranking(study, 1987, 2017).filter(pl.col("year") == 2017)
    columns = ["rank", "actor", "committed_received_to_date_eur"]
    assert alone.select(columns).equals(whole.select(columns))
