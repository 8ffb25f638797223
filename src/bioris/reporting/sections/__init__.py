"""Report sections, in reading order; each module of :data:`SECTIONS` exposes
``build(ctx) -> Section``. ``common`` holds what several sections say the same way;
``business_money``, ``business_stages`` and ``regions_links`` are parts of the business and
regions sections."""

from bioris.reporting.sections import (
    activity,
    business,
    cases,
    deals,
    event_history,
    evolution,
    findings,
    method,
    network,
    network_maps,
    overview,
    partners,
    regions,
)

SECTIONS = (
    findings,
    overview,
    activity,
    network,
    evolution,
    network_maps,
    partners,
    business,
    regions,
    event_history,
    cases,
    deals,
    method,
)

__all__ = ["SECTIONS"]
