"""Build the report's context from a study, once: the period, the window, a region focus, the
panel firms the report is about, the network's ties and the colours of the locations."""

from __future__ import annotations

from bioris.analytics.geography import location_colours
from bioris.reporting.detail import detail_for
from bioris.reporting.model import ReportContext, ReportOptions
from bioris.study import Study
from bioris.study.network import ties

__all__ = ["build_context", "focus"]


def focus(study: Study, region: str) -> tuple[Study, str]:
    """The study seen through one region or country (:meth:`~bioris.study.Study.focus`), and
    the place's canonical name (checked: an unknown place is an error listing the allowed
    ones)."""
    return study.focus(region), study.check_region(region)


def build_context(
    study: Study,
    *,
    start: int | None = None,
    end: int | None = None,
    region: str | None = None,
    window: int | None = None,
    seed: int = 0,
    top: int = 10,
) -> ReportContext:
    """The context every section reads, built once from ``study``.

    ``start``, ``end`` and ``window`` default to the study's period and window; ``region``
    focuses the report on one region or country of the study.
    """
    first, last = study.span(start, end)
    lifetime = window or study.window
    return _context(study, first, last, lifetime, region=region, seed=seed, top=top)


def _period_source(study: Study, first: int, last: int) -> str:
    if study.definition.period is None and study.data_years is None:
        return "asked for; the data have no dated deal"
    if (first, last) != study.period:
        return f"asked for; the study's period is {study.period[0]}-{study.period[1]}"
    if study.definition.period is not None:
        return "declared in the study file"
    return "the years of the data: first to last signing year"


def _context(
    study: Study, first: int, last: int, lifetime: int, *, region: str | None, seed: int, top: int
) -> ReportContext:
    seen, place, note = study, None, ""
    firms = study.panel
    if region:
        seen, place = focus(study, region)
        local = set(study.ids_in(place))
        firms = tuple(f for f in study.panel if f in local)
        note = (
            f"The report is focused on {place}: it keeps the {len(seen.dataset.alliances)} "
            f"deals with at least one party there, with all their parties "
            f"({len(seen.dataset.actors)} actors), and the pipelines and financial records "
            f"of the actors there. The panel firms it is about are the {len(firms)} panel "
            f"firms located in {place}; the others appear as partners."
        )
    name = study.definition.name
    options = ReportOptions(
        start_year=first,
        end_year=last,
        window_years=lifetime,
        region=place,
        top=top,
        seed=seed,
        title=f"{name}: {place}" if place else name,
    )
    return ReportContext(
        study=seen,
        options=options,
        firms=tuple(firms),
        ties=ties(seen, first, last, window=lifetime),
        colours=location_colours(study.region_colours()),
        store_label=str(study.store.path),
        period_source=_period_source(study, first, last),
        focus_note=note,
        detail=detail_for(seen.actors.height),
    )
