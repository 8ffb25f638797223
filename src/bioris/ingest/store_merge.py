"""Merge another bioris store into this one (``bioris import other.sqlite``), with a report.

Records are matched as an import matches them: an actor by id, else by name (the name rules
of :mod:`bioris.ingest.resolve`); a deal by id, else as the same deal (type, parties, date;
:func:`bioris.ingest.merge.same_deal`) once its parties are matched; lineage facts, pipeline
events and financial records by key. A record this store lacks is added. Where both stores
hold a record, an empty field here is filled from the other store, lists and sources are
united, and every field both give with different values is a *conflict*, listed one by one:

* ``prefer="ours"`` (the default): this store's value is **kept**;
* ``prefer="theirs"``: the other store's value **overwrites** it;
* an actor's kind (unless one store has ``other``, the kind of a created actor) is never
  decided silently: the merge stops, listing the conflicts that **need a decision**, unless
  ``prefer`` was given explicitly (``decide=True``).

Nothing is ever overwritten without being listed; the merge is one change set of the history
(``bioris undo`` reverts it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from bioris.domain import Actor, ActorKind, Alliance, Dataset, LineageFact
from bioris.domain.changes import Diff
from bioris.errors import StoreError
from bioris.ingest.diff import dataset_diff
from bioris.ingest.merge import dates_agree, same_deal, same_stored_deal
from bioris.ingest.resolve import NameIndex
from bioris.store import Store, open_store
from bioris.store.writer import Waiting

__all__ = ["MergeReport", "is_store_file", "merge_store"]

_SQLITE_MAGIC = b"SQLite format 3\x00"
_LISTS = ("aliases", "origin", "subsectors", "source_urls")


def is_store_file(path: str | Path) -> bool:
    """Whether ``path`` is an SQLite file (another store to merge, not a table to read)."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC
    except OSError:
        return False


@dataclass
class MergeReport:
    """What merging another store did (or, dry, would do)."""

    source: str
    prefer: str
    kept: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    undecided: list[str] = field(default_factory=list)
    diff: Diff = field(default_factory=Diff)
    change_id: int | None = None
    dry_run: bool = False


def merge_store(
    store: Store,
    other: str | Path,
    *,
    prefer: str = "ours",
    decide: bool = False,
    dry_run: bool = False,
    waiting: Waiting | None = None,
) -> MergeReport:
    """Merge the store at ``other`` into ``store`` (see the module docstring).

    Raises
    ------
    StoreError
        The other store cannot be read, or conflicts need a decision (listed).
    """
    if prefer not in {"ours", "theirs"}:
        raise StoreError(f"--prefer must be ours or theirs, not {prefer!r}")
    with open_store(other, read_only=True, create=False) as theirs:
        incoming = theirs.dataset()
    report = MergeReport(str(other), prefer, dry_run=dry_run)
    if dry_run:
        _plan(store, incoming, report, decide)
        return report
    detail = {"files": [{"path": str(other), "format": "bioris store", "sha256": _sha(other)}]}
    with store.transaction(waiting=waiting, action="store merge", detail=detail) as tx:
        dataset = _plan(tx, incoming, report, decide)
        tx.write(dataset)
        detail["counts"] = report.diff.counts()  # type: ignore[assignment]
        detail["conflicts"] = {"kept": len(report.kept), "overwritten": len(report.overwritten)}
        tx.set_change_detail(detail)
        report.change_id = tx.change_id
    return report


def _sha(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _plan(store: Store, incoming: Dataset, report: MergeReport, decide: bool) -> Dataset:
    ours_actors = {a.actor_id: a for a in store.actors()}
    index = NameIndex.build(ours_actors.values(), store.lineage(), missing_hint="")
    ids: dict[str, str] = {}
    actors: list[Actor] = []
    for actor in incoming.actors:
        mine = _same_actor(actor, ours_actors, index)
        if mine is None:
            new_id = _free(actor.actor_id, ours_actors, ids)
            ids[actor.actor_id] = new_id
            actors.append(replace(actor, actor_id=new_id))
            continue
        ids[actor.actor_id] = mine.actor_id
        merged = _reconcile(mine, replace(actor, actor_id=mine.actor_id), mine.name, report)
        if merged != mine:
            actors.append(merged)
    if report.undecided and not decide:
        shown = "\n  ".join(report.undecided)
        raise StoreError(
            f"{report.source}: {len(report.undecided)} conflict(s) need a decision:\n  {shown}\n"
            "choose with --prefer ours (keep this store's values) or --prefer theirs, or "
            "correct one store first (bioris actors edit)"
        )
    lineage = _lineage(store, incoming.lineage, ids, report)
    deals = _deals(store, incoming.alliances, ids, report)
    pipeline = _keyed(
        store.pipeline_events(e.event_id for e in incoming.pipeline),
        "event_id",
        [replace(e, firm_id=ids[e.firm_id]) for e in incoming.pipeline],
        report,
    )
    financials = _keyed(
        store.financials(r.record_id for r in incoming.financials),
        "record_id",
        [replace(r, firm_id=ids[r.firm_id]) for r in incoming.financials],
        report,
    )
    dataset = Dataset(
        tuple(actors), tuple(lineage), tuple(deals), tuple(pipeline), tuple(financials)
    ).sorted()
    names = {
        **{a.actor_id: a.name for a in ours_actors.values()},
        **{a.actor_id: a.name for a in actors},
    }
    report.diff = dataset_diff(store, dataset, ours_actors, lambda i: names.get(i, i))
    return dataset


def _same_actor(actor: Actor, ours: dict[str, Actor], index: NameIndex) -> Actor | None:
    if actor.actor_id in ours and index.lookup(actor.name) & {actor.actor_id}:
        return ours[actor.actor_id]
    found = index.lookup(actor.name)
    if len(found) == 1:
        return ours[next(iter(found))]
    return ours.get(actor.actor_id) if actor.actor_id in ours and not found else None


def _free(wanted: str, ours: dict[str, Actor], taken: dict[str, str]) -> str:
    used = set(ours) | set(taken.values())
    candidate, number = wanted, 1
    while candidate in used:
        number += 1
        candidate = f"{wanted}-{number}"
    return candidate


def _reconcile(ours: Any, theirs: Any, label: str, report: MergeReport, prefix: str = "") -> Any:
    """One record from this store's and the other's (see the module docstring)."""
    changes: dict[str, Any] = {}
    for f in fields(ours):
        a, b = getattr(ours, f.name), getattr(theirs, f.name)
        name = f"{prefix}{f.name}"
        if a == b or b is None or b == ():
            continue
        if f.name in _LISTS:
            changes[f.name] = tuple(dict.fromkeys((*a, *b)))
        elif f.name == "provenance":
            changes[f.name] = a.merged(b)
        elif f.name == "parties":
            continue
        elif is_dataclass(a) and is_dataclass(b) and f.name == "terms":
            changes[f.name] = _reconcile(a, b, label, report, "terms.")
        elif a is None or (f.name == "kind" and a is ActorKind.OTHER):
            changes[f.name] = b
        elif f.name == "date" and dates_agree(a, b):  # the more precise of two agreeing dates
            changes[f.name] = b if len(b) > len(a) else a
        elif f.name == "kind" and b is ActorKind.OTHER:
            continue
        else:
            line = f"{label}: {name} {_show(a)} (this store) vs {_show(b)} ({report.source})"
            if f.name == "kind":
                report.undecided.append(line)
            if report.prefer == "theirs":
                report.overwritten.append(line + ": overwritten")
                changes[f.name] = b
            else:
                report.kept.append(line + ": kept")
    return replace(ours, **changes) if changes else ours


def _show(value: Any) -> str:
    if hasattr(value, "value"):
        return repr(value.value)
    if hasattr(value, "amount") and hasattr(value, "currency"):
        return f"{value.amount:g} {value.currency}"
    return repr(value)


def _lineage(
    store: Store, facts: tuple[LineageFact, ...], ids: dict[str, str], report: MergeReport
) -> list[LineageFact]:
    ours = {_fact_key(f): f for f in store.lineage()}
    out: list[LineageFact] = []
    for fact in facts:
        linked = fact.relation.value in {"subsidiary_of", "acquired_by"}
        moved = replace(
            fact,
            actor_id=ids[fact.actor_id],
            target=ids.get(fact.target, fact.target) if linked else fact.target,
        )
        mine = ours.get(_fact_key(moved))
        label = f"{moved.actor_id} {moved.relation.value} {moved.target}"
        merged = moved if mine is None else _reconcile(mine, moved, label, report)
        if merged != mine:
            out.append(merged)
    return out


def _fact_key(fact: LineageFact) -> tuple[str, str, str, int | None]:
    return (fact.actor_id, fact.relation.value, fact.target, fact.start_year)


def _deals(
    store: Store, deals: tuple[Alliance, ...], ids: dict[str, str], report: MergeReport
) -> list[Alliance]:
    ours = store.alliances()
    by_id = {d.alliance_id: d for d in ours}
    out: list[Alliance] = []
    for deal in deals:
        moved = replace(
            deal, parties=tuple(replace(p, actor_id=ids[p.actor_id]) for p in deal.parties)
        )
        mine = by_id.get(moved.alliance_id)
        if mine is None or set(mine.actor_ids) != set(moved.actor_ids):
            fits = [d for d in ours if same_stored_deal(d, moved)]
            exact = [d for d in fits if same_deal(d, moved)]
            mine = (exact or fits)[0] if len(exact or fits) == 1 else None
        if mine is None:
            if moved.alliance_id in by_id:
                moved = replace(moved, alliance_id=f"{moved.alliance_id}-merged")
            out.append(moved)
            continue
        merged = _reconcile(
            mine, replace(moved, alliance_id=mine.alliance_id), f"deal {mine.alliance_id}", report
        )
        if merged != mine:
            out.append(merged)
    return out


def _keyed(ours: list[Any], key: str, theirs: list[Any], report: MergeReport) -> list[Any]:
    mine = {getattr(r, key): r for r in ours}
    out = []
    for record in theirs:
        stored = mine.get(getattr(record, key))
        merged = (
            record
            if stored is None
            else _reconcile(stored, record, f"{key} {getattr(record, key)}", report)
        )
        if merged != stored:
            out.append(merged)
    return out
