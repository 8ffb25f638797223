"""Money as stated by sources, and its conversion to euro with a yearly-average rate table."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CURRENCIES", "FxTable", "Money"]

EUR_DECIMALS = 6  # euro values are in millions: six decimals is one euro
CURRENCIES = frozenset({"EUR", "USD", "JPY", "GBP", "CHF", "DKK", "SEK"})


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in millions of ``currency``, with its value in millions of euro.

    ``eur`` is the source's own euro figure where it gave one, else the amount converted at
    the signing year's average rate (:class:`FxTable`); ``None`` when neither is possible.
    """

    amount: float
    currency: str
    eur: float | None = None


@dataclass(frozen=True, slots=True)
class FxTable:
    """Yearly average rates as units of currency per one euro (ECU before 1999)."""

    rates: dict[tuple[int, str], float]

    def to_eur(self, amount: float, currency: str, year: int | None) -> float | None:
        """Convert ``amount`` to euro at ``year``'s rate; ``None`` when no rate applies."""
        if currency == "EUR":
            return amount
        if year is None:
            return None
        rate = self.rates.get((year, currency))
        # millions rounded to the euro: exact in every export format (XLSX keeps 15 digits)
        return None if rate is None else round(amount / rate, EUR_DECIMALS)

    def money(self, amount: float, currency: str, year: int | None) -> Money:
        """A :class:`Money` with its converted euro value."""
        return Money(amount, currency, self.to_eur(amount, currency, year))
