"""Mapping between domain records and store rows.

Lists (aliases, origins, subsectors, source URLs) are stored as JSON text arrays, so any item
text survives (unlike the ``"; "``-joined cells of the canonical CSV). Each money field of
:class:`~bioris.domain.Terms` is three columns, ``<field>_amount``, ``<field>_currency`` and
``<field>_eur``; a field is absent when its amount and currency are both NULL.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from bioris.domain import (
    Actor,
    ActorKind,
    Alliance,
    Confidence,
    DealType,
    LineageFact,
    LineageRelation,
    Money,
    Party,
    Provenance,
    Role,
    Stage,
    Terms,
)
from bioris.domain.canonical import (
    ACTOR_COLUMNS,
    ALLIANCE_COLUMNS,
    LINEAGE_COLUMNS,
    MONEY_FIELDS,
)

__all__ = [
    "ACTOR_COLUMNS",
    "ALLIANCE_COLUMNS",
    "LINEAGE_COLUMNS",
    "MONEY_FIELDS",
    "PARTY_COLUMNS",
    "actor_from_row",
    "actor_params",
    "alliance_from_row",
    "alliance_params",
    "lineage_from_row",
    "lineage_params",
    "party_from_row",
    "party_params",
]

Params = dict[str, Any]

PARTY_COLUMNS = ("alliance_id", "position", "actor_id", "role", "focal", "name_as_reported")


def _dump_list(items: tuple[str, ...]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def _load_list(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def _provenance_params(provenance: Provenance) -> Params:
    return {
        "source_urls": _dump_list(provenance.source_urls),
        "confidence": provenance.confidence.value,
    }


def _provenance(row: sqlite3.Row) -> Provenance:
    return Provenance(_load_list(row["source_urls"]), Confidence(row["confidence"]))


def actor_params(actor: Actor) -> Params:
    """Named parameters of one ``actors`` row."""
    return {
        "actor_id": actor.actor_id,
        "name": actor.name,
        "kind": actor.kind.value,
        "country": actor.country,
        "region": actor.region,
        "city": actor.city,
        "founded": actor.founded,
        "origin": _dump_list(actor.origin),
        "subsectors": _dump_list(actor.subsectors),
        "ipo_year": actor.ipo_year,
        "exit": actor.exit,
        "aliases": _dump_list(actor.aliases),
        **_provenance_params(actor.provenance),
    }


def actor_from_row(row: sqlite3.Row) -> Actor:
    """The :class:`Actor` of one ``actors`` row."""
    return Actor(
        actor_id=row["actor_id"],
        name=row["name"],
        kind=ActorKind(row["kind"]),
        country=row["country"],
        region=row["region"],
        city=row["city"],
        founded=row["founded"],
        origin=_load_list(row["origin"]),
        subsectors=_load_list(row["subsectors"]),
        ipo_year=row["ipo_year"],
        exit=row["exit"],
        aliases=_load_list(row["aliases"]),
        provenance=_provenance(row),
    )


def lineage_params(fact: LineageFact) -> Params:
    """Named parameters of one ``lineage`` row."""
    return {
        "actor_id": fact.actor_id,
        "relation": fact.relation.value,
        "target": fact.target,
        "start_year": fact.start_year,
        "end_year": fact.end_year,
        "notes": fact.notes,
        **_provenance_params(fact.provenance),
    }


def lineage_from_row(row: sqlite3.Row) -> LineageFact:
    """The :class:`LineageFact` of one ``lineage`` row."""
    return LineageFact(
        actor_id=row["actor_id"],
        relation=LineageRelation(row["relation"]),
        target=row["target"],
        start_year=row["start_year"],
        end_year=row["end_year"],
        notes=row["notes"],
        provenance=_provenance(row),
    )


def _money_params(name: str, money: Money | None) -> Params:
    if money is None:
        return {f"{name}_amount": None, f"{name}_currency": None, f"{name}_eur": None}
    return {
        f"{name}_amount": money.amount,
        f"{name}_currency": money.currency,
        f"{name}_eur": money.eur,
    }


def _money(row: sqlite3.Row, name: str) -> Money | None:
    amount, currency = row[f"{name}_amount"], row[f"{name}_currency"]
    if amount is None and currency is None:
        return None
    return Money(amount, currency, row[f"{name}_eur"])


def alliance_params(alliance: Alliance) -> Params:
    """Named parameters of one ``alliances`` row (the parties go to :func:`party_params`)."""
    params: Params = {
        "alliance_id": alliance.alliance_id,
        "year": alliance.year,
        "date": alliance.date,
        "deal_type": alliance.deal_type.value,
        "stage_at_signing": alliance.stage_at_signing.value,
        "asset": alliance.asset,
        "therapeutic_area": alliance.therapeutic_area,
    }
    for name in MONEY_FIELDS:
        params |= _money_params(name, getattr(alliance.terms, name))
    return params | {
        "royalties": alliance.terms.royalties,
        "end_year": alliance.end_year,
        "end_reason": alliance.end_reason,
        "notes": alliance.notes,
        **_provenance_params(alliance.provenance),
    }


def alliance_from_row(row: sqlite3.Row, parties: tuple[Party, ...]) -> Alliance:
    """The :class:`Alliance` of one ``alliances`` row and its parties (in position order)."""
    money = {name: _money(row, name) for name in MONEY_FIELDS}
    return Alliance(
        alliance_id=row["alliance_id"],
        year=row["year"],
        date=row["date"],
        deal_type=DealType(row["deal_type"]),
        parties=parties,
        stage_at_signing=Stage(row["stage_at_signing"]),
        asset=row["asset"],
        therapeutic_area=row["therapeutic_area"],
        terms=Terms(**money, royalties=row["royalties"]),
        end_year=row["end_year"],
        end_reason=row["end_reason"],
        notes=row["notes"],
        provenance=_provenance(row),
    )


def party_params(alliance_id: str, position: int, party: Party) -> Params:
    """Named parameters of one ``parties`` row."""
    return {
        "alliance_id": alliance_id,
        "position": position,
        "actor_id": party.actor_id,
        "role": party.role.value,
        "focal": int(party.focal),
        "name_as_reported": party.name_as_reported,
    }


def party_from_row(row: sqlite3.Row) -> Party:
    """The :class:`Party` of one ``parties`` row."""
    return Party(
        actor_id=row["actor_id"],
        role=Role(row["role"]),
        focal=bool(row["focal"]),
        name_as_reported=row["name_as_reported"],
    )
