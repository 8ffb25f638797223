"""Provenance carried by every record: the source page(s) and how well they support it."""

from __future__ import annotations

from dataclasses import dataclass

from bioris.domain.vocab import Confidence

__all__ = ["LIST_SEPARATOR", "Provenance", "join_list", "split_list"]

# Lists (aliases, subsectors, source URLs) are written in one cell, separated by this.
LIST_SEPARATOR = "; "


def split_list(text: str) -> tuple[str, ...]:
    """Split a ``;``-separated cell into stripped, non-empty items, order kept."""
    return tuple(item.strip() for item in text.split(";") if item.strip())


def join_list(items: tuple[str, ...] | list[str]) -> str:
    """Join items into one cell with :data:`LIST_SEPARATOR`."""
    return LIST_SEPARATOR.join(items)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact comes from: source URLs (order kept, no duplicates) and a confidence."""

    source_urls: tuple[str, ...] = ()
    confidence: Confidence = Confidence.UNSOURCED

    def merged(self, other: Provenance) -> Provenance:
        """Both records' sources (first-seen order), and the better-supported confidence."""
        urls = tuple(dict.fromkeys(self.source_urls + other.source_urls))
        best = max(self.confidence, other.confidence, key=lambda c: c.rank)
        return Provenance(urls, best)
