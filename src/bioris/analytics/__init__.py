"""Pure analytics over a dataset: tidy polars tables in, tidy polars tables out (no I/O)."""

from bioris.analytics.activity import actors_by_kind_region, deals_per_year
from bioris.analytics.subset import in_region, region_subset
from bioris.analytics.tables import actors_frame, alliances_frame, parties_frame

__all__ = [
    "actors_by_kind_region",
    "actors_frame",
    "alliances_frame",
    "deals_per_year",
    "in_region",
    "parties_frame",
    "region_subset",
]
