"""Tests for the structural reader: good files, every kind of bad file, and the limits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bioris.errors import BiorisError, EncodingError, LimitExceeded, ValidationError
from bioris.ingest.reader import Row, Table, read_table

DATA = Path(__file__).parent.parent / "data" / "reader"


@pytest.fixture
def in_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tests/data/reader so messages carry the bare file name, as a user would type it."""
    monkeypatch.chdir(DATA)


@pytest.fixture
def in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(name: str, **kwargs: str) -> list[str]:
    """The rendered problems of a file that must fail validation."""
    with pytest.raises(ValidationError) as info:
        read_table(name, **kwargs)
    return [str(e) for e in info.value.errors]


# --- good files ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_data")
def test_bom_crlf_and_quoted_fields() -> None:
    raw = Path("bom_crlf.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # guard against normalisation
    table = read_table("bom_crlf.csv")
    assert table == Table(
        path="bom_crlf.csv",
        header=("name", "year", "note"),
        rows=(
            Row(2, ("Roche", "2005", "Basel, CH")),
            Row(3, ('Genentech "GNE"', "1990", "two\r\nlines")),
            Row(5, ("Novartis", "1996", "")),
        ),
        delimiter=",",
    )


@pytest.mark.usefixtures("in_data")
def test_header_only_gives_no_rows() -> None:
    table = read_table(Path("header_only.csv"))
    assert table.header == ("name", "year")
    assert table.rows == ()
    assert table.path == "header_only.csv"


@pytest.mark.usefixtures("in_data")
def test_blank_lines_and_empty_rows_are_skipped_keeping_line_numbers() -> None:
    table = read_table("blank_lines.csv")
    assert table.rows == (Row(3, ("Roche", "2005")), Row(6, ("Novartis", "1996")))


@pytest.mark.usefixtures("in_data")
def test_column_lookup() -> None:
    table = read_table("bom_crlf.csv")
    assert table.column("year") == 1
    assert table.column(" Note ") == 2
    with pytest.raises(KeyError, match="no column 'amount'"):
        table.column("amount")


@pytest.mark.usefixtures("in_data")
def test_explicit_encoding() -> None:
    table = read_table("cp1252.csv", encoding="cp1252")
    assert table.rows[-1] == Row(3, ("Café AG", "Zürich"))
    assert read_table("utf16.csv", encoding="utf-16").rows == (Row(2, ("Roche", "Zürich")),)


def test_explicit_utf8_still_drops_bom() -> None:
    assert read_table(DATA / "bom_crlf.csv", encoding="UTF8").header[0] == "name"


NAMES = st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True), min_size=1, max_size=4, unique=True)
CELL = st.text(alphabet='ab ,"\r\n\u00e9', max_size=8)
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(header=NAMES, data=st.data(), terminator=st.sampled_from(["\n", "\r\n"]))
def test_round_trip_with_physical_line_numbers(
    tmp_path: Path, header: list[str], data: st.DataObject, terminator: str
) -> None:
    rows = data.draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header))))
    out = io.StringIO()
    # Python 3.11's writer leaves a lone CR unquoted when the terminator is LF: bad CSV.
    quoting = csv.QUOTE_MINIMAL if terminator == "\r\n" else csv.QUOTE_ALL
    writer = csv.writer(out, lineterminator=terminator, quoting=quoting)
    writer.writerow(header)
    expected = []
    for cells in rows:
        line = 1 + len(re.findall(r"\r\n|\r|\n", out.getvalue()))
        writer.writerow(cells)
        if any(c.strip() for c in cells):
            expected.append(Row(line, tuple(c.strip() for c in cells)))
    (tmp_path / "t.csv").write_text(out.getvalue(), newline="")
    table = read_table(tmp_path / "t.csv")
    assert table.header == tuple(header)
    assert table.rows == tuple(expected)


@FUZZ
@given(text=st.text(alphabet='ab ,"\r\n\x00\u00e9', max_size=40))
def test_any_text_gives_a_table_or_a_bioris_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "t.csv").write_text(text, newline="")
    try:
        table = read_table(tmp_path / "t.csv")
    except BiorisError:
        return
    assert all(len(row.cells) == len(table.header) for row in table.rows)


# --- missing, wrong kind, empty, binary ----------------------------------------------------------


@pytest.mark.usefixtures("in_tmp")
def test_missing_file_and_directory() -> None:
    with pytest.raises(BiorisError, match=r"^nope\.csv: no such file$"):
        read_table("nope.csv")
    Path("folder.csv").mkdir()
    with pytest.raises(BiorisError, match=r"^folder\.csv: is a directory"):
        read_table("folder.csv")


@pytest.mark.usefixtures("in_data")
def test_unsupported_extension() -> None:
    with pytest.raises(BiorisError, match=r"unsupported file type \.txt; bioris reads"):
        read_table("unsupported.txt")


@pytest.mark.usefixtures("in_data")
@pytest.mark.parametrize(
    "name", ["empty.csv", "whitespace_only.csv", "bom_only.csv", "not_a_workbook.xlsx"]
)
def test_empty_or_fake_files(name: str) -> None:
    expected = "file is empty" if name != "not_a_workbook.xlsx" else "is not an XLSX workbook"
    [problem] = problems(name)
    assert problem.startswith(f"{name}:1:0: {expected}")


@pytest.mark.usefixtures("in_tmp")
def test_binary_file() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00"
    Path("picture.csv").write_bytes(png * 20)
    assert problems("picture.csv") == ["picture.csv:1:0: looks like binary data, not CSV"]


@pytest.mark.usefixtures("in_tmp")
def test_stray_nul_byte_is_located() -> None:
    Path("nul.csv").write_bytes(b"name,note\nRoche,a fine note\nGenentech,bad\x00note\n")
    assert problems("nul.csv") == [
        "nul.csv:3:2: NUL byte in field; this looks like binary data (note)"
    ]


@pytest.mark.usefixtures("in_tmp")
def test_zip_that_is_not_a_workbook() -> None:
    with zipfile.ZipFile("archive.xlsx", "w") as archive:
        archive.writestr("readme.txt", "hello")
    [problem] = problems("archive.xlsx")
    assert problem.startswith("archive.xlsx:1:0: not a readable XLSX workbook")


# --- limits --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_tmp")
def test_file_size_limit_checked_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIORIS_MAX_IMPORT_MB", "1")
    Path("big.csv").write_bytes(b"\x00" * 1_250_000)  # binary too: reading it would say so
    with pytest.raises(LimitExceeded) as info:
        read_table("big.csv")
    assert str(info.value) == (
        "big.csv: 1.2 MB is over max_import_mb=1 (set BIORIS_MAX_IMPORT_MB to raise it)"
    )


@pytest.mark.usefixtures("in_data")
def test_field_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIORIS_MAX_FIELD_CHARS", "10")
    with pytest.raises(LimitExceeded) as info:
        read_table("long_field.csv")
    assert str(info.value) == (
        "long_field.csv:3:2: field has 17 characters; over max_field_chars=10 "
        "(set BIORIS_MAX_FIELD_CHARS to raise it)"
    )


@pytest.mark.usefixtures("in_tmp")
def test_field_limit_speaks_before_the_csv_module(monkeypatch: pytest.MonkeyPatch) -> None:
    csv_default = csv.field_size_limit()
    Path("huge.csv").write_text(f'name,note\nRoche,"{"x" * 200_000}"\n')
    with pytest.raises(LimitExceeded, match=r"^huge\.csv:2:2: field has 200000 characters"):
        read_table("huge.csv")
    monkeypatch.setenv("BIORIS_MAX_FIELD_CHARS", "250000")
    assert len(read_table("huge.csv").rows[0].cells[1]) == 200_000
    assert csv.field_size_limit() == csv_default  # restored


@pytest.mark.usefixtures("in_data")
def test_row_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIORIS_MAX_IMPORT_ROWS", "5")
    assert len(read_table("five_rows.csv").rows) == 5
    monkeypatch.setenv("BIORIS_MAX_IMPORT_ROWS", "3")
    with pytest.raises(LimitExceeded) as info:
        read_table("five_rows.csv")
    assert str(info.value) == (
        "five_rows.csv:5:0: more than 3 data rows; over max_import_rows=3 "
        "(set BIORIS_MAX_IMPORT_ROWS to raise it)"
    )


@pytest.mark.usefixtures("in_tmp")
def test_row_limit_stops_streaming_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # A quote left open at the end would be reported if the reader went on to the end.
    monkeypatch.setenv("BIORIS_MAX_IMPORT_ROWS", "2")
    Path("long.csv").write_text("name\n" + "x\n" * 1000 + '"open\n')
    with pytest.raises(LimitExceeded, match=r"^long\.csv:4:0: more than 2 data rows"):
        read_table("long.csv")


# --- header, ragged rows, quoting, line numbers -------------------------------------------------


@pytest.mark.usefixtures("in_data")
def test_duplicate_and_blank_column_names() -> None:
    assert problems("duplicate_header.csv") == [
        "duplicate_header.csv:1:3: duplicate column name 'name' in columns 1 and 3"
    ]
    assert problems("blank_header.csv") == ["blank_header.csv:1:2: blank column name"]


@pytest.mark.usefixtures("in_data")
def test_ragged_rows_are_all_reported_after_an_embedded_newline() -> None:
    assert problems("ragged.csv") == [
        "ragged.csv:2:0: row has 2 fields, header has 3",
        "ragged.csv:5:0: row has 4 fields, header has 3",
    ]


@pytest.mark.usefixtures("in_data")
def test_unterminated_quote_points_where_it_opened() -> None:
    assert problems("unterminated_quote.csv") == [
        "unterminated_quote.csv:3:2: unterminated quoted field (year)"
    ]
    # The record starts on line 2; its second field spans lines 2-3; the bad quote opens on 3.
    assert problems("unterminated_after_multiline.csv") == [
        "unterminated_after_multiline.csv:3:3: unterminated quoted field (other)"
    ]


@pytest.mark.usefixtures("in_data")
def test_text_after_closing_quote_and_reading_goes_on() -> None:
    assert problems("text_after_quote.csv") == [
        "text_after_quote.csv:2:2: text after the closing quote of a quoted field (year)",
        "text_after_quote.csv:3:0: row has 2 fields, header has 3",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_errors_are_capped_in_the_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIORIS_MAX_REPORTED_ERRORS", "2")
    Path("bad.csv").write_text("a,b\n1\n2\n3\n")
    with pytest.raises(ValidationError) as info:
        read_table("bad.csv")
    assert len(info.value.errors) == 3
    assert str(info.value).endswith(
        "bad.csv:3:0: row has 1 fields, header has 2\n... and 1 more problem(s)"
    )


# --- encodings -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_data")
def test_not_utf8_names_line_column_and_the_fix() -> None:
    with pytest.raises(EncodingError) as info:
        read_table("cp1252.csv")
    assert str(info.value) == (
        "cp1252.csv:3:4: byte 0xE9 is not valid UTF-8; "
        "pass --encoding (e.g. --encoding cp1252 or latin-1) to read it"
    )


@pytest.mark.usefixtures("in_tmp")
def test_bad_byte_far_in_after_multiline_record() -> None:
    # Past the first decoded chunk, and after a record that spans two lines.
    body = "name,note\n" + "Roche,fine\n" * 2000 + 'Genentech,"two\r\nlines"\n'
    Path("late.csv").write_bytes(body.encode() + b"Nestl\xe9,x\n")
    with pytest.raises(EncodingError, match=r"^late\.csv:2004:6: byte 0xE9 is not valid UTF-8"):
        read_table("late.csv")


@pytest.mark.usefixtures("in_data")
def test_given_encoding_is_strict() -> None:
    with pytest.raises(EncodingError, match=r"^cp1252\.csv:3:4: byte 0xE9 is not valid ascii"):
        read_table("cp1252.csv", encoding="ascii")


@pytest.mark.usefixtures("in_data")
def test_utf16_without_encoding_and_unknown_encoding() -> None:
    with pytest.raises(EncodingError, match="pass --encoding utf-16"):
        read_table("utf16.csv")
    with pytest.raises(BiorisError, match="unknown encoding 'klingon'"):
        read_table("cp1252.csv", encoding="klingon")


# --- XLSX ----------------------------------------------------------------------------------------

CSV_TWIN = (
    "Name,Year,Amount,Signed,Note\n"
    "Roche,2005,12.5,2005-03-01,\n"
    "Genentech,1990,3,1990-12-31 10:30:00,ok\n"
    ",,,,\n"
    "Novartis,,0.25,,\n"
)


def make_workbook(path: Path) -> None:
    """The same content as CSV_TWIN: ints, floats, dates, empty cells, trailing empties."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Year", "Amount", "Signed", " Note "])
    sheet.append(["Roche", 2005, 12.5, dt.date(2005, 3, 1)])
    sheet.append(["Genentech", 1990.0, 3, dt.datetime(1990, 12, 31, 10, 30), "ok"])
    sheet.append([])
    sheet.append(["Novartis", None, 0.25, None, "  "])
    sheet.cell(row=9, column=12).number_format = "0.00"  # a formatted but empty trailing cell
    workbook.create_sheet("Other").append(["only", "here"])
    workbook.save(path)


@pytest.mark.usefixtures("in_tmp")
def test_xlsx_round_trip_matches_csv() -> None:
    make_workbook(Path("deals.xlsx"))
    Path("deals.csv").write_text(CSV_TWIN)
    from_xlsx, from_csv = read_table("deals.xlsx"), read_table("deals.csv")
    assert from_xlsx.header == from_csv.header == ("name", "year", "amount", "signed", "note")
    assert from_xlsx.rows == from_csv.rows
    assert from_xlsx.rows[1] == Row(3, ("Genentech", "1990", "3", "1990-12-31 10:30:00", "ok"))


@pytest.mark.usefixtures("in_tmp")
def test_xlsx_detected_by_content_and_sheet_choice() -> None:
    make_workbook(Path("renamed.csv"))
    assert read_table("renamed.csv").header[0] == "name"
    assert read_table("renamed.csv", sheet="Other").header == ("only", "here")
    with pytest.raises(BiorisError, match="no sheet named 'Deals'; sheets are: Sheet, Other"):
        read_table("renamed.csv", sheet="Deals")


@pytest.mark.usefixtures("in_tmp")
def test_xlsx_structural_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in (["Name", "Year", "name"], ["Roche", 2005, "x", "extra"], ["Amgen"]):
        sheet.append(values)
    workbook.save("bad.xlsx")
    assert problems("bad.xlsx") == [
        "bad.xlsx:1:3: duplicate column name 'name' in columns 1 and 3",
        "bad.xlsx:2:4: 'extra' is under a column with no name in the header",
    ]
    monkeypatch.setenv("BIORIS_MAX_IMPORT_ROWS", "1")
    with pytest.raises(LimitExceeded, match=r"^bad\.xlsx:3:0: more than 1 data rows"):
        read_table("bad.xlsx")
