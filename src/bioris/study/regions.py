"""The study's regions compared: the library behind ``bioris region summary``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from bioris.analytics.genealogy import FIRM_KINDS, alias_frame, spinoff_genealogy
from bioris.analytics.regional import (
    TIE_SCOPES,
    actor_counts,
    infrastructure,
    region_network,
    tie_scope,
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
    scope: pl.DataFrame  # the panel's partner ties by scope (network layers), over the period
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
    """Per compared region, the panel's partner ties over the period, in the deals of the
    study's network layers signed in the firms' panel years (not after an exit): ``location,
    alliances, ties`` (placed partner ties), ``unknown_ties``, the count of each scope and its
    share.

    Counts are pooled first and divided once (a share of the period's ties, not a sum of
    yearly shares)."""
    home = {r.name: r.countries for r in study.definition.regions}
    yearly = tie_scope(
        network_deals(study), study.inputs.parties, study.actors, by="region", start=start,
        end=end, firms=study.panel, regions=[r.name for r in study.definition.regions],
        home=home, firm_years=study.panel_years(start, end),
    )  # fmt: skip
    regions = list(study.compared_regions())
    counts = yearly.filter(pl.col("location").is_in(regions)).with_columns(
        (pl.col(s).fill_null(0.0) * pl.col("ties")).round(0).cast(pl.Int64).alias(s)
        for s in TIE_SCOPES
    )
    pooled = counts.group_by("location").agg(
        pl.col("alliances", "ties", "unknown_ties", *TIE_SCOPES).sum()
    )
    shares = [
        pl.when(pl.col("ties") > 0).then(pl.col(s) / pl.col("ties")).alias(f"{s}_share")
        for s in TIE_SCOPES
    ]
    order = {r: i for i, r in enumerate(regions)}
    return (
        pooled.with_columns(shares)
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
    """Firms (new biotech, biotech and pharma firms) spun out of each institution."""
    actors = study.actors
    edges = spinoff_genealogy(actors, study.dataset.lineage,
                              aliases=alias_frame(study.dataset.actors))  # fmt: skip
    firms = actors.filter(pl.col("kind").is_in(list(FIRM_KINDS)))["actor_id"].implode()
    return (
        edges.filter((pl.col("relation") == "spun_out_of") & pl.col("child").is_in(firms))
        .drop_nulls("parent")
        .group_by("parent")
        .agg(pl.col("child").n_unique().alias("spinoffs"), pl.col("child").unique().sort())
        .join(actors.select(pl.col("actor_id").alias("parent"), "name", "location"), on="parent")
        .sort("spinoffs", "name", descending=[True, False])
    )
