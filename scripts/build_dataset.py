"""Build the bundled Belgian RIS dataset from the raw facts, reproducibly.

    python scripts/build_dataset.py [--raw ../shared/data/raw] [--out src/bioris/data]

Runs bioris's own import (validation, entity resolution, deal merging) on the raw files with
the reviewed decisions in ``dataset/decisions.toml`` and the study file
``src/bioris/data/study.toml`` (whose regions give the raw region names their country), then
writes into ``--out``:

- the canonical CSVs (``actors.csv``, ``lineage.csv``, ``alliances.csv``, ``parties.csv``);
- ``raw_rows.csv``: every raw actor and alliance row and what became of it (the actor or deal
  it went into, or the reason it was left out);
- ``README.md``: the data card, ``dataset/card.md`` followed by generated coverage tables and
  the study's panel (every NBF left out of it, with the reason).

Running it twice gives byte-identical files (nothing depends on time or ordering of dicts).
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
from collections import Counter
from pathlib import Path

import polars as pl

from bioris.analytics.panel import panel_members
from bioris.analytics.specialisation import classify_subsectors, validate_taxonomy
from bioris.analytics.tables import actors_frame
from bioris.domain import Dataset, StudyDefinition, name_key
from bioris.export import export_dataset
from bioris.ingest.decisions import Decisions
from bioris.ingest.importer import ImportReport, import_files
from bioris.ingest.study_file import load_study_file
from bioris.store import open_store

ROOT = Path(__file__).resolve().parent.parent
# inputs beside the generated files: the study file and the subsector taxonomy
PACKAGE_DATA = ROOT / "src" / "bioris" / "data"
RAW_FILES = (
    "flanders_firms.csv",
    "wallonia_firms.csv",
    "flanders_alliances.csv",
    "wallonia_alliances.csv",
    "pipeline_events.csv",
    "financials.csv",
)


def build(raw_dir: Path, out_dir: Path, decisions_path: Path | None = None) -> ImportReport:
    """Import the raw files into a scratch store and write the package data into ``out_dir``."""
    decisions = Decisions.load(decisions_path or ROOT / "dataset" / "decisions.toml")
    study, _ = load_study_file(PACKAGE_DATA / "study.toml")
    paths = [raw_dir / name for name in RAW_FILES]
    with (
        tempfile.TemporaryDirectory() as scratch,
        open_store(Path(scratch) / "build.sqlite") as store,
    ):
        report = import_files(store, paths, decisions=decisions, study=study)
        dataset = store.dataset()
    export_dataset(dataset, out_dir, "csv")
    _write_accounting(raw_dir, out_dir / "raw_rows.csv", report, dataset)
    card = (ROOT / "dataset" / "card.md").read_text(encoding="utf-8")
    coverage = _coverage(dataset, report, study) + _panel(dataset, study)
    (out_dir / "README.md").write_text(card + coverage, encoding="utf-8")
    return report


def _write_accounting(raw_dir: Path, path: Path, report: ImportReport, data: Dataset) -> None:
    """One line per raw row: where it went, or why it was left out."""
    outcome = {(Path(f).name, line): ("deal", aid, "") for f, line, aid in report.row_outcomes}
    for entry in report.excluded:
        where, reason = entry.split(": ", 1)
        file, line = where.rsplit(":", 1)
        outcome[(Path(file).name, int(line))] = ("excluded", "", reason)
    by_key = {name_key(n): a.actor_id for a in data.actors for n in (*a.aliases, a.name)}
    rows = []
    for name in RAW_FILES:
        with (raw_dir / name).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            _ = reader.fieldnames  # reads the header, so line_num counts from it
            line = reader.line_num
            for record in reader:
                key = (name, line + 1)
                if "nbf" in record:
                    kind, target, reason = outcome.get(key, ("missing", "", "not imported"))
                elif "name" not in record:
                    continue  # pipeline and financial rows: every one is imported or fails
                else:
                    kind, target, reason = "actor", by_key.get(name_key(record["name"]), ""), ""
                rows.append([name, line + 1, kind, target, reason])
                line = reader.line_num
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["file", "line", "outcome", "record_id", "reason"])
        writer.writerows(rows)


def _panel(data: Dataset, study: StudyDefinition) -> str:
    """The study's panel, and every NBF of its regions left out of it, with the reason."""
    taxonomy = validate_taxonomy(
        pl.read_csv(PACKAGE_DATA / "subsector_taxonomy.csv", infer_schema=False)
    )
    classified = classify_subsectors(actors_frame(data.actors, study), taxonomy)
    members = set(panel_members(data.actors, study, classified))
    cats: dict[str, list[str]] = {}
    for actor_id, category in classified.select("actor_id", "category").iter_rows():
        cats.setdefault(actor_id, []).append(category)
    excluded_names = {name_key(n) for n in study.panel.exclude}
    lines = ["\n### The study's panel (study.toml)\n"]
    nbfs = [a for a in data.actors if a.kind.value in study.panel.kinds]
    inside = sorted((a for a in nbfs if a.actor_id in members), key=lambda a: a.name.casefold())
    lines.append(
        f"{len(inside)} of the {len(nbfs)} NBFs are the panel: "
        + ", ".join(f"{a.name} ({study.place(a.region) or a.country})" for a in inside)
        + ".\n"
    )
    lines.append("Left out of the panel:\n\n| firm | subsector | why |\n| --- | --- | --- |")
    for actor in sorted(nbfs, key=lambda a: a.name.casefold()):
        if actor.actor_id in members:
            continue  # (firms in `include` are members whatever their category)
        hit = sorted(set(cats.get(actor.actor_id, [])) & set(study.panel.exclude_categories))
        if name_key(actor.name) in excluded_names:
            why = "listed in `exclude` (a service or reagent company)"
        elif hit:
            why = f"subsector category {', '.join(hit)}"
        else:
            why = "outside the study's regions"
        text = "; ".join(actor.subsectors) or "-"
        lines.append(f"| {actor.name} | {text} | {why} |")
    return "\n".join(lines) + "\n"


def _coverage(data: Dataset, report: ImportReport, study: StudyDefinition) -> str:
    names = {a.actor_id: a for a in data.actors}
    per_firm: Counter[str] = Counter()
    per_year: Counter[str] = Counter()
    for alliance in data.alliances:
        per_year[str(alliance.year) if alliance.year else "undated"] += 1
        for party in alliance.parties:
            if party.focal:
                per_firm[party.actor_id] += 1
    kinds = Counter(a.kind.value for a in data.actors)
    lines = ["\n## Coverage (generated by scripts/build_dataset.py)\n"]
    lines.append(
        f"{len(data.actors)} actors, {len(data.alliances)} deals, {len(data.lineage)} "
        f"lineage facts, {len(data.pipeline)} pipeline events of "
        f"{len({(e.firm_id, e.asset) for e in data.pipeline})} assets, "
        f"{len(data.financials)} financial records; {len(report.excluded)} raw deal rows left out, "
        f"{sum(1 for m in report.merges if m.startswith('deal '))} deals reported twice "
        "and merged.\n"
    )
    lines.append("### Actors by kind\n\n| kind | actors |\n| --- | ---: |")
    lines += [f"| {k} | {n} |" for k, n in sorted(kinds.items())]
    lines.append("\n### Deals per focal firm\n\n| firm | region | deals |\n| --- | --- | ---: |")
    for actor_id, count in sorted(per_firm.items(), key=lambda kv: (-kv[1], kv[0])):
        actor = names[actor_id]
        region = study.place(actor.region) or actor.country or ""
        lines.append(f"| {actor.name} | {region} | {count} |")
    lines.append("\n### Deals per year\n\n| year | deals |\n| --- | ---: |")
    lines += [f"| {y} | {n} |" for y, n in sorted(per_year.items())]
    lines.append("\n### Raw rows left out\n\n| row | reason |\n| --- | --- |")
    lines += [
        f"| {e.split(': ', 1)[0].split('/')[-1]} | {e.split(': ', 1)[1]} |" for e in report.excluded
    ] or ["| - | none |"]
    lines.append("\n### Merge log\n")
    lines += [f"- {m}" for m in report.merges] or ["- none"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "data" / "raw")
    parser.add_argument("--out", type=Path, default=ROOT / "src" / "bioris" / "data")
    args = parser.parse_args(argv)
    report = build(args.raw, args.out)
    data = report.dataset
    print(
        f"{report.actors} actors, {report.alliances} deals, {report.lineage} lineage facts, "
        f"{len(data.pipeline)} pipeline events, {len(data.financials)} financial records"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
