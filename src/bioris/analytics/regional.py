"""Regional indicators of a biotech RIS: firm demography, the reach of alliances (local buzz
or global pipelines), the meta-network of regions, and the regional support infrastructure.

A *location* is the study's declared region an actor is placed in, else its country
(:func:`~bioris.analytics.actors_frame`, :meth:`bioris.domain.StudyDefinition.location`).
Subsector specialisation is in :mod:`bioris.analytics.specialisation`, spin-off genealogies in
:mod:`bioris.analytics.genealogy`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Literal

import polars as pl

from bioris.analytics.genealogy import actor_lifespans
from bioris.analytics.geography import actor_locations
from bioris.analytics.temporal import pair_table
from bioris.domain import LineageFact
from bioris.domain.geography import CONTINENTS
from bioris.errors import BiorisError

__all__ = [
    "EUROPEAN_COUNTRIES",
    "INFRASTRUCTURE_KINDS",
    "PARTNER_TIE_RULE",
    "TIE_SCOPES",
    "actor_counts",
    "infrastructure",
    "pooled_tie_scope",
    "region_network",
    "tie_scope",
]

#: the countries the scopes count as European: one definition, the continent table's
EUROPEAN_COUNTRIES = frozenset(c for c, name in CONTINENTS.items() if name == "Europe")
TIE_SCOPES = ("intra_regional", "inter_regional", "european", "global")
INFRASTRUCTURE_KINDS = ("network_org", "government", "financier", "research_centre")
#: what one partner tie of :func:`tie_scope` and :func:`pooled_tie_scope` is, in words
PARTNER_TIE_RULE = (
    "a partner tie is one partner of one deal, counted in the deal's signing year: a deal "
    "with two partners gives the firm two ties, and two deals with the same partner give two "
    "(ties are neither counted once per pair nor once per year they last); a period's share "
    "is its ties in the scope over all its placed ties, pooled over the period, not a sum or "
    "mean of yearly shares"
)


def actor_counts(
    actors: pl.DataFrame,
    lineage: Collection[LineageFact] | pl.DataFrame,
    *,
    start: int,
    end: int,
    alliances: pl.DataFrame | None = None,
    parties: pl.DataFrame | None = None,
    panel: Collection[str] | None = None,
) -> pl.DataFrame:
    """Firm demography per year, kind and location: foundings, exits and active actors.

    Parameters
    ----------
    actors : polars.DataFrame
        :func:`~bioris.analytics.actors_frame` output.
    lineage : collection of LineageFact or polars.DataFrame
        The dataset's lineage facts (or
        :func:`~bioris.analytics.genealogy.lineage_table`); ``acquired_by`` facts date exits.
    start, end : int
        The years to count (inclusive).
    alliances, parties : polars.DataFrame, optional
        When both are given, an actor without a founding year is active from its first deal.
    panel : collection of str, optional
        The study's panel firms: they are counted under the kind ``panel`` (and the other
        actors of their kind under that kind).

    Returns
    -------
    polars.DataFrame
        ``year, kind, location, founded, exited, active, undated``, one row per year and
        (kind, location) pair of ``actors``. ``founded``: actors founded that year. ``exited``:
        actors that ceased to be independent that year: the ``acquired_by`` year of the
        lineage, else the year read from the ``exit`` text
        (:func:`~bioris.analytics.genealogy.actor_lifespans`,
        :func:`~bioris.analytics.genealogy.parse_exit_year`); an exit is counted whether or
        not the founding year is known. ``active``: actors with ``entry_year <= year`` that
        had not exited before the year (a firm is still active in its exit year).
        ``undated``: actors of the group without an entry year (no founding year, and no deal
        when deals are given); they are never counted as active, and the column says how many
        such actors the counts leave out.

    Notes
    -----
    These are the entry, exit and stock counts of firm demography (organisational ecology's
    founding and mortality rates rest on them).

    References
    ----------
    Hannan, M. T., & Freeman, J. (1989). Organizational Ecology. Harvard University Press.
    """
    if start > end:
        raise BiorisError(f"the period {start}-{end} is empty")
    spans = actor_lifespans(actors, lineage, alliances=alliances, parties=parties)
    places = actor_locations(actors).select(pl.col("actor").alias("actor_id"), "kind", "location")
    if panel is not None:
        members = pl.Series(list(panel), dtype=pl.String).implode()
        places = places.with_columns(
            pl.when(pl.col("actor_id").is_in(members)).then(pl.lit("panel")).otherwise("kind")
            .alias("kind")
        )  # fmt: skip
    years = pl.DataFrame({"year": list(range(start, end + 1))}, schema={"year": pl.Int32})
    grid = places.join(spans, on="actor_id").join(years, how="cross")
    year = pl.col("year")
    active = (pl.col("entry_year") <= year) & (
        pl.col("exit_year").is_null() | (pl.col("exit_year") >= year)
    )
    return (
        grid.group_by("year", "kind", "location")
        .agg(
            (pl.col("founded") == year).sum().cast(pl.Int64).alias("founded"),
            (pl.col("exit_year") == year).sum().cast(pl.Int64).alias("exited"),
            active.sum().cast(pl.Int64).alias("active"),
            pl.col("entry_year").is_null().sum().cast(pl.Int64).alias("undated"),
        )
        .sort("year", "kind", "location")
    )


def _dated_parties(
    alliances: pl.DataFrame, parties: pl.DataFrame, start: int, end: int
) -> pl.DataFrame:
    if start > end:
        raise BiorisError(f"the period {start}-{end} is empty")
    deals = alliances.filter(pl.col("year").is_between(start, end)).select(
        "alliance_id", pl.col("year").cast(pl.Int32)
    )
    return parties.join(deals, on="alliance_id")


def _places(actors: pl.DataFrame, prefix: str) -> pl.DataFrame:
    return actors.select(
        pl.col("actor_id").alias(prefix),
        pl.col("country").alias(f"{prefix}_country"),
        pl.col("region").alias(f"{prefix}_region"),
        pl.col("location").fill_null("unknown").alias(f"{prefix}_location"),
    )


def _scope(declared: Collection[str], home: Mapping[str, Collection[str]]) -> pl.Expr:
    fc, pc = pl.col("firm_country"), pl.col("partner_country")
    # a party missing from the actors table is nowhere known (the join leaves it null)
    floc, ploc = pl.col("firm_location"), pl.col("partner_location").fill_null("unknown")
    regions = pl.Series(sorted(declared), dtype=pl.String).implode()
    europe = pl.Series(sorted(EUROPEAN_COUNTRIES), dtype=pl.String).implode()
    homes = {loc: list(countries) for loc, countries in home.items()}
    firm_home = floc.replace_strict(
        homes, default=pl.concat_list(fc), return_dtype=pl.List(pl.String)
    )
    partner_placed = ploc.is_in(regions)
    at_home = firm_home.list.contains(pc).fill_null(False)
    # a firm is European when its home is: a firm placed in a cross-border region may have
    # no single country of its own (Medicon Valley is DK and SE)
    firm_european = firm_home.list.eval(pl.element().is_in(europe).fill_null(False)).list.all()
    return (
        pl.when((ploc == "unknown") | floc.is_null() | (floc == "unknown"))
        .then(pl.lit("unknown"))
        .when(floc == ploc)
        .then(pl.lit("intra_regional"))
        .when(partner_placed)
        .then(pl.lit("inter_regional"))
        .when(at_home & floc.is_in(regions) & pl.col("partner_region").is_null())
        .then(pl.lit("unknown"))  # in the region's country, but where in it is not known
        .when(at_home)
        .then(pl.lit("inter_regional"))
        .when(firm_european & pc.is_in(europe))
        .then(pl.lit("european"))
        .otherwise(pl.lit("global"))
    )


def tie_scope(
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    actors: pl.DataFrame,
    *,
    by: Literal["firm", "region"] = "firm",
    start: int,
    end: int,
    kinds: Collection[str] | None = None,
    firms: Collection[str] | None = None,
    regions: Collection[str] = (),
    home: Mapping[str, Collection[str]] | None = None,
    firm_years: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Local buzz or global pipelines: where each firm's (or region's) partners are.

    Each deal signed in ``start..end`` is read from each of its ``firms`` (the study's panel;
    without ``firms``, from its focal party, ``parties.focal``). Every other party of the deal
    is one *partner tie* of the firm (:data:`PARTNER_TIE_RULE`; :func:`pooled_tie_scope` pools
    them over a period), classified as ``intra_regional`` (partner in the firm's
    own location: its declared region, or for a firm outside them its own country),
    ``inter_regional`` (partner in another declared region, or elsewhere in a country of the
    firm's region: ``home``), ``european`` (another country of
    :data:`EUROPEAN_COUNTRIES`, the firm's home countries being European too) or ``global``
    (otherwise). A partner without a country (or missing from ``actors``), or one in a
    country of the firm's region that names no region, cannot be placed: it is counted in
    ``unknown_ties`` and left out of the shares.

    Parameters
    ----------
    alliances, parties, actors : polars.DataFrame
        :func:`~bioris.analytics.alliances_frame`, :func:`~bioris.analytics.parties_frame`
        (with ``focal``) and :func:`~bioris.analytics.actors_frame` outputs.
    by : {"firm", "region"}
        One row per focal firm and year, or per location of the focal firms and year.
    start, end : int
        Signing years (inclusive); undated deals are left out.
    kinds : collection of str, optional
        Only focal firms of these kinds (e.g. ``{"nbf"}``); all focal parties by default.
    firms : collection of str, optional
        The firms whose partners are counted (the study's panel), whether or not the deal
        came from their deal list.
    regions : collection of str
        The study's declared regions (:attr:`~bioris.domain.StudyDefinition.regions`).
    home : mapping, optional
        Declared region -> its countries (a cross-border region has several); a location
        that is a country is its own home.
    firm_years : polars.DataFrame, optional
        ``actor_id, year``: a firm's deals count only when signed in one of its years (the
        study's panel years: not before its entry, not after its exit).

    Returns
    -------
    polars.DataFrame
        ``firm, location, year`` (``by="firm"``) or ``location, year`` (``by="region"``), then
        ``alliances`` (distinct deals), ``ties`` (placed partner ties), ``unknown_ties`` and
        the shares of ``ties`` in the four scopes, which sum to 1 (null when ``ties`` is 0).
        A three-party deal gives its focal firm two partner ties, so a multi-partner deal
        weighs more than a bilateral one: the shares are shares of partner ties, not of deals.

    References
    ----------
    Bathelt, H., Malmberg, A., & Maskell, P. (2004). Clusters and knowledge: local buzz,
    global pipelines and the process of knowledge creation. Progress in Human Geography,
    28(1), 31-56.
    """
    ties = _partner_ties(alliances, parties, actors, by=by, start=start, end=end, kinds=kinds,
                         firms=firms, regions=regions, home=home,
                         firm_years=firm_years)  # fmt: skip
    keys = ["firm", "firm_location", "year"] if by == "firm" else ["firm_location", "year"]
    out = _count_scopes(ties, keys)
    shares = [
        pl.when(pl.col("ties") > 0).then(pl.col(s) / pl.col("ties")).alias(s) for s in TIE_SCOPES
    ]
    out = out.with_columns(shares).rename({"firm_location": "location"})
    if by == "firm":
        rest = [c for c in out.columns if c not in {"firm", "location", "year"}]
        return out.select("firm", "location", "year", *rest).sort("location", "firm", "year")
    return out.sort("location", "year")


def pooled_tie_scope(
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    actors: pl.DataFrame,
    *,
    by: Literal["firm", "region"] = "region",
    start: int,
    end: int,
    kinds: Collection[str] | None = None,
    firms: Collection[str] | None = None,
    regions: Collection[str] = (),
    home: Mapping[str, Collection[str]] | None = None,
    firm_years: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Local buzz or global pipelines over a whole period: the partner ties of
    :func:`tie_scope` (:data:`PARTNER_TIE_RULE`) counted once over ``start..end`` and divided
    once, so a share is a share of the period's ties, never a sum or mean of yearly shares.

    The counts add up over the years: the ties of a period are the sum of the ties of its
    years (each deal has one signing year), and so is each scope's count.

    Parameters
    ----------
    alliances, parties, actors, by, start, end, kinds, firms, regions, home, firm_years
        As :func:`tie_scope`.

    Returns
    -------
    polars.DataFrame
        ``firm, location`` (``by="firm"``) or ``location`` (``by="region"``), then
        ``alliances`` (distinct deals), ``ties`` (placed partner ties), ``unknown_ties``, the
        count of ties in each of :data:`TIE_SCOPES` and its share ``<scope>_share`` (of
        ``ties``; null when ``ties`` is 0).

    Examples
    --------
    A firm of region A signs two deals, one with a partner in A and one with two partners in
    the United States: three partner ties, one of them local.

    >>> actors = pl.DataFrame({"actor_id": ["f", "a", "u", "v"],
    ...                        "country": ["BE", "BE", "US", "US"],
    ...                        "region": ["A", "A", None, None],
    ...                        "location": ["A", "A", "US", "US"]})
    >>> alliances = pl.DataFrame({"alliance_id": ["d1", "d2"], "year": [2001, 2003]})
    >>> parties = pl.DataFrame({"alliance_id": ["d1", "d1", "d2", "d2", "d2"],
    ...                         "actor_id": ["f", "a", "f", "u", "v"],
    ...                         "focal": [True, False, True, False, False]})
    >>> out = pooled_tie_scope(alliances, parties, actors, start=2000, end=2005, firms=["f"],
    ...                        regions=["A"], home={"A": ["BE"]})
    >>> out.select("location", "alliances", "ties", "intra_regional", "intra_regional_share").row(0)
    ('A', 2, 3, 1, 0.3333333333333333)
    """
    ties = _partner_ties(alliances, parties, actors, by=by, start=start, end=end, kinds=kinds,
                         firms=firms, regions=regions, home=home,
                         firm_years=firm_years)  # fmt: skip
    keys = ["firm", "firm_location"] if by == "firm" else ["firm_location"]
    out = _count_scopes(ties, keys).with_columns(
        pl.when(pl.col("ties") > 0).then(pl.col(s) / pl.col("ties")).alias(f"{s}_share")
        for s in TIE_SCOPES
    )
    out = out.rename({"firm_location": "location"})
    if by == "firm":
        rest = [c for c in out.columns if c not in {"firm", "location"}]
        return out.select("firm", "location", *rest).sort("location", "firm")
    return out.sort("location")


def _partner_ties(
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    actors: pl.DataFrame,
    *,
    by: str,
    start: int,
    end: int,
    kinds: Collection[str] | None,
    firms: Collection[str] | None,
    regions: Collection[str],
    home: Mapping[str, Collection[str]] | None,
    firm_years: pl.DataFrame | None,
) -> pl.DataFrame:
    """One row per partner tie (deal, firm, partner) with the deal's year and its scope."""
    if by not in {"firm", "region"}:
        raise BiorisError(f"by must be 'firm' or 'region', not {by!r}")
    dated = _dated_parties(alliances, parties, start, end)
    if firms is not None:
        focal = dated.filter(
            pl.col("actor_id").is_in(pl.Series(list(firms), dtype=pl.String).implode())
        )
    else:
        focal = dated.filter(pl.col("focal"))
    focal = focal.select("alliance_id", "year", pl.col("actor_id").alias("firm")).unique()
    if firm_years is not None:
        years = firm_years.select(pl.col("actor_id").alias("firm"), pl.col("year").cast(pl.Int32))
        focal = focal.join(years, on=["firm", "year"], how="semi")
    if kinds is not None:
        chosen = actors.filter(pl.col("kind").is_in(list(kinds)))["actor_id"].implode()
        focal = focal.filter(pl.col("firm").is_in(chosen))
    return (
        focal.join(
            dated.select("alliance_id", pl.col("actor_id").alias("partner")), on="alliance_id"
        )
        .filter(pl.col("partner") != pl.col("firm"))
        .unique()
        .join(_places(actors, "firm"), on="firm", how="left")
        .join(_places(actors, "partner"), on="partner", how="left")
        .with_columns(
            _scope(regions, home or {}).alias("scope"), pl.col("firm_location").fill_null("unknown")
        )
    )


def _count_scopes(ties: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Distinct deals, placed and unknown partner ties and the ties of each scope per key."""
    placed = pl.col("scope") != "unknown"
    schema = {"alliances": pl.Int64, "ties": pl.Int64, "unknown_ties": pl.Int64,
              **dict.fromkeys(TIE_SCOPES, pl.Int64)}  # fmt: skip
    return (
        ties.group_by(keys)
        .agg(
            pl.col("alliance_id").n_unique().alias("alliances"),
            placed.sum().alias("ties"),
            (~placed).sum().alias("unknown_ties"),
            *[(pl.col("scope") == s).sum().alias(s) for s in TIE_SCOPES],
        )
        .cast(schema)
    )


def region_network(
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    actors: pl.DataFrame,
    *,
    start: int,
    end: int,
) -> pl.DataFrame:
    """The meta-network of regions: alliances between locations, pooled over a period.

    Every pair of parties of a deal signed in ``start..end`` ties their locations (declared
    region, else country, else ``unknown``); a pair inside one location is a loop
    (``source_region == target_region``), the local buzz of that region.

    Returns
    -------
    polars.DataFrame
        ``source_region, target_region, alliances, ties, weight`` with ``source_region <=
        target_region``: ``alliances`` counts the distinct deals tying the two locations,
        ``ties`` the actor pairs, and ``weight`` spreads each deal's weight of 1 evenly over its
        pairs (1/3 per pair in a three-party deal), so that the weights add up to the number
        of deals and a consortium does not outweigh three bilateral deals.

    References
    ----------
    Bathelt, H., Malmberg, A., & Maskell, P. (2004). Clusters and knowledge: local buzz,
    global pipelines and the process of knowledge creation. Progress in Human Geography,
    28(1), 31-56.
    """
    pairs = pair_table(_dated_parties(alliances, parties, start, end))
    pairs = pairs.with_columns((1.0 / pl.len().over("alliance_id")).alias("weight"))
    where = _places(actors, "a").select("a", "a_location")
    ends = pairs.join(where.rename({"a": "source", "a_location": "s"}), on="source", how="left")
    ends = ends.join(where.rename({"a": "target", "a_location": "t"}), on="target", how="left")
    s, t = pl.col("s").fill_null("unknown"), pl.col("t").fill_null("unknown")
    return (
        ends.select(
            "alliance_id",
            "weight",
            pl.min_horizontal(s, t).alias("source_region"),
            pl.max_horizontal(s, t).alias("target_region"),
        )
        .group_by("source_region", "target_region")
        .agg(
            pl.col("alliance_id").n_unique().cast(pl.Int64).alias("alliances"),
            pl.len().cast(pl.Int64).alias("ties"),
            pl.col("weight").sum(),
        )
        .sort("source_region", "target_region")
    )


_ROLE_COLUMNS = {"grantor": "grants_given", "investor": "equity_investments",
                 "collaborator": "collaborations"}  # fmt: skip


def infrastructure(
    actors: pl.DataFrame,
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    *,
    kinds: Collection[str] = INFRASTRUCTURE_KINDS,
    by: Literal["actor", "region"] = "actor",
    start: int | None = None,
    end: int | None = None,
    firms: Collection[str] | None = None,
) -> pl.DataFrame:
    """The support infrastructure of the RIS and what it does in the deals.

    Lists the actors of ``kinds`` (by default network organisations such as cluster
    organisations, government funders and innovation agencies, financiers such as regional
    investment companies and venture funds, and research centres) with their part in
    the dated deals of ``start..end`` (all dated deals by default).

    Returns
    -------
    polars.DataFrame
        ``by="actor"``: ``actor_id, name, kind, location`` then the counts below, one row per
        actor of ``kinds`` (actors without deals have zeros). ``by="region"``: ``location,
        kind, actors`` then the counts summed over the actors of that location and kind.
        ``deals`` (distinct deals), ``grants_given`` (role ``grantor``), ``equity_investments``
        (role ``investor``), ``collaborations`` (role ``collaborator``), ``other_ties`` (any
        other role: licensor, acquirer, client, ...; incubation and hosting are not deal roles
        of the data and land here when recorded), ``nbfs`` (distinct ``firms``, the study's
        panel, among the other parties of those deals), ``first_year`` and ``last_year`` of
        those deals.

    References
    ----------
    Cooke, P., Gomez Uranga, M., & Etxebarria, G. (1997). Regional innovation systems:
    Institutional and organisational dimensions. Research Policy, 26(4-5), 475-491.
    """
    if by not in {"actor", "region"}:
        raise BiorisError(f"by must be 'actor' or 'region', not {by!r}")
    lo = -(10**6) if start is None else start
    hi = 10**6 if end is None else end
    members = actors.filter(pl.col("kind").is_in(list(kinds))).select(
        "actor_id", "name", "kind",
        pl.col("location").fill_null("unknown"),
    )  # fmt: skip
    dated = _dated_parties(alliances, parties, lo, hi)
    rows = dated.join(members, on="actor_id")
    if firms is None:
        firms = actors.filter(pl.col("kind") == "nbf")["actor_id"].to_list()
    nbf_ids = pl.Series(list(firms), dtype=pl.String).implode()
    links = rows.join(
        dated.filter(pl.col("actor_id").is_in(nbf_ids)).select(
            "alliance_id", pl.col("actor_id").alias("nbf")
        ),
        on="alliance_id",
    ).filter(pl.col("nbf") != pl.col("actor_id"))
    keys = ["actor_id"] if by == "actor" else ["location", "kind"]
    role = pl.col("role")
    counts = rows.group_by(keys).agg(
        pl.col("alliance_id").n_unique().cast(pl.Int64).alias("deals"),
        *[(role == r).sum().cast(pl.Int64).alias(c) for r, c in _ROLE_COLUMNS.items()],
        (~role.is_in(list(_ROLE_COLUMNS))).sum().cast(pl.Int64).alias("other_ties"),
        pl.col("year").min().alias("first_year"),
        pl.col("year").max().alias("last_year"),
    )
    nbfs = links.group_by(keys).agg(pl.col("nbf").n_unique().cast(pl.Int64).alias("nbfs"))
    if by == "actor":
        base = members
    else:
        base = members.group_by(keys).agg(pl.len().cast(pl.Int64).alias("actors"))
    zero = ["deals", *_ROLE_COLUMNS.values(), "other_ties", "nbfs"]
    out = base.join(counts, on=keys, how="left").join(nbfs, on=keys, how="left")
    out = out.with_columns(pl.col(zero).fill_null(0))
    out = out.select(*base.columns, *zero, "first_year", "last_year")
    if by == "region":
        return out.sort(keys)
    return out.sort(
        ["location", "kind", "deals", "actor_id"], descending=[False, False, True, False]
    )
