"""Focus a dataset on one region or period, keeping it self-consistent."""

from __future__ import annotations

from bioris.domain import Actor, Dataset

__all__ = ["in_region", "region_subset"]


def in_region(actor: Actor, region: str) -> bool:
    """Whether an actor lies in ``region``: a bioRegion name or an ISO country code."""
    wanted = region.casefold()
    places = (actor.bioregion.value if actor.bioregion else "", actor.country or "")
    return any(p.casefold() == wanted for p in places)


def region_subset(dataset: Dataset, region: str) -> Dataset:
    """The deals with at least one party in ``region``, with all their parties.

    Actors kept: those located in the region and every party of a kept deal (a region's
    ties reach outside it); lineage facts of kept actors; the pipelines and financials of the
    region's own firms.
    """
    local = {a.actor_id for a in dataset.actors if in_region(a, region)}
    deals = tuple(a for a in dataset.alliances if local & set(a.actor_ids))
    keep = local | {i for d in deals for i in d.actor_ids}
    return Dataset(
        tuple(a for a in dataset.actors if a.actor_id in keep),
        tuple(f for f in dataset.lineage if f.actor_id in keep),
        deals,
        tuple(e for e in dataset.pipeline if e.firm_id in local),
        tuple(r for r in dataset.financials if r.firm_id in local),
    )
