"""Domain records and analytics rows as the API shows them (plain, JSON-safe values)."""

from __future__ import annotations

import gzip
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from bioris.domain import Actor
from bioris.web.safety import escape_json
from bioris.web.schemas import NetworkOut

__all__ = [
    "INT_MEASURES",
    "FrameIndex",
    "JsonBody",
    "accepts_gzip",
    "actor_json",
    "cell",
    "finite",
    "network_body",
    "partner_counts",
    "rows",
]

# Compressed once per cached body: level 6 packs a 5 MB snapshot to about a fifth in ~0.1 s.
_GZIP_LEVEL = 6

#: measures that are counts (integers in JSON)
INT_MEASURES = frozenset({"degree", "coordinator", "itinerant", "gatekeeper", "representative",
                          "liaison", "brokerage_total"})  # fmt: skip


def actor_json(actor: Actor, place: Mapping[str, Any]) -> dict[str, Any]:
    """An actor as the API shows it, placed by the study: ``place`` gives its ``country``
    (its own, else its declared region's), ``location`` (its declared region, else its
    country, else ``unknown``), ``in_panel``, ``exit_year`` and ``exit_kind``."""
    return {
        "actor_id": actor.actor_id,
        "name": actor.name,
        "kind": actor.kind.value,
        "country": place.get("country") or actor.country,
        "region": actor.region,
        "location": place["location"],
        "in_panel": bool(place.get("in_panel")),
        "exit_year": place.get("exit_year"),
        "exit_kind": place.get("exit_kind"),
        "city": actor.city,
        "founded": actor.founded,
        "ipo_year": actor.ipo_year,
        "exit": actor.exit,
        "aliases": list(actor.aliases),
        "source_urls": list(actor.provenance.source_urls),
        "confidence": actor.provenance.confidence.value,
    }


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


@dataclass(frozen=True, slots=True)
class FrameIndex:
    """The rows of one frame by the value of a column, without splitting it.

    ``frame`` is sorted by that column (stably) and ``spans`` gives each value's first row
    and number of rows; :meth:`get` slices, which shares the frame's memory. Splitting the
    frame instead (``partition_by``) would cost about 10 kB per part: 20,000 actors' measures
    would hold 200 MB more than their data.
    """

    frame: pl.DataFrame
    spans: dict[Any, tuple[int, int]]

    @classmethod
    def of(cls, frame: pl.DataFrame, column: str) -> FrameIndex:
        """``frame`` indexed by ``column`` (sorted by it first, unless it is already)."""
        if not frame[column].is_sorted():
            frame = frame.sort(column, maintain_order=True)
        runs = (
            frame.select(column).with_row_index("start")
            .group_by(column, maintain_order=True)
            .agg(pl.col("start").first(), pl.len().alias("rows"))
        )  # fmt: skip
        return cls(frame, {key: (start, n) for key, start, n in runs.iter_rows()})

    def get(self, key: Any) -> pl.DataFrame | None:
        """The rows of ``key``, or ``None``."""
        span = self.spans.get(key)
        return None if span is None else self.frame.slice(*span)

    def keys(self) -> list[Any]:
        """The values of the column, in order."""
        return list(self.spans)


@dataclass(frozen=True, slots=True)
class JsonBody:
    """A JSON response body kept for many requests: escaped (:func:`escape_json`) and
    gzip-compressed once, so that serving it costs neither again.

    ``gzip`` is sent to clients that accept gzip (browsers, httpx, requests, curl
    ``--compressed``), ``plain`` to the others.
    """

    plain: bytes
    gzip: bytes

    @classmethod
    def of(cls, raw: bytes) -> JsonBody:
        """The body of the UTF-8 JSON document ``raw``."""
        escaped = escape_json(raw)
        return cls(escaped, gzip.compress(escaped, compresslevel=_GZIP_LEVEL, mtime=0))

    @property
    def nbytes(self) -> int:
        """The memory the two forms hold, in bytes."""
        return len(self.plain) + len(self.gzip)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` header value admits gzip (RFC 9110 section 12.5.3):
    ``gzip`` (or ``x-gzip``) with a non-zero ``q``, else ``*`` with a non-zero ``q``."""
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        coding, *params = part.split(";")
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[coding.strip().lower()] = weight
    for coding in ("gzip", "x-gzip", "*"):
        if coding in weights:
            return weights[coding] > 0
    return False


def network_body(
    year: int,
    window: int,
    layers: list[str],
    years: list[int],
    nodes: list[dict],
    edges: list[dict],
    reduced: dict | None = None,
) -> JsonBody:
    """The body of a network snapshot, validated against :class:`NetworkOut`; ``reduced``
    (``NetworkReduction``) when it holds only part of the network."""
    payload = {"year": year, "window": window, "layers": layers, "years": years,
               "nodes": nodes, "edges": edges, "reduced": reduced}  # fmt: skip
    return JsonBody.of(NetworkOut.model_validate(payload).model_dump_json().encode())


def partner_counts(
    parties: pl.DataFrame, names: dict[str, str]
) -> dict[str, list[tuple[str, int]]]:
    """actor -> its partners with the number of alliances shared, most first (then by name,
    ignoring case, then id), from the ``alliance_id, actor_id`` rows of ``parties``."""
    own = parties.select("alliance_id", "actor_id").unique()
    pairs = (
        own.join(own.rename({"actor_id": "partner"}), on="alliance_id")
        .filter(pl.col("actor_id") != pl.col("partner"))
        .group_by("actor_id", "partner")
        .agg(pl.len().alias("deals"))
    )
    found: dict[str, list[tuple[str, int]]] = {}
    for actor, partner, deals in pairs.iter_rows():
        found.setdefault(actor, []).append((partner, int(deals)))
    for partners in found.values():
        partners.sort(key=lambda p: (-p[1], names.get(p[0], p[0]).casefold(), p[0]))
    return found
