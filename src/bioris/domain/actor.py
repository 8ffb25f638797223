"""Actors of a regional innovation system and their corporate lineage."""

from __future__ import annotations

from dataclasses import dataclass, field

from bioris.domain.provenance import Provenance
from bioris.domain.vocab import ActorKind, LineageRelation

__all__ = ["Actor", "LineageFact"]


@dataclass(frozen=True, slots=True)
class Actor:
    """An organisation in the RIS.

    ``actor_id`` is a stable slug; ``country`` an ISO 3166 alpha-2 code; ``region`` where in
    the country the actor is, as the data say it (a region's name, or an ISO 3166-2 or NUTS
    code), which a study's declared regions place (:class:`~bioris.domain.study.Region`);
    ``origin`` names the institution(s) the actor spun out of.
    """

    actor_id: str
    name: str
    kind: ActorKind
    country: str | None = None
    region: str | None = None
    city: str | None = None
    founded: int | None = None
    origin: tuple[str, ...] = ()
    subsectors: tuple[str, ...] = ()
    ipo_year: int | None = None
    exit: str | None = None
    aliases: tuple[str, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True, slots=True)
class LineageFact:
    """A dated fact of corporate lineage.

    For ``NAMED`` the ``target`` is a name the actor bore; for ``SUBSIDIARY_OF`` and
    ``ACQUIRED_BY`` it is another actor's id. Years are inclusive; ``None`` means open-ended
    (or unknown, which the notes say).
    """

    actor_id: str
    relation: LineageRelation
    target: str
    start_year: int | None = None
    end_year: int | None = None
    notes: str | None = None
    provenance: Provenance = field(default_factory=Provenance)

    def holds_in(self, year: int) -> bool:
        """Whether the fact holds in ``year`` (open ends always hold)."""
        starts = self.start_year is None or self.start_year <= year
        ends = self.end_year is None or year <= self.end_year
        return starts and ends
