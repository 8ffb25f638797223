"""Pure analytics over a dataset: tidy polars tables in, tidy polars tables out (no I/O).

Start from :func:`network_inputs` (or the ``*_frame`` builders), make a yearly tie table with
:func:`tie_table`, then measure it: :func:`centrality`, :func:`constraint`,
:func:`brokerage`, :func:`coreness`, :func:`network_structure`, :func:`tie_geography`, or all
at once with :func:`actor_year_metrics` and :func:`year_metrics`. Every result converts to
pandas with ``.to_pandas()``.
"""

from bioris.analytics.activity import actors_by_kind_region, deals_per_year
from bioris.analytics.brokerage import brokerage
from bioris.analytics.centrality import CENTRALITY_MEASURES, BetweennessSampling, centrality
from bioris.analytics.coreness import coreness, coreness_fit
from bioris.analytics.geography import actor_locations, tie_geography
from bioris.analytics.inputs import NetworkInputs, network_inputs
from bioris.analytics.longitudinal import JobOptions, actor_year_metrics, year_metrics
from bioris.analytics.partners import (
    RANKING_RULE,
    big_pharma_ids,
    partner_profile,
    preferred_partner_ranking,
    top_k_persistence,
)
from bioris.analytics.snapshot import Snapshot, snapshots
from bioris.analytics.structural_holes import constraint
from bioris.analytics.structure import PathSampling, network_structure
from bioris.analytics.subset import in_region, region_subset
from bioris.analytics.tables import actors_frame, alliances_frame, parties_frame
from bioris.analytics.temporal import TiePolicy, parent_table, tie_table
from bioris.analytics.twomode import incidence, projection

__all__ = [
    "CENTRALITY_MEASURES",
    "RANKING_RULE",
    "BetweennessSampling",
    "JobOptions",
    "NetworkInputs",
    "PathSampling",
    "Snapshot",
    "TiePolicy",
    "actor_locations",
    "actor_year_metrics",
    "actors_by_kind_region",
    "actors_frame",
    "alliances_frame",
    "big_pharma_ids",
    "brokerage",
    "centrality",
    "constraint",
    "coreness",
    "coreness_fit",
    "deals_per_year",
    "in_region",
    "incidence",
    "network_inputs",
    "network_structure",
    "parent_table",
    "parties_frame",
    "partner_profile",
    "preferred_partner_ranking",
    "projection",
    "region_subset",
    "snapshots",
    "tie_geography",
    "tie_table",
    "top_k_persistence",
    "year_metrics",
]
