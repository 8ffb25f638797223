"""The longitudinal network job: every measure for every actor and year in one pass.

:func:`actor_year_metrics` walks the yearly snapshots of a tie table once and joins, per
actor and year, the centralities, Burt's structural holes, the Gould-Fernandez brokerage
roles for a partition of the actors, and continuous coreness. :func:`year_metrics` does the
same for the network-level measures. Both return tidy polars tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl

from bioris.analytics.brokerage import brokerage
from bioris.analytics.centrality import (
    CENTRALITY_MEASURES,
    BetweennessSampling,
    centrality,
)
from bioris.analytics.coreness import coreness
from bioris.analytics.geography import tie_geography
from bioris.analytics.structural_holes import constraint
from bioris.analytics.structure import PathSampling, network_structure

__all__ = ["JobOptions", "actor_year_metrics", "year_metrics"]

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class JobOptions:
    """What the longitudinal job computes; every field is a documented choice.

    ``betweenness_sampling`` and ``path_sampling`` trade exactness for speed on large
    snapshots; ``random_graphs`` and ``seed`` drive the small-world references.
    """

    measures: tuple[str, ...] = tuple(CENTRALITY_MEASURES)
    weight: str | None = "alliances"
    structural_holes: bool = True
    brokerage: bool = True
    core_periphery: bool = True
    betweenness_sampling: BetweennessSampling | None = None
    path_sampling: PathSampling | None = None
    random_graphs: int = 10
    seed: int = 0
    extra: dict[str, object] = field(default_factory=dict)


def _per_year(
    ties: pl.DataFrame, function: Callable[[pl.DataFrame], pl.DataFrame]
) -> pl.DataFrame | None:
    frames = []
    for (year,), part in ties.partition_by("year", as_dict=True, maintain_order=True).items():
        result = function(part)
        frames.append(result.with_columns(pl.lit(year, dtype=pl.Int32).alias("year")))
    return pl.concat(frames) if frames else None


def actor_year_metrics(
    ties: pl.DataFrame,
    *,
    groups: Mapping[str, str] | None = None,
    options: JobOptions | None = None,
) -> pl.DataFrame:
    """All actor-year measures of a tie table.

    Parameters
    ----------
    ties : polars.DataFrame
        :func:`~bioris.analytics.tie_table` output.
    groups : mapping, optional
        Actor -> group (e.g. bioRegion or country) for the brokerage census; without it the
        brokerage columns are left out.
    options : JobOptions, optional
        Which measures, weights and sampling.

    Returns
    -------
    polars.DataFrame
        ``year, actor``, the centralities of :data:`~bioris.analytics.CENTRALITY_MEASURES`,
        ``constraint, effective_size`` (Burt 1992), ``coordinator, itinerant, gatekeeper,
        representative, liaison, brokerage_total`` (Gould & Fernandez 1989, census on the
        symmetric digraph) and ``coreness`` (Borgatti & Everett 1999).
    """
    opts = options or JobOptions()
    result = centrality(
        ties,
        measures=opts.measures,
        weight=opts.weight,
        betweenness_sampling=opts.betweenness_sampling,
    )
    edges = ties.select("year", "source", "target", *([opts.weight] if opts.weight else []))
    extra: list[pl.DataFrame | None] = []
    if opts.structural_holes:
        extra.append(_per_year(edges, lambda e: constraint(e, weight=opts.weight)))
    if opts.brokerage and groups is not None:
        extra.append(
            _per_year(
                edges,
                lambda e: brokerage(e, groups).rename({"total": "brokerage_total"}),
            )
        )
    if opts.core_periphery:
        extra.append(_per_year(edges, lambda e: coreness(e)))
    for frame in extra:
        if frame is not None:
            result = result.join(frame, on=["year", "actor"], how="left")
    return result.sort("year", "actor")


def year_metrics(
    ties: pl.DataFrame, actors: pl.DataFrame, *, options: JobOptions | None = None
) -> pl.DataFrame:
    """All year-level measures: structure (size, cohesion, centralisation, small world) and
    geography (shares of intra-regional, intra-Belgian and international ties, E-I index,
    assortativity by kind and location)."""
    opts = options or JobOptions()
    structure = network_structure(
        ties, random_graphs=opts.random_graphs, seed=opts.seed, path_sampling=opts.path_sampling
    )
    geography = tie_geography(ties, actors).drop("ties")
    return structure.join(geography, on="year", how="left").sort("year")
