"""Merging records of the same thing: the documented deal rule and the actor merge."""

from __future__ import annotations

from pathlib import Path

import pytest

from bioris.domain import (
    Actor,
    ActorKind,
    Alliance,
    Confidence,
    DealType,
    Money,
    Party,
    Provenance,
    Role,
    Stage,
    Terms,
)
from bioris.ingest.importer import ImportReport, import_files
from bioris.ingest.merge import dates_agree, merge_actors, merge_alliances, same_deal
from bioris.store import open_store

DATA = Path(__file__).parent.parent / "data"
ACTORS = [DATA / "good" / "actors.csv", DATA / "good" / "actors_more.csv"]
HEADER = (
    "year,date,nbf,partner,deal_type,asset_or_technology,upfront_musd,notes,source_url,confidence"
)

A = Provenance(("https://example.org/a",), Confidence.MEDIUM)
B = Provenance(("https://example.org/b", "https://example.org/a"), Confidence.HIGH)


# --- the rule, unit by unit ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("2016", "2016-07-05", True),
        ("2016-07-05", "2016", True),
        ("2016-07", "2016-07-31", True),
        ("2016-07-05", "2016-07-05", True),
        ("2016-07", "2016-08-02", False),
        ("2016-07-05", "2016-07-06", False),
        ("2016", "2017", False),
        ("2016", "2017-01", False),
        (None, "2016", False),
        ("2016", None, False),
        (None, None, False),  # undated rows are never the same deal
        ("", "", False),
    ],
)
def test_dates_agree(a: str | None, b: str | None, agree: bool) -> None:
    assert dates_agree(a, b) is agree


def deal(
    alliance_id: str = "d1",
    date: str | None = "2010",
    deal_type: DealType = DealType.LICENSING_IN,
    parties: tuple[Party, ...] = (
        Party("ablynx", Role.LICENSEE, True, "Ablynx"),
        Party("takeda", Role.LICENSOR, False, "Takeda"),
    ),
    **kw: object,
) -> Alliance:
    year = int(date[:4]) if date else None
    return Alliance(alliance_id, year, date, deal_type, parties, **kw)  # type: ignore[arg-type]


def test_same_deal() -> None:
    reversed_parties = tuple(reversed(deal().parties))
    assert same_deal(deal(), deal("d2", "2010-03-15", parties=reversed_parties))
    assert not same_deal(deal(), deal("d2", deal_type=DealType.OPTION))
    assert not same_deal(deal(date="2010-03"), deal("d2", "2010-04-02"))
    assert not same_deal(deal(date=None), deal("d2", date=None))
    third = Party("novartis", Role.LICENSOR, False)
    assert not same_deal(deal(), deal("d2", parties=(*deal().parties, third)))


def test_merge_alliances() -> None:
    first = deal(
        "d1", "2010", notes="first report", provenance=A,
        terms=Terms(upfront=Money(10.0, "USD", 8.0), royalties="low"),
    )  # fmt: skip
    second = deal(
        "d2", "2010-03-15",
        parties=(
            Party("takeda", Role.LICENSOR, False, "Takeda Pharmaceutical"),
            Party("ablynx", Role.LICENSEE, True, "Ablynx"),
        ),
        stage_at_signing=Stage.PHASE1, asset="ALX-0061", therapeutic_area="RA",
        terms=Terms(upfront=Money(12.0, "USD", 9.0), milestones=Money(100.0, "USD", 80.0)),
        end_year=2015, end_reason="rights returned", notes="second report", provenance=B,
    )  # fmt: skip
    merged, notes = merge_alliances(first, second)
    assert merged == Alliance(
        "d1", 2010, "2010-03-15", DealType.LICENSING_IN,
        (
            Party("ablynx", Role.LICENSEE, True, "Ablynx"),
            Party("takeda", Role.LICENSOR, False, "Takeda; Takeda Pharmaceutical"),
        ),
        Stage.PHASE1, "ALX-0061", "RA",
        Terms(
            upfront=Money(10.0, "USD", 8.0), milestones=Money(100.0, "USD", 80.0),
            royalties="low",
        ),
        2015, "rights returned", "first report | second report",
        Provenance(("https://example.org/a", "https://example.org/b"), Confidence.HIGH),
    )  # fmt: skip
    assert len(notes) == 1
    assert "upfront" in notes[0] and "kept over" in notes[0]


def test_merge_alliances_keeps_the_first_known_values() -> None:
    first = deal(date="2010-03-15", stage_at_signing=Stage.PHASE2, asset="X", notes="same")
    second = deal("d2", "2010", stage_at_signing=Stage.PHASE3, asset="Y", notes="same")
    merged, notes = merge_alliances(first, second)
    assert (merged.date, merged.stage_at_signing, merged.asset) == (
        "2010-03-15", Stage.PHASE2, "X",
    )  # fmt: skip
    assert merged.notes == "same"
    assert notes == []


def test_merge_actors() -> None:
    first = Actor(
        "gimv", "Gimv", ActorKind.FINANCIER, "BE", "Flanders", "Antwerp",
        origin=("KBC",), aliases=("Gimv Investments",), provenance=A,
    )  # fmt: skip
    second = Actor(
        "gimv", "GIMV NV", ActorKind.FINANCIER, "BE", "Flanders", "Ghent", 1980,
        origin=("KBC", "Flemish government"), subsectors=("venture capital",),
        aliases=("Gimv", "Gimv Investments", "Gimv VC"), provenance=B,
    )  # fmt: skip
    merged, notes = merge_actors(first, second)
    assert merged == Actor(
        "gimv", "Gimv", ActorKind.FINANCIER, "BE", "Flanders", "Antwerp", 1980,
        origin=("KBC", "Flemish government"), subsectors=("venture capital",),
        aliases=("Gimv Investments", "Gimv VC", "GIMV NV"),
        provenance=Provenance(("https://example.org/a", "https://example.org/b"), Confidence.HIGH),
    )  # fmt: skip
    assert notes == ["Gimv: city 'Antwerp' kept over 'Ghent'"]


# --- the rule applied by an import --------------------------------------------------------------


def import_rows(tmp_path: Path, rows: str) -> tuple[list[Alliance], ImportReport]:
    deals = tmp_path / "deals.csv"
    deals.write_text(f"{HEADER}\n{rows}", encoding="utf-8")
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, ACTORS)
        report = import_files(store, [deals])
        return list(store.dataset().alliances), report


def test_two_reports_of_one_deal_under_different_spellings_merge(tmp_path: Path) -> None:
    alliances, report = import_rows(
        tmp_path,
        "2010,,Ablynx,Takeda,licensing_in,,,press,https://example.org/r1,medium\n"
        "2010,2010-03-15,Ablynx NV,Takeda Pharmaceutical,licensing_in,ALX,12,annual report,"
        "https://example.org/r2,high\n",
    )
    (merged,) = alliances
    assert merged.date == "2010-03-15"
    assert merged.provenance == Provenance(
        ("https://example.org/r1", "https://example.org/r2"), Confidence.HIGH
    )
    assert [(p.actor_id, p.name_as_reported) for p in merged.parties] == [
        ("ablynx", "Ablynx; Ablynx NV"),
        ("takeda", "Takeda; Takeda Pharmaceutical"),
    ]
    assert (merged.asset, merged.notes) == ("ALX", "press | annual report")
    assert merged.terms.upfront is not None and merged.terms.upfront.amount == 12.0
    assert [(line, i) for _, line, i in report.row_outcomes] == [
        (2, merged.alliance_id),
        (3, merged.alliance_id),
    ]
    assert len(report.merges) == 1 and "merged two reports" in report.merges[0]


def test_parties_in_another_order_are_the_same_deal(tmp_path: Path) -> None:
    alliances, _ = import_rows(
        tmp_path,
        "2011,2011-05,Ablynx; Galapagos,Novartis,co_development,,,,,\n"
        "2011,2011-05-20,Galapagos NV; Ablynx,Novartis AG,co_development,,,,,\n",
    )
    (merged,) = alliances
    assert merged.actor_ids == ("ablynx", "galapagos", "novartis")
    assert merged.date == "2011-05-20"


@pytest.mark.parametrize(
    ("second", "why"),
    [
        ("2010,2010-04-02,Ablynx,Takeda,licensing_in,,,,,", "another month"),
        ("2011,,Ablynx,Takeda,licensing_in,,,,,", "another year"),
        ("2010,2010-03-15,Ablynx,Takeda,option,,,,,", "another deal type"),
        ("2010,2010-03-15,Ablynx,Takeda; Novartis,licensing_in,,,,,", "another party set"),
    ],
)
def test_different_deals_stay_apart(tmp_path: Path, second: str, why: str) -> None:
    alliances, report = import_rows(
        tmp_path, f"2010,2010-03,Ablynx,Takeda,licensing_in,,,,,\n{second}\n"
    )
    assert len(alliances) == 2, why
    assert report.merges == []
    assert len({i for _, _, i in report.row_outcomes}) == 2


def test_undated_reports_are_never_merged(tmp_path: Path) -> None:
    row = ",,Ablynx,Takeda,licensing_in,ALX,,,https://example.org/r,high\n"
    alliances, report = import_rows(tmp_path, row * 2)
    assert len(alliances) == 2
    first, second = (i for _, _, i in report.row_outcomes)
    assert second == f"{first}-2"  # identical rows, so the second id gets a suffix
    assert all(a.year is None and a.date is None for a in alliances)


def test_disagreeing_terms_keep_the_first_and_say_so(tmp_path: Path) -> None:
    alliances, report = import_rows(
        tmp_path,
        "2010,2010-03,Ablynx,Takeda,licensing_in,,10,,,\n"
        "2010,2010-03-15,Ablynx,Takeda,licensing_in,,12,,,\n",
    )
    (merged,) = alliances
    assert merged.terms.upfront is not None and merged.terms.upfront.amount == 10.0
    assert any("upfront" in m and "kept over" in m for m in report.merges)


def test_three_reports_make_one_deal(tmp_path: Path) -> None:
    alliances, _ = import_rows(
        tmp_path,
        "2010,,Ablynx,Takeda,licensing_in,,,,https://example.org/1,\n"
        "2010,2010-03,Ablynx,Takeda,licensing_in,,,,https://example.org/2,\n"
        "2010,2010-03-15,Ablynx,Takeda,licensing_in,,,,https://example.org/3,\n",
    )
    (merged,) = alliances
    assert merged.date == "2010-03-15"
    assert len(merged.provenance.source_urls) == 3


def test_reports_in_separate_imports_merge_as_in_one(tmp_path: Path) -> None:
    rows = [
        "2010,2010-03,Ablynx,Takeda,licensing_in,,,,https://example.org/r1,high",
        "2010,2010-03,Ablynx,Takeda,licensing_in,,,,https://example.org/r2,high",
        "2010,2010-03-15,Ablynx,Takeda,licensing_in,,,,https://example.org/r3,high",
    ]
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, ACTORS)
        for number, row in enumerate(rows):
            path = tmp_path / f"deals{number}.csv"
            path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
            import_files(store, [path])
        (deal,) = store.dataset().alliances
    assert deal.date == "2010-03-15"
    assert len(deal.provenance.source_urls) == 3
