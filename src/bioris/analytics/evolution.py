"""How the alliance network evolves: size and cohesion year by year, degree distributions per
period, preferential attachment, and the panel's structural holes over time.

Every function reads a yearly tie table (:func:`~bioris.analytics.tie_table`) and returns
tidy polars tables. Whole-network measures of a network smaller than ``min_nodes`` actors are
withheld (null) with a ``status`` saying why (:func:`~bioris.analytics.structure.size_status`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import igraph as ig
import numpy as np
import polars as pl

from bioris.analytics.attachment import (
    PreferentialAttachment,
    attachment_events,
    attachment_kernel,
    fit_attachment,
    preferential_attachment,
)
from bioris.analytics.snapshot import snapshots
from bioris.analytics.structural_holes import constraint_arrays
from bioris.analytics.structure import cohesion, size_status
from bioris.errors import BiorisError

__all__ = [
    "EVOLUTION_WITHHELD",
    "PreferentialAttachment",
    "attachment_events",
    "attachment_kernel",
    "degree_distribution",
    "fit_attachment",
    "network_evolution",
    "panel_structural_holes",
    "period_blocks",
    "preferential_attachment",
    "structural_holes_summary",
]

#: the measures of :func:`network_evolution` withheld on a network of fewer than
#: ``min_nodes`` actors (the counts ``actors, ties, components`` are always given)
EVOLUTION_WITHHELD = ("density", "largest_component_share", "mean_degree")
WHOLE, PANEL_EGO = "whole", "panel ego"
Panel = Collection[str] | pl.DataFrame

_EVOLUTION_SCHEMA = {
    "year": pl.Int32, "network": pl.String, "actors": pl.Int64, "ties": pl.Int64,
    "density": pl.Float64, "components": pl.Int64, "largest_component_share": pl.Float64,
    "mean_degree": pl.Float64, "panel_firms": pl.Int64, "status": pl.String,
}  # fmt: skip
_HOLES_SCHEMA = {"actor": pl.String, "year": pl.Int32, "constraint": pl.Float64,
                 "effective_size": pl.Float64, "degree": pl.Int64}  # fmt: skip


# -- size and cohesion, year by year ----------------------------------------------------------


def network_evolution(
    ties: pl.DataFrame,
    *,
    panel: Panel | None = None,
    years: Iterable[int] | None = None,
    min_nodes: int = 10,
) -> pl.DataFrame:
    """Size and cohesion of the network each year, whole and around the panel.

    Parameters
    ----------
    ties : polars.DataFrame
        :func:`~bioris.analytics.tie_table` output (``year, source, target``).
    panel : collection of str or polars.DataFrame, optional
        The panel firms: ids (every year), or ``actor_id, year`` rows (the firms of each
        year, e.g. from entry to exit). With it, each year also has a ``panel ego`` row: the
        union of the panel firms' ego networks (the firms present that year, their partners
        and every tie among them; Burt 1992's ego network, order 1).
    years : iterable of int, optional
        Years to report; a year without ties gets zero counts (and is withheld as too
        small). By default the years of ``ties``.
    min_nodes : int
        The small-network guard: a network of fewer actors has the measures of
        :data:`EVOLUTION_WITHHELD` set to null and ``status`` "withheld: n=... < min_nodes".

    Returns
    -------
    polars.DataFrame
        ``year, network`` (``whole`` or ``panel ego``), ``actors`` (nodes), ``ties``,
        ``density`` (2m / (n(n-1))), ``components`` (connected components),
        ``largest_component_share`` (share of the actors in the giant component),
        ``mean_degree`` (2m / n), ``panel_firms`` (panel firms in the network; null without a
        panel) and ``status`` (``"ok"`` or ``"withheld: n=... < min_nodes"``). The first five
        measures are those of :func:`~bioris.analytics.structure.cohesion`, the same kernel as the
        year measures of :func:`~bioris.analytics.network_structure`.

    References
    ----------
    Wasserman, S., & Faust, K. (1994). *Social Network Analysis*. Cambridge UP (density,
    components). Burt, R. S. (1992). *Structural Holes*. Harvard UP (ego networks). Powell,
    W. W., White, D. R., Koput, K. W., & Owen-Smith, J. (2005). Network dynamics and field
    evolution: The growth of interorganizational collaboration in the life sciences.
    *American Journal of Sociology*, 110(4), 1132-1205 (the giant component's growth).

    Examples
    --------
    >>> import polars as pl
    >>> ties = pl.DataFrame({"year": [2000] * 3, "source": ["a", "a", "c"],
    ...                      "target": ["b", "c", "d"]})
    >>> network_evolution(ties, min_nodes=0).select("actors", "ties", "mean_degree").row(0)
    (4, 3, 1.5)
    """
    graphs = {s.year: s.graph for s in snapshots(ties.select("year", "source", "target"))}
    wanted = sorted(set(graphs) if years is None else set(years))
    firms = _panel_by_year(panel, wanted)
    rows = []
    for year in wanted:
        graph = graphs.get(year, ig.Graph())
        members = None if firms is None else _present(graph, firms[year])
        rows.append(_evolution_row(year, WHOLE, graph, members, min_nodes))
        if members is not None:
            ego = graph.induced_subgraph(_ego_union(graph, members))
            rows.append(_evolution_row(year, PANEL_EGO, ego, members, min_nodes))
    return pl.DataFrame(rows, schema=_EVOLUTION_SCHEMA, orient="row")


def _evolution_row(
    year: int, network: str, graph: ig.Graph, members: list[int] | None, min_nodes: int
) -> dict[str, object]:
    row: dict[str, object] = {"year": year, "network": network, **cohesion(graph)}
    n = graph.vcount()
    row["mean_degree"] = 2 * graph.ecount() / n if n else float("nan")
    row["panel_firms"] = None if members is None else len(members)
    row["status"] = size_status(n, min_nodes)
    if row["status"] != "ok":
        row |= dict.fromkeys(EVOLUTION_WITHHELD)
    return row


def _panel_by_year(panel: Panel | None, years: list[int]) -> dict[int, set[str]] | None:
    if panel is None:
        return None
    if isinstance(panel, pl.DataFrame):
        by_year: dict[int, set[str]] = {year: set() for year in years}
        for actor, year in panel.select("actor_id", "year").iter_rows():
            if year in by_year:
                by_year[year].add(actor)
        return by_year
    ids = set(panel)
    return {year: ids for year in years}


def _present(graph: ig.Graph, firms: set[str]) -> list[int]:
    names = graph.vs["name"] if graph.vcount() else []
    return [i for i, name in enumerate(names) if name in firms]


def _ego_union(graph: ig.Graph, members: list[int]) -> list[int]:
    if not members:
        return []
    return sorted({v for hood in graph.neighborhood(members, order=1) for v in hood})


# -- degree distributions per period ----------------------------------------------------------


def period_blocks(start: int, end: int, years: int = 5) -> list[tuple[int, int]]:
    """Consecutive periods of ``years`` years from ``start`` to ``end`` (inclusive).

    The years left over at the end form a last, shorter period when they are at least half a
    period; fewer join the period before (1987-2017 in 5-year periods: 1987-1991, ...,
    2007-2011, 2012-2017).

    Examples
    --------
    >>> period_blocks(1987, 2017)[-2:]
    [(2007, 2011), (2012, 2017)]
    >>> period_blocks(2000, 2012)
    [(2000, 2004), (2005, 2009), (2010, 2012)]
    """
    if years < 1:
        raise BiorisError("a period must be at least one year long")
    if start > end:
        raise BiorisError(f"the period {start}-{end} is empty")
    blocks = [(first, min(first + years - 1, end)) for first in range(start, end + 1, years)]
    last_first, last_end = blocks[-1]
    if len(blocks) > 1 and 2 * (last_end - last_first + 1) < years:
        blocks[-2:] = [(blocks[-2][0], last_end)]
    return blocks


def degree_distribution(
    ties: pl.DataFrame,
    *,
    period_years: int = 5,
    start: int | None = None,
    end: int | None = None,
) -> pl.DataFrame:
    """Degree distribution of the network of each period, for a log-log plot.

    The network of a period joins every pair tied in any of its years, so an actor's degree
    is the number of distinct partners it had during the period (with a five-year tie window
    these are partners of deals signed up to four years before the period began). Periods are
    :func:`period_blocks` of ``period_years`` years over ``start..end`` (the years of ``ties``
    by default).

    Returns
    -------
    polars.DataFrame
        ``period`` ("1987-1991"), ``period_start, period_end``, ``actors`` (actors of the
        period's network), ``degree`` (k >= 1; an actor without ties is not in a tie table),
        ``count`` (actors of degree k) and ``ccdf`` (the share of actors of degree k or more,
        P(K >= k), the complementary cumulative distribution plotted on log-log axes to see
        a power-law tail without binning; Clauset, Shalizi & Newman 2009).

    References
    ----------
    Barabási, A.-L., & Albert, R. (1999). Emergence of scaling in random networks.
    *Science*, 286, 509-512. Clauset, A., Shalizi, C. R., & Newman, M. E. J. (2009).
    Power-law distributions in empirical data. *SIAM Review*, 51(4), 661-703. Powell et al.
    (2005), *American Journal of Sociology*, 110(4), 1132-1205.
    """
    schema = {
        "period": pl.String,
        "period_start": pl.Int32,
        "period_end": pl.Int32,
        "actors": pl.Int64,
        "degree": pl.Int64,
        "count": pl.Int64,
        "ccdf": pl.Float64,
    }
    if ties.height == 0 and (start is None or end is None):
        return pl.DataFrame(schema=schema)
    first = int(ties["year"].min()) if start is None else start  # type: ignore[arg-type]
    last = int(ties["year"].max()) if end is None else end  # type: ignore[arg-type]
    frames = []
    for lo, hi in period_blocks(first, last, period_years):
        pairs = ties.filter(pl.col("year").is_between(lo, hi)).select("source", "target").unique()
        degrees = pl.concat([pairs["source"], pairs["target"]]).value_counts(name="degree")
        counts = degrees.group_by("degree").agg(pl.len().alias("count")).sort("degree")
        n = degrees.height
        frames.append(
            counts.select(
                pl.lit(f"{lo}-{hi}").alias("period"),
                pl.lit(lo).alias("period_start"),
                pl.lit(hi).alias("period_end"),
                pl.lit(n).alias("actors"),
                "degree",
                "count",
                (pl.col("count").reverse().cum_sum().reverse() / n).alias("ccdf"),
            ).cast(schema)  # type: ignore[arg-type]
        )
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)


# -- structural holes of the panel over time ---------------------------------------------------


def panel_structural_holes(
    ties: pl.DataFrame, panel: Panel, *, weight: str | None = "alliances"
) -> pl.DataFrame:
    """Burt's constraint and effective size of each panel firm, each year it has ties.

    Parameters
    ----------
    ties : polars.DataFrame
        :func:`~bioris.analytics.tie_table` output.
    panel : collection of str or polars.DataFrame
        Panel firm ids (every year), or ``actor_id, year`` rows (each firm's years in the
        panel, e.g. up to its exit).
    weight : str, optional
        Tie strength column (``alliances`` by default, as :func:`actor_year_metrics`); None
        for unweighted ties.

    Returns
    -------
    polars.DataFrame
        ``actor, year, constraint, effective_size, degree``: the values of
        :func:`~bioris.analytics.constraint` on each year's whole network (the same kernel,
        :func:`~bioris.analytics.structural_holes.constraint_arrays`), for the panel firms
        in it; a firm without ties that year has no row (its constraint is undefined).

    References
    ----------
    Burt, R. S. (1992). *Structural Holes: The Social Structure of Competition*. Harvard UP.
    Borgatti, S. P. (1997). Structural holes: Unpacking Burt's redundancy measures.
    *Connections*, 20(1), 35-38.
    """
    years = sorted(set(ties["year"].to_list()))
    firms = _panel_by_year(panel, years) or {}
    frames = []
    for snap in snapshots(ties, weight=weight):
        values, sizes = constraint_arrays(snap.graph, "weight" if weight else None)
        keep = _present(snap.graph, firms.get(snap.year, set()))
        frames.append(
            pl.DataFrame(
                {
                    "actor": [snap.names[i] for i in keep],
                    "year": [snap.year] * len(keep),
                    "constraint": values[keep],
                    "effective_size": sizes[keep],
                    "degree": np.asarray(snap.graph.degree(keep), dtype=np.int64),
                },
                schema=_HOLES_SCHEMA,
            )
        )
    if not frames:
        return pl.DataFrame(schema=_HOLES_SCHEMA)
    return pl.concat(frames).sort("year", "actor")


def structural_holes_summary(holes: pl.DataFrame) -> pl.DataFrame:
    """The panel's structural holes each year: quartiles of :func:`panel_structural_holes`.

    Returns
    -------
    polars.DataFrame
        ``year, firms`` (panel firms with ties) and, for ``constraint`` and
        ``effective_size``, ``*_q1, *_median, *_q3`` (linear interpolation, as numpy's
        default). Falling constraint and rising effective size mean the panel spans more
        structural holes (Burt 1992).
    """
    stats = []
    for column in ("constraint", "effective_size"):
        for name, q in (("q1", 0.25), ("median", 0.5), ("q3", 0.75)):
            stats.append(
                pl.col(column).quantile(q, interpolation="linear").alias(f"{column}_{name}")
            )
    return holes.group_by("year").agg(pl.len().cast(pl.Int64).alias("firms"), *stats).sort("year")
