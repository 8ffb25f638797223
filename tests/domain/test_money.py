"""Money, currency codes, the rate table's lookups and the list of amounts without a euro
value."""

from __future__ import annotations

import pytest

from bioris.domain import Alliance, DealType, FinancialRecord, FxTable, Money, SourceKind, Terms
from bioris.domain.money import (
    CURRENCIES,
    ISO_4217_CODES,
    Unconverted,
    currency_problem,
    unconverted,
)

FX = FxTable({(2023, "NOK"): 11.4248, (2023, "KRW"): 1412.88, (2023, "USD"): 1.08127})


@pytest.mark.parametrize("code", ["EUR", "usd", " NOK ", "KRW", "CNY", "BEF", "XEU", "ISK"])
def test_iso_codes_are_accepted(code):
    assert currency_problem(code) is None


@pytest.mark.parametrize("code", ["", "KR", "EURO", "XYZ", "US$", "ECU"])
def test_other_codes_are_refused_with_a_reason(code):
    assert currency_problem(code) == (
        f"{code!r} is not an ISO 4217 currency code (three letters, such as EUR, USD, DKK, NOK)"
    )


def test_code_list_is_three_letter_codes_and_covers_the_checked_list():
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in ISO_4217_CODES)
    assert CURRENCIES <= ISO_4217_CODES


def test_rate_lookups():
    assert FX.rate("EUR", None) == 1.0
    assert FX.rate("NOK", 2023) == 11.4248
    assert FX.rate("NOK", 2022) is None and FX.rate("NOK", None) is None
    assert FX.to_eur(40.0, "NOK", 2023) == round(40 / 11.4248, 6)
    assert FX.to_eur(40.0, "NOK", None) is None
    assert FX.money(2.0, "EUR", None) == Money(2.0, "EUR", 2.0)


def test_eur_per_unit_keeps_six_significant_digits():
    assert FX.eur_per_unit("USD", 2023) == round(1 / 1.08127, 6)
    assert FX.eur_per_unit("KRW", 2023) == pytest.approx(1 / 1412.88, rel=5e-6)
    assert FX.eur_per_unit("KRW", 2023) != round(1 / 1412.88, 6)  # 3 digits would be lost
    assert FX.eur_per_unit("EUR", None) == 1.0
    assert FX.eur_per_unit("INR", 2023) is None


def test_unconverted_lists_each_amount_without_a_euro_value():
    deals = [
        Alliance("al-1", 2023, "2023", DealType.LICENSING_OUT, (),
                 terms=Terms(upfront=Money(40.0, "NOK", None), equity=Money(1.0, "EUR", 1.0),
                             rd_funding=Money(3.0, "INR", None))),
        Alliance("al-2", None, None, DealType.GRANT, (), terms=Terms(upfront=FX.money(
            10.0, "USD", None))),
        Alliance("al-3", 2023, "2023", DealType.GRANT, (), terms=Terms(upfront=FX.money(
            10.0, "USD", 2023))),
    ]  # fmt: skip
    records = [
        FinancialRecord("fin-1", "f", 2023, "INR", SourceKind.FILING,
                        {"revenue_total": 9.0, "cash_end": None}),
        FinancialRecord("fin-2", "f", 2023, "EUR", SourceKind.FILING, {"revenue_total": 9.0}),
        FinancialRecord("fin-3", "f", 2023, "USD", SourceKind.FILING, {"revenue_total": 9.0},
                        eur_per_unit=0.92),
    ]  # fmt: skip
    assert unconverted(deals, records) == [
        Unconverted("al-1", "upfront", 40.0, "NOK", 2023),
        Unconverted("al-1", "rd_funding", 3.0, "INR", 2023),
        Unconverted("al-2", "upfront", 10.0, "USD", None),
        Unconverted("fin-1", "revenue_total", 9.0, "INR", 2023),
    ]
    assert unconverted([]) == []


def test_label():
    assert Unconverted("al-1", "upfront", 40.0, "NOK", 2023).label == (
        "2023 NOK 40.0M upfront (al-1)"
    )
    assert Unconverted("al-2", "upfront", 1250.0, "KRW", None).label == (
        "undated KRW 1,250.0M upfront (al-2)"
    )
