"""How the study's alliance network evolves: its size and cohesion year by year (whole and
around the panel), degree distributions per period, preferential attachment and the panel's
structural holes over time, on the study's network layers, window, period and panel."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from bioris import settings
from bioris.analytics.evolution import (
    PreferentialAttachment,
    degree_distribution,
    network_evolution,
    panel_structural_holes,
    preferential_attachment,
    structural_holes_summary,
)
from bioris.errors import BiorisError
from bioris.study import network

if TYPE_CHECKING:
    from bioris.study.core import Study

__all__ = [
    "DEGREE_PERIOD_YEARS",
    "PanelHoles",
    "attachment",
    "degree_distributions",
    "evolution",
    "structural_holes",
]

#: the length of the periods whose degree distributions are compared
DEGREE_PERIOD_YEARS = 5


def _ties(
    study: Study,
    start: int | None,
    end: int | None,
    window: int | None,
    layers: Iterable[str] | None,
    rollup: bool,
) -> tuple[int, int, pl.DataFrame]:
    first, last = study.span(start, end)
    lifetime = window or study.window
    chosen, _ = study.tie_layers(layers)

    def compute() -> pl.DataFrame:
        return network.ties(study, first, last, window=lifetime, layers=chosen, rollup=rollup)

    return first, last, study.cached(("evolution ties", first, last, lifetime, chosen, rollup),
                                     compute)  # fmt: skip


def _min_nodes(min_nodes: int | None) -> int:
    return int(settings.get("network_min_nodes")) if min_nodes is None else min_nodes


def evolution(
    study: Study,
    start: int | None = None,
    end: int | None = None,
    *,
    window: int | None = None,
    layers: Iterable[str] | None = None,
    rollup: bool = False,
    min_nodes: int | None = None,
) -> pl.DataFrame:
    """The network's size and cohesion each year of the period, whole and as the union of the
    panel firms' ego networks (each firm in its panel years, up to its exit).

    ``min_nodes`` (the ``network_min_nodes`` setting by default) withholds the measures of a
    smaller network. Returns :func:`~bioris.analytics.evolution.network_evolution`'s
    ``year, network, actors, ties, density, components, largest_component_share,
    mean_degree, panel_firms, status``, two rows a year (``whole``, ``panel ego``).
    """
    first, last, ties = _ties(study, start, end, window, layers, rollup)
    return network_evolution(
        ties, panel=study.panel_years(first, last), years=range(first, last + 1),
        min_nodes=_min_nodes(min_nodes),
    )  # fmt: skip


def degree_distributions(
    study: Study,
    start: int | None = None,
    end: int | None = None,
    *,
    period_years: int = DEGREE_PERIOD_YEARS,
    window: int | None = None,
    layers: Iterable[str] | None = None,
    rollup: bool = False,
) -> pl.DataFrame:
    """Degree distributions of the network of each ``period_years``-year period of the study
    period (5 by default: 1987-1991, ..., 2012-2017 for 1987-2017, a short remainder joining
    the last period); see :func:`~bioris.analytics.evolution.degree_distribution`
    (``period, period_start, period_end, actors, degree, count, ccdf``)."""
    first, last, ties = _ties(study, start, end, window, layers, rollup)
    return degree_distribution(ties, period_years=period_years, start=first, end=last)


def attachment(
    study: Study,
    start: int | None = None,
    end: int | None = None,
    *,
    window: int | None = None,
    layers: Iterable[str] | None = None,
    rollup: bool = False,
    resamples: int = 2000,
    seed: int = 0,
) -> PreferentialAttachment:
    """The preferential-attachment test on the study's network: each year's new ties by
    their ends' degree the year before, the kernel and alpha with a bootstrap interval over
    the years (``seed``); see :func:`~bioris.analytics.evolution.preferential_attachment`.
    The first year of the period has no year before it in the tie table, so new ties are
    counted from the second year on."""
    first, last, ties = _ties(study, start, end, window, layers, rollup)
    key = ("attachment", first, last, window or study.window,
           study.tie_layers(layers)[0], rollup, resamples, seed)  # fmt: skip
    return study.cached(key, lambda: preferential_attachment(ties, resamples=resamples, seed=seed))


@dataclass(frozen=True, slots=True)
class PanelHoles:
    """The panel's structural holes over time.

    ``firms``: ``actor, name, year, constraint, effective_size, degree``, one row per panel
    firm and year in which it has ties (in its panel years). ``summary``: ``year, firms`` and
    the quartiles ``constraint_q1, constraint_median, constraint_q3, effective_size_q1,
    effective_size_median, effective_size_q3``.
    """

    firms: pl.DataFrame
    summary: pl.DataFrame


def structural_holes(
    study: Study,
    start: int | None = None,
    end: int | None = None,
    *,
    window: int | None = None,
    layers: Iterable[str] | None = None,
    rollup: bool = False,
    weight: str = "alliances",
    min_nodes: int | None = None,
) -> PanelHoles:
    """Burt's constraint and effective size of each panel firm per year (ties weighted by
    ``weight``, as ``network metrics``), and the panel's quartiles per year; see
    :func:`~bioris.analytics.evolution.panel_structural_holes`. A year whose network has fewer
    actors than ``min_nodes`` (the ``network_min_nodes`` setting by default) has its values
    withheld (null, ``status`` "withheld: n=... < 10") and is left out of the quartiles."""
    if weight not in network.WEIGHTS:
        raise BiorisError(f"--weight: {weight!r} is not one of: {', '.join(network.WEIGHTS)}")
    first, last, ties = _ties(study, start, end, window, layers, rollup)
    if weight != "alliances":  # undisclosed value is 0: keep ties, weight them minimally
        ties = ties.with_columns(pl.col(weight).clip(lower_bound=1e-9))
    holes = panel_structural_holes(ties, study.panel_years(first, last), weight=weight)
    least = _min_nodes(min_nodes)
    ends = pl.concat([ties.select("year", pl.col(c).alias("a")) for c in ("source", "target")])
    sizes = ends.group_by("year").agg(pl.col("a").n_unique().alias("network_actors"))
    holes = holes.join(sizes, on="year", how="left").with_columns(
        pl.col("network_actors").fill_null(0)
    )
    small = pl.col("network_actors") < least
    holes = holes.with_columns(
        pl.when(small).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("constraint", "effective_size")
    ).with_columns(
        pl.when(small)
        .then(pl.format("withheld: n={} < " + str(least), pl.col("network_actors")))
        .otherwise(pl.lit("ok"))
        .alias("status")
    )
    names = study.actors.select(pl.col("actor_id").alias("actor"), "name")
    firms = holes.join(names, on="actor", how="left").select(
        "actor", "name", "year", "constraint", "effective_size", "degree", "status"
    )
    kept = holes.filter(pl.col("status") == "ok").drop("network_actors", "status")
    return PanelHoles(firms, structural_holes_summary(kept))
