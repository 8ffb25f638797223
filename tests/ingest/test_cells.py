"""Typed cell access: every conversion, and the located error each bad value records."""

from __future__ import annotations

import pytest

from bioris.domain import Confidence, DealType, Stage
from bioris.errors import RowError
from bioris.ingest.cells import Cells, ParsedDate, latest_year
from bioris.ingest.reader import Row, Table

HEADER = ("name", "value", "other")


def cells_of(value: str, *, line: int = 7, overrides: dict[str, str] | None = None) -> Cells:
    """A row of file ``t.csv`` at ``line`` whose ``value`` cell (column 2) holds ``value``."""
    table = Table("t.csv", HEADER, (Row(line, ("x", value, "")),))
    return Cells(table, table.rows[0], [], overrides or {})


def only_error(cells: Cells) -> RowError:
    assert len(cells.errors) == 1, cells.errors
    return cells.errors[0]


# --- text ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Galapagos", "Galapagos"),
        ("  padded  ", "padded"),
        ("", None),
        ("   ", None),
        ('\'=HYPERLINK("x")', '=HYPERLINK("x")'),  # the export's neutralising is undone
        ("'+32 2 555", "+32 2 555"),
        ("'-5% royalty", "-5% royalty"),
        ("'@home", "@home"),
        ("'quoted'", "'quoted'"),  # a quote before anything else is kept
        ("'", "'"),
        ("=1+1", "=1+1"),  # an un-neutralised formula is read as text, not evaluated
    ],
)
def test_text(raw: str, text: str | None) -> None:
    cells = cells_of(raw)
    assert cells.text("value") == text
    assert cells.errors == []


def test_text_of_absent_column_is_none() -> None:
    assert cells_of("x").text("missing") is None


def test_override_wins_over_cell_and_absent_column() -> None:
    cells = cells_of("old", overrides={"value": " new ", "focal_role": "acquirer"})
    assert cells.text("value") == "new"
    assert cells.text("focal_role") == "acquirer"


def test_required_empty_is_located_error() -> None:
    cells = cells_of("  ", line=12)
    assert cells.required("value") is None
    assert only_error(cells) == RowError("t.csv", 12, 2, "is empty but required", "value")


def test_error_on_absent_column_is_whole_row() -> None:
    cells = cells_of("x")
    cells.error("nowhere", "bad")
    assert only_error(cells) == RowError("t.csv", 7, 0, "bad", "nowhere")


# --- years ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "year"), [("2005", 2005), ("2005.0", 2005), ("1900", 1900), ("", None)]
)
def test_year(raw: str, year: int | None) -> None:
    cells = cells_of(raw)
    assert cells.year("value") == year
    assert cells.errors == []


def test_latest_year_is_next_year() -> None:
    cells = cells_of(str(latest_year()))
    assert cells.year("value") == latest_year()
    assert cells.errors == []


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("05", ["'05' is not a year"]),
        ("2005.5", ["'2005.5' is not a year"]),
        ("MMV", ["'MMV' is not a year"]),
        ("1899", ["year 1899 is outside 1900-"]),
        ("NEXT+1", ["is outside 1900-"]),
    ],
)
def test_bad_year(raw: str, words: list[str]) -> None:
    raw = raw.replace("NEXT+1", str(latest_year() + 1))
    cells = cells_of(raw, line=3)
    assert cells.year("value") is None
    error = only_error(cells)
    assert (error.file, error.line, error.column, error.field) == ("t.csv", 3, 2, "value")
    assert all(w in error.message for w in words), error.message


def test_year_with_own_earliest_for_founding() -> None:
    cells = cells_of("1425")
    assert cells.year("value", earliest=1000) == 1425
    assert cells.year("value") is None
    assert "outside 1900-" in only_error(cells).message


# --- amounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("12", 12.0),
        ("12.5", 12.5),
        ("0", 0.0),
        (".5", 0.5),
        ("1,250", 1250.0),
        ("1,250.75", 1250.75),
        ("1e3", 1000.0),
        ("1e-09", 1e-09),
        ("+7", 7.0),
        ("", None),
    ],
)
def test_amount(raw: str, amount: float | None) -> None:
    cells = cells_of(raw)
    assert cells.amount("value") == amount
    assert cells.errors == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12M", "'12M' is not a number"),
        ("abc", "'abc' is not a number"),
        ("USD 5", "'USD 5' is not a number"),
        ("1,2", "'1,2' is not a number"),
        ("inf", "'inf' is not a number"),
        ("nan", "'nan' is not a number"),
        ("1e999", "'1e999' is not a number"),
        ("-3", "amount -3 is negative"),
        ("-0.5", "amount -0.5 is negative"),
    ],
)
def test_bad_amount(raw: str, message: str) -> None:
    cells = cells_of(raw, line=9)
    assert cells.amount("value") is None
    assert only_error(cells) == RowError("t.csv", 9, 2, message, "value")


# --- flags and vocabularies ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "flag"),
    [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("false", False),
     ("FALSE", False), ("0", False), ("no", False), ("", None)],
)  # fmt: skip
def test_flag(raw: str, flag: bool | None) -> None:
    cells = cells_of(raw)
    assert cells.flag("value") is flag
    assert cells.errors == []


def test_bad_flag() -> None:
    cells = cells_of("maybe")
    assert cells.flag("value") is None
    assert only_error(cells) == RowError("t.csv", 7, 2, "'maybe' is not true or false", "value")


@pytest.mark.parametrize(
    ("raw", "member"),
    [
        ("licensing_out", DealType.LICENSING_OUT),
        ("Licensing Out", DealType.LICENSING_OUT),
        ("licensing-out", DealType.LICENSING_OUT),
        (" GRANT ", DealType.GRANT),
    ],
)
def test_member(raw: str, member: DealType) -> None:
    cells = cells_of(raw)
    assert cells.member("value", DealType) is member
    assert cells.errors == []


@pytest.mark.parametrize(
    ("enum", "raw", "allowed"),
    [
        (DealType, "merger", [m.value for m in DealType]),
        (Stage, "phase 2b", [m.value for m in Stage]),
        (Confidence, "certain", ["high", "medium", "unsourced"]),
    ],
)
def test_bad_member_lists_allowed_values(enum: type, raw: str, allowed: list[str]) -> None:
    cells = cells_of(raw)
    assert cells.member("value", enum) is None
    error = only_error(cells)
    assert (error.line, error.column) == (7, 2)
    assert error.message == f"{raw!r} is not one of: {', '.join(allowed)}"


def test_member_required_and_optional() -> None:
    cells = cells_of("")
    assert cells.member("value", Stage, required=False) is None
    assert cells.errors == []
    assert cells.member("value", Stage) is None
    assert only_error(cells).message == "is empty but required"


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("2005", ParsedDate(2005, "2005")),
        ("2005-07", ParsedDate(2005, "2005-07")),
        ("2005-7", ParsedDate(2005, "2005-07")),
        ("2016-02-29", ParsedDate(2016, "2016-02-29")),
        ("2016-2-3", ParsedDate(2016, "2016-02-03")),
        ("", None),
    ],
)
def test_date(raw: str, parsed: ParsedDate | None) -> None:
    cells = cells_of(raw)
    assert cells.date("value") == parsed
    assert cells.errors == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2017-02-30", "'2017-02-30' is not a real date"),
        ("2017-02-29", "'2017-02-29' is not a real date"),
        ("2017-13", "'2017-13' is not a real date"),
        ("05/07/2016", "'05/07/2016' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("July 2016", "'July 2016' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("2016-07-05T10:00", "'2016-07-05T10:00' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        ("1899-12-31", "year 1899 is outside 1900-"),
    ],
)
def test_bad_date(raw: str, message: str) -> None:
    cells = cells_of(raw, line=4)
    assert cells.date("value") is None
    error = only_error(cells)
    assert (error.file, error.line, error.column, error.field) == ("t.csv", 4, 2, "value")
    assert error.message.startswith(message), error.message


@pytest.mark.parametrize("raw", ["2017-00", "2017-01-00", "2017-00-05"])
def test_zero_month_or_day_is_not_a_real_date(raw: str) -> None:
    cells = cells_of(raw)
    assert cells.date("value") is None
    assert only_error(cells).message == f"{raw!r} is not a real date"


def test_date_after_next_year_is_refused() -> None:
    cells = cells_of(f"{latest_year() + 1}-01-01")
    assert cells.date("value") is None
    assert only_error(cells).message == f"year {latest_year() + 1} is outside 1900-{latest_year()}"


def test_every_problem_of_a_row_is_kept() -> None:
    table = Table("t.csv", ("a", "b", "c"), (Row(5, ("x", "-1", "2017-02-30")),))
    cells = Cells(table, table.rows[0], [])
    cells.amount("a")
    cells.amount("b")
    cells.date("c")
    assert [(e.line, e.column, e.field) for e in cells.errors] == [
        (5, 1, "a"),
        (5, 2, "b"),
        (5, 3, "c"),
    ]
