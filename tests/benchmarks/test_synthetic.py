"""The synthetic data generator of the benchmarks: deterministic, bioris-shaped, plausible.

Only the generator is tested here; the benchmarks themselves print timings and are run by hand
(``python benchmarks/bench_network.py --size S``), never by the test suite.
"""

from __future__ import annotations

import polars as pl
import pytest
from benchmarks.synthetic import BIOREGIONS, FIRST_YEAR, LAST_YEAR, generate, resolve_size

from bioris.analytics.tables import ACTOR_SCHEMA, ALLIANCE_SCHEMA, PARTY_SCHEMA
from bioris.analytics.temporal import TIE_COLUMNS, TiePolicy, tie_table
from bioris.domain.vocab import FOCAL_PARTNER_ROLES, ActorKind, DealType

TINY = (200, 1000)


@pytest.fixture(scope="module")
def data():
    return generate(TINY, seed=7)


def test_same_seed_same_tables(data):
    again = generate(TINY, seed=7)
    for name in ("actors", "alliances", "parties"):
        assert getattr(data, name).equals(getattr(again, name)), name


def test_other_seed_other_tables(data):
    other = generate(TINY, seed=8)
    assert not other.parties.equals(data.parties)


def test_schemas_are_bioris_schemas(data):
    assert data.actors.schema == pl.Schema(ACTOR_SCHEMA)
    assert data.alliances.schema == pl.Schema(ALLIANCE_SCHEMA)
    assert data.parties.schema == pl.Schema(PARTY_SCHEMA)


def test_tie_table_reads_the_tables(data):
    ties = tie_table(data.alliances, data.parties, start=1987, end=2017,
                     policy=TiePolicy("fixed", 5))  # fmt: skip
    assert ties.columns == list(TIE_COLUMNS)
    assert ties["year"].unique().sort().to_list() == list(range(1987, 2018))
    assert (ties["source"] < ties["target"]).all()
    assert set(ties["source"]) | set(ties["target"]) <= set(data.actors["actor_id"])


@pytest.mark.parametrize("size", [TINY, (500, 3000)])
def test_sizes_within_one_percent(size):
    data = generate(size, seed=1)
    assert abs(data.actors.height - size[0]) <= 0.01 * size[0]
    assert abs(data.alliances.height - size[1]) <= 0.01 * size[1]
    assert data.size == size


def test_named_sizes():
    assert resolve_size("S") == (1_000, 5_000)
    assert resolve_size("m") == (20_000, 100_000)
    assert resolve_size("L") == (100_000, 1_000_000)
    with pytest.raises(ValueError):
        resolve_size("XL")
    with pytest.raises(ValueError):
        resolve_size((10, 100))


def test_ids_are_unique(data):
    assert data.actors["actor_id"].is_unique().all()
    assert data.alliances["alliance_id"].is_unique().all()
    assert data.parties.select("alliance_id", "actor_id").is_unique().all()


def test_every_alliance_has_two_distinct_parties_and_one_focal(data):
    per_deal = data.parties.group_by("alliance_id").agg(
        pl.col("actor_id").n_unique().alias("distinct"),
        pl.len().alias("rows"),
        pl.col("focal").sum().alias("focal"),
    )
    assert per_deal.height == data.alliances.height
    assert (per_deal["distinct"] >= 2).all()
    assert (per_deal["distinct"] == per_deal["rows"]).all()
    assert (per_deal["focal"] == 1).all()
    assert per_deal["rows"].max() <= 5


def test_roles_follow_the_focal_partner_roles(data):
    parties = data.parties.join(data.alliances.select("alliance_id", "deal_type"), on="alliance_id")
    expected = {
        (t.value, focal): roles[0 if focal else 1].value
        for t, roles in FOCAL_PARTNER_ROLES.items()
        for focal in (True, False)
    }
    for deal_type, focal, role in parties.select("deal_type", "focal", "role").unique().rows():
        assert expected[(deal_type, focal)] == role


def test_vocabularies(data):
    assert set(data.alliances["deal_type"]) <= {t.value for t in DealType}
    assert set(data.actors["kind"]) <= {k.value for k in ActorKind}
    belgian = data.actors.filter(pl.col("country") == "BE")
    assert set(belgian["region"]) <= set(BIOREGIONS)
    assert (belgian["location"] == belgian["region"]).all() and belgian["focal"].all()
    abroad = data.actors.filter(pl.col("country") != "BE")
    assert abroad["region"].null_count() == abroad.height
    assert (abroad["location"] == abroad["country"]).all() and not abroad["focal"].any()
    assert (data.actors.filter(pl.col("kind") == "nbf")["country"] == "BE").all()


def test_years_dates_and_founding(data):
    alliances = data.alliances
    assert alliances["year"].min() >= FIRST_YEAR
    assert alliances["year"].max() <= LAST_YEAR
    assert (alliances["date"].str.slice(0, 4).cast(pl.Int32) == alliances["year"]).all()
    ended = alliances.filter(pl.col("end_year").is_not_null())
    assert (ended["end_year"] > ended["year"]).all()
    # nobody allies before it is founded
    dated = data.parties.join(alliances.select("alliance_id", "year"), on="alliance_id").join(
        data.actors.select("actor_id", "founded"), on="actor_id"
    )
    assert (dated["founded"] <= dated["year"]).all()


def test_deals_grow_over_time(data):
    per_decade = data.alliances.group_by(pl.col("year") // 10).len().sort("year")["len"]
    assert per_decade[:-1].is_sorted()  # 2020 alone is the last "decade"


def test_values_are_consistent(data):
    a = data.alliances
    assert 0.2 < a["committed_eur"].null_count() / a.height < 0.9
    both = a.filter(pl.col("committed_eur").is_not_null() & pl.col("headline_eur").is_not_null())
    assert (both["headline_eur"] >= both["committed_eur"]).all()
    parts = a.select(pl.sum_horizontal("upfront_eur", "equity_eur").alias("sum"), "committed_eur")
    parts = parts.filter(pl.col("committed_eur").is_not_null())
    assert (parts["sum"] - parts["committed_eur"]).abs().max() < 1e-9
    assert (a["upfront_eur"].drop_nulls() > 0).all()


def test_pharma_is_few_but_attractive(data):
    kinds = data.parties.join(data.actors.select("actor_id", "kind"), on="actor_id")
    pharma_actors = (data.actors["kind"] == "pharma").mean()
    pharma_partners = (kinds.filter(~pl.col("focal"))["kind"] == "pharma").mean()
    assert pharma_actors < 0.1
    assert pharma_partners > 3 * pharma_actors


def test_multi_party_and_repeated_deals_exist(data):
    sizes = data.parties.group_by("alliance_id").len()["len"]
    assert 0.02 < (sizes > 2).mean() < 0.2
    focal = data.parties.filter("focal").select("alliance_id", pl.col("actor_id").alias("f"))
    pairs = data.parties.filter(~pl.col("focal")).join(focal, on="alliance_id")
    assert pairs.select("f", "actor_id").is_duplicated().any()
