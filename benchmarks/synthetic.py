"""Seeded synthetic alliance data at benchmark scale, in bioris's table schemas.

:func:`generate` draws a world of biotech actors and the alliances among them, 1980-2020,
and returns the three tables the network analytics read: ``actors`` (schema of
:func:`bioris.analytics.actors_frame`), ``alliances`` (:func:`~bioris.analytics.alliances_frame`)
and ``parties`` (:func:`~bioris.analytics.parties_frame`). The numbers are invented; the
*shape* follows what alliance data sets of a regional biotech system look like:

- **Actors.** Seven kinds with plausible shares: many biotech firms and Belgian new
  biotechnology firms (NBF), fewer financiers, universities, research centres, and few pharma
  and government agencies. NBFs are Belgian by definition; other kinds are partly Belgian.
  Belgian actors sit in a bioRegion (Flanders, Wallonia, Brussels), foreign ones in one of 20
  countries with US-heavy weights. Founding years: pharma, universities and governments are
  old; biotech firms, NBFs and financiers appear at a growing rate from the 1970s on.
- **Alliances.** 1980-2020, the yearly count growing about 8.5 % a year, with dips after the
  2001 and 2008 crashes. Eleven deal types with shares close to those of the bundled dataset.
  Each deal has a focal party (mostly an NBF or biotech; universities also receive grants)
  and one partner, or 2-4 for syndicated equity rounds and research consortia (so 3-5
  parties). Roles follow :data:`bioris.domain.vocab.FOCAL_PARTNER_ROLES`.
- **Who allies with whom.** The partner's *kind* is drawn from a deal-type-specific
  distribution (licensees are mostly pharma, investors mostly financiers, grantors are
  governments); this is what makes pharma attractive: 4 % of the actors take about a third of
  the partner slots. Within a kind the actor is chosen by preferential attachment, with
  probability proportional to ``fitness * (deals so far + 1) ** alpha`` among the actors
  already founded (``fitness`` is lognormal: big and small pharma). Belgian focal firms pick
  Belgian universities, research centres, governments, financiers and NBFs with raised
  probability (regional ties). A share of deals repeats an earlier pair (a follow-on deal of
  the same type with a partner of the last eight years).
- **Values.** Upfront, milestone and equity amounts in EUR million are lognormal by deal type,
  growing 3 % a year, each disclosed with a type-specific probability and null otherwise;
  ``committed_eur = upfront + equity`` and ``headline_eur = committed + milestones`` are null
  when none of their parts is disclosed. (bioris's ``alliances_frame`` writes 0.0 there;
  :func:`bioris.analytics.temporal.tie_table` treats null and 0 alike.)

The simulation is vectorised: deals are drawn in batches (a quarter of a year each), every
batch from the degrees reached at its start, so an L world (100,000 actors, 1,000,000
alliances) takes seconds. One ``numpy.random.Generator`` seeded with ``seed`` drives every
draw, in a fixed order, so the same arguments give the same tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from bioris.analytics.tables import ACTOR_SCHEMA, ALLIANCE_SCHEMA, PARTY_SCHEMA
from bioris.domain.vocab import FOCAL_PARTNER_ROLES, DealType, Role, Stage

__all__ = ["SIZES", "SyntheticData", "generate", "resolve_size"]

#: size name -> (actors, alliances)
SIZES: dict[str, tuple[int, int]] = {
    "S": (1_000, 5_000),
    "M": (20_000, 100_000),
    "L": (100_000, 1_000_000),
}
FIRST_YEAR, LAST_YEAR = 1980, 2020
_YEARS = np.arange(FIRST_YEAR, LAST_YEAR + 1)
_BATCHES_PER_YEAR = 4

# ---------------------------------------------------------------- actors
KINDS = ("nbf", "biotech", "pharma", "university", "research_centre", "financier", "government")
_NBF, _BIOTECH, _PHARMA, _UNIVERSITY, _RESEARCH, _FINANCIER, _GOVERNMENT = range(len(KINDS))
_KIND_SHARE = np.array([0.22, 0.38, 0.04, 0.08, 0.05, 0.20, 0.03])
_KIND_LABEL = ("NBF", "Biotech", "Pharma", "University", "Research Centre", "Fund", "Agency")
_BELGIAN_SHARE = np.array([1.0, 0.04, 0.05, 0.25, 0.30, 0.30, 0.50])
_FITNESS_SIGMA = 0.5  # lognormal, clipped at two sigmas
# founding years: (first, last, yearly growth rate; 0 = uniform)
_FOUNDING = (
    (1975, 2019, 0.06),
    (1972, 2019, 0.05),
    (1850, 1980, 0.0),
    (1800, 1990, 0.0),
    (1950, 2015, 0.0),
    (1970, 2018, 0.05),
    (1830, 2000, 0.0),
)
_EARLY_ACTORS = 3  # per kind, founded by 1980 so that every pool is open from the start
_IPO_SHARE = 0.12  # of biotech firms and NBFs

BIOREGIONS = ("Flanders", "Wallonia", "Brussels")
_BIOREGION_SHARE = np.array([0.55, 0.33, 0.12])
_CITIES = (
    ("Ghent", "Leuven", "Antwerp", "Mechelen", "Hasselt"),
    ("Liège", "Gosselies", "Louvain-la-Neuve", "Mont-Saint-Guibert", "Namur"),
    ("Brussels",),
)
COUNTRIES = (
    "US", "GB", "DE", "FR", "NL", "CH", "JP", "SE", "DK", "IT",
    "ES", "CA", "IL", "CN", "IE", "AT", "AU", "KR", "FI", "NO",
)  # fmt: skip
_COUNTRY_WEIGHT = np.array(
    [35, 9, 9, 8, 6, 6, 6, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1], dtype=np.float64
)
_SUBSECTORS = ("therapeutics", "diagnostics", "platform", "medtech", "agbio", "industrial")
_SUBSECTOR_SHARE = np.array([0.55, 0.15, 0.15, 0.07, 0.05, 0.03])

# ---------------------------------------------------------------- deals
DEAL_TYPES = tuple(DealType)
_T = {t: i for i, t in enumerate(DEAL_TYPES)}
_TYPE_SHARE = {
    DealType.LICENSING_OUT: 0.20,
    DealType.RESEARCH_COLLABORATION: 0.17,
    DealType.EQUITY_INVESTMENT: 0.15,
    DealType.GRANT: 0.08,
    DealType.CO_DEVELOPMENT: 0.08,
    DealType.ACQUISITION: 0.07,
    DealType.LICENSING_IN: 0.06,
    DealType.PLATFORM_SERVICE: 0.06,
    DealType.OPTION: 0.05,
    DealType.COMMERCIALISATION: 0.05,
    DealType.JOINT_VENTURE: 0.03,
}
# focal kind per deal type (default: NBF or biotech)
_FOCAL_KIND = {DealType.GRANT: {_NBF: 0.40, _BIOTECH: 0.20, _UNIVERSITY: 0.25, _RESEARCH: 0.15}}
_DEFAULT_FOCAL = {_NBF: 0.45, _BIOTECH: 0.55}
# partner kind per deal type: where pharma's attractiveness comes from
_PARTNER_KIND = {
    DealType.LICENSING_OUT: {_PHARMA: 0.60, _BIOTECH: 0.30, _NBF: 0.10},
    DealType.LICENSING_IN: {_UNIVERSITY: 0.35, _RESEARCH: 0.15, _BIOTECH: 0.25, _PHARMA: 0.25},
    DealType.RESEARCH_COLLABORATION: {
        _UNIVERSITY: 0.35,
        _RESEARCH: 0.20,
        _PHARMA: 0.25,
        _BIOTECH: 0.15,
        _NBF: 0.05,
    },
    DealType.CO_DEVELOPMENT: {_PHARMA: 0.50, _BIOTECH: 0.40, _NBF: 0.10},
    DealType.OPTION: {_PHARMA: 0.70, _BIOTECH: 0.30},
    DealType.EQUITY_INVESTMENT: {_FINANCIER: 0.80, _PHARMA: 0.12, _GOVERNMENT: 0.08},
    DealType.ACQUISITION: {_PHARMA: 0.55, _BIOTECH: 0.40, _NBF: 0.05},
    DealType.PLATFORM_SERVICE: {_PHARMA: 0.50, _BIOTECH: 0.40, _NBF: 0.10},
    DealType.COMMERCIALISATION: {_PHARMA: 0.70, _BIOTECH: 0.30},
    DealType.JOINT_VENTURE: {_PHARMA: 0.30, _BIOTECH: 0.40, _NBF: 0.20, _FINANCIER: 0.10},
    DealType.GRANT: {_GOVERNMENT: 1.0},
}
# a Belgian focal party picks a Belgian partner of this kind with this probability
_LOCAL_PARTNER = np.array([0.7, 0.1, 0.05, 0.6, 0.6, 0.5, 0.9])
# multi-party deals: share of the type's deals with 2-4 partners instead of one
_MULTI_PARTY = {DealType.EQUITY_INVESTMENT: 0.40, DealType.RESEARCH_COLLABORATION: 0.08}
_REPEAT_SHARE = 0.15  # deals re-using an earlier pair
_UNIFORM_SHARE = 0.3  # partner slots filled uniformly among founded actors of the pool
_REPEAT_WINDOW_YEARS = 8
_GROWTH = 0.085  # yearly growth of the number of deals
_DIPS = {2001: 0.9, 2002: 0.8, 2003: 0.85, 2009: 0.85, 2010: 0.9}
_END_SHARE = 0.10  # deals with a recorded end (termination, expiry)

STAGES = tuple(Stage)
_S = {s: i for i, s in enumerate(STAGES)}
_ASSET_STAGES = {
    Stage.DISCOVERY: 0.20, Stage.PRECLINICAL: 0.30, Stage.PHASE1: 0.15, Stage.PHASE2: 0.15,
    Stage.PHASE3: 0.07, Stage.REGISTRATION: 0.03, Stage.MARKETED: 0.05, Stage.UNKNOWN: 0.05,
}  # fmt: skip
_STAGE = {
    DealType.LICENSING_OUT: _ASSET_STAGES,
    DealType.LICENSING_IN: _ASSET_STAGES,
    DealType.OPTION: _ASSET_STAGES,
    DealType.CO_DEVELOPMENT: _ASSET_STAGES,
    DealType.COMMERCIALISATION: {
        Stage.MARKETED: 0.6,
        Stage.REGISTRATION: 0.2,
        Stage.PHASE3: 0.1,
        Stage.UNKNOWN: 0.1,
    },
    DealType.RESEARCH_COLLABORATION: {
        Stage.PLATFORM: 0.4,
        Stage.DISCOVERY: 0.4,
        Stage.UNKNOWN: 0.2,
    },
    DealType.PLATFORM_SERVICE: {Stage.PLATFORM: 0.8, Stage.UNKNOWN: 0.2},
    DealType.GRANT: {Stage.DISCOVERY: 0.5, Stage.PLATFORM: 0.2, Stage.UNKNOWN: 0.3},
}
_CORPORATE_STAGES = {
    Stage.UNKNOWN: 0.5, Stage.PLATFORM: 0.2, Stage.PRECLINICAL: 0.1, Stage.PHASE1: 0.1,
    Stage.PHASE2: 0.1,
}  # fmt: skip
THERAPEUTIC_AREAS = (
    "oncology", "immunology", "neurology", "infectious diseases", "cardiovascular",
    "metabolic", "rare diseases", "ophthalmology",
)  # fmt: skip
_AREA_KNOWN = 0.7

# values in EUR million, 2010 level: (disclosed share, median, log-sd) per deal type
_ASSET_DEALS = (DealType.LICENSING_OUT, DealType.LICENSING_IN, DealType.OPTION,
                DealType.CO_DEVELOPMENT)  # fmt: skip
_UPFRONT = {
    **dict.fromkeys(_ASSET_DEALS, (0.35, 8.0, 1.4)),
    DealType.COMMERCIALISATION: (0.30, 5.0, 1.3),
    DealType.PLATFORM_SERVICE: (0.15, 2.0, 1.2),
    DealType.RESEARCH_COLLABORATION: (0.20, 3.0, 1.3),
    DealType.GRANT: (0.60, 1.5, 1.0),
    DealType.ACQUISITION: (0.60, 120.0, 1.6),
    DealType.JOINT_VENTURE: (0.20, 10.0, 1.3),
}
_MILESTONES = {
    **dict.fromkeys(_ASSET_DEALS, (0.30, 150.0, 1.2)),
    DealType.COMMERCIALISATION: (0.15, 40.0, 1.2),
}
_EQUITY = {
    DealType.EQUITY_INVESTMENT: (0.75, 12.0, 1.2),
    **dict.fromkeys((DealType.LICENSING_OUT, DealType.CO_DEVELOPMENT), (0.05, 10.0, 1.0)),
}
_VALUE_GROWTH = 0.03
PREFERENTIAL_ALPHA = 0.8  # sublinear, as measured on collaboration networks (Jeong 2003)


@dataclass(frozen=True, slots=True)
class SyntheticData:
    """A synthetic world: the three tables, and the arguments that made it."""

    actors: pl.DataFrame
    alliances: pl.DataFrame
    parties: pl.DataFrame
    size: tuple[int, int]
    seed: int

    def groups(self, by: str = "location") -> dict[str, str]:
        """Actor -> group for brokerage, as :meth:`bioris.analytics.inputs.NetworkInputs.groups`:
        ``location`` is the declared region of the actors in one (the synthetic study's
        regions, :func:`write_study`) and the country of the others."""
        return dict(self.actors.select("actor_id", pl.col(by).fill_null("unknown")).iter_rows())


def resolve_size(size: str | tuple[int, int]) -> tuple[int, int]:
    """``"S"``, ``"M"``, ``"L"`` or ``(actors, alliances)`` -> ``(actors, alliances)``."""
    if isinstance(size, str):
        try:
            return SIZES[size.upper()]
        except KeyError:
            raise ValueError(f"unknown size {size!r}; use one of {list(SIZES)}") from None
    n_actors, n_alliances = (int(x) for x in size)
    if n_actors < 2 * len(KINDS) * _EARLY_ACTORS or n_alliances < 1:
        raise ValueError(f"need at least {2 * len(KINDS) * _EARLY_ACTORS} actors and 1 alliance")
    return n_actors, n_alliances


def generate(
    size: str | tuple[int, int], seed: int = 0, *, alpha: float = PREFERENTIAL_ALPHA
) -> SyntheticData:
    """Draw a synthetic alliance data set.

    Parameters
    ----------
    size : {"S", "M", "L"} or (int, int)
        S = 1,000 actors and 5,000 alliances, M = 20,000 / 100,000, L = 100,000 / 1,000,000,
        or an explicit ``(actors, alliances)``.
    seed : int
        Seed of the one random generator behind every draw; equal arguments give equal tables.
    alpha : float
        Exponent of preferential attachment: a partner is chosen with probability
        proportional to ``fitness * (deals so far + 1) ** alpha`` within its kind (1 = linear).

    Returns
    -------
    SyntheticData
        ``actors``, ``alliances`` and ``parties`` frames with bioris's schemas
        (:data:`bioris.analytics.tables.ACTOR_SCHEMA`, ``ALLIANCE_SCHEMA``, ``PARTY_SCHEMA``),
        sorted by id; every alliance has at least two distinct parties.

    Examples
    --------
    >>> data = generate((200, 1000), seed=1)
    >>> data.alliances.height, data.actors.height
    (1000, 200)
    """
    n_actors, n_alliances = resolve_size(size)
    rng = np.random.default_rng(seed)
    world = _draw_actors(rng, n_actors)
    deals = _draw_deals(rng, world, n_alliances, alpha)
    actors = _actors_frame(rng, world)
    parties = _parties_frame(deals, actors)
    alliances = _alliances_frame(rng, deals, parties)
    return SyntheticData(actors, alliances, parties, (n_actors, n_alliances), seed)


# ================================================================ drawing actors


@dataclass(frozen=True, slots=True)
class _World:
    kind: np.ndarray  # int8 kind code per actor
    belgian: np.ndarray  # bool
    region: np.ndarray  # bioRegion code (-1 when foreign)
    country: np.ndarray  # country code (-1 when Belgian)
    founded: np.ndarray  # int32
    fitness: np.ndarray  # float64
    pools: dict[int, np.ndarray]  # pool key (kind * 2 + local) -> actor indices


def _draw_actors(rng: np.random.Generator, n: int) -> _World:
    counts = _largest_remainder(n, _KIND_SHARE)
    kind = rng.permutation(np.repeat(np.arange(len(KINDS), dtype=np.int8), counts))
    belgian = rng.random(n) < _BELGIAN_SHARE[kind]
    region = np.where(belgian, _choice(rng, _BIOREGION_SHARE, n), -1)
    country = np.where(belgian, -1, _choice(rng, _COUNTRY_WEIGHT / _COUNTRY_WEIGHT.sum(), n))
    founded = np.empty(n, dtype=np.int32)
    for k, (first, last, growth) in enumerate(_FOUNDING):
        members = np.flatnonzero(kind == k)
        founded[members] = _founding_years(rng, len(members), first, last, growth)
        earliest = members[np.argsort(founded[members], kind="stable")[:_EARLY_ACTORS]]
        founded[earliest] = np.minimum(founded[earliest], FIRST_YEAR)
    bound = 2 * _FITNESS_SIGMA
    fitness = np.exp(np.clip(rng.normal(0.0, _FITNESS_SIGMA, n), -bound, bound))
    pools = {}
    for k in range(len(KINDS)):
        pools[2 * k] = np.flatnonzero(kind == k)
        pools[2 * k + 1] = np.flatnonzero((kind == k) & belgian)
    return _World(kind, belgian, region, country, founded, fitness, pools)


def _founding_years(
    rng: np.random.Generator, n: int, first: int, last: int, growth: float
) -> np.ndarray:
    """Years in [first, last]: uniform, or with a density growing ``growth`` a year."""
    u = rng.random(n)
    span = last - first + 1
    offset = u * span if growth == 0 else np.log1p(u * np.expm1(growth * span)) / growth
    return (first + np.minimum(np.floor(offset), span - 1)).astype(np.int32)


# ================================================================ drawing deals


@dataclass(frozen=True, slots=True)
class _Deals:
    year: np.ndarray  # int32 per deal, non-decreasing
    type: np.ndarray  # int8 deal-type code per deal
    slot_deal: np.ndarray  # per party: deal index
    slot_actor: np.ndarray  # per party: actor index
    slot_focal: np.ndarray  # per party: is the focal party (the first of its deal)


def _type_matrix(
    table: Mapping[DealType, Mapping[int, float]],
    default: Mapping[int, float],
    width: int = len(KINDS),
) -> np.ndarray:
    """Row ``t``: the probabilities of categories ``0..width-1`` for deal type ``t``."""
    matrix = np.zeros((len(DEAL_TYPES), width))
    for t, deal_type in enumerate(DEAL_TYPES):
        for k, p in table.get(deal_type, default).items():
            matrix[t, k] = p
    return matrix / matrix.sum(axis=1, keepdims=True)


_FOCAL_P = _type_matrix(_FOCAL_KIND, _DEFAULT_FOCAL)
_PARTNER_P = _type_matrix(_PARTNER_KIND, {})
_TYPE_P = np.array([_TYPE_SHARE[t] for t in DEAL_TYPES])
_MULTI_P = np.array([_MULTI_PARTY.get(t, 0.0) for t in DEAL_TYPES])
_ACQUISITION = _T[DealType.ACQUISITION]


def _year_counts(rng: np.random.Generator, n: int) -> np.ndarray:
    weight = np.exp(_GROWTH * (_YEARS - FIRST_YEAR))
    weight *= np.array([_DIPS.get(int(y), 1.0) for y in _YEARS])
    return rng.multinomial(n, weight / weight.sum())


def _draw_deals(rng: np.random.Generator, world: _World, n: int, alpha: float) -> _Deals:
    """Draw the deals batch by batch; each batch sees the degrees reached before it."""
    year = np.empty(n, dtype=np.int32)
    dtype = np.empty(n, dtype=np.int8)
    first_focal = np.empty(n, dtype=np.int64)  # the pair a repeat deal re-uses
    first_partner = np.empty(n, dtype=np.int64)
    is_repeat = np.zeros(n, dtype=bool)
    degree = np.zeros(len(world.kind))
    year_start: dict[int, int] = {}
    slots: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    pos = 0
    for y, count in zip(_YEARS.tolist(), _year_counts(rng, n).tolist(), strict=True):
        year_start[y] = pos
        for size in _split(count, _BATCHES_PER_YEAR):
            founded = world.founded <= y
            weights = (np.where(founded, world.fitness * (degree + 1.0) ** alpha, 0.0),
                       founded.astype(np.float64))  # fmt: skip
            window = year_start.get(y - _REPEAT_WINDOW_YEARS, 0)
            batch = _draw_batch(rng, world, weights, size, y, (window, pos), dtype, first_focal,
                                first_partner, is_repeat)  # fmt: skip
            b_type, b_deal, b_actor, b_focal, b_first_f, b_first_p, b_repeat = batch
            span = slice(pos, pos + size)
            year[span], dtype[span], is_repeat[span] = y, b_type, b_repeat
            first_focal[span], first_partner[span] = b_first_f, b_first_p
            slots.append((b_deal + pos, b_actor, b_focal))
            degree += np.bincount(b_actor, minlength=len(degree))
            pos += size
    deal, actor, focal = (np.concatenate(parts) for parts in zip(*slots, strict=True))
    return _Deals(year, dtype, deal, actor, focal)


def _draw_batch(
    rng: np.random.Generator,
    world: _World,
    weights: tuple[np.ndarray, np.ndarray],
    size: int,
    year: int,
    history: tuple[int, int],
    past_type: np.ndarray,
    past_focal: np.ndarray,
    past_partner: np.ndarray,
    past_repeat: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """One batch of ``size`` deals: repeats of earlier pairs first, then new deals.

    Returns deal types, then per party slot the deal (0-based in the batch), actor and
    focal flag, then per deal its focal actor and first partner.
    """
    lo, hi = history
    repeat = np.empty(0, dtype=np.int64)
    n_repeat = rng.binomial(size, _REPEAT_SHARE) if hi > lo else 0
    if n_repeat:
        # a follow-on of an original deal (not of a repeat, which would favour old pairs
        # ever more); a firm is bought once
        repeat = rng.integers(lo, hi, size=2 * n_repeat)
        repeat = repeat[~past_repeat[repeat] & (past_type[repeat] != _ACQUISITION)][:n_repeat]
    n_new = size - len(repeat)
    new_type = _choice(rng, _TYPE_P, n_new).astype(np.int8)
    multi = rng.random(n_new) < _MULTI_P[new_type]
    n_partners = np.where(multi, rng.integers(2, 5, size=n_new), 1)
    f_pool = _choice_rows(rng, _FOCAL_P[new_type]) * 2
    focal = _draw_members(rng, world, weights, _codes(rng, f_pool))
    p_deal = np.repeat(np.arange(n_new), n_partners)
    p_kind = _choice_rows(rng, _PARTNER_P[new_type[p_deal]])
    local = world.belgian[focal[p_deal]] & (rng.random(len(p_deal)) < _LOCAL_PARTNER[p_kind])
    p_code = _codes(rng, p_kind * 2 + local)
    partner = _draw_members(rng, world, weights, p_code)
    partner = _distinct_partners(rng, world, weights, year, p_deal, p_code, focal, partner)
    first = np.cumsum(n_partners) - n_partners
    # the slots: repeats (two parties), then new deals (focal first, then the partners)
    r = len(repeat)
    deal_of = np.concatenate([np.arange(r), np.arange(r), r + np.arange(n_new), r + p_deal])
    actor_of = np.concatenate([past_focal[repeat], past_partner[repeat], focal, partner])
    focal_of = np.concatenate([np.ones(r, bool), np.zeros(r, bool), np.ones(n_new, bool),
                               np.zeros(len(p_deal), bool)])  # fmt: skip
    order = np.lexsort((~focal_of, deal_of))
    types = np.concatenate([past_type[repeat], new_type])
    first_f = np.concatenate([past_focal[repeat], focal])
    first_p = np.concatenate([past_partner[repeat], partner[first]])
    repeated = np.arange(size) < r
    return types, deal_of[order], actor_of[order], focal_of[order], first_f, first_p, repeated


def _codes(rng: np.random.Generator, pool: np.ndarray) -> np.ndarray:
    """Slot codes ``pool * 2 + uniform``: a share of slots ignores preferential attachment."""
    return pool * 2 + (rng.random(len(pool)) < _UNIFORM_SHARE)


def _draw_members(
    rng: np.random.Generator,
    world: _World,
    weights: tuple[np.ndarray, np.ndarray],
    code: np.ndarray,
) -> np.ndarray:
    """For each slot, an actor of its pool, drawn by preferential attachment or uniformly.

    ``code`` is ``pool * 2 + uniform`` (``pool = kind * 2 + local``), or -1 for any founded
    actor, uniformly. ``weights`` are the preferential and the uniform weights (0 for actors
    not yet founded). A pool with no founded member falls back to the kind's pool, then to
    every founded actor.
    """
    out = np.empty(len(code), dtype=np.int64)
    if not len(code):
        return out
    order = np.argsort(code, kind="stable")
    codes, starts = np.unique(code[order], return_index=True)
    ends = np.append(starts[1:], len(code))
    anyone = np.flatnonzero(weights[1] > 0)
    for c, lo, hi in zip(codes.tolist(), starts.tolist(), ends.tolist(), strict=True):
        weight = weights[1] if c < 0 else weights[c & 1]
        members = anyone if c < 0 else world.pools[c >> 1]
        if not weight[members].sum() > 0:
            members = world.pools[(c >> 1) & ~1]
        if not weight[members].sum() > 0:
            members = anyone
        out[order[lo:hi]] = members[_weighted_draw(rng, weight[members], hi - lo)]
    return out


def _distinct_partners(
    rng: np.random.Generator,
    world: _World,
    weights: tuple[np.ndarray, np.ndarray],
    year: int,
    p_deal: np.ndarray,
    p_code: np.ndarray,
    focal: np.ndarray,
    partner: np.ndarray,
) -> np.ndarray:
    """Redraw partners that repeat the focal party or another partner of the same deal."""
    n = len(world.kind)
    is_partner = np.concatenate([np.zeros(len(focal), bool), np.ones(len(partner), bool)])
    for attempt in range(30):
        keys = np.concatenate([np.arange(len(focal)) * n + focal, p_deal * n + partner])
        order = np.lexsort((is_partner, keys))
        repeated = np.zeros(len(keys), dtype=bool)
        repeated[order[1:]] = keys[order[1:]] == keys[order[:-1]]
        clash = np.flatnonzero(repeated[len(focal) :])
        if not len(clash):
            return partner
        # after ten tries in the slot's pool (small pools early on), draw from everyone
        code = p_code[clash] if attempt < 10 else np.full(len(clash), -1)
        partner[clash] = _draw_members(rng, world, weights, code)
    raise RuntimeError(f"could not draw distinct partners in {year}")


# ================================================================ frames


def _actors_frame(rng: np.random.Generator, world: _World) -> pl.DataFrame:
    n = len(world.kind)
    kind_label = np.array(_KIND_LABEL)[world.kind]
    city_pick = rng.random(n)
    cities = np.full(n, None, dtype=object)
    for r, names in enumerate(_CITIES):
        here = world.region == r
        cities[here] = np.array(names, dtype=object)[(city_pick[here] * len(names)).astype(int)]
    firm = (world.kind == _NBF) | (world.kind == _BIOTECH)
    ipo = firm & (rng.random(n) < _IPO_SHARE)
    ipo_year = world.founded + rng.integers(3, 16, size=n)
    ipo_year = np.where(ipo & (ipo_year <= LAST_YEAR), ipo_year, -1)
    subsector = _choice(rng, _SUBSECTOR_SHARE, n)
    index = pl.Series("i", np.arange(n)).cast(pl.String).str.zfill(6)
    frame = pl.DataFrame(
        {
            "actor_id": ("ac-" + index).alias("actor_id"),
            "name": pl.Series(kind_label) + " " + index,
            "kind": np.array(KINDS)[world.kind],
            "country": np.where(world.belgian, "BE", np.array(COUNTRIES)[world.country]),
            "region": np.array(BIOREGIONS)[world.region],
            "belgian": world.belgian,
            "city": pl.Series(cities.tolist(), dtype=pl.String),
            "founded": world.founded,
            "ipo": ipo_year,
            "subsector": np.array(_SUBSECTORS)[subsector],
            "firm": firm,
        }
    )
    return frame.select(
        "actor_id", "name", "kind", "country",
        pl.when("belgian").then(pl.col("region")).alias("region"),
        pl.when("belgian").then(pl.col("region")).otherwise(pl.col("country")).alias("location"),
        pl.col("belgian").alias("focal"),
        "city",
        pl.col("founded").cast(pl.Int32),
        pl.when(pl.col("ipo") > 0).then(pl.col("ipo")).cast(pl.Int32).alias("ipo_year"),
        pl.lit(None, dtype=pl.String).alias("exit"),
        pl.when(pl.col("kind") == "nbf")
        .then(pl.concat_list(pl.lit("start-up")))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
        .alias("origin"),
        pl.when("firm")
        .then(pl.concat_list("subsector"))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
        .alias("subsectors"),
        pl.lit("unsourced").alias("confidence"),
        pl.lit([], dtype=pl.List(pl.String)).alias("source_urls"),
    ).cast(ACTOR_SCHEMA)  # fmt: skip


_ROLE_OF = {
    focal: np.array([FOCAL_PARTNER_ROLES[t][0 if focal else 1].value for t in DEAL_TYPES])
    for focal in (True, False)
}
_ROLES = tuple(Role)


def _alliance_ids(index: pl.Expr) -> pl.Expr:
    return pl.lit("al-") + index.cast(pl.String).str.zfill(7)


def _parties_frame(deals: _Deals, actors: pl.DataFrame) -> pl.DataFrame:
    slot_type = deals.type[deals.slot_deal]
    role = np.where(deals.slot_focal, _ROLE_OF[True][slot_type], _ROLE_OF[False][slot_type])
    lookup = actors.select(pl.col("actor_id"), pl.col("name").alias("name_as_reported"))
    frame = pl.DataFrame(
        {
            "deal": deals.slot_deal,
            "actor": deals.slot_actor,
            "role": pl.Series(role).cast(pl.Enum([r.value for r in _ROLES])),
            "focal": deals.slot_focal,
        }
    )
    frame = frame.sort("deal", "focal", "actor", descending=[False, True, False])
    names = lookup.with_row_index("actor").with_columns(pl.col("actor").cast(pl.Int64))
    return (
        frame.join(names, on="actor", how="left", maintain_order="left")
        .select(
            _alliance_ids(pl.col("deal")).alias("alliance_id"),
            "actor_id",
            pl.col("role").cast(pl.String),
            "focal",
            "name_as_reported",
        )
        .cast(PARTY_SCHEMA)
    )


def _amounts(
    rng: np.random.Generator,
    dtype: np.ndarray,
    growth: np.ndarray,
    table: Mapping[DealType, tuple[float, float, float]],
) -> np.ndarray:
    """Lognormal amounts by deal type, NaN where undisclosed."""
    share, median, sigma = (
        np.array([table.get(t, (0.0, 1.0, 1.0))[i] for t in DEAL_TYPES]) for i in range(3)
    )
    disclosed = rng.random(len(dtype)) < share[dtype]
    value = rng.lognormal(np.log(median[dtype]), sigma[dtype]) * growth
    return np.where(disclosed, np.round(value, 3), np.nan)


def _alliances_frame(
    rng: np.random.Generator, deals: _Deals, parties: pl.DataFrame
) -> pl.DataFrame:
    n = len(deals.year)
    growth = np.exp(_VALUE_GROWTH * (deals.year - 2010))
    upfront = _amounts(rng, deals.type, growth, _UPFRONT)
    milestones = _amounts(rng, deals.type, growth, _MILESTONES)
    equity = _amounts(rng, deals.type, growth, _EQUITY)
    stage_p = _type_matrix(
        {t: {_S[s]: p for s, p in d.items()} for t, d in _STAGE.items()},
        {_S[s]: p for s, p in _CORPORATE_STAGES.items()},
        len(STAGES),
    )
    stage = _choice_rows(rng, stage_p[deals.type])
    month, day, precision = rng.integers(1, 13, n), rng.integers(1, 29, n), rng.random(n)
    area = _choice(rng, np.full(len(THERAPEUTIC_AREAS), 1 / len(THERAPEUTIC_AREAS)), n)
    area_known = rng.random(n) < _AREA_KNOWN
    ended = rng.random(n) < _END_SHARE
    end_year = deals.year + rng.integers(1, 9, n)
    listed = (
        parties.group_by("alliance_id", maintain_order=True)
        .agg(pl.col("name_as_reported").str.join("; ").alias("parties"))
        .sort("alliance_id")
    )
    y, m, d = (pl.col(c).cast(pl.String) for c in ("y", "m", "d"))
    frame = pl.DataFrame(
        {
            "i": np.arange(n),
            "y": deals.year,
            "m": month,
            "d": day,
            "p": precision,
            "deal_type": np.array([t.value for t in DEAL_TYPES])[deals.type],
            "stage_at_signing": np.array([s.value for s in STAGES])[stage],
            "area": np.array(THERAPEUTIC_AREAS)[area],
            "area_known": area_known,
            "upfront_eur": upfront,
            "milestones_eur": milestones,
            "equity_eur": equity,
            "end": np.where(ended, end_year, -1),
        }
    ).with_columns(pl.col("upfront_eur", "milestones_eur", "equity_eur").fill_nan(None))
    committed = pl.when(pl.any_horizontal(pl.col("upfront_eur", "equity_eur").is_not_null()))
    headline = pl.when(pl.any_horizontal(pl.col("committed_eur", "milestones_eur").is_not_null()))
    out = frame.select(
        _alliance_ids(pl.col("i")).alias("alliance_id"),
        pl.col("y").alias("year"),
        pl.when(pl.col("p") < 0.8)
        .then(pl.concat_str(y, m.str.zfill(2), d.str.zfill(2), separator="-"))
        .when(pl.col("p") < 0.9)
        .then(pl.concat_str(y, m.str.zfill(2), separator="-"))
        .otherwise(y)
        .alias("date"),
        "deal_type", "stage_at_signing",
        pl.lit(None, dtype=pl.String).alias("asset"),
        pl.when("area_known").then(pl.col("area")).alias("therapeutic_area"),
        "upfront_eur", "milestones_eur", "equity_eur",
        committed.then(pl.sum_horizontal("upfront_eur", "equity_eur")).alias("committed_eur"),
        "end",
    ).with_columns(
        headline.then(pl.sum_horizontal("committed_eur", "milestones_eur")).alias("headline_eur"),
        pl.when(pl.col("end") > 0).then(pl.col("end")).alias("end_year"),
    )  # fmt: skip
    return (
        out.join(listed, on="alliance_id", how="left", maintain_order="left")
        .with_columns(
            pl.lit(None, dtype=pl.String).alias("notes"),
            pl.lit("unsourced").alias("confidence"),
            pl.lit([], dtype=pl.List(pl.String)).alias("source_urls"),
        )
        .select(list(ALLIANCE_SCHEMA))
        .cast(ALLIANCE_SCHEMA)
    )


# ================================================================ sampling helpers


def _largest_remainder(n: int, shares: np.ndarray) -> np.ndarray:
    """Integer counts summing to ``n`` in the given proportions."""
    raw = n * shares / shares.sum()
    counts = np.floor(raw).astype(np.int64)
    counts[np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]] += 1
    return counts


def _split(count: int, parts: int) -> list[int]:
    """``count`` items in up to ``parts`` batches of near-equal size (no empty batch)."""
    parts = max(1, min(parts, count))
    return [len(c) for c in np.array_split(np.arange(count), parts)] if count else []


def _choice(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    """``n`` draws of category codes with probabilities ``p``."""
    cumulative = np.cumsum(p)
    return np.minimum(np.searchsorted(cumulative, rng.random(n) * cumulative[-1], "right"),
                      len(p) - 1)  # fmt: skip


def _choice_rows(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """One category code per row of the probability matrix ``p``."""
    cumulative = np.cumsum(p, axis=1)
    u = rng.random(len(p))[:, None] * cumulative[:, -1:]
    return np.minimum((u >= cumulative).sum(axis=1), p.shape[1] - 1)


def _weighted_draw(rng: np.random.Generator, weight: np.ndarray, n: int) -> np.ndarray:
    """``n`` indices drawn with replacement, with probability proportional to ``weight``."""
    cumulative = np.cumsum(weight)
    picks = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")
    return np.minimum(picks, len(weight) - 1)


def write_study(folder: Path) -> Path:
    """The synthetic data's study file (``study.toml``): its three focal regions, in ``BE``,
    and a panel of the ``nbf`` actors there; ``bioris study load`` reads it."""
    lines = ['name = "Synthetic alliance data (bioris benchmarks)"', ""]
    for region in BIOREGIONS:
        lines += ["[[region]]", f'name = "{region}"', 'country = "BE"', ""]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "study.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def write_canonical(data: SyntheticData, folder: Path) -> list[Path]:
    """The data as bioris canonical CSVs (actors, alliances, parties), ready for
    ``bioris import``: ids, kinds, places, dated deals with their committed value, roles."""
    actors = data.actors.select("actor_id", "name", "kind", "country", "region", "founded")
    alliances = data.alliances.select(
        "alliance_id", "year", "deal_type", "stage_at_signing",
        pl.col("committed_eur").alias("upfront_amount"),
        pl.when(pl.col("committed_eur").is_not_null()).then(pl.lit("EUR")).alias(
            "upfront_currency"
        ),
    )  # fmt: skip
    parties = data.parties.select("alliance_id", "actor_id", "role", "focal")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in (("actors", actors), ("alliances", alliances), ("parties", parties)):
        path = folder / f"{name}.csv"
        frame.write_csv(path)
        paths.append(path)
    return paths
