"""The study's network inputs built straight from the store's rows equal those built from
its records (the records path stays for a study's focus on a part of the dataset)."""

from __future__ import annotations

from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from bioris.analytics import network_inputs
from bioris.data import big_pharma_names
from bioris.ingest.importer import import_files
from bioris.store import open_store
from bioris.study import Study
from bioris.workspace import init_store

DATA = Path(__file__).resolve().parent.parent / "data" / "cli"


def _assert_same_inputs(study: Study) -> None:
    fast = study.inputs_without_panel
    slow = network_inputs(study.dataset, big_pharma_names(), study.definition, panel=())
    for name in ("actors", "alliances", "parties", "parents", "exits"):
        assert_frame_equal(getattr(fast, name), getattr(slow, name))
    assert fast.big_pharma == slow.big_pharma and fast.deal_types == slow.deal_types


def test_bundled_store(tmp_path: Path) -> None:
    path, _ = init_store(tmp_path / "b.sqlite")
    with Study.open(path) as study:
        _assert_same_inputs(study)
        assert study.actor_records == study.dataset.actors
        assert study.lineage_records == study.dataset.lineage


@pytest.mark.parametrize("files", [("firms.csv", "deals.csv")])
def test_a_store_of_raw_files(tmp_path: Path, files: tuple[str, ...]) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, [DATA / f for f in files])
        _assert_same_inputs(Study(store))
