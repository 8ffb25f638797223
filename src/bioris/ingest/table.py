"""A read file or sheet as a :class:`Table`, and the structural checks common to CSV and XLSX.

:class:`TableBuilder` takes records one at a time from any reader and checks what every format
shares: the limits, the header (blank and duplicate names), rows as wide as the header and
control characters. Problems are collected as ``FILE:LINE:COLUMN`` :class:`RowError`; a limit
stops the read at once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bioris import settings
from bioris.errors import LimitExceeded, RowError, ValidationError

__all__ = ["Row", "Table", "TableBuilder", "file_error", "setting_hint", "validation_error"]

# C0 control characters other than tab, line feed and carriage return (NUL is reported apart)
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SHOWN_CHARS = 40  # of a stray value quoted in a message


@dataclass(frozen=True, slots=True)
class Row:
    """One data record: where it starts in the file and its stripped cells."""

    line: int
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A file's header (stripped, lower-cased) and its data rows, each as wide as the header.

    ``path`` is how problems name the table: the file as given, followed for a workbook's sheet
    read by :func:`~bioris.ingest.reader.read_tables` by the sheet's name in brackets
    (``deals.xlsx[Deals]``); ``sheet`` is that sheet's name (``None`` for a CSV file), and
    ``delimiter`` a CSV file's field separator (``None`` for a sheet): a semicolon file most
    likely comes from a spreadsheet that writes decimal commas.
    """

    path: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    sheet: str | None = None
    delimiter: str | None = None

    def column(self, name: str) -> int:
        """Return the 0-based index of column ``name`` (any case); raise KeyError if absent."""
        try:
            return self.header.index(name.strip().lower())
        except ValueError:
            columns = ", ".join(self.header)
            raise KeyError(f"{self.path}: no column {name!r} (columns: {columns})") from None


def setting_hint(setting: str) -> str:
    """``name=value (set BIORIS_NAME to raise it)``, for a limit's message."""
    value = settings.get(setting)
    return f"{setting}={value} (set BIORIS_{setting.upper()} to raise it)"


def file_error(name: str, message: str) -> ValidationError:
    """A problem with a whole file (or sheet), located at ``name:1:0``."""
    return validation_error([RowError(name, 1, 0, message)])


def validation_error(errors: list[RowError]) -> ValidationError:
    """One :class:`ValidationError` carrying ``errors``, capped at ``max_reported_errors``."""
    return ValidationError(errors, shown=int(settings.get("max_reported_errors")))


class TableBuilder:
    """Collect a header and rows from any reader, applying the checks common to all formats.

    Empty cells at the right end of the header (a spreadsheet often leaves formatted, empty
    columns there) are dropped, and so are a row's cells under them while they are empty; a
    value under such a column is an error at its line and column. With ``pad`` (XLSX, where
    trailing empty cells are absent) a short row is padded to the header's width; otherwise
    (CSV) a row narrower than the header, or wider than the header as written, is an error.
    """

    def __init__(
        self,
        name: str,
        *,
        pad: bool = False,
        sheet: str | None = None,
        delimiter: str | None = None,
    ) -> None:
        self.name = name
        self.pad = pad
        self.sheet = sheet
        self.delimiter = delimiter
        self.header: tuple[str, ...] | None = None
        self.written_width = 0  # the header's width in the file, trailing empty cells included
        self.rows: list[Row] = []
        self.data_rows = 0
        self.errors: list[RowError] = []
        self.max_chars = int(settings.get("max_field_chars"))
        self.max_rows = int(settings.get("max_import_rows"))

    def error(self, line: int, column: int, message: str) -> None:
        """Record a problem, naming the column when it is a data cell under a known header."""
        field = ""
        if self.header is not None and 0 < column <= len(self.header):
            field = self.header[column - 1]
        self.errors.append(RowError(self.name, line, column, message, field))

    def add(self, line: int, fields: Sequence[str]) -> None:
        """Take one record starting at physical ``line``: the header first, then data rows."""
        # This runs once per row: keep the common path to a few C-level calls.
        if fields and max(map(len, fields)) > self.max_chars:
            self._field_too_long(line, fields)
        cells = tuple(map(str.strip, fields))
        if not any(cells):
            return  # a blank line, or a row of empty cells: nothing to import
        if self.header is None:
            self._set_header(line, cells)
            return
        self.data_rows += 1
        if self.data_rows > self.max_rows:
            raise LimitExceeded(
                f"{self.name}:{line}:0: more than {self.max_rows} data rows; "
                f"over {setting_hint('max_import_rows')}"
            )
        width = len(self.header)
        if len(cells) != width:
            fitted = self._fit(line, cells, width)
            if fitted is None:
                return
            cells = fitted
        bad = [i for i, c in enumerate(cells, 1) if _CONTROL.search(c) and "\x00" not in c]
        for column in bad:
            code = ord(_CONTROL.search(cells[column - 1]).group())  # type: ignore[union-attr]
            self.error(line, column, f"control character U+{code:04X} in field")
        if not bad:
            self.rows.append(Row(line, cells))

    def finish(self) -> Table:
        """Return the table, or raise every problem collected."""
        if self.header is None and not self.errors:
            self.errors.append(RowError(self.name, 1, 0, "file is empty"))
        if self.errors:
            raise validation_error(self.errors)
        assert self.header is not None
        return Table(self.name, self.header, tuple(self.rows), self.sheet, self.delimiter)

    def _fit(self, line: int, cells: tuple[str, ...], width: int) -> tuple[str, ...] | None:
        """A row of another width than the header, made as wide, or None after an error."""
        if len(cells) < width:
            if self.pad:
                return cells + ("",) * (width - len(cells))
            self.error(line, 0, f"row has {len(cells)} fields, header has {width}")
            return None
        if not self.pad and len(cells) > self.written_width:
            self.error(line, 0, f"row has {len(cells)} fields, header has {self.written_width}")
            return None
        stray = [(i, c) for i, c in enumerate(cells[width:], width + 1) if c]
        for column, value in stray:
            shown = value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS] + "..."
            self.error(line, column, f"{shown!r} is under a column with no name in the header")
        return None if stray else cells[:width]

    def _field_too_long(self, line: int, fields: Sequence[str]) -> None:
        column = next(i for i, f in enumerate(fields, 1) if len(f) > self.max_chars)
        raise LimitExceeded(
            f"{self.name}:{line}:{column}: field has {len(fields[column - 1])} characters; "
            f"over {setting_hint('max_field_chars')}"
        )

    def _set_header(self, line: int, cells: tuple[str, ...]) -> None:
        self.written_width = len(cells)
        end = len(cells)
        while not cells[end - 1]:  # the row is not blank, so this stops
            end -= 1
        header = tuple(c.lower() for c in cells[:end])
        seen: dict[str, int] = {}
        for column, label in enumerate(header, 1):
            if not label:
                self.errors.append(RowError(self.name, line, column, "blank column name"))
            elif label in seen:
                message = f"duplicate column name {label!r} in columns {seen[label]} and {column}"
                self.errors.append(RowError(self.name, line, column, message))
            else:
                seen[label] = column
        self.header = header
