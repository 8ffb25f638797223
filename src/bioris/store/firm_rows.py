"""Mapping between the firms' pipeline events and financial records and store rows."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bioris.domain import (
    FINANCIAL_FIELDS,
    Confidence,
    FinancialRecord,
    OperatorRole,
    PipelineEvent,
    PipelineStage,
    Provenance,
    SourceKind,
)
from bioris.domain.canonical import FINANCIAL_COLUMNS, PIPELINE_COLUMNS

__all__ = [
    "FINANCIAL_COLUMNS",
    "PIPELINE_COLUMNS",
    "financial_from_row",
    "financial_params",
    "pipeline_from_row",
    "pipeline_params",
]

Params = dict[str, Any]


def _provenance(row: sqlite3.Row) -> Provenance:
    return Provenance(tuple(json.loads(row["source_urls"])), Confidence(row["confidence"]))


def pipeline_params(event: PipelineEvent) -> Params:
    """Named parameters of one pipeline_events row."""
    return {
        "event_id": event.event_id,
        "firm_id": event.firm_id,
        "asset": event.asset,
        "stage": event.stage.value,
        "year": event.year,
        "date": event.date,
        "modality": event.modality,
        "indication": event.indication,
        "event": event.event,
        "operator": event.operator,
        "operator_ids": json.dumps(list(event.operator_ids), ensure_ascii=False),
        "operator_role": event.operator_role.value,
        "notes": event.notes,
        "source_urls": json.dumps(list(event.provenance.source_urls), ensure_ascii=False),
        "confidence": event.provenance.confidence.value,
    }


def pipeline_from_row(row: sqlite3.Row) -> PipelineEvent:
    """The pipeline event of one row."""
    return PipelineEvent(
        event_id=row["event_id"],
        firm_id=row["firm_id"],
        asset=row["asset"],
        stage=PipelineStage(row["stage"]),
        year=row["year"],
        date=row["date"],
        modality=row["modality"],
        indication=row["indication"],
        event=row["event"],
        operator=row["operator"],
        operator_ids=tuple(json.loads(row["operator_ids"])),
        operator_role=OperatorRole(row["operator_role"]),
        notes=row["notes"],
        provenance=_provenance(row),
    )


def financial_params(record: FinancialRecord) -> Params:
    """Named parameters of one financials row."""
    return {
        "record_id": record.record_id,
        "firm_id": record.firm_id,
        "year": record.year,
        "currency": record.currency,
        "source_kind": record.source_kind.value,
        **{name: record.value(name) for name in FINANCIAL_FIELDS},
        "eur_per_unit": record.eur_per_unit,
        "notes": record.notes,
        "source_urls": json.dumps(list(record.provenance.source_urls), ensure_ascii=False),
        "confidence": record.provenance.confidence.value,
    }


def financial_from_row(row: sqlite3.Row) -> FinancialRecord:
    """The financial record of one row."""
    return FinancialRecord(
        record_id=row["record_id"],
        firm_id=row["firm_id"],
        year=row["year"],
        currency=row["currency"],
        source_kind=SourceKind(row["source_kind"]),
        values={name: row[name] for name in FINANCIAL_FIELDS},
        eur_per_unit=row["eur_per_unit"],
        notes=row["notes"],
        provenance=_provenance(row),
    )
