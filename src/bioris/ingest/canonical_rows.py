"""Canonical-format rows (see :mod:`bioris.domain.canonical`) -> domain records."""

from __future__ import annotations

from dataclasses import dataclass

from bioris.domain import (
    Actor,
    ActorKind,
    DealType,
    FxTable,
    LineageFact,
    LineageRelation,
    Money,
    Party,
    Role,
    Stage,
    Terms,
    split_list,
)
from bioris.domain.canonical import MONEY_FIELDS
from bioris.domain.geography import country_problem, is_country_code
from bioris.domain.money import currency_problem
from bioris.ingest.cells import FOUNDING_EARLIEST, Cells
from bioris.ingest.raw_actors import provenance_of

__all__ = ["AllianceHead", "parse_actor", "parse_alliance", "parse_lineage", "parse_party"]


@dataclass(frozen=True, slots=True)
class AllianceHead:
    """An alliances row before its parties (from the parties file) are attached."""

    line: int
    fields: dict[str, object]


def parse_actor(cells: Cells) -> Actor | None:
    """A canonical actors row."""
    before = len(cells.errors)
    actor_id = cells.required("actor_id")
    name = cells.required("name")
    kind = cells.member("kind", ActorKind)
    country = cells.text("country")
    if country is not None and not is_country_code(country):
        cells.error("country", country_problem(country))
    # "bioregion" is the column's name in exports of bioris before 0.2
    region = cells.text("region") or cells.text("bioregion")
    founded, ipo_year = cells.year("founded", earliest=FOUNDING_EARLIEST), cells.year("ipo_year")
    provenance = provenance_of(cells, "source_urls")
    if len(cells.errors) > before or not (actor_id and name and kind):
        return None
    return Actor(
        actor_id=actor_id,
        name=name,
        kind=kind,
        country=country.upper() if country else None,
        region=region,
        city=cells.text("city"),
        founded=founded,
        origin=split_list(cells.text("origin") or ""),
        subsectors=split_list(cells.text("subsectors") or ""),
        ipo_year=ipo_year,
        exit=cells.text("exit"),
        aliases=split_list(cells.text("aliases") or ""),
        provenance=provenance,
    )


def parse_lineage(cells: Cells) -> LineageFact | None:
    """A canonical lineage row."""
    before = len(cells.errors)
    actor_id = cells.required("actor_id")
    relation = cells.member("relation", LineageRelation)
    target = cells.required("target")
    start, end = cells.year("start_year"), cells.year("end_year")
    if start is not None and end is not None and end < start:
        cells.error("end_year", f"end year {end} is before start year {start}")
    provenance = provenance_of(cells, "source_urls")
    if len(cells.errors) > before or not (actor_id and relation and target):
        return None
    return LineageFact(actor_id, relation, target, start, end, cells.text("notes"), provenance)


def parse_alliance(cells: Cells, fx: FxTable) -> AllianceHead | None:
    """A canonical alliances row, its parties still to come."""
    before = len(cells.errors)
    alliance_id = cells.required("alliance_id")
    year = cells.year("year")
    parsed = cells.date("date")
    if parsed and year is not None and parsed.year != year:
        cells.error("date", f"date {parsed.text} disagrees with year {year}")
    deal_type = cells.member("deal_type", DealType)
    stage = cells.member("stage_at_signing", Stage, required=False) or Stage.UNKNOWN
    end_year = cells.year("end_year")
    if year is not None and end_year is not None and end_year < year:
        cells.error("end_year", f"end year {end_year} is before the signing year {year}")
    terms = Terms(
        **{name: _money(cells, fx, year, name) for name in MONEY_FIELDS},
        royalties=cells.text("royalties"),
    )
    provenance = provenance_of(cells, "source_urls")
    if len(cells.errors) > before or not (alliance_id and deal_type):
        return None
    fields = {
        "alliance_id": alliance_id,
        "year": year,
        "date": parsed.text if parsed else None,
        "deal_type": deal_type,
        "stage_at_signing": stage,
        "asset": cells.text("asset"),
        "therapeutic_area": cells.text("therapeutic_area"),
        "terms": terms,
        "end_year": end_year,
        "end_reason": cells.text("end_reason"),
        "notes": cells.text("notes"),
        "provenance": provenance,
    }
    return AllianceHead(cells.row.line, fields)


def parse_party(cells: Cells) -> tuple[str, Party] | None:
    """A canonical parties row as (alliance id, party)."""
    before = len(cells.errors)
    alliance_id = cells.required("alliance_id")
    actor_id = cells.required("actor_id")
    role = cells.member("role", Role)
    focal = cells.flag("focal")
    if len(cells.errors) > before or not (alliance_id and actor_id and role):
        return None
    return alliance_id, Party(actor_id, role, bool(focal), cells.text("name_as_reported") or "")


def _money(cells: Cells, fx: FxTable, year: int | None, name: str) -> Money | None:
    amount = cells.amount(f"{name}_amount")
    currency = cells.text(f"{name}_currency")
    eur = cells.amount(f"{name}_eur")
    if amount is None:
        given = cells.text(f"{name}_amount") is not None  # given but invalid: already reported
        if not given and (currency is not None or eur is not None):
            cells.error(f"{name}_amount", "is empty but a currency or euro value is given")
        return None
    if currency is None:
        cells.error(f"{name}_currency", "is empty but an amount is given (an ISO 4217 code)")
        return None
    if problem := currency_problem(currency):
        cells.error(f"{name}_currency", problem)
        return None
    currency = currency.upper()
    return Money(amount, currency, eur if eur is not None else fx.to_eur(amount, currency, year))
