"""A dataset: the actors, lineage, alliances, pipelines and financials of a RIS, as one value."""

from __future__ import annotations

from dataclasses import dataclass

from bioris.domain.actor import Actor, LineageFact
from bioris.domain.alliance import Alliance
from bioris.domain.pipeline import FinancialRecord, PipelineEvent

__all__ = ["Dataset"]


@dataclass(frozen=True, slots=True)
class Dataset:
    """Everything a store holds or an import adds, in a canonical (sorted) order."""

    actors: tuple[Actor, ...] = ()
    lineage: tuple[LineageFact, ...] = ()
    alliances: tuple[Alliance, ...] = ()
    pipeline: tuple[PipelineEvent, ...] = ()
    financials: tuple[FinancialRecord, ...] = ()

    def sorted(self) -> Dataset:
        """The same records in canonical order (by id; lineage by actor and relation)."""
        return Dataset(
            tuple(sorted(self.actors, key=lambda a: a.actor_id)),
            tuple(
                sorted(
                    self.lineage,
                    key=lambda f: (f.actor_id, f.relation, f.start_year or 0, f.target),
                )
            ),
            tuple(sorted(self.alliances, key=lambda a: a.alliance_id)),
            tuple(sorted(self.pipeline, key=lambda e: e.event_id)),
            tuple(sorted(self.financials, key=lambda r: r.record_id)),
        )

    def actor_ids(self) -> frozenset[str]:
        """Ids of the dataset's actors."""
        return frozenset(a.actor_id for a in self.actors)
