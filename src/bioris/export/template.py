"""An XLSX workbook that a person fills in with raw facts, for ``bioris import``.

The workbook has a ``README`` sheet (what each sheet holds, the rules, how to import it) and
one sheet per raw table: actors, deals, pipeline events and financial statements. Each has
its header row (bold, frozen; required columns shaded), column widths, and drop-down lists
for the vocabularies, taken from :mod:`bioris.domain`. Dates are text cells, so that Excel
does not turn ``2005-03`` into a day. ``bioris import`` recognises each sheet from its header
and skips the ``README`` sheet.

Corporate lineage has no sheet: the raw facts carry it in an actor's ``exit`` (``acquired by
X 2010``, ``closed 2017``), which import turns into dated lineage, and in acquisition deals;
bioris's canonical lineage needs actor ids, which a person filling in names does not know.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from bioris.domain import (
    CURRENCIES,
    FINANCIAL_FIELDS,
    ActorKind,
    Confidence,
    DealType,
    FxTable,
    PipelineStage,
    Role,
    Stage,
)
from bioris.errors import BiorisError

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["README_SHEET", "TemplateColumn", "template_sheets", "write_template"]

README_SHEET = "README"
_LAST_ROW = 1_048_576  # Excel's last row: lists apply to the whole column below the header
_MESSAGE_CHARS = 255  # Excel's limit on a validation's list, prompt and error message
_TITLE_CHARS = 32  # and on their titles
_REQUIRED_FILL = "FFE699"


@dataclass(frozen=True, slots=True)
class TemplateColumn:
    """A column of a template sheet: its header, what it holds and how it is entered.

    ``choices`` make a drop-down list; with ``open_list`` another value is accepted after a
    warning (currencies), otherwise it is refused. ``text`` cells keep what is typed (dates).
    """

    name: str
    meaning: str
    required: bool = False
    choices: tuple[str, ...] = ()
    open_list: bool = False
    text: bool = False
    width: int = 14


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


_CONFIDENCE = TemplateColumn(
    "confidence",
    "high: stated by the source; medium: inferred from it (the default with a source_url); "
    "unsourced (the default without one)",
    choices=_values(Confidence),
    width=12,
)
_SOURCE = TemplateColumn(
    "source_url", "where the fact is stated; several separated by ';'", width=40
)
_NOTES = TemplateColumn("notes", "anything worth keeping, in words", width=40)


def _currency(codes: tuple[str, ...], *, required: bool = False) -> TemplateColumn:
    return TemplateColumn(
        "currency",
        "ISO 4217 code of the amounts (EUR, USD, DKK...); a code not listed is accepted too",
        required,
        codes,
        open_list=True,
        width=10,
    )


def _actors() -> tuple[TemplateColumn, ...]:
    return (
        TemplateColumn("name", "the actor's name, as used in the other sheets", True, width=28),
        TemplateColumn("kind", "what kind of organisation", True, _values(ActorKind)),
        TemplateColumn("aliases", "other names (former names too), separated by ';'", width=28),
        TemplateColumn("country", "ISO 3166-1 code: BE, DK, DE, US...", width=9),
        TemplateColumn(
            "region", "an ISO 3166-2 code (DK-84), a region of the study or a country code"
        ),
        TemplateColumn("city", "the city of its seat"),
        TemplateColumn("founded", "year of founding (YYYY)", width=10),
        TemplateColumn("origin", "where it came from (spin-off of...), separated by ';'"),
        TemplateColumn("subsector", "its activities, separated by ';'"),
        TemplateColumn("ipo_year", "year of its stock-market listing (YYYY)", width=10),
        TemplateColumn("exit", "how it ended, in words with the year: acquired by X 2010"),
        _SOURCE,
        _CONFIDENCE,
    )


def _deals(currencies: tuple[str, ...]) -> tuple[TemplateColumn, ...]:
    return (
        TemplateColumn("year", "year of signing (YYYY); may be left empty when date is given"),
        TemplateColumn("date", "date of signing: YYYY, YYYY-MM or YYYY-MM-DD", text=True),
        TemplateColumn("nbf", "the focal firm, named as in Actors; several: ';'", True, width=24),
        TemplateColumn("partner", "the other party, named in words; several: ';'", True, width=24),
        TemplateColumn(
            "deal_type", "the deal as seen from the focal firm", True, _values(DealType), width=24
        ),
        TemplateColumn(
            "focal_role",
            "acquisitions only: acquirer when the focal firm buys (target by default)",
            choices=(Role.ACQUIRER.value, Role.TARGET.value),
        ),
        TemplateColumn("asset_or_technology", "what the deal is about", width=24),
        TemplateColumn("therapeutic_area", "the disease area", width=18),
        TemplateColumn(
            "stage_at_signing", "development stage of the asset at signing", choices=_values(Stage)
        ),
        _currency(currencies),
        TemplateColumn("upfront_m", "upfront payment, in millions of the currency", width=12),
        TemplateColumn("milestones_m", "milestone payments, in millions", width=12),
        TemplateColumn("equity_m", "equity investment, in millions", width=12),
        TemplateColumn("total_m", "total announced value (biobucks), in millions", width=12),
        _NOTES,
        _SOURCE,
        _CONFIDENCE,
    )


def _pipeline() -> tuple[TemplateColumn, ...]:
    return (
        TemplateColumn("firm", "the firm whose asset it is, named as in Actors", True, width=24),
        TemplateColumn("asset", "the drug candidate or product", True, width=20),
        TemplateColumn("modality", "small molecule, antibody, cell therapy..."),
        TemplateColumn("indication", "the disease", width=20),
        TemplateColumn(
            "event_date", "when the stage began: YYYY, YYYY-MM or YYYY-MM-DD", True, text=True
        ),
        TemplateColumn("stage", "the stage reached, or the event", True, _values(PipelineStage)),
        TemplateColumn("event", "what happened, in words", width=24),
        TemplateColumn("operator", "who ran the stage, in words (the firm, a partner...)"),
        _NOTES,
        _SOURCE,
        _CONFIDENCE,
    )


def _financials(currencies: tuple[str, ...]) -> tuple[TemplateColumn, ...]:
    # unit: the two scales ingest.firm_rows reads (thousand or million of the currency)
    return (
        TemplateColumn("firm", "the firm, named as in Actors", True, width=24),
        TemplateColumn("year", "the financial year (YYYY)", True, width=10),
        _currency(currencies, required=True),
        TemplateColumn("unit", "the unit of the figures", True, ("million", "thousand"), width=10),
        *(
            TemplateColumn(field, f"{field.replace('_', ' ')}, in the unit", width=14)
            for field in FINANCIAL_FIELDS
        ),
        _NOTES,
        _SOURCE,
        _CONFIDENCE,
    )


def template_sheets(currencies: Iterable[str] = ()) -> dict[str, tuple[TemplateColumn, ...]]:
    """The data sheets of the template and their columns, in order.

    Parameters
    ----------
    currencies : iterable of str
        Currency codes listed for the amounts (deals and financials), beside
        :data:`bioris.domain.CURRENCIES`.

    Returns
    -------
    dict of str to tuple of TemplateColumn
        Sheet name -> its columns: ``Actors``, ``Deals``, ``Pipeline``, ``Financials``.
    """
    codes = tuple(sorted({*CURRENCIES, *(c.strip().upper() for c in currencies)}))
    return {
        "Actors": _actors(),
        "Deals": _deals(codes),
        "Pipeline": _pipeline(),
        "Financials": _financials(codes),
    }


def write_template(path: str | Path, *, fx: FxTable | None = None, overwrite: bool = False) -> Path:
    """Write the data-entry workbook: a README sheet, then one sheet per raw table.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write.
    fx : FxTable, optional
        The exchange rates import will use (``bioris.data.fx_table()``); their currencies are
        listed for the amounts, with :data:`bioris.domain.CURRENCIES` (all of them when
        ``fx`` is not given). Any other code can still be typed, after a warning.
    overwrite : bool
        Replace an existing file; by default an existing file (perhaps filled in) is kept and
        this is an error.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    BiorisError
        The name does not end in ``.xlsx``, the file exists (without ``overwrite``), or it
        cannot be written.

    Examples
    --------
    >>> from bioris.data import fx_table  # doctest: +SKIP
    >>> write_template("deals.xlsx", fx=fx_table())  # doctest: +SKIP
    PosixPath('deals.xlsx')
    """
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise BiorisError(f"{target}: a template is an .xlsx workbook; end its name in .xlsx")
    if target.exists() and not overwrite:
        raise BiorisError(f"{target}: already exists; choose another name or overwrite it")
    currencies = sorted({c for _, c in fx.rates}) if fx is not None else []
    workbook = _workbook(template_sheets(currencies), target.name)
    _save(workbook, target)
    return target


def _workbook(sheets: dict[str, tuple[TemplateColumn, ...]], name: str) -> Workbook:
    from openpyxl import Workbook

    workbook = Workbook()
    readme = workbook.active
    readme.title = README_SHEET
    _write_readme(readme, sheets, name)
    for title, columns in sheets.items():
        _write_sheet(workbook.create_sheet(title), columns)
    return workbook


def _write_sheet(sheet: Worksheet, columns: tuple[TemplateColumn, ...]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    shade = PatternFill("solid", fgColor=_REQUIRED_FILL)
    for number, column in enumerate(columns, 1):
        cell = sheet.cell(row=1, column=number, value=column.name)
        cell.font = bold
        if column.required:
            cell.fill = shade
        letter = get_column_letter(number)
        sheet.column_dimensions[letter].width = max(column.width, len(column.name) + 3)
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices:
            sheet.add_data_validation(_choice_list(column, f"{letter}2:{letter}{_LAST_ROW}"))
    sheet.freeze_panes = "A2"


def _choice_list(column: TemplateColumn, cells: str) -> DataValidation:
    from openpyxl.worksheet.datavalidation import DataValidation

    listed = ",".join(column.choices)
    if len(listed) > _MESSAGE_CHARS:  # pragma: no cover - no vocabulary is that long
        raise BiorisError(f"the choices of {column.name} exceed Excel's {_MESSAGE_CHARS} chars")
    if column.open_list:  # a warning that lets the value stand
        error = f"{column.name}: not a listed value; keep it if it is right"
    else:
        error = f"{column.name} is one of: {', '.join(column.choices)}"
    validation = DataValidation(
        type="list",
        formula1=f'"{listed}"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning" if column.open_list else "stop",
        errorTitle=column.name[:_TITLE_CHARS],
        error=error[:_MESSAGE_CHARS],
        showInputMessage=True,
        promptTitle=column.name[:_TITLE_CHARS],
        prompt=column.meaning[:_MESSAGE_CHARS],
    )
    validation.add(cells)
    return validation


def _write_readme(
    sheet: Worksheet, sheets: dict[str, tuple[TemplateColumn, ...]], name: str
) -> None:
    from openpyxl.styles import Alignment, Font

    lines = _readme_lines(sheets, name)
    for number, (text, heading) in enumerate(lines, 1):
        cell = sheet.cell(row=number, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if heading:
            cell.font = Font(bold=True, size=14 if number == 1 else 11)
    sheet.column_dimensions["A"].width = 110


def _readme_lines(
    sheets: dict[str, tuple[TemplateColumn, ...]], name: str
) -> list[tuple[str, bool]]:
    """The README's lines, each with whether it is a heading."""
    text: list[tuple[str, bool]] = [
        ("bioris data-entry workbook", True),
        (
            "Fill in the sheets Actors, Deals, Pipeline and Financials, one row per fact, then "
            "import the workbook. Every sheet is read; a sheet may be left with its header "
            "only, renamed or deleted. This README sheet is skipped.",
            False,
        ),
        ("", False),
        ("How to import", True),
        (f"bioris import {name} --store S     (add --dry-run first to check it only)", False),
        (
            "Every problem is reported as FILE[SHEET]:ROW:COLUMN, e.g. "
            f"{name}[Deals]:3:5 for the fifth column of the Deals sheet's third row; nothing "
            "is imported until there are none.",
            False,
        ),
        ("", False),
        ("The sheets", True),
        ("Actors: one row per organisation: firms, universities, investors...", False),
        ("Deals: one row per deal (alliance, licence, investment, acquisition...)", False),
        ("Pipeline: one row per dated stage event of a firm's asset", False),
        ("Financials: one row per firm and financial year", False),
        ("", False),
        ("The rules", True),
        *(
            (rule, False)
            for rule in (
                "One row per deal. A side with several parties (a syndicated round) lists "
                "them in one cell, separated by ';'.",
                "Parties are named in words, as in the Actors sheet (its name or an alias); "
                "nbf is the focal firm, partner the other side.",
                "Amounts are in millions of the row's currency, a plain number (12.5); the "
                "currency is an ISO 4217 code such as EUR, USD or DKK.",
                "Dates are written YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source.",
                "An acquisition's focal firm (nbf) is the company bought; write acquirer in "
                "focal_role when the focal firm is the buyer.",
                "confidence: high when the source states the fact, medium when it is "
                "inferred from the source, unsourced when there is no source.",
                "Headers with a shaded cell are required columns; drop-down lists give the "
                "allowed values. Do not rename or add columns.",
                "Financials: the figures are in the row's unit (thousand or million) of its "
                "currency; net_result is negative for a loss.",
                "Corporate history (renamings, acquisitions, closures) goes in an actor's "
                "aliases and exit (acquired by X 2010; closed 2017).",
                "Do not name a sheet of data README: a sheet of that name is skipped.",
            )
        ),
        ("", False),
        ("The columns", True),
    ]
    for title, columns in sheets.items():
        for column in columns:
            need = "required" if column.required else "optional"
            text.append((f"{title}.{column.name} ({need}): {column.meaning}", False))
    return text


def _save(workbook: Workbook, target: Path) -> None:
    """Write through a temporary file beside ``target``: no half-written workbook is left."""
    # a name of our own, not mkstemp's: the file gets the usual permissions, not 0600
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        try:
            workbook.save(temporary)
            os.replace(temporary, target)
        finally:
            temporary.unlink(missing_ok=True)
    except OSError as exc:
        raise BiorisError(f"{target}: cannot write the template: {exc.strerror or exc}") from None
