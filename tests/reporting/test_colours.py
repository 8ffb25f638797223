"""One colour per region everywhere: every trace of every figure that is named after a
location group (a region of the study, a continent) is drawn in that group's colour."""

from __future__ import annotations

from bioris.reporting.model import Figure, ReportContext
from bioris.reporting.render import build_sections


def _colour(trace) -> str | None:
    for part in ("marker", "line"):
        colour = getattr(getattr(trace, part, None), "color", None)
        if isinstance(colour, str):
            return colour
    return None


def test_every_region_trace_has_its_region_colour(bundled: ReportContext):
    colours = dict(bundled.colours)
    checked = 0
    for section in build_sections(bundled):
        for block in section.blocks:
            if not isinstance(block, Figure):
                continue
            for trace in block.figure.data:
                group = (trace.name or "").split(" (n=")[0]
                if group in colours and _colour(trace) is not None:
                    assert _colour(trace) == colours[group], (section.key, block.name, group)
                    checked += 1
    assert checked >= 4  # the overview, regions, event-history and map charts name regions
