"""A row's provenance: the confidence cell wins; without one, a source URL means ``medium``
and no URL ``unsourced``."""

from __future__ import annotations

import pytest

from bioris.domain import Confidence
from bioris.errors import RowError
from bioris.ingest.cells import Cells
from bioris.ingest.raw_actors import provenance_of
from bioris.ingest.reader import Row, Table


def provenance(values: dict[str, str], url_column: str = "source_url"):
    errors: list[RowError] = []
    table = Table("deals.csv", tuple(values), (Row(3, tuple(values.values())),))
    return provenance_of(Cells(table, table.rows[0], errors), url_column), errors


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"source_url": "https://e.org/a"}, Confidence.MEDIUM),  # no confidence column
        ({"source_url": "https://e.org/a", "confidence": ""}, Confidence.MEDIUM),
        ({"source_url": "https://e.org/a; https://e.org/b", "confidence": " "},
         Confidence.MEDIUM),
        ({"source_url": "https://e.org/a", "confidence": "high"}, Confidence.HIGH),
        ({"source_url": "https://e.org/a", "confidence": "unsourced"}, Confidence.UNSOURCED),
        ({"source_url": ""}, Confidence.UNSOURCED),
        ({"name": "x"}, Confidence.UNSOURCED),  # neither column
        ({"source_url": "", "confidence": "medium"}, Confidence.MEDIUM),
    ],
)  # fmt: skip
def test_confidence_follows_the_cell_else_the_url(values, expected):
    found, errors = provenance(values)
    assert errors == [] and found.confidence is expected


def test_canonical_urls_count_too():
    found, _ = provenance({"source_urls": "https://e.org/a"}, "source_urls")
    assert found.confidence is Confidence.MEDIUM and found.source_urls == ("https://e.org/a",)


def test_a_bad_confidence_is_a_located_error():
    found, errors = provenance({"source_url": "https://e.org/a", "confidence": "sure"})
    assert [(e.line, e.column, e.field) for e in errors] == [(3, 2, "confidence")]
    assert found.confidence is Confidence.UNSOURCED
