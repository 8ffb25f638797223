"""Merging records that denote the same thing, keeping every source.

*Actors*: two rows for the same actor (the two raw firm files overlap) become one actor; the
first row's values win, empty fields are filled from the later row, lists and sources are
united, and every disagreement is reported. The kind ``other`` is what an import gives an
actor it created for a name it did not know (``--create-missing``): a later record's kind
replaces it.

*Corrections*: a record reported again in a later import corrects the stored one: its
values replace the stored values (an empty cell keeps the stored value), lists and sources
are united, and the import lists every field as ``old -> new``. A deal in the store is the
same deal as a new row when both have the same deal type and the same set of parties, were
signed in the same year (a corrected date within the year is a correction, not a new deal),
and name no different assets; when several stored deals fit, the one whose date agrees is
taken, and if that is not one deal the row is an error asking for its date. An actor's kind
is never corrected by an import (two kinds for one name is an error naming both rows: use
``bioris actors edit``), except ``other``, the kind an import gives an actor it created for a
name it did not know.

*Deals*: two alliance rows of one import are the same deal when they have the same deal
type, the same set of resolved parties, and dates that agree at the coarser of their two
precisions (``2016`` agrees with ``2016-07-05``; ``2016-07`` does not agree with
``2016-08-02``). Undated rows are never merged. The merged deal keeps the first row's id
and values, the more precise date, missing values filled from the other row, both rows'
sources, and both notes; every disagreement is listed.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from bioris.domain import Actor, ActorKind, Alliance, Terms, name_key

__all__ = [
    "correct_actor",
    "correct_alliance",
    "dates_agree",
    "kinds_conflict",
    "merge_actors",
    "merge_alliances",
    "same_deal",
    "same_stored_deal",
]

_ACTOR_LISTS = ("origin", "subsectors", "aliases")


def merge_actors(first: Actor, second: Actor) -> tuple[Actor, list[str]]:
    """One actor from two records of it, and the disagreements found."""
    changes: dict[str, Any] = {}
    notes: list[str] = []
    for f in fields(Actor):
        name = f.name
        if name in {"actor_id", "name", "provenance", *_ACTOR_LISTS}:
            continue
        a, b = getattr(first, name), getattr(second, name)
        if name == "kind" and a is ActorKind.OTHER and b is not ActorKind.OTHER:
            changes[name] = b  # the kind of a created actor gives way to a record's
        elif a is None and b is not None:
            changes[name] = b
        elif a is not None and b is not None and a != b:
            notes.append(f"{first.name}: {name} {a!r} kept over {b!r}")
    for name in _ACTOR_LISTS:
        items = getattr(first, name) + getattr(second, name)
        changes[name] = tuple(dict.fromkeys(items))
    extra_names = (second.name,) if second.name != first.name else ()
    changes["aliases"] = tuple(
        a for a in dict.fromkeys(changes["aliases"] + extra_names) if a != first.name
    )
    changes["provenance"] = first.provenance.merged(second.provenance)
    return replace(first, **changes), notes


def dates_agree(a: str | None, b: str | None) -> bool:
    """Whether two dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) agree at the coarser one."""
    if not a or not b:
        return False
    width = min(len(a), len(b))
    return a[:width] == b[:width]


def same_deal(a: Alliance, b: Alliance) -> bool:
    """The documented rule for two rows reporting one deal (see the module docstring)."""
    return (
        a.deal_type == b.deal_type
        and set(a.actor_ids) == set(b.actor_ids)
        and dates_agree(a.date, b.date)
    )


def merge_alliances(first: Alliance, second: Alliance) -> tuple[Alliance, list[str]]:
    """One deal from two reports of it, and the disagreements found."""
    notes: list[str] = []
    changes: dict[str, Any] = {}
    if len(second.date or "") > len(first.date or ""):
        changes["date"] = second.date
    for name in ("asset", "therapeutic_area", "end_year", "end_reason"):
        a, b = getattr(first, name), getattr(second, name)
        if a is None and b is not None:
            changes[name] = b
    if first.stage_at_signing.value == "unknown":
        changes["stage_at_signing"] = second.stage_at_signing
    changes["terms"] = _merge_terms(first, second, notes)
    texts = [t for t in (first.notes, second.notes) if t]
    changes["notes"] = " | ".join(dict.fromkeys(texts)) or None
    changes["provenance"] = first.provenance.merged(second.provenance)
    parties = {p.actor_id: p for p in first.parties}
    changes["parties"] = tuple(
        replace(p, name_as_reported=_names(p.name_as_reported, q.name_as_reported))
        for p in first.parties
        for q in second.parties
        if q.actor_id == p.actor_id
    ) or tuple(parties.values())
    return replace(first, **changes), notes


def _names(a: str, b: str) -> str:
    return a if not b or b == a else f"{a}; {b}" if a else b


def _merge_terms(first: Alliance, second: Alliance, notes: list[str]) -> Terms:
    changes: dict[str, Any] = {}
    for f in fields(Terms):
        a, b = getattr(first.terms, f.name), getattr(second.terms, f.name)
        if a is None and b is not None:
            changes[f.name] = b
        elif a is not None and b is not None and a != b:
            notes.append(
                f"{first.alliance_id}: {f.name} {_money_text(a)} kept over {_money_text(b)}"
            )
    return replace(first.terms, **changes)


def kinds_conflict(a: Actor, b: Actor) -> bool:
    """Whether two records of one name disagree on the kind (``other``, the kind of an actor
    an import created for an unknown name, agrees with any)."""
    return a.kind is not b.kind and ActorKind.OTHER not in (a.kind, b.kind)


def correct_actor(stored: Actor, report: Actor) -> Actor:
    """The stored actor corrected by a later report of it (see the module docstring)."""
    changes: dict[str, Any] = {}
    for f in fields(Actor):
        name = f.name
        if name in {"actor_id", "name", "provenance", *_ACTOR_LISTS}:
            continue
        value = getattr(report, name)
        if name == "kind" and value is ActorKind.OTHER:
            continue
        if value is not None:
            changes[name] = value
    merged, _ = merge_actors(stored, replace(report, actor_id=stored.actor_id))
    for name in _ACTOR_LISTS:
        changes[name] = getattr(merged, name)
    changes["provenance"] = merged.provenance
    return replace(stored, **changes)


def same_stored_deal(stored: Alliance, report: Alliance) -> bool:
    """Whether ``report`` corrects the stored deal: same type and parties, the same signing
    year, no different assets (see the module docstring)."""
    assets = {name_key(a) for a in (stored.asset, report.asset) if a}
    return (
        stored.deal_type == report.deal_type
        and set(stored.actor_ids) == set(report.actor_ids)
        and stored.year is not None
        and stored.year == report.year
        and len(assets) <= 1
    )


def correct_alliance(stored: Alliance, report: Alliance) -> Alliance:
    """The stored deal corrected by a later report of it: the report's values win where it
    has one; a date only coarser than the stored one keeps the stored date."""
    changes: dict[str, Any] = {}
    if report.date and not (dates_agree(stored.date, report.date)
                            and len(report.date) < len(stored.date or "")):  # fmt: skip
        changes["date"], changes["year"] = report.date, report.year
    for name in ("asset", "therapeutic_area", "end_year", "end_reason", "notes"):
        if getattr(report, name) is not None:
            changes[name] = getattr(report, name)
    if report.stage_at_signing.value != "unknown":
        changes["stage_at_signing"] = report.stage_at_signing
    terms = {
        f.name: getattr(report.terms, f.name)
        for f in fields(Terms)
        if getattr(report.terms, f.name) is not None
    }
    changes["terms"] = replace(stored.terms, **terms)
    changes["provenance"] = stored.provenance.merged(report.provenance)
    merged, _ = merge_alliances(stored, report)
    changes["parties"] = merged.parties
    return replace(stored, **changes)


def _money_text(value: Any) -> str:
    """``750 USD`` for an amount (a royalty text as it is)."""
    amount, currency = getattr(value, "amount", None), getattr(value, "currency", None)
    return f"{amount:g} {currency}" if amount is not None else str(value)
