"""The bioRegions compared: the library behind ``bioris region summary``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from bioris.analytics.genealogy import alias_frame, spinoff_genealogy
from bioris.analytics.regional import actor_counts, infrastructure, region_network, tie_scope
from bioris.analytics.specialisation import classify_subsectors, specialisation, validate_taxonomy
from bioris.analytics.tables import actors_frame, alliances_frame, parties_frame
from bioris.data import table_rows
from bioris.domain import Dataset
from bioris.workspace import open_user_store

__all__ = ["RegionSummary", "region_summary", "summarise_regions", "taxonomy"]

BIOREGIONS = ("Flanders", "Wallonia", "Brussels")


@dataclass(frozen=True, slots=True)
class RegionSummary:
    """The regional indicators as tidy tables."""

    actors: pl.DataFrame  # active actors by kind and bioRegion in the last year
    specialisation: pl.DataFrame  # location quotients of the bioRegions against Belgium
    scope: pl.DataFrame  # shares of intra-regional ... global partner ties, per bioRegion
    links: pl.DataFrame  # the region meta-network over the period
    infrastructure: pl.DataFrame  # network organisations, funders, financiers, centres
    spinoffs: pl.DataFrame  # spin-offs per institution

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


def taxonomy() -> pl.DataFrame:
    """The bundled subsector taxonomy (see SUBSECTOR_TAXONOMY.md)."""
    return validate_taxonomy(pl.DataFrame(table_rows("subsector_taxonomy.csv")))


def summarise_regions(dataset: Dataset, *, start: int = 1987, end: int = 2017) -> RegionSummary:
    """The regional indicators of a dataset over ``start``-``end``."""
    names = {a.actor_id: a.name for a in dataset.actors}
    actors = actors_frame(dataset.actors)
    alliances = alliances_frame(dataset.alliances, names)
    parties = parties_frame(dataset.alliances)
    counts = actor_counts(actors, dataset.lineage, start=start, end=end, alliances=alliances,
                          parties=parties)  # fmt: skip
    last = counts.filter((pl.col("year") == end) & pl.col("location").is_in(BIOREGIONS))
    active = last.pivot("location", index="kind", values="active").fill_null(0).sort("kind")
    classified = classify_subsectors(actors, taxonomy())
    lq = specialisation(actors, classified, by="bioregion", reference="belgium")
    lq = lq.filter(pl.col("region").is_in(BIOREGIONS)).sort(
        "region", "lq", descending=[False, True]
    )
    scope = tie_scope(alliances, parties, actors, by="region", start=start, end=end)
    shares = _period_shares(scope.filter(pl.col("location").is_in(BIOREGIONS)))
    links = region_network(alliances, parties, actors, start=start, end=end)
    links = links.group_by("source_region", "target_region").agg(
        pl.col("alliances").sum(), pl.col("weight").sum()
    ).sort("weight", descending=True)  # fmt: skip
    infra = infrastructure(actors, alliances, parties, by="region", start=start, end=end)
    infra = infra.filter(pl.col("location").is_in(BIOREGIONS))
    edges = spinoff_genealogy(actors, dataset.lineage, aliases=alias_frame(dataset.actors))
    spinoffs = (
        edges.filter(pl.col("relation") == "spun_out_of").drop_nulls("parent")
        .group_by("parent").agg(pl.len().alias("spinoffs"), pl.col("child").sort())
        .join(actors.select(pl.col("actor_id").alias("parent"), "name", "bioregion"), on="parent")
        .sort("spinoffs", "name", descending=[True, False])
    )  # fmt: skip
    return RegionSummary(active, lq, shares, links, infra, spinoffs)


def _period_shares(scope: pl.DataFrame) -> pl.DataFrame:
    """Per bioRegion, the shares of its partner ties over the whole period."""
    kinds = ("intra_regional", "inter_regional", "european", "global")
    totals = scope.group_by("location").agg(pl.col(k).sum() for k in kinds)
    known = pl.sum_horizontal(*kinds)
    return totals.select(
        "location", known.alias("ties"), *[(pl.col(k) / known).alias(f"{k}_share") for k in kinds]
    ).sort("location")


def region_summary(store_path: Path | None, *, start: int = 1987, end: int = 2017) -> RegionSummary:
    """The regional indicators of a store."""
    with open_user_store(store_path, read_only=True) as store:
        dataset = store.dataset()
    return summarise_regions(dataset, start=start, end=end)
