"""Corrections made by hand: edit, merge or delete an actor, delete a deal.

Each edit is one transaction and one change set of the store's history (``bioris history``;
``bioris undo`` reverts it), and returns what it changed as a
:class:`~bioris.domain.changes.Diff`. Bad values are a :class:`~bioris.errors.ValidationError`
naming the field; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bioris.domain import (
    Actor,
    ActorKind,
    Alliance,
    Confidence,
    Dataset,
    LineageFact,
    LineageRelation,
    parse_enum,
    split_list,
)
from bioris.domain.changes import Diff, RecordChange
from bioris.domain.geography import country_problem, is_country_code
from bioris.errors import NotFound, RowError, StoreError, ValidationError
from bioris.ingest.diff import dataset_diff, deal_label
from bioris.ingest.merge import merge_actors
from bioris.ingest.resolve import NameIndex
from bioris.store import AllianceFilter, Store
from bioris.store.writer import Waiting

__all__ = ["EDITABLE", "delete_actor", "delete_alliance", "edit_actor", "find_actor", "merge_into"]

_LISTS = ("aliases", "origin", "subsectors", "source_urls")
#: the fields ``bioris actors edit`` sets, with what each takes
EDITABLE: dict[str, str] = {
    "name": "text",
    "kind": "one of: " + ", ".join(k.value for k in ActorKind),
    "country": "an ISO 3166-1 alpha-2 code",
    "region": "a region's name or code",
    "city": "text",
    "founded": "a year",
    "ipo_year": "a year",
    "exit": "text, e.g. 'acquired by Astellas (2017)'",
    "aliases": "names separated by ';'",
    "origin": "names separated by ';'",
    "subsectors": "names separated by ';'",
    "source_urls": "URLs separated by ';'",
    "confidence": "one of: " + ", ".join(c.value for c in Confidence),
}
_WHERE = "<edit>"


def find_actor(store: Store, key: str) -> Actor:
    """The stored actor with id ``key``, else the one actor bearing the name ``key``."""
    try:
        return store.actor(key)
    except NotFound:
        pass
    index = NameIndex.build(store.actors(), store.lineage(), missing_hint="")
    match = index.resolve(key)
    if match.actor_id is None:
        raise NotFound(f"{store.path}: {match.problem}")
    return store.actor(match.actor_id)


def edit_actor(
    store: Store, key: str, values: dict[str, str], *, waiting: Waiting | None = None
) -> tuple[Diff, int | None]:
    """Set fields of one actor (``values``: field -> text, an empty text clears it).

    Returns the change and its history id (``None`` when nothing changed).
    """
    errors: list[RowError] = []
    with store.transaction(waiting=waiting, action="actors edit") as tx:
        actor = find_actor(tx, key)
        changes = {name: _value(name, text, errors) for name, text in values.items()}
        if errors:
            raise ValidationError(errors)
        provenance = actor.provenance
        if "source_urls" in changes:
            provenance = replace(provenance, source_urls=changes.pop("source_urls"))
        if "confidence" in changes:
            provenance = replace(provenance, confidence=changes.pop("confidence"))
        edited = replace(actor, **changes, provenance=provenance)
        diff = _diff(tx, Dataset(actors=(edited,)))
        tx.write(Dataset(actors=(edited,)))
        tx.set_change_detail({"actor": actor.actor_id, "set": values})
        return diff, tx.change_id if diff else None


def _value(name: str, text: str, errors: list[RowError]) -> Any:
    text = text.strip()
    try:
        if name not in EDITABLE:
            raise ValueError(f"no such field; editable: {', '.join(EDITABLE)}")
        if name in _LISTS:
            return split_list(text)
        if name == "name" and not text:
            raise ValueError("an actor needs a name")
        if not text and name in {"kind", "confidence"}:
            raise ValueError("cannot be empty")
        if not text:
            return None
        if name == "kind":
            return parse_enum(ActorKind, text)
        if name == "confidence":
            return parse_enum(Confidence, text)
        if name in {"founded", "ipo_year"}:
            if not (text.isdigit() and len(text) == 4):
                raise ValueError(f"{text!r} is not a year")
            return int(text)
        if name == "country":
            if not is_country_code(text):
                raise ValueError(country_problem(text))
            return text.upper()
        return text
    except ValueError as exc:
        errors.append(RowError(_WHERE, 0, 0, f"{name}: {exc}", name))
        return None


def merge_into(
    store: Store, keep_key: str, gone_key: str, *, waiting: Waiting | None = None
) -> tuple[Diff, int | None]:
    """Merge actor ``gone_key`` into ``keep_key``: the kept actor's values win, its empty
    fields are filled from the other, names and sources are united (the other's name becomes
    an alias); the other's deals, lineage, pipeline and financial records move to the kept
    actor, and the other actor is deleted.

    Raises
    ------
    StoreError
        The two are one actor, or a deal names both (delete or correct it first).
    """
    with store.transaction(waiting=waiting, action="actors merge") as tx:
        keep, gone = find_actor(tx, keep_key), find_actor(tx, gone_key)
        if keep.actor_id == gone.actor_id:
            raise StoreError(f"{keep_key!r} and {gone_key!r} are one actor ({keep.actor_id})")
        merged, _ = merge_actors(keep, replace(gone, actor_id=keep.actor_id))
        moved = _moved_records(tx, keep.actor_id, gone.actor_id)
        written = replace(moved[0], actors=(merged,))
        diff = _diff(tx, written)
        tx.write(written)
        tx.delete(moved[1], actor_ids=(gone.actor_id,))
        for fact in moved[1].lineage:
            diff.add(RecordChange("lineage", fact.actor_id, _fact_label(fact), "delete"))
        diff.add(RecordChange("actor", gone.actor_id, gone.name, "delete"))
        tx.set_change_detail({"kept": keep.actor_id, "merged": gone.actor_id})
        return diff, tx.change_id


def _moved_records(store: Store, keep: str, gone: str) -> tuple[Dataset, Dataset]:
    """The records naming ``gone`` rewritten to name ``keep``, and the lineage facts to
    delete (their key changes)."""
    deals: list[Alliance] = []
    for deal in store.alliances(AllianceFilter(actor=gone)):
        if keep in deal.actor_ids:
            raise StoreError(
                f"{store.path}: deal {deal.alliance_id} names both actors; delete it "
                f"(bioris alliances delete {deal.alliance_id}) or correct it first"
            )
        parties = tuple(
            replace(p, actor_id=keep) if p.actor_id == gone else p for p in deal.parties
        )
        deals.append(replace(deal, parties=parties))
    old_facts = [f for f in store.lineage() if gone in (f.actor_id, _linked(f))]
    new_facts = []
    for fact in old_facts:
        moved = replace(
            fact,
            actor_id=keep if fact.actor_id == gone else fact.actor_id,
            target=keep if _linked(fact) == gone else fact.target,
        )
        if not (moved.actor_id == keep and _linked(moved) == keep):  # not a link to itself
            new_facts.append(moved)
    uses = store.actor_uses(gone)
    events = store.pipeline_events(i for what, i in uses if what == "pipeline event")
    records = store.financials(i for what, i in uses if what == "financial record")
    written = Dataset(
        alliances=tuple(deals),
        lineage=tuple(new_facts),
        pipeline=tuple(replace(e, firm_id=keep) for e in events),
        financials=tuple(replace(r, firm_id=keep) for r in records),
    )
    return written, Dataset(lineage=tuple(old_facts))


def _linked(fact: LineageFact) -> str | None:
    linking = {LineageRelation.SUBSIDIARY_OF, LineageRelation.ACQUIRED_BY}
    return fact.target if fact.relation in linking else None


def _fact_label(fact: LineageFact) -> str:
    return f"{fact.actor_id} {fact.relation.value} {fact.target}"


def delete_actor(
    store: Store, key: str, *, waiting: Waiting | None = None
) -> tuple[Diff, int | None]:
    """Delete an actor that no record names.

    Raises
    ------
    StoreError
        Deals, lineage, pipeline or financial records name it (they are listed).
    """
    with store.transaction(waiting=waiting, action="actors delete") as tx:
        actor = find_actor(tx, key)
        uses = tx.actor_uses(actor.actor_id)
        if uses:
            shown = ", ".join(f"{what} {ident}" for what, ident in uses[:8])
            more = f" and {len(uses) - 8} more" if len(uses) > 8 else ""
            raise StoreError(
                f"{store.path}: {actor.name} ({actor.actor_id}) is named by {shown}{more}; "
                "delete those first, or merge the actor into another (bioris actors merge)"
            )
        tx.delete(Dataset(), actor_ids=(actor.actor_id,))
        tx.set_change_detail({"actor": actor.actor_id, "name": actor.name})
        diff = Diff([RecordChange("actor", actor.actor_id, actor.name, "delete")])
        return diff, tx.change_id


def delete_alliance(
    store: Store, alliance_id: str, *, waiting: Waiting | None = None
) -> tuple[Diff, int | None]:
    """Delete one deal (with its parties)."""
    with store.transaction(waiting=waiting, action="alliances delete") as tx:
        found = tx.alliances(AllianceFilter(ids=(alliance_id,)))
        if not found:
            raise NotFound(f"{store.path}: no deal with id {alliance_id!r}")
        names = _namer(tx)
        tx.delete(Dataset(alliances=(found[0],)))
        tx.set_change_detail({"deal": alliance_id})
        label = deal_label(found[0], names)
        return Diff([RecordChange("deal", alliance_id, label, "delete")]), tx.change_id


def _namer(store: Store) -> Callable[[str], str]:
    names = {a.actor_id: a.name for a in store.actors()}
    return lambda actor_id: names.get(actor_id, actor_id)


def _diff(store: Store, dataset: Dataset) -> Diff:
    stored = {a.actor_id: a for a in store.actors(ids=tuple(a.actor_id for a in dataset.actors))}
    return dataset_diff(store, dataset, stored, _namer(store))
