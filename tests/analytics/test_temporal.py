"""Yearly tie tables: tie-duration policies, multi-party deals, layers, roll-up to parents."""

from __future__ import annotations

import polars as pl
import pytest

from bioris.analytics.temporal import TiePolicy, parent_table, tie_table
from bioris.domain import LineageFact, LineageRelation
from bioris.errors import BiorisError

ALLIANCES = pl.DataFrame(
    {
        "alliance_id": ["a", "b", "c", "u"],
        "year": [2000, 2003, 2004, None],
        "deal_type": ["licensing_out", "equity_investment", "licensing_out", "grant"],
        "end_year": [None, 2004, None, None],
        "committed_eur": [1.0, None, 3.0, 9.0],
        "headline_eur": [2.0, None, 30.0, 9.0],
    },
    schema_overrides={"year": pl.Int32, "end_year": pl.Int32},
)
PARTIES = pl.DataFrame(
    {
        "alliance_id": ["a", "a", "a", "b", "b", "c", "c", "u", "u"],
        "actor_id": ["p", "q", "r", "q", "s", "p", "q", "p", "s"],
    }
)


def years_of(ties: pl.DataFrame, source: str, target: str) -> list[int]:
    pair = ties.filter((pl.col("source") == source) & (pl.col("target") == target))
    return pair["year"].to_list()


def test_fixed_lifetime_and_multi_party_pairs():
    ties = tie_table(ALLIANCES, PARTIES, start=1999, end=2010, policy=TiePolicy("fixed", 5))
    # the three-way deal "a" of 2000 ties p-q, p-r and q-r for 2000-2004
    for pair in [("p", "q"), ("p", "r"), ("q", "r")]:
        assert set(range(2000, 2005)) <= set(years_of(ties, *pair))
    assert years_of(ties, "q", "s") == [2003, 2004, 2005, 2006, 2007]
    # p-q is tied by "a" (2000-04) and "c" (2004-08): two alliances in 2004
    both = ties.filter((pl.col("year") == 2004) & (pl.col("source") == "p")
                       & (pl.col("target") == "q"))  # fmt: skip
    assert both["alliances"].item() == 2
    assert both["committed_eur"].item() == 4.0 and both["headline_eur"].item() == 32.0
    # the undated grant "u" never appears
    assert years_of(ties, "p", "s") == []


def test_until_end_and_cumulative_policies():
    until = tie_table(ALLIANCES, PARTIES, start=1999, end=2010, policy=TiePolicy("until_end", 5))
    assert years_of(until, "q", "s") == [2003, 2004]  # recorded end 2004
    assert years_of(until, "p", "r") == list(range(2000, 2005))  # no end: 5-year fallback
    cumulative = tie_table(ALLIANCES, PARTIES, start=1999, end=2010,
                           policy=TiePolicy("cumulative"))  # fmt: skip
    assert years_of(cumulative, "p", "r") == list(range(2000, 2011))


def test_period_clips_and_layers():
    ties = tie_table(ALLIANCES, PARTIES, start=2003, end=2004)
    assert set(ties["year"]) == {2003, 2004}
    licensing = tie_table(ALLIANCES, PARTIES, start=1999, end=2010,
                          deal_types=["equity_investment"])  # fmt: skip
    assert set(zip(licensing["source"], licensing["target"], strict=True)) == {("q", "s")}
    only_pq = tie_table(ALLIANCES, PARTIES, start=1999, end=2010, actors=["p", "q"])
    assert set(only_pq["source"] + only_pq["target"]) == {"pq"}
    touching_s = tie_table(ALLIANCES, PARTIES, start=1999, end=2010, actors=["s"], require="any")
    assert set(touching_s["target"]) == {"s"}


def test_roll_up_follows_chains_and_dates():
    # q belongs to s from 2004; s belongs to r from 2006 (a chain)
    lineage = [
        LineageFact("q", LineageRelation.SUBSIDIARY_OF, "s", 2004, None),
        LineageFact("s", LineageRelation.ACQUIRED_BY, "r", 2006, None),
    ]
    parents = parent_table(lineage)
    ties = tie_table(ALLIANCES, PARTIES, start=2003, end=2007, parents=parents)
    assert years_of(ties, "q", "s") == [2003]  # from 2004 q is s itself: the tie vanishes
    assert 2005 in years_of(ties, "p", "s")  # deal c (p-q) is now p-s
    assert years_of(ties, "p", "r")[-2:] == [2006, 2007]  # and from 2006 p-r
    assert not ties.filter(pl.col("source") == pl.col("target")).height
    without_acquisitions = parent_table(lineage, acquisitions=False)
    assert without_acquisitions.height == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"start": 2010, "end": 2000}, "empty"),
     ({"start": 2000, "end": 2010, "require": "all"}, "require")],
)  # fmt: skip
def test_bad_arguments(kwargs, message):
    with pytest.raises(BiorisError, match=message):
        tie_table(ALLIANCES, PARTIES, actors=["p"], **kwargs)


def test_bad_policy():
    with pytest.raises(BiorisError):
        TiePolicy("forever")
    with pytest.raises(BiorisError):
        TiePolicy("fixed", 0)
