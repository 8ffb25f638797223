"""What an import did (or, with ``--dry-run``, would do): :class:`ImportReport`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from bioris.domain import Dataset
from bioris.domain.changes import Diff
from bioris.domain.money import Unconverted

__all__ = ["ImportReport"]


@dataclass
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    files: list[tuple[str, str, int]] = field(default_factory=list)  # path, format, rows
    actors: int = 0
    lineage: int = 0
    alliances: int = 0
    created_actors: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    # things the user should know that are not errors (unplaced regions, unlinked acquirers)
    notes: list[str] = field(default_factory=list)
    # acquisitions whose direction the import read from the notes or took by default
    inferred: list[str] = field(default_factory=list)
    # amounts this import stores without a euro value (no rate for their currency and year)
    unconverted: list[Unconverted] = field(default_factory=list)
    # (file, line, alliance id) for every raw deal row imported
    row_outcomes: list[tuple[str, int, str]] = field(default_factory=list)
    dry_run: bool = False
    dataset: Dataset = field(default_factory=Dataset)
    # what the import changes in the store, record by record (the same with --dry-run)
    diff: Diff = field(default_factory=Diff)
    # the store's history entry of this import (None for a dry run)
    change_id: int | None = None

    def detail(self) -> dict[str, object]:
        """What the store's history records of this import: its files (with their sha256)
        and the counts of records added, updated and created."""
        return {
            "files": [
                {"path": str(p), "format": f, "rows": n, "sha256": _sha256(p)}
                for p, f, n in self.files
            ],
            "counts": self.diff.counts(),
            "created_actors": len(self.created_actors),
            "merged_reports": sum(m.startswith("deal ") for m in self.merges),
        }


def _sha256(path: str) -> str:
    file = Path(path.split("[", 1)[0]) if not Path(path).exists() else Path(path)
    digest = hashlib.sha256()
    try:
        with file.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()
