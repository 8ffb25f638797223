"""Domain records and analytics rows as the API shows them (plain, JSON-safe values)."""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from bioris.domain import Actor
from bioris.web.schemas import NetworkOut

__all__ = ["INT_MEASURES", "actor_json", "cell", "finite", "network_bytes", "regions_of", "rows"]

#: measures that are counts (integers in JSON)
INT_MEASURES = frozenset({"degree", "coordinator", "itinerant", "gatekeeper", "representative",
                          "liaison", "brokerage_total"})  # fmt: skip


def actor_json(actor: Actor) -> dict[str, Any]:
    """An actor as the API shows it."""
    return {
        "actor_id": actor.actor_id,
        "name": actor.name,
        "kind": actor.kind.value,
        "country": actor.country,
        "bioregion": actor.bioregion.value if actor.bioregion else None,
        "city": actor.city,
        "founded": actor.founded,
        "ipo_year": actor.ipo_year,
        "exit": actor.exit,
        "aliases": list(actor.aliases),
        "source_urls": list(actor.provenance.source_urls),
        "confidence": actor.provenance.confidence.value,
    }


def regions_of(actors: tuple[Actor, ...]) -> dict[str, str]:
    """casefolded -> canonical name of every bioRegion, then country code, in the data."""
    bioregions = sorted({a.bioregion.value for a in actors if a.bioregion})
    countries = sorted({a.country for a in actors if a.country})
    return {name.casefold(): name for name in (*bioregions, *countries)}


def finite(value: Any) -> Any:
    """NaN and infinities (not JSON) become ``None``."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def cell(value: Any) -> Any:
    """A CSV cell: empty for ``None``."""
    return "" if value is None else value


def rows(frame: pl.DataFrame, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts of JSON-safe values (integers for the count measures)."""
    found = []
    for row in frame.select(columns).iter_rows(named=True):
        clean = {key: finite(value) for key, value in row.items()}
        for key in INT_MEASURES & clean.keys():
            clean[key] = int(clean[key] or 0)
        found.append(clean)
    return found


def network_bytes(
    year: int, window: int, years: list[int], nodes: list[dict], edges: list[dict]
) -> bytes:
    """The JSON of a network snapshot, validated against :class:`NetworkOut`."""
    payload = {"year": year, "window": window, "years": years, "nodes": nodes, "edges": edges}
    return NetworkOut.model_validate(payload).model_dump_json().encode()
