"""Controlled vocabularies of the RIS: actor kinds, deal types, stages, roles, lineage.

The deal-type and stage vocabularies are those of the raw facts files (see the data card);
roles say which side of a deal an actor is on, seen from the deal itself.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

__all__ = [
    "FOCAL_PARTNER_ROLES",
    "ActorKind",
    "Confidence",
    "DealType",
    "LineageRelation",
    "Role",
    "Stage",
    "parse_enum",
]


class ActorKind(StrEnum):
    """What kind of organisation an actor is."""

    NBF = "nbf"  # new biotechnology firm, the focal firms of a RIS study
    BIOTECH = "biotech"  # other (non-focal, often foreign) biotech firms
    PHARMA = "pharma"
    UNIVERSITY = "university"
    RESEARCH_CENTRE = "research_centre"
    HOSPITAL = "hospital"
    FINANCIER = "financier"
    NETWORK_ORG = "network_org"
    GOVERNMENT = "government"
    OTHER = "other"


class DealType(StrEnum):
    """Type of an alliance, as seen from the focal firm in the raw files."""

    LICENSING_OUT = "licensing_out"
    LICENSING_IN = "licensing_in"
    RESEARCH_COLLABORATION = "research_collaboration"
    CO_DEVELOPMENT = "co_development"
    OPTION = "option"
    EQUITY_INVESTMENT = "equity_investment"
    ACQUISITION = "acquisition"
    PLATFORM_SERVICE = "platform_service"
    COMMERCIALISATION = "commercialisation"
    JOINT_VENTURE = "joint_venture"
    GRANT = "grant"


class Stage(StrEnum):
    """Development stage of the asset at signing."""

    DISCOVERY = "discovery"
    PRECLINICAL = "preclinical"
    PHASE1 = "phase1"
    PHASE2 = "phase2"
    PHASE3 = "phase3"
    REGISTRATION = "registration"
    MARKETED = "marketed"
    PLATFORM = "platform"
    UNKNOWN = "unknown"


class Confidence(StrEnum):
    """How a fact is supported: stated by its source, inferred from context, or unsourced."""

    HIGH = "high"
    MEDIUM = "medium"
    UNSOURCED = "unsourced"

    @property
    def rank(self) -> int:
        """Higher is better supported (used when merging records of the same fact)."""
        return {"high": 2, "medium": 1, "unsourced": 0}[self.value]


class Role(StrEnum):
    """The part a party plays in a deal."""

    LICENSOR = "licensor"
    LICENSEE = "licensee"
    INVESTOR = "investor"
    INVESTEE = "investee"
    ACQUIRER = "acquirer"
    TARGET = "target"
    COLLABORATOR = "collaborator"
    GRANTOR = "grantor"
    GRANTEE = "grantee"
    PROVIDER = "provider"
    CLIENT = "client"


class LineageRelation(StrEnum):
    """Dated facts of corporate lineage."""

    NAMED = "named"  # the actor bore the name ``target`` over [start_year, end_year]
    SUBSIDIARY_OF = "subsidiary_of"  # the actor belonged to actor ``target`` over the span
    ACQUIRED_BY = "acquired_by"  # actor ``target`` acquired the actor in ``start_year``
    CLOSED = "closed"  # the actor closed in ``start_year``; ``target`` says how (wound down...)


# (focal role, partner role) per deal type, read from the focal firm's point of view.
# An acquisition defaults to the focal firm being the target; rows where the focal firm is
# the buyer say so (raw notes / the dataset's decisions file) and swap the roles.
FOCAL_PARTNER_ROLES: dict[DealType, tuple[Role, Role]] = {
    DealType.LICENSING_OUT: (Role.LICENSOR, Role.LICENSEE),
    DealType.LICENSING_IN: (Role.LICENSEE, Role.LICENSOR),
    DealType.RESEARCH_COLLABORATION: (Role.COLLABORATOR, Role.COLLABORATOR),
    DealType.CO_DEVELOPMENT: (Role.COLLABORATOR, Role.COLLABORATOR),
    DealType.JOINT_VENTURE: (Role.COLLABORATOR, Role.COLLABORATOR),
    DealType.OPTION: (Role.LICENSOR, Role.LICENSEE),
    DealType.COMMERCIALISATION: (Role.LICENSOR, Role.LICENSEE),
    DealType.EQUITY_INVESTMENT: (Role.INVESTEE, Role.INVESTOR),
    DealType.ACQUISITION: (Role.TARGET, Role.ACQUIRER),
    DealType.PLATFORM_SERVICE: (Role.PROVIDER, Role.CLIENT),
    DealType.GRANT: (Role.GRANTEE, Role.GRANTOR),
}


E = TypeVar("E", bound=StrEnum)


def parse_enum(enum: type[E], value: str) -> E:
    """Return the member of ``enum`` whose value is ``value`` (case and spaces ignored).

    Raises ``ValueError`` naming the allowed values.
    """
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    for member in enum:
        if member.value.lower() == key:
            return member
    allowed = ", ".join(m.value for m in enum)
    raise ValueError(f"{value!r} is not one of: {allowed}")
