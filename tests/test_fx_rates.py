"""The bundled yearly exchange-rate table ``bioris/data/fx_rates.csv``."""

from __future__ import annotations

import csv
from importlib.resources import files

import pytest

from bioris.data import fx_table

HEADER = ["year", "currency", "units_per_eur", "basis", "source"]
# The years of each currency, as FX_SOURCES.md lists them (only whole years the ECB quoted).
YEARS = {
    **{c: range(1987, 2026) for c in ("USD", "JPY", "GBP", "CHF", "DKK", "SEK")},
    **{c: range(1999, 2026) for c in ("NOK", "KRW", "CAD", "AUD")},
    "CNY": range(2006, 2026),
    "ISK": [*range(1999, 2008), *range(2019, 2026)],
}


def _load() -> tuple[list[str], list[dict[str, str]]]:
    path = files("bioris") / "data" / "fx_rates.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def _rates() -> dict[tuple[int, str], float]:
    _, rows = _load()
    return {(int(r["year"]), r["currency"]): float(r["units_per_eur"]) for r in rows}


def test_header():
    header, _ = _load()
    assert header == HEADER


def test_years_and_currencies_complete_and_unique():
    _, rows = _load()
    keys = [(int(r["year"]), r["currency"]) for r in rows]
    assert len(keys) == len(set(keys))
    expected = {(y, c) for c, years in YEARS.items() for y in years}
    assert set(keys) == expected
    assert len(keys) == 378  # the count FX_SOURCES.md gives


def test_sorted_by_year_then_currency():
    _, rows = _load()
    keys = [(int(r["year"]), r["currency"]) for r in rows]
    assert keys == sorted(keys)


def test_rates_positive_with_four_significant_digits():
    _, rows = _load()
    for r in rows:
        assert float(r["units_per_eur"]) > 0
        digits = r["units_per_eur"].replace(".", "").lstrip("0")
        assert len(digits) >= 4, r


def test_basis_and_source():
    _, rows = _load()
    for r in rows:
        assert r["basis"] == ("ECU" if int(r["year"]) < 1999 else "EUR"), r
        assert r["source"].strip(), r


@pytest.mark.parametrize(
    ("year", "currency", "expected"),
    [
        (1999, "USD", 1.0658),
        (2008, "USD", 1.4708),
        (2015, "USD", 1.1095),
        (2008, "JPY", 152.45),
        (2008, "GBP", 0.7963),
        (1990, "USD", 1.2734),
        # ECB annual averages of the euro reference rates
        (2021, "USD", 1.1827),
        (2022, "USD", 1.0530),
        (2023, "USD", 1.0813),
        (2024, "USD", 1.0824),
        (2025, "USD", 1.1300),
    ],
)
def test_known_values(year, currency, expected):
    assert _rates()[(year, currency)] == pytest.approx(expected, rel=0.005)


@pytest.mark.parametrize(
    ("currency", "start", "end", "change_percent"),
    [
        # Eurostat, Statistics Explained "Exchange rates and interest rates" (ert_bil_eur_a):
        # how much the euro moved against a currency between two years' averages
        ("CNY", 2014, 2024, -4.9),
        ("USD", 2014, 2024, -18.5),
        ("CHF", 2014, 2024, -21.6),
        ("CNY", 2013, 2023, -6.2),
        ("USD", 2013, 2023, -18.6),
        ("CHF", 2013, 2023, -21.1),
        ("SEK", 2013, 2023, 32.7),
        ("DKK", 2013, 2023, -0.1),
        ("CNY", 2012, 2022, -12.7),
        ("USD", 2012, 2022, -18.0),
        ("CHF", 2012, 2022, -16.6),
    ],
)
def test_changes_published_by_eurostat(currency, start, end, change_percent):
    rates = _rates()
    change = (rates[(end, currency)] / rates[(start, currency)] - 1) * 100
    assert round(change, 1) == change_percent


def test_ecb_rows_have_six_significant_digits():
    _, rows = _load()
    for r in rows:
        if r["basis"] == "EUR":
            digits = r["units_per_eur"].replace(".", "").lstrip("0")
            assert len(digits) == 6, r


def test_fx_table_loads_every_row():
    table = fx_table()
    assert len(table.rates) == 378
    assert table.to_eur(108.127, "USD", 2023) == pytest.approx(100.0, rel=1e-5)
    assert table.to_eur(10.0, "NOK", 2008) is not None
    assert table.to_eur(10.0, "ISK", 2012) is None  # the ECB did not quote ISK then
