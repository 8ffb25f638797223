"""Export a dataset in bioris's canonical format, as CSV, XLSX or Parquet.

CSV and XLSX cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-`` or ``@``) are neutralised with a leading ``'`` (OWASP's advice for CSV injection);
``bioris import`` removes that quote again, so export then import is exact. Parquet keeps
typed columns and needs no neutralising.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

import polars as pl

from bioris.domain import Dataset
from bioris.domain.canonical import (
    ACTOR_COLUMNS,
    ALLIANCE_COLUMNS,
    FINANCIAL_COLUMNS,
    LINEAGE_COLUMNS,
    PARTY_COLUMNS,
    PIPELINE_COLUMNS,
    RECORD_FILES,
    Cell,
    actor_row,
    alliance_row,
    financial_row,
    lineage_row,
    party_rows,
    pipeline_row,
)
from bioris.errors import BiorisError

__all__ = ["EXPORT_FORMATS", "export_dataset", "neutralise", "record_tables"]

EXPORT_FORMATS = ("csv", "xlsx", "parquet")
FORMULA_PREFIXES = ("=", "+", "-", "@")
_QUOTABLE = {*FORMULA_PREFIXES, "'"}

Rows = list[dict[str, Cell]]


def neutralise(value: Cell) -> Cell:
    """Prefix text that a spreadsheet would evaluate with ``'``; other values unchanged.

    Text that already starts with ``'`` followed by a formula character or another ``'`` is
    prefixed too, so that import, which removes exactly one such quote, restores it exactly.
    """
    if isinstance(value, str) and (
        value.startswith(FORMULA_PREFIXES) or (value[:1] == "'" and value[1:2] in _QUOTABLE)
    ):
        return "'" + value
    return value


def record_tables(dataset: Dataset) -> dict[str, tuple[tuple[str, ...], Rows]]:
    """Each record type's columns and rows, in canonical order."""
    data = dataset.sorted()
    return {
        "actors": (ACTOR_COLUMNS, [actor_row(a) for a in data.actors]),
        "lineage": (LINEAGE_COLUMNS, [lineage_row(f) for f in data.lineage]),
        "alliances": (ALLIANCE_COLUMNS, [alliance_row(a) for a in data.alliances]),
        "parties": (PARTY_COLUMNS, [r for a in data.alliances for r in party_rows(a)]),
        "pipeline": (PIPELINE_COLUMNS, [pipeline_row(e) for e in data.pipeline]),
        "financials": (FINANCIAL_COLUMNS, [financial_row(r) for r in data.financials]),
    }


def export_dataset(dataset: Dataset, out_dir: str | Path, fmt: str = "csv") -> list[Path]:
    """Write the dataset's record files into ``out_dir``; returns the paths written.

    Parameters
    ----------
    dataset : Dataset
        What to write (usually ``store.dataset()``).
    out_dir : path
        Folder to write into (created if needed); files are named after the record type.
    fmt : {"csv", "xlsx", "parquet"}
        File format.
    """
    writers: dict[str, Callable[[Path, tuple[str, ...], Rows], None]] = {
        "csv": _write_csv,
        "xlsx": _write_xlsx,
        "parquet": _write_parquet,
    }
    if fmt not in writers:
        raise BiorisError(f"unknown export format {fmt!r}; use one of {', '.join(writers)}")
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BiorisError(f"{folder}: cannot create the output folder: {exc}") from None
    written = []
    for record, (columns, rows) in record_tables(dataset).items():
        path = folder / Path(RECORD_FILES[record]).with_suffix(f".{fmt}").name
        writers[fmt](path, columns, rows)
        written.append(path)
    return written


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _write_csv(path: Path, columns: tuple[str, ...], rows: Rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        # csv quotes only the line terminator's characters: quote rows holding a lone CR
        quoted = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writerow(columns)
        for cells in _cells(columns, rows, lambda v: _text(neutralise(v))):
            (quoted if any("\r" in c for c in cells) else writer).writerow(cells)


def _write_xlsx(path: Path, columns: tuple[str, ...], rows: Rows) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = Workbook(write_only=True)
    sheet = book.create_sheet(path.stem)
    sheet.append(list(columns))
    try:
        for cells in _cells(columns, rows, neutralise):
            sheet.append(cells)
    except IllegalCharacterError as exc:
        raise BiorisError(
            f"{path.name}: a cell holds a character XLSX cannot store: {exc}"
        ) from None
    book.save(path)


def _write_parquet(path: Path, columns: tuple[str, ...], rows: Rows) -> None:
    frame = pl.DataFrame(rows, schema=list(columns), orient="row", infer_schema_length=None)
    frame.write_parquet(path)


def _cells(columns: tuple[str, ...], rows: Rows, convert: Callable[[Cell], object]) -> Iterable:
    for row in rows:
        yield [convert(row[c]) for c in columns]
