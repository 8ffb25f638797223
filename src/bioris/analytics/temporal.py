"""From dated alliances to a yearly network of active ties.

An alliance ties every pair of its parties (a three-way deal makes three ties). A tie is
*active* in the years its alliance runs, which a :class:`TiePolicy` decides: a fixed lifetime
after signing (the convention of alliance-network studies, five years by default), until a
recorded end, or for ever after signing (cumulative). The result, :func:`tie_table`, is one
row per year and pair of actors, with how many alliances tie them that year and the value of
those alliances; every network measure of bioris reads it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import polars as pl

from bioris.analytics.genealogy import first_exits
from bioris.domain import LineageFact, LineageRelation
from bioris.errors import BiorisError

__all__ = [
    "TIE_COLUMNS",
    "TiePolicy",
    "deal_spans",
    "pair_table",
    "parent_table",
    "tie_table",
    "with_top_parent",
]

TIE_COLUMNS = ("year", "source", "target", "alliances", "committed_eur", "headline_eur")
_FAR_FUTURE = 9999
_MAX_PARENT_DEPTH = 8


@dataclass(frozen=True, slots=True)
class TiePolicy:
    """How long an alliance keeps its parties tied.

    ``kind`` is ``"fixed"`` (``lifetime_years`` years from signing, signing year included),
    ``"until_end"`` (to the recorded ``end_year``; alliances without one use
    ``lifetime_years``) or ``"cumulative"`` (from signing on, never ending).
    """

    kind: Literal["fixed", "until_end", "cumulative"] = "fixed"
    lifetime_years: int = 5

    def __post_init__(self) -> None:
        if self.kind not in {"fixed", "until_end", "cumulative"}:
            raise BiorisError(f"unknown tie policy {self.kind!r}")
        if self.lifetime_years < 1:
            raise BiorisError("a tie lifetime must be at least one year")

    def last_year(self) -> pl.Expr:
        """The last active year of each alliance, as an expression over ``year, end_year``."""
        fixed = pl.col("year") + (self.lifetime_years - 1)
        if self.kind == "cumulative":
            return pl.lit(_FAR_FUTURE)
        if self.kind == "until_end":
            ended = pl.max_horizontal("end_year", "year")  # an end before signing is signing
            return pl.when(pl.col("end_year").is_null()).then(fixed).otherwise(ended)
        return fixed


def parent_table(lineage: Collection[LineageFact], *, acquisitions: bool = True) -> pl.DataFrame:
    """Who belongs to whom, when: ``actor_id, parent_id, start_year, end_year``.

    Built from ``subsidiary_of`` facts and, with ``acquisitions``, from ``acquired_by``
    facts (the acquired actor belongs to its acquirer from the acquisition year on). Open ends
    are filled with 0 and 9999 so that year tests need no null handling.
    """
    relations = {LineageRelation.SUBSIDIARY_OF}
    if acquisitions:
        relations.add(LineageRelation.ACQUIRED_BY)
    rows = [
        (f.actor_id, f.target, f.start_year or 0, f.end_year or _FAR_FUTURE)
        for f in lineage
        if f.relation in relations
    ]
    return pl.DataFrame(
        rows,
        schema={
            "actor_id": pl.String,
            "parent_id": pl.String,
            "start_year": pl.Int32,
            "end_year": pl.Int32,
        },
        orient="row",
    )


def pair_table(parties: pl.DataFrame) -> pl.DataFrame:
    """Every pair of parties of every alliance: ``alliance_id, source, target``."""
    slim = parties.select("alliance_id", "actor_id").unique()
    return (
        slim.join(slim, on="alliance_id", suffix="_b")
        .filter(pl.col("actor_id") < pl.col("actor_id_b"))
        .select("alliance_id", pl.col("actor_id").alias("source"),
                pl.col("actor_id_b").alias("target"))
    )  # fmt: skip


def tie_table(
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    *,
    start: int,
    end: int,
    policy: TiePolicy | None = None,
    deal_types: Collection[str] | None = None,
    actors: Collection[str] | None = None,
    require: Literal["both", "any"] = "both",
    parents: pl.DataFrame | None = None,
    exits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Active ties per year: ``year, source, target, alliances, committed_eur, headline_eur``.

    Parameters
    ----------
    alliances : polars.DataFrame
        At least ``alliance_id, year, deal_type``; ``end_year``, ``committed_eur`` and
        ``headline_eur`` are used when present (:func:`bioris.analytics.alliances_frame`).
        Undated alliances are left out.
    parties : polars.DataFrame
        ``alliance_id, actor_id`` (:func:`bioris.analytics.parties_frame`).
    start, end : int
        The years to build (inclusive).
    policy : TiePolicy, optional
        Tie duration; five-year fixed lifetime by default.
    deal_types : collection of str, optional
        A layer: only alliances of these types.
    actors : collection of str, optional
        A layer: only ties among these actors (``require="both"``) or touching one of them
        (``require="any"``), e.g. the actors of one kind or region.
    parents : polars.DataFrame, optional
        :func:`parent_table` output: roll subsidiaries up to their parent at each date
        (Janssen counts as Johnson & Johnson), through chains of parents. Ties that roll up
        into one actor disappear.
    exits : polars.DataFrame, optional
        ``actor_id, exit_year`` (:func:`~bioris.analytics.genealogy.actor_lifespans`): an
        actor's independent life ends in its exit year (acquisition, merger, closure), so the
        ties of alliances it signed by then end that year too. With ``parents`` they roll up
        to the acquirer instead, when the lineage names one. A deal the actor signs after its
        exit (as a subsidiary) ties it from signing, as any deal does.

    Returns
    -------
    polars.DataFrame
        One row per year and unordered pair (``source < target``), sorted. ``alliances``
        counts the pair's active alliances; the values are sums in EUR million (0 where
        undisclosed), the weights of the value-weighted network.
    """
    if start > end:
        raise BiorisError(f"the period {start}-{end} is empty")
    policy = policy or TiePolicy()
    deals = deal_spans(alliances, start, end, policy, deal_types)
    ties = pair_table(parties).join(deals, on="alliance_id")
    ties = ties.with_columns(pl.int_ranges("first", pl.col("last") + 1).alias("year")).explode(
        "year"
    )
    ties = ties.with_columns(
        pl.col("year").cast(pl.Int32), pl.col("source").alias("_s0"), pl.col("target").alias("_t0")
    )
    if parents is not None and parents.height:
        ties = _roll_up(ties, parents)
    if exits is not None and exits.height:
        ties = _end_at_exits(ties, exits)
    if actors is not None:
        ties = _layer(ties, actors, require)
    return (
        ties.group_by("year", "source", "target")
        .agg(
            pl.len().cast(pl.Int64).alias("alliances"),
            pl.col("committed_eur").sum(),
            pl.col("headline_eur").sum(),
        )
        .sort("year", "source", "target")
        .select(TIE_COLUMNS)
    )


def deal_spans(
    alliances: pl.DataFrame,
    start: int,
    end: int,
    policy: TiePolicy,
    deal_types: Collection[str] | None,
) -> pl.DataFrame:
    frame = alliances.filter(pl.col("year").is_not_null())
    if deal_types is not None:
        frame = frame.filter(pl.col("deal_type").is_in(list(deal_types)))
    for column in ("end_year", "committed_eur", "headline_eur"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(column))
    spans = frame.select(
        "alliance_id",
        pl.col("year").cast(pl.Int32).alias("signed"),
        pl.max_horizontal(pl.col("year"), pl.lit(start)).cast(pl.Int32).alias("first"),
        pl.min_horizontal(policy.last_year(), pl.lit(end)).cast(pl.Int32).alias("last"),
        pl.col("committed_eur").cast(pl.Float64).fill_null(0.0),
        pl.col("headline_eur").cast(pl.Float64).fill_null(0.0),
    )
    return spans.filter(pl.col("first") <= pl.col("last"))


def with_top_parent(
    frame: pl.DataFrame, parents: pl.DataFrame | None, column: str, alias: str
) -> pl.DataFrame:
    """Add ``alias``: the top parent, in the row's ``year``, of the actor in ``column``.

    Chains are followed (a subsidiary of a subsidiary); an actor without a parent that year
    is its own top parent. When several parent facts hold in one year, the first parent id
    in sort order wins, so results do not depend on row order.
    """
    out = frame.with_columns(pl.col(column).alias(alias))
    if parents is None or parents.height == 0:
        return out
    holds = (pl.col("start_year") <= pl.col("year")) & (pl.col("year") <= pl.col("end_year"))
    for _ in range(_MAX_PARENT_DEPTH):
        joined = out.join(parents.rename({"actor_id": alias}), on=alias, how="left")
        joined = joined.with_columns(pl.when(holds).then(pl.col("parent_id")).alias("parent_id"))
        joined = joined.sort("parent_id", nulls_last=True).unique(subset=out.columns, keep="first")
        if joined["parent_id"].is_null().all():
            break
        out = joined.with_columns(pl.coalesce("parent_id", alias).alias(alias)).select(out.columns)
    return out


def _roll_up(ties: pl.DataFrame, parents: pl.DataFrame) -> pl.DataFrame:
    """Replace each endpoint by its top parent in that year; drop ties that become loops."""
    for column in ("source", "target"):
        ties = with_top_parent(ties.rename({column: "_own"}), parents, "_own", column).drop("_own")
    swapped = ties.with_columns(
        pl.min_horizontal("source", "target").alias("source"),
        pl.max_horizontal("source", "target").alias("target"),
    )
    return swapped.filter(pl.col("source") != pl.col("target"))


def _end_at_exits(ties: pl.DataFrame, exits: pl.DataFrame) -> pl.DataFrame:
    """Drop the years after an endpoint's exit of ties from alliances it signed by then, unless
    the endpoint was rolled up into its acquirer (it is then no longer an endpoint)."""
    ended = first_exits(exits)
    out = ties
    for original, name in (("_s0", "_xs"), ("_t0", "_xt")):
        out = out.join(
            ended.rename({"actor_id": original, "exit_year": name}), on=original, how="left"
        )
    gone = pl.lit(False)
    for original, name in (("_s0", "_xs"), ("_t0", "_xt")):
        itself = (pl.col(original) == pl.col("source")) | (pl.col(original) == pl.col("target"))
        after = (pl.col("year") > pl.col(name)) & (pl.col("signed") <= pl.col(name))
        gone = gone | (itself & after).fill_null(False)
    return out.filter(~gone).drop("_xs", "_xt")


def _layer(ties: pl.DataFrame, actors: Collection[str], require: str) -> pl.DataFrame:
    keep = pl.Series(list(actors), dtype=pl.String).implode()
    inside_s, inside_t = pl.col("source").is_in(keep), pl.col("target").is_in(keep)
    if require == "both":
        return ties.filter(inside_s & inside_t)
    if require == "any":
        return ties.filter(inside_s | inside_t)
    raise BiorisError(f"require must be 'both' or 'any', not {require!r}")
