"""The named queries the web view added to the store: paged actor search, counts, the new
alliance filters and orders. Checked against the same filters applied in Python."""

from __future__ import annotations

from pathlib import Path

import pytest

from bioris.store import AllianceFilter, Store, open_store
from bioris.store.queries import ALLIANCE_ORDERS


@pytest.fixture(scope="module")
def store(bundled_path: Path):
    with open_store(bundled_path, read_only=True) as opened:
        yield opened


def _matches(actor, text: str) -> bool:
    wanted = text.casefold()
    return any(wanted in n.casefold() for n in (actor.name, *actor.aliases))


@pytest.mark.parametrize("text", ["gal", "GAL", "nv", "université", "%", "_", "'", ""])
def test_actor_text_search_matches_python(store: Store, text: str) -> None:
    everyone = store.actors()
    expected = [a.actor_id for a in everyone if _matches(a, text)]
    assert [a.actor_id for a in store.actors(text=text)] == expected
    assert store.count_actors(text=text) == len(expected)


def test_actor_paging(store: Store) -> None:
    everyone = [a.actor_id for a in store.actors(kind="nbf")]
    pages = [store.actors(kind="nbf", limit=7, offset=o) for o in range(0, len(everyone), 7)]
    assert [a.actor_id for page in pages for a in page] == everyone
    assert store.count_actors(kind="nbf") == len(everyone)
    with pytest.raises(ValueError, match="limit"):
        store.actors(limit=-1)


def test_alliance_counts_ignore_paging(store: Store) -> None:
    flt = AllianceFilter(deal_type="licensing_out", limit=3, offset=2)
    unpaged = store.alliances(AllianceFilter(deal_type="licensing_out"))
    assert store.count_alliances(flt) == len(unpaged)
    assert store.count_alliances() == len(store.alliances())


def test_stage_and_value_filters(store: Store) -> None:
    everything = store.alliances()
    staged = store.alliances(AllianceFilter(stage="phase2"))
    assert staged and {a.alliance_id for a in staged} == {
        a.alliance_id for a in everything if a.stage_at_signing.value == "phase2"
    }
    valuable = store.alliances(AllianceFilter(min_headline_eur=50.0))
    assert {a.alliance_id for a in valuable} == {
        a.alliance_id for a in everything if a.terms.headline_eur >= 50.0
    }


@pytest.mark.parametrize("order_by", sorted(ALLIANCE_ORDERS))
@pytest.mark.parametrize("descending", [False, True])
def test_alliance_orders_are_total_and_paged_consistently(
    store: Store, order_by: str, descending: bool
) -> None:
    whole = store.alliances(AllianceFilter(order_by=order_by, descending=descending))
    assert sorted(a.alliance_id for a in whole) == sorted(a.alliance_id for a in store.alliances())
    paged = [
        a
        for offset in range(0, len(whole), 25)
        for a in store.alliances(
            AllianceFilter(order_by=order_by, descending=descending, limit=25, offset=offset)
        )
    ]
    assert [a.alliance_id for a in paged] == [a.alliance_id for a in whole]


def test_headline_order(store: Store) -> None:
    values = [a.terms.headline_eur for a in store.alliances(AllianceFilter(
        order_by="headline_eur", descending=True))]  # fmt: skip
    assert values == sorted(values, reverse=True)


def test_default_order_is_unchanged(store: Store) -> None:
    found = store.alliances()
    keys = [(a.year is None, a.year or 0, a.date or "", a.alliance_id) for a in found]
    assert keys == sorted(keys)


def test_unknown_order_is_refused() -> None:
    with pytest.raises(ValueError, match="order_by"):
        AllianceFilter(order_by="name; DROP TABLE alliances")


@pytest.mark.parametrize("order", sorted(ALLIANCE_ORDERS))
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    "flt",
    [
        {},
        {"deal_type": "licensing_out"},
        {"deal_type": "equity_investment", "year_from": 2000, "year_to": 2010},
        {"actor": "galapagos"},
        {"min_headline_eur": 10.0, "limit": 7, "offset": 3},
    ],
)
def test_alliance_ids_are_the_ids_of_alliances(
    store: Store, order: str, descending: bool, flt: dict
) -> None:
    query = AllianceFilter(order_by=order, descending=descending, **flt)
    assert store.alliance_ids(query) == [a.alliance_id for a in store.alliances(query)]


def test_alliances_by_id(store: Store) -> None:
    everything = [a.alliance_id for a in store.alliances()]
    wanted = (everything[5], everything[0], "no-such-deal", everything[-1])
    found = store.alliance_ids(AllianceFilter(ids=wanted))
    assert found == [i for i in everything if i in wanted]  # in the filter's order
    assert store.alliance_ids(AllianceFilter(ids=())) == []
