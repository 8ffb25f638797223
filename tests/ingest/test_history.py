"""Every import and edit is a recorded change set; undo leaves the store exactly as before.

"Exactly" is checked table by table: every row of every recorded table (actors, lineage,
deals, parties, pipeline, financials, study, exchange rates), with its rowid.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bioris.errors import NotFound, StoreError
from bioris.ingest.edits import delete_actor, delete_alliance, edit_actor, merge_into
from bioris.ingest.importer import import_files
from bioris.store import Store, open_store
from bioris.store.migrations import TRACKED

ACTORS = "name,kind,country\n"
DEALS = "year,date,nbf,partner,deal_type,upfront_meur,notes\n"


def snapshot(store: Store) -> dict[str, list[tuple]]:
    """Every row of every recorded table, with its rowid."""
    conn = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT rowid, * FROM {t} ORDER BY rowid").fetchall()
                for t in TRACKED}  # fmt: skip
    finally:
        conn.close()


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "s.sqlite") as opened:
        yield opened


def base(store: Store, folder: Path) -> None:
    actors = write(folder, "a.csv", ACTORS + "Genmab A/S,nbf,DK\nAbbVie,pharma,US\n"
                   "Novo Nordisk,pharma,DK\nBioInvent AB,nbf,SE\n")  # fmt: skip
    deals = write(folder, "d.csv", DEALS + "2023,2023-06-01,Genmab,AbbVie,licensing_out,700,\n")
    import_files(store, [actors, deals])


def test_an_import_is_recorded_with_its_files_sha256_and_counts(store: Store, tmp_path: Path):
    base(store, tmp_path)
    (change,) = store.history()
    assert change.action == "import" and change.undone_by is None
    files = change.detail["files"]
    assert [Path(f["path"]).name for f in files] == ["a.csv", "d.csv"]
    assert all(len(f["sha256"]) == 64 for f in files)
    assert change.detail["counts"] == {"add actor": 4, "add deal": 1}


def test_undo_of_an_import_restores_the_store_table_by_table(store: Store, tmp_path: Path):
    base(store, tmp_path)
    before = snapshot(store)
    fix = write(tmp_path, "fix.csv", DEALS + "2023,2023-06-15,Genmab,AbbVie,licensing_out,800,x\n"
                "2024,2024-01-02,BioInvent,Novo Nordisk,licensing_out,5,\n")  # fmt: skip
    report = import_files(store, [fix])
    assert snapshot(store) != before
    target, new_id = store.undo()
    assert target.change_id == report.change_id and new_id == report.change_id + 1
    assert snapshot(store) == before
    store.undo(new_id)  # undoing the undo redoes the import
    assert len(store.alliances()) == 2
    store.undo()  # the latest standing change that is no undo: the redone import
    assert snapshot(store) == before


def test_undo_refuses_when_a_later_change_touched_the_same_records(store: Store, tmp_path: Path):
    base(store, tmp_path)
    edit_actor(store, "genmab-a-s", {"city": "Copenhagen"})
    with pytest.raises(StoreError, match=r"cannot undo change 1 \(import\).*2 \(actors edit\)"):
        store.undo(1)
    store.undo()
    store.undo()
    assert store.is_empty()


def test_undo_refuses_when_a_later_change_uses_what_it_added(store: Store, tmp_path: Path):
    base(store, tmp_path)
    new = write(tmp_path, "n.csv", ACTORS + "Orphazyme A/S,nbf,DK\n")
    import_files(store, [new])
    deal = write(tmp_path, "x.csv", DEALS + "2020,2020-01-01,Orphazyme,AbbVie,licensing_out,1,\n")
    import_files(store, [deal])
    with pytest.raises(StoreError, match="later change"):
        store.undo(2)  # the deal of change 3 names the actor change 2 added
    assert len(store.actors()) == 5  # nothing was undone


def test_nothing_to_undo_and_unknown_change(store: Store):
    with pytest.raises(NotFound, match="nothing to undo"):
        store.undo()
    with pytest.raises(NotFound, match="no change 7"):
        store.undo(7)


def test_edits_are_recorded_and_undone(store: Store, tmp_path: Path):
    base(store, tmp_path)
    before = snapshot(store)
    diff, _change = edit_actor(store, "Genmab", {"city": "Copenhagen", "founded": "1999"})
    assert [str(f) for f in diff.changes[0].fields] == [
        "city: (empty) -> Copenhagen", "founded: (empty) -> 1999",
    ]  # fmt: skip
    merge_into(store, "novo-nordisk", "bioinvent-ab")
    (deal,) = store.alliances()
    delete_alliance(store, deal.alliance_id)
    delete_actor(store, "abbvie")
    for _ in range(4):
        store.undo()
    assert snapshot(store) == before
    assert [c.action for c in store.history()][:5] == [
        "import", "actors edit", "actors merge", "alliances delete", "actors delete",
    ]  # fmt: skip


def test_an_edit_that_changes_nothing_is_not_recorded(store: Store, tmp_path: Path):
    base(store, tmp_path)
    diff, change = edit_actor(store, "abbvie", {"kind": "pharma"})
    assert not diff and change is None and len(store.history()) == 1


# -- hypothesis: any sequence of imports, undone newest first, gives back every state ----------

NAMES = ["Genmab", "AbbVie", "Novo Nordisk", "BioInvent", "Lundbeck", "Ascendis"]
row = st.tuples(
    st.integers(2015, 2024),
    st.sampled_from(NAMES[:3]),
    st.sampled_from(NAMES[3:]),
    st.sampled_from(["licensing_out", "research_collaboration", "equity_investment"]),
    st.one_of(st.none(), st.integers(1, 900)),
    st.sampled_from(["", "first", "corrected"]),
)
batch = st.lists(row, min_size=1, max_size=4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=st.lists(batch, min_size=1, max_size=4), edit_city=st.sampled_from(["", "Lund"]))
def test_any_sequence_of_imports_undone_gives_back_every_state(batches, edit_city):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with open_store(folder / "s.sqlite") as store:
            states = [snapshot(store)]
            actors = ACTORS + "".join(f"{n},{'nbf' if i % 2 else 'pharma'},DK\n"
                                      for i, n in enumerate(NAMES))  # fmt: skip
            import_files(store, [write(folder, "actors.csv", actors)])
            states.append(snapshot(store))
            for number, rows in enumerate(batches):
                text = DEALS + "".join(
                    f"{y},{y},{a},{b},{t},{'' if m is None else m},{n}\n"
                    for y, a, b, t, m, n in rows
                )
                import_files(store, [write(folder, f"d{number}.csv", text)])
                states.append(snapshot(store))
                if edit_city and number == 0:
                    edit_actor(store, "lundbeck", {"city": edit_city})
                    states.append(snapshot(store))
            states.pop()
            while states:
                store.undo()
                assert snapshot(store) == states.pop()
