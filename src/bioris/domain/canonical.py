"""bioris's canonical interchange format: one CSV per record type, columns fixed here.

``bioris export --format csv`` writes these files and ``bioris import`` reads them back
(ingest detects the record type from the header). Lists (aliases, origins, subsectors, source
URLs) sit in one cell separated by ``"; "``. Money is in millions: the amount and currency as
stated, and the euro value used by the analytics. This module only *serialises*; parsing with
validation is ingest's job.
"""

from __future__ import annotations

from bioris.domain.actor import Actor, LineageFact
from bioris.domain.alliance import Alliance, Party
from bioris.domain.money import Money
from bioris.domain.pipeline import FINANCIAL_FIELDS, FinancialRecord, PipelineEvent
from bioris.domain.provenance import join_list

__all__ = [
    "ACTOR_COLUMNS",
    "ALLIANCE_COLUMNS",
    "FINANCIAL_COLUMNS",
    "LINEAGE_COLUMNS",
    "MONEY_FIELDS",
    "PARTY_COLUMNS",
    "PIPELINE_COLUMNS",
    "RECORD_FILES",
    "actor_row",
    "alliance_row",
    "financial_row",
    "lineage_row",
    "party_rows",
    "pipeline_row",
]

ACTOR_COLUMNS = (
    "actor_id", "name", "kind", "country", "region", "city", "founded", "origin",
    "subsectors", "ipo_year", "exit", "aliases", "source_urls", "confidence",
)  # fmt: skip
LINEAGE_COLUMNS = (
    "actor_id", "relation", "target", "start_year", "end_year", "notes", "source_urls",
    "confidence",
)  # fmt: skip
MONEY_FIELDS = ("upfront", "milestones", "equity", "rd_funding")
ALLIANCE_COLUMNS = (
    "alliance_id", "year", "date", "deal_type", "stage_at_signing", "asset",
    "therapeutic_area",
    *(f"{m}_{part}" for m in MONEY_FIELDS for part in ("amount", "currency", "eur")),
    "royalties", "end_year", "end_reason", "notes", "source_urls", "confidence",
)  # fmt: skip
PARTY_COLUMNS = ("alliance_id", "actor_id", "role", "focal", "name_as_reported")
PIPELINE_COLUMNS = (
    "event_id", "firm_id", "asset", "modality", "indication", "date", "year", "stage", "event",
    "operator", "operator_ids", "operator_role", "notes", "source_urls", "confidence",
)  # fmt: skip
FINANCIAL_COLUMNS = (
    "record_id", "firm_id", "year", "currency", "source_kind", *FINANCIAL_FIELDS,
    "eur_per_unit", "notes", "source_urls", "confidence",
)  # fmt: skip

# record type -> file name written by the canonical export
RECORD_FILES = {
    "actors": "actors.csv",
    "lineage": "lineage.csv",
    "alliances": "alliances.csv",
    "parties": "parties.csv",
    "pipeline": "pipeline_events.csv",
    "financials": "financials.csv",
}

Cell = str | int | float | bool | None


def actor_row(actor: Actor) -> dict[str, Cell]:
    """One canonical actors row."""
    return {
        "actor_id": actor.actor_id,
        "name": actor.name,
        "kind": actor.kind.value,
        "country": actor.country,
        "region": actor.region,
        "city": actor.city,
        "founded": actor.founded,
        "origin": join_list(actor.origin) or None,
        "subsectors": join_list(actor.subsectors) or None,
        "ipo_year": actor.ipo_year,
        "exit": actor.exit,
        "aliases": join_list(actor.aliases) or None,
        "source_urls": join_list(actor.provenance.source_urls) or None,
        "confidence": actor.provenance.confidence.value,
    }


def lineage_row(fact: LineageFact) -> dict[str, Cell]:
    """One canonical lineage row."""
    return {
        "actor_id": fact.actor_id,
        "relation": fact.relation.value,
        "target": fact.target,
        "start_year": fact.start_year,
        "end_year": fact.end_year,
        "notes": fact.notes,
        "source_urls": join_list(fact.provenance.source_urls) or None,
        "confidence": fact.provenance.confidence.value,
    }


def _money_cells(name: str, money: Money | None) -> dict[str, Cell]:
    if money is None:
        return {f"{name}_amount": None, f"{name}_currency": None, f"{name}_eur": None}
    return {
        f"{name}_amount": money.amount,
        f"{name}_currency": money.currency,
        f"{name}_eur": money.eur,
    }


def alliance_row(alliance: Alliance) -> dict[str, Cell]:
    """One canonical alliances row (the parties go to :func:`party_rows`)."""
    terms = alliance.terms
    row: dict[str, Cell] = {
        "alliance_id": alliance.alliance_id,
        "year": alliance.year,
        "date": alliance.date,
        "deal_type": alliance.deal_type.value,
        "stage_at_signing": alliance.stage_at_signing.value,
        "asset": alliance.asset,
        "therapeutic_area": alliance.therapeutic_area,
    }
    for name in MONEY_FIELDS:
        row |= _money_cells(name, getattr(terms, name))
    row |= {
        "royalties": terms.royalties,
        "end_year": alliance.end_year,
        "end_reason": alliance.end_reason,
        "notes": alliance.notes,
        "source_urls": join_list(alliance.provenance.source_urls) or None,
        "confidence": alliance.provenance.confidence.value,
    }
    return row


def party_rows(alliance: Alliance) -> list[dict[str, Cell]]:
    """Canonical parties rows of one alliance, in party order."""
    return [_party_row(alliance.alliance_id, p) for p in alliance.parties]


def _party_row(alliance_id: str, party: Party) -> dict[str, Cell]:
    return {
        "alliance_id": alliance_id,
        "actor_id": party.actor_id,
        "role": party.role.value,
        "focal": party.focal,
        "name_as_reported": party.name_as_reported or None,
    }


def pipeline_row(event: PipelineEvent) -> dict[str, Cell]:
    """One canonical pipeline_events row."""
    return {
        "event_id": event.event_id,
        "firm_id": event.firm_id,
        "asset": event.asset,
        "modality": event.modality,
        "indication": event.indication,
        "date": event.date,
        "year": event.year,
        "stage": event.stage.value,
        "event": event.event,
        "operator": event.operator,
        "operator_ids": join_list(event.operator_ids) or None,
        "operator_role": event.operator_role.value,
        "notes": event.notes,
        "source_urls": join_list(event.provenance.source_urls) or None,
        "confidence": event.provenance.confidence.value,
    }


def financial_row(record: FinancialRecord) -> dict[str, Cell]:
    """One canonical financials row (figures in millions of ``currency``)."""
    return {
        "record_id": record.record_id,
        "firm_id": record.firm_id,
        "year": record.year,
        "currency": record.currency,
        "source_kind": record.source_kind.value,
        **{name: record.value(name) for name in FINANCIAL_FIELDS},
        "eur_per_unit": record.eur_per_unit,
        "notes": record.notes,
        "source_urls": join_list(record.provenance.source_urls) or None,
        "confidence": record.provenance.confidence.value,
    }
