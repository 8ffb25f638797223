"""Money as stated by sources, and its conversion to euro with a yearly-average rate table.

An amount keeps the currency its source used (any ISO 4217 code, :func:`currency_problem`);
its euro value is the source's own euro figure, else the amount converted at the year's
average rate (:class:`FxTable`), else ``None``. An amount without a euro value is never read as
zero: :func:`unconverted` lists every one, so that an import and a report can say which.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the records hold Money: imported for the annotations only
    from bioris.domain.alliance import Alliance
    from bioris.domain.pipeline import FinancialRecord

__all__ = [
    "CURRENCIES",
    "ISO_4217_CODES",
    "FxTable",
    "Money",
    "Unconverted",
    "currency_problem",
    "unconverted",
]

EUR_DECIMALS = 6  # euro values are in millions: six decimals is one euro
# The currencies of the canonical format's checked list (the historic rate table's and EUR).
CURRENCIES = frozenset({"EUR", "USD", "JPY", "GBP", "CHF", "DKK", "SEK"})

#: ISO 4217 alphabetic codes: List One (the currencies in use, 2025) and, from List Three
#: (historic), the euro's legacy currencies, the ECU (XEU) and the other currencies of the ECB's
#: reference rates since 1999, which sources of 1987-2025 deals still quote.
_ISO_4217 = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD
    BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP
    DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD
    MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB
    PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD
    SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS
    VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
    ATS BEF CYP DEM EEK ESP FIM FRF GRD HRK IEP ITL LTL LUF LVL MTL NLG PTE ROL SIT SKK TRL
    XEU
"""
ISO_4217_CODES = frozenset(_ISO_4217.split())


def currency_problem(code: str) -> str | None:
    """Why ``code`` is not a currency bioris accepts, or ``None`` when it is one.

    Any ISO 4217 alphabetic code (:data:`ISO_4217_CODES`) is accepted, in any case; whether
    the rate table converts it for a year is another question (:meth:`FxTable.to_eur`).

    Examples
    --------
    >>> currency_problem("nok") is None
    True
    >>> currency_problem("KR")
    "'KR' is not an ISO 4217 currency code (three letters, such as EUR, USD, DKK, NOK)"
    """
    if code.strip().upper() in ISO_4217_CODES:
        return None
    return f"{code!r} is not an ISO 4217 currency code (three letters, such as EUR, USD, DKK, NOK)"


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in millions of ``currency``, with its value in millions of euro.

    ``eur`` is the source's own euro figure where it gave one, else the amount converted at
    the signing year's average rate (:class:`FxTable`); ``None`` when neither is possible
    (:func:`unconverted` lists those).
    """

    amount: float
    currency: str
    eur: float | None = None


@dataclass(frozen=True, slots=True)
class FxTable:
    """Yearly average rates as units of currency per one euro (ECU before 1999)."""

    rates: dict[tuple[int, str], float]

    def rate(self, currency: str, year: int | None) -> float | None:
        """Units of ``currency`` per euro in ``year`` (1 for EUR), or ``None`` without one."""
        if currency == "EUR":
            return 1.0
        return None if year is None else self.rates.get((year, currency))

    def to_eur(self, amount: float, currency: str, year: int | None) -> float | None:
        """Convert ``amount`` to euro at ``year``'s rate; ``None`` when no rate applies."""
        if currency == "EUR":
            return amount
        rate = self.rate(currency, year)
        # millions rounded to the euro: exact in every export format (XLSX keeps 15 digits)
        return None if rate is None else round(amount / rate, EUR_DECIMALS)

    def eur_per_unit(self, currency: str, year: int | None) -> float | None:
        """Euro per one unit of ``currency`` in ``year`` (financial statements' factor).

        Rounded to six decimals and at least six significant digits, so that a yen or a won
        keeps its precision; ``None`` without a rate.
        """
        rate = self.rate(currency, year)
        if rate is None:
            return None
        per_unit = 1.0 / rate
        return round(per_unit, max(EUR_DECIMALS, 5 - math.floor(math.log10(per_unit))))

    def money(self, amount: float, currency: str, year: int | None) -> Money:
        """A :class:`Money` with its converted euro value."""
        return Money(amount, currency, self.to_eur(amount, currency, year))


@dataclass(frozen=True, slots=True)
class Unconverted:
    """An amount with no euro value: which record and term, how much, in what, when.

    ``record_id`` is an alliance id (``term`` one of ``upfront``, ``milestones``, ``equity``,
    ``rd_funding``) or a financial record id (``term`` a financial field, such as
    ``revenue_total``); ``year`` is ``None`` for an undated deal.
    """

    record_id: str
    term: str
    amount: float
    currency: str
    year: int | None

    @property
    def label(self) -> str:
        """``2023 NOK 40.0M upfront (al-0123456789)``, as notes and reports print it."""
        when = str(self.year) if self.year is not None else "undated"
        return f"{when} {self.currency} {self.amount:,.1f}M {self.term} ({self.record_id})"


_TERMS = ("upfront", "milestones", "equity", "rd_funding")


def unconverted(
    alliances: Iterable[Alliance], financials: Iterable[FinancialRecord] = ()
) -> list[Unconverted]:
    """Every amount without a euro value, in the order of the records and their terms.

    A deal's term counts when it has an amount but no ``eur`` (its currency has no rate for
    the signing year, or the deal is undated); a financial record's figures count when its
    currency is not EUR and it has no ``eur_per_unit``.

    Parameters
    ----------
    alliances : iterable of Alliance
        The deals, e.g. a dataset's ``alliances``.
    financials : iterable of FinancialRecord
        Financial statements' figures, e.g. a dataset's ``financials``.

    Returns
    -------
    list of Unconverted
        One entry per amount left without a euro value: what a euro sum leaves out.

    Examples
    --------
    >>> from bioris.domain import Alliance, DealType, Terms
    >>> deal = Alliance("al-1", 2023, "2023", DealType.LICENSING_OUT, (),
    ...                 terms=Terms(upfront=Money(40.0, "NOK", None)))
    >>> [u.label for u in unconverted([deal])]
    ['2023 NOK 40.0M upfront (al-1)']
    """
    found: list[Unconverted] = []
    for deal in alliances:
        for term in _TERMS:
            money: Money | None = getattr(deal.terms, term)
            if money is not None and money.eur is None:
                found.append(
                    Unconverted(deal.alliance_id, term, money.amount, money.currency, deal.year)
                )
    for record in financials:
        if record.eur_per_unit is not None or record.currency == "EUR":
            continue
        for name, value in record.values.items():
            if value is not None:
                found.append(
                    Unconverted(record.record_id, name, value, record.currency, record.year)
                )
    return found
