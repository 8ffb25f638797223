"""Development pipelines and financial statements of the firms."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bioris.domain.provenance import Provenance

__all__ = [
    "FINANCIAL_FIELDS",
    "FinancialRecord",
    "OperatorRole",
    "PipelineEvent",
    "PipelineStage",
    "SourceKind",
]


class PipelineStage(StrEnum):
    """A dated stage event of an asset (phase Ib/IIa counts as phase1, IIb/III as phase3)."""

    DISCOVERY = "discovery"
    PRECLINICAL = "preclinical"
    PHASE1 = "phase1"
    PHASE2 = "phase2"
    PHASE3 = "phase3"
    REGISTRATION = "registration"
    MARKETED = "marketed"
    DISCONTINUED = "discontinued"
    OUT_LICENSED = "out_licensed"
    RIGHTS_RETURNED = "rights_returned"

    @property
    def order(self) -> int | None:
        """Position on the development ladder (discovery 0 ... marketed 6); None for events
        that are not a development stage (discontinued, out-licensed, rights returned)."""
        ladder = ("discovery", "preclinical", "phase1", "phase2", "phase3", "registration",
                  "marketed")  # fmt: skip
        return ladder.index(self.value) if self.value in ladder else None


class OperatorRole(StrEnum):
    """Who ran a pipeline stage, seen from the firm: itself, with a partner, or a partner."""

    OWN = "own"
    SHARED = "shared"
    PARTNER = "partner"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PipelineEvent:
    """A dated stage event of one asset of a firm, and who operated that stage.

    ``operator`` keeps the source's words; ``operator_ids`` are the actors it resolves to
    (possibly none), and ``operator_role`` reads them from the firm's side.
    """

    event_id: str
    firm_id: str
    asset: str
    stage: PipelineStage
    year: int
    date: str
    modality: str | None = None
    indication: str | None = None
    event: str | None = None
    operator: str | None = None
    operator_ids: tuple[str, ...] = ()
    operator_role: OperatorRole = OperatorRole.UNKNOWN
    notes: str | None = None
    provenance: Provenance = field(default_factory=Provenance)


class SourceKind(StrEnum):
    """What kind of document a financial figure comes from, best first (the pick rule)."""

    FILING = "filing"  # audited statements: annual report, 20-F, 10-K, prospectus
    RESULTS_RELEASE = "results_release"  # the company's own results press release
    PRESS = "press"  # trade press, newspapers, databases quoting the company
    OTHER = "other"

    @property
    def priority(self) -> int:
        """Lower is preferred when one firm-year has figures from several sources."""
        return list(SourceKind).index(self)


FINANCIAL_FIELDS = (
    "revenue_total", "upfront_fees", "milestones", "rd_service_fees", "royalties",
    "product_sales", "grants_and_other", "rd_expense", "net_result", "cash_end",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FinancialRecord:
    """One source's figures for one firm-year, in millions of ``currency``.

    Values are converted from the source's unit (thousand or million) on import;
    ``net_result`` is negative for a loss; ``None`` means the source did not say.
    ``eur_per_unit`` converts the currency to euro at the year's average rate.
    """

    record_id: str
    firm_id: str
    year: int
    currency: str
    source_kind: SourceKind
    values: dict[str, float | None]
    eur_per_unit: float | None = None
    notes: str | None = None
    provenance: Provenance = field(default_factory=Provenance)

    def value(self, name: str) -> float | None:
        """One figure, in millions of the record's currency."""
        return self.values.get(name)
