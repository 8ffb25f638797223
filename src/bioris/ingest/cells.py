"""Typed access to one row's cells, collecting every problem as a located RowError.

A :class:`Cells` reads a row by column name and converts values (text, years, amounts,
dates, vocabulary members); a value that does not convert records an error at
``FILE:LINE:COLUMN`` and yields ``None``, so validation reports every problem in one pass.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

from bioris.errors import RowError
from bioris.ingest.reader import Row, Table

__all__ = ["EARLIEST_YEAR", "FOUNDING_EARLIEST", "Cells", "ParsedDate", "latest_year"]

E = TypeVar("E", bound=StrEnum)

EARLIEST_YEAR = 1900
FOUNDING_EARLIEST = 1000  # universities are old: KU Leuven was founded in 1425
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def latest_year() -> int:
    """The latest year a record may carry: next year (announced deals may be dated ahead)."""
    return dt.date.today().year + 1


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A date at the precision the source gave: ``text`` is ``YYYY``, ``YYYY-MM`` or ISO."""

    year: int
    text: str


@dataclass(slots=True)
class Cells:
    """One row of a table, read by column name; problems go to ``errors``."""

    table: Table
    row: Row
    errors: list[RowError]
    overrides: dict[str, str] = field(default_factory=dict)

    def error(self, name: str, message: str) -> None:
        """Record a problem in column ``name`` (or the whole row when it is absent)."""
        column = self.table.header.index(name) + 1 if name in self.table.header else 0
        self.errors.append(RowError(self.table.path, self.row.line, column, message, name))

    def text(self, name: str) -> str | None:
        """The stripped cell, or ``None`` when it is empty or the column is absent."""
        if name in self.overrides:
            value = self.overrides[name].strip()
        elif name in self.table.header:
            value = self.row.cells[self.table.header.index(name)].strip()
        else:
            return None
        if value[:1] == "'" and value[1:2] in {"=", "+", "-", "@", "'"}:
            value = value[1:]  # undo the export's formula neutralising
        return value or None

    def required(self, name: str) -> str | None:
        """Like :meth:`text`, but an empty cell is an error."""
        value = self.text(name)
        if value is None:
            self.error(name, "is empty but required")
        return value

    def year(self, name: str, *, earliest: int = EARLIEST_YEAR) -> int | None:
        """A year between ``earliest`` (1900 unless said) and next year."""
        value = self.text(name)
        if value is None:
            return None
        if not re.fullmatch(r"\d{4}(\.0)?", value):
            self.error(name, f"{value!r} is not a year")
            return None
        year = int(float(value))
        if not earliest <= year <= latest_year():
            self.error(name, f"year {year} is outside {earliest}-{latest_year()}")
            return None
        return year

    def amount(self, name: str) -> float | None:
        """A non-negative finite number (millions)."""
        value = self.text(name)
        if value is None:
            return None
        number = self.number_of(value)
        if not math.isfinite(number):
            self.error(name, f"{value!r} is not a number")
            return None
        if number < 0:
            self.error(name, f"amount {value} is negative")
            return None
        return number

    def number_of(self, value: str) -> float:
        """A number as the file writes it, ``nan`` when it is none (see :func:`parse_number`:
        a semicolon-separated file, the continental Excel export, writes ``112,5``)."""
        return parse_number(value, decimal_comma=self.table.delimiter == ";")

    def flag(self, name: str) -> bool | None:
        """A boolean written true/false (also 1/0, yes/no)."""
        value = self.text(name)
        if value is None:
            return None
        lowered = value.lower()
        if lowered in {"true", "1", "yes"}:
            return True
        if lowered in {"false", "0", "no"}:
            return False
        self.error(name, f"{value!r} is not true or false")
        return None

    def member(self, name: str, enum: type[E], *, required: bool = True) -> E | None:
        """A member of a vocabulary; the error lists the allowed values."""
        value = self.required(name) if required else self.text(name)
        if value is None:
            return None
        key = value.strip().lower().replace(" ", "_").replace("-", "_")
        for member in enum:
            if member.value.lower() == key:
                return member
        allowed = ", ".join(m.value for m in enum)
        self.error(name, f"{value!r} is not one of: {allowed}")
        return None

    def date(self, name: str) -> ParsedDate | None:
        """A ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` date that exists in the calendar."""
        value = self.text(name)
        if value is None:
            return None
        match = _DATE.match(value)
        if not match:
            self.error(name, f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
            return None
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        if not EARLIEST_YEAR <= year <= latest_year():
            self.error(name, f"year {year} is outside {EARLIEST_YEAR}-{latest_year()}")
            return None
        try:
            if month == 0 or day == 0:
                raise ValueError("zero month or day")
            dt.date(year, month or 1, day or 1)
        except ValueError:
            self.error(name, f"{value!r} is not a real date")
            return None
        parts = [f"{year:04d}"] + [f"{p:02d}" for p in (month, day) if p is not None]
        return ParsedDate(year, "-".join(parts))


_POINT = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?")
_COMMA = re.compile(r"[+-]?(\d{1,3}([. \u00a0]\d{3})+|\d+)?(,\d+)?")


def parse_number(value: str, *, decimal_comma: bool = False) -> float:
    """A number written ``12``, ``12.5``, ``1,250`` (a thousands comma) or ``1e3``; with
    ``decimal_comma`` (a semicolon-separated file) also ``112,5`` and ``1.250,5`` (the comma
    is the decimal mark, a dot or space groups thousands). ``nan`` for anything else: words
    such as ``inf``, units such as ``12M``.

    >>> parse_number("1,250"), parse_number("112,5", decimal_comma=True)
    (1250.0, 112.5)
    >>> parse_number("1.250,5", decimal_comma=True), parse_number("12.5", decimal_comma=True)
    (1250.5, 12.5)
    """
    text = value.strip()
    if not any(c.isdigit() for c in text):
        return float("nan")
    if decimal_comma and _COMMA.fullmatch(text) and not text.lstrip("+-").isdigit():
        return float(re.sub(r"[. \u00a0]", "", text).replace(",", "."))
    if _POINT.fullmatch(text):
        return float(text.replace(",", ""))
    return float("nan")
