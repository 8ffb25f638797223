"""Who acquires whom in a raw acquisition row (``ACQUISITION_RULE``): the ``focal_role`` cell,
else a direction phrase in the notes or the asset, else the nbf firm is the target; every
acquisition not given by ``focal_role`` is reported to the ``inferred`` collector.

The phrases below are the shapes of real notes in ``../shared/data/raw`` (e.g. "Biocartis
acquired the platform from Philips", "MDxHealth is the acquirer", "Divestment by TiGenix")
and of the Danish case that prompted the rule ("Bavarian Nordic buys vaccines from GSK")."""

from __future__ import annotations

import pytest

from bioris.data import fx_table
from bioris.domain import Alliance, Role
from bioris.errors import RowError
from bioris.ingest.cells import Cells
from bioris.ingest.raw_alliances import parse_raw_alliance
from bioris.ingest.reader import Row, Table

ACTORS = {"Bavarian Nordic": "bavarian-nordic", "GSK": "gsk", "Novo Nordisk": "novo",
          "Bavarian Nordic A/S": "bavarian-nordic", "GSK plc": "gsk"}  # fmt: skip


def _resolve(name: str, cells: Cells, column: str) -> str | None:
    return ACTORS[name]


def acquisition(
    notes: str = "", asset: str = "", focal_role: str = "", *, deal_type: str = "acquisition"
) -> tuple[Alliance | None, list[str], list[RowError]]:
    values = {"year": "2020", "nbf": "Bavarian Nordic", "partner": "GSK",
              "deal_type": deal_type, "asset_or_technology": asset, "notes": notes,
              "focal_role": focal_role}  # fmt: skip
    table = Table("deals.csv", tuple(values), (Row(7, tuple(values.values())),))
    errors: list[RowError] = []
    inferred: list[str] = []
    cells = Cells(table, table.rows[0], errors)
    deal = parse_raw_alliance(cells, _resolve, fx_table(), inferred=inferred)
    return deal, inferred, errors


def roles(deal: Alliance | None) -> dict[str, Role]:
    assert deal is not None
    return {p.actor_id: p.role for p in deal.parties}


BUYS = {"bavarian-nordic": Role.ACQUIRER, "gsk": Role.TARGET}
BOUGHT = {"bavarian-nordic": Role.TARGET, "gsk": Role.ACQUIRER}


@pytest.mark.parametrize(
    ("notes", "asset", "expected", "phrase"),
    [
        ("Bavarian Nordic buys two vaccines from GSK", "", BUYS,
         "notes say 'Bavarian Nordic buys'"),
        ("", "Rabipur and Encepur rights bought from GSK", BUYS,
         "asset_or_technology says 'bought from GSK'"),
        ("Bavarian Nordic is the acquirer", "", BUYS, "'Bavarian Nordic is the acquirer'"),
        ("closed the acquisition of GSK's vaccine unit", "", BUYS, "'acquisition of GSK'"),
        ("Bavarian Nordic acquired the platform from GSK", "", BUYS, "'Bavarian Nordic acquired'"),
        ("vaccine unit acquired by Bavarian Nordic", "", BUYS, "'acquired by Bavarian Nordic'"),
        ("Bavarian Nordic took over GSK's plant", "", BUYS, "'Bavarian Nordic took over'"),
        ("Bavarian Nordic acquired by GSK", "", BOUGHT, "'acquired by'"),
        ("GSK acquires Bavarian Nordic for DKK 1bn", "", BOUGHT, "'GSK acquires'"),
        ("taken over by GSK after a tender offer", "", BOUGHT, "'taken over by'"),
        ("takeover by GSK", "", BOUGHT, "'takeover by'"),
        ("sold to GSK", "", BOUGHT, "'sold to'"),
        ("", "acquisition of Bavarian Nordic", BOUGHT, "'acquisition of Bavarian Nordic'"),
        ("Divestment by Bavarian Nordic; gross DKK 12m", "", BOUGHT, "'Divestment'"),
        ("gsk ACQUIRED bavarian nordic", "", BOUGHT, "'gsk ACQUIRED'"),
    ],
)  # fmt: skip
def test_direction_read_from_a_phrase(notes, asset, expected, phrase):
    deal, inferred, errors = acquisition(notes, asset)
    assert errors == []
    assert roles(deal) == expected
    [line] = inferred
    assert line.startswith("deals.csv:7: acquisition read as ")
    assert phrase in line and "(no focal_role; " in line


def test_the_note_says_who_acquires_whom():
    _, inferred, _ = acquisition("Bavarian Nordic buys two vaccines from GSK")
    assert inferred == [
        "deals.csv:7: acquisition read as 'Bavarian Nordic acquires GSK' "
        "(no focal_role; notes say 'Bavarian Nordic buys')"
    ]


def test_without_a_phrase_the_nbf_firm_is_the_target_and_the_import_says_so():
    deal, inferred, _ = acquisition("EUR45/share cash; completed mid-2018", "whole company")
    assert roles(deal) == BOUGHT
    assert inferred == [
        "deals.csv:7: acquisition read as 'GSK acquires Bavarian Nordic' "
        "(no focal_role; the nbf column is the target by default)"
    ]


def test_phrases_pointing_both_ways_decide_nothing():
    deal, [line], _ = acquisition("Bavarian Nordic acquired the unit; sold to GSK later")
    assert roles(deal) == BOUGHT
    assert "but" in line and line.endswith("the nbf column is the target by default)")


@pytest.mark.parametrize(
    ("focal_role", "notes", "expected"),
    [("acquirer", "acquired by GSK", BUYS), ("target", "Bavarian Nordic buys GSK", BOUGHT),
     ("Acquirer", "", BUYS)],
)  # fmt: skip
def test_focal_role_wins_and_is_not_reported(focal_role, notes, expected):
    deal, inferred, errors = acquisition(notes, focal_role=focal_role)
    assert errors == [] and roles(deal) == expected and inferred == []


def test_a_bad_focal_role_is_a_located_error():
    deal, inferred, errors = acquisition(focal_role="buyer")
    assert deal is None and inferred == []
    assert [(e.line, e.field) for e in errors] == [(7, "focal_role")]


def test_other_deal_types_are_not_reported():
    deal, inferred, errors = acquisition("GSK acquires a licence", deal_type="licensing_out")
    assert errors == [] and deal is not None and inferred == []


def test_the_collector_is_optional():
    errors: list[RowError] = []
    values = {"nbf": "Bavarian Nordic", "partner": "GSK", "deal_type": "acquisition",
              "notes": "Bavarian Nordic buys it"}  # fmt: skip
    table = Table("d.csv", tuple(values), (Row(2, tuple(values.values())),))
    deal = parse_raw_alliance(Cells(table, table.rows[0], errors), _resolve, fx_table())
    assert roles(deal) == BUYS


def test_bracketed_parents_and_several_parties_are_names_too():
    values = {"nbf": "Bavarian Nordic", "partner": "GSK; Novo Nordisk",
              "deal_type": "acquisition", "notes": "Novo Nordisk acquires it"}  # fmt: skip
    table = Table("d.csv", tuple(values), (Row(2, tuple(values.values())),))
    inferred: list[str] = []
    deal = parse_raw_alliance(
        Cells(table, table.rows[0], []), _resolve, fx_table(), inferred=inferred
    )
    assert roles(deal)["bavarian-nordic"] is Role.TARGET
    assert inferred == [
        "d.csv:2: acquisition read as 'GSK and Novo Nordisk acquire Bavarian Nordic' "
        "(no focal_role; notes say 'Novo Nordisk acquires')"
    ]


def test_a_phrase_names_the_firm_without_its_legal_form():
    """Notes say "Bavarian Nordic buys", the cells "Bavarian Nordic A/S" and "GSK plc"."""
    notes = "Bavarian Nordic buys two vaccines from GSK"
    values = {"year": "2020", "nbf": "Bavarian Nordic A/S", "partner": "GSK plc",
              "deal_type": "acquisition", "notes": notes}  # fmt: skip
    table = Table("deals.csv", tuple(values), (Row(7, tuple(values.values())),))
    inferred: list[str] = []
    cells = Cells(table, table.rows[0], [])
    deal = parse_raw_alliance(cells, _resolve, fx_table(), inferred=inferred)
    assert roles(deal) == BUYS and "notes say 'Bavarian Nordic buys'" in inferred[0]
