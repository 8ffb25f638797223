"""The two-mode view: actors by deals, and its projection onto actors.

An alliance network is at heart two-mode (actors belong to deals). Projecting it onto actors
ties two actors that share a deal; the weighting decides how much a shared deal counts:
``count`` (Wasserman & Faust's co-membership count) or ``newman`` (each deal with n parties
adds 1/(n-1) to every pair, so a large consortium counts less per pair than a bilateral deal;
Newman 2001).
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from bioris.analytics.temporal import pair_table
from bioris.errors import BiorisError

__all__ = ["incidence", "projection"]


def incidence(parties: pl.DataFrame) -> pl.DataFrame:
    """The actor x deal incidence as a tidy table: ``actor, alliance_id, role`` (distinct)."""
    return (
        parties.select(pl.col("actor_id").alias("actor"), "alliance_id", "role")
        .unique(subset=["actor", "alliance_id"], keep="first")
        .sort("actor", "alliance_id")
    )


def projection(
    parties: pl.DataFrame, *, weighting: Literal["count", "newman"] = "count"
) -> pl.DataFrame:
    """Project actors x deals onto actors: ``source, target, weight`` (``source < target``).

    Parameters
    ----------
    parties : polars.DataFrame
        ``alliance_id, actor_id`` (:func:`~bioris.analytics.parties_frame`); filter it first
        for a period or a layer.
    weighting : {"count", "newman"}
        ``count``: the number of deals the two actors share. ``newman``: the sum over shared
        deals of 1/(n_k - 1), n_k the deal's number of parties.

    Returns
    -------
    polars.DataFrame

    References
    ----------
    Wasserman, S., & Faust, K. (1994). Social Network Analysis, ch. 8 (affiliation networks).
    Cambridge University Press. Newman, M. E. J. (2001). Scientific collaboration networks. II.
    Shortest paths, weighted networks, and centrality. Physical Review E, 64, 016132.

    Examples
    --------
    >>> import polars as pl
    >>> parties = pl.DataFrame({"alliance_id": ["d1", "d1", "d1", "d2", "d2"],
    ...                         "actor_id": ["a", "b", "c", "a", "b"]})
    >>> projection(parties, weighting="newman")["weight"].to_list()
    [1.5, 0.5, 0.5]
    """
    if weighting not in {"count", "newman"}:
        raise BiorisError(f"weighting must be 'count' or 'newman', not {weighting!r}")
    slim = parties.select("alliance_id", "actor_id").unique()
    sizes = slim.group_by("alliance_id").agg(pl.len().alias("n"))
    pairs = pair_table(slim).join(sizes, on="alliance_id")
    share = pl.len().cast(pl.Float64) if weighting == "count" else (1.0 / (pl.col("n") - 1)).sum()
    return pairs.group_by("source", "target").agg(share.alias("weight")).sort("source", "target")
