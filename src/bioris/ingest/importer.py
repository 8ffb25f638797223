"""Import files into a store: read, validate everything, resolve names, write in one go.

The import is all or nothing: every problem in every file is collected and reported as
``FILE:LINE:COLUMN: message``, and the store is written only when there are none, inside a
single transaction (a failure while writing rolls everything back).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from bioris import settings
from bioris.domain import (
    ActorKind,
    Alliance,
    Confidence,
    Dataset,
    FxTable,
    LineageFact,
    LineageRelation,
    Party,
    Provenance,
    StudyDefinition,
    parse_enum,
    split_parent,
)
from bioris.domain.exits import parse_exit
from bioris.domain.money import unconverted
from bioris.errors import RowError, ValidationError
from bioris.ingest.batch import Batch
from bioris.ingest.canonical_rows import (
    AllianceHead,
    parse_actor,
    parse_alliance,
    parse_lineage,
    parse_party,
)
from bioris.ingest.cells import Cells
from bioris.ingest.decisions import Decisions, LineageDecision
from bioris.ingest.diff import dataset_diff
from bioris.ingest.firm_rows import parse_financial, parse_pipeline_event
from bioris.ingest.formats import Format, recognise
from bioris.ingest.fx_file import rates_of
from bioris.ingest.raw_actors import parse_raw_actor
from bioris.ingest.raw_alliances import parse_raw_alliance
from bioris.ingest.reader import Table
from bioris.ingest.report import ImportReport
from bioris.store import Store
from bioris.store.writer import Waiting

__all__ = ["ImportReport", "import_files", "read_inputs"]


Input = tuple[Table, Format]
# amounts without a euro value named in the import's note
_SHOWN_AMOUNTS = 5


def read_inputs(
    paths: list[str | Path], *, encoding: str | None = None, sheet: str | None = None
) -> tuple[list[Input], list[str]]:
    """Read and recognise every file and every sheet of a workbook (or only ``sheet``); all
    structural problems are raised together. Returns the tables and notes on the sheets left
    out on purpose (:func:`bioris.ingest.formats.recognise`)."""
    return recognise(paths, encoding=encoding, sheet=sheet)


def import_files(
    store: Store,
    paths: list[str | Path],
    *,
    encoding: str | None = None,
    dry_run: bool = False,
    create_missing: bool = False,
    decisions: Decisions | None = None,
    fx: FxTable | None = None,
    study: StudyDefinition | None = None,
    waiting: Waiting | None = None,
    sheet: str | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> ImportReport:
    """Import CSV/XLSX files (raw or canonical format, detected from each header).

    Parameters
    ----------
    store : Store
        An open, writable store; it is left exactly as it was when anything is wrong.
    paths : list of path
        Files to import together (actors before deals is not required: order is handled).
    encoding : str, optional
        Decode text files exactly with this encoding instead of UTF-8.
    dry_run : bool
        Validate and resolve everything, report, but write nothing.
    create_missing : bool
        Create an actor (kind ``other``, with the row's sources) for a party that matches no
        known actor, instead of reporting an error.
    decisions : Decisions, optional
        Reviewed decisions (extra actors, aliases, lineage, row corrections); the bundled
        dataset build uses them.
    fx : FxTable, optional
        Exchange rates for euro values (by default the bundled table with the store's own
        rates, from ``bioris fx import``, over it).
    study : StudyDefinition, optional
        Its declared regions give a country to raw actors placed by a region's name alone;
        the store's study by default.
    sheet : str, optional
        Read only this sheet of each workbook (by default every sheet, each recognised by
        its header).
    waiting : callable, optional
        Told once, in words, when the import waits for another process's write to the store
        (:mod:`bioris.store.writer`).
    progress : callable, optional
        Told each step as it starts, with the share of the work done before it (reading the
        files, checking and resolving the rows, writing, the checkpoint; the shares are
        :data:`STEP_SHARES`, measured on a large import).

    Returns
    -------
    ImportReport

    Raises
    ------
    ValidationError
        Every problem found, located as ``FILE:LINE:COLUMN``.
    LimitExceeded, EncodingError
        An input over a limit, or not decodable.
    """
    step = _stepper(progress)
    step("reading the files")
    inputs, skipped = read_inputs(paths, encoding=encoding, sheet=sheet)
    report = ImportReport(files=[(t.path, f.label, len(t.rows)) for t, f in inputs])
    report.notes.extend(skipped)
    report.dry_run = dry_run
    importer = partial(_validate, inputs, report, create_missing, decisions, fx, study)
    if dry_run:  # reads the store as it is now; writes nothing, waits for nobody
        step("checking and resolving the rows")
        importer(store)
        step("done")
        return report
    # Validation and merging read the store inside the write transaction: what they check
    # is what is written over, and no other writer can change it in between (a lost update).
    # The transaction is one change set of the store's history (`bioris undo` reverts it).
    with store.transaction(waiting=waiting, action="import") as tx:
        step("checking and resolving the rows")
        records = importer(tx)
        step("writing")
        tx.write(records)
        tx.set_change_detail(report.detail())
        report.change_id = tx.change_id
    step("checkpoint")
    report.notes.extend(store.checkpoint())
    step("done")
    return report


#: the share of an import's time each step starts at (bench_import, 20,000 actors and
#: 100,000 deals): for a progress bar's time left, not a promise
STEP_SHARES = {
    "reading the files": 0.0,
    "checking and resolving the rows": 0.05,
    "writing": 0.35,
    "checkpoint": 0.99,
    "done": 1.0,
}


def _stepper(progress: Callable[[str, float], None] | None) -> Callable[[str], None]:
    def step(name: str) -> None:
        if progress is not None:
            progress(name, STEP_SHARES[name])

    return step


def _validate(
    inputs: list[Input],
    report: ImportReport,
    create_missing: bool,
    decisions: Decisions | None,
    fx: FxTable | None,
    study: StudyDefinition | None,
    store: Store,
) -> Dataset:
    """Resolve and validate ``inputs`` against ``store`` as it is; the dataset to write."""
    has_raw_deals = any(f.label == "raw alliances" for _, f in inputs)
    errors: list[RowError] = []
    stored_actors = store.actors()
    batch = Batch.start(
        stored_actors,
        store.lineage(),
        create_missing=create_missing,
        alliances=store.alliances() if has_raw_deals else None,  # double reports merge
        errors=errors,
    )
    study = study or _stored_study(store)
    _Import(batch, errors, report, decisions or Decisions(), fx or rates_of(store), study).run(
        inputs
    )
    _raise_if(errors)
    dataset = Dataset(
        tuple(batch.actors.values()),
        tuple(batch.lineage.values()),
        tuple(batch.alliances),
        tuple(batch.pipeline.values()),
        tuple(batch.financials.values()),
    ).sorted()
    report.actors, report.lineage = len(dataset.actors), len(dataset.lineage)
    report.alliances, report.dataset = len(dataset.alliances), dataset
    report.created_actors, report.merges = batch.created, batch.merge_notes
    report.unconverted = unconverted(dataset.alliances, dataset.financials)
    if report.unconverted:
        shown = ", ".join(u.label for u in report.unconverted[:_SHOWN_AMOUNTS])
        more = len(report.unconverted) - _SHOWN_AMOUNTS
        undated = sum(u.year is None for u in report.unconverted)
        report.notes.append(
            f"{len(report.unconverted)} amount(s) have no exchange rate for their currency "
            f"and year, and so no euro value: {shown}{f' and {more} more' if more > 0 else ''}"
            "; add the rates with `bioris fx import rates.csv` (stored amounts get their euro "
            "value then)"
            + (f"; {undated} of them belong to undated deals: give their year" if undated else "")
        )
    report.diff = dataset_diff(
        store,
        dataset,
        {a.actor_id: a for a in stored_actors},
        batch.index.display_name,
        stored_lineage=batch.stored_lineage.values(),
    )
    return dataset


def _stored_study(store: Store) -> StudyDefinition | None:
    stored = store.study()
    return None if stored is None else StudyDefinition.from_dict(json.loads(stored[0]))


def _raise_if(errors: list[RowError]) -> None:
    if errors:
        raise ValidationError(errors, shown=int(settings.get("max_reported_errors")))


@dataclass
class _Import:
    """One import's passes over its inputs, in dependency order."""

    batch: Batch
    errors: list[RowError]
    report: ImportReport
    decisions: Decisions
    fx: FxTable
    study: StudyDefinition | None = None
    used: set[tuple[str, int]] = field(default_factory=set)
    # raw actors with an exit text: (actor id, text, provenance, file, line)
    exits: list[tuple[str, str, Provenance, str, int]] = field(default_factory=list)

    def run(self, inputs: list[Input]) -> None:
        by_record: dict[str, list[Table]] = defaultdict(list)
        for table, fmt in inputs:
            by_record[f"{fmt.family}:{fmt.record}"].append(table)
        self._actors(by_record)
        self._lineage(by_record["canonical:lineage"])
        self._exits()
        self._alliances(by_record)
        self._firm_records(by_record)
        self._check_decisions_used([t for t, _ in inputs])
        self.batch.check_lineage_targets(self.errors)

    def _rows(self, table: Table):
        for row in table.rows:
            decision = self.decisions.for_row(table.path, row.line)
            overrides: dict[str, str] = {}
            if decision is not None:
                self.used.add((Path(table.path).name, row.line))
                if decision.expect.casefold() not in " ".join(row.cells).casefold():
                    message = f"decision expects {decision.expect!r}, which the row lacks"
                    self.errors.append(RowError(table.path, row.line, 0, message))
                    continue
                if decision.exclude:
                    self.report.excluded.append(f"{table.path}:{row.line}: {decision.reason}")
                    continue
                overrides = dict(decision.set)
            yield Cells(table, row, self.errors, overrides)

    def _actors(self, by_record: dict[str, list[Table]]) -> None:
        for table in by_record["canonical:actors"]:
            for cells in self._rows(table):
                if actor := parse_actor(cells):
                    self.batch.add_actor(
                        actor, by_name=False, where=(table.path, cells.row.line, 0)
                    )
        unplaced: list[str] = []
        for table in by_record["raw:actors"]:
            for cells in self._rows(table):
                if actor := parse_raw_actor(cells, self.study):
                    where = (table.path, cells.row.line, table.column("kind") + 1)
                    stored = self.batch.add_actor(actor, by_name=True, where=where)
                    if actor.region and actor.country is None:
                        unplaced.append(f"{actor.name} ({actor.region})")
                    if actor.exit:
                        self.exits.append(
                            (stored.actor_id, actor.exit, actor.provenance, *where[:2])
                        )
        if unplaced:
            self.report.notes.append(
                f"{len(unplaced)} actor(s) have a region that gives no country: "
                f"{', '.join(unplaced[:5])}{' ...' if len(unplaced) > 5 else ''}; a study that "
                "declares the region (bioris study load) places them, else add a country column"
            )
        self._decided_actors()

    def _decided_actors(self) -> None:
        for entry in self.decisions.actors:
            facts: dict[str, object] = {
                "country": entry.country
                or (self.study.country_of(entry.region, None) if self.study else None),
                "region": entry.region,
                "aliases": entry.aliases,
                "provenance": Provenance(entry.source_urls, Confidence.UNSOURCED),
            }
            if self.batch.index.lookup(entry.name):
                self._decision_error(f"[[actor]] {entry.name!r} already exists")
                continue
            self.batch.new_actor(entry.name, parse_enum(ActorKind, entry.kind), **facts)
        for alias in self.decisions.aliases:
            ids = self.batch.index.lookup(alias.actor)
            if len(ids) != 1:
                self._decision_error(f"[[alias]] {alias.name!r}: no single actor {alias.actor!r}")
                continue
            self.batch.index.add_name(next(iter(ids)), alias.name)

    def _lineage(self, tables: list[Table]) -> None:
        for table in tables:
            for cells in self._rows(table):
                if fact := parse_lineage(cells):
                    self.batch.add_lineage(fact, (table.path, cells.row.line))
        for entry in self.decisions.lineage:
            fact = self._decided_fact(entry)
            if fact is not None:
                self.batch.add_lineage(fact)

    def _decided_fact(self, entry: LineageDecision) -> LineageFact | None:
        ids = self.batch.index.lookup(entry.actor)
        relation = parse_enum(LineageRelation, entry.relation)
        target = entry.target
        if relation in {LineageRelation.SUBSIDIARY_OF, LineageRelation.ACQUIRED_BY}:
            targets = self.batch.index.lookup(entry.target)
            target = next(iter(targets)) if len(targets) == 1 else ""
        if len(ids) != 1 or not target:
            self._decision_error(f"[[lineage]] {entry.actor!r} -> {entry.target!r}: unknown actor")
            return None
        provenance = Provenance(entry.source_urls, parse_enum(Confidence, entry.confidence))
        actor_id = next(iter(ids))
        if relation is LineageRelation.NAMED:
            self.batch.index.add_name(actor_id, target)
        return LineageFact(
            actor_id, relation, target, entry.start_year, entry.end_year, entry.reason, provenance
        )

    def _exits(self) -> None:
        """Exit texts of raw actors become dated lineage: an acquisition or merger by a known
        actor (``acquired_by``), or a closure (``closed``). An exit that a lineage fact dates
        already is left to it; an acquirer that is no known actor is reported, not linked
        (the exit year still counts: see :func:`bioris.analytics.genealogy.actor_lifespans`)."""
        for actor_id, text, provenance, file, line in self.exits:
            found = parse_exit(text)
            if found is None:
                continue
            dated = {
                (f.relation, f.start_year)
                for f in self.batch.all_lineage()
                if f.actor_id == actor_id
            }
            if any(r in {LineageRelation.ACQUIRED_BY, LineageRelation.CLOSED} and y == found.year
                   for r, y in dated):  # fmt: skip
                continue
            note = f"read from the exit text {text!r}"
            if found.kind == "closed":
                fact = LineageFact(actor_id, LineageRelation.CLOSED, found.how, found.year,
                                   None, note, provenance)  # fmt: skip
            else:
                ids = self.batch.index.lookup(found.counterparty or "")
                if ids == {actor_id}:
                    continue  # the firm under its later name: a rename, not an exit
                if len(ids) != 1:
                    self.report.notes.append(
                        f"{file}:{line}: exit {text!r} names no single known actor "
                        f"({found.counterparty!r}); the exit year {found.year} counts, the "
                        "acquirer is not linked"
                    )
                    continue
                fact = LineageFact(actor_id, LineageRelation.ACQUIRED_BY, next(iter(ids)),
                                   found.year, None, note, provenance)  # fmt: skip
            self.batch.add_lineage(fact, (file, line))

    def _alliances(self, by_record: dict[str, list[Table]]) -> None:
        for table in by_record["raw:alliances"]:
            for cells in self._rows(table):
                alliance = parse_raw_alliance(
                    cells, self.batch.resolve_party, self.fx, inferred=self.report.inferred
                )
                if alliance is not None:
                    where = (table.path, cells.row.line)
                    stored_as = self.batch.add_alliance(alliance, dedupe=True, where=where)
                    if stored_as is not None:
                        self.report.row_outcomes.append((*where, stored_as))
        self._canonical_alliances(by_record["canonical:alliances"], by_record["canonical:parties"])
        decided = [a for a in self.batch.created if a in self.batch.actors]
        self.batch.give_mentions_sources(decided)

    def _firm_records(self, by_record: dict[str, list[Table]]) -> None:
        """Pipeline events and financial records (their firms must be known actors)."""
        operator = self._operator_id
        for family in ("raw", "canonical"):
            canonical = family == "canonical"
            for table in by_record[f"{family}:pipeline"]:
                for cells in self._rows(table):
                    firm = self._firm_resolver(cells, "firm_id" if canonical else "firm")
                    event = parse_pipeline_event(cells, firm, operator, canonical=canonical)
                    if event is not None:
                        self.batch.add_record(self.batch.pipeline, event.event_id, event)
            for table in by_record[f"{family}:financials"]:
                for cells in self._rows(table):
                    firm = self._firm_resolver(cells, "firm_id" if canonical else "firm")
                    record = parse_financial(cells, firm, self.fx, canonical=canonical)
                    if record is not None:
                        self.batch.add_record(self.batch.financials, record.record_id, record)

    def _firm_resolver(self, cells: Cells, column: str):
        def resolve(name: str) -> str | None:
            match = self.batch.index.resolve(name)
            if match.actor_id is None:
                cells.error(column, match.problem or f"cannot resolve {name!r}")
            return match.actor_id

        return resolve

    def _operator_id(self, name: str) -> set[str]:
        match = self.batch.index.resolve(name)
        if match.actor_id is not None:
            return {match.actor_id}
        return self.batch.index.lookup(split_parent(name)[0])

    def _canonical_alliances(self, heads: list[Table], party_tables: list[Table]) -> None:
        parsed: dict[str, AllianceHead] = {}
        where: dict[str, tuple[str, int]] = {}
        for table in heads:
            for cells in self._rows(table):
                if head := parse_alliance(cells, self.fx):
                    alliance_id = str(head.fields["alliance_id"])
                    if alliance_id in parsed:
                        cells.error("alliance_id", f"alliance {alliance_id!r} appears twice")
                    parsed[alliance_id], where[alliance_id] = head, (table.path, head.line)
        parties, faulty = self._canonical_parties(party_tables, parsed)
        for alliance_id, head in parsed.items():
            found = parties.get(alliance_id, [])
            if alliance_id in faulty:
                continue  # its party rows are reported already
            if len(found) < 2:
                file, line = where[alliance_id]
                message = f"alliance {alliance_id!r} has {len(found)} part(y/ies); it needs two"
                self.errors.append(RowError(file, line, 1, message, "alliance_id"))
                continue
            self.batch.add_alliance(Alliance(parties=tuple(found), **head.fields), dedupe=False)

    def _canonical_parties(
        self, tables: list[Table], heads: dict[str, AllianceHead]
    ) -> tuple[dict[str, list[Party]], set[str]]:
        """Parties by alliance id, and the alliances with a faulty party row."""
        parties: dict[str, list[Party]] = defaultdict(list)
        faulty: set[str] = set()
        for table in tables:
            for cells in self._rows(table):
                before = len(self.errors)
                parsed = parse_party(cells)
                if parsed is None:
                    faulty.add(cells.text("alliance_id") or "")
                    continue
                alliance_id, party = parsed
                if alliance_id not in heads:
                    cells.error("alliance_id", f"no alliance {alliance_id!r} in this import")
                elif party.actor_id not in self.batch.known:
                    hint = self.batch.id_hint(party.actor_id)
                    cells.error("actor_id", f"no actor with id {party.actor_id!r}{hint}")
                elif any(p.actor_id == party.actor_id for p in parties[alliance_id]):
                    cells.error("actor_id", f"actor {party.actor_id!r} is twice in the deal")
                else:
                    parties[alliance_id].append(party)
                if len(self.errors) > before:
                    faulty.add(alliance_id)
        return parties, faulty

    def _check_decisions_used(self, tables: list[Table]) -> None:
        names = {Path(t.path).name for t in tables}
        for decision in self.decisions.rows:
            if decision.file in names and (decision.file, decision.line) not in self.used:
                self._decision_error(f"[[row]] {decision.file}:{decision.line} matches no data row")

    def _decision_error(self, message: str) -> None:
        self.errors.append(RowError("<decisions>", 0, 0, message))
