"""The store's named read queries: actors, lineage and filtered alliances."""

from __future__ import annotations

import pytest

from bioris.domain import ActorKind, Dataset, LineageRelation
from bioris.errors import NotFound, StoreError
from bioris.store import AllianceFilter, Store


def _ids(store: Store, **filters: object) -> list[str]:
    return [a.alliance_id for a in store.alliances(AllianceFilter(**filters))]  # type: ignore[arg-type]


def test_alliances_ordered_by_year_date_id_undated_last(filled: Store) -> None:
    assert [a.alliance_id for a in filled.alliances()] == ["a1", "a5", "a2", "a4", "a3"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"actor": "ablynx"}, ["a1", "a2", "a4"]),
        ({"actor": "ablynx", "partner": "abbvie"}, ["a1"]),
        ({"actor": "vib", "partner": "galapagos"}, ["a2"]),
        ({"actor": "ablynx", "partner": "ablynx"}, []),
        ({"actor": "ablynx", "partner": "ucb"}, []),
        ({"partner": "vib"}, ["a2", "a3"]),
        ({"actor": "nobody"}, []),
        ({"year_from": 2010}, ["a5", "a2", "a4"]),
        ({"year_to": 2009}, ["a1"]),
        ({"year_from": 2010, "year_to": 2010}, ["a5", "a2"]),
        ({"year_from": 1900, "year_to": 2100}, ["a1", "a5", "a2", "a4"]),
        ({"deal_type": "grant"}, ["a3"]),
        ({"deal_type": "licensing_in", "actor": "galapagos"}, ["a5"]),
        ({"limit": 2}, ["a1", "a5"]),
        ({"limit": 2, "offset": 2}, ["a2", "a4"]),
        ({"offset": 4}, ["a3"]),
        ({"limit": 0}, []),
        ({"actor": "ablynx", "limit": 1, "offset": 1}, ["a2"]),
    ],
)
def test_alliance_filters(filled: Store, filters: dict[str, object], expected: list[str]) -> None:
    assert _ids(filled, **filters) == expected


def test_filtered_alliances_keep_all_parties_in_order(filled: Store) -> None:
    (a2,) = filled.alliances(AllianceFilter(actor="vib", year_from=2010))
    assert a2.actor_ids == ("galapagos", "vib", "ablynx")


@pytest.mark.parametrize("bad", [{"limit": -1}, {"offset": -1}])
def test_alliance_filter_rejects_negative_paging(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be >= 0"):
        AllianceFilter(**bad)


@pytest.mark.parametrize(
    ("kind", "ids", "expected"),
    [
        (None, None, sorted(["abbvie", "ablynx", "biofocus", "galapagos", "sanofi", "ucb",
                             "uliege", "vib"])),
        ("nbf", None, ["ablynx", "galapagos"]),
        (ActorKind.PHARMA, None, ["abbvie", "sanofi", "ucb"]),
        (None, ("vib", "ablynx", "nobody"), ["ablynx", "vib"]),
        (None, (), []),
        ("pharma", ("ucb", "ablynx"), ["ucb"]),
        ("hospital", None, []),
    ],
)  # fmt: skip
def test_actor_filters(
    filled: Store, kind: str | None, ids: tuple[str, ...] | None, expected: list[str]
) -> None:
    # places are the study's (its regions place actors); the store filters by id
    assert [a.actor_id for a in filled.actors(kind=kind, ids=ids)] == expected
    assert filled.count_actors(kind=kind, ids=ids) == len(expected)


def test_actor_by_id(filled: Store, sample: Dataset) -> None:
    assert filled.actor("ablynx") == sample.actors[0]


def test_unknown_actor_is_not_found(filled: Store) -> None:
    with pytest.raises(NotFound, match="'ghost'"):
        filled.actor("ghost")
    assert issubclass(NotFound, StoreError)


def test_lineage_of_one_actor_in_sorted_order(filled: Store) -> None:
    facts = filled.lineage("ablynx")
    assert [f.relation for f in facts] == [LineageRelation.ACQUIRED_BY, LineageRelation.NAMED]
    assert filled.lineage("vib") == []
    assert len(filled.lineage()) == 4
