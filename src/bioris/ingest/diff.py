"""What writing a dataset would change in a store, record by record and field by field.

An import computes this :class:`~bioris.domain.changes.Diff` from the store as it is, inside
its write transaction, and prints it; ``--dry-run`` computes the same one without writing.
Records are compared as the store would hold them; a record that would be written unchanged
is no change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from bioris.domain import Actor, Alliance, Dataset, LineageFact
from bioris.domain.changes import Diff, RecordChange, field_changes
from bioris.store import AllianceFilter, Store

__all__ = ["dataset_diff", "deal_label"]


def deal_label(alliance: Alliance, name: Callable[[str], str]) -> str:
    """A deal as a reader names it: ``Genmab + AbbVie, licensing, 2023-06``."""
    parties = " + ".join(name(p.actor_id) for p in alliance.parties)
    return f"{parties}, {alliance.deal_type.value}, {alliance.date or 'undated'}"


def dataset_diff(
    store: Store,
    dataset: Dataset,
    stored_actors: dict[str, Actor],
    name: Callable[[str], str],
    stored_lineage: Iterable[LineageFact] | None = None,
) -> Diff:
    """The changes writing ``dataset`` (an upsert of each record) makes to ``store``.

    ``stored_actors`` (and ``stored_lineage``, read from the store when not given) are the
    store's records as the caller read them already; ``name`` gives an actor id's display
    name for labels.
    """
    diff = Diff()
    for actor in dataset.actors:
        _compare(
            diff,
            "actor",
            actor.actor_id,
            actor.name,
            stored_actors.get(actor.actor_id),
            actor,
            skip=("actor_id",),
        )
    if dataset.lineage and stored_lineage is None:
        stored_lineage = store.lineage()
    stored_facts = {_fact_key(f): f for f in stored_lineage or ()}
    for fact in dataset.lineage:
        label = f"{name(fact.actor_id)} {fact.relation.value} {_target(fact, name)}"
        key = "/".join(str(k) for k in _fact_key(fact))
        _compare(diff, "lineage", key, label, stored_facts.get(_fact_key(fact)), fact)
    ids = tuple(a.alliance_id for a in dataset.alliances)
    stored_deals = _by(store.alliances(AllianceFilter(ids=ids)) if ids else [], "alliance_id")
    for deal in dataset.alliances:
        _compare(
            diff,
            "deal",
            deal.alliance_id,
            deal_label(deal, name),
            stored_deals.get(deal.alliance_id),
            deal,
            skip=("alliance_id",),
        )
    events = _by(store.pipeline_events(e.event_id for e in dataset.pipeline), "event_id")
    for event in dataset.pipeline:
        label = f"{name(event.firm_id)} {event.asset} {event.stage.value} {event.date}"
        _compare(diff, "pipeline event", event.event_id, label, events.get(event.event_id), event)
    records = _by(store.financials(r.record_id for r in dataset.financials), "record_id")
    for record in dataset.financials:
        label = f"{name(record.firm_id)} {record.year}"
        _compare(
            diff, "financial record", record.record_id, label, records.get(record.record_id), record
        )
    return diff


def _compare(
    diff: Diff, record: str, key: str, label: str, old: Any, new: Any, skip: tuple[str, ...] = ()
) -> None:
    if old is None:
        diff.add(RecordChange(record, key, label, "add"))
        return
    changed = field_changes(old, new, skip=skip)
    if changed:
        diff.add(RecordChange(record, key, label, "update", changed))


def _fact_key(fact: LineageFact) -> tuple[str, str, str, int | None]:
    return (fact.actor_id, fact.relation.value, fact.target, fact.start_year)


def _target(fact: LineageFact, name: Callable[[str], str]) -> str:
    return (
        name(fact.target)
        if fact.relation.value in {"subsidiary_of", "acquired_by"}
        else (fact.target)
    )


def _by(records: Iterable[Any], attribute: str) -> dict[str, Any]:
    return {getattr(r, attribute): r for r in records}
