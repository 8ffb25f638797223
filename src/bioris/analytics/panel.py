"""The study's panel of focal firms, and the years each of them is in it.

The panel is what every "NBF" figure counts: the actors the study follows (a study's
red-biotech new biotechnology firms of its focal regions, say). :func:`panel_members`
applies the study's :class:`~bioris.domain.Panel` selectors; :func:`panel_years` bounds each
member's years by its entry (founding, else first deal) and its exit (acquisition, merger or
closure), after which it is neither ranked, labelled nor counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl

from bioris.domain import Actor, StudyDefinition, name_key
from bioris.errors import BiorisError

__all__ = ["PANEL_YEAR_SCHEMA", "panel_members", "panel_years", "resolve_names"]

PANEL_YEAR_SCHEMA = {"actor_id": pl.String, "year": pl.Int32}


def resolve_names(actors: Iterable[Actor], names: Iterable[str]) -> set[str]:
    """Ids of the actors that ``names`` denote (an id, the name or an alias; case, accents,
    punctuation and legal suffixes ignored)."""
    names = list(names)  # read twice: a generator would be spent after the first
    wanted = {name_key(n) for n in names}
    found = set()
    for actor in actors:
        keys = {actor.actor_id, *(name_key(n) for n in (actor.name, *actor.aliases))}
        if keys & wanted or actor.actor_id in names:
            found.add(actor.actor_id)
    return found


def panel_members(
    actors: Iterable[Actor],
    study: StudyDefinition,
    classified: pl.DataFrame | None = None,
    *,
    resolve: Callable[[str], str | None] | None = None,
) -> tuple[str, ...]:
    """Ids of the study's panel firms, sorted.

    Parameters
    ----------
    actors : iterable of Actor
        The dataset's actors.
    study : StudyDefinition
        Its ``panel`` says who is in: kind, region (the focal regions unless it names
        others; anywhere when the study declares no region), subsector categories, and the
        ``include``/``exclude`` lists, which override the rest.
    classified : polars.DataFrame, optional
        :func:`~bioris.analytics.specialisation.classify_subsectors` output (``actor_id,
        category``); needed when the panel selects by category.
    resolve : callable, optional
        Name -> actor id (or ``None``), for ``include`` and ``exclude``: the resolver the
        study file was checked with (former names, ``Name (Parent)``...), so that a name the
        file may use always counts. Without it, :func:`resolve_names`.

    Returns
    -------
    tuple of str
    """
    actors = list(actors)
    panel = study.panel
    if (panel.categories or panel.exclude_categories) and classified is None:
        raise BiorisError("the panel selects by subsector category: a taxonomy is needed")
    cats: dict[str, set[str]] = {}
    if classified is not None:
        for actor_id, category in classified.select("actor_id", "category").iter_rows():
            cats.setdefault(actor_id, set()).add(category)
    if resolve is None:
        include, exclude = (
            resolve_names(actors, panel.include),
            resolve_names(actors, panel.exclude),
        )
    else:
        include = {i for i in map(resolve, panel.include) if i is not None}
        exclude = {i for i in map(resolve, panel.exclude) if i is not None}
    regions = set(panel.regions if panel.regions is not None else study.focal_regions)
    members = set(include)
    for actor in actors:
        if actor.actor_id in exclude or actor.kind.value not in panel.kinds:
            continue
        country = study.country_of(actor.region, actor.country)
        if regions and study.place(actor.region, country) not in regions:
            continue
        mine = cats.get(actor.actor_id, set())
        if panel.categories and not mine & set(panel.categories):
            continue
        if mine & set(panel.exclude_categories):
            continue
        members.add(actor.actor_id)
    return tuple(sorted(members - exclude))


def panel_years(
    members: Iterable[str], lifespans: pl.DataFrame, *, start: int, end: int
) -> pl.DataFrame:
    """``actor_id, year``: the years in ``start..end`` each panel firm is in the panel.

    A firm is in from its entry year (founding, else first deal) through its exit year, the
    year of its acquisition, merger or closure
    (:func:`~bioris.analytics.genealogy.actor_lifespans`), and out after it. A firm with
    neither a founding year nor a dated deal has no year, as in the firm counts
    (:func:`~bioris.analytics.regional.actor_counts` lists such firms as ``undated``).
    """
    if start > end:
        raise BiorisError(f"the period {start}-{end} is empty")
    spans = lifespans.filter(
        pl.col("actor_id").is_in(list(members)) & pl.col("entry_year").is_not_null()
    )
    first = pl.max_horizontal(pl.col("entry_year"), pl.lit(start))
    last = pl.min_horizontal(pl.col("exit_year").fill_null(end), pl.lit(end))
    rows = (
        spans.select("actor_id", first.alias("first"), last.alias("last"))
        .filter(pl.col("first") <= pl.col("last"))
        .select(
            "actor_id", pl.int_ranges("first", pl.col("last") + 1, dtype=pl.Int32).alias("year")
        )
        .explode("year")
    )
    return rows.cast(PANEL_YEAR_SCHEMA).sort("actor_id", "year")
