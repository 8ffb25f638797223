"""Focus a dataset on one region, keeping it self-consistent."""

from __future__ import annotations

from bioris.domain import Actor, Dataset, StudyDefinition

__all__ = ["in_region", "region_subset"]


def in_region(actor: Actor, region: str, study: StudyDefinition) -> bool:
    """Whether an actor is in ``region`` (case ignored): its location
    (:meth:`StudyDefinition.location`: its declared region, else its country) is ``region``,
    or ``region`` is its country (a country holds the actors of its declared regions too)."""
    country = study.country_of(actor.region, actor.country)
    wanted = region.casefold()
    return study.location(actor.region, country).casefold() == wanted or (
        country is not None and country.casefold() == wanted
    )


def region_subset(dataset: Dataset, region: str, study: StudyDefinition) -> Dataset:
    """The deals with at least one party in ``region``, with all their parties.

    Actors kept: those located in the region and every party of a kept deal (a region's
    ties reach outside it); lineage facts of kept actors; the pipelines and financials of the
    region's own firms.
    """
    local = {a.actor_id for a in dataset.actors if in_region(a, region, study)}
    deals = tuple(a for a in dataset.alliances if local & set(a.actor_ids))
    keep = local | {i for d in deals for i in d.actor_ids}
    return Dataset(
        tuple(a for a in dataset.actors if a.actor_id in keep),
        tuple(f for f in dataset.lineage if f.actor_id in keep),
        deals,
        tuple(e for e in dataset.pipeline if e.firm_id in local),
        tuple(r for r in dataset.financials if r.firm_id in local),
    )
