"""Most preferred partners: which NBFs sit at the centre of the alliance network, year by year.

For every NBF and year, :func:`partner_profile` counts its active alliances, distinct
partners, distinct big-pharma partners, repeat partners and the alliances in which the partner
pays (the NBF is licensor, investee or target), with the value received and its network
ranks. :func:`preferred_partner_ranking` orders NBFs by the documented rule
:data:`RANKING_RULE`, and :func:`top_k_persistence` says how long each stays on top.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from bioris.analytics.genealogy import first_exits
from bioris.analytics.temporal import TiePolicy, deal_spans, with_top_parent
from bioris.domain import Actor, name_key

__all__ = [
    "PAYING_PARTNER_ROLES",
    "RANKING_RULE",
    "RECEIVING_ROLES",
    "big_pharma_ids",
    "partner_profile",
    "preferred_partner_ranking",
    "top_k_persistence",
]

#: roles of a partner who pays the NBF (the NBF is then the deal's "target")
PAYING_PARTNER_ROLES = ("licensee", "investor", "acquirer")
#: the NBF's own role in such a deal
RECEIVING_ROLES = ("licensor", "investee", "target")

RANKING_RULE = (
    "Panel firms are ranked each year by, in order: distinct big-pharma partners in active "
    "alliances, then distinct partners, then alliances in which the partner pays, then "
    "normalised betweenness, then committed value received to date; ties share the best rank."
)
_RANK_KEYS = (
    "big_pharma_partners", "distinct_partners", "target_alliances", "betweenness",
    "committed_received_to_date_eur",
)  # fmt: skip


def big_pharma_ids(actors: Collection[Actor], names: Collection[str]) -> set[str]:
    """Ids of the actors whose name or alias is on the big-pharma list ``names``."""
    wanted = {name_key(n) for n in names}
    return {a.actor_id for a in actors if any(name_key(n) in wanted for n in (a.name, *a.aliases))}


def partner_profile(
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    nbfs: Collection[str],
    *,
    start: int,
    end: int,
    policy: TiePolicy | None = None,
    big_pharma: Collection[str] = (),
    parents: pl.DataFrame | None = None,
    centrality: pl.DataFrame | None = None,
    exits: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per NBF and year in which it has an active alliance.

    Parameters
    ----------
    alliances, parties : polars.DataFrame
        :func:`~bioris.analytics.alliances_frame` and :func:`~bioris.analytics.parties_frame`.
    nbfs : collection of str
        The focal firms' actor ids.
    start, end, policy
        The period and the tie duration (five-year lifetime by default).
    big_pharma : collection of str
        Actor ids on the big-pharma list (:func:`big_pharma_ids`); a partner counts as big
        pharma in a year when it, or its top parent that year (``parents``), is on it, so
        Genentech counts as Roche and Wyeth as Pfizer from 2009.
    parents : polars.DataFrame, optional
        :func:`~bioris.analytics.parent_table` output.
    centrality : polars.DataFrame, optional
        :func:`~bioris.analytics.centrality` output; adds ``degree_rank``,
        ``betweenness``, ``betweenness_rank`` and ``eigenvector_rank`` (1 = most central
        among all actors that year).

    Returns
    -------
    polars.DataFrame
        ``year, actor, active_alliances, distinct_partners, big_pharma_partners,
        repeat_partners, target_alliances, committed_received_eur, headline_received_eur,
        committed_received_to_date_eur`` and the rank columns.
    """
    spans = deal_spans(alliances, start, end, policy or TiePolicy(), None)
    active = (
        spans.with_columns(pl.int_ranges("first", pl.col("last") + 1).alias("year"))
        .explode("year")
        .with_columns(pl.col("year").cast(pl.Int32))
    )
    roles = parties.select("alliance_id", "actor_id", "role")
    own = roles.filter(pl.col("actor_id").is_in(list(nbfs))).rename(
        {"actor_id": "actor", "role": "own_role"}
    )
    pairs = own.join(
        roles.rename({"actor_id": "partner", "role": "partner_role"}), on="alliance_id"
    )
    pairs = pairs.filter(pl.col("partner") != pl.col("actor"))
    yearly = pairs.join(active.select("alliance_id", "year", "signed"), on="alliance_id")
    if exits is not None and exits.height:
        yearly = _before_exits(yearly, exits)
    yearly = with_top_parent(yearly, parents, "partner", "partner_top")
    pharma = list(big_pharma)
    counts = yearly.group_by("year", "actor").agg(
        pl.col("alliance_id").n_unique().alias("active_alliances"),
        pl.col("partner").n_unique().alias("distinct_partners"),
        pl.col("partner_top")
        .filter(pl.col("partner").is_in(pharma) | pl.col("partner_top").is_in(pharma))
        .n_unique()
        .alias("big_pharma_partners"),
        pl.col("alliance_id")
        .filter(
            pl.col("own_role").is_in(RECEIVING_ROLES)
            & pl.col("partner_role").is_in(PAYING_PARTNER_ROLES)
        )
        .n_unique()
        .alias("target_alliances"),
    )
    profile = counts.join(_repeat_partners(pairs, alliances, start, end), on=["year", "actor"],
                          how="left")  # fmt: skip
    profile = profile.join(_value_received(own, alliances, start, end), on=["year", "actor"],
                           how="left")  # fmt: skip
    profile = profile.with_columns(
        pl.col(c).fill_null(0) for c in ("repeat_partners", "committed_received_eur",
                                         "headline_received_eur")
    )  # fmt: skip
    profile = profile.join(
        _received_to_date(profile.select("year", "actor"), own, alliances),
        on=["year", "actor"],
        how="left",
    ).with_columns(pl.col("committed_received_to_date_eur").fill_null(0.0))
    if centrality is not None:
        profile = profile.join(_ranks(centrality), on=["year", "actor"], how="left")
    else:
        profile = profile.with_columns(pl.lit(None, dtype=pl.Float64).alias("betweenness"))
    return profile.with_columns(pl.col("year").cast(pl.Int32)).sort("year", "actor")


def _before_exits(yearly: pl.DataFrame, exits: pl.DataFrame) -> pl.DataFrame:
    """Drop firm-years after the firm's exit, and partner-years after the partner's exit for
    alliances it signed by then."""
    ended = first_exits(exits)
    out = yearly.join(ended.rename({"actor_id": "actor", "exit_year": "_xa"}), on="actor",
                      how="left").join(
        ended.rename({"actor_id": "partner", "exit_year": "_xp"}), on="partner", how="left"
    )  # fmt: skip
    firm_gone = (pl.col("year") > pl.col("_xa")).fill_null(False)
    partner_gone = (pl.col("year") > pl.col("_xp")) & (pl.col("signed") <= pl.col("_xp"))
    return out.filter(~firm_gone & ~partner_gone.fill_null(False)).drop("_xa", "_xp")


def _repeat_partners(
    pairs: pl.DataFrame, alliances: pl.DataFrame, start: int, end: int
) -> pl.DataFrame:
    """Per NBF-year: partners with two or more alliances signed up to that year."""
    signed = pairs.join(alliances.select("alliance_id", "year"), on="alliance_id").filter(
        pl.col("year").is_not_null()
    )
    per_pair_year = signed.group_by("actor", "partner", "year").agg(pl.len().alias("n"))
    years = pl.DataFrame({"year": list(range(start, end + 1))}, schema={"year": pl.Int32})
    grid = per_pair_year.select("actor", "partner").unique().join(years, how="cross")
    cumulative = (
        grid.join(
            per_pair_year.with_columns(pl.col("year").cast(pl.Int32)),
            on=["actor", "partner", "year"],
            how="left",
        )
        .with_columns(pl.col("n").fill_null(0))
        .sort("actor", "partner", "year")
        .with_columns(pl.col("n").cum_sum().over("actor", "partner").alias("to_date"))
    )
    early = (
        per_pair_year.filter(pl.col("year") < start)
        .group_by("actor", "partner")
        .agg(pl.col("n").sum().alias("before"))
    )
    cumulative = cumulative.join(early, on=["actor", "partner"], how="left").with_columns(
        (pl.col("to_date") + pl.col("before").fill_null(0)).alias("to_date")
    )
    return (
        cumulative.filter(pl.col("to_date") >= 2)
        .group_by("year", "actor")
        .agg(pl.len().cast(pl.UInt32).alias("repeat_partners"))
    )


def _received_to_date(
    keys: pl.DataFrame, own: pl.DataFrame, alliances: pl.DataFrame
) -> pl.DataFrame:
    """Per firm-year of ``keys``: committed value received in deals signed up to that year,
    from the first dated deal (not from the period's start, so a year's ranking does not
    depend on the period asked for)."""
    received = _value_received(own, alliances, -(10**6), 10**6).select(
        pl.col("year").alias("signed"), "actor", "committed_received_eur"
    )
    return (
        keys.join(received, on="actor")
        .filter(pl.col("signed") <= pl.col("year"))
        .group_by("year", "actor")
        .agg(pl.col("committed_received_eur").sum().alias("committed_received_to_date_eur"))
    )


def _value_received(
    own: pl.DataFrame, alliances: pl.DataFrame, start: int, end: int
) -> pl.DataFrame:
    """Committed and headline value of deals signed in the year where the NBF receives."""
    receiving = (
        own.filter(pl.col("own_role").is_in(RECEIVING_ROLES))
        .select("alliance_id", "actor")
        .unique()
    )
    values = alliances.select(
        "alliance_id", "year",
        pl.col("committed_eur").fill_null(0.0), pl.col("headline_eur").fill_null(0.0),
    )  # fmt: skip
    return (
        receiving.join(values, on="alliance_id")
        .filter(pl.col("year").is_between(start, end))
        .group_by(pl.col("year").cast(pl.Int32), "actor")
        .agg(
            pl.col("committed_eur").sum().alias("committed_received_eur"),
            pl.col("headline_eur").sum().alias("headline_received_eur"),
        )
    )


def _ranks(centrality: pl.DataFrame) -> pl.DataFrame:
    rank = {"method": "min", "descending": True}
    columns = [pl.col("year"), pl.col("actor")]
    if "betweenness" in centrality.columns:
        columns.append(pl.col("betweenness"))
    for measure in ("degree", "betweenness", "eigenvector"):
        if measure in centrality.columns:
            columns.append(
                pl.col(measure).rank(**rank).over("year").cast(pl.Int64).alias(f"{measure}_rank")
            )
    return centrality.select(columns)


def preferred_partner_ranking(profile: pl.DataFrame, *, top: int | None = 10) -> pl.DataFrame:
    """NBFs ranked per year by :data:`RANKING_RULE`; ``rank`` 1 is the most preferred.

    Returns
    -------
    polars.DataFrame
        ``year, rank`` and the profile's columns, the ``top`` best per year (all if None).
    """
    keys = [k for k in _RANK_KEYS if k in profile.columns]
    key = pl.struct([pl.col(k).fill_null(0) for k in keys])
    ranked = profile.with_columns(
        key.rank(method="min", descending=True).over("year").cast(pl.Int64).alias("rank")
    ).sort("year", "rank", "actor")
    if top is not None:
        ranked = ranked.filter(pl.col("rank") <= top)
    return ranked.select("year", "rank", *[c for c in ranked.columns if c not in {"year", "rank"}])


def top_k_persistence(ranking: pl.DataFrame, *, k: int = 10) -> pl.DataFrame:
    """How long each NBF stays in the top ``k``: ``actor, years_in_top, first_year,
    last_year, best_rank``, most persistent first."""
    top = ranking.filter(pl.col("rank") <= k)
    return (
        top.group_by("actor")
        .agg(
            pl.len().cast(pl.Int64).alias("years_in_top"),
            pl.col("year").min().alias("first_year"),
            pl.col("year").max().alias("last_year"),
            pl.col("rank").min().alias("best_rank"),
        )
        .sort(["years_in_top", "best_rank", "actor"], descending=[True, False, False])
    )
