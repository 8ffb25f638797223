"""Tests for files from any country and workbooks of several sheets: separators, trailing empty
columns, read_tables and recognise (every sheet read, README and empty sheets noted)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from bioris.errors import BiorisError, ValidationError
from bioris.ingest.formats import recognise
from bioris.ingest.reader import Row, csv_delimiter, read_sheets, read_table, read_tables

DATA = Path(__file__).parent.parent / "data" / "reader"


@pytest.fixture
def in_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tests/data/reader so messages carry the bare file name, as a user would type it."""
    monkeypatch.chdir(DATA)


@pytest.fixture
def in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems(call, *args, **kwargs) -> list[str]:
    """The rendered problems of a read that must fail validation."""
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return [str(e) for e in info.value.errors]


def workbook(path: str, sheets: dict[str, list[list[object]]]) -> None:
    """Write a workbook with the given sheets (title -> rows), in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for values in rows:
            sheet.append(values)
    book.save(path)


FIRMS = [["name", "kind", "region"], ["Genmab", "nbf", "DK-84"], ["Novo Nordisk", "pharma", "DK"]]
DEALS = [
    ["year", "nbf", "partner", "deal_type"],
    [2012, "Genmab", "Novo Nordisk", "licensing_out"],
    [2015, "Genmab", "Novo Nordisk", "option"],
]


# --- CSV separators ------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_data")
def test_semicolon_file_with_bom_crlf_and_decimal_commas() -> None:
    raw = Path("semicolon_bom_crlf.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # guard against normalisation
    table = read_table("semicolon_bom_crlf.csv")
    assert table.header == (
        "year", "nbf", "partner", "deal_type", "currency", "upfront_m", "notes"
    )  # fmt: skip
    assert table.delimiter == ";"
    assert table.rows == (
        Row(2, ("2012", "Genmab", "Novo Nordisk; Eli Lilly", "licensing_out", "DKK", "12,5",
                "Bagsværd, Denmark")),
        Row(3, ("2015", "Genmab", "Novo Nordisk", "option", "EUR", "3", "")),
    )  # fmt: skip
    [(_, fmt)], _ = recognise(["semicolon_bom_crlf.csv"])
    assert fmt.label == "raw alliances"


@pytest.mark.usefixtures("in_data")
def test_tab_separated_file() -> None:
    table = read_table("tab.csv")
    assert (table.header, table.delimiter) == (("name", "kind", "region"), "\t")
    assert table.rows[1] == Row(3, ("Genmab", "nbf", "DK-84"))


@pytest.mark.usefixtures("in_data")
def test_comma_file_with_semicolons_in_quoted_cells_stays_comma() -> None:
    table = read_table("comma_quoted_semicolons.csv")
    assert (table.header, table.delimiter) == (("nbf", "partner", "deal_type", "notes"), ",")
    assert table.rows == (
        Row(2, ("Genmab", "Novo Nordisk; Eli Lilly", "licensing_out", "one; two; three")),
        Row(3, ("Ablynx", "Sanofi", "acquisition", "bought; 3,9 bn")),
    )


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("name,kind\nNovo,pharma\n", ","),
        ("name;kind\nNovo;pharma\n", ";"),
        ("name\tkind\nNovo\tpharma\n", "\t"),
        ("name\nNovo\n", ","),  # one column: nothing to tell, comma
        ("", ","),
        ("\n\n;;\nname;kind;region\n", ";"),  # blank and empty rows before the header
        ("name;kind;region\n", ";"),  # a header alone
        # a decimal comma in every row, the sniffer's trap: the header decides
        ("name;year;upfront_m\n" + "".join(f"F{i};2005;12,5\n" for i in range(12)), ";"),
        # unquoted semicolons in a comma file's notes
        ("name,kind,notes\nA,nbf,a; b\nB,nbf,c; d; e\n", ","),
        # the same separator count in every line, but the header has more comma columns
        ('name,kind,notes\nA,nbf,"x;y"\nB,nbf,"p;q"\n', ","),
    ],
)
def test_csv_delimiter(sample: str, expected: str) -> None:
    assert csv_delimiter(sample, whole=True) == expected


def test_csv_delimiter_ignores_a_cut_last_line() -> None:
    head = "name;kind;region\nNovo;pharma;DK\nGen,mab;nbf;DK-8"  # cut mid-record
    assert csv_delimiter(head) == ";"


@pytest.mark.usefixtures("in_tmp")
def test_quote_error_in_a_semicolon_file_is_located() -> None:
    Path("bad.csv").write_text('name;year;note\nRoche;"2005"x;ok\nAmgen;1980;"open\n')
    assert problems(read_table, "bad.csv") == [
        "bad.csv:2:2: text after the closing quote of a quoted field (year)",
        "bad.csv:3:3: unterminated quoted field (note)",
    ]


# --- trailing empty columns ---------------------------------------------------------------------


@pytest.mark.usefixtures("in_data")
def test_trailing_empty_header_columns_are_ignored() -> None:
    table = read_table("trailing_empty_columns.csv")
    assert table.header == ("name", "kind", "region")
    assert table.rows == (
        Row(2, ("Novo Nordisk", "pharma", "DK")),
        Row(3, ("Genmab", "nbf", "DK-84")),
    )


@pytest.mark.usefixtures("in_data")
def test_a_value_under_an_unnamed_trailing_column_is_located() -> None:
    assert problems(read_table, "value_under_unnamed_column.csv") == [
        "value_under_unnamed_column.csv:3:5: 'forgotten' is under a column with no name in "
        "the header"
    ]


@pytest.mark.usefixtures("in_tmp")
def test_trailing_empty_columns_bound_the_row_width() -> None:
    Path("t.csv").write_text("name,kind,,\nA,nbf\nB,nbf,\nC,nbf,,\nD,nbf,,,\nE\n")
    assert problems(read_table, "t.csv") == [
        "t.csv:5:0: row has 5 fields, header has 4",
        "t.csv:6:0: row has 1 fields, header has 2",
    ]
    Path("t.csv").write_text("name,kind,,\nA,nbf\nB,nbf,\nC,nbf,,\n")
    cells = [("A", "nbf"), ("B", "nbf"), ("C", "nbf")]
    assert [r.cells for r in read_table("t.csv").rows] == cells


@pytest.mark.usefixtures("in_tmp")
def test_a_blank_column_name_in_the_middle_stays_an_error() -> None:
    Path("m.csv").write_text("name,,kind,,\nA,x,nbf,,\n")
    assert problems(read_table, "m.csv") == ["m.csv:1:2: blank column name"]


@pytest.mark.usefixtures("in_tmp")
def test_xlsx_trailing_empty_columns_and_a_stray_value() -> None:
    rows = [["name", "kind", "region", None, ""], ["Genmab", "nbf", "DK-84", None, "  "]]
    workbook("ok.xlsx", {"Firms": rows})
    [table] = read_tables("ok.xlsx")
    assert table.header == ("name", "kind", "region")
    assert table.rows == (Row(2, ("Genmab", "nbf", "DK-84")),)
    workbook("stray.xlsx", {"Firms": [*rows, ["Novo", "pharma", "DK", None, "x"]]})
    assert problems(read_tables, "stray.xlsx") == [
        "stray.xlsx[Firms]:3:5: 'x' is under a column with no name in the header"
    ]


# --- read_tables: every sheet --------------------------------------------------------------------


@pytest.mark.usefixtures("in_tmp")
def test_every_sheet_of_a_workbook_is_a_table_named_file_and_sheet() -> None:
    workbook("deals.xlsx", {"Firms": FIRMS, "Empty": [], "Deals": DEALS})
    tables, notes = read_sheets("deals.xlsx")
    assert [(t.path, t.sheet, len(t.rows)) for t in tables] == [
        ("deals.xlsx[Firms]", "Firms", 2),
        ("deals.xlsx[Deals]", "Deals", 2),
    ]
    assert tables[1].rows[0] == Row(2, ("2012", "Genmab", "Novo Nordisk", "licensing_out"))
    assert notes == ["deals.xlsx[Empty]: skipped: the sheet is empty"]
    assert read_tables("deals.xlsx") == tables
    # read_table keeps reading the first sheet, named as the file
    assert read_table("deals.xlsx").path == "deals.xlsx"


@pytest.mark.usefixtures("in_tmp")
def test_a_csv_file_is_one_table_and_the_sheet_is_ignored() -> None:
    Path("firms.csv").write_text("name,kind\nGenmab,nbf\n")
    [table] = read_tables("firms.csv", sheet="Deals")
    assert (table.path, table.sheet, table.rows) == (
        "firms.csv",
        None,
        (Row(2, ("Genmab", "nbf")),),
    )


@pytest.mark.usefixtures("in_tmp")
def test_one_sheet_by_name() -> None:
    workbook("deals.xlsx", {"Firms": FIRMS, "Empty": [], "Deals": DEALS})
    [table] = read_tables("deals.xlsx", sheet="Deals")
    assert table.path == "deals.xlsx[Deals]"
    assert problems(read_tables, "deals.xlsx", sheet="Empty") == [
        "deals.xlsx[Empty]:1:0: the sheet is empty"
    ]


@pytest.mark.usefixtures("in_tmp")
def test_an_unknown_sheet_names_the_sheets_there() -> None:
    workbook("deals.xlsx", {"Firms": FIRMS, "Deals": DEALS})
    assert problems(read_tables, "deals.xlsx", sheet="Alliances") == [
        "deals.xlsx:1:0: no sheet named 'Alliances'; sheets are: Firms, Deals"
    ]
    with pytest.raises(BiorisError, match="no sheet named 'Alliances'; sheets are: Firms, Deals"):
        read_table("deals.xlsx", sheet="Alliances")


@pytest.mark.usefixtures("in_tmp")
def test_problems_of_every_sheet_come_together() -> None:
    bad_firms = [["name", "kind", "name"], ["Genmab", "nbf", "x"]]
    bad_deals = [*DEALS, [2016, "Genmab", "Novo Nordisk", "option", "extra"]]
    workbook("deals.xlsx", {"Firms": bad_firms, "Deals": bad_deals})
    assert problems(read_tables, "deals.xlsx") == [
        "deals.xlsx[Firms]:1:3: duplicate column name 'name' in columns 1 and 3",
        "deals.xlsx[Deals]:4:5: 'extra' is under a column with no name in the header",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_a_workbook_without_data() -> None:
    workbook("empty.xlsx", {"One": [], "Two": [[None, ""]]})
    assert problems(read_tables, "empty.xlsx") == [
        "empty.xlsx:1:0: the workbook has no sheet with data"
    ]


# --- recognise ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("in_tmp")
def test_firms_and_deals_workbook_gives_both_tables() -> None:
    workbook("deals.xlsx", {"Firms": FIRMS, "Deals": DEALS})
    inputs, notes = recognise(["deals.xlsx"])
    assert [(t.path, f.label, len(t.rows)) for t, f in inputs] == [
        ("deals.xlsx[Firms]", "raw actors", 2),
        ("deals.xlsx[Deals]", "raw alliances", 2),
    ]
    assert notes == []


@pytest.mark.usefixtures("in_tmp")
@pytest.mark.parametrize("title", ["README", "ReadMe", "readme"])
def test_readme_sheet_is_skipped_with_a_note(title: str) -> None:
    # free text that would be a bad table (duplicate "column names", wider rows) is not read
    instructions = [["How to", "How to"], ["fill", "this", "in"]]
    workbook("deals.xlsx", {title: instructions, "Deals": DEALS, "Blank": []})
    inputs, notes = recognise(["deals.xlsx"])
    assert [t.path for t, _ in inputs] == ["deals.xlsx[Deals]"]
    assert notes == [
        f"deals.xlsx[{title}]: skipped: the sheet {title!r} is not data",
        "deals.xlsx[Blank]: skipped: the sheet is empty",
    ]


@pytest.mark.usefixtures("in_tmp")
def test_a_sheet_matching_no_format_is_an_error_never_skipped() -> None:
    workbook("deals.xlsx", {"Firms": FIRMS, "Summary": [["total", "count"], [3, 2]]})
    [problem] = problems(recognise, ["deals.xlsx"])
    assert problem.startswith("deals.xlsx[Summary]:1:0: header matches no bioris format; ")
    assert problem.endswith("a sheet that is not data is skipped when named README")


@pytest.mark.usefixtures("in_tmp")
def test_recognise_collects_every_file_and_sheet() -> None:
    Path("firms.csv").write_text("name;kind;region\nGenmab;nbf;DK-84\n")
    Path("other.csv").write_text("title,count\nx,1\n")
    workbook("deals.xlsx", {"Deals": DEALS, "Firms": [["name", "kind", "colour"]]})
    found = problems(recognise, ["firms.csv", "other.csv", "deals.xlsx", "deals.xlsx"], sheet="X")
    assert found[0].startswith("other.csv:1:0: header matches no bioris format; closest is")
    assert "README" not in found[0]  # the hint is for sheets
    assert found[1:] == ["deals.xlsx:1:0: no sheet named 'X'; sheets are: Deals, Firms"] * 2
    assert problems(recognise, ["deals.xlsx"])[0].startswith(
        "deals.xlsx[Firms]:1:3: unknown column(s) colour for a raw actors file"
    )
    inputs, _ = recognise(["firms.csv", "deals.xlsx"], sheet="Deals")
    assert [(t.path, f.label) for t, f in inputs] == [
        ("firms.csv", "raw actors"),
        ("deals.xlsx[Deals]", "raw alliances"),
    ]


def test_raw_deals_accept_the_currency_columns() -> None:
    from bioris.ingest.formats import detect_format

    header = ("year", "nbf", "partner", "deal_type", "currency", "upfront_m", "milestones_m",
              "equity_m", "total_m", "upfront_musd", "upfront_meur")  # fmt: skip
    assert detect_format("deals.csv", header).label == "raw alliances"
