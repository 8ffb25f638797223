"""Read the worksheets of an XLSX workbook into :class:`~bioris.ingest.table.Table` objects.

A sheet's rows go through the same :class:`~bioris.ingest.table.TableBuilder` as a CSV file's
records; LINE is the sheet's row number. A table read from a named sheet is called
``FILE[SHEET]`` in its problems (``deals.xlsx[Deals]:3:2: ...``): Excel forbids ``[``, ``]``
and ``:`` in sheet names, so the location stays unambiguous.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from bioris.errors import BiorisError, RowError, ValidationError
from bioris.ingest.table import Table, TableBuilder, file_error, validation_error

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

__all__ = ["read_first_sheet", "read_worksheets", "sheet_path"]


def sheet_path(name: str, sheet: str) -> str:
    """How problems name a sheet of workbook ``name``: ``deals.xlsx[Deals]``."""
    return f"{name}[{sheet}]"


def read_first_sheet(file: Path, name: str, sheet: str | None) -> Table:
    """One sheet (``sheet``, else the first) as a table named ``name``, the file's name."""
    with _open_workbook(file, name) as workbook:
        worksheet = _pick_sheet(workbook, name, sheet)
        builder = TableBuilder(name, pad=True, sheet=worksheet.title)
        _read_sheet(worksheet, builder, name)
    return builder.finish()


def read_worksheets(
    file: Path, name: str, sheet: str | None, skip: Collection[str] = ()
) -> tuple[list[Table], list[str]]:
    """Every non-empty sheet (or only ``sheet``) as a table named ``FILE[SHEET]``.

    Parameters
    ----------
    file : Path
        The workbook.
    name : str
        The file as the user gave it, used in messages.
    sheet : str, optional
        Read only this sheet; an empty one is then an error, and ``skip`` does not apply.
    skip : collection of str
        Names of sheets (any case) not to read, e.g. a template's instructions.

    Returns
    -------
    tables : list of Table
        One per sheet read, in workbook order.
    notes : list of str
        One per sheet left out (empty, or named in ``skip``), saying so.

    Raises
    ------
    ValidationError
        Every structural problem of every sheet; an unknown ``sheet`` (naming the sheets
        there); a workbook with nothing to read.
    """
    skipped = {s.casefold() for s in skip}
    tables: list[Table] = []
    notes: list[str] = []
    errors: list[RowError] = []
    with _open_workbook(file, name) as workbook:
        if sheet is not None:
            worksheets = [_pick_sheet(workbook, name, sheet)]
        else:
            worksheets = _worksheets(workbook, name)
        for worksheet in worksheets:
            where = sheet_path(name, worksheet.title)
            if sheet is None and worksheet.title.casefold() in skipped:
                notes.append(f"{where}: skipped: the sheet {worksheet.title!r} is not data")
                continue
            builder = TableBuilder(where, pad=True, sheet=worksheet.title)
            _read_sheet(worksheet, builder, name)
            if builder.header is None and not builder.errors:
                if sheet is not None:  # asked for by name: its emptiness is a problem
                    errors.append(RowError(where, 1, 0, "the sheet is empty"))
                else:
                    notes.append(f"{where}: skipped: the sheet is empty")
                continue
            try:
                tables.append(builder.finish())
            except ValidationError as exc:
                errors.extend(exc.errors)
    if errors:
        raise validation_error(errors)
    if not tables:
        raise file_error(name, "the workbook has no sheet with data")
    return tables, notes


@contextmanager
def _open_workbook(file: Path, name: str) -> Iterator[Workbook]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise BiorisError(f"{name}: reading XLSX needs openpyxl (pip install openpyxl)") from None
    # A file object, not the path: openpyxl refuses names that do not end in .xlsx.
    with file.open("rb") as stream:
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types (zip, XML, KeyError) on a bad file
            raise file_error(name, f"not a readable XLSX workbook ({exc})") from None
        try:
            yield workbook
        finally:
            workbook.close()


def _read_sheet(worksheet: ReadOnlyWorksheet, builder: TableBuilder, name: str) -> None:
    try:
        # Stored dimensions can be wrong, and read-only mode would then drop rows.
        worksheet.reset_dimensions()
        rows = worksheet.iter_rows(min_row=1, values_only=True)
        for number, values in enumerate(rows, 1):
            builder.add(number, _trim(tuple(map(_cell_text, values))))
    except BiorisError:
        raise
    except Exception as exc:  # a damaged sheet fails only when it is parsed
        raise file_error(name, f"not a readable XLSX workbook ({exc})") from None


def _worksheets(workbook: Workbook, name: str) -> list[ReadOnlyWorksheet]:
    sheets = list(workbook.worksheets)  # not chartsheets
    if not sheets:
        raise file_error(name, "the workbook has no worksheet")
    return sheets


def _pick_sheet(workbook: Workbook, name: str, sheet: str | None) -> ReadOnlyWorksheet:
    sheets = {ws.title: ws for ws in _worksheets(workbook, name)}
    if sheet is None:
        return next(iter(sheets.values()))
    if sheet not in sheets:
        raise file_error(name, f"no sheet named {sheet!r}; sheets are: {', '.join(sheets)}")
    return sheets[sheet]


def _cell_text(value: object) -> str:
    """Render an XLSX cell as the text a person sees: ``2005`` not ``2005.0``, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _trim(cells: tuple[str, ...]) -> tuple[str, ...]:
    """Drop trailing empty cells (XLSX rows often carry formatted but empty columns)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]
