"""Raw actors rows (the facts format of the bundled sources) -> :class:`Actor` records."""

from __future__ import annotations

import re

from bioris.domain import (
    Actor,
    ActorKind,
    Bioregion,
    Confidence,
    Provenance,
    slugify,
    split_list,
)
from bioris.ingest.cells import FOUNDING_EARLIEST, Cells

__all__ = ["parse_location", "parse_raw_actor", "provenance_of"]

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


def provenance_of(cells: Cells, url_column: str = "source_url") -> Provenance:
    """A row's sources and confidence (a missing confidence means unsourced)."""
    urls = split_list(cells.text(url_column) or "")
    confidence = cells.member("confidence", Confidence, required=False)
    return Provenance(urls, confidence or Confidence.UNSOURCED)


def parse_location(cells: Cells, column: str) -> tuple[str | None, Bioregion | None]:
    """A ``region`` cell -> (ISO country, bioRegion): Flanders/Wallonia/Brussels mean BE."""
    value = cells.text(column)
    if value is None:
        return None, None
    for region in Bioregion:
        if value.casefold() == region.value.casefold():
            return "BE", region
    if _COUNTRY.match(value):
        return value.upper(), None
    cells.error(
        column, f"{value!r} is neither a bioRegion (Flanders, Wallonia, Brussels) nor an ISO code"
    )
    return None, None


def parse_raw_actor(cells: Cells) -> Actor | None:
    """One raw actors row as an :class:`Actor`, or ``None`` when the row has errors."""
    before = len(cells.errors)
    name = cells.required("name")
    kind = cells.member("kind", ActorKind)
    country, bioregion = parse_location(cells, "region")
    founded = cells.year("founded", earliest=FOUNDING_EARLIEST)
    ipo_year = cells.year("ipo_year")
    provenance = provenance_of(cells)
    if len(cells.errors) > before or name is None or kind is None:
        return None
    return Actor(
        actor_id=slugify(name),
        name=name,
        kind=kind,
        country=country,
        bioregion=bioregion,
        city=cells.text("city"),
        founded=founded,
        origin=split_list(cells.text("origin") or ""),
        subsectors=split_list(cells.text("subsector") or ""),
        ipo_year=ipo_year,
        exit=cells.text("exit"),
        aliases=split_list(cells.text("aliases") or ""),
        provenance=provenance,
    )
