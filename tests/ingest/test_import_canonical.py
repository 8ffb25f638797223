"""Importing bioris's canonical files (the export format): exact records, ids, upserts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bioris.data import fx_table
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
from bioris.errors import ValidationError
from bioris.ingest.importer import import_files
from bioris.store import open_store

DATA = Path(__file__).parent.parent / "data"
CANONICAL = [
    DATA / "good" / "canonical" / f"{n}.csv" for n in ("actors", "lineage", "alliances", "parties")
]
RAW_ACTORS = DATA / "good" / "actors.csv"


def url(name: str) -> str:
    return f"https://example.org/{name}"


EXPECTED = Dataset(
    actors=(
        Actor(
            "ablynx", "Ablynx", ActorKind.NBF, "BE", "Flanders", founded=2001,
            aliases=("Ablynx NV",), provenance=Provenance((url("ablynx"),), Confidence.HIGH),
        ),
        Actor("genzyme", "Genzyme", ActorKind.BIOTECH, "US", founded=1981),
        Actor(
            "sanofi", "Sanofi", ActorKind.PHARMA, "FR", aliases=("Sanofi-Aventis", "Sanofi SA"),
            provenance=Provenance((url("sanofi-1"), url("sanofi-2")), Confidence.MEDIUM),
        ),
    ),
    lineage=(
        LineageFact(
            "ablynx", LineageRelation.ACQUIRED_BY, "sanofi", 2018, 2018, "EUR 3.9 bn",
            Provenance((url("ablynx-sanofi"),), Confidence.HIGH),
        ),
        LineageFact("genzyme", LineageRelation.SUBSIDIARY_OF, "sanofi", 2011),
        LineageFact(
            "sanofi", LineageRelation.NAMED, "Sanofi-Synthélabo", 1999, 2004,
            provenance=Provenance((url("sanofi-1"),), Confidence.MEDIUM),
        ),
    ),
    alliances=(
        Alliance(
            "x1", 2018, "2018-01-29", DealType.ACQUISITION,
            (Party("ablynx", Role.TARGET, True),
             Party("sanofi", Role.ACQUIRER, False, "Sanofi SA")),
            Stage.PHASE3, asset="caplacizumab",
            terms=Terms(upfront=Money(3900.0, "EUR", 3900.0)),
            provenance=Provenance((url("ablynx-sanofi"),), Confidence.HIGH),
        ),
        Alliance(
            "x2", 2010, "2010-07", DealType.LICENSING_OUT,
            (Party("ablynx", Role.LICENSOR, True, "Ablynx NV"),
             Party("genzyme", Role.LICENSEE, False)),
            Stage.PRECLINICAL,
            terms=Terms(
                upfront=Money(10.0, "USD", round(10.0 / fx_table().rates[(2010, "USD")], 6)),
                milestones=Money(100.0, "USD", 80.0),
                royalties="tiered",
            ),
            notes="two, lines\nof notes",
            provenance=Provenance((), Confidence.MEDIUM),
        ),
        Alliance(
            "x3", None, None, DealType.RESEARCH_COLLABORATION,
            (Party("genzyme", Role.COLLABORATOR, True), Party("sanofi", Role.COLLABORATOR, False),
             Party("ablynx", Role.COLLABORATOR, False)),
        ),
    ),
)  # fmt: skip


def test_import_gives_exact_records(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        report = import_files(store, CANONICAL)
        assert store.dataset() == EXPECTED
        counts = {"actors": 3, "lineage": 3, "alliances": 3, "parties": 7}
        assert store.counts() == counts | {"pipeline_events": 0, "financials": 0}
    assert [label for _, label, _ in report.files] == [
        "canonical actors", "canonical lineage", "canonical alliances", "canonical parties",
    ]  # fmt: skip
    assert report.created_actors == [] and report.row_outcomes == []


def test_file_order_does_not_matter(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, CANONICAL[::-1])
        assert store.dataset() == EXPECTED


def test_reimport_replaces_by_id(tmp_path: Path) -> None:
    actors = tmp_path / "actors.csv"
    actors.write_text("actor_id,name,kind,city\nablynx,Ablynx,nbf,Ghent\n", encoding="utf-8")
    parties = tmp_path / "parties.csv"
    parties.write_text(
        "alliance_id,actor_id,role,focal\nx3,sanofi,grantor,false\nx3,genzyme,grantee,true\n",
        encoding="utf-8",
    )
    alliances = tmp_path / "alliances.csv"
    alliances.write_text("alliance_id,deal_type\nx3,grant\n", encoding="utf-8")
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, CANONICAL)
        import_files(store, [actors, alliances, parties])
        ablynx = store.actor("ablynx")
        x3 = next(a for a in store.dataset().alliances if a.alliance_id == "x3")
        assert store.counts()["alliances"] == 3
    # a canonical record is the whole truth about its id: no merging with the stored one
    assert ablynx == Actor("ablynx", "Ablynx", ActorKind.NBF, city="Ghent")
    assert x3.deal_type is DealType.GRANT
    assert [(p.actor_id, p.role, p.focal) for p in x3.parties] == [
        ("sanofi", Role.GRANTOR, False),
        ("genzyme", Role.GRANTEE, True),
    ]


def test_canonical_actors_are_not_merged_by_name(tmp_path: Path) -> None:
    actors = tmp_path / "actors.csv"
    actors.write_text("actor_id,name,kind\nglpg,Galapagos,nbf\n", encoding="utf-8")
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, [RAW_ACTORS])
        import_files(store, [actors])
        assert {a.actor_id for a in store.actors() if a.name == "Galapagos"} == {
            "galapagos",
            "glpg",
        }


def test_raw_deals_resolve_against_canonical_actors_of_the_same_import(tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "year,nbf,partner,deal_type\n2009,ABLYNX NV,Genzyme Corp,licensing_out\n",
        encoding="utf-8",
    )
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, [deals, *CANONICAL])  # the deals come first on purpose
        raw = [a for a in store.dataset().alliances if a.year == 2009]
    assert [a.actor_ids for a in raw] == [("ablynx", "genzyme")]


def test_parties_of_a_stored_alliance_need_their_alliance_in_the_import(tmp_path: Path) -> None:
    parties = tmp_path / "parties.csv"
    parties.write_text("alliance_id,actor_id,role\nx1,genzyme,acquirer\n", encoding="utf-8")
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, CANONICAL)
        with pytest.raises(ValidationError) as info:
            import_files(store, [parties])
        assert store.dataset() == EXPECTED
    (error,) = info.value.errors
    assert (Path(error.file).name, error.line, error.column) == ("parties.csv", 2, 1)
    assert error.message == "no alliance 'x1' in this import"


def test_lineage_may_target_actors_already_stored(tmp_path: Path) -> None:
    lineage = tmp_path / "lineage.csv"
    lineage.write_text(
        "actor_id,relation,target,start_year\ngenzyme,acquired_by,sanofi,2011\n", encoding="utf-8"
    )
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, CANONICAL)
        import_files(store, [lineage])
        assert store.counts()["lineage"] == 4


@pytest.mark.parametrize(
    ("cells", "money"),
    [
        (
            "5,usd,",
            Money(5.0, "USD", fx_table().to_eur(5.0, "USD", 2015)),
        ),  # currency any case
        ("5,USD,4", Money(5.0, "USD", 4.0)),
        ("5,EUR,", Money(5.0, "EUR", 5.0)),
        ("500,JPY,", Money(500.0, "JPY", fx_table().to_eur(500.0, "JPY", 2015))),
        (",,", None),
    ],
)
def test_canonical_money(tmp_path: Path, cells: str, money: Money | None) -> None:
    alliances = tmp_path / "alliances.csv"
    alliances.write_text(
        f"alliance_id,year,deal_type,equity_amount,equity_currency,equity_eur\nz,2015,option,{cells}\n",
        encoding="utf-8",
    )
    parties = tmp_path / "parties.csv"
    parties.write_text(
        "alliance_id,actor_id,role\nz,ablynx,licensor\nz,sanofi,licensee\n", encoding="utf-8"
    )
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, [*CANONICAL[:2], alliances, parties])
        (deal,) = store.dataset().alliances
    assert deal.terms.equity == money
    assert [p.focal for p in deal.parties] == [False, False]  # an absent focal cell is false
