"""The input formats bioris reads, recognised from a file's header.

Two families: the *raw* facts format of the bundled sources (one row per actor or per deal,
parties named in words) and bioris's *canonical* format (what ``bioris export --format csv``
writes: ids, one row per record). A header must hold a format's required columns and nothing
outside its known columns, so that no column is silently dropped.

:func:`recognise` reads every file and every sheet of a workbook and gives each table its
format. A workbook sheet named ``README`` (the instructions of the template that
``bioris template`` writes) is not data and is skipped with a note, as is an empty sheet; any
other sheet must match a format, so that no sheet is silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bioris.domain import FINANCIAL_FIELDS
from bioris.domain.canonical import (
    ACTOR_COLUMNS,
    ALLIANCE_COLUMNS,
    FINANCIAL_COLUMNS,
    LINEAGE_COLUMNS,
    PARTY_COLUMNS,
    PIPELINE_COLUMNS,
)
from bioris.errors import RowError, ValidationError
from bioris.ingest.reader import Table, read_sheets
from bioris.ingest.table import validation_error

__all__ = ["FORMATS", "INSTRUCTION_SHEETS", "Format", "Input", "detect_format", "recognise"]

RAW_ACTOR_COLUMNS = (
    "name", "aliases", "kind", "region", "country", "city", "founded", "origin", "subsector",
    "ipo_year", "exit", "source_url", "confidence",
)  # fmt: skip
RAW_ALLIANCE_COLUMNS = (
    "year", "date", "nbf", "partner", "deal_type", "asset_or_technology", "therapeutic_area",
    "stage_at_signing", "currency", "upfront_m", "milestones_m", "equity_m", "total_m",
    "upfront_musd", "upfront_meur", "milestones_musd", "milestones_meur", "equity_meur",
    "notes", "source_url", "confidence", "focal_role",
)  # fmt: skip
# Sheets of a workbook that hold instructions, not data (compared in any case)
INSTRUCTION_SHEETS = ("readme",)
RAW_PIPELINE_COLUMNS = (
    "firm", "asset", "modality", "indication", "event_date", "stage", "event", "operator",
    "notes", "source_url", "confidence",
)  # fmt: skip
RAW_FINANCIAL_COLUMNS = (
    "firm", "year", "currency", "unit", *FINANCIAL_FIELDS, "notes", "source_url", "confidence",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Format:
    """A file format: its family, record type, required and all known columns."""

    family: str  # "raw" or "canonical"
    record: str  # "actors", "lineage", "alliances", "parties"
    required: tuple[str, ...]
    known: tuple[str, ...]

    @property
    def label(self) -> str:
        """E.g. ``raw alliances``."""
        return f"{self.family} {self.record}"


FORMATS: tuple[Format, ...] = (
    Format("raw", "actors", ("name", "kind"), RAW_ACTOR_COLUMNS),
    Format("raw", "alliances", ("nbf", "partner", "deal_type"), RAW_ALLIANCE_COLUMNS),
    # "bioregion": the region column's name in exports of bioris before 0.2
    Format("canonical", "actors", ("actor_id", "name", "kind"), (*ACTOR_COLUMNS, "bioregion")),
    Format("canonical", "lineage", ("actor_id", "relation", "target"), LINEAGE_COLUMNS),
    Format("canonical", "alliances", ("alliance_id", "deal_type"), ALLIANCE_COLUMNS),
    Format("canonical", "parties", ("alliance_id", "actor_id", "role"), PARTY_COLUMNS),
    Format("raw", "pipeline", ("firm", "asset", "event_date", "stage"), RAW_PIPELINE_COLUMNS),
    Format("raw", "financials", ("firm", "year", "currency", "unit"), RAW_FINANCIAL_COLUMNS),
    Format("canonical", "pipeline", ("event_id", "firm_id", "asset", "stage"), PIPELINE_COLUMNS),
    Format(
        "canonical", "financials", ("record_id", "firm_id", "year", "currency"),
        FINANCIAL_COLUMNS,
    ),
)  # fmt: skip


def detect_format(path: str, header: tuple[str, ...]) -> Format | RowError:
    """The format whose columns the header fits, or an error naming the closest one."""
    columns = set(header)
    fitting = [f for f in FORMATS if set(f.required) <= columns]
    fitting.sort(key=lambda f: len(columns & set(f.known)), reverse=True)
    for fmt in fitting:
        unknown = [c for c in header if c not in fmt.known]
        if not unknown:
            return fmt
        first = header.index(unknown[0]) + 1
        return RowError(
            path,
            1,
            first,
            f"unknown column(s) {', '.join(unknown)} for a {fmt.label} file "
            f"(known: {', '.join(fmt.known)})",
        )
    closest = max(FORMATS, key=lambda f: len(columns & set(f.known)))
    missing = [c for c in closest.required if c not in columns]
    return RowError(
        path,
        1,
        0,
        f"header matches no bioris format; closest is {closest.label}, "
        f"missing column(s) {', '.join(missing)}",
    )


Input = tuple[Table, Format]


def recognise(
    paths: Iterable[str | Path], *, encoding: str | None = None, sheet: str | None = None
) -> tuple[list[Input], list[str]]:
    """Read every file (every sheet of a workbook) and recognise each table's format.

    Parameters
    ----------
    paths : iterable of str or Path
        CSV and XLSX files, in any order.
    encoding : str, optional
        Text encoding of the CSV files (see :func:`~bioris.ingest.reader.read_table`).
    sheet : str, optional
        Read only this sheet of each workbook; every workbook must have it.

    Returns
    -------
    inputs : list of (Table, Format)
        Each table read, with its format, file by file and sheet by sheet.
    notes : list of str
        One line per sheet left out on purpose: an empty one, or instructions
        (:data:`INSTRUCTION_SHEETS`), e.g. ``deals.xlsx[README]: skipped: ...``.

    Raises
    ------
    ValidationError
        Every structural problem of every file and sheet, and every table whose header
        matches no format (``deals.xlsx[Notes]:1:0: header matches no bioris format; ...``),
        all together.
    BiorisError, LimitExceeded, EncodingError
        At once, as :func:`~bioris.ingest.reader.read_table` raises them.

    Examples
    --------
    >>> inputs, notes = recognise(["deals.xlsx"])  # doctest: +SKIP
    >>> [(table.path, fmt.label) for table, fmt in inputs]  # doctest: +SKIP
    [('deals.xlsx[Actors]', 'raw actors'), ('deals.xlsx[Deals]', 'raw alliances')]
    >>> notes  # doctest: +SKIP
    ["deals.xlsx[README]: skipped: the sheet 'README' is not data"]
    """
    errors: list[RowError] = []
    inputs: list[Input] = []
    notes: list[str] = []
    for path in paths:
        try:
            tables, skipped = read_sheets(
                path, encoding=encoding, sheet=sheet, skip=INSTRUCTION_SHEETS
            )
        except ValidationError as exc:
            errors.extend(exc.errors)
            continue
        notes.extend(skipped)
        for table in tables:
            found = detect_format(table.path, table.header)
            if isinstance(found, RowError):
                errors.append(_on_sheet(found, table))
            else:
                inputs.append((table, found))
    if errors:
        raise validation_error(errors)
    return inputs, notes


def _on_sheet(error: RowError, table: Table) -> RowError:
    """A sheet that matches no format may be instructions: say how to have it skipped."""
    if table.sheet is None or error.column != 0:
        return error
    hint = "; a sheet that is not data is skipped when named README"
    return RowError(error.file, error.line, error.column, error.message + hint, error.field)
