"""Reviewed decisions applied when an import cannot decide alone (the dataset build uses them).

A decisions file is TOML, read by hand as much as by code. Every entry carries a ``reason``.

``[[actor]]``     an actor that no actors file holds (a party of some deal): name, kind,
                  country and/or region, optional aliases; it gets the sources of the rows that
                  name it.
``[[alias]]``     a reported name that denotes a known actor: ``name`` -> ``actor``.
``[[lineage]]``   a dated lineage fact (renames, parents, acquisitions) with its sources.
``[[row]]``       a decision about one input row, located by ``file`` (base name) and ``line``,
                  guarded by ``expect`` (text the row must contain, so a changed input fails
                  loudly): ``exclude = true`` (left out, for ``reason``), or ``set`` (cell
                  corrections, e.g. ``focal_role = "acquirer"`` for an acquisition the focal
                  firm made).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bioris.errors import BiorisError

__all__ = ["ActorDecision", "AliasDecision", "Decisions", "LineageDecision", "RowDecision"]


@dataclass(frozen=True, slots=True)
class ActorDecision:
    """An actor to add: parties named in deals but absent from every actors file."""

    name: str
    kind: str
    reason: str
    country: str | None = None
    region: str | None = None
    aliases: tuple[str, ...] = ()
    source_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AliasDecision:
    """A reported name that denotes a known actor."""

    name: str
    actor: str
    reason: str


@dataclass(frozen=True, slots=True)
class LineageDecision:
    """A dated lineage fact, with the pages that state it."""

    actor: str
    relation: str
    target: str
    reason: str
    start_year: int | None = None
    end_year: int | None = None
    source_urls: tuple[str, ...] = ()
    confidence: str = "high"


@dataclass(frozen=True, slots=True)
class RowDecision:
    """A decision about one input row."""

    file: str
    line: int
    expect: str
    reason: str
    exclude: bool = False
    set: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Decisions:
    """All decisions of one file, ready to apply."""

    actors: tuple[ActorDecision, ...] = ()
    aliases: tuple[AliasDecision, ...] = ()
    lineage: tuple[LineageDecision, ...] = ()
    rows: tuple[RowDecision, ...] = ()

    def for_row(self, file: str, line: int) -> RowDecision | None:
        """The decision about ``file``'s row starting at ``line``, if any."""
        if not self.rows:
            return None
        name = Path(file).name
        for decision in self.rows:
            if decision.file == name and decision.line == line:
                return decision
        return None

    @classmethod
    def load(cls, path: str | Path) -> Decisions:
        """Read a decisions TOML file; a malformed entry is an error naming it."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise BiorisError(f"{path}: cannot read decisions: {exc}") from None
        return cls(
            actors=_entries(path, data, "actor", ActorDecision),
            aliases=_entries(path, data, "alias", AliasDecision),
            lineage=_entries(path, data, "lineage", LineageDecision),
            rows=_entries(path, data, "row", RowDecision),
        )


def _entries(path: str | Path, data: dict[str, Any], key: str, kind: type) -> tuple:
    entries = []
    for number, raw in enumerate(data.get(key, []), start=1):
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in raw.items()}
        try:
            entries.append(kind(**values))
        except TypeError as exc:
            raise BiorisError(f"{path}: [[{key}]] entry {number}: {exc}") from None
    return tuple(entries)
