"""The report's coverage notes list every amount without a euro value (no rate for its
currency and year, or no year) and how many each year leaves out: never a silent zero."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bioris.domain import Money, Terms
from bioris.reporting import build_context
from bioris.reporting.model import Section, Table, Text
from bioris.reporting.sections import method
from tests.reporting.helpers import MEDICON_STUDY, medicon_dataset, study_of

TERMS = {
    "m7": Terms(upfront=Money(40.0, "INR", None), milestones=Money(90.0, "INR", None)),
    "m9": Terms(upfront=Money(74.5, "DKK", 10.0)),
    "m11": Terms(equity=Money(3.0, "XAF", None)),
}


@pytest.fixture(scope="module")
def section(tmp_path_factory: pytest.TempPathFactory) -> Section:
    data = medicon_dataset()
    deals = tuple(dataclasses.replace(a, terms=TERMS.get(a.alliance_id, a.terms))
                  for a in data.alliances)  # fmt: skip
    folder: Path = tmp_path_factory.mktemp("unconverted")
    study = study_of(folder / "u.sqlite", dataclasses.replace(data, alliances=deals))
    study.load_definition(MEDICON_STUDY)
    return method.build(build_context(study))


def test_the_note_lists_the_amounts_and_counts_per_year(section: Section):
    [note] = [b.text for b in section.blocks if isinstance(b, Text) and "no euro value" in b.text]
    assert note.startswith("3 amounts have no euro value")
    assert "2013 INR 40.0M upfront (m7)" in note and "2017 XAF 3.0M equity (m11)" in note
    assert "leaves them out, so the euro totals of their years are short" in note
    assert "per year: 2013: 2, 2017: 1." in note


def test_the_table_lists_every_amount(section: Section):
    table = next(b for b in section.blocks if isinstance(b, Table)
                 and b.name == "unconverted_amounts")  # fmt: skip
    assert table.data.rows() == [
        (2013, "m7", "upfront", 40.0, "INR"),
        (2013, "m7", "milestones", 90.0, "INR"),
        (2017, "m11", "equity", 3.0, "XAF"),
    ]


def test_no_note_when_every_amount_has_a_euro_value(tmp_path: Path):
    study = study_of(tmp_path / "m.sqlite", medicon_dataset())
    study.load_definition(MEDICON_STUDY)
    built = method.build(build_context(study))
    assert not [b for b in built.blocks if getattr(b, "name", "") == "unconverted_amounts"]
    assert not [b for b in built.blocks if isinstance(b, Text) and "no euro value" in b.text]
