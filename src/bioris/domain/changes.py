"""What a write does to a store: field-level differences and the recorded change sets.

A :class:`Diff` compares the records a write would put in the store with those already there,
field by field; an import prints it (``--dry-run`` prints the same one without writing). A
:class:`ChangeSet` is one recorded write in the store's history (``bioris history``), which
``bioris undo`` reverts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from typing import Any

__all__ = ["ChangeSet", "Diff", "FieldChange", "RecordChange", "field_changes"]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a record, before and after (as readable text)."""

    name: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.name}: {self.old} -> {self.new}"


@dataclass(frozen=True, slots=True)
class RecordChange:
    """One record a write adds, updates or deletes.

    ``record`` is ``actor``, ``lineage``, ``deal``, ``pipeline event``, ``financial record``
    or ``exchange rate``; ``label`` names it for a reader (an actor's name, a deal's parties,
    type and date); ``fields`` lists what an update changes.
    """

    record: str
    key: str
    label: str
    op: str  # "add", "update" or "delete"
    fields: tuple[FieldChange, ...] = ()

    def __str__(self) -> str:
        head = f"{self.op} {self.record} {self.label}"
        if self.label != self.key:
            head += f" [{self.key}]"
        return head + "".join(f"\n    {f}" for f in self.fields)


@dataclass
class Diff:
    """Every record a write changes, in the order found."""

    changes: list[RecordChange] = field(default_factory=list)

    def add(self, change: RecordChange) -> None:
        """Append one record's change."""
        self.changes.append(change)

    def counts(self) -> dict[str, int]:
        """How many records each operation touches per record type, e.g. ``{"add deal": 3}``."""
        found: dict[str, int] = {}
        for change in self.changes:
            key = f"{change.op} {change.record}"
            found[key] = found.get(key, 0) + 1
        return found

    def of(self, op: str, record: str) -> list[RecordChange]:
        """The changes of one operation on one record type."""
        return [c for c in self.changes if c.op == op and c.record == record]

    def __bool__(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """One recorded write to a store (an import, an edit, an undo, ...).

    ``detail`` holds what the write says of itself (for an import: its files with their
    sha256 and the counts of records added, updated and merged); ``rows`` is how many table
    rows it changed; ``undoes`` / ``undone_by`` link an undo and what it reverted.
    """

    change_id: int
    at: str
    action: str
    detail: dict[str, Any]
    rows: int = 0
    undoes: int | None = None
    undone_by: int | None = None


def _text(value: Any) -> str:
    if value is None or value == ():
        return "(empty)"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    if is_dataclass(value) and {f.name for f in fields(value)} >= {"amount", "currency"}:
        return f"{value.amount:g} {value.currency}"
    if is_dataclass(value) and hasattr(value, "actor_id"):  # a party of a deal
        role = getattr(value, "role", None)
        return f"{value.actor_id} ({_text(role)})" if role is not None else str(value.actor_id)
    return str(value)


def _money_change(a: Any, b: Any) -> tuple[str, str]:
    """An amount before and after; its euro value shown when only that changed."""
    if a is not None and b is not None and (a.amount, a.currency) == (b.amount, b.currency):

        def eur(m: Any) -> str:
            return "no euro value" if m.eur is None else f"EUR {m.eur:.6g}M"

        return f"{_text(a)} ({eur(a)})", f"{_text(b)} ({eur(b)})"
    return _text(a), _text(b)


def field_changes(old: Any, new: Any, *, skip: tuple[str, ...] = ()) -> tuple[FieldChange, ...]:
    """The fields of two dataclass records that differ, nested dataclasses flattened
    (``terms.upfront``), as readable text; ``skip`` names fields left out."""
    found: list[FieldChange] = []
    for f in fields(old):
        if f.name in skip:
            continue
        a, b = getattr(old, f.name), getattr(new, f.name)
        if a == b:
            continue
        nested = (
            is_dataclass(a)
            and is_dataclass(b)
            and not {"amount", "currency"} <= {g.name for g in fields(a)}
        )
        if nested:
            for change in field_changes(a, b):
                found.append(FieldChange(f"{f.name}.{change.name}", change.old, change.new))
        elif _is_money(a) or _is_money(b):
            found.append(FieldChange(f.name, *_money_change(a, b)))
        else:
            found.append(FieldChange(f.name, _text(a), _text(b)))
    return tuple(found)


def _is_money(value: Any) -> bool:
    return is_dataclass(value) and {f.name for f in fields(value)} >= {"amount", "currency"}
