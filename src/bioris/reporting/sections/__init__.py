"""Report sections, in reading order; each module exposes ``build(ctx) -> Section``."""

from bioris.reporting.sections import activity, deals, method, overview

SECTIONS = (overview, activity, deals, method)

__all__ = ["SECTIONS"]
