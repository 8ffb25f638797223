"""Raw actors rows (the facts format of the bundled sources) -> :class:`Actor` records."""

from __future__ import annotations

from bioris.domain import (
    Actor,
    ActorKind,
    Confidence,
    Provenance,
    StudyDefinition,
    slugify,
    split_list,
)
from bioris.domain.geography import country_problem, is_country_code, subdivision_country
from bioris.ingest.cells import FOUNDING_EARLIEST, Cells

__all__ = ["parse_location", "parse_raw_actor", "provenance_of"]


def provenance_of(cells: Cells, url_column: str = "source_url") -> Provenance:
    """A row's sources and confidence.

    The ``confidence`` cell (``high``, ``medium``, ``unsourced``) wins when given. Without
    one (an empty cell or no such column), a row with a source URL is ``medium``: a page
    backs it, but nobody said whether it states the fact or only its context; a row without
    a URL is ``unsourced``.

    Parameters
    ----------
    cells : Cells
        The row.
    url_column : str
        The column of its URLs (``;``-separated): ``source_url`` in raw files,
        ``source_urls`` in canonical ones.

    Returns
    -------
    Provenance
        The URLs and the confidence.
    """
    urls = split_list(cells.text(url_column) or "")
    confidence = cells.member("confidence", Confidence, required=False)
    if confidence is None and cells.text("confidence") is None:
        confidence = Confidence.MEDIUM if urls else Confidence.UNSOURCED
    return Provenance(urls, confidence or Confidence.UNSOURCED)


def parse_location(
    cells: Cells, study: StudyDefinition | None = None
) -> tuple[str | None, str | None]:
    """The ``region`` and ``country`` cells -> (ISO country, region).

    ``region`` may hold an ISO 3166-1 alpha-2 code (the country), an ISO 3166-2 code
    (``DK-84``: the region, and its country) or a region's name or NUTS code. Without a
    ``country`` cell, a region's name gets the country of the study's region of that name.
    """
    value = cells.text("region")
    country = cells.text("country")
    if country is not None and not is_country_code(country):
        cells.error("country", country_problem(country))
        return None, None
    country = country.upper() if country else None
    if value is None:
        return country, None
    if len(value) == 2 and value.isalpha() and not is_country_code(value):
        cells.error("region", country_problem(value))
        return None, None
    implied = value.upper() if is_country_code(value) else subdivision_country(value)
    if implied and not is_country_code(implied):  # UK-ENG: the code of a country that is none
        cells.error("region", f"{value!r}: {country_problem(implied)}")
        return None, None
    if implied and country and implied != country:
        cells.error("region", f"{value!r} is in {implied}, but the row's country is {country}")
        return None, None
    if is_country_code(value):
        return implied, None
    if country is None and study is not None:
        country = study.country_of(value, None)
    return implied or country, value


def parse_raw_actor(cells: Cells, study: StudyDefinition | None = None) -> Actor | None:
    """One raw actors row as an :class:`Actor`, or ``None`` when the row has errors."""
    before = len(cells.errors)
    name = cells.required("name")
    kind = cells.member("kind", ActorKind)
    country, region = parse_location(cells, study)
    founded = cells.year("founded", earliest=FOUNDING_EARLIEST)
    ipo_year = cells.year("ipo_year")
    provenance = provenance_of(cells)
    if len(cells.errors) > before or name is None or kind is None:
        return None
    return Actor(
        actor_id=slugify(name),
        name=name,
        kind=kind,
        country=country,
        region=region,
        city=cells.text("city"),
        founded=founded,
        origin=split_list(cells.text("origin") or ""),
        subsectors=split_list(cells.text("subsector") or ""),
        ipo_year=ipo_year,
        exit=cells.text("exit"),
        aliases=split_list(cells.text("aliases") or ""),
        provenance=provenance,
    )
