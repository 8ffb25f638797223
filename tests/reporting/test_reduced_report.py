"""A report on a study larger than ``report_detail_max_actors`` is reduced, and says so.

The store is small (the benchmark generator's, 300 actors): the settings are lowered through
the environment (``BIORIS_REPORT_DETAIL_MAX_ACTORS``, ``BIORIS_REPORT_TABLE_MAX_ROWS``) so that
it counts as large.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from benchmarks.synthetic import generate, write_canonical, write_study

from bioris.ingest.importer import import_files
from bioris.reporting.detail import reduce_tables, reduced_table, table_note
from bioris.reporting.model import Detail, Table, Text
from bioris.store import open_store
from bioris.study import Study

ROWS = 20  # report_table_max_rows in these tests
_TABLE = re.compile(r'<table class="sortable" id="tbl-([^"]+)">(.*?)</table>', re.S)
_NOTE = re.compile(r'<p class="reduced">(.*?)</p>', re.S)


@dataclass(frozen=True)
class Report:
    html: str
    data: Path
    deals: int


@pytest.fixture(scope="module")
def reduced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Report]:
    folder = tmp_path_factory.mktemp("reduced")
    with open_store(folder / "s.sqlite") as store:
        import_files(store, write_canonical(generate((300, 1200), seed=5), folder))
    with Study.open(folder / "s.sqlite", read_only=False) as study:
        study.load_definition(write_study(folder / "study"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BIORIS_REPORT_DETAIL_MAX_ACTORS", "100")
        patch.setenv("BIORIS_REPORT_TABLE_MAX_ROWS", str(ROWS))
        with Study.open(folder / "s.sqlite") as study:
            out = study.report(folder / "r.html", data_dir=folder / "data")
            deals = study.alliance_table.height
    yield Report(out.read_text(encoding="utf-8"), folder / "data", deals)


def _tables(text: str) -> dict[str, str]:
    return {name: body for name, body in _TABLE.findall(text)}


def _body_rows(table: str) -> int:
    return table.split("<tbody>", 1)[1].count("<tr>")


def _notes(text: str) -> list[str]:
    return [" ".join(html.unescape(n).split()) for n in _NOTE.findall(text)]


def _csv_rows(path: Path) -> int:
    if not path.read_text(encoding="utf-8").strip():  # a table without columns
        return 0
    return pl.read_csv(path, infer_schema_length=0).height


def _note_of(text: str, name: str) -> str:
    found = [n for n in _notes(text) if f" {name}.csv " in n]
    assert len(found) == 1, name
    return found[0]


# -- what the reduced report shows and says ----------------------------------------------------


def test_no_table_of_the_reduced_report_shows_more_than_the_setting(reduced: Report):
    tables = _tables(reduced.html)
    assert len(tables) > 20
    assert max(_body_rows(body) for body in tables.values()) <= ROWS


def test_every_cut_table_says_so_and_its_csv_holds_every_row(reduced: Report):
    cut = 0
    for name, body in _tables(reduced.html).items():
        rows = _csv_rows(reduced.data / f"{name}.csv")
        if rows <= ROWS:
            assert _body_rows(body) == rows, name
            continue
        cut += 1
        assert _body_rows(body) == ROWS, name
        assert f"({ROWS} of {rows} rows)</caption>" in body, name
        note = _note_of(reduced.html, name)
        assert note.startswith(f"Showing {ROWS} of {rows:,} ")
        assert note.endswith("the folder that `bioris report --data` writes.")
    assert cut >= 8  # the deal list, panel tables, transitions, infrastructure, evidence, ...


def test_the_deal_list_shows_the_most_recent_deals(reduced: Report):
    note = _note_of(reduced.html, "deal_list")
    assert note.startswith(f"Showing {ROWS} of {reduced.deals:,} deals, those signed most recently")
    full = pl.read_csv(reduced.data / "deal_list.csv", infer_schema_length=0)
    assert full.height == reduced.deals
    shown = _tables(reduced.html)["deal_list"]
    newest = full.head(ROWS)["date"].to_list()  # the list is newest first
    assert [d for d in newest if d] == re.findall(r"<td>(\d{4}-\d\d-\d\d)</td>", shown)[:ROWS]


def test_a_table_cut_by_a_measure_shows_its_top_rows(reduced: Report):
    name = "evolution_structural_holes_firms"
    assert "those with the largest effective size" in _note_of(reduced.html, name)
    full = pl.read_csv(reduced.data / f"{name}.csv")
    top = full.sort("effective_size", descending=True, nulls_last=True).head(ROWS)
    values = re.findall(r'data-v="([^"]*)"', _tables(reduced.html)[name])
    shown = {float(v) for v in values if v}
    assert {round(v, 6) for v in top["effective_size"]} <= {round(v, 6) for v in shown}


def test_the_estimated_network_measures_say_so(reduced: Report):
    notes = _notes(reduced.html)
    estimated = [n for n in notes if n.startswith("Estimated, not exact")]
    assert len(estimated) == 1
    assert "more than report_detail_max_actors=100" in estimated[0]
    assert "200 sampled actors (report_path_sources" in estimated[0]
    assert "compares each year with 3 random graphs of the same size" in reduced.html


def test_the_business_timelines_count_firms_and_say_where_each_firm_is(reduced: Report):
    note = next(n for n in _notes(reduced.html) if "one row per firm cannot be read" in n)
    assert "bm_value_chain_timeline.csv" in note
    labels = pl.read_csv(reduced.data / "bm_value_chain_timeline.csv")
    assert {"name", "year", "value_chain"} <= set(labels.columns)
    assert "firms per label" in reduced.html


def test_the_parameters_name_the_level_of_detail(reduced: Report):
    parameters = _tables(reduced.html)["parameters"]
    assert "level of detail" in parameters
    assert "report_detail_max_actors=100" in html.unescape(parameters)


# -- the building blocks -----------------------------------------------------------------------


def _table(rows: int) -> Table:
    frame = pl.DataFrame({"actor": [f"a{i:02d}" for i in range(rows)], "deals": list(range(rows))})
    return Table("t", "A table", frame)


@pytest.mark.parametrize(("actors", "reduced"), [(10, False), (11, True)])
def test_a_report_is_reduced_above_the_setting(actors: int, reduced: bool):
    assert Detail(actors=actors, max_actors=10).reduced is reduced


def test_reduced_table_keeps_the_top_rows_and_every_row_for_the_csv():
    detail = Detail(actors=50, max_actors=10, table_rows=3)
    table = reduced_table(_table(8), detail, by="deals", what="actors", order="those with most")
    assert table.data["deals"].to_list() == [7, 6, 5]
    assert table.rows.height == 8 and table.full is not None
    assert table.note == table_note("t", 3, 8, "actors", "those with most")
    assert table.note.startswith("Showing 3 of 8 actors, those with most; the full table is t.csv")


def test_a_short_table_or_a_full_report_is_left_alone():
    short = _table(3)
    assert reduced_table(short, Detail(actors=50, max_actors=10, table_rows=3)) is short
    long = _table(8)
    assert reduced_table(long, Detail(actors=5, max_actors=10, table_rows=3)) is long


def test_reduce_tables_cuts_only_what_a_section_left_whole():
    detail = Detail(actors=50, max_actors=10, table_rows=3)
    own = reduced_table(_table(8), detail, by="deals", order="those with most")
    text = Text("words")
    blocks = reduce_tables([text, own, _table(8)], detail)
    assert blocks[0] is text and blocks[1] is own
    assert blocks[2].data["deals"].to_list() == [0, 1, 2]
    assert "the first in the table's order" in blocks[2].note
