"""The bundled dataset is reproducible from the raw facts and accounts for every raw row."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT.parent / "shared" / "data" / "raw"
PACKAGE_DATA = ROOT / "src" / "bioris" / "data"
OUTPUTS = ("actors.csv", "lineage.csv", "alliances.csv", "parties.csv", "raw_rows.csv",
           "README.md")  # fmt: skip

needs_raw = pytest.mark.skipif(not RAW.is_dir(), reason="../shared/data/raw is not beside the repo")


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_dataset", ROOT / "scripts" / "build_dataset.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_raw
def test_build_reproduces_the_committed_dataset(tmp_path: Path):
    _build_module().build(RAW, tmp_path)
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (PACKAGE_DATA / name).read_bytes(), name


def test_every_raw_alliance_row_is_accounted_for():
    with (PACKAGE_DATA / "raw_rows.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    deals = [r for r in rows if r["file"].endswith("alliances.csv")]
    assert len(deals) == 127 + 74
    for row in deals:
        assert row["outcome"] in {"deal", "excluded"}, row
        assert row["record_id"] if row["outcome"] == "deal" else row["reason"], row
    actors = [r for r in rows if r["file"].endswith("firms.csv")]
    assert len(actors) == 93 + 112 and all(r["record_id"] for r in actors)


def test_card_lists_every_excluded_row():
    card = (PACKAGE_DATA / "README.md").read_text(encoding="utf-8")
    with (PACKAGE_DATA / "raw_rows.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["outcome"] == "excluded":
                assert f"{row['file']}:{row['line']}" in card
