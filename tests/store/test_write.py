"""Writing datasets: round trips, upserts, transactions and refused writes."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bioris.domain import (
    Actor,
    ActorKind,
    Alliance,
    Confidence,
    Dataset,
    DealType,
    LineageFact,
    LineageRelation,
    Money,
    Party,
    Provenance,
    Role,
    Stage,
    Terms,
)
from bioris.errors import StoreError
from bioris.store import Store, open_store


def test_round_trip(filled: Store, sample: Dataset) -> None:
    assert filled.dataset() == sample.sorted()


def test_round_trip_keeps_none_and_empty_text_apart(filled: Store) -> None:
    ucb = filled.actor("ucb")
    assert ucb.city == ""
    assert ucb.exit is None
    assert filled.actor("biofocus").exit == ""


def test_round_trip_survives_reopening(filled: Store, sample: Dataset) -> None:
    filled.close()
    with open_store(filled.path) as again:
        assert again.dataset() == sample.sorted()


def test_counts(filled: Store, sample: Dataset) -> None:
    parties = sum(len(a.parties) for a in sample.alliances)
    assert filled.counts() == {
        "actors": 8, "lineage": 4, "alliances": 5, "parties": parties,
        "pipeline_events": 0, "financials": 0,
    }  # fmt: skip
    assert not filled.is_empty()


def test_fresh_store_is_empty(store: Store) -> None:
    assert store.is_empty()
    assert store.dataset() == Dataset()


def test_actor_upsert_replaces_wholly(filled: Store) -> None:
    new = Actor("ablynx", "Ablynx (Sanofi)", ActorKind.BIOTECH, "BE")
    with filled.transaction():
        filled.write(Dataset(actors=(new,)))
    assert filled.actor("ablynx") == new
    assert filled.counts()["actors"] == 8


def test_alliance_upsert_replaces_parties(filled: Store, sample: Dataset) -> None:
    old = next(a for a in sample.alliances if a.alliance_id == "a2")
    new = dataclasses.replace(
        old, parties=(Party("vib", Role.COLLABORATOR, True), Party("ucb", Role.COLLABORATOR, False))
    )
    with filled.transaction():
        filled.write(Dataset(alliances=(new,)))
    assert {a.alliance_id: a for a in filled.alliances()}["a2"] == new
    assert filled.counts()["parties"] == 11 - 3 + 2


@pytest.mark.parametrize("start_year", [2001, None])
def test_lineage_fact_replaced_on_same_key(store: Store, start_year: int | None) -> None:
    actor = Actor("x", "X", ActorKind.NBF)
    first = LineageFact("x", LineageRelation.NAMED, "X Ltd", start_year, notes="first")
    second = dataclasses.replace(first, end_year=2009, notes="second")
    for fact in (first, second):
        with store.transaction():
            store.write(Dataset((actor,), (fact,)))
    assert store.lineage() == [second]


def test_lineage_facts_differing_in_start_year_are_kept(store: Store) -> None:
    actor = Actor("x", "X", ActorKind.NBF)
    facts = tuple(LineageFact("x", LineageRelation.NAMED, "X Ltd", y) for y in (None, 2001))
    with store.transaction():
        store.write(Dataset((actor,), facts))
    assert store.lineage() == list(facts)


def test_write_outside_transaction_is_refused(store: Store, sample: Dataset) -> None:
    with pytest.raises(StoreError, match=r"inside store\.transaction"):
        store.write(sample)
    assert store.is_empty()


def test_exception_in_transaction_rolls_back(filled: Store, sample: Dataset) -> None:
    filled.meta_set("dataset", "bundled")
    extra = Actor("newco", "NewCo", ActorKind.NBF)
    changed = dataclasses.replace(sample.actors[0], name="Renamed")
    with pytest.raises(RuntimeError, match="boom"), filled.transaction():
        filled.write(Dataset(actors=(extra, changed)))
        filled.meta_set("dataset", "other")
        assert filled.counts()["actors"] == 9
        raise RuntimeError("boom")
    assert filled.counts() == {
        "actors": 8, "lineage": 4, "alliances": 5, "parties": 11,
        "pipeline_events": 0, "financials": 0,
    }  # fmt: skip
    assert filled.dataset() == sample.sorted()
    assert filled.meta_get("dataset") == "bundled"


def test_transaction_commits(store: Store, sample: Dataset) -> None:
    with store.transaction():
        store.write(sample)
    store.close()
    with open_store(store.path, read_only=True) as reader:
        assert reader.dataset() == sample.sorted()


def test_transactions_do_not_nest(store: Store) -> None:
    with store.transaction(), pytest.raises(StoreError, match="already open"):  # noqa: SIM117
        with store.transaction():
            pass


def test_party_of_unknown_actor_leaves_nothing(store: Store, sample: Dataset) -> None:
    bad = Alliance("bad", 2000, "2000", DealType.GRANT, (Party("ghost", Role.GRANTEE, True),))
    with pytest.raises(StoreError, match="alliance bad party ghost"), store.transaction():
        store.write(dataclasses.replace(sample, alliances=(*sample.alliances, bad)))
    assert store.is_empty()


def test_lineage_of_unknown_actor_is_refused(store: Store) -> None:
    fact = LineageFact("ghost", LineageRelation.NAMED, "Ghost NV")
    with pytest.raises(StoreError, match="no such actor"), store.transaction():
        store.write(Dataset(lineage=(fact,)))
    assert store.is_empty()


@pytest.mark.parametrize("relation", [LineageRelation.ACQUIRED_BY, LineageRelation.SUBSIDIARY_OF])
def test_lineage_target_must_be_an_actor(store: Store, relation: LineageRelation) -> None:
    actor = Actor("x", "X", ActorKind.NBF)
    fact = LineageFact("x", relation, "nobody", 2001)
    with pytest.raises(StoreError, match=r"not actors: x .* nobody"), store.transaction():
        store.write(Dataset((actor,), (fact,)))
    assert store.is_empty()


def test_lineage_target_may_arrive_in_a_later_write_of_the_same_transaction(
    store: Store,
) -> None:
    fact = LineageFact("x", LineageRelation.ACQUIRED_BY, "y", 2001)
    with store.transaction():
        store.write(Dataset((Actor("y", "Y", ActorKind.PHARMA),)))
        store.write(Dataset((Actor("x", "X", ActorKind.NBF),), (fact,)))
    assert store.lineage("x") == [fact]


def test_meta(store: Store) -> None:
    assert store.meta_get("dataset_version") is None
    store.meta_set("dataset_version", "1.0")
    store.meta_set("dataset_version", "1.1")
    assert store.meta_get("dataset_version") == "1.1"


# -- property: any small dataset round-trips exactly ---------------------------------------------

TEXT = st.text(max_size=12)
OPT_TEXT = st.none() | TEXT
# Years away from 0, so that Dataset.sorted()'s `start_year or 0` never ties two facts.
YEAR = st.none() | st.integers(1800, 2100)
FLOAT = st.floats(allow_nan=False, allow_infinity=False)
MONEY = st.none() | st.builds(Money, FLOAT, TEXT, st.none() | FLOAT)
TEXTS = st.lists(TEXT, max_size=3).map(tuple)
PROVENANCE = st.builds(Provenance, TEXTS, st.sampled_from(Confidence))

ACTOR = st.builds(
    Actor,
    actor_id=st.text(min_size=1, max_size=6),
    name=TEXT,
    kind=st.sampled_from(ActorKind),
    country=OPT_TEXT,
    region=st.none() | st.sampled_from(["Flanders", "Wallonia", "DK-84", "Medicon Valley"]),
    city=OPT_TEXT,
    founded=YEAR,
    origin=TEXTS,
    subsectors=TEXTS,
    ipo_year=YEAR,
    exit=OPT_TEXT,
    aliases=TEXTS,
    provenance=PROVENANCE,
)


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    actors = draw(st.lists(ACTOR, max_size=5, unique_by=lambda a: a.actor_id))
    if not actors:
        return Dataset()
    ids = st.sampled_from([a.actor_id for a in actors])
    fact = st.builds(
        LineageFact,
        actor_id=ids,
        relation=st.sampled_from(LineageRelation),
        target=ids,  # an actor id fits every relation; a `named` target is any text
        start_year=YEAR,
        end_year=YEAR,
        notes=OPT_TEXT,
        provenance=PROVENANCE,
    ) | st.builds(LineageFact, ids, st.just(LineageRelation.NAMED), TEXT, YEAR, YEAR, OPT_TEXT)
    key = lambda f: (f.actor_id, f.relation, f.target, f.start_year)  # noqa: E731
    lineage = draw(st.lists(fact, max_size=5, unique_by=key))
    party = st.builds(Party, ids, st.sampled_from(Role), st.booleans(), TEXT)
    alliance = st.builds(
        Alliance,
        alliance_id=st.text(min_size=1, max_size=6),
        year=YEAR,
        date=OPT_TEXT,
        deal_type=st.sampled_from(DealType),
        parties=st.lists(party, min_size=1, max_size=3).map(tuple),
        stage_at_signing=st.sampled_from(Stage),
        asset=OPT_TEXT,
        therapeutic_area=OPT_TEXT,
        terms=st.builds(Terms, MONEY, MONEY, MONEY, MONEY, OPT_TEXT),
        end_year=YEAR,
        end_reason=OPT_TEXT,
        notes=OPT_TEXT,
        provenance=PROVENANCE,
    )
    alliances = draw(st.lists(alliance, max_size=4, unique_by=lambda a: a.alliance_id))
    return Dataset(tuple(actors), tuple(lineage), tuple(alliances))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_any_dataset_round_trips(dataset: Dataset) -> None:
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "s.sqlite") as store:
        with store.transaction():
            store.write(dataset)
        assert store.dataset() == dataset.sorted()
        assert store.counts()["parties"] == sum(len(a.parties) for a in dataset.alliances)
