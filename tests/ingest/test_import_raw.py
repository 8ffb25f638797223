"""Importing raw facts files: actors merged across files, parties resolved, roles, money."""

from __future__ import annotations

from pathlib import Path

import pytest

from bioris.data import fx_table, study_file
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
    Provenance,
    Role,
)
from bioris.errors import ValidationError
from bioris.ingest.decisions import Decisions, RowDecision
from bioris.ingest.importer import ImportReport, import_files
from bioris.ingest.study_file import load_study_file
from bioris.store import Store, open_store

DATA = Path(__file__).parent.parent / "data"
ACTORS = [DATA / "good" / "actors.csv", DATA / "good" / "actors_more.csv"]
ALLIANCES = DATA / "good" / "alliances.csv"
CANONICAL = [DATA / "good" / "canonical" / f"{n}.csv" for n in ("actors", "lineage")]
HEADER = "year,date,nbf,partner,deal_type,upfront_musd,upfront_meur,source_url,confidence"


def write(tmp_path: Path, text: str, name: str = "deals.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def import_deals(
    tmp_path: Path, rows: str, *, header: str = HEADER, **kw
) -> tuple[Store, ImportReport]:
    """A fresh store with the good actors, then ``rows`` (a raw alliances file) imported."""
    store = open_store(tmp_path / "s.sqlite")
    import_files(store, ACTORS)
    report = import_files(store, [write(tmp_path, f"{header}\n{rows}")], **kw)
    return store, report


def only_alliance(store: Store) -> Alliance:
    (alliance,) = store.dataset().alliances
    return alliance


def roles(alliance: Alliance) -> list[tuple[str, Role, bool]]:
    return [(p.actor_id, p.role, p.focal) for p in alliance.parties]


# the bundled study declares Flanders, Wallonia and Brussels (in BE): the raw files name them
BELGIAN_STUDY = load_study_file(Path(str(study_file())))[0]


@pytest.fixture
def good(tmp_path: Path) -> Dataset:
    """The dataset of the good raw files imported into a fresh store."""
    with open_store(tmp_path / "good.sqlite") as store:
        import_files(store, [*ACTORS, ALLIANCES], study=BELGIAN_STUDY)
        return store.dataset()


def test_a_region_no_study_declares_gets_no_country_and_a_note(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        report = import_files(store, ACTORS)
        galapagos = store.actor("galapagos")
    assert (galapagos.region, galapagos.country) == ("Flanders", None)
    assert any("give no country" in n or "gives no country" in n for n in report.notes)


@pytest.mark.parametrize(
    ("region", "country", "expected"),
    [
        ("DK-84", "", ("DK-84", "DK")),  # an ISO 3166-2 code gives its country
        ("SE", "", (None, "SE")),  # an ISO 3166-1 code is the country
        ("Medicon Valley", "DK", ("Medicon Valley", "DK")),
        ("Oberbayern", "de", ("Oberbayern", "DE")),
    ],
)
def test_region_and_country_cells(
    tmp_path: Path, region: str, country: str, expected: tuple[str | None, str]
) -> None:
    path = write(tmp_path, f"name,kind,region,country\nNovo Firm,nbf,{region},{country}\n")
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, [path])
        (actor,) = store.actors()
    assert (actor.region, actor.country) == expected


def test_exit_texts_become_acquisitions_and_closures(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name,kind,country,exit\n"
        "Amgen,pharma,US,\n"
        "Target Bio,nbf,DK,acquired by Amgen 2019 (USD 1bn)\n"
        "Shut Bio,nbf,DK,wound down 2012\n"
        "Sold Bio,nbf,DK,sold to Nobody Known 2015\n",
    )
    with open_store(tmp_path / "s.sqlite") as store:
        report = import_files(store, [path])
        facts = {(f.actor_id, f.relation.value, f.target, f.start_year) for f in store.lineage()}
    assert facts == {
        ("target-bio", "acquired_by", "amgen", 2019),
        ("shut-bio", "closed", "wound down", 2012),
    }
    assert any("Nobody Known" in n and "2015" in n for n in report.notes)


def by_id(dataset: Dataset) -> dict[str, Actor]:
    return {a.actor_id: a for a in dataset.actors}


# --- actors -------------------------------------------------------------------------------------


def test_actor_ids_and_fields(good: Dataset) -> None:
    actors = by_id(good)
    assert sorted(actors) == [
        "ablynx", "alcon", "bone-therapeutics", "galapagos", "gimv", "ku-leuven",
        "merck-and-co", "merck-kgaa", "novartis", "pmv", "takeda", "universite-de-liege",
    ]  # fmt: skip
    assert actors["galapagos"] == Actor(
        "galapagos", "Galapagos", ActorKind.NBF, "BE", "Flanders", "Mechelen", 1999,
        aliases=("Galapagos NV",),
        provenance=Provenance(("https://example.org/galapagos",), Confidence.HIGH),
    )  # fmt: skip
    assert actors["ku-leuven"].founded == 1425
    assert (actors["novartis"].country, actors["novartis"].region) == ("CH", None)
    assert actors["universite-de-liege"].aliases == ("ULiège",)


def test_same_actor_in_two_files_is_merged(good: Dataset) -> None:
    gimv = by_id(good)["gimv"]
    assert gimv.name == "Gimv"
    assert gimv.aliases == ("Gimv Investments", "Gimv Venture Capital", "GIMV NV")
    assert gimv.provenance == Provenance(
        ("https://example.org/gimv-1", "https://example.org/gimv-2"), Confidence.HIGH
    )
    assert (gimv.city, gimv.founded, gimv.kind) == ("Antwerp", 1980, ActorKind.FINANCIER)


def test_a_later_import_corrects_the_stored_actor_and_lists_the_change(tmp_path: Path) -> None:
    """A record reported again in a later import corrects the stored one (merge.py's rule):
    its values win, lists and sources are united, and the diff says field: old -> new."""
    later = write(
        tmp_path,
        "name,aliases,kind,region,city,source_url,confidence\n"
        "GIMV,Gimv Investments; Gimv SA,financier,Flanders,Ghent,https://example.org/gimv-3,medium\n",
        "later.csv",
    )
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, ACTORS)
        report = import_files(store, [later])
        gimv = store.actor("gimv")
        assert store.counts()["actors"] == 12
    assert gimv.city == "Ghent"  # the later report corrects the stored value
    assert gimv.aliases == (
        "Gimv Investments", "Gimv Venture Capital", "GIMV NV", "Gimv SA", "GIMV",
    )  # fmt: skip
    assert gimv.provenance.source_urls[-1] == "https://example.org/gimv-3"
    assert report.merges == []
    (change,) = report.diff.of("update", "actor")
    assert change.label == "Gimv" and "city: Antwerp -> Ghent" in [str(f) for f in change.fields]


def test_reimport_is_idempotent(tmp_path: Path, good: Dataset) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, [*ACTORS, ALLIANCES], study=BELGIAN_STUDY)
        import_files(store, [*ACTORS, ALLIANCES], study=BELGIAN_STUDY)
        assert store.dataset() == good


# --- parties and roles --------------------------------------------------------------------------


def test_spellings_resolve_to_one_actor(good: Dataset) -> None:
    reported = {
        p.name_as_reported: p.actor_id
        for a in good.alliances
        for p in a.parties
        if p.actor_id in {"galapagos", "ablynx"}
    }
    assert reported == {
        "Galàpagos": "galapagos",
        "GALAPAGOS": "galapagos",
        "Ablynx": "ablynx",
        "Ablynx NV": "ablynx",
    }


def test_parent_in_brackets_makes_a_lineage_fact(good: Dataset) -> None:
    deal = next(a for a in good.alliances if a.date == "2005-12")
    assert roles(deal) == [("galapagos", Role.LICENSOR, True), ("alcon", Role.LICENSEE, False)]
    assert deal.parties[1].name_as_reported == "Alcon (Novartis)"
    assert good.lineage == (
        LineageFact(
            "alcon", LineageRelation.SUBSIDIARY_OF, "novartis",
            notes="parent read from a deal naming 'Alcon (Novartis)'",
            provenance=Provenance(("https://example.org/d1",), Confidence.HIGH),
        ),
    )  # fmt: skip


def test_alias_in_brackets_is_no_parent(good: Dataset) -> None:
    deal = next(a for a in good.alliances if a.date == "2012-06")
    assert roles(deal) == [
        ("galapagos", Role.COLLABORATOR, True),
        ("merck-and-co", Role.COLLABORATOR, False),
    ]
    assert all(f.actor_id != "merck-and-co" for f in good.lineage)


def test_parent_named_twice_gives_one_fact(tmp_path: Path) -> None:
    store, _ = import_deals(
        tmp_path,
        "2005,,Galapagos,Alcon (Novartis),option,,,https://example.org/r1,high\n"
        "2006,,Ablynx,Alcon (Novartis AG),option,,,https://example.org/r2,medium\n",
    )
    with store:
        (fact,) = store.lineage()
    assert (fact.actor_id, fact.relation, fact.target) == (
        "alcon", LineageRelation.SUBSIDIARY_OF, "novartis",
    )  # fmt: skip
    assert fact.provenance.source_urls[0] == "https://example.org/r1"


def test_parent_named_again_in_a_later_import_keeps_both_sources(tmp_path: Path) -> None:
    first = write(
        tmp_path,
        f"{HEADER}\n2005,,Galapagos,Alcon (Novartis),option,,,https://example.org/r1,high\n",
        "a.csv",
    )
    later = write(
        tmp_path,
        f"{HEADER}\n2006,,Ablynx,Alcon (Novartis),option,,,https://example.org/r2,high\n",
        "b.csv",
    )
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, ACTORS)
        import_files(store, [first])
        import_files(store, [later])
        (fact,) = store.lineage()
    assert set(fact.provenance.source_urls) == {"https://example.org/r1", "https://example.org/r2"}


@pytest.mark.parametrize(
    ("partner", "actor_id", "parent"),
    [
        ("Merck & Co", "merck-and-co", None),
        ("Merck & Co., Inc.", "merck-and-co", None),
        ("MSD", "merck-and-co", None),
        ("Merck & Co (MSD)", "merck-and-co", None),
        ("Merck KGaA", "merck-kgaa", None),
        ("Merck KGaA (Merck Serono)", "merck-kgaa", None),  # a division, not an actor
        ("Alcon (Novartis AG)", "alcon", "novartis"),
        ("Novartis (Alcon)", "novartis", "alcon"),  # the brackets decide, not world knowledge
    ],
)
def test_partner_names_at_import(
    tmp_path: Path, partner: str, actor_id: str, parent: str | None
) -> None:
    store, _ = import_deals(tmp_path, f'2010,,Galapagos,"{partner}",option,,,,\n')
    with store:
        deal, lineage = only_alliance(store), store.lineage()
    assert deal.actor_ids == ("galapagos", actor_id)
    assert deal.parties[1].name_as_reported == partner
    assert [(f.actor_id, f.target) for f in lineage] == ([(actor_id, parent)] if parent else [])


def test_syndicate_makes_a_multi_party_deal(good: Dataset) -> None:
    deal = next(a for a in good.alliances if a.deal_type is DealType.EQUITY_INVESTMENT)
    assert roles(deal) == [
        ("ablynx", Role.INVESTEE, True),
        ("gimv", Role.INVESTOR, False),
        ("pmv", Role.INVESTOR, False),
    ]
    assert [p.name_as_reported for p in deal.parties] == ["Ablynx", "Gimv", "PMV"]


# Seen from the focal firm (the data card's vocabulary), written out by hand.
ROLES = {
    "licensing_out": (Role.LICENSOR, Role.LICENSEE),
    "licensing_in": (Role.LICENSEE, Role.LICENSOR),
    "research_collaboration": (Role.COLLABORATOR, Role.COLLABORATOR),
    "co_development": (Role.COLLABORATOR, Role.COLLABORATOR),
    "joint_venture": (Role.COLLABORATOR, Role.COLLABORATOR),
    "option": (Role.LICENSOR, Role.LICENSEE),
    "commercialisation": (Role.LICENSOR, Role.LICENSEE),
    "equity_investment": (Role.INVESTEE, Role.INVESTOR),
    "acquisition": (Role.TARGET, Role.ACQUIRER),
    "platform_service": (Role.PROVIDER, Role.CLIENT),
    "grant": (Role.GRANTEE, Role.GRANTOR),
}


def test_every_deal_type_has_hand_checked_roles() -> None:
    assert set(ROLES) == {t.value for t in DealType}


@pytest.mark.parametrize(("deal_type", "pair"), ROLES.items())
def test_roles_by_deal_type(tmp_path: Path, deal_type: str, pair: tuple[Role, Role]) -> None:
    store, _ = import_deals(tmp_path, f"2010,,Ablynx; Galapagos,Novartis; Takeda,{deal_type},,,,\n")
    with store:
        deal = only_alliance(store)
    focal, partner = pair
    assert roles(deal) == [
        ("ablynx", focal, True),
        ("galapagos", focal, True),
        ("novartis", partner, False),
        ("takeda", partner, False),
    ]


@pytest.mark.parametrize(
    ("focal_role", "expected"),
    [
        ("", (Role.TARGET, Role.ACQUIRER)),
        ("target", (Role.TARGET, Role.ACQUIRER)),
        ("acquirer", (Role.ACQUIRER, Role.TARGET)),
        ("Acquirer", (Role.ACQUIRER, Role.TARGET)),
    ],
)
def test_acquisition_focal_role(
    tmp_path: Path, focal_role: str, expected: tuple[Role, Role]
) -> None:
    store, _ = import_deals(
        tmp_path,
        f"2014,,Ablynx,Bone Therapeutics,acquisition,{focal_role}\n",
        header="year,date,nbf,partner,deal_type,focal_role",
    )
    with store:
        deal = only_alliance(store)
    assert roles(deal) == [
        ("ablynx", expected[0], True),
        ("bone-therapeutics", expected[1], False),
    ]


def test_acquirer_row_of_the_good_file(good: Dataset) -> None:
    deal = next(a for a in good.alliances if a.deal_type is DealType.ACQUISITION)
    assert roles(deal) == [
        ("ablynx", Role.ACQUIRER, True),
        ("bone-therapeutics", Role.TARGET, False),
    ]
    assert deal.notes == "-fictional test row"
    assert deal.provenance == Provenance(
        ("https://example.org/d5", "https://example.org/d6"), Confidence.MEDIUM
    )


def test_named_lineage_in_the_store_resolves(tmp_path: Path) -> None:
    deals = write(tmp_path, "year,nbf,partner,deal_type\n2008,Ablynx NV,Sanofi-Synthelabo,option\n")
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, CANONICAL)
        import_files(store, [deals])
        (deal,) = store.dataset().alliances
    assert [(p.actor_id, p.name_as_reported) for p in deal.parties] == [
        ("ablynx", "Ablynx NV"),
        ("sanofi", "Sanofi-Synthelabo"),
    ]


def test_named_lineage_in_the_same_import_resolves(tmp_path: Path) -> None:
    deals = write(tmp_path, "year,nbf,partner,deal_type\n2008,Ablynx,Sanofi-Synthelabo,option\n")
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, [*CANONICAL, deals])
        (deal,) = store.dataset().alliances
    assert deal.actor_ids == ("ablynx", "sanofi")


# --- missing actors -----------------------------------------------------------------------------

MISSING = (
    "2005,,Galapagos,Sandoz (Novartis),licensing_out,,,https://example.org/m1,high\n"
    "2006,,Ablynx,Zymo Labs; Sandoz,option,,,https://example.org/m2; https://example.org/m3,\n"
)


def test_missing_actor_is_an_error_by_default(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        import_deals(tmp_path, MISSING)
    assert [(e.line, e.column, e.field) for e in info.value.errors] == [
        (2, 4, "partner"),
        (3, 4, "partner"),
        (3, 4, "partner"),
    ]
    assert "no actor named 'Sandoz'" in info.value.errors[0].message


def test_create_missing(tmp_path: Path) -> None:
    store, report = import_deals(tmp_path, MISSING, create_missing=True)
    with store:
        data = store.dataset()
    assert report.created_actors == ["sandoz", "zymo-labs"]
    actors = by_id(data)
    assert actors["sandoz"] == Actor(
        "sandoz", "Sandoz", ActorKind.OTHER,
        provenance=Provenance(
            ("https://example.org/m1", "https://example.org/m2", "https://example.org/m3"),
            Confidence.HIGH,
        ),
    )  # fmt: skip
    assert actors["zymo-labs"].kind is ActorKind.OTHER
    assert actors["zymo-labs"].provenance == Provenance(  # URLs, no confidence: medium
        ("https://example.org/m2", "https://example.org/m3"), Confidence.MEDIUM
    )
    assert [(f.actor_id, f.relation, f.target) for f in data.lineage] == [
        ("sandoz", LineageRelation.SUBSIDIARY_OF, "novartis")
    ]
    assert [a.actor_ids for a in sorted(data.alliances, key=lambda a: a.year or 0)] == [
        ("galapagos", "sandoz"),
        ("ablynx", "zymo-labs", "sandoz"),
    ]


def test_create_missing_does_not_settle_ambiguity(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        import_deals(tmp_path, "2005,,Galapagos,Merck,option,,,,\n", create_missing=True)
    (error,) = info.value.errors
    assert "matches several actors" in error.message


# --- dates and money ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "date", "expected"),
    [
        ("2005", "", (2005, "2005")),
        ("", "2005-07", (2005, "2005-07")),
        ("2005", "2005-07-05", (2005, "2005-07-05")),
        ("", "", (None, None)),
    ],
)
def test_year_and_date(tmp_path: Path, year: str, date: str, expected: tuple) -> None:
    store, _ = import_deals(tmp_path, f"{year},{date},Ablynx,Novartis,option,,,,\n")
    with store:
        deal = only_alliance(store)
    assert (deal.year, deal.date) == expected


def usd(year: int) -> float:
    return fx_table().rates[(year, "USD")]


@pytest.mark.parametrize(
    ("year", "date", "musd", "meur", "money"),
    [
        ("2005", "", "10", "", Money(10.0, "USD", round(10.0 / usd(2005), 6))),  # converted
        (
            "",
            "2012-06",
            "20",
            "",
            Money(20.0, "USD", round(20.0 / usd(2012), 6)),
        ),  # year from the date
        ("2012", "", "20", "16", Money(20.0, "USD", 16.0)),  # the stated euro wins
        ("2012", "", "", "16", Money(16.0, "EUR", 16.0)),
        ("", "", "5", "", Money(5.0, "USD", None)),  # undated: no rate applies
        ("1950", "", "5", "", Money(5.0, "USD", None)),  # before the table
        ("", "", "", "2.5", Money(2.5, "EUR", 2.5)),
        ("2012", "", "0", "", Money(0.0, "USD", 0.0)),
    ],
)
def test_upfront_money(
    tmp_path: Path, year: str, date: str, musd: str, meur: str, money: Money
) -> None:
    store, _ = import_deals(tmp_path, f"{year},{date},Ablynx,Novartis,option,{musd},{meur},,\n")
    with store:
        terms = only_alliance(store).terms
    assert terms.upfront == money
    assert (terms.milestones, terms.equity, terms.rd_funding) == (None, None, None)


def test_usd_conversion_matches_the_bundled_rate() -> None:
    # guards the test above against a table that would make any conversion pass
    assert 1.1 < usd(2005) < 1.4


def test_money_of_the_good_file(good: Dataset) -> None:
    deals = {a.date: a.terms for a in good.alliances}
    assert deals["2005-12"].upfront == Money(10.0, "USD", round(10.0 / usd(2005), 6))
    assert deals["2005-12"].milestones == Money(50.0, "USD", round(50.0 / usd(2005), 6))
    assert deals["2007-03-15"].equity == Money(12.5, "EUR", 12.5)
    assert deals["2012-06"].upfront == Money(20.0, "USD", 16.0)
    assert deals[None].upfront == Money(2.0, "EUR", 2.0)
    assert deals["2014-05-02"].upfront is None


def test_no_amount_means_no_money(good: Dataset) -> None:
    deal = next(a for a in good.alliances if a.date == "2014-05-02")
    assert deal.terms.upfront is None and deal.terms.committed_eur == 0.0


# --- the report ---------------------------------------------------------------------------------


def test_row_outcomes_point_at_the_stored_deals(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        report = import_files(store, [*ACTORS, ALLIANCES])
        ids = {a.alliance_id for a in store.dataset().alliances}
    assert [(Path(f).name, line) for f, line, _ in report.row_outcomes] == [
        ("alliances.csv", n) for n in range(2, 7)
    ]
    assert {i for _, _, i in report.row_outcomes} == ids
    assert report.files[-1] == (str(ALLIANCES), "raw alliances", 5)


# --- reviewed decisions -------------------------------------------------------------------------

DECIDED_ROWS = (
    "2014,,Ablynx,Bone Therapeutics,acquisition,,,https://example.org/q1,high\n"
    "2015,,Ablynx,Novartis,option,,,https://example.org/q2,high\n"
    "2016,,Ablynx,Sandoz,option,,,https://example.org/q3,medium\n"
)
DECISIONS_TOML = """
[[actor]]
name = "Sandoz"
kind = "pharma"
country = "CH"
reason = "Novartis' generics arm, named in one deal"
source_urls = ["https://example.org/sandoz"]

[[alias]]
name = "Bone Tx"
actor = "Bone Therapeutics"
reason = "short name in the press"

[[lineage]]
actor = "Sandoz"
relation = "subsidiary_of"
target = "Novartis"
reason = "Sandoz is part of Novartis"
start_year = 1996
source_urls = ["https://example.org/sandoz-novartis"]

[[row]]
file = "deals.csv"
line = 2
expect = "Bone Therapeutics"
reason = "Ablynx bought it (fictional)"
set = { focal_role = "acquirer" }

[[row]]
file = "deals.csv"
line = 3
expect = "Novartis"
exclude = true
reason = "a rumour, not a deal"
"""


def test_decisions_apply(tmp_path: Path) -> None:
    decisions = Decisions.load(write(tmp_path, DECISIONS_TOML, "decisions.toml"))
    store, report = import_deals(tmp_path, DECIDED_ROWS, decisions=decisions)
    with store:
        data = store.dataset()
    assert report.excluded == [f"{tmp_path / 'deals.csv'}:3: a rumour, not a deal"]
    assert report.created_actors == ["sandoz"]
    sandoz = by_id(data)["sandoz"]
    assert (sandoz.kind, sandoz.country) == (ActorKind.PHARMA, "CH")
    # the decided actor gets its own sources and those of the rows naming it
    assert sandoz.provenance.source_urls == ("https://example.org/sandoz", "https://example.org/q3")
    deals = {a.year: a for a in data.alliances}
    assert sorted(deals) == [2014, 2016]
    assert roles(deals[2014]) == [
        ("ablynx", Role.ACQUIRER, True),
        ("bone-therapeutics", Role.TARGET, False),
    ]
    (fact,) = data.lineage
    assert (fact.actor_id, fact.relation, fact.target, fact.start_year) == (
        "sandoz",
        LineageRelation.SUBSIDIARY_OF,
        "novartis",
        1996,
    )


def test_decision_guard_and_unused_decisions_are_errors(tmp_path: Path) -> None:
    decisions = Decisions(
        rows=(
            RowDecision("deals.csv", 2, expect="Takeda", reason="changed input", exclude=True),
            RowDecision("deals.csv", 9, expect="x", reason="no such row", exclude=True),
            RowDecision("other.csv", 9, expect="x", reason="another file: ignored", exclude=True),
        )
    )
    with pytest.raises(ValidationError) as info:
        import_deals(tmp_path, "2015,,Ablynx,Novartis,option,,,,\n", decisions=decisions)
    assert [(Path(e.file).name, e.line, e.column) for e in info.value.errors] == [
        ("deals.csv", 2, 0),
        ("<decisions>", 0, 0),
    ]
    assert "decision expects 'Takeda'" in info.value.errors[0].message
    assert "deals.csv:9 matches no data row" in info.value.errors[1].message
