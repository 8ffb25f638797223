"""Checked vocabulary options: an unknown kind, region, deal type or layer is an error that
lists the allowed values (and the closest ones), never an empty result."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

from bioris.domain import ActorKind, DealType, Stage
from bioris.errors import BiorisError

__all__ = ["VocabularyError", "check_choice", "check_choices", "check_deal_type", "check_kind"]


class VocabularyError(BiorisError):
    """A vocabulary option names no allowed value; ``option`` names it, ``allowed`` lists
    the values (the CLI and the API both report it)."""

    def __init__(self, option: str, value: str, allowed: Collection[str]) -> None:
        self.option, self.value, self.allowed = option, value, tuple(allowed)
        close = difflib.get_close_matches(value, list(allowed), n=3, cutoff=0.6)
        if not close:
            folded = {a.casefold(): a for a in allowed}
            close = [folded[c] for c in difflib.get_close_matches(value.casefold(), folded)]
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        shown = ", ".join(self.allowed) if self.allowed else "(none in this store)"
        super().__init__(f"{option}: {value!r} is not one of: {shown}{hint}")


def check_choice(option: str, value: str, allowed: Iterable[str]) -> str:
    """The allowed value that ``value`` names, ignoring case and ``-``/``_``/space."""
    choices = list(allowed)

    def norm(text: str) -> str:
        return text.strip().casefold().replace("-", "_").replace(" ", "_")

    by_key = {norm(a): a for a in choices}
    found = by_key.get(norm(value))
    if found is None:
        raise VocabularyError(option, value, choices)
    return found


def check_choices(option: str, values: Iterable[str], allowed: Iterable[str]) -> tuple[str, ...]:
    """:func:`check_choice` for each value, order kept, duplicates dropped."""
    choices = list(allowed)
    return tuple(dict.fromkeys(check_choice(option, v, choices) for v in values))


def check_kind(value: str, option: str = "--kind") -> str:
    """An actor kind (``NBF`` is ``nbf``)."""
    return check_choice(option, value, [k.value for k in ActorKind])


def check_deal_type(value: str, option: str = "--deal-type") -> str:
    """A deal type (``licensing out`` is ``licensing_out``)."""
    return check_choice(option, value, [d.value for d in DealType])


def check_stage(value: str, option: str = "--stage") -> str:
    """A stage at signing."""
    return check_choice(option, value, [s.value for s in Stage])
