"""The study's records as tables, and its exports: actors, deals, the canonical files, the
network files and the yearly networks for modellers (RSiena, statnet, UCINET)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from bioris.domain.canonical import ALLIANCE_COLUMNS, actor_row, alliance_row
from bioris.errors import BiorisError
from bioris.export import EXPORT_FORMATS, NETWORK_FORMATS, export_dataset, export_network
from bioris.export.modelling import MODELLING_FORMATS, export_modelling
from bioris.store import AllianceFilter
from bioris.study.network import ties
from bioris.study.vocabulary import check_deal_type, check_kind

if TYPE_CHECKING:
    from bioris.study.core import Study

__all__ = ["ACTOR_LIST_COLUMNS", "actor_list", "alliances", "export"]

ACTOR_LIST_COLUMNS = ("actor_id", "name", "kind", "location", "region", "country", "city",
                      "founded", "ipo_year", "exit_year", "in_panel")  # fmt: skip
STUDY_FILE = "study.toml"


def actor_list(
    study: Study, *, kind: str | None = None, region: str | None = None, panel: bool = False
) -> pl.DataFrame:
    """The actors, placed by the study: ``kind`` and ``region`` (a declared region or a
    country) are checked vocabularies; ``panel`` keeps the panel firms.

    Returns
    -------
    polars.DataFrame
        :data:`ACTOR_LIST_COLUMNS` then the other canonical actor columns, by id.
    """
    frame = study.actors.join(
        study.lifespans.select("actor_id", "exit_year"), on="actor_id", how="left"
    ).with_columns(pl.col("actor_id").is_in(list(study.panel)).alias("in_panel"))
    if kind is not None:
        frame = frame.filter(pl.col("kind") == check_kind(kind))
    if region is not None:
        frame = frame.filter(pl.col("actor_id").is_in(list(study.ids_in(region))))
    if panel:
        frame = frame.filter(pl.col("in_panel"))
    chosen = set(frame["actor_id"])
    extra = {a.actor_id: actor_row(a) for a in study.dataset.actors if a.actor_id in chosen}
    rest = ("aliases", "origin", "subsectors", "exit", "source_urls", "confidence")
    more = pl.DataFrame(
        [{"actor_id": i, **{c: extra[i][c] for c in rest}} for i in frame["actor_id"]],
        schema={"actor_id": pl.String, **dict.fromkeys(rest, pl.String)},
    )
    return frame.select(ACTOR_LIST_COLUMNS).join(more, on="actor_id", how="left").sort("actor_id")


def alliances(
    study: Study,
    *,
    actor: str | None = None,
    partner: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    deal_type: str | None = None,
    layers: Iterable[str] | None = None,
) -> pl.DataFrame:
    """Deals as canonical rows plus ``parties`` (names, ``; ``-separated) and ``layer``.

    ``actor`` and ``partner`` are names (or ids; former names work), ``deal_type`` a deal type
    and ``layers`` the study's layers (every deal when not given), all checked.
    """
    types = study.deal_types(layers) if layers is not None else None
    if year_from is not None and year_to is not None and year_from > year_to:
        raise BiorisError(f"the period {year_from}-{year_to} is empty (--from is after --to)")
    flt = AllianceFilter(
        actor=study.resolve_actor(actor) if actor else None,
        partner=study.resolve_actor(partner) if partner else None,
        year_from=year_from,
        year_to=year_to,
        deal_type=check_deal_type(deal_type) if deal_type else None,
    )
    names = study.names()
    rows = []
    for deal in study.store.alliances(flt):
        if types is not None and deal.deal_type.value not in types:
            continue
        row = alliance_row(deal)
        row["parties"] = "; ".join(names.get(i, i) for i in deal.actor_ids)
        row["layer"] = study.definition.layer_of(deal.deal_type.value)
        rows.append(row)
    if not rows:
        return pl.DataFrame(
            schema=dict.fromkeys((*ALLIANCE_COLUMNS, "parties", "layer"), pl.String)
        )
    return pl.DataFrame(rows, infer_schema_length=None)


def export(
    study: Study,
    out_dir: str | Path,
    fmt: str,
    *,
    start: int | None = None,
    end: int | None = None,
    window: int | None = None,
    layers: Iterable[str] | None = None,
    rollup: bool = False,
    progress: Callable[[str, float], None] | None = None,
) -> list[Path]:
    """Export the store: canonical tables (csv, xlsx, parquet; with the study file, so the
    export re-creates the study) or the alliance network of ``start``-``end`` with ties
    lasting ``window`` years (gexf, graphml, pajek), or its yearly networks over a fixed
    actor set for modellers (siena: RSiena waves and statnet spells; ucinet: DL files; see
    :mod:`bioris.export.modelling`). ``progress`` is told each step as it starts, with the
    share of the work done (reading the store is about half of it)."""
    step = progress or (lambda _step, _share: None)
    step("reading the store", 0.0)
    if fmt in EXPORT_FORMATS:
        dataset = study.dataset
        step(f"writing {fmt}", 0.5)
        written = export_dataset(dataset, out_dir, fmt)
        stored = study.stored_definition
        if stored is not None and stored[1]:
            path = Path(out_dir) / STUDY_FILE
            try:
                path.write_text(stored[1], encoding="utf-8")
            except OSError as exc:
                raise BiorisError(f"cannot write {path}: {exc}") from None
            written.append(path)
        step("done", 1.0)
        return written
    if fmt in NETWORK_FORMATS:
        table = ties(study, start, end, window=window, layers=layers, rollup=rollup)
        step(f"writing {fmt}", 0.5)
        written = export_network(table, study.actors, out_dir, fmt)
        step("done", 1.0)
        return written
    if fmt in MODELLING_FORMATS:
        first, last = study.span(start, end)
        table = ties(study, first, last, window=window, layers=layers, rollup=rollup)
        regions = tuple(r.name for r in study.definition.regions)
        step(f"writing {fmt}", 0.5)
        written = export_modelling(table, _modelling_actors(study), out_dir, fmt, start=first,
                                   end=last, regions=regions)  # fmt: skip
        step("done", 1.0)
        return written
    known = ", ".join((*EXPORT_FORMATS, *NETWORK_FORMATS, *MODELLING_FORMATS))
    raise BiorisError(f"--format: {fmt!r} is not one of: {known}")


def _modelling_actors(study: Study) -> pl.DataFrame:
    """The placed actors with their lifespans and panel membership, as the modelling
    exports take them."""
    return (
        study.actors.select("actor_id", "name", "kind", "country", "location")
        .join(study.lifespans.select("actor_id", "entry_year", "exit_year"), on="actor_id",
              how="left")
        .with_columns(pl.col("actor_id").is_in(list(study.panel)).alias("in_panel"))
    )  # fmt: skip
