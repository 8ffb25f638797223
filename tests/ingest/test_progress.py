"""The progress an import and an export report: every step in order, shares rising to 1."""

from __future__ import annotations

from pathlib import Path

from bioris.ingest.importer import STEP_SHARES, import_files
from bioris.store import open_store
from bioris.study import Study

DATA = Path(__file__).resolve().parent.parent / "data" / "cli"


def test_import_and_export_report_their_steps(tmp_path: Path) -> None:
    steps: list[tuple[str, float]] = []
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, [DATA / "firms.csv", DATA / "deals.csv"],
                     progress=lambda step, share: steps.append((step, share)))  # fmt: skip
        assert [s for s, _ in steps] == list(STEP_SHARES)
        assert [share for _, share in steps] == sorted(share for _, share in steps)
        steps.clear()
        import_files(store, [DATA / "firms.csv"], dry_run=True,
                     progress=lambda step, share: steps.append((step, share)))  # fmt: skip
        assert [s for s, _ in steps] == ["reading the files", "checking and resolving the rows",
                                         "done"]  # fmt: skip
        exported: list[tuple[str, float]] = []

        def note(step: str, share: float) -> None:
            exported.append((step, share))

        Study(store).export(tmp_path / "out", "csv", progress=note)
        assert [s for s, _ in exported] == ["reading the store", "writing csv", "done"]
        assert exported[-1][1] == 1.0
