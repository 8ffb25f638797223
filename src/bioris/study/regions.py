"""The study's regions compared: the library behind ``bioris region summary``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from bioris.analytics.genealogy import alias_frame, spinoff_counts, spinoff_genealogy
from bioris.analytics.regional import (
    actor_counts,
    infrastructure,
    pooled_tie_scope,
    region_network,
)
from bioris.analytics.specialisation import specialisation

if TYPE_CHECKING:
    from bioris.study.core import Study

__all__ = ["RegionSummary", "network_deals", "pooled_scope", "region_summary"]


@dataclass(frozen=True, slots=True)
class RegionSummary:
    """The regional indicators as tidy tables, for the regions the study compares."""

    regions: tuple[str, ...]  # the compared regions, in the study's order
    start: int
    end: int
    actors: pl.DataFrame  # active actors by kind (the panel first) and region in the last year
    specialisation: pl.DataFrame  # location quotients of the regions against the whole panel
    scope: pl.DataFrame  # the panel's partner ties by scope (network layers), pooled over the
    # period (pooled_scope: the one local-tie share)
    links: pl.DataFrame  # the region meta-network over the period (network layers)
    infrastructure: pl.DataFrame  # network organisations, funders, financiers, centres
    spinoffs: pl.DataFrame  # firms spun out of each institution

    def tables(self) -> dict[str, pl.DataFrame]:
        """The tables by name."""
        return {
            "actors": self.actors,
            "specialisation": self.specialisation,
            "scope": self.scope,
            "links": self.links,
            "infrastructure": self.infrastructure,
            "spinoffs": self.spinoffs,
        }


def region_summary(study: Study, start: int | None = None, end: int | None = None) -> RegionSummary:
    """The regional indicators of the study over ``start``-``end`` (its period by default).

    Partner ties (scope) and the links between regions are those of the study's network layers
    (alliances, by default: an equity round or a grant is not a partner tie); the support
    infrastructure counts every deal, since grants and equity are what it does."""
    first, last = study.span(start, end)
    regions = study.compared_regions()
    actors, alliances, parties = study.actors, study.inputs.alliances, study.inputs.parties
    ties = network_deals(study)
    counts = actor_counts(actors, study.dataset.lineage, start=first, end=last,
                          alliances=alliances, parties=parties, panel=study.panel)  # fmt: skip
    return RegionSummary(
        regions=regions,
        start=first,
        end=last,
        actors=_active(counts, regions, last),
        specialisation=_specialisation(study, regions, first, last),
        scope=pooled_scope(study, first, last),
        links=_links(region_network(ties, parties, actors, start=first, end=last)),
        infrastructure=infrastructure(
            actors, alliances, parties, by="region", start=first, end=last, firms=study.panel
        ).filter(pl.col("location").is_in(list(regions))),
        spinoffs=_spinoffs(study),
    )


def _active(counts: pl.DataFrame, regions: tuple[str, ...], year: int) -> pl.DataFrame:
    """One row per kind (the panel first), one column per region: actors active in ``year``."""
    last = counts.filter((pl.col("year") == year) & pl.col("location").is_in(list(regions)))
    kinds = sorted(set(last["kind"]) - {"panel"})
    rows = []
    for kind in ["panel", *kinds]:
        part = last.filter(pl.col("kind") == kind)
        found = dict(part.select("location", "active").iter_rows())
        rows.append({"kind": kind, **{r: int(found.get(r, 0)) for r in regions}})
    schema = {"kind": pl.String, **dict.fromkeys(regions, pl.Int64)}
    return pl.DataFrame(rows, schema=schema)


def _specialisation(study: Study, regions: tuple[str, ...], start: int, end: int) -> pl.DataFrame:
    """Location quotients of the panel firms in the panel during ``start..end`` (a firm
    founded after the period, or gone before it, does not count)."""
    active = study.panel_years(start, end)["actor_id"].unique().to_list()
    lq = specialisation(study.actors, study.classified, firms=active, reference="panel")
    return lq.filter(pl.col("region").is_in(list(regions))).sort(
        "region", "lq", descending=[False, True]
    )


def pooled_scope(study: Study, start: int, end: int) -> pl.DataFrame:
    """The local-tie share, defined once: per compared region, the panel's partner ties over
    ``start..end`` in the deals of the study's network layers signed in the firms' panel years
    (not after an exit): ``location, alliances, ties`` (placed partner ties),
    ``unknown_ties``, the count of each scope and its share (``intra_regional_share`` is the
    local-tie share).

    A partner tie is :data:`~bioris.analytics.regional.PARTNER_TIE_RULE`
    (:func:`~bioris.analytics.regional.pooled_tie_scope`): counts are pooled over the period
    and divided once. ``bioris region summary`` and the report's regions section both read
    this function, so they print the same numbers."""
    home = {r.name: r.countries for r in study.definition.regions}
    pooled = pooled_tie_scope(
        network_deals(study), study.inputs.parties, study.actors, by="region", start=start,
        end=end, firms=study.panel, regions=[r.name for r in study.definition.regions],
        home=home, firm_years=study.panel_years(start, end),
    )  # fmt: skip
    regions = list(study.compared_regions())
    order = {r: i for i, r in enumerate(regions)}
    return (
        pooled.filter(pl.col("location").is_in(regions))
        .with_columns(pl.col("location").replace_strict(order, default=99).alias("_k"))
        .sort("_k")
        .drop("_k")
    )


def network_deals(study: Study) -> pl.DataFrame:
    """The deals of the study's network layers (the alliance layer by default)."""
    return study.inputs.alliances.filter(pl.col("deal_type").is_in(list(study.deal_types())))


def _links(links: pl.DataFrame) -> pl.DataFrame:
    return links.sort("weight", "alliances", "source_region", descending=[True, True, False])


def _spinoffs(study: Study) -> pl.DataFrame:
    """Firms spun out of each institution: new biotech and biotech firms, and the study's
    panel firms, whose origin names it (:func:`~bioris.analytics.genealogy.spinoff_counts`)."""
    edges = spinoff_genealogy(study.actors, study.dataset.lineage,
                              aliases=alias_frame(study.dataset.actors))  # fmt: skip
    return spinoff_counts(edges, study.actors, firms=study.panel)
