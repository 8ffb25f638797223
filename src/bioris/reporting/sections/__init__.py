"""Report sections, in reading order; each module exposes ``build(ctx) -> Section``."""

from bioris.reporting.sections import activity, deals, method, network, overview, partners

SECTIONS = (overview, activity, network, partners, deals, method)

__all__ = ["SECTIONS"]
