"""A bad import reports every problem as FILE:LINE:COLUMN and leaves the store as it was.

Each case imports files from ``tests/data/bad`` into a store already holding a good import
(raw cases: ``tests/data/good/*.csv``; canonical cases: ``tests/data/good/canonical``), then
checks the exact locations and key words of every problem, and that the store's records, counts
and file bytes are unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bioris.domain import DealType, Stage
from bioris.errors import BiorisError, RowError, ValidationError
from bioris.ingest.cells import latest_year
from bioris.ingest.importer import import_files
from bioris.store import open_store

DATA = Path(__file__).parent.parent / "data"
GOOD_RAW = ["good/actors.csv", "good/actors_more.csv", "good/alliances.csv"]
GOOD_CANONICAL = [f"good/canonical/{n}.csv" for n in ("actors", "lineage", "alliances", "parties")]
NEXT = latest_year()
DEAL_TYPES = ", ".join(m.value for m in DealType)
STAGES = ", ".join(m.value for m in Stage)
KINDS = "nbf, biotech, pharma, university, research_centre, hospital, financier, network_org"
ROLES = "licensor, licensee, investor, investee, acquirer, target, collaborator, grantor"

Expected = tuple  # (file, line, column, *words in the message)


@pytest.fixture(autouse=True)
def in_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tests/data so that errors carry the relative paths a user would type."""
    monkeypatch.chdir(DATA)


def failed_import(store_path: Path, seed: list[str], files: list[str], **kw) -> list[RowError]:
    """Import ``seed``, then ``files`` (which must fail); check nothing changed; the errors."""
    with open_store(store_path) as store:
        import_files(store, seed)
    snapshot = store_path.read_bytes()
    with open_store(store_path) as store:
        before, counts = store.dataset(), store.counts()
        assert counts["actors"] > 0
        with pytest.raises(ValidationError) as info:
            import_files(store, files, **kw)
        assert store.dataset() == before
        assert store.counts() == counts
    assert store_path.read_bytes() == snapshot
    return info.value.errors


def check(errors: list[RowError], expected: list[Expected]) -> None:
    """Exactly the expected locations (in any order), each message holding its key words."""
    located = sorted(errors, key=lambda e: (e.file, e.line, e.column))
    assert [(e.file, e.line, e.column) for e in located] == sorted(x[:3] for x in expected)
    by_place = {x[:3]: x[3:] for x in expected}
    for error in located:
        for word in by_place[(error.file, error.line, error.column)]:
            assert word in error.message, f"{error}: lacks {word!r}"


RAW_CASES = {
    "unknown deal type, stage, confidence, focal_role": (
        ["bad/raw_vocab.csv"],
        [
            ("bad/raw_vocab.csv", 2, 4, f"'merger' is not one of: {DEAL_TYPES}"),
            ("bad/raw_vocab.csv", 3, 5, f"'phase 2b' is not one of: {STAGES}"),
            ("bad/raw_vocab.csv", 3, 6, "'certain' is not one of: high, medium, unsourced"),
            ("bad/raw_vocab.csv", 4, 7, "'buyer' is not one of: acquirer, target"),
        ],
    ),
    "actor kind, region, years, empty name": (
        ["bad/raw_actor_values.csv"],
        [
            ("bad/raw_actor_values.csv", 2, 2, f"'medtech' is not one of: {KINDS}"),
            ("bad/raw_actor_values.csv", 3, 3, "'DK-84' is in DK, but the row's country is SE"),
            ("bad/raw_actor_values.csv", 4, 4, "'BEL' is not an ISO 3166-1 alpha-2 code"),
            ("bad/raw_actor_values.csv", 4, 5, "'MCMXCIX' is not a year"),
            ("bad/raw_actor_values.csv", 4, 6, f"year 1899 is outside 1900-{NEXT}"),
            ("bad/raw_actor_values.csv", 5, 1, "is empty but required"),
        ],
    ),
    "non-numeric and negative amounts": (
        ["bad/raw_amounts.csv"],
        [
            ("bad/raw_amounts.csv", 2, 5, "'12M' is not a number"),
            ("bad/raw_amounts.csv", 2, 6, "amount -3 is negative"),
            ("bad/raw_amounts.csv", 3, 7, "'1,2' is not a number"),
            ("bad/raw_amounts.csv", 3, 8, "'abc' is not a number"),
            ("bad/raw_amounts.csv", 3, 9, "amount -0.1 is negative"),
        ],
    ),
    "impossible dates, year/date disagreement, years out of range": (
        ["bad/raw_dates.csv"],
        [
            ("bad/raw_dates.csv", 2, 2, "'2017-02-30' is not a real date"),
            ("bad/raw_dates.csv", 3, 2, "date 2015-07 disagrees with year 2016"),
            ("bad/raw_dates.csv", 4, 1, f"year 1899 is outside 1900-{NEXT}"),
            ("bad/raw_dates.csv", 5, 1, f"year 2999 is outside 1900-{NEXT}"),
            ("bad/raw_dates.csv", 6, 2, f"year 1850 is outside 1900-{NEXT}"),
            ("bad/raw_dates.csv", 7, 2, "'05/07/2016' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ],
    ),
    "a party allied with itself, also via an alias or name variant": (
        ["bad/raw_self.csv"],
        [
            ("bad/raw_self.csv", 2, 3, "'galapagos' twice", "allied with itself"),
            ("bad/raw_self.csv", 3, 3, "'galapagos' twice", "allied with itself"),
            ("bad/raw_self.csv", 4, 3, "'gimv' twice", "allied with itself"),
            ("bad/raw_self.csv", 5, 3, "'merck-and-co' twice", "allied with itself"),
            ("bad/raw_self.csv", 6, 2, "'galapagos' twice", "allied with itself"),
        ],
    ),
    "blank parties": (
        ["bad/raw_blank_party.csv"],
        [
            ("bad/raw_blank_party.csv", 2, 3, "'Gimv; ; PMV' has a blank party"),
            ("bad/raw_blank_party.csv", 3, 2, "is empty but required"),
            ("bad/raw_blank_party.csv", 4, 2, "'Ablynx;' has a blank party"),
        ],
    ),
    "unknown parties, with suggestions": (
        ["bad/raw_unknown_party.csv"],
        [
            (
                "bad/raw_unknown_party.csv",
                2,
                2,
                "no actor named 'Galapagoss'",
                "did you mean 'Galapagos'?",
                "--create-missing",
            ),
            (
                "bad/raw_unknown_party.csv",
                3,
                3,
                "no actor named 'Novartiss AG'",
                "did you mean 'Novartis'?",
            ),
            ("bad/raw_unknown_party.csv", 4, 3, "no actor named 'Zzyzx Quux'", "--create-missing"),
        ],
    ),
    "ambiguous names": (
        ["bad/raw_ambiguous.csv"],
        [
            (
                "bad/raw_ambiguous.csv",
                2,
                3,
                "'Merck' matches several actors",
                "Merck & Co [merck-and-co]",
                "Merck KGaA [merck-kgaa]",
            ),
            ("bad/raw_ambiguous.csv", 3, 3, "'Merck' matches several actors"),
        ],
    ),
    "unknown columns": (
        ["bad/unknown_column.csv"],
        [
            (
                "bad/unknown_column.csv",
                1,
                5,
                "unknown column(s) upfront_mgbp, comment",
                "raw alliances",
                "known: year, date, nbf",
            ),
        ],
    ),
    "a header matching no format": (
        ["bad/no_format.csv"],
        [
            (
                "bad/no_format.csv",
                1,
                0,
                "matches no bioris format",
                "closest is raw financials",
                "missing column(s) currency, unit",
            ),
        ],
    ),
    "every file's header problem at once": (
        ["bad/unknown_column.csv", "good/alliances.csv", "bad/no_format.csv"],
        [
            ("bad/unknown_column.csv", 1, 5, "unknown column(s)"),
            ("bad/no_format.csv", 1, 0, "matches no bioris format"),
        ],
    ),
    "every problem of several files": (
        ["bad/raw_amounts.csv", "bad/raw_blank_party.csv"],
        [
            ("bad/raw_amounts.csv", 2, 5),
            ("bad/raw_amounts.csv", 2, 6),
            ("bad/raw_amounts.csv", 3, 7),
            ("bad/raw_amounts.csv", 3, 8),
            ("bad/raw_amounts.csv", 3, 9),
            ("bad/raw_blank_party.csv", 2, 3),
            ("bad/raw_blank_party.csv", 3, 2),
            ("bad/raw_blank_party.csv", 4, 2),
        ],
    ),
}


@pytest.mark.parametrize(("files", "expected"), RAW_CASES.values(), ids=RAW_CASES.keys())
def test_raw_problems(tmp_path: Path, files: list[str], expected: list[Expected]) -> None:
    check(failed_import(tmp_path / "s.sqlite", GOOD_RAW, files), expected)


CANONICAL_CASES = {
    "actor kind, country, year, confidence, empty ids": (
        ["bad/canon_actor_values.csv"],
        [
            ("bad/canon_actor_values.csv", 2, 3, f"'medtech' is not one of: {KINDS}"),
            ("bad/canon_actor_values.csv", 3, 4, "'BEL' is not an ISO 3166-1 alpha-2 code"),
            ("bad/canon_actor_values.csv", 4, 6, "'999' is not a year"),
            ("bad/canon_actor_values.csv", 4, 7, "'sure' is not one of: high, medium, unsourced"),
            ("bad/canon_actor_values.csv", 5, 1, "is empty but required"),
            ("bad/canon_actor_values.csv", 5, 2, "is empty but required"),
        ],
    ),
    "lineage relation, years, target, confidence": (
        ["bad/canon_lineage_values.csv"],
        [
            (
                "bad/canon_lineage_values.csv",
                2,
                2,
                "'merged_into' is not one of: named, subsidiary_of, acquired_by",
            ),
            ("bad/canon_lineage_values.csv", 3, 5, "end year 2005 is before start year 2011"),
            ("bad/canon_lineage_values.csv", 4, 3, "is empty but required"),
            ("bad/canon_lineage_values.csv", 4, 4, f"year 1899 is outside 1900-{NEXT}"),
            ("bad/canon_lineage_values.csv", 4, 6, "'maybe' is not one of: high, medium"),
        ],
    ),
    "alliance dates, vocabularies, money": (
        ["bad/canon_alliance_values.csv"],
        [
            ("bad/canon_alliance_values.csv", 2, 3, "date 2011-03 disagrees with year 2010"),
            ("bad/canon_alliance_values.csv", 2, 4, f"'merger' is not one of: {DEAL_TYPES}"),
            ("bad/canon_alliance_values.csv", 2, 5, f"'phase9' is not one of: {STAGES}"),
            ("bad/canon_alliance_values.csv", 2, 7, "'XYZ' is not an ISO 4217 currency code"),
            ("bad/canon_alliance_values.csv", 3, 3, "'2017-02-30' is not a real date"),
            ("bad/canon_alliance_values.csv", 3, 9, "currency or euro value is given"),
            ("bad/canon_alliance_values.csv", 3, 11, "end year 2015 is before the signing year"),
            ("bad/canon_alliance_values.csv", 4, 7, "is empty but an amount is given"),
            ("bad/canon_alliance_values.csv", 4, 8, "'abc' is not a number"),
        ],
    ),
    "parties naming an unknown alliance or actor, bad role and focal": (
        ["bad/canon_refs_alliances.csv", "bad/canon_refs_parties.csv"],
        [
            ("bad/canon_refs_parties.csv", 4, 1, "no alliance 'y9' in this import"),
            ("bad/canon_refs_parties.csv", 5, 2, "no actor with id 'ablyn'", "did you mean"),
            ("bad/canon_refs_parties.csv", 6, 3, f"'partner' is not one of: {ROLES}"),
            ("bad/canon_refs_parties.csv", 6, 4, "'maybe' is not true or false"),
        ],
    ),
    "alliances with fewer than two parties": (
        ["bad/canon_few_alliances.csv", "bad/canon_few_parties.csv"],
        [
            ("bad/canon_few_parties.csv", 3, 2, "actor 'ablynx' is twice in the deal"),
            # y1 is not also reported as short of parties: its faulty row is reported already
            ("bad/canon_few_alliances.csv", 3, 1, "alliance 'y2' has 0 part", "needs two"),
        ],
    ),
    "duplicate alliance ids": (
        ["bad/canon_dup_alliances.csv", "bad/canon_dup_parties.csv"],
        [("bad/canon_dup_alliances.csv", 4, 1, "alliance 'y1' appears twice")],
    ),
}


@pytest.mark.parametrize(
    ("files", "expected"), CANONICAL_CASES.values(), ids=CANONICAL_CASES.keys()
)
def test_canonical_problems(tmp_path: Path, files: list[str], expected: list[Expected]) -> None:
    check(failed_import(tmp_path / "s.sqlite", GOOD_CANONICAL, files), expected)


def test_lineage_naming_unknown_actors_is_located(tmp_path: Path) -> None:
    errors = failed_import(tmp_path / "s.sqlite", GOOD_CANONICAL, ["bad/canon_lineage_unknown.csv"])
    check(
        errors,
        [
            ("bad/canon_lineage_unknown.csv", 2, 3, "no actor with id 'sanofy'"),
            ("bad/canon_lineage_unknown.csv", 3, 1, "no actor with id 'ghost'"),
        ],
    )


def test_lineage_naming_unknown_actors_is_refused(tmp_path: Path) -> None:
    errors = failed_import(tmp_path / "s.sqlite", GOOD_CANONICAL, ["bad/canon_lineage_unknown.csv"])
    assert sorted(e.message for e in errors) == [
        "no actor with id 'ghost'",
        "no actor with id 'sanofy'; did you mean 'sanofi'?",
    ]


def test_named_lineage_of_unknown_actor_is_a_validation_error(tmp_path: Path) -> None:
    errors = failed_import(
        tmp_path / "s.sqlite", GOOD_CANONICAL, ["bad/canon_lineage_named_unknown.csv"]
    )
    check(errors, [("bad/canon_lineage_named_unknown.csv", 2, 1, "'ghost'")])


def test_failure_while_writing_leaves_the_store_unchanged(tmp_path: Path) -> None:
    # Whatever fails while writing, nothing may be left behind.
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        import_files(store, GOOD_CANONICAL)
    snapshot = path.read_bytes()
    with open_store(path) as store:
        before = store.dataset()
        with pytest.raises(BiorisError):
            import_files(
                store, ["good/canonical/actors.csv", "bad/canon_lineage_named_unknown.csv"]
            )
        assert store.dataset() == before
    assert path.read_bytes() == snapshot


def test_unknown_party_id_suggests_ids(tmp_path: Path) -> None:
    (tmp_path / "al.csv").write_text("alliance_id,deal_type\nz1,option\n", encoding="utf-8")
    (tmp_path / "pa.csv").write_text(
        "alliance_id,actor_id,role\nz1,galapagos,licensor\nz1,merck-and-c0,licensee\n",
        encoding="utf-8",
    )
    errors = failed_import(
        tmp_path / "s.sqlite", GOOD_RAW, [str(tmp_path / "al.csv"), str(tmp_path / "pa.csv")]
    )
    assert len(errors) == 1
    assert "no actor with id 'merck-and-c0'" in errors[0].message
    assert "merck-and-co" in errors[0].message


def test_negative_canonical_amount_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "al.csv").write_text(
        "alliance_id,deal_type,upfront_amount,upfront_currency\nz1,option,-1,EUR\n",
        encoding="utf-8",
    )
    errors = failed_import(tmp_path / "s.sqlite", GOOD_CANONICAL, [str(tmp_path / "al.csv")])
    assert [(e.line, e.column, e.message) for e in errors] == [(2, 3, "amount -1 is negative")]


def test_legacy_bioregion_column_is_read_as_the_region(tmp_path: Path) -> None:
    """Exports of bioris before 0.2 name the region column ``bioregion``."""
    (tmp_path / "ac.csv").write_text(
        "actor_id,name,kind,country,bioregion\nnew-firm,New Firm,nbf,BE,Antwerp\n",
        encoding="utf-8",
    )
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, [tmp_path / "ac.csv"])
        (actor,) = store.actors()
    assert (actor.country, actor.region) == ("BE", "Antwerp")


# --- the error cap ------------------------------------------------------------------------------


def test_error_cap_shows_the_first_and_counts_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIORIS_MAX_REPORTED_ERRORS", "3")
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, GOOD_RAW)
        with pytest.raises(ValidationError) as info:
            import_files(store, ["bad/raw_amounts.csv", "bad/raw_blank_party.csv"])
    error = info.value
    assert len(error.errors) == 8  # every problem is kept, only the listing is capped
    lines = str(error).splitlines()
    assert lines[0] == "8 problem(s) found; nothing was imported"
    assert lines[1:4] == [str(e) for e in error.errors[:3]]
    assert lines[1] == "bad/raw_amounts.csv:2:5: '12M' is not a number (upfront_musd)"
    assert lines[4:] == ["... and 5 more problem(s)"]


def test_error_cap_not_reached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIORIS_MAX_REPORTED_ERRORS", "3")
    with open_store(tmp_path / "s.sqlite") as store, pytest.raises(ValidationError) as info:
        import_files(store, ["bad/no_format.csv"])
    assert "more problem" not in str(info.value)
    assert len(str(info.value).splitlines()) == 2


# --- dry run ------------------------------------------------------------------------------------


def test_dry_run_reports_counts_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with open_store(path):
        pass
    snapshot = path.read_bytes()
    with open_store(path) as store:
        report = import_files(store, GOOD_RAW, dry_run=True)
        assert store.is_empty()
        assert store.dataset().actors == ()
    assert path.read_bytes() == snapshot
    assert report.dry_run
    assert (report.actors, report.lineage, report.alliances) == (12, 1, 5)
    assert report.files == [
        ("good/actors.csv", "raw actors", 10),
        ("good/actors_more.csv", "raw actors", 3),
        ("good/alliances.csv", "raw alliances", 5),
    ]
    assert len(report.row_outcomes) == 5
    # the dry run's dataset is exactly what a real import writes
    with open_store(tmp_path / "real.sqlite") as real:
        real_report = import_files(real, GOOD_RAW)
        assert real.dataset() == report.dataset
        assert not real_report.dry_run


def test_dry_run_reports_created_actors(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, GOOD_RAW)
        before = store.dataset()
        report = import_files(
            store, ["bad/raw_unknown_party.csv"], dry_run=True, create_missing=True
        )
        assert store.dataset() == before
    assert sorted(report.created_actors) == ["galapagoss", "novartiss-ag", "zzyzx-quux"]
    assert report.alliances == 3


def test_dry_run_still_reports_every_problem(tmp_path: Path) -> None:
    errors = failed_import(tmp_path / "s.sqlite", GOOD_RAW, ["bad/raw_amounts.csv"], dry_run=True)
    assert len(errors) == 5
