"""A user's exchange rates (``bioris fx import rates.csv``): read, checked, stored, applied.

The file has the columns ``year``, ``currency`` (ISO 4217), ``units_per_eur`` (yearly average
units of the currency per euro, as the bundled table) and optionally ``source``. Every
problem is reported as ``FILE:LINE:COLUMN``; nothing is stored then. A stored rate is used by
every later import (over the bundled rate of the same year and currency), and the amounts
already stored without a euro value that it now converts are converted in the same change
set, which the import of the rates is (``bioris undo`` reverts both).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bioris import settings
from bioris.data import fx_table
from bioris.domain import Alliance, Dataset, FxTable, Money, Terms
from bioris.domain.changes import Diff, RecordChange
from bioris.domain.money import currency_problem
from bioris.errors import RowError, ValidationError
from bioris.ingest.cells import Cells
from bioris.ingest.diff import dataset_diff
from bioris.ingest.reader import read_table
from bioris.store import Store
from bioris.store.writer import Waiting

__all__ = ["import_rates", "rates_of", "read_rates"]

Rate = tuple[int, str, float, str]
_COLUMNS = ("year", "currency", "units_per_eur", "source")


def read_rates(path: str | Path, *, encoding: str | None = None) -> list[Rate]:
    """The rates of a rates file; every problem raised together, located."""
    table = read_table(path, encoding=encoding)
    errors: list[RowError] = []
    missing = [c for c in _COLUMNS[:3] if c not in table.header]
    unknown = [c for c in table.header if c not in _COLUMNS]
    if missing or unknown:
        what = f"missing column(s) {', '.join(missing)}" if missing else (
            f"unknown column(s) {', '.join(unknown)}")  # fmt: skip
        raise ValidationError(
            [RowError(table.path, 1, 0, f"{what}; a rates file has {', '.join(_COLUMNS)}")]
        )
    rates: dict[tuple[int, str], Rate] = {}
    for row in table.rows:
        cells = Cells(table, row, errors, {})
        before = len(errors)
        year, code = cells.year("year"), cells.required("currency")
        rate = cells.amount("units_per_eur")
        if code is not None and (problem := currency_problem(code)):
            cells.error("currency", problem)
        if rate is not None and rate <= 0:
            cells.error("units_per_eur", f"{rate:g} is not a rate (units of currency per euro)")
        elif rate is None and len(errors) == before:
            cells.error("units_per_eur", "missing rate")
        if len(errors) > before or year is None or code is None or rate is None:
            continue
        key = (year, code.upper())
        if key in rates:
            cells.error("currency", f"a second rate for {key[1]} in {year}")
        rates[key] = (year, key[1], rate, cells.text("source") or Path(path).name)
    if errors:
        raise ValidationError(errors, shown=int(settings.get("max_reported_errors")))
    return list(rates.values())


def rates_of(store: Store) -> FxTable:
    """The bundled rates with the store's own (``bioris fx import``) over them."""
    bundled = fx_table()
    own = {(year, code): rate for year, code, rate, _ in store.fx_rates()}
    return FxTable({**bundled.rates, **own})


def import_rates(
    store: Store, path: str | Path, *, encoding: str | None = None, waiting: Waiting | None = None
) -> tuple[int, Diff, int | None]:
    """Store the rates of ``path`` and convert the stored amounts they now convert.

    Returns the number of rates, what changed in the deals, and the change set's id.
    """
    rates = read_rates(path, encoding=encoding)
    detail = {"files": [{"path": str(path), "rows": len(rates)}], "rates": len(rates)}
    with store.transaction(waiting=waiting, action="fx import", detail=detail) as tx:
        before = {(y, c): r for y, c, r, _ in tx.fx_rates()}
        tx.set_fx_rates(rates)
        table = rates_of(tx)
        converted = tuple(
            d for d in (_converted(a, table) for a in tx.alliances()) if d is not None
        )
        names = {a.actor_id: a.name for a in tx.actors()}
        diff = dataset_diff(tx, Dataset(alliances=converted), {}, lambda i: names.get(i, i))
        for year, code, rate, _ in rates:
            old = before.get((year, code))
            if old != rate:
                op = "add" if old is None else "update"
                diff.add(RecordChange("exchange rate", f"{year} {code}", f"{year} {code}", op))
        tx.write(Dataset(alliances=converted))
        return len(rates), diff, tx.change_id


def _converted(alliance: Alliance, table: FxTable) -> Alliance | None:
    """The deal with its unconverted amounts converted, or ``None`` when none converts."""
    changes: dict[str, Money] = {}
    for name in ("upfront", "milestones", "equity", "rd_funding"):
        money = getattr(alliance.terms, name)
        if money is not None and money.eur is None:
            eur = table.to_eur(money.amount, money.currency, alliance.year)
            if eur is not None:
                changes[name] = replace(money, eur=eur)
    if not changes:
        return None
    terms: Terms = replace(alliance.terms, **changes)
    return replace(alliance, terms=terms)
