"""Report sections, in reading order; each module exposes ``build(ctx) -> Section``."""

from bioris.reporting.sections import (
    activity,
    business,
    cases,
    deals,
    method,
    network,
    network_maps,
    overview,
    partners,
    regions,
)

SECTIONS = (
    overview,
    activity,
    network,
    network_maps,
    partners,
    business,
    regions,
    cases,
    deals,
    method,
)

__all__ = ["SECTIONS"]
