"""The input formats bioris reads, recognised from a file's header.

Two families: the *raw* facts format of the bundled sources (one row per actor or per deal,
parties named in words) and bioris's *canonical* format (what ``bioris export --format csv``
writes: ids, one row per record). A header must hold a format's required columns and nothing
outside its known columns, so that no column is silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from bioris.domain import FINANCIAL_FIELDS
from bioris.domain.canonical import (
    ACTOR_COLUMNS,
    ALLIANCE_COLUMNS,
    FINANCIAL_COLUMNS,
    LINEAGE_COLUMNS,
    PARTY_COLUMNS,
    PIPELINE_COLUMNS,
)
from bioris.errors import RowError

__all__ = ["FORMATS", "Format", "detect_format"]

RAW_ACTOR_COLUMNS = (
    "name", "aliases", "kind", "region", "country", "city", "founded", "origin", "subsector",
    "ipo_year", "exit", "source_url", "confidence",
)  # fmt: skip
RAW_ALLIANCE_COLUMNS = (
    "year", "date", "nbf", "partner", "deal_type", "asset_or_technology", "therapeutic_area",
    "stage_at_signing", "upfront_musd", "upfront_meur", "milestones_musd", "milestones_meur",
    "equity_meur", "notes", "source_url", "confidence", "focal_role",
)  # fmt: skip
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
