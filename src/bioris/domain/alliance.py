"""Alliances: dated deals between two or more parties, with roles and financial terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from bioris.domain.money import Money
from bioris.domain.provenance import Provenance
from bioris.domain.vocab import DealType, Role, Stage

__all__ = ["Alliance", "Party", "Terms"]


@dataclass(frozen=True, slots=True)
class Party:
    """One party to a deal: which actor, its role, whether it is the focal firm, as named."""

    actor_id: str
    role: Role
    focal: bool
    name_as_reported: str = ""


@dataclass(frozen=True, slots=True)
class Terms:
    """Financial terms in millions, as stated, each with a euro value.

    ``royalties`` is text (rates and tiers rarely reduce to one number).
    """

    upfront: Money | None = None
    milestones: Money | None = None
    equity: Money | None = None
    rd_funding: Money | None = None
    royalties: str | None = None

    @property
    def committed_eur(self) -> float:
        """Committed value in EUR: upfront plus equity (0 where unknown)."""
        return sum(m.eur or 0.0 for m in (self.upfront, self.equity) if m is not None)

    @property
    def headline_eur(self) -> float:
        """Headline ("biobucks") value in EUR: committed plus milestones."""
        extra = self.milestones.eur if self.milestones and self.milestones.eur else 0.0
        return self.committed_eur + extra


@dataclass(frozen=True, slots=True)
class Alliance:
    """A dated deal.

    ``date`` keeps the precision the source gave (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``);
    ``year`` is ``None`` for the few undated deals, which time-based analytics leave out.
    ``end_year`` and ``end_reason`` record a known end (termination, rights returned, expiry).
    """

    alliance_id: str
    year: int | None
    date: str | None
    deal_type: DealType
    parties: tuple[Party, ...]
    stage_at_signing: Stage = Stage.UNKNOWN
    asset: str | None = None
    therapeutic_area: str | None = None
    terms: Terms = field(default_factory=Terms)
    end_year: int | None = None
    end_reason: str | None = None
    notes: str | None = None
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def actor_ids(self) -> tuple[str, ...]:
        """The parties' actor ids, in party order."""
        return tuple(p.actor_id for p in self.parties)

    def with_role(self, role: Role) -> tuple[str, ...]:
        """Actor ids of the parties playing ``role``."""
        return tuple(p.actor_id for p in self.parties if p.role == role)
