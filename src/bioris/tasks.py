"""The library behind each CLI command that needs more than one call (usable from Python)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bioris.analytics import region_subset
from bioris.domain.canonical import alliance_row
from bioris.errors import ResolutionError
from bioris.ingest.resolve import NameIndex
from bioris.reporting import ReportOptions, build_sections, context_for, write_report
from bioris.store import AllianceFilter, Store
from bioris.workspace import open_user_store

__all__ = ["find_alliances", "make_report", "resolve_actor"]


def resolve_actor(store: Store, name: str) -> str:
    """The id of the actor called ``name`` (or with that id); suggests close names if none."""
    index = NameIndex.build(store.actors(), store.lineage())
    match = index.resolve(name)
    if match.actor_id is None:
        raise ResolutionError(match.problem or f"no actor named {name!r}")
    return match.actor_id


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
) -> Path:
    """Build the HTML report of a store and write it (and its data, with ``data_dir``)."""
    with open_user_store(store_path, read_only=True) as store:
        dataset = store.dataset()
        label = str(store.path)
    if region:
        dataset = region_subset(dataset, region)
    options = ReportOptions(start_year=start_year, end_year=end_year, region=region)
    sections = build_sections(context_for(dataset, options, label), progress)
    return write_report(sections, options, out, data_dir)
