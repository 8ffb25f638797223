"""What regions specialise in: a controlled subsector taxonomy, the keyword classification of
the actors' free-text subsectors, and location quotients (revealed comparative advantage).

The bundled taxonomy is ``bioris/data/subsector_taxonomy.csv`` (its card is
``SUBSECTOR_TAXONOMY.md``); analytics receive it as a data frame, :func:`load_taxonomy` reads
one from a path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Literal

import polars as pl

from bioris.analytics.genealogy import actor_lifespans, rejoin_brackets
from bioris.domain import LineageFact
from bioris.errors import BiorisError

__all__ = [
    "CLASSIFIED_SCHEMA",
    "TAXONOMY_COLUMNS",
    "UNCLASSIFIED",
    "classify_subsectors",
    "load_taxonomy",
    "specialisation",
    "validate_taxonomy",
]

TAXONOMY_COLUMNS = ("category", "keywords", "description")
UNCLASSIFIED = "unclassified"
CLASSIFIED_SCHEMA = {"actor_id": pl.String, "category": pl.String, "matched_text": pl.String}
SPECIALISATION_SCHEMA = {
    "year": pl.Int32,
    "region": pl.String,
    "category": pl.String,
    "n_rc": pl.Int64,
    "n_r": pl.Int64,
    "n_c": pl.Int64,
    "n": pl.Int64,
    "share_region": pl.Float64,
    "share_reference": pl.Float64,
    "lq": pl.Float64,
}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_POOLED = -1  # the year of pooled (all-years) units, null in the result


def _normalise(text: str) -> str:
    """Lower case, accents and punctuation dropped: ``"Women’s health"`` -> ``"women s health"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_NON_WORD.sub(" ", stripped).split())


def validate_taxonomy(taxonomy: pl.DataFrame) -> pl.DataFrame:
    """Check a taxonomy table and return its ``category, keywords, description`` columns.

    Categories must be unique, non-empty and not ``unclassified``; every category needs at
    least one keyword (keywords are ``;``-separated).
    """
    missing = set(TAXONOMY_COLUMNS) - set(taxonomy.columns)
    if missing:
        raise BiorisError(f"the taxonomy lacks columns {sorted(missing)}")
    frame = taxonomy.select(pl.col(c).cast(pl.String) for c in TAXONOMY_COLUMNS)
    categories = [c.strip() if c else "" for c in frame["category"].to_list()]
    if any(not c for c in categories):
        raise BiorisError("the taxonomy has a row without a category")
    duplicates = sorted({c for c in categories if categories.count(c) > 1})
    if duplicates:
        raise BiorisError(f"the taxonomy repeats categories {duplicates}")
    if UNCLASSIFIED in categories:
        raise BiorisError(f"{UNCLASSIFIED!r} is reserved for actors no keyword matches")
    for category, keywords in zip(categories, frame["keywords"].to_list(), strict=True):
        if not any(_normalise(k) for k in (keywords or "").split(";")):
            raise BiorisError(f"taxonomy category {category!r} has no keywords")
    return frame.with_columns(pl.Series("category", categories))


def load_taxonomy(path: str | Path) -> pl.DataFrame:
    """Read and validate a taxonomy CSV (``category,keywords,description``, UTF-8)."""
    try:
        frame = pl.read_csv(path, infer_schema=False)
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise BiorisError(f"{path}: cannot read the taxonomy ({exc})") from exc
    return validate_taxonomy(frame)


def _patterns(taxonomy: pl.DataFrame) -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for category, keywords in validate_taxonomy(taxonomy).select("category", "keywords").rows():
        words = sorted({_normalise(k) for k in keywords.split(";")} - {""}, key=len, reverse=True)
        out.append(
            (category, re.compile(r"(?<![0-9a-z])(?:" + "|".join(map(re.escape, words)) + ")"))
        )
    return out


def classify_subsectors(actors: pl.DataFrame, taxonomy: pl.DataFrame) -> pl.DataFrame:
    """Map each actor's free-text subsectors onto the categories of a controlled taxonomy.

    A keyword matches a subsector text when, both lower-cased and stripped of accents and
    punctuation, the keyword starts at the beginning of a word of the text: ``antibod``
    matches "antibodies", ``car-t`` matches "CAR-T" and "CAR T", ``crop`` does not match
    "microprocessing". An actor gets every category one of whose keywords matches one of its
    subsector texts (full counting: a firm can be in several categories).

    Parameters
    ----------
    actors : polars.DataFrame
        ``actor_id, subsectors`` (a list of texts), e.g. :func:`~bioris.analytics.actors_frame`.
    taxonomy : polars.DataFrame
        ``category, keywords, description`` (:func:`load_taxonomy`).

    Returns
    -------
    polars.DataFrame
        ``actor_id, category, matched_text``, one row per actor and category, sorted;
        ``matched_text`` joins (with ``"; "``) the actor's texts that matched. Actors that no
        keyword matches get one row with category ``unclassified`` and all their texts (null
        when they have none).
    """
    patterns = _patterns(taxonomy)
    rows: list[tuple[str, str, str | None]] = []
    for actor_id, texts in actors.select("actor_id", "subsectors").iter_rows():
        matched: dict[str, list[str]] = {}
        texts = rejoin_brackets(texts or [])
        for text in texts:
            key = _normalise(text)
            for category, pattern in patterns:
                if pattern.search(key):
                    matched.setdefault(category, []).append(text)
        for category, hits in matched.items():
            rows.append((actor_id, category, "; ".join(dict.fromkeys(hits))))
        if not matched:
            rows.append((actor_id, UNCLASSIFIED, "; ".join(texts) if texts else None))
    frame = pl.DataFrame(rows, schema=CLASSIFIED_SCHEMA, orient="row")
    return frame.sort("actor_id", "category")


def _firm_categories(
    actors: pl.DataFrame,
    classified: pl.DataFrame,
    include_unclassified: bool,
    firms: Collection[str] | None,
) -> pl.DataFrame:
    if firms is None:
        chosen = actors.filter(pl.col("kind") == "nbf")
    else:
        chosen = actors.filter(
            pl.col("actor_id").is_in(pl.Series(list(firms), dtype=pl.String).implode())
        )
    cats = chosen.select("actor_id").join(
        classified.select("actor_id", "category").unique(), on="actor_id", how="left"
    )
    cats = cats.with_columns(pl.col("category").fill_null(UNCLASSIFIED))
    if not include_unclassified:
        cats = cats.filter(pl.col("category") != UNCLASSIFIED)
    return cats


def _location(by: str) -> pl.Expr:
    """The region of an actor: its location (declared region, else country), its country, or
    its city when it is in a focal region (else its location)."""
    if by == "country":
        return pl.col("country")
    if by == "city":
        return pl.when(pl.col("focal")).then(pl.col("city")).otherwise(pl.col("location"))
    return pl.col("location")


def _firm_units(
    actors: pl.DataFrame,
    cats: pl.DataFrame,
    by: str,
    years: list[int] | None,
    lifespans: pl.DataFrame,
) -> pl.DataFrame:
    units = cats.join(actors.select("actor_id", _location(by).alias("region")), on="actor_id")
    units = units.rename({"actor_id": "unit"})
    if years is None:
        return units.with_columns(pl.lit(_POOLED, dtype=pl.Int32).alias("year"))
    year_frame = pl.DataFrame({"year": years}, schema={"year": pl.Int32})
    spans = lifespans.rename({"actor_id": "unit"}).join(year_frame, how="cross")
    active = (pl.col("entry_year") <= pl.col("year")) & (
        pl.col("exit_year").is_null() | (pl.col("exit_year") >= pl.col("year"))
    )
    return units.join(spans.filter(active).select("unit", "year"), on="unit")


def _deal_units(
    actors: pl.DataFrame,
    cats: pl.DataFrame,
    by: str,
    reference: str,
    alliances: pl.DataFrame,
    parties: pl.DataFrame,
    years: list[int] | None,
) -> pl.DataFrame:
    deals = alliances.select("alliance_id", pl.col("year").cast(pl.Int32))
    if years is None:
        deals = deals.with_columns(pl.lit(_POOLED, dtype=pl.Int32).alias("year"))
    else:
        deals = deals.filter(pl.col("year").is_in(years))
    focal = parties.filter(pl.col("focal")).join(cats, on="actor_id")
    where = actors.select("actor_id", _location(by).alias("region"))
    if reference == "panel":
        units = focal.join(where, on="actor_id").select("alliance_id", "region", "category")
    else:  # every party of the deal, in its own location, carries the focal NBF's categories
        located = parties.select("alliance_id", "actor_id").join(where, on="actor_id")
        units = located.join(focal.select("alliance_id", "category"), on="alliance_id")
        units = units.select("alliance_id", "region", "category")
    return units.join(deals, on="alliance_id").rename({"alliance_id": "unit"})


def _location_quotients(units: pl.DataFrame) -> pl.DataFrame:
    units = units.filter(pl.col("region").is_not_null()).unique()
    n_rc = units.group_by("year", "region", "category").agg(
        pl.col("unit").n_unique().cast(pl.Int64).alias("n_rc")
    )
    n_r = units.group_by("year", "region").agg(
        pl.col("unit").n_unique().cast(pl.Int64).alias("n_r")
    )
    n_c = n_rc.group_by("year", "category").agg(pl.col("n_rc").sum().alias("n_c"))
    n = n_r.group_by("year").agg(pl.col("n_r").sum().alias("n"))
    grid = n_r.join(n_c, on="year").join(n, on="year")
    grid = grid.join(n_rc, on=["year", "region", "category"], how="left")
    share_r = pl.col("n_rc") / pl.col("n_r")
    share_ref = pl.col("n_c") / pl.col("n")
    out = grid.with_columns(pl.col("n_rc").fill_null(0)).with_columns(
        share_r.alias("share_region"),
        share_ref.alias("share_reference"),
        (share_r / share_ref).alias("lq"),
        pl.when(pl.col("year") != _POOLED).then(pl.col("year")).alias("year"),
    )
    return (
        out.select(*SPECIALISATION_SCHEMA)
        .cast(SPECIALISATION_SCHEMA)
        .sort("year", "region", "category", nulls_last=False)
    )


def specialisation(
    actors: pl.DataFrame,
    classified: pl.DataFrame,
    *,
    firms: Collection[str] | None = None,
    by: Literal["location", "city", "country"] = "location",
    reference: Literal["panel", "partners"] = "panel",
    basis: Literal["firms", "deals"] = "firms",
    alliances: pl.DataFrame | None = None,
    parties: pl.DataFrame | None = None,
    lineage: Collection[LineageFact] | pl.DataFrame | None = None,
    years: Iterable[int] | None = None,
    include_unclassified: bool = False,
) -> pl.DataFrame:
    """Location quotients of subsector categories: what each region specialises in.

    ``LQ_rc = (n_rc / n_r) / (n_c / n)``: the share of category ``c`` among the units of
    region ``r`` over its share among all units of the reference. LQ > 1 means the region is
    specialised in ``c`` (relatively more of its units are in ``c``), LQ < 1 under-represented,
    0 absent. A unit is counted once in each of its categories (full counting), so the
    shares of a region can add up to more than 1; ``n_r`` and ``n`` count units, not
    unit-category pairs. Units are:

    ``basis="firms"`` (``reference="panel"`` only)
        The ``firms`` (the study's panel; NBFs when not given), in the region given by
        ``by``; their categories are those of ``classified``. The reference is all of them:
        the regional science location quotient.
    ``basis="deals"``, ``reference="panel"``
        Deals whose focal party (``parties.focal``) is one of ``firms``. Each deal counts for
        the categories of its focal firm, in the focal firm's region. The reference is all
        such deals: Balassa's revealed comparative advantage, with deals in place of exports.
    ``basis="deals"``, ``reference="partners"``
        The same deals, counted once in the location of each party (the focal firm in its
        region, each partner in its declared region, else its country), still for the focal
        firm's categories. The reference is the whole partner world of the panel, and every
        location gets a row: a focal region against all partners' countries, and which of
        the panel's specialisations each partner country ties into (RCA of the US in
        antibodies deals, say). A deal touching a location through several parties counts
        once there.

    Units whose region is unknown (a partner without country) are left out, as are firms
    with no category unless ``include_unclassified``.

    Parameters
    ----------
    actors : polars.DataFrame
        :func:`~bioris.analytics.actors_frame` output.
    classified : polars.DataFrame
        :func:`classify_subsectors` output.
    firms : collection of str, optional
        The study's panel firms (by default every ``kind == "nbf"`` actor).
    by : {"location", "city", "country"}
        Where a unit is: its location (declared region, else country), its country, or its
        city when in a focal region.
    alliances, parties : polars.DataFrame, optional
        Needed for ``basis="deals"`` (``parties`` with ``focal``); with ``years`` and
        ``basis="firms"`` they date the NBFs without a founding year by their first deal.
    lineage : collection of LineageFact or polars.DataFrame, optional
        With ``years`` and ``basis="firms"``: ``acquired_by`` facts end a firm's activity
        (:func:`~bioris.analytics.genealogy.actor_lifespans`).
    years : iterable of int, optional
        Over time: one table per year, of the NBFs active that year (founded or entered by
        then, not exited before the year; NBFs without an entry year are left out) or of the
        deals signed that year. Without ``years``, all NBFs (dated or not) or all deals
        (undated ones included) are pooled and ``year`` is null.
    include_unclassified : bool
        Keep ``unclassified`` as a category of its own.

    Returns
    -------
    polars.DataFrame
        ``year, region, category, n_rc, n_r, n_c, n, share_region, share_reference, lq``,
        one row per year, region and category of the reference (zeros included).

    Examples
    --------
    Region A has 2 of its 4 panel firms in antibodies and the whole panel 3 of its 10:
    LQ = 0.5 / 0.3 = 1.667.

    References
    ----------
    Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. The
    Manchester School, 33(2), 99-123.
    Isard, W. (1960). Methods of Regional Analysis: An Introduction to Regional Science.
    MIT Press.
    """
    if by not in {"location", "city", "country"}:
        raise BiorisError(f"by must be 'location', 'city' or 'country', not {by!r}")
    if reference not in {"panel", "partners"}:
        raise BiorisError(f"reference must be 'panel' or 'partners', not {reference!r}")
    if basis not in {"firms", "deals"}:
        raise BiorisError(f"basis must be 'firms' or 'deals', not {basis!r}")
    if reference == "partners" and basis == "firms":
        raise BiorisError("the partners reference counts deals: use basis='deals'")
    year_list = sorted(set(years)) if years is not None else None
    cats = _firm_categories(actors, classified, include_unclassified, firms)
    if basis == "firms":
        spans = actor_lifespans(actors, lineage, alliances=alliances, parties=parties)
        units = _firm_units(actors, cats, by, year_list, spans)
    else:
        if alliances is None or parties is None:
            raise BiorisError("basis='deals' needs alliances and parties")
        units = _deal_units(actors, cats, by, reference, alliances, parties, year_list)
    return _location_quotients(units.select("year", "region", "unit", "category"))
