"""The bundled yearly exchange-rate table ``bioris/data/fx_rates.csv``."""

from __future__ import annotations

import csv
from importlib.resources import files

import pytest

HEADER = ["year", "currency", "units_per_eur", "basis", "source"]
YEARS = range(1987, 2021)
CURRENCIES = ("USD", "JPY", "GBP", "CHF", "DKK", "SEK")
# Rows FX_SOURCES.md lists as missing: none.
MISSING: set[tuple[int, str]] = set()


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
    expected = {(y, c) for y in YEARS for c in CURRENCIES} - MISSING
    assert set(keys) == expected


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
    ],
)
def test_known_values(year, currency, expected):
    assert _rates()[(year, currency)] == pytest.approx(expected, rel=0.005)
