"""Benchmark of the data-entry commands a user types, with their defaults.

    python benchmarks/bench_import.py [--size M] [--seed 0] [--bioris PATH]

Writes the synthetic data of the given size (M: 20,000 actors, 100,000 alliances) as
canonical CSVs, then times, each in a fresh process as a user runs them:

1. ``bioris init --empty`` and ``bioris study load``;
2. ``bioris import`` of every file into the empty store (one change set of the history);
3. ``bioris import --dry-run`` of the same files again (nothing changes: the diff is empty);
4. ``bioris import`` of a correction file (1 % of the deals with a changed upfront);
5. ``bioris history``;
6. ``bioris undo`` of the correction, then ``bioris undo`` of the whole import.

It prints wall time and peak memory (the child's max RSS) per command, and the store's size
with and without its history. ``--bioris`` runs another installation's command (an older
checkout, for a before/after figure).
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate, write_canonical, write_study

_CORRECTED_SHARE = 0.01


def _run(bioris: str, *args: object) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and stdout of one command in a fresh process.

    The peak is the child's own: it is started by a small process (``/usr/bin/time`` when
    there is one, which reports it), never forked from this one, whose memory a fork would
    count."""
    timer = shutil.which("time") or "/usr/bin/time"
    start = time.perf_counter()
    done = subprocess.run([timer, "-f", "%M", bioris, *map(str, args)], capture_output=True,
                          text=True, check=False)  # fmt: skip
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bioris {' '.join(map(str, args))} failed:\n{done.stderr[-2000:]}")
    peak_kb = float(done.stderr.strip().splitlines()[-1])
    return wall, peak_kb / 1024, done.stdout


def _correction(folder: Path) -> Path:
    """The alliances file with 1 % of the upfronts changed: a correction re-import."""
    source = folder / "alliances.csv"
    out = folder / "correction" / "alliances.csv"
    out.parent.mkdir(exist_ok=True)
    with source.open(encoding="utf-8") as handle, out.open("w", encoding="utf-8") as target:
        reader = csv.DictReader(handle)
        writer = csv.DictWriter(target, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for number, row in enumerate(reader):
            if number % int(1 / _CORRECTED_SHARE) == 0:
                row["upfront_amount"], row["upfront_currency"] = "12.5", "EUR"
            writer.writerow(row)
    shutil.copy(folder / "parties.csv", out.parent / "parties.csv")
    return out


def _history_bytes(store: Path) -> tuple[int, int]:
    import sqlite3

    conn = sqlite3.connect(store)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND "
            "(name LIKE 'history_%' OR name IN ('change_rows', 'change_sets'))")]  # fmt: skip
        size = 0
        for table in tables:
            row = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name = ?", (table,))
            size += int(row.fetchone()[0] or 0)
        return store.stat().st_size, size
    except sqlite3.OperationalError:  # no dbstat in this SQLite build
        return store.stat().st_size, -1
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="M")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bioris", default=str(Path(sys.executable).with_name("bioris")))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        data = generate(args.size, seed=args.seed)
        files = write_canonical(data, folder / "data")
        study = write_study(folder / "data")
        store = folder / "bench.sqlite"
        env_store = ("--store", store)
        rows = []
        rows.append(("init --empty", *_run(args.bioris, "init", "--empty", *env_store)[:2]))
        rows.append(("study load", *_run(args.bioris, "study", "load", study, *env_store)[:2]))
        rows.append(("import", *_run(args.bioris, "import", *files, *env_store)[:2]))
        dry = _run(args.bioris, "import", "--dry-run", *files, *env_store)
        rows.append(("import --dry-run (again)", *dry[:2]))
        correction = _correction(folder / "data")
        has_history = (
            "history"
            in subprocess.run(
                [args.bioris, "--help"], capture_output=True, text=True, check=False
            ).stdout
        )
        rows.append(("import (1 % corrected)", *_run(args.bioris, "import", correction,
                                                      correction.with_name("parties.csv"),
                                                      *env_store)[:2]))  # fmt: skip
        size, history = _history_bytes(store)
        if has_history:
            rows.append(("history", *_run(args.bioris, "history", *env_store)[:2]))
            rows.append(("undo (the correction)", *_run(args.bioris, "undo", *env_store)[:2]))
            rows.append(("undo (the import)", *_run(args.bioris, "undo", *env_store)[:2]))
        print(f"bioris data entry, size {args.size} ({len(data.actors):,} actors, "
              f"{len(data.alliances):,} alliances), {os.cpu_count()} cores")  # fmt: skip
        for command, wall, peak in rows:
            print(f"  {command:<28} {wall:7.1f} s   peak RSS {peak:6.0f} MB")
        hist = f"{history / 1e6:.1f} MB of it history" if history >= 0 else "history size n/a"
        print(f"  store after the import and the correction: {size / 1e6:.1f} MB ({hist})")


if __name__ == "__main__":
    main()
