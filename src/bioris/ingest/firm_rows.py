"""Pipeline-event and financial rows, raw or canonical, -> domain records.

Raw pipeline rows name the firm and the stage's *operator* in words. The firm must resolve to
an actor; the operator is descriptive (it may name a partner that is not an actor, or two
parties: "Galapagos (US) and Servier (ex-US)"), so it is split on ``and``, ``;`` and ``/``,
each part is resolved where possible, and the stage is read as the firm's ``own`` (only the
firm), ``shared`` (the firm and a partner) or ``partner`` (others only).

Raw financial rows are in the source's unit (thousand or million) and are stored in millions.
Which kind of document a figure comes from (:class:`~bioris.domain.SourceKind`) is read from
the row's notes and URL by :data:`SOURCE_KIND_RULES`, first match wins; the analytics use it
to pick one figure per firm-year (an audited filing over a results release over the press).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable

from bioris.domain import (
    FINANCIAL_FIELDS,
    FinancialRecord,
    FxTable,
    OperatorRole,
    PipelineEvent,
    PipelineStage,
    SourceKind,
    split_list,
)
from bioris.domain.money import currency_problem
from bioris.ingest.cells import Cells
from bioris.ingest.raw_actors import provenance_of

__all__ = [
    "SOURCE_KIND_RULES",
    "parse_financial",
    "parse_pipeline_event",
    "source_kind_of",
]

# (reported name) -> actor id or None; the firm resolver records an error when None
Resolver = Callable[[str], str | None]
# (reported name) -> the ids it may denote (several when the name is ambiguous)
Candidates = Callable[[str], set[str]]

SOURCE_KIND_RULES: tuple[tuple[SourceKind, re.Pattern[str]], ...] = (
    # a filing's rounded highlights are the company's summary, not the audited statements
    (SourceKind.RESULTS_RELEASE, re.compile(r"at a glance|\(rounded\)|\bhighlights\b")),
    (SourceKind.FILING, re.compile(
        r"\b(20-f|10-k|annual report|annual accounts|(?<!un)audited|financial statements"
        r"|prospectus|form f-1|jaarverslag|rapport annuel|half-year report)\b"
    )),
    (SourceKind.RESULTS_RELEASE, re.compile(
        r"\b(results (press )?release|press release|business update)\b"
    )),
)  # fmt: skip
_OPERATOR_SPLIT = re.compile(r"\s+and\s+|\s+with\s+|\s*;\s*|\s*/\s*")


def source_kind_of(notes: str | None, url: str | None) -> SourceKind:
    """The kind of document a figure comes from, by :data:`SOURCE_KIND_RULES`."""
    text = f"{notes or ''} {url or ''}".casefold()
    for kind, pattern in SOURCE_KIND_RULES:
        if pattern.search(text):
            return kind
    return SourceKind.PRESS if text.strip() else SourceKind.OTHER


def _digest(*parts: object) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:10]


def operator_reading(
    firm_id: str, operator: str | None, candidates: Candidates
) -> tuple[tuple[str, ...], OperatorRole]:
    """(operator ids, operator role) of a pipeline stage, read from the firm's side.

    A part that may denote several actors counts as the firm when the firm is one of them
    (``Tibotec-Virco`` operating a Tibotec asset), else as unresolved.
    """
    if not operator:
        return (), OperatorRole.UNKNOWN
    parts = [p for p in _OPERATOR_SPLIT.split(operator) if p.strip()]
    ids = [_one(firm_id, candidates(p)) for p in parts]
    known = tuple(dict.fromkeys(i for i in ids if i))
    if firm_id in known:
        alone = len(known) == 1 and all(ids)
        return known, OperatorRole.OWN if alone else OperatorRole.SHARED
    return known, OperatorRole.PARTNER


def _one(firm_id: str, found: set[str]) -> str | None:
    if firm_id in found:
        return firm_id
    return next(iter(found)) if len(found) == 1 else None


def parse_pipeline_event(
    cells: Cells, firm: Resolver, operator: Candidates, *, canonical: bool
) -> PipelineEvent | None:
    """A pipeline row (raw: ``firm, event_date``; canonical: ``firm_id, date``)."""
    before = len(cells.errors)
    firm_column, date_column = ("firm_id", "date") if canonical else ("firm", "event_date")
    name = cells.required(firm_column)
    firm_id = firm(name) if name else None
    asset = cells.required("asset")
    stage = cells.member("stage", PipelineStage)
    parsed = cells.date(date_column)
    if parsed is None and cells.text(date_column) is None:
        cells.error(date_column, "is empty but required")
    provenance = provenance_of(cells, "source_urls" if canonical else "source_url")
    if len(cells.errors) > before or not (firm_id and asset and stage and parsed):
        return None
    text = cells.text("operator")
    if canonical:
        ids = split_list(cells.text("operator_ids") or "")
        role = cells.member("operator_role", OperatorRole, required=False) or OperatorRole.UNKNOWN
    else:
        ids, role = operator_reading(firm_id, text, operator)
    event = cells.text("event")
    event_id = cells.text("event_id") if canonical else None
    return PipelineEvent(
        event_id=event_id or "ev-" + _digest(firm_id, asset, parsed.text, stage.value, event),
        firm_id=firm_id,
        asset=asset,
        stage=stage,
        year=parsed.year,
        date=parsed.text,
        modality=cells.text("modality"),
        indication=cells.text("indication"),
        event=event,
        operator=text,
        operator_ids=ids,
        operator_role=role,
        notes=cells.text("notes"),
        provenance=provenance,
    )


def parse_financial(
    cells: Cells, firm: Resolver, fx: FxTable, *, canonical: bool
) -> FinancialRecord | None:
    """A financials row (raw figures are scaled from ``unit`` to millions).

    ``currency`` is any ISO 4217 code; ``eur_per_unit`` is the canonical file's own factor,
    else the year's average rate (:meth:`~bioris.domain.FxTable.eur_per_unit`), else ``None``:
    such a record's figures have no euro value, and
    :func:`~bioris.domain.money.unconverted` lists them.
    """
    before = len(cells.errors)
    name = cells.required("firm_id" if canonical else "firm")
    firm_id = firm(name) if name else None
    year = cells.year("year")
    if year is None and cells.text("year") is None:
        cells.error("year", "is empty but required")
    currency = (cells.required("currency") or "").strip().upper()
    if currency and (problem := currency_problem(currency)):
        cells.error("currency", problem)
    scale = 1.0 if canonical else _unit_scale(cells)
    values = {f: _signed(cells, f, scale) for f in FINANCIAL_FIELDS}
    kind = _source_kind(cells, canonical)
    provenance = provenance_of(cells, "source_urls" if canonical else "source_url")
    if len(cells.errors) > before or not (firm_id and year and currency and kind):
        return None
    notes = cells.text("notes")
    record_id = cells.text("record_id") if canonical else None
    rate = fx.eur_per_unit(currency, year)  # None without a rate: listed by unconverted()
    eur = cells.amount("eur_per_unit") if canonical else None
    return FinancialRecord(
        record_id=record_id or "fin-" + _digest(firm_id, year, provenance.source_urls, notes),
        firm_id=firm_id,
        year=year,
        currency=currency,
        source_kind=kind,
        values=values,
        eur_per_unit=eur if eur is not None else rate,
        notes=notes,
        provenance=provenance,
    )


def _unit_scale(cells: Cells) -> float:
    unit = (cells.text("unit") or "million").casefold()
    scales = {"million": 1.0, "millions": 1.0, "thousand": 0.001, "thousands": 0.001}
    if unit not in scales:
        cells.error("unit", f"{unit!r} is not one of: thousand, million")
    return scales.get(unit, 1.0)


def _signed(cells: Cells, name: str, scale: float) -> float | None:
    """A figure that may be negative (net result), scaled to millions."""
    value = cells.text(name)
    if value is None:
        return None
    number = cells.number_of(value)
    if not math.isfinite(number):
        cells.error(name, f"{value!r} is not a number")
        return None
    if name not in {"net_result"} and number < 0:
        cells.error(name, f"amount {value} is negative")
        return None
    return round(number * scale, 9)


def _source_kind(cells: Cells, canonical: bool) -> SourceKind | None:
    if canonical:
        return cells.member("source_kind", SourceKind)
    return source_kind_of(cells.text("notes"), cells.text("source_url"))
