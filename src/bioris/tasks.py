"""The library behind each CLI command that needs more than one call (usable from Python)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from bioris.analytics import region_subset
from bioris.analytics.centrality import BetweennessSampling, centrality
from bioris.analytics.inputs import NetworkInputs, network_inputs
from bioris.analytics.longitudinal import JobOptions, actor_year_metrics, year_metrics
from bioris.analytics.partners import partner_profile, preferred_partner_ranking
from bioris.analytics.temporal import TiePolicy
from bioris.data import big_pharma_names
from bioris.domain.canonical import alliance_row
from bioris.errors import BiorisError
from bioris.export import EXPORT_FORMATS, NETWORK_FORMATS, export_dataset, export_network
from bioris.firm_profile import success_rates
from bioris.region_summary import taxonomy
from bioris.reporting import ReportOptions, build_sections, context_for, write_report
from bioris.store import AllianceFilter
from bioris.workspace import open_user_store, resolve_actor

__all__ = [
    "export_files",
    "find_alliances",
    "load_network_inputs",
    "make_report",
    "network_metrics",
    "preferred_partners",
]


def find_alliances(
    store_path: Path | None,
    actor: str | None = None,
    partner: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    deal_type: str | None = None,
) -> list[dict[str, Any]]:
    """Deals as canonical rows plus a ``parties`` column of names, filtered."""
    with open_user_store(store_path, read_only=True) as store:
        flt = AllianceFilter(
            actor=resolve_actor(store, actor) if actor else None,
            partner=resolve_actor(store, partner) if partner else None,
            year_from=year_from,
            year_to=year_to,
            deal_type=deal_type,
        )
        names = {a.actor_id: a.name for a in store.actors()}
        found = store.alliances(flt)
    rows = []
    for alliance in found:
        row = alliance_row(alliance)
        row["parties"] = "; ".join(names.get(i, i) for i in alliance.actor_ids)
        rows.append(row)
    return rows


def make_report(
    store_path: Path | None,
    start_year: int = 1987,
    end_year: int = 2017,
    region: str | None = None,
    out: Path = Path("bioris-report.html"),
    data_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
    window: int = 5,
) -> Path:
    """Build the HTML report of a store and write it (and its data, with ``data_dir``)."""
    with open_user_store(store_path, read_only=True) as store:
        dataset = store.dataset()
        label = str(store.path)
    if region:
        dataset = region_subset(dataset, region)
    options = ReportOptions(
        start_year=start_year, end_year=end_year, region=region, window_years=window
    )
    context = context_for(dataset, options, label, big_pharma_names(), success_rates(), taxonomy())
    sections = build_sections(context, progress)
    return write_report(sections, options, out, data_dir)


def load_network_inputs(store_path: Path | None, region: str | None = None) -> NetworkInputs:
    """The network tables of a store (optionally focused on a region's deals)."""
    with open_user_store(store_path, read_only=True) as store:
        dataset = store.dataset()
    if region:
        dataset = region_subset(dataset, region)
    return network_inputs(dataset, big_pharma_names())


def preferred_partners(
    store_path: Path | None,
    year: int,
    *,
    top: int = 10,
    window: int = 5,
    region: str | None = None,
) -> pl.DataFrame:
    """The NBFs ranked by :data:`~bioris.analytics.partners.RANKING_RULE` in ``year``.

    Alliances count as active for ``window`` years from signing. Names are added.
    """
    inputs = load_network_inputs(store_path, region)
    policy = TiePolicy("fixed", window)
    ties = inputs.ties(year, year, policy=policy)
    ranks = centrality(ties, measures=("degree", "betweenness", "eigenvector"))
    nbfs = inputs.nbfs
    if region:
        local = inputs.actors.filter(
            (pl.col("bioregion").str.to_lowercase() == region.lower())
            | (pl.col("country").str.to_lowercase() == region.lower())
        )
        nbfs = [a for a in nbfs if a in set(local["actor_id"])]
    profile = partner_profile(
        inputs.alliances, inputs.parties, nbfs, start=year, end=year, policy=policy,
        big_pharma=inputs.big_pharma, parents=inputs.parents, centrality=ranks,
    )  # fmt: skip
    ranking = preferred_partner_ranking(profile, top=top)
    names = inputs.actors.select(pl.col("actor_id").alias("actor"), "name", "bioregion")
    return ranking.join(names, on="actor", how="left").sort("rank", "actor")


def network_metrics(
    store_path: Path | None,
    start: int,
    end: int,
    *,
    window: int = 5,
    level: str = "actor",
    out: Path | None = None,
    betweenness_sources: int | None = None,
    seed: int = 0,
    weight: str = "alliances",
    deal_types: list[str] | None = None,
    rollup: bool = False,
) -> pl.DataFrame:
    """Actor-year (``level="actor"``) or year (``level="year"``) network measures of a
    store, with brokerage by location; written to ``out`` (Parquet or CSV by suffix).

    ``weight`` (alliances, committed_eur or headline_eur) weights strength and structural
    holes; ``deal_types`` keeps one layer of deals; ``rollup`` merges subsidiaries into
    their parent of the year."""
    if weight not in {"alliances", "committed_eur", "headline_eur"}:
        raise BiorisError(f"weight must be alliances, committed_eur or headline_eur: {weight!r}")
    inputs = load_network_inputs(store_path)
    policy = TiePolicy("fixed", window)
    ties = inputs.ties(start, end, policy=policy, rollup=rollup, deal_types=deal_types)
    if weight != "alliances":  # undisclosed value is 0: keep ties, weight them minimally
        ties = ties.with_columns(pl.col(weight).clip(lower_bound=1e-9))
    sampling = BetweennessSampling(betweenness_sources, seed) if betweenness_sources else None
    options = JobOptions(betweenness_sampling=sampling, seed=seed, weight=weight)
    if level == "actor":
        frame = actor_year_metrics(ties, groups=inputs.groups(), options=options)
    elif level == "year":
        frame = year_metrics(ties, inputs.actors, options=options)
    else:
        raise BiorisError(f"level must be 'actor' or 'year', not {level!r}")
    if out is not None:
        _write_table(frame, out)
    return frame


def _write_table(frame: pl.DataFrame, out: Path) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix == ".csv":
            frame.write_csv(out)
        elif out.suffix == ".parquet":
            frame.write_parquet(out)
        else:
            raise BiorisError(f"{out}: write .parquet or .csv")
    except OSError as exc:
        raise BiorisError(f"cannot write {out}: {exc}") from None


def export_files(
    store_path: Path | None,
    out_dir: Path,
    fmt: str,
    *,
    start: int = 1987,
    end: int = 2017,
    window: int = 5,
) -> list[Path]:
    """Export the store: canonical tables (csv, xlsx, parquet) or the alliance network of
    ``start``-``end`` with ties lasting ``window`` years (gexf, graphml, pajek)."""
    if fmt in EXPORT_FORMATS:
        with open_user_store(store_path, read_only=True) as store:
            return export_dataset(store.dataset(), out_dir, fmt)
    if fmt in NETWORK_FORMATS:
        inputs = load_network_inputs(store_path)
        ties = inputs.ties(start, end, policy=TiePolicy("fixed", window))
        return export_network(ties, inputs.actors, out_dir, fmt)
    known = ", ".join((*EXPORT_FORMATS, *NETWORK_FORMATS))
    raise BiorisError(f"unknown export format {fmt!r}; use one of {known}")
