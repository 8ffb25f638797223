"""Tests for the data-entry template: its sheets, headers, drop-down lists, and that a filled-in
template is recognised sheet by sheet (the README skipped with a note)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import openpyxl
import pytest

from bioris.data import fx_table
from bioris.domain import (
    CURRENCIES,
    ActorKind,
    Confidence,
    DealType,
    PipelineStage,
    Role,
    Stage,
)
from bioris.errors import BiorisError
from bioris.export.template import README_SHEET, template_sheets, write_template
from bioris.ingest.formats import FORMATS, recognise

SHEETS = ["README", "Actors", "Deals", "Pipeline", "Financials"]
LABELS = {
    "Actors": "raw actors",
    "Deals": "raw alliances",
    "Pipeline": "raw pipeline",
    "Financials": "raw financials",
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("template") / "deals.xlsx", fx=fx_table())


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def choices(sheet) -> dict[str, tuple[list[str], str]]:
    """Column name -> (listed values, error style) of each drop-down list of a sheet."""
    names = header(sheet)
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        [cells] = validation.sqref.ranges
        assert (cells.min_row, cells.max_row) == (2, 1_048_576)
        assert cells.min_col == cells.max_col
        listed = validation.formula1.strip('"').split(",")
        found[names[cells.min_col - 1]] = (listed, validation.errorStyle)
    return found


def values(enum: type[StrEnum]) -> list[str]:
    return [member.value for member in enum]


def test_sheets_headers_and_layout(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == SHEETS
    assert book.active.title == README_SHEET
    for title, columns in template_sheets().items():
        sheet = book[title]
        assert header(sheet) == [c.name for c in columns]
        assert sheet.max_row == 1  # the header alone: nothing to delete before filling in
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        shaded = [c.value for c in sheet[1] if c.fill.fgColor.rgb.endswith("FFE699")]
        assert shaded == [c.name for c in columns if c.required]
        assert all(sheet.column_dimensions[c.column_letter].width >= 10 for c in sheet[1])


def test_required_columns_are_the_formats_required_ones() -> None:
    formats = {f.label: f for f in FORMATS}
    for title, columns in template_sheets().items():
        fmt = formats[LABELS[title]]
        names = [c.name for c in columns]
        assert set(names) <= set(fmt.known), title
        assert set(fmt.required) <= {c.name for c in columns if c.required}, title


def test_deals_use_the_currency_columns_not_the_usd_eur_ones() -> None:
    names = [c.name for c in template_sheets()["Deals"]]
    assert {"currency", "upfront_m", "milestones_m", "equity_m", "total_m"} <= set(names)
    assert not [n for n in names if n.endswith(("_musd", "_meur"))]


def test_drop_down_lists_come_from_the_vocabularies(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    currencies = sorted({c for _, c in fx_table().rates} | {"EUR"})
    assert choices(book["Actors"]) == {
        "kind": (values(ActorKind), "stop"),
        "confidence": (values(Confidence), "stop"),
    }
    assert choices(book["Deals"]) == {
        "deal_type": (values(DealType), "stop"),
        "focal_role": ([Role.ACQUIRER.value, Role.TARGET.value], "stop"),
        "stage_at_signing": (values(Stage), "stop"),
        # other ISO 4217 codes can be typed: a warning, not a refusal
        "currency": (currencies, "warning"),
        "confidence": (values(Confidence), "stop"),
    }
    assert choices(book["Pipeline"]) == {
        "stage": (values(PipelineStage), "stop"),
        "confidence": (values(Confidence), "stop"),
    }
    assert choices(book["Financials"]) == {
        "currency": (currencies, "warning"),
        "unit": (["million", "thousand"], "stop"),
        "confidence": (values(Confidence), "stop"),
    }


def test_without_rates_the_checked_currencies_are_listed(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    assert choices(book["Deals"])["currency"] == (sorted(CURRENCIES), "warning")


def test_dates_are_text_cells(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    for title, column in (("Deals", "date"), ("Pipeline", "event_date")):
        sheet = book[title]
        letter = openpyxl.utils.get_column_letter(header(sheet).index(column) + 1)
        assert sheet.column_dimensions[letter].number_format == "@"


def test_readme_explains_the_rules_and_the_import(template: Path) -> None:
    text = "\n".join(
        str(row[0]) for row in openpyxl.load_workbook(template)[README_SHEET].values if row[0]
    )
    for expected in (
        "bioris import deals.xlsx --store S",
        "One row per deal",
        "named in words",
        "millions of the row's currency",
        "YYYY, YYYY-MM or YYYY-MM-DD",
        "focal_role",
        "confidence: high",
        "Deals.upfront_m (optional)",
        "Actors.kind (required)",
    ):
        assert expected in text, expected


def test_refuses_to_overwrite_or_a_wrong_name(tmp_path: Path) -> None:
    path = tmp_path / "filled.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(BiorisError, match="already exists"):
        write_template(path)
    assert path.read_bytes() == b"precious"
    assert write_template(path, overwrite=True) == path
    assert openpyxl.load_workbook(path).sheetnames == SHEETS
    with pytest.raises(BiorisError, match=r"\.xlsx workbook"):
        write_template(tmp_path / "template.csv")
    with pytest.raises(BiorisError, match="cannot write the template"):
        write_template(tmp_path / "no" / "such" / "folder.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["filled.xlsx"]  # no temporary left


def test_a_filled_template_is_recognised_sheet_by_sheet(template: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template)

    def fill(title: str, **cells: object) -> None:
        sheet = book[title]
        names = header(sheet)
        sheet.append([cells.get(name) for name in names])

    fill("Actors", name="Genmab", kind="nbf", country="DK", region="DK-84", confidence="high")
    fill("Actors", name="Novo Nordisk", kind="pharma", country="DK", confidence="medium")
    fill(
        "Deals",
        year=2012,
        date="2012-03",
        nbf="Genmab",
        partner="Novo Nordisk",
        deal_type="licensing_out",
        stage_at_signing="preclinical",
        currency="EUR",
        upfront_m=12.5,
        total_m=40,
        source_url="https://example.org/deal",
        confidence="high",
    )
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    inputs, notes = recognise([filled])
    assert notes == [f"{filled}[README]: skipped: the sheet 'README' is not data"]
    found = {t.sheet: (f.label, [r.cells for r in t.rows]) for t, f in inputs}
    assert {sheet: label for sheet, (label, _) in found.items()} == LABELS
    assert len(found["Actors"][1]) == 2
    [deal] = found["Deals"][1]
    columns = [c.name for c in template_sheets()["Deals"]]
    row = dict(zip(columns, deal, strict=True))
    assert (row["date"], row["upfront_m"], row["total_m"]) == ("2012-03", "12.5", "40")
    assert found["Pipeline"][1] == found["Financials"][1] == []
