"""The records of one import as they are built: actors first, then lineage, then deals.

A :class:`Batch` starts from the store's actors (so names resolve against them), adds what
the input files and the decisions say, and tracks everything the import will write.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from bioris.domain import (
    Actor,
    ActorKind,
    Alliance,
    FinancialRecord,
    LineageFact,
    LineageRelation,
    PipelineEvent,
    Provenance,
    slugify,
)
from bioris.errors import RowError
from bioris.ingest.cells import Cells
from bioris.ingest.merge import (
    correct_actor,
    correct_alliance,
    kinds_conflict,
    merge_actors,
    merge_alliances,
    same_deal,
    same_stored_deal,
)
from bioris.ingest.raw_actors import provenance_of
from bioris.ingest.resolve import NameIndex

__all__ = ["Batch"]

LineageKey = tuple[str, str, str, int | None]
DealKey = tuple[str, frozenset[str]]


def _lineage_key(fact: LineageFact) -> LineageKey:
    return (fact.actor_id, fact.relation, fact.target, fact.start_year)


def _deal_key(alliance: Alliance) -> DealKey:
    return (alliance.deal_type.value, frozenset(alliance.actor_ids))


@dataclass
class Batch:
    """Actors, lineage and alliances an import adds, with the name index they resolve in."""

    known: dict[str, Actor]  # every actor: the store's and this batch's, by id
    index: NameIndex
    create_missing: bool = False
    actors: dict[str, Actor] = field(default_factory=dict)  # actors this import writes
    lineage: dict[LineageKey, LineageFact] = field(default_factory=dict)
    alliances: list[Alliance] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    merge_notes: list[str] = field(default_factory=list)
    mentions: dict[str, Provenance] = field(default_factory=dict)
    stored_lineage: dict[LineageKey, LineageFact] = field(default_factory=dict)
    where: dict[LineageKey, tuple[str, int]] = field(default_factory=dict)
    # deals by (type, parties): this import's (positions in ``alliances``) and the store's
    _deal_index: dict[DealKey, list[int]] = field(default_factory=dict)
    _stored_deals: dict[DealKey, list[Alliance]] = field(default_factory=dict)
    _ids: set[str] = field(default_factory=set)
    pipeline: dict[str, PipelineEvent] = field(default_factory=dict)
    financials: dict[str, FinancialRecord] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)  # problems found while adding
    actor_where: dict[str, tuple[str, int]] = field(default_factory=dict)

    @classmethod
    def start(
        cls,
        actors: list[Actor],
        lineage: list[LineageFact],
        *,
        create_missing: bool,
        alliances: list[Alliance] | None = None,
        errors: list[RowError] | None = None,
    ) -> Batch:
        """A batch over a store's current actors, lineage and (for merging) deals; problems
        found while adding go to ``errors``."""
        index = NameIndex.build(actors, lineage)
        batch = cls({a.actor_id: a for a in actors}, index, create_missing)
        if errors is not None:
            batch.errors = errors
        batch.stored_lineage = {_lineage_key(f): f for f in lineage}
        for alliance in alliances or ():
            batch._stored_deals.setdefault(_deal_key(alliance), []).append(alliance)
        return batch

    # -- actors -------------------------------------------------------------------------
    def add_actor(
        self, actor: Actor, *, by_name: bool, where: tuple[str, int, int] | None = None
    ) -> Actor:
        """Add an actor; ``by_name`` merges it into a known actor of the same name (an
        actor of this import: the first row wins; a stored one: this row corrects it).

        Two rows of one name with different kinds are an error naming both (recorded in
        ``errors``), unless the names agree only once a generic word (``Holdings``) is
        dropped: then they are different actors, and a note says so. ``where`` (file, line,
        column of the kind) locates the row. Returns the actor as the import will write it."""
        target = self._same_actor(actor, where) if by_name else actor.actor_id
        if target in self.known and by_name:
            if target in self.actors:
                merged, notes = merge_actors(self.known[target], replace(actor, actor_id=target))
                self.merge_notes.extend(notes)
            else:
                merged = correct_actor(self.known[target], replace(actor, actor_id=target))
            actor = merged
        self.known[actor.actor_id] = actor
        self.actors[actor.actor_id] = actor
        if where is not None:
            self.actor_where.setdefault(actor.actor_id, where[:2])
        self.index.add(actor)
        return actor

    def _same_actor(self, actor: Actor, where: tuple[str, int, int] | None) -> str:
        ids = self.index.lookup(actor.name) | (
            {actor.actor_id} if actor.actor_id in self.known else set()
        )
        if len(ids) != 1:
            return self._free_id(actor.actor_id)
        found = self.known.get(next(iter(ids)))
        if found is None or not kinds_conflict(found, actor):
            return next(iter(ids))
        if not self.index.lookup_strict(actor.name) & ids:
            self.merge_notes.append(
                f"{actor.name} ({actor.kind.value}) is not {found.name} ({found.kind.value}): "
                "their names agree only without a generic word, and their kinds differ; "
                "kept as two actors"
            )
            return self._free_id(actor.actor_id)
        there = self.actor_where.get(found.actor_id)
        other = f"{there[0]}:{there[1]}" if there else "the store"
        file, line, column = where if where else ("<decisions>", 0, 0)
        self.errors.append(
            RowError(
                file, line, column,
                f"{actor.name!r} is a {actor.kind.value} here but {found.name!r} in {other} "
                f"is a {found.kind.value}: one actor cannot have two kinds; correct one of "
                "the two rows, or use another name for a different actor" + (
                    "" if there else f", or change the stored actor first with `bioris "
                    f"actors edit {found.actor_id} --set kind=...`"),
                "kind",
            )
        )  # fmt: skip  # fmt: skip
        return found.actor_id

    def _free_id(self, wanted: str) -> str:
        candidate, number = wanted, 1
        while candidate in self.known:
            number += 1
            candidate = f"{wanted}-{number}"
        return candidate

    def new_actor(self, name: str, kind: ActorKind, **facts: object) -> Actor:
        """Create an actor the inputs name but no actors file holds."""
        actor = Actor(actor_id=self._free_id(slugify(name)), name=name, kind=kind, **facts)
        self.add_actor(actor, by_name=False)
        self.created.append(actor.actor_id)
        return actor

    # -- parties ------------------------------------------------------------------------
    def resolve_party(self, reported: str, cells: Cells, column: str) -> str | None:
        """Resolve a party named in a deal row; record an error or create it."""
        match = self.index.resolve(reported)
        actor_id = match.actor_id
        if actor_id is None and self.create_missing and "several" not in (match.problem or ""):
            actor_id = self.new_actor(match.name, ActorKind.OTHER).actor_id
            parent = self.index.resolve(reported).parent_id
            match = replace(match, actor_id=actor_id, parent_id=parent)
        if actor_id is None:
            cells.error(column, match.problem or f"cannot resolve {reported!r}")
            return None
        row_source = _row_provenance(cells)
        self.mentions[actor_id] = self.mentions.get(actor_id, Provenance()).merged(row_source)
        if match.parent_id:
            self._parent_link(actor_id, match.parent_id, reported, row_source)
        return actor_id

    def _parent_link(self, child: str, parent: str, reported: str, source: Provenance) -> None:
        """Record that ``child`` belongs to ``parent``; a known link gains the row's source."""
        for facts in (self.lineage, self.stored_lineage):
            for key, fact in facts.items():
                if key[:3] == (child, LineageRelation.SUBSIDIARY_OF, parent):
                    self.lineage[key] = replace(fact, provenance=fact.provenance.merged(source))
                    return
        note = f"parent read from a deal naming {reported!r}"
        fact = LineageFact(child, LineageRelation.SUBSIDIARY_OF, parent, None, None, note, source)
        self.lineage[_lineage_key(fact)] = fact

    def give_mentions_sources(self, actor_ids: list[str]) -> None:
        """Give created actors the sources of the rows that name them."""
        for actor_id in actor_ids:
            actor = self.actors[actor_id]
            mention = self.mentions.get(actor_id, Provenance())
            self.actors[actor_id] = replace(actor, provenance=actor.provenance.merged(mention))

    # -- lineage and deals --------------------------------------------------------------
    def add_lineage(self, fact: LineageFact, where: tuple[str, int] | None = None) -> None:
        """Add a lineage fact (the same actor, relation, target and start replaces);
        ``where`` (file, line) locates it for error messages."""
        key = _lineage_key(fact)
        self.lineage[key] = fact
        if where is not None:
            self.where[key] = where
        if fact.relation is LineageRelation.NAMED and fact.actor_id in self.known:
            self.index.add_name(fact.actor_id, fact.target)

    def all_lineage(self) -> list[LineageFact]:
        """The store's lineage facts and this import's (an import's fact replaces the
        store's of the same key)."""
        return list({**self.stored_lineage, **self.lineage}.values())

    def add_alliance(
        self, alliance: Alliance, *, dedupe: bool, where: tuple[str, int] | None = None
    ) -> str | None:
        """Add a deal; ``dedupe`` merges it into an earlier report of the same deal in this
        import, or corrects the stored deal it reports again (:mod:`bioris.ingest.merge`).

        Returns the id the deal is stored under (``None`` after recording an error: the row
        fits several stored deals).
        """
        key = _deal_key(alliance)
        if dedupe:
            for position in self._deal_index.get(key, ()):
                earlier = self.alliances[position]
                if same_deal(earlier, alliance):
                    return self._merge_into(position, earlier, alliance)
            stored = self._stored_match(key, alliance, where)
            if stored is False:
                return None
            if stored is not None:
                corrected = correct_alliance(stored, alliance)
                self._stored_deals[key].remove(stored)
                self.alliances.append(corrected)
                self._ids.add(corrected.alliance_id)
                self._deal_index.setdefault(key, []).append(len(self.alliances) - 1)
                return corrected.alliance_id
        if alliance.alliance_id in self._ids:
            alliance = replace(alliance, alliance_id=_next_id(alliance.alliance_id, self._ids))
        self.alliances.append(alliance)
        self._ids.add(alliance.alliance_id)
        self._deal_index.setdefault(key, []).append(len(self.alliances) - 1)
        return alliance.alliance_id

    def _stored_match(
        self, key: DealKey, alliance: Alliance, where: tuple[str, int] | None
    ) -> Alliance | bool | None:
        """The stored deal ``alliance`` reports again; ``None`` for none, ``False`` after
        recording an error (several fit)."""
        fits = [s for s in self._stored_deals.get(key, ()) if same_stored_deal(s, alliance)]
        if len(fits) > 1:
            fits = [s for s in fits if same_deal(s, alliance)]
        if len(fits) <= 1:
            return fits[0] if fits else None
        file, line = where or ("<input>", 0)
        ids = ", ".join(s.alliance_id for s in fits)
        self.errors.append(
            RowError(file, line, 0, f"this {alliance.deal_type.value} of {alliance.year} fits "
                     f"several stored deals ({ids}); give its full date or asset", "date")
        )  # fmt: skip
        return False

    def _merge_into(self, position: int, earlier: Alliance, report: Alliance) -> str:
        merged, notes = merge_alliances(earlier, report)
        if merged == earlier:  # nothing new (a re-import), but say what it disagreed on
            self.merge_notes.extend(notes)
            return earlier.alliance_id
        self.alliances[position] = merged
        self._ids.add(merged.alliance_id)
        self.merge_notes.append(
            f"deal {earlier.alliance_id}: merged two reports of {report.deal_type.value} "
            f"{report.date} ({', '.join(report.actor_ids)})"
        )
        self.merge_notes.extend(notes)
        return merged.alliance_id

    @staticmethod
    def add_record(records: dict, record_id: str, record: PipelineEvent | FinancialRecord) -> None:
        """Add a pipeline event or financial record; the same record reported again keeps
        the first report and gains the later one's sources."""
        earlier = records.get(record_id)
        if earlier is not None:
            record = replace(earlier, provenance=earlier.provenance.merged(record.provenance))
        records[record_id] = record

    def check_lineage_targets(self, errors: list[RowError]) -> None:
        """Every lineage fact's actor, and every subsidiary_of / acquired_by target, must be
        a known actor; problems are located at the fact's file and line."""
        for key, fact in self.lineage.items():
            file, line = self.where.get(key, ("<decisions>", 0))
            checks = [("actor_id", 1, fact.actor_id)]
            if fact.relation in {LineageRelation.SUBSIDIARY_OF, LineageRelation.ACQUIRED_BY}:
                checks.append(("target", 3, fact.target))
            for field_name, column, actor_id in checks:
                if actor_id not in self.known:
                    hint = self.id_hint(actor_id)
                    message = f"no actor with id {actor_id!r}{hint}"
                    errors.append(RowError(file, line, column if line else 0, message, field_name))

    def id_hint(self, actor_id: str) -> str:
        """'; did you mean ...' with the closest known actor ids, or ''."""
        close = process.extract(actor_id, list(self.known), scorer=fuzz.WRatio, limit=3)
        ids = [repr(i) for i, score, _ in close if score >= 70]
        return f"; did you mean {', '.join(ids)}?" if ids else ""


def _row_provenance(cells: Cells) -> Provenance:
    column = "source_url" if "source_url" in cells.table.header else "source_urls"
    scratch: list[RowError] = []
    return provenance_of(Cells(cells.table, cells.row, scratch, cells.overrides), column)


def _next_id(wanted: str, taken: set[str]) -> str:
    number = 2
    while f"{wanted}-{number}" in taken:
        number += 1
    return f"{wanted}-{number}"
