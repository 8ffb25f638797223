"""Entity resolution: from a name as reported to one actor.

Names match against every actor's name, aliases and dated former names on two keys, strict
first: :func:`bioris.domain.strict_key` (case, accents, punctuation and legal forms ignored),
then, only when nothing matches strictly, the loose :func:`bioris.domain.name_key` (generic
words such as ``Holdings`` or ``Group`` ignored too). So ``Novo Holdings`` is the financier
once it is known, and until then falls back to ``Novo`` (Novo Nordisk). ``Name (Qualifier)`` is
read as the actor ``Name`` and, when ``Qualifier`` is another known actor, its parent (as in
``Alcon (Novartis)``); when it is the same actor (``Merck & Co (MSD)``), unknown (a division,
``Merck KGaA (Merck Serono)``) or a unit of the named actor (an institute whose recorded
origin is that actor: ``KU Leuven (Rega Institute)``) it only qualifies the name. An unknown
name is an error that suggests the closest known names (rapidfuzz).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bioris import settings
from bioris.domain import (
    Actor,
    LineageFact,
    LineageRelation,
    name_key,
    split_parent,
    strict_key,
)

__all__ = ["Match", "NameIndex"]


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of resolving one name.

    Exactly one of ``actor_id`` and ``problem`` is set. ``parent_id`` is the actor named in
    brackets when it is a different actor; ``name`` is the bare name (brackets removed).
    """

    name: str
    actor_id: str | None = None
    parent_id: str | None = None
    problem: str | None = None


class NameIndex:
    """Lookup of actors by strict, then loose, name key, with fuzzy suggestions for misses."""

    def __init__(self, *, missing_hint: str = " (or import with --create-missing)") -> None:
        # what an unknown name's error adds after the suggestions (the import's way out)
        self._missing_hint = missing_hint
        self._ids: dict[str, set[str]] = defaultdict(set)  # loose key -> actor ids
        self._strict_ids: dict[str, set[str]] = defaultdict(set)  # strict key -> actor ids
        self._display: dict[str, str] = {}  # key -> a readable name for suggestions
        self._names: dict[str, str] = {}  # actor id -> display name
        self._origins: dict[str, set[str]] = {}  # actor id -> name keys of its origins

    @classmethod
    def build(
        cls,
        actors: Iterable[Actor],
        lineage: Iterable[LineageFact] = (),
        *,
        missing_hint: str = " (or import with --create-missing)",
    ) -> NameIndex:
        """Index actors' names and aliases, and the ``named`` facts of their lineage;
        ``missing_hint`` ends the error of an unknown name (outside an import: ``""``)."""
        index = cls(missing_hint=missing_hint)
        for actor in actors:
            index.add(actor)
        for fact in lineage:
            if fact.relation is LineageRelation.NAMED:
                index.add_name(fact.actor_id, fact.target)
        return index

    def add(self, actor: Actor) -> None:
        """Index an actor under its id, name and aliases."""
        self._names[actor.actor_id] = actor.name
        self._origins[actor.actor_id] = {name_key(split_parent(o)[0]) for o in actor.origin}
        for keys, key in ((self._ids, name_key), (self._strict_ids, strict_key)):
            keys[key(actor.actor_id)].add(actor.actor_id)  # ids resolve, unsuggested
        for name in (actor.name, *actor.aliases):
            self.add_name(actor.actor_id, name)

    def add_name(self, actor_id: str, name: str) -> None:
        """Index one more name of an actor (an alias's bracketed qualifier is dropped)."""
        for variant in {name, split_parent(name)[0]}:
            key = name_key(variant)
            if key:
                self._ids[key].add(actor_id)
                self._strict_ids[strict_key(variant)].add(actor_id)
                self._display.setdefault(key, variant)

    def display_name(self, actor_id: str) -> str:
        """The actor's name, or its id if unknown."""
        return self._names.get(actor_id, actor_id)

    def lookup(self, name: str) -> set[str]:
        """Ids of the actors bearing ``name`` (empty, one, or several when ambiguous).

        The actors whose strict key matches, if any; otherwise those whose loose key does.
        """
        return self.lookup_strict(name) or set(self._ids.get(name_key(name), ()))

    def lookup_strict(self, name: str) -> set[str]:
        """Ids of the actors whose strict key matches ``name``'s: generic words count.

        ``lookup`` may find an actor only loosely (``Novo Holdings`` -> Novo Nordisk, known as
        ``Novo``); this tells such a match from a strict one.
        """
        return set(self._strict_ids.get(strict_key(name), ()))

    def resolve(self, reported: str) -> Match:
        """Resolve a reported name, reading a bracketed qualifier as parent or alias."""
        text = reported.strip()
        whole = self._unique(text)
        if whole.actor_id or (whole.problem and "several" in whole.problem):
            return whole
        bare, inner = split_parent(text)
        if inner is None:
            return whole
        match = self._unique(bare)
        if match.actor_id is None:
            return Match(bare, problem=match.problem)
        parent = self._unique(inner).actor_id
        unit = parent is not None and name_key(bare) in self._origins.get(parent, set())
        parent_id = parent if parent and parent != match.actor_id and not unit else None
        return Match(bare, match.actor_id, parent_id)

    def _unique(self, name: str) -> Match:
        ids = self.lookup(name)
        if len(ids) == 1:
            return Match(name, next(iter(ids)))
        if len(ids) > 1:
            names = ", ".join(sorted(f"{self.display_name(i)} [{i}]" for i in ids))
            return Match(name, problem=f"{name!r} matches several actors: {names}")
        return Match(name, problem=self._unknown(name))

    def suggestions(self, name: str) -> list[str]:
        """The closest known names, best first."""
        limit = int(settings.get("fuzzy_suggestions"))
        cutoff = float(settings.get("fuzzy_min_score"))
        found = process.extract(
            name_key(name), self._display.keys(), scorer=fuzz.WRatio, limit=limit * 3
        )
        names: list[str] = []
        for key, score, _ in found:
            if score >= cutoff and self._display[key] not in names:
                names.append(self._display[key])
        return names[:limit]

    def _unknown(self, name: str) -> str:
        close = self.suggestions(name)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        return f"no actor named {name!r}{hint}{self._missing_hint}"
