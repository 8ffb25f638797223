"""Pure domain model of a regional innovation system (stdlib only)."""

from bioris.domain.actor import Actor, LineageFact
from bioris.domain.alliance import Alliance, Party, Terms
from bioris.domain.dataset import Dataset
from bioris.domain.money import CURRENCIES, FxTable, Money
from bioris.domain.names import name_key, slugify, split_parent, strict_key
from bioris.domain.pipeline import (
    FINANCIAL_FIELDS,
    FinancialRecord,
    OperatorRole,
    PipelineEvent,
    PipelineStage,
    SourceKind,
)
from bioris.domain.provenance import Provenance, join_list, split_list
from bioris.domain.study import (
    ALLIANCE_LAYER,
    DEFAULT_LAYERS,
    Panel,
    Region,
    StudyDefinition,
)
from bioris.domain.vocab import (
    FOCAL_PARTNER_ROLES,
    ActorKind,
    Confidence,
    DealType,
    LineageRelation,
    Role,
    Stage,
    parse_enum,
)

__all__ = [
    "ALLIANCE_LAYER",
    "CURRENCIES",
    "DEFAULT_LAYERS",
    "FINANCIAL_FIELDS",
    "FOCAL_PARTNER_ROLES",
    "Actor",
    "ActorKind",
    "Alliance",
    "Confidence",
    "Dataset",
    "DealType",
    "FinancialRecord",
    "FxTable",
    "LineageFact",
    "LineageRelation",
    "Money",
    "OperatorRole",
    "Panel",
    "Party",
    "PipelineEvent",
    "PipelineStage",
    "Provenance",
    "Region",
    "Role",
    "SourceKind",
    "Stage",
    "StudyDefinition",
    "Terms",
    "join_list",
    "name_key",
    "parse_enum",
    "slugify",
    "split_list",
    "split_parent",
    "strict_key",
]
