"""Spin-off genealogies, exit years and lifespans on hand-built actors, then the bundled
dataset's known lineages (ThromboGenics from KU Leuven, Ablynx acquired by Sanofi in 2018)."""

from __future__ import annotations

import polars as pl
import pytest

from bioris.analytics.genealogy import (
    actor_lifespans,
    alias_frame,
    format_genealogy,
    genealogy_tree,
    lineage_table,
    parse_exit_year,
    rejoin_brackets,
    spinoff_counts,
    spinoff_genealogy,
)
from bioris.analytics.tables import actors_frame, alliances_frame, parties_frame
from bioris.domain import Actor, ActorKind, LineageFact, LineageRelation
from bioris.errors import BiorisError
from bioris.store import open_store
from bioris.workspace import init_store


def actor(actor_id, name, kind="nbf", **kw) -> Actor:
    return Actor(actor_id, name, ActorKind(kind), "BE", "Flanders", **kw)


ACTORS = [
    actor("kul", "KU Leuven", "university", aliases=("Katholieke Universiteit Leuven",)),
    actor("vib", "VIB", "research_centre"),
    actor("tg", "ThromboGenics", founded=1991, origin=("KU Leuven",)),
    # stored lists are split on "; ", also inside brackets
    actor("onc", "Oncurious", founded=2015,
          origin=("ThromboGenics and VIB (joint venture", "ThromboGenics majority)")),
    actor("abl", "Ablynx", founded=2001, origin=("VIB", "University of Bristol")),
    actor("san", "Sanofi", "pharma"),
    actor("bv", "Biovest", "financier",
          origin=("investment vehicle of X (ThromboGenics founder)",)),
    actor("rega", "Rega", "research_centre",
          origin=("Katholieke Universiteit Leuven (Rega Institute)",)),
    actor("adx", "ADx", founded=2011, origin=("founded by ex-Thromb-X staff", "ADx")),
]  # fmt: skip
LINEAGE = [
    LineageFact("abl", LineageRelation.ACQUIRED_BY, "san", 2018),
    LineageFact("tg", LineageRelation.NAMED, "Thromb-X", None, 2000),
]


def edges() -> pl.DataFrame:
    return spinoff_genealogy(actors_frame(ACTORS), LINEAGE, aliases=alias_frame(ACTORS))


def test_spinoff_genealogy_edges():
    got = {(r["parent"], r["child"]): (r["relation"], r["year"], r["match"])
           for r in edges().iter_rows(named=True)}  # fmt: skip
    assert got == {
        ("kul", "tg"): ("spun_out_of", 1991, "name"),
        # a joint venture: one edge per parent; ThromboGenics is a firm
        ("tg", "onc"): ("corporate_spinoff", 2015, "mention"),
        ("vib", "onc"): ("spun_out_of", 2015, "mention"),
        ("vib", "abl"): ("spun_out_of", 2001, "name"),
        (None, "abl"): ("spun_out_of", 2001, None),  # University of Bristol: no such actor
        ("san", "abl"): ("acquired_by", 2018, "lineage"),
        (None, "bv"): ("spun_out_of", None, None),  # the bracket is a comment, not an origin
        ("kul", "rega"): ("spun_out_of", None, "name"),  # by alias, bracket dropped
        ("tg", "adx"): ("corporate_spinoff", 2011, "mention"),  # by a former name; not itself
    }
    frame = edges()
    onc = frame.filter(pl.col("child") == "onc")["parent_name"].unique().to_list()
    assert onc == ["ThromboGenics and VIB (joint venture; ThromboGenics majority)"]
    bristol = frame.filter(pl.col("child") == "abl", pl.col("parent").is_null())
    assert bristol["parent_name"].to_list() == ["University of Bristol"]


def test_aliases_can_come_from_an_actor_column():
    frame = actors_frame(ACTORS).with_columns(
        pl.Series("aliases", [list(a.aliases) for a in ACTORS], dtype=pl.List(pl.String))
    )
    assert spinoff_genealogy(frame, LINEAGE).equals(edges())
    without = spinoff_genealogy(actors_frame(ACTORS), LINEAGE)
    assert without.filter(pl.col("child") == "rega")["parent"].to_list() == [None]


def test_genealogy_tree_per_institution():
    tree = genealogy_tree(edges(), "vib")
    assert tree.select("depth", "parent", "child", "relation", "year", "path").rows() == [
        (1, "vib", "abl", "spun_out_of", 2001, "vib > abl"),
        (2, "abl", "san", "acquired_by", 2018, "vib > abl > san"),  # the fate of Ablynx
        (1, "vib", "onc", "spun_out_of", 2015, "vib > onc"),
    ]
    kul = genealogy_tree(edges(), "kul")
    assert kul.filter(pl.col("child") == "onc")["path"].to_list() == ["kul > tg > onc"]
    assert kul["depth"].max() == 2
    roots = set(genealogy_tree(edges())["root"])
    assert roots == {"kul", "vib"}  # ThromboGenics descends from KU Leuven


def test_genealogy_tree_from_an_unresolved_origin_and_cycles():
    bristol = genealogy_tree(edges(), "University of Bristol")
    assert bristol.select("parent", "child", "relation").rows() == [
        (None, "abl", "spun_out_of"),
        ("abl", "san", "acquired_by"),
    ]
    loop = pl.DataFrame(
        {"parent": ["a", "b"], "child": ["b", "a"], "relation": ["spun_out_of"] * 2,
         "year": [2000, 2001], "parent_name": [None, None], "match": ["name"] * 2},
        schema_overrides={"year": pl.Int32},
    )  # fmt: skip
    assert genealogy_tree(loop, "a")["child"].to_list() == ["b"]
    assert genealogy_tree(edges(), "nobody").height == 0


def test_format_genealogy():
    names = {a.actor_id: a.name for a in ACTORS}
    text = format_genealogy(genealogy_tree(edges(), ["kul", "vib"]), names)
    assert text.splitlines()[:6] == [
        "KU Leuven",
        "  ThromboGenics (spun_out_of 1991)",
        "    ADx (corporate_spinoff 2011)",
        "    Oncurious (corporate_spinoff 2015)",
        "  Rega (spun_out_of)",
        "",
    ]
    assert "    Sanofi (acquired_by 2018)" in text
    with pytest.raises(BiorisError):
        format_genealogy(edges())


def test_rejoin_brackets():
    assert rejoin_brackets(["A (x", "y)", "B"]) == ["A (x; y)", "B"]
    assert rejoin_brackets(["A (x", "y", "z)"]) == ["A (x; y; z)"]
    assert rejoin_brackets([]) == []


# --- exits and lifespans ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("acquired by Sanofi 2018 (EUR3.9bn)", 2018),
        ("acquired by Syngenta (bid Sept 2012, c. EUR403M)", 2012),
        ("merged with Virco 2001; acquired by Johnson & Johnson 2002", 2002),
        ("merged with Sogepa and Sowalfin into Wallonie Entreprendre 2023", 2023),
        ("combined into TiGenix 2011", 2011),
        ("wound down c. 2017; glaucoma asset sold to PH Pharma", 2017),
        ("liquidated 2021", 2021),
        ("majority acquired by Kaneka 2010", 2010),
        ("merged with iMinds 2016", None),  # imec absorbed iMinds and lives on
        ("Meusinvest renamed Noshaq 2019", None),
        ("oncology division OnCyte acquired by Cardio3 BioSciences 2015", None),  # a part
        ("acquired by Intrexon", None),  # no year
        ("founded 2001", None),  # no exit word
        ("", None),
        (None, None),
    ],
)
def test_parse_exit_year(text, year):
    assert parse_exit_year(text) == year


def test_actor_lifespans():
    actors = actors_frame(
        [actor("a", "A", founded=2000, exit="acquired by B 2004"),  # lineage says 2003
         actor("b", "B", exit="wound down 2010"), actor("c", "C"),
         actor("d", "D", exit="merged into E 2012"), actor("e", "E", founded=1999)]
    )  # fmt: skip
    lineage = [LineageFact("a", LineageRelation.ACQUIRED_BY, "x", 2005),
               LineageFact("a", LineageRelation.ACQUIRED_BY, "y", 2003),
               LineageFact("c", LineageRelation.ACQUIRED_BY, "z", None),
               LineageFact("e", LineageRelation.CLOSED, "", 2011)]  # fmt: skip
    alliances = pl.DataFrame({"alliance_id": ["d1", "d2"], "year": [2008, 2006]})
    parties = pl.DataFrame({"alliance_id": ["d1", "d2"], "actor_id": ["b", "b"]})
    spans = actor_lifespans(actors, lineage, alliances=alliances, parties=parties)
    # actor_id, founded, entry_year, exit_year, exit_source, exit_kind, acquirer
    assert spans.rows() == [
        ("a", 2000, 2000, 2003, "lineage", "acquired", "y"),  # the earliest acquisition
        ("b", None, 2006, 2010, "exit_text", "closed", None),  # entered with its first deal
        ("c", None, None, None, None, None, None),  # an undated acquisition dates nothing
        # a merger read from the text; the text names no acquiring actor id
        ("d", None, None, 2012, "exit_text", "merged", None),
        ("e", 1999, 1999, 2011, "lineage", "closed", None),  # a closed lineage fact
    ]
    assert actor_lifespans(actors)["entry_year"].to_list() == [2000, None, None, None, 1999]


def test_actor_lifespans_merger_in_the_lineage_keeps_its_kind():
    # an acquired_by fact of a firm whose text says it merged: the kind is the text's, the
    # acquirer the lineage's
    actors = actors_frame([actor("p", "P", exit="merged into MyCartis 2014")])
    lineage = [LineageFact("p", LineageRelation.ACQUIRED_BY, "myc", 2014)]
    spans = actor_lifespans(actors, lineage)
    assert spans.select("exit_year", "exit_source", "exit_kind", "acquirer").row(0) == (
        2014, "lineage", "merged", "myc")  # fmt: skip


def test_lineage_table():
    table = lineage_table(LINEAGE)
    assert table.columns == ["actor_id", "relation", "target", "start_year", "end_year"]
    assert table.row(0) == ("abl", "acquired_by", "san", 2018, None)
    assert lineage_table(table) is table
    with pytest.raises(BiorisError, match="lacks"):
        lineage_table(table.drop("target"))


def test_spinoff_counts_count_firms_only():
    """KU Leuven is named as the origin of a firm (ThromboGenics), a research centre (Rega),
    a fund, a hospital, a network organisation and a pharma firm: only the firm counts, and
    the pharma firm too when it is a panel firm; corporate spin-offs are not counted."""
    more = [
        actor("fund", "KUL Fund", "financier", origin=("KU Leuven",)),
        actor("uz", "UZ Leuven", "research_centre", origin=("KU Leuven",)),
        actor("org", "bio.org", "network_org", origin=("KU Leuven",)),
        actor("ph", "Leuven Pharma", "pharma", origin=("KU Leuven",)),
        actor("bt", "Leuven Biotech", "biotech", origin=("KU Leuven",)),
    ]
    frame = actors_frame([*ACTORS, *more])
    edges = spinoff_genealogy(frame, LINEAGE, aliases=alias_frame(ACTORS))
    named = edges.filter((pl.col("parent") == "kul") & (pl.col("relation") == "spun_out_of"))
    assert set(named["child"]) == {"tg", "rega", "fund", "uz", "org", "ph", "bt"}
    counts = spinoff_counts(edges, frame)
    kul = counts.filter(pl.col("parent") == "kul").row(0, named=True)
    assert (kul["name"], kul["spinoffs"], kul["child"]) == ("KU Leuven", 2, ["bt", "tg"])
    with_panel = spinoff_counts(edges, frame, firms=["ph"]).filter(pl.col("parent") == "kul")
    assert with_panel["child"].to_list() == [["bt", "ph", "tg"]]
    # ThromboGenics' own spin-off Oncurious is a corporate spin-off: not an institution's
    assert "tg" not in set(counts["parent"])
    vib = counts.filter(pl.col("parent") == "vib")
    assert vib.select("spinoffs", "child").rows() == [(2, ["abl", "onc"])]


# --- the bundled dataset ------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    path = tmp_path_factory.mktemp("bundled") / "store.sqlite"
    init_store(path)
    with open_store(path) as store:
        dataset = store.dataset()
    names = {a.actor_id: a.name for a in dataset.actors}
    actors = actors_frame(dataset.actors)
    genealogy = spinoff_genealogy(actors, dataset.lineage, aliases=alias_frame(dataset.actors))
    return actors, genealogy, dataset, names


def test_bundled_genealogy(bundled):
    actors, genealogy, _, _ = bundled
    kul = genealogy_tree(genealogy, "ku-leuven")
    thrombogenics = kul.filter(pl.col("child") == "thrombogenics").row(0, named=True)
    assert (thrombogenics["relation"], thrombogenics["year"]) == ("spun_out_of", 1991)
    assert "ku-leuven > thrombogenics > oncurious" in kul["path"].to_list()
    vib = genealogy_tree(genealogy, "vib")
    sold = vib.filter((pl.col("parent") == "ablynx") & (pl.col("child") == "sanofi"))
    assert sold.select("relation", "year").rows() == [("acquired_by", 2018)]
    bristol = genealogy.filter(pl.col("parent_name") == "University of Bristol")
    assert bristol.select("parent", "child").rows() == [(None, "apitope")]
    assert set(genealogy["child"]) <= set(actors["actor_id"])
    resolved = genealogy.filter(pl.col("parent").is_not_null())
    assert set(resolved["parent"]) <= set(actors["actor_id"])


def test_bundled_forest_and_text(bundled):
    _, genealogy, _, names = bundled
    forest = genealogy_tree(genealogy)
    assert {"ku-leuven", "vib", "ghent-university", "ulb", "uclouvain"} <= set(forest["root"])
    assert "thrombogenics" not in set(forest["root"])
    text = format_genealogy(genealogy_tree(genealogy, "vib"), names)
    assert "  Ablynx (spun_out_of 2001)\n    Sanofi (acquired_by 2018)" in text


def test_bundled_lifespans(bundled):
    actors, _, dataset, _ = bundled
    alliances = alliances_frame(dataset.alliances, {})
    spans = actor_lifespans(actors, dataset.lineage, alliances=alliances,
                            parties=parties_frame(dataset.alliances))  # fmt: skip
    exits = dict(spans.select("actor_id", "exit_year").iter_rows())
    assert (exits["ablynx"], exits["tigenix"], exits["innogenetics"]) == (2018, 2018, 2008)
    assert exits["imec"] is None and exits["noshaq"] is None
    assert exits["amakem"] == 2017  # "wound down c. 2017", from the text
