"""Money in any currency in raw deal rows (``currency`` + ``*_m``), the older ``*_musd`` /
``*_meur`` columns, ``total_m``, and raw financials in any currency; amounts without a rate
keep amount and currency and are listed by ``unconverted``.

Rows are built as :class:`Table` objects, so the tests do not depend on the raw format's
header list (:mod:`bioris.ingest.formats`)."""

from __future__ import annotations

import pytest

from bioris.data import fx_table
from bioris.domain import Alliance, DealType, Money, Terms
from bioris.domain.money import Unconverted, unconverted
from bioris.errors import RowError
from bioris.ingest.cells import Cells
from bioris.ingest.firm_rows import parse_financial
from bioris.ingest.raw_alliances import parse_raw_alliance
from bioris.ingest.reader import Row, Table

ACTORS = {"Bavarian Nordic": "bavarian-nordic", "GSK": "gsk", "Novo Nordisk": "novo"}
BASE = {"year": "2023", "nbf": "Bavarian Nordic", "partner": "GSK",
        "deal_type": "licensing_out"}  # fmt: skip


def _resolve(name: str, cells: Cells, column: str) -> str | None:
    actor_id = ACTORS.get(name)
    if actor_id is None:
        cells.error(column, f"unknown actor {name!r}")
    return actor_id


def _cells(values: dict[str, str], errors: list[RowError]) -> Cells:
    header = tuple(values)
    table = Table("deals.csv", header, (Row(2, tuple(values.values())),))
    return Cells(table, table.rows[0], errors)


def parse(**values: str) -> tuple[Alliance | None, list[RowError]]:
    errors: list[RowError] = []
    alliance = parse_raw_alliance(_cells({**BASE, **values}, errors), _resolve, fx_table())
    return alliance, errors


def _rate(year: int, currency: str) -> float:
    return fx_table().rates[(year, currency)]


# --- conversion -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "year", "amount"),
    [("DKK", "2010", "745"), ("SEK", "2016", "250.5"), ("NOK", "2023", "40"),
     ("USD", "2024", "12"), ("JPY", "2021", "1,500"), ("CNY", "2019", "70"),
     ("KRW", "2022", "13500")],
)  # fmt: skip
def test_amount_in_the_row_currency_is_converted_at_the_signing_year(currency, year, amount):
    deal, errors = parse(year=year, currency=currency, upfront_m=amount)
    assert errors == [] and deal is not None
    value = float(amount.replace(",", ""))
    expected = round(value / _rate(int(year), currency), 6)
    assert deal.terms.upfront == Money(value, currency, expected)


def test_dkk_converted_with_the_year_own_rate():
    # 745 DKK million at about 7.45 DKK per euro is about 100 EUR million
    deal, _ = parse(year="2010", currency="DKK", upfront_m="745")
    assert deal is not None and deal.terms.upfront.eur == pytest.approx(100.0, rel=0.002)
    later, _ = parse(year="2024", currency="SEK", upfront_m="114.325")
    assert later is not None and later.terms.upfront.eur == pytest.approx(10.0, rel=1e-4)


def test_2023_usd_upfront_in_the_old_column_is_converted():
    deal, errors = parse(year="2023", upfront_musd="108.127")
    assert errors == [] and deal is not None
    assert deal.terms.upfront.currency == "USD"
    assert deal.terms.upfront.eur == pytest.approx(100.0, rel=1e-5)


def test_old_columns_work_as_before():
    deal, errors = parse(year="2015", upfront_musd="10", upfront_meur="9", equity_meur="5",
                         milestones_musd="100")  # fmt: skip
    assert errors == [] and deal is not None
    assert deal.terms.upfront == Money(10.0, "USD", 9.0)  # the stated euro wins
    assert deal.terms.equity == Money(5.0, "EUR", 5.0)
    assert deal.terms.milestones.eur == round(100 / _rate(2015, "USD"), 6)


def test_eur_needs_no_rate_and_case_does_not_matter():
    deal, errors = parse(year="", date="", currency="eur", upfront_m="3")
    assert errors == [] and deal is not None
    assert deal.terms.upfront == Money(3.0, "EUR", 3.0)
    sek, _ = parse(currency="sek", equity_m="1")
    assert sek is not None and sek.terms.equity.currency == "SEK"


def test_a_currency_without_a_rate_keeps_amount_and_currency_and_is_listed():
    deal, errors = parse(year="2012", currency="INR", upfront_m="400", milestones_m="1000")
    assert errors == [] and deal is not None
    assert deal.terms.upfront == Money(400.0, "INR", None)
    assert unconverted([deal]) == [
        Unconverted(deal.alliance_id, "upfront", 400.0, "INR", 2012),
        Unconverted(deal.alliance_id, "milestones", 1000.0, "INR", 2012),
    ]


@pytest.mark.parametrize(
    ("currency", "year"),
    [("NOK", "1995"), ("ISK", "2012"), ("CNY", "2004"), ("USD", "2026"), ("BEF", "1995")],
)
def test_a_year_without_a_rate_is_listed_too(currency, year):
    deal, errors = parse(year=year, currency=currency, upfront_m="40")
    assert errors == [] and deal is not None
    assert [u.label for u in unconverted([deal])] == [
        f"{year} {currency} 40.0M upfront ({deal.alliance_id})"
    ]


def test_an_undated_deal_amount_is_listed():
    deal, _ = parse(year="", currency="USD", upfront_m="10")
    assert deal is not None and unconverted([deal])[0].year is None


# --- total_m ---------------------------------------------------------------------------------


def test_total_gives_the_milestones_left_after_upfront_and_equity():
    deal, errors = parse(currency="DKK", upfront_m="100", equity_m="50", total_m="1000")
    assert errors == [] and deal is not None
    assert deal.terms.milestones.amount == 850.0
    assert deal.terms.milestones.currency == "DKK"
    expected = 100 + 50 + 850
    assert deal.terms.headline_eur == pytest.approx(expected / _rate(2023, "DKK"), abs=1e-5)


def test_a_total_alone_is_all_milestones():
    deal, errors = parse(currency="USD", total_m="500")
    assert errors == [] and deal is not None
    assert deal.terms.upfront is None and deal.terms.milestones.amount == 500.0


def test_a_total_equal_to_the_committed_money_leaves_no_milestones():
    deal, errors = parse(currency="SEK", upfront_m="20", total_m="20")
    assert errors == [] and deal is not None and deal.terms.milestones is None


def test_a_total_that_agrees_with_stated_milestones_is_accepted():
    deal, errors = parse(currency="USD", upfront_m="150", milestones_m="1050", total_m="1205")
    assert errors == [] and deal is not None  # within 1%: rounding
    assert deal.terms.milestones.amount == 1050.0


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"upfront_m": "150", "milestones_m": "500", "total_m": "1200"}, "total_m",
         "total 1200 disagrees with upfront + milestones + equity = 650"),
        ({"upfront_m": "150", "equity_m": "100", "total_m": "200"}, "total_m",
         "total 200 is less than upfront + equity = 250"),
    ],
)  # fmt: skip
def test_a_total_that_does_not_add_up_is_a_located_error(values, column, message):
    deal, errors = parse(currency="USD", **values)
    assert deal is None
    assert [(e.line, e.field, e.message) for e in errors] == [(2, column, message)]


def test_a_total_with_old_columns_is_an_error():
    deal, errors = parse(currency="USD", upfront_musd="10", total_m="100")
    assert deal is None
    assert errors[0].field == "total_m" and "upfront_musd" in errors[0].message


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("old", ["upfront_musd", "upfront_meur"])
def test_one_term_in_old_and_new_columns_is_a_located_error(old):
    deal, errors = parse(currency="NOK", upfront_m="40", **{old: "4"})
    assert deal is None
    [error] = errors
    assert (error.file, error.line, error.field) == ("deals.csv", 2, "upfront_m")
    assert error.column == list({**BASE, "currency": 0, "upfront_m": 0}).index("upfront_m") + 1
    assert error.message == f"the upfront is given twice, in upfront_m and in {old}: keep one"


def test_old_and_new_columns_for_different_terms_mix():
    deal, errors = parse(currency="NOK", milestones_m="400", upfront_musd="4")
    assert errors == [] and deal is not None
    assert deal.terms.upfront.currency == "USD" and deal.terms.milestones.currency == "NOK"


@pytest.mark.parametrize("code", ["KRONER", "XYZ", "kr", "E"])
def test_an_unknown_currency_is_a_located_error(code):
    deal, errors = parse(currency=code, upfront_m="40")
    assert deal is None
    [error] = errors
    assert (error.line, error.field) == (2, "currency")
    assert error.column == list(BASE).index("deal_type") + 2
    assert error.message.startswith(f"{code!r} is not an ISO 4217 currency code")


def test_an_amount_without_a_currency_is_a_located_error():
    deal, errors = parse(upfront_m="40", total_m="90")
    assert deal is None
    assert [e.field for e in errors] == ["upfront_m", "total_m"]
    assert "no currency" in errors[0].message


def test_a_currency_without_amounts_is_harmless():
    deal, errors = parse(currency="DKK")
    assert errors == [] and deal is not None and deal.terms.upfront is None


# --- raw financials ---------------------------------------------------------------------------


def _financial(currency: str, year: str = "2023", revenue: str = "120"):
    errors: list[RowError] = []
    values = {"firm": "Bavarian Nordic", "year": year, "currency": currency, "unit": "million",
              "revenue_total": revenue, "net_result": "-5", "source_url": "https://e.org/ar",
              "notes": "annual report"}  # fmt: skip
    record = parse_financial(_cells(values, errors), ACTORS.get, fx_table(), canonical=False)
    return record, errors


@pytest.mark.parametrize(("currency", "year"), [("DKK", 2023), ("NOK", 2021), ("KRW", 2024)])
def test_financials_in_any_currency_use_the_same_rates(currency, year):
    record, errors = _financial(currency, str(year))
    assert errors == [] and record is not None
    # six significant digits at least (a won keeps its precision): within 5e-6
    assert record.eur_per_unit == pytest.approx(1 / _rate(year, currency), rel=5e-6)
    assert unconverted([], [record]) == []


def test_a_financial_record_without_a_rate_is_listed():
    record, errors = _financial("INR", "2015")
    assert errors == [] and record is not None and record.eur_per_unit is None
    listed = unconverted([], [record])
    assert [(u.term, u.amount, u.currency, u.year) for u in listed] == [
        ("revenue_total", 120.0, "INR", 2015),
        ("net_result", -5.0, "INR", 2015),
    ]


def test_a_financial_record_with_a_bad_currency_is_a_located_error():
    record, errors = _financial("DKR")
    assert record is None
    assert [(e.field, e.message[:5]) for e in errors] == [("currency", "'DKR'")]


def test_unconverted_lists_deals_and_financials_in_order():
    terms = Terms(upfront=Money(1.0, "EUR", 1.0), equity=Money(5.0, "XAF", None))
    deal = Alliance("al-x", 2023, "2023", DealType.LICENSING_OUT, (), terms=terms)
    record, _ = _financial("INR", "2015")
    assert record is not None
    listed = unconverted([deal], [record])
    assert [(u.record_id, u.term) for u in listed] == [
        ("al-x", "equity"),
        (record.record_id, "revenue_total"),
        (record.record_id, "net_result"),
    ]
