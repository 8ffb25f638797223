"""Issue #12's "done when": a messy Danish-Swedish workbook ends in the store the user meant.

Through the command line, as a user types it: a Firms + Deals workbook (A/S and AB (publ)
names, DKK and SEK amounts, a financier whose name shares a word with a pharma company), a
semicolon-separated CSV (the Danish Excel default), a correction re-import, a wrong row
deleted, an import undone (the store equal to before, table by table), the history, the
template, exchange rates of one's own, another store merged, and the store named on stderr.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from bioris.cli import app
from bioris.store.migrations import TRACKED

runner = CliRunner()

FIRMS = [
    ("name", "aliases", "kind", "country", "city"),
    ("Genmab A/S", "", "nbf", "DK", "Copenhagen"),
    ("H. Lundbeck A/S", "Lundbeck", "pharma", "DK", "Valby"),
    ("Novo Nordisk A/S", "Novo", "pharma", "DK", "Bagsværd"),
    ("Novo Holdings A/S", "", "financier", "DK", "Hellerup"),
    ("BioInvent International AB (publ)", "BioInvent", "nbf", "SE", "Lund"),
    ("AbbVie Inc.", "", "pharma", "US", ""),
    ("Orexo AB", "", "nbf", "SE", "Uppsala"),
]
DEALS = [
    ("year", "date", "nbf", "partner", "deal_type", "currency", "upfront_m", "equity_m", "notes"),
    (2023, "2023-06-01", "Genmab", "AbbVie", "licensing_out", "USD", 750, None, ""),
    (2021, "2021-03-10", "BioInvent", "Novo Holdings", "equity_investment", "SEK", None, 250, ""),
    (2022, "2022-11-02", "Orexo", "Lundbeck", "co_development", "DKK", 40, None, "wrong row"),
]
SEMICOLON = (
    "year;date;nbf;partner;deal_type;currency;upfront_m;notes\n"
    "2024;2024-02-01;Genmab A/S;Novo Nordisk;research_collaboration;DKK;112,5;\n"
)


def run(*args: object) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], env={"BIORIS_STORE": None,
                                                            "COLUMNS": "250"})  # fmt: skip
    return result.exit_code, result.stdout, result.stderr


def snapshot(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall()
                for t in TRACKED}  # fmt: skip
    finally:
        conn.close()


def workbook(path: Path) -> Path:
    book = Workbook()
    firms = book.active
    firms.title = "Firms"
    for row in FIRMS:
        firms.append(list(row))
    deals = book.create_sheet("Deals")
    for row in DEALS:
        deals.append(list(row))
    book.save(path)
    return path


def deals_of(store: Path) -> list[dict]:
    code, out, err = run("alliances", "--store", store, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "nordic.sqlite"
    assert run("init", "--store", path, "--empty")[0] == 0
    return path


def test_a_messy_nordic_workbook_ends_in_the_store_the_user_meant(store: Path, tmp_path: Path):
    code, out, err = run("import", workbook(tmp_path / "nordic.xlsx"), "--store", store)
    assert code == 0, err
    assert "nordic.xlsx[Firms]: raw actors, 7 rows" in out
    assert "nordic.xlsx[Deals]: raw alliances, 3 rows" in out
    code, out, err = run("actors", "--store", store, "--json")
    kinds = {a["name"]: a["kind"] for a in json.loads(out)}
    assert len(kinds) == 7  # Novo Holdings is not merged into Novo Nordisk
    assert kinds["Novo Holdings A/S"] == "financier" and kinds["Novo Nordisk A/S"] == "pharma"
    deals = {d["date"]: d for d in deals_of(store)}
    assert deals["2021-03-10"]["parties"] == ["BioInvent International AB (publ)",
                                              "Novo Holdings A/S"] or "Novo Holdings A/S" in (
        deals["2021-03-10"]["parties"])  # fmt: skip

    semicolon = tmp_path / "more.csv"
    semicolon.write_text(SEMICOLON, encoding="utf-8")
    code, out, err = run("import", semicolon, "--store", store)
    assert code == 0, err
    assert "more.csv: raw alliances, 1 rows" in out

    before_correction = snapshot(store)
    fix = tmp_path / "fix.csv"
    fix.write_text("year,date,nbf,partner,deal_type,currency,upfront_m\n"
                   "2023,2023-06-01,Genmab A/S,AbbVie,licensing_out,USD,800\n")  # fmt: skip
    code, out, err = run("import", fix, "--store", store)
    assert code == 0, err
    assert "terms.upfront: 750 USD -> 800 USD" in out
    assert len(deals_of(store)) == 4  # corrected, not a second deal

    wrong = next(d for d in deals_of(store) if d["date"] == "2022-11-02")
    code, out, err = run("alliances", "delete", wrong["alliance_id"], "--store", store)
    assert code == 0, err
    assert "delete deal" in out
    assert len(deals_of(store)) == 3

    code, out, err = run("history", "--store", store, "--json")
    history = json.loads(out)
    assert [h["action"] for h in history] == ["import", "import", "import", "alliances delete"]
    assert "fix.csv" in history[2]["what"] and "sha256" in history[2]["what"]

    assert run("undo", "--store", store)[0] == 0  # the deletion
    code, out, err = run("undo", "--store", store)  # the correction
    assert code == 0, err
    assert "undid change 3" in out
    assert snapshot(store) == before_correction


def test_amounts_in_any_currency_and_rates_of_ones_own(store: Path, tmp_path: Path):
    assert run("import", workbook(tmp_path / "nordic.xlsx"), "--store", store)[0] == 0
    deals = {d["date"]: d for d in deals_of(store)}
    assert deals["2022-11-02"]["upfront_eur"] == pytest.approx(40 / 7.43955, rel=1e-3)
    late = tmp_path / "late.csv"
    late.write_text("year,date,nbf,partner,deal_type,currency,upfront_m\n"
                    "2026,2026-01-05,Orexo,Lundbeck,licensing_out,DKK,10\n")  # fmt: skip
    code, out, err = run("import", late, "--store", store)
    assert code == 0 and "no exchange rate" in err and "2026 DKK 10.0M upfront" in err
    rates = tmp_path / "rates.csv"
    rates.write_text("year,currency,units_per_eur,source\n2026,DKK,7.46,my bank\n")
    code, out, err = run("fx", "import", rates, "--store", store)
    assert code == 0, err
    assert "add exchange rate 2026 DKK" in out and "terms.upfront" in out
    deals = {d["date"]: d for d in deals_of(store)}
    assert deals["2026-01-05"]["upfront_eur"] == pytest.approx(10 / 7.46)
    assert json.loads(run("fx", "show", "--store", store, "--json")[1])[0]["source"] == "my bank"


def test_the_template_imports_sheet_by_sheet(store: Path, tmp_path: Path):
    path = tmp_path / "deals.xlsx"
    code, _out, _ = run("template", "--out", path)
    assert code == 0 and path.exists()
    assert run("template", "--out", path)[0] == 1  # never over a file
    book = load_workbook(path)
    assert book.sheetnames[0] == "README"
    for title, rows in (("Actors", FIRMS), ("Deals", DEALS)):
        sheet = next(s for s in book.worksheets if s.title.lower().startswith(title.lower()))
        header = [c.value for c in sheet[1]]
        for row in rows[1:]:
            values = dict(zip(rows[0], row, strict=True))
            sheet.append([values.get(column) for column in header])
    book.save(path)
    code, _out, err = run("import", path, "--store", store)
    assert code == 0, err
    assert "skipped" in err and "README" in err
    assert len(deals_of(store)) == 3


def test_commands_without_store_name_the_store_they_use(tmp_path: Path):
    path = tmp_path / "env.sqlite"
    assert run("init", "--store", path, "--empty")[0] == 0
    result = runner.invoke(app, ["actors"], env={"BIORIS_STORE": str(path)})
    assert result.exit_code == 0
    assert f"note: using {path} ($BIORIS_STORE" in result.stderr
    result = runner.invoke(app, ["actors", "--store", str(path)], env={"BIORIS_STORE": None})
    assert "note: using" not in result.stderr


def test_edit_merge_delete_actors(store: Path, tmp_path: Path):
    assert run("import", workbook(tmp_path / "nordic.xlsx"), "--store", store)[0] == 0
    code, out, err = run("actors", "edit", "Orexo", "--set", "founded=1995", "--set",
                         "kind=pharma", "--store", store)  # fmt: skip
    assert code == 0, err
    assert "founded: (empty) -> 1995" in out and "kind: nbf -> pharma" in out
    code, _, err = run("actors", "edit", "Orexo", "--set", "founded=ninety", "--store", store)
    assert code == 1 and "founded: 'ninety' is not a year" in err
    code, _, err = run("actors", "delete", "AbbVie", "--store", store)
    assert code == 1 and "is named by deal" in err
    code, out, err = run("actors", "merge", "Novo Nordisk", "Novo Holdings", "--store", store)
    assert code == 0, err
    assert "delete actor Novo Holdings A/S" in out
    code, out, _ = run("actors", "--store", store, "--json")
    assert "Novo Holdings A/S" not in {a["name"] for a in json.loads(out)}
    assert run("undo", "--store", store)[0] == 0
    code, out, _ = run("actors", "--store", store, "--json")
    assert "Novo Holdings A/S" in {a["name"] for a in json.loads(out)}
