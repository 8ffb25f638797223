"""bioris studies any region: only the bundled dataset (``src/bioris/data``) may name Belgium.

Issue #10 asks for exactly this test: the code, templates, scripts and styles under ``src/``
must not name Flanders, Wallonia, Brussels or Belgium (nor say "Belgian"); a region, its
name, colour and country come from the study definition. Generated packaging metadata
(``*.egg-info``, a copy of the README) and byte-code caches are not source and are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
DATA = SRC / "bioris" / "data"
WORDS = re.compile(r"flanders|wallonia|brussels|belgi(?:um|an)", re.I)
SKIPPED_DIRS = {"__pycache__"}


def source_files() -> list[Path]:
    files = []
    for path in sorted(SRC.rglob("*")):
        parts = set(path.relative_to(SRC).parts)
        if not path.is_file() or path.is_relative_to(DATA) or parts & SKIPPED_DIRS:
            continue
        if any(p.endswith(".egg-info") for p in parts):
            continue
        files.append(path)
    return files


def test_the_source_files_are_found():
    files = source_files()
    assert SRC / "bioris" / "cli.py" in files
    assert not any(f.is_relative_to(DATA) for f in files)


def test_nothing_outside_the_bundled_data_names_belgium():
    found = []
    for path in source_files():
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in WORDS.finditer(line):
                found.append(f"{path.relative_to(SRC.parent)}:{number}: {match.group(0)!r} in "
                             f"{line.strip()[:100]!r}")  # fmt: skip
    assert not found, f"{len(found)} mention(s) of Belgium outside src/bioris/data:\n" + "\n".join(
        found
    )
