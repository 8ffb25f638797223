"""Network export (GEXF, GraphML, Pajek) checked by reading the files back with networkx and
igraph: same actors, labels, attributes, spells, yearly weights and partitions as went in."""

from __future__ import annotations

import csv
from pathlib import Path
from xml.etree import ElementTree

import igraph as ig
import networkx as nx
import polars as pl
import pytest

from bioris.errors import BiorisError
from bioris.export.network import NETWORK_FORMATS, export_network

BAD = '<Bad & "Name">'
LIEGE = "Université de Liège"

# actor_id, name, kind, country, region, location; "idle" has no tie and must not be exported
ACTORS = pl.DataFrame(
    [
        ("a", BAD, "nbf", "BE", "BE-VLG", "Flanders"),
        ("b", LIEGE, "university", "BE", "Wallonia", "Wallonia"),
        ("c", "Pharma Inc", "pharma", "US", None, "US"),
        ("d", "Brussels Bio", "biotech", "BE", "Brussels", "Brussels"),
        ("e", "Genfit", "biotech", "FR", None, "FR"),
        ("g", "Belgian Fund", "financier", "BE", None, "BE"),
        ("idle", "Idle", "nbf", "BE", "Flanders", "Flanders"),
    ],
    schema=["actor_id", "name", "kind", "country", "region", "location"],
    orient="row",
)

# year, source, target, alliances, committed_eur, headline_eur
ROWS = [
    (2001, "a", "b", 1, 10.0, 12.0),
    (2002, "a", "b", 2, 25.5, 30.0),  # a-b pauses in 2003 and resumes in 2004
    (2004, "a", "b", 1, 0.0, 0.0),
    *((y, "a", "c", 1, 100.0, 150.0) for y in (2001, 2002, 2003, 2004)),
    (2001, "b", "d", 1, 5.0, 5.0),
    (2002, "c", "e", 1, 1.0, 1.0),
    (2003, "c", "e", 3, 7.0, 9.0),
    (2003, "d", "g", 2, 0.0, 0.0),
    (2004, "d", "g", 2, 0.0, 0.0),
]
TIES = pl.DataFrame(
    ROWS,
    schema={
        "year": pl.Int32,
        "source": pl.String,
        "target": pl.String,
        "alliances": pl.Int64,
        "committed_eur": pl.Float64,
        "headline_eur": pl.Float64,
    },
    orient="row",
)
TIED = ["a", "b", "c", "d", "e", "g"]
PAIRS = sorted({(s, t) for _, s, t, *_ in ROWS})
NAMES = dict(zip(ACTORS["actor_id"], ACTORS["name"], strict=True))

# worked by hand from ROWS: closed runs of active years
NODE_SPELLS = {
    "a": [(2001, 2004)],
    "b": [(2001, 2002), (2004, 2004)],
    "c": [(2001, 2004)],
    "d": [(2001, 2001), (2003, 2004)],
    "e": [(2002, 2003)],
    "g": [(2003, 2004)],
}
EDGE_SPELLS = {
    ("a", "b"): [(2001, 2002), (2004, 2004)],
    ("a", "c"): [(2001, 2004)],
    ("b", "d"): [(2001, 2001)],
    ("c", "e"): [(2002, 2003)],
    ("d", "g"): [(2003, 2004)],
}
# active_years, first_year, last_year, max_alliances
UNION = {
    ("a", "b"): (3, 2001, 2004, 2),
    ("a", "c"): (4, 2001, 2004, 1),
    ("b", "d"): (1, 2001, 2001, 1),
    ("c", "e"): (2, 2002, 2003, 3),
    ("d", "g"): (2, 2003, 2004, 2),
}


def yearly(column: int) -> dict[tuple[str, str], dict[int, object]]:
    """The input's per-year value of one tie column, by pair."""
    out: dict[tuple[str, str], dict[int, object]] = {}
    for row in ROWS:
        out.setdefault((row[1], row[2]), {})[row[0]] = row[column]
    return out


def expand(values: list[tuple[object, int, int]]) -> dict[int, object]:
    """Dynamic (value, start, end) runs, closed, to one value per year."""
    return {y: v for v, start, end in values for y in range(start, end + 1)}


def pair(u: str, v: str) -> tuple[str, str]:
    return (min(u, v), max(u, v))


@pytest.fixture
def files(tmp_path: Path):
    def write(fmt: str) -> list[Path]:
        return export_network(TIES, ACTORS, tmp_path, fmt, name="net")

    return write


# ---------------------------------------------------------------- GEXF


def test_gexf_reads_back_with_networkx(files):
    (path,) = files("gexf")
    assert path.name == "net.gexf"
    graph = nx.read_gexf(path)
    assert graph.graph["mode"] == "dynamic"
    assert sorted(graph.nodes) == TIED
    for actor, data in graph.nodes(data=True):
        row = ACTORS.row(by_predicate=pl.col("actor_id") == actor, named=True)
        assert data["label"] == row["name"]
        assert (data["kind"], data["country"]) == (row["kind"], row["country"])
        assert data["region"] == (row["region"] or "")
        assert data["location"] == row["location"]
        assert data["spells"] == NODE_SPELLS[actor]
    assert sorted(pair(u, v) for u, v in graph.edges) == PAIRS
    alliances, committed, headline = yearly(3), yearly(4), yearly(5)
    for u, v, data in graph.edges(data=True):
        key = pair(u, v)
        assert data["spells"] == EDGE_SPELLS[key]
        assert expand(data["alliances"]) == alliances[key]
        assert expand(data["committed_eur"]) == committed[key]
        assert expand(data["headline_eur"]) == headline[key]


def test_gexf_dynamic_weight_is_the_one_gephi_reads(files):
    # Gephi takes an edge attribute as the (dynamic) edge weight when its id is "weight";
    # networkx's reader flattens that attribute to one value, so read the XML directly.
    (path,) = files("gexf")
    root = ElementTree.parse(path).getroot()
    ns = {"g": root.tag[1:].split("}")[0]}
    graph = root.find("g:graph", ns)
    assert graph.get("timeformat") == "integer"
    assert graph.get("mode") == "dynamic"
    assert root.find("g:meta", ns).get("lastmodifieddate") is None
    declared = graph.findall("g:attributes[@class='edge'][@mode='dynamic']/g:attribute", ns)
    assert {(a.get("id"), a.get("type")) for a in declared} >= {("weight", "double")}
    alliances = yearly(3)
    for edge in graph.findall("g:edges/g:edge", ns):
        values = [
            (float(a.get("value")), int(a.get("start")), int(a.get("end")))
            for a in edge.findall("g:attvalues/g:attvalue[@for='weight']", ns)
        ]
        key = pair(edge.get("source"), edge.get("target"))
        assert expand(values) == {y: float(n) for y, n in alliances[key].items()}
        assert edge.get("weight") is None  # no static weight to mask the dynamic one


def test_gexf_escapes_names_and_is_reproducible(files, tmp_path: Path):
    (path,) = files("gexf")
    text = path.read_text(encoding="utf-8")
    assert 'label="&lt;Bad &amp; &quot;Name&quot;&gt;"' in text
    assert LIEGE in text  # UTF-8, not character references
    shuffled = TIES.sample(fraction=1.0, shuffle=True, seed=3)
    again = export_network(shuffled, ACTORS, tmp_path / "again", "gexf", name="net")
    assert again[0].read_bytes() == path.read_bytes()


# ---------------------------------------------------------------- GraphML


def test_graphml_union_reads_back_with_networkx_and_igraph(files):
    union = files("graphml")[0]
    assert union.name == "net.graphml"
    graph = nx.read_graphml(union)
    assert sorted(graph.nodes) == TIED
    assert {n: d["label"] for n, d in graph.nodes(data=True)} == {a: NAMES[a] for a in TIED}
    assert graph.nodes["c"]["region"] in ("", None)  # empty <data/>: networkx gives ""
    edges = {
        pair(u, v): (d["active_years"], d["first_year"], d["last_year"], d["max_alliances"])
        for u, v, d in graph.edges(data=True)
    }
    assert edges == UNION
    assert all(d["weight"] == d["active_years"] for _, _, d in graph.edges(data=True))

    igraph = ig.Graph.Read_GraphML(str(union))
    ids = igraph.vs["id"]
    assert ids == TIED  # vertices in actor-id order
    assert igraph.vs["label"] == [NAMES[a] for a in TIED]
    assert igraph.vs["kind"] == ACTORS.filter(pl.col("actor_id").is_in(TIED))["kind"].to_list()
    from_igraph = {
        pair(ids[e.source], ids[e.target]): tuple(
            int(e[k]) for k in ("active_years", "first_year", "last_year", "max_alliances")
        )
        for e in igraph.es
    }
    assert from_igraph == UNION


def test_graphml_writes_one_snapshot_per_year(files):
    paths = files("graphml")
    assert [p.name for p in paths] == [
        "net.graphml",
        *(f"net-{y}.graphml" for y in range(2001, 2005)),
    ]
    alliances, committed = yearly(3), yearly(4)
    for path in paths[1:]:
        year = int(path.stem.rsplit("-", 1)[1])
        expected = {k: (v[year], committed[k][year]) for k, v in alliances.items() if year in v}
        graph = nx.read_graphml(path)
        got = {
            pair(u, v): (d["alliances"], d["committed_eur"]) for u, v, d in graph.edges(data=True)
        }
        assert got == expected
        assert set(graph.nodes) == {a for key in expected for a in key}
        igraph = ig.Graph.Read_GraphML(str(path))
        assert igraph.ecount() == len(expected)
        assert sorted(igraph.es["alliances"]) == sorted(float(a) for a, _ in expected.values())


# ---------------------------------------------------------------- Pajek


def pajek_label(name: str) -> str:
    return name.replace('"', "&#34;")  # Pajek cannot escape quotes; igraph writes &#34;


def test_pajek_net_reads_back_with_igraph_and_networkx(files):
    net = files("pajek")[0]
    assert net.name == "net.net"
    labels = [pajek_label(NAMES[a]) for a in TIED]
    by_label = dict(zip(labels, TIED, strict=True))
    weights = {key: float(value[0]) for key, value in UNION.items()}

    graph = ig.Graph.Read_Pajek(str(net))
    assert not graph.is_directed()
    assert graph.vs["name"] == labels
    got = {pair(TIED[e.source], TIED[e.target]): e["weight"] for e in graph.es}
    assert got == weights

    multigraph = nx.read_pajek(net)
    assert list(multigraph.nodes) == labels
    got = {pair(by_label[u], by_label[v]): d["weight"] for u, v, d in multigraph.edges(data=True)}
    assert got == weights
    assert multigraph.number_of_edges() == len(UNION)


def read_clu(path: Path) -> tuple[dict[str, int], list[int], int]:
    """Code book from the % comments, the codes, and the *Vertices count."""
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [line[2:] for line in lines if line.startswith("%")][1:]
    book = {value: int(code) for code, value in (c.split(" ", 1) for c in comments)}
    start = next(i for i, line in enumerate(lines) if line.startswith("*Vertices"))
    return book, [int(x) for x in lines[start + 1 :]], int(lines[start].split()[1])


def test_pajek_partitions_by_location_and_kind(files):
    _, location, kind, codebook = files("pajek")
    names = [p.name for p in (location, kind, codebook)]
    assert names == ["net.clu", "net-kind.clu", "net-clu-codes.csv"]
    books = {}
    books["location"], codes, n = read_clu(location)
    assert n == len(codes) == len(TIED)
    # declared regions first (A-Z), then countries A-Z (an actor placed in no declared
    # region is classed by its country, BE)
    assert books["location"] == {
        "Brussels": 1, "Flanders": 2, "Wallonia": 3, "BE": 4, "FR": 5, "US": 6,
    }  # fmt: skip
    assert codes == [2, 3, 6, 1, 5, 4]  # a b c d e g

    books["kind"], codes, n = read_clu(kind)
    assert n == len(codes) == len(TIED)
    assert books["kind"] == {"nbf": 1, "biotech": 2, "pharma": 3, "university": 4, "financier": 5}
    assert codes == [1, 4, 3, 2, 2, 5]

    with codebook.open(encoding="utf-8", newline="") as handle:
        in_csv = {(r["partition"], r["value"]): int(r["code"]) for r in csv.DictReader(handle)}
    assert in_csv == {(p, value): c for p, book in books.items() for value, c in book.items()}


def test_pajek_labels_stay_unique_when_names_repeat(tmp_path: Path):
    same = pl.when(pl.col("actor_id") == "e").then(pl.lit("Pharma Inc")).otherwise("name")
    actors = ACTORS.with_columns(same.alias("name"))
    net = export_network(TIES, actors, tmp_path, "pajek")[0]
    labels = ig.Graph.Read_Pajek(str(net)).vs["name"]
    assert "Pharma Inc [c]" in labels and "Pharma Inc [e]" in labels
    assert len(set(labels)) == len(TIED)


# ---------------------------------------------------------------- edges of the API


@pytest.mark.parametrize("fmt", NETWORK_FORMATS)
def test_empty_tie_table_writes_valid_empty_graphs(fmt: str, tmp_path: Path):
    paths = export_network(TIES.clear(), ACTORS, tmp_path, fmt)
    main = paths[0]
    if fmt == "gexf":
        assert nx.read_gexf(main).number_of_nodes() == 0
    elif fmt == "graphml":
        assert len(paths) == 1  # no years, no snapshots
        assert nx.read_graphml(main).number_of_nodes() == 0
        assert ig.Graph.Read_GraphML(str(main)).vcount() == 0
    else:
        assert ig.Graph.Read_Pajek(str(main)).vcount() == 0
        assert nx.read_pajek(main).number_of_nodes() == 0
        assert read_clu(paths[1])[1:] == ([], 0)


def test_actors_missing_from_the_actors_table_are_named(tmp_path: Path):
    with pytest.raises(BiorisError, match=r"2 actor\(s\).*not in actors: d, g"):
        export_network(TIES, ACTORS.filter(~pl.col("actor_id").is_in(["d", "g"])), tmp_path, "gexf")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [("dot", "net", "unknown network format"), ("gexf", "../net", "not a plain file name")],
)
def test_bad_arguments_raise(fmt: str, name: str, message: str, tmp_path: Path):
    with pytest.raises(BiorisError, match=message):
        export_network(TIES, ACTORS, tmp_path, fmt, name=name)


def test_missing_tie_columns_raise(tmp_path: Path):
    with pytest.raises(BiorisError, match=r"lacks column.*committed_eur"):
        export_network(TIES.drop("committed_eur"), ACTORS, tmp_path, "pajek")
