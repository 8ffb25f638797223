"""Exports for modellers (RSiena and statnet: ``siena``; UCINET: ``ucinet``) read back.

The DL files are read by a small parser of the UCINET DL grammar the writer follows
(``dl n= nm=``, ``format = fullmatrix | edgelist1``, ``labels:``, ``matrix labels:``,
``data:``, quoted labels, edge-list matrices separated by ``!``; UCINET 6 User's Guide,
sections 3.3-3.12, and statnet's ``sna::write.dl``); networkx and igraph read no
multi-matrix DL. The RSiena files are read with numpy and checked against the yearly tie
tables of the study; RSiena itself loads them when R is installed.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from bioris.errors import BiorisError
from bioris.export import modelling
from bioris.export.modelling import (
    ACTOR_FILE_COLUMNS,
    MODELLING_FORMATS,
    export_modelling,
    write_siena,
    write_ucinet,
    yearly_networks,
)
from bioris.study import Study
from bioris.workspace import init_store
from tests.cli.test_commands import DATA as CLI_DATA
from tests.cli.test_commands import STUDY as CLI_STUDY
from tests.study.helpers import MEDICON, ok

START, END = 2001, 2004
YEARS = list(range(START, END + 1))

# actor_id, name, kind, country, location, in_panel, entry_year, exit_year
ACTORS = pl.DataFrame(
    [
        ("a", "Alpha Bio, NV", "nbf", "BE", "Flanders", True, 1999, None),
        ("b", "Université de Liège", "university", "BE", "Wallonia", False, 1817, None),
        ("c", 'Pharma "Big" Inc', "pharma", "US", "US", False, None, None),  # entry: first tie
        ("d", "Exits Bio", "nbf", "BE", "Brussels", True, 1995, 2002),  # deal after its exit
        ("e", "Genfit", "biotech", "FR", "FR", False, 2003, None),
        ("idle", "Idle", "nbf", "BE", "Flanders", True, 2002, None),  # panel, never tied
        ("later", "Later", "nbf", "BE", "Flanders", True, 2010, None),  # panel, after the period
        ("undated", "Undated", "nbf", "BE", "Flanders", True, None, None),  # panel, no year
        ("lonely", "Lonely", "financier", "BE", "unknown", False, 1990, None),  # no tie, no panel
        ("twin1", "Twin", "other", "DE", "DE", False, 2000, None),
        ("twin2", "Twin", "other", "DE", "DE", False, 2000, None),
    ],
    schema={"actor_id": pl.String, "name": pl.String, "kind": pl.String, "country": pl.String,
            "location": pl.String, "in_panel": pl.Boolean, "entry_year": pl.Int32,
            "exit_year": pl.Int32},
    orient="row",
)  # fmt: skip
REGIONS = ("Flanders", "Wallonia", "Brussels")

# year, source, target, alliances (c-a twice in 2002: the two rows add up)
ROWS = [
    (2001, "a", "b", 1), (2002, "a", "b", 2), (2004, "a", "b", 1),  # pauses in 2003
    (2002, "c", "a", 1), (2002, "a", "c", 1), (2003, "a", "c", 1),
    (2001, "b", "d", 1), (2002, "b", "d", 1),
    (2004, "d", "e", 3),  # d exited in 2002: a deal signed as a subsidiary
    (2003, "twin1", "twin2", 1),
    (1999, "a", "e", 1), (2005, "a", "e", 1),  # outside the period
]  # fmt: skip
TIES = pl.DataFrame(
    ROWS,
    schema={"year": pl.Int32, "source": pl.String, "target": pl.String, "alliances": pl.Int64},
    orient="row",
)
#: worked by hand: the actor set (sorted ids) and each actor's present years
PRESENT = {
    "a": YEARS,
    "b": YEARS,
    "c": [2002, 2003, 2004],  # no entry year: from its first tie of the period
    "d": [2001, 2002, 2004],  # through its exit, and the year of its later tie
    "e": [2003, 2004],
    "idle": [2002, 2003, 2004],
    "twin1": YEARS,
    "twin2": YEARS,
}
IDS = sorted(PRESENT)
#: worked by hand: the symmetric valued ties of each year
TIES_BY_YEAR = {
    2001: {("a", "b"): 1, ("b", "d"): 1},
    2002: {("a", "b"): 2, ("a", "c"): 2, ("b", "d"): 1},
    2003: {("a", "c"): 1, ("twin1", "twin2"): 1},
    2004: {("a", "b"): 1, ("d", "e"): 3},
}


def siena(folder: Path) -> list[Path]:
    return export_modelling(TIES, ACTORS, folder, "siena", start=START, end=END,
                            regions=REGIONS)  # fmt: skip


def ucinet(folder: Path) -> list[Path]:
    return export_modelling(TIES, ACTORS, folder, "ucinet", start=START, end=END,
                            regions=REGIONS)  # fmt: skip


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_wave(path: Path) -> np.ndarray:
    """A wave file as R's read.table reads it: whitespace-separated, NA missing."""
    rows = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    assert rows and all(len(row) == len(rows) for row in rows), "not a square matrix"
    return np.array([[np.nan if v == "NA" else float(v) for v in row] for row in rows])


def matrix_of(ties: dict[tuple[str, str], int], ids: list[str], *, valued: bool) -> np.ndarray:
    index = {actor: i for i, actor in enumerate(ids)}
    matrix = np.zeros((len(ids), len(ids)))
    for (a, b), value in ties.items():
        matrix[index[a], index[b]] = matrix[index[b], index[a]] = value if valued else 1
    return matrix


# -- a parser of the UCINET DL grammar ---------------------------------------------------------

_DL_TOKEN = re.compile(r'"([^"]*)"|([^\s,="]+)')


@dataclass
class DL:
    n: int
    nm: int
    fmt: str
    labels: list[str]
    matrix_labels: list[str]
    matrices: list[np.ndarray]


def read_dl(path: Path) -> DL:
    """Read a DL file: header phrases up to ``data:``, then ``nm`` full matrices or edge lists
    (``i j [value]``, 1-based, matrices separated by ``!``). Labels may be quoted (which keeps
    spaces and separators) and are separated by blanks, line ends, commas or ``=``."""
    tokens = [(m.group(1) if m.group(1) is not None else m.group(2), m.group(1) is not None)
              for m in _DL_TOKEN.finditer(path.read_text(encoding="utf-8"))]  # fmt: skip
    words = iter(tokens)
    assert next(words)[0].lower() == "dl"
    n = nm = 1
    fmt, labels, matrix_labels = "fullmatrix", [], []
    for word, _quoted in words:
        key = word.lower()
        if key == "n":
            n = int(next(words)[0])
        elif key == "nm":
            nm = int(next(words)[0])
        elif key == "format":
            fmt = next(words)[0].lower()
        elif key == "labels:":
            labels = [next(words)[0] for _ in range(n)]
        elif key == "matrix":
            assert next(words)[0].lower() == "labels:"
            matrix_labels = [next(words)[0] for _ in range(nm)]
        elif key == "data:":
            break
        else:
            raise AssertionError(f"unexpected DL phrase {word!r}")
    data = [word for word, _ in words]
    if fmt == "fullmatrix":
        assert len(data) == nm * n * n
        cube = np.array(data, dtype=float).reshape(nm, n, n)
        return DL(n, nm, fmt, labels, matrix_labels, list(cube))
    assert fmt == "edgelist1"
    matrices, current = [], np.zeros((n, n))
    groups = " ".join(data).split("!")
    assert len(groups) == nm
    for group in groups:
        current = np.zeros((n, n))
        values = group.split()
        assert len(values) % 3 == 0
        for i, j, value in zip(values[::3], values[1::3], values[2::3], strict=True):
            current[int(i) - 1, int(j) - 1] = float(value)
        matrices.append(current)
    return DL(n, nm, fmt, labels, matrix_labels, matrices)


def test_the_dl_parser_reads_the_users_guide_examples(tmp_path: Path):
    path = tmp_path / "guide.dl"
    path.write_text('dl n=3 nm=2\nformat = fullmatrix\nlabels:\n"Humpty Dumpty",b,c\n'
                    "matrix labels:\nknows, likes\ndata:\n0 1 0\n1 0 0\n0 0 0\n"
                    "0 0 1\n0 0 0\n1 0 0\n")  # fmt: skip
    dl = read_dl(path)
    assert dl.labels == ["Humpty Dumpty", "b", "c"] and dl.matrix_labels == ["knows", "likes"]
    assert dl.matrices[0][0, 1] == 1 and dl.matrices[1][2, 0] == 1 and dl.matrices[1].sum() == 2
    path.write_text("dl n=2 nm=2 format = edgelist1\ndata:\n1 2 1.5\n!\n2 1 2\n")
    dl = read_dl(path)
    assert dl.matrices[0][0, 1] == 1.5 and dl.matrices[1][1, 0] == 2


# -- the actor set and its presence, by hand ---------------------------------------------------


def test_the_actor_set_and_presence_worked_by_hand():
    networks = yearly_networks(TIES, ACTORS, start=START, end=END, regions=REGIONS)
    assert networks.actors["actor_id"].to_list() == IDS
    assert networks.actors["row"].to_list() == list(range(1, len(IDS) + 1))
    assert networks.years == tuple(YEARS)
    for row, actor in enumerate(IDS):
        assert [y for y, here in zip(YEARS, networks.present[row], strict=True) if here] == \
            PRESENT[actor], actor  # fmt: skip
    for year in YEARS:
        expected = matrix_of(TIES_BY_YEAR[year], IDS, valued=True)
        np.testing.assert_array_equal(networks.adjacency(year, valued=True), expected)


def test_actors_file_lists_the_rows_in_matrix_order(tmp_path: Path):
    siena(tmp_path)
    rows = read_csv(tmp_path / "actors.csv")
    assert tuple(rows[0]) == ACTOR_FILE_COLUMNS
    assert [r["actor_id"] for r in rows] == IDS
    by_id = {r["actor_id"]: r for r in rows}
    assert by_id["a"]["region"] == "Flanders" and by_id["c"]["region"] == ""
    assert by_id["c"]["location"] == "US" and by_id["idle"]["in_panel"] == "1"
    assert by_id["d"]["exit_year"] == "2002" and by_id["c"]["entry_year"] == ""


# -- siena: waves, composition, covariates -----------------------------------------------------


def test_waves_are_symmetric_zero_one_with_na_for_absent_actors(tmp_path: Path):
    siena(tmp_path)
    for year in YEARS:
        wave = read_wave(tmp_path / f"wave_{year}.dat")
        assert wave.shape == (len(IDS), len(IDS))
        absent = np.array([year not in PRESENT[a] for a in IDS])
        missing = np.isnan(wave)
        off_diagonal = ~np.eye(len(IDS), dtype=bool)
        assert (missing == ((absent[:, None] | absent[None, :]) & off_diagonal)).all(), year
        assert (np.diag(wave) == 0).all()
        filled = np.nan_to_num(wave)
        np.testing.assert_array_equal(filled, filled.T)
        assert set(np.unique(filled)) <= {0.0, 1.0}
        np.testing.assert_array_equal(filled, matrix_of(TIES_BY_YEAR[year], IDS, valued=False))


def test_composition_file_by_hand(tmp_path: Path):
    siena(tmp_path)
    lines = (tmp_path / "composition.txt").read_text(encoding="utf-8").splitlines()
    # waves 1..4 = 2001..2004; closed intervals of presence
    assert dict(zip(IDS, lines, strict=True)) == {
        "a": "1 4", "b": "1 4", "c": "2 4", "d": "1 2 4 4", "e": "3 4", "idle": "2 4",
        "twin1": "1 4", "twin2": "1 4",
    }  # fmt: skip


def test_covariates_are_coded_with_a_code_book(tmp_path: Path):
    siena(tmp_path)
    lines = (tmp_path / "covariates.dat").read_text(encoding="utf-8").splitlines()
    assert lines[0].split() == ["region", "location", "kind", "in_panel"]
    values = dict(zip(IDS, (line.split() for line in lines[1:]), strict=True))
    books = {}
    for row in read_csv(tmp_path / "covariate_codes.csv"):
        books.setdefault(row["covariate"], {})[row["code"]] = row["value"]
    assert books["region"] == {"0": "(none)", "1": "Flanders", "2": "Wallonia", "3": "Brussels"}
    for actor in IDS:
        region, location, kind, in_panel = values[actor]
        source = ACTORS.filter(pl.col("actor_id") == actor).row(0, named=True)
        assert books["region"][region] == (source["location"] if source["location"] in
                                           REGIONS else "(none)")  # fmt: skip
        assert books["location"][location] == source["location"]
        assert books["kind"][kind] == source["kind"]
        assert in_panel == str(int(source["in_panel"]))
    assert books["kind"]["1"] == "nbf"  # vocabulary order, NBFs first


def test_readme_holds_the_r_code(tmp_path: Path):
    written = siena(tmp_path)
    assert written[0].name == "README.txt"
    text = written[0].read_text(encoding="utf-8")
    assert "sienaDependent(array(unlist(waves), dim = c(n, n, length(years)))" in text
    assert 'sienaCompositionChangeFromFile("composition.txt")' in text
    assert f"years <- {START}:{END}" in text and "networkDynamic(" in text


# -- siena: statnet's spells and the tie events ------------------------------------------------


def test_edge_spells_reproduce_the_yearly_ties(tmp_path: Path):
    siena(tmp_path)
    spells = read_csv(tmp_path / "edge_spells.csv")
    assert list(spells[0]) == ["onset", "terminus", "tail", "head"]
    for year in YEARS:
        active = {(IDS[int(s["tail"]) - 1], IDS[int(s["head"]) - 1]) for s in spells
                  if int(s["onset"]) <= year < int(s["terminus"])}  # fmt: skip
        assert active == set(TIES_BY_YEAR[year]), year


def test_vertex_spells_are_the_composition(tmp_path: Path):
    siena(tmp_path)
    spells = read_csv(tmp_path / "vertex_spells.csv")
    for row, actor in enumerate(IDS, start=1):
        years = [y for s in spells if int(s["vertex_id"]) == row
                 for y in range(int(s["onset"]), int(s["terminus"]))]  # fmt: skip
        assert years == PRESENT[actor], actor


def test_tie_events_by_hand(tmp_path: Path):
    siena(tmp_path)
    events = [(r["actor_a"], r["actor_b"], int(r["year"]), r["event"])
              for r in read_csv(tmp_path / "tie_events.csv")]  # fmt: skip
    # ties active in 2001 have no formation, ties active in 2004 no dissolution (censored)
    assert events == [
        ("a", "c", 2002, "formed"),
        ("a", "b", 2003, "dissolved"),
        ("b", "d", 2003, "dissolved"),
        ("twin1", "twin2", 2003, "formed"),
        ("a", "c", 2004, "dissolved"),
        ("twin1", "twin2", 2004, "dissolved"),
        ("a", "b", 2004, "formed"),
        ("d", "e", 2004, "formed"),
    ]  # by year, dissolutions first, then by pair


# -- ucinet ------------------------------------------------------------------------------------


@pytest.mark.parametrize("file", ["alliance-network.dl", "alliance-network-edgelist.dl"])
def test_dl_files_read_back_as_the_yearly_valued_networks(tmp_path: Path, file: str):
    written = ucinet(tmp_path)
    assert [p.name for p in written] == ["alliance-network.dl",
                                         "alliance-network-edgelist.dl", "actors.csv"]  # fmt: skip
    dl = read_dl(tmp_path / file)
    assert (dl.n, dl.nm) == (len(IDS), len(YEARS))
    assert dl.fmt == ("fullmatrix" if file == "alliance-network.dl" else "edgelist1")
    assert dl.matrix_labels == [str(y) for y in YEARS]
    for year, matrix in zip(YEARS, dl.matrices, strict=True):
        np.testing.assert_array_equal(matrix, matrix_of(TIES_BY_YEAR[year], IDS, valued=True))


def test_dl_labels_are_names_quoted_when_they_hold_spaces_or_separators(tmp_path: Path):
    ucinet(tmp_path)
    dl = read_dl(tmp_path / "alliance-network.dl")
    assert dl.labels == ["Alpha Bio, NV", "Université de Liège", "Pharma 'Big' Inc", "Exits Bio",
                         "Genfit", "Idle", "Twin [twin1]", "Twin [twin2]"]  # fmt: skip
    text = (tmp_path / "alliance-network.dl").read_text(encoding="utf-8").splitlines()
    assert '"Alpha Bio, NV"' in text and "Genfit" in text and "Idle" in text


def test_ucinet_writes_only_the_edge_list_for_large_networks(tmp_path, monkeypatch):
    monkeypatch.setattr(modelling, "MAX_MATRIX_ACTORS", 3)
    assert [p.name for p in ucinet(tmp_path)] == ["alliance-network-edgelist.dl", "actors.csv"]
    with pytest.raises(BiorisError, match="more than the 3 written as RSiena matrices"):
        siena(tmp_path / "siena")


# -- errors and reproducibility ----------------------------------------------------------------


def test_rsiena_needs_two_waves_and_two_actors(tmp_path: Path):
    with pytest.raises(BiorisError, match="at least two waves"):
        export_modelling(TIES, ACTORS, tmp_path, "siena", start=2002, end=2002)
    nobody = ACTORS.filter(~pl.col("in_panel"))
    empty_network = yearly_networks(TIES.head(0), nobody, start=START, end=END)
    with pytest.raises(BiorisError, match="at least two actors"):
        write_siena(empty_network, tmp_path)
    empty = read_dl(write_ucinet(empty_network, tmp_path)[0])  # UCINET takes an empty network
    assert (empty.n, empty.nm, empty.labels) == (0, len(YEARS), [])


def test_bad_input_is_one_error(tmp_path: Path):
    with pytest.raises(BiorisError, match="unknown modelling format 'dbf'"):
        export_modelling(TIES, ACTORS, tmp_path, "dbf", start=START, end=END)
    with pytest.raises(BiorisError, match=r"1 actor\(s\) in the ties are not in actors: e"):
        yearly_networks(TIES, ACTORS.filter(pl.col("actor_id") != "e"), start=START, end=END)
    with pytest.raises(BiorisError, match="lacks column"):
        yearly_networks(TIES, ACTORS.drop("exit_year"), start=START, end=END)


@pytest.mark.parametrize("fmt", MODELLING_FORMATS)
def test_files_are_reproducible(tmp_path: Path, fmt: str):
    first = export_modelling(TIES, ACTORS, tmp_path / "1", fmt, start=START, end=END)
    second = export_modelling(TIES.reverse(), ACTORS.reverse(), tmp_path / "2", fmt, start=START,
                              end=END)  # fmt: skip
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


# -- the study's data: the tiny CLI files, Medicon Valley, the bundled Belgian study -----------


@dataclass
class Exported:
    study: Study
    siena: Path
    ucinet: Path
    start: int
    end: int


def _cli_store(folder: Path) -> Path:
    path = folder / "cli.sqlite"
    (folder / "study.toml").write_text(CLI_STUDY, encoding="utf-8")
    ok("init", "--empty", "--store", path)
    ok("study", "load", folder / "study.toml", "--store", path)
    ok("import", "--store", path, CLI_DATA / "firms.csv", CLI_DATA / "deals.csv")
    return path


def _medicon_store(folder: Path) -> Path:
    path = folder / "mv.sqlite"
    ok("init", "--empty", "--store", path)
    ok("study", "load", MEDICON / "study.toml", "--store", path)
    ok("import", MEDICON / "actors.csv", MEDICON / "deals.csv", "--store", path)
    return path


def _bundled_store(folder: Path) -> Path:
    return init_store(folder / "bundled.sqlite")[0]


@pytest.fixture(scope="module", params=["cli", "medicon", "belgian"])
def exported(request, tmp_path_factory) -> Iterator[Exported]:
    folder = tmp_path_factory.mktemp(request.param)
    builders = {"cli": _cli_store, "medicon": _medicon_store, "belgian": _bundled_store}
    store = builders[request.param](folder)
    for fmt in MODELLING_FORMATS:
        ok("export", "--store", store, "--format", fmt, "--out", folder / fmt)
    with Study.open(store) as study:
        start, end = study.span()
        yield Exported(study, folder / "siena", folder / "ucinet", start, end)


def _yearly(exported: Exported, ids: list[str]) -> dict[int, np.ndarray]:
    """The study's yearly valued adjacency (its tie table) over the exported actor set."""
    table = exported.study.ties(exported.start, exported.end)
    out = {}
    for year in range(exported.start, exported.end + 1):
        part = table.filter(pl.col("year") == year)
        pairs = {(s, t): v for s, t, v in part.select("source", "target", "alliances").rows()}
        out[year] = matrix_of(pairs, ids, valued=True)
    return out


def test_study_waves_and_dl_matrices_are_the_yearly_tie_tables(exported: Exported):
    ids = [r["actor_id"] for r in read_csv(exported.siena / "actors.csv")]
    yearly = _yearly(exported, ids)
    full = read_dl(exported.ucinet / "alliance-network.dl")
    listed = read_dl(exported.ucinet / "alliance-network-edgelist.dl")
    assert full.matrix_labels == [str(y) for y in yearly] == listed.matrix_labels
    for index, (year, expected) in enumerate(yearly.items()):
        wave = read_wave(exported.siena / f"wave_{year}.dat")
        np.testing.assert_array_equal(np.nan_to_num(wave), (expected > 0).astype(float))
        np.testing.assert_array_equal(full.matrices[index], expected)
        np.testing.assert_array_equal(listed.matrices[index], expected)


def test_study_actor_set_is_the_tied_actors_and_the_panel_firms_present(exported: Exported):
    rows = read_csv(exported.siena / "actors.csv")
    table = exported.study.ties(exported.start, exported.end)
    tied = set(table["source"]) | set(table["target"])
    in_panel = set(exported.study.panel_years(exported.start, exported.end)["actor_id"])
    assert {r["actor_id"] for r in rows} == tied | in_panel
    assert {r["actor_id"] for r in rows if r["in_panel"] == "1"} == \
        set(exported.study.panel) & (tied | in_panel)  # fmt: skip


def test_study_composition_follows_founding_exit_and_ties(exported: Exported):
    """Present from entry (founding, else first deal) through exit, and in every tie year;
    the panel firms in at least their panel years."""
    rows = read_csv(exported.siena / "actors.csv")
    lines = (exported.siena / "composition.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(rows)
    start, end = exported.start, exported.end
    table = exported.study.ties(start, end)
    tie_years: dict[str, set[int]] = {}
    for year, source, target in table.select("year", "source", "target").rows():
        tie_years.setdefault(source, set()).add(year)
        tie_years.setdefault(target, set()).add(year)
    panel_years = exported.study.panel_years(start, end).group_by("actor_id").agg("year").rows()
    for row, line in zip(rows, lines, strict=True):
        numbers = [int(v) for v in line.split()]
        assert numbers and len(numbers) % 2 == 0 and 1 <= min(numbers) <= max(numbers) <= \
            end - start + 1  # fmt: skip
        waves = {w for lo, hi in zip(numbers[::2], numbers[1::2], strict=True)
                 for w in range(lo, hi + 1)}  # fmt: skip
        present = {start + w - 1 for w in waves}
        ties = tie_years.get(row["actor_id"], set())
        entry = int(row["entry_year"]) if row["entry_year"] else min(ties)
        exit_ = int(row["exit_year"]) if row["exit_year"] else end
        assert present == set(range(max(entry, start), min(exit_, end) + 1)) | ties, row
    for actor, years in panel_years:
        line = lines[[r["actor_id"] for r in rows].index(actor)]
        numbers = [int(v) for v in line.split()]
        waves = {w for lo, hi in zip(numbers[::2], numbers[1::2], strict=True)
                 for w in range(lo, hi + 1)}  # fmt: skip
        assert {y - start + 1 for y in years} <= waves, actor


def test_study_edge_spells_are_the_yearly_tie_tables(exported: Exported):
    rows = read_csv(exported.siena / "actors.csv")
    ids = [r["actor_id"] for r in rows]
    spells = [tuple(int(s[c]) for c in ("onset", "terminus", "tail", "head"))
              for s in read_csv(exported.siena / "edge_spells.csv")]  # fmt: skip
    table = exported.study.ties(exported.start, exported.end)
    for year in range(exported.start, exported.end + 1):
        active = {(ids[t - 1], ids[h - 1]) for on, off, t, h in spells if on <= year < off}
        expected = set(table.filter(pl.col("year") == year).select("source", "target").rows())
        assert active == expected, year


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R (Rscript) is not installed")
def test_rsiena_loads_the_files(exported: Exported):
    has = subprocess.run(["Rscript", "-e", 'quit(status = !requireNamespace("RSiena"))'],
                         capture_output=True, check=False)  # fmt: skip
    if has.returncode:
        pytest.skip("the R package RSiena is not installed")
    readme = (exported.siena / "README.txt").read_text(encoding="utf-8")
    code = readme.split("# --- RSiena", 1)[1].split("# --- statnet", 1)[0]
    code = code.split("\n", 1)[1] + "\nprint(data)\n"
    done = subprocess.run(["Rscript", "-e", code], cwd=exported.siena, capture_output=True,
                          text=True, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
