"""Regional indicators on hand-built actors and deals whose figures are worked out in comments,
then sanity checks on the bundled Belgian dataset."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bioris.analytics.regional import (
    EUROPEAN_COUNTRIES,
    TIE_SCOPES,
    actor_counts,
    infrastructure,
    region_network,
    tie_scope,
)
from bioris.analytics.tables import actors_frame, alliances_frame, parties_frame
from bioris.domain import Actor, ActorKind, LineageFact, LineageRelation
from bioris.errors import BiorisError
from bioris.store import open_store
from bioris.workspace import init_store


def actor(actor_id, kind="nbf", country="BE", region=None, **kw) -> Actor:
    return Actor(actor_id, actor_id.upper(), ActorKind(kind), country,
                 region or None, **kw)  # fmt: skip


def deals(rows) -> tuple[pl.DataFrame, pl.DataFrame]:
    """rows: (deal id, year, [(actor, role, focal), ...])"""
    alliances = pl.DataFrame(
        [(d, y) for d, y, _ in rows], schema={"alliance_id": pl.String, "year": pl.Int32},
        orient="row",
    )  # fmt: skip
    parties = pl.DataFrame(
        [(d, a, r, f) for d, _, ps in rows for a, r, f in ps],
        schema={"alliance_id": pl.String, "actor_id": pl.String, "role": pl.String,
                "focal": pl.Boolean},
        orient="row",
    )  # fmt: skip
    return alliances, parties


def row(frame: pl.DataFrame, **keys) -> dict:
    match = frame.filter(*[pl.col(k) == v for k, v in keys.items()])
    assert match.height == 1, match
    return match.row(0, named=True)


# --- actor_counts -------------------------------------------------------------------------

DEMOGRAPHY = actors_frame(
    [
        # acquired 2003 per the lineage, which wins over the exit text's 2004
        actor("a1", region="Flanders", founded=2000, exit="acquired by P1 2004"),
        actor("a2", region="Flanders", founded=2001, exit="wound down c. 2002"),
        actor("a3", region="Flanders"),  # no founding year
        actor("a4", region="Wallonia", founded=2002, exit="renamed A4bis 2003"),  # no exit
        actor("p1", kind="pharma", country="US"),
    ]
)
DEMOGRAPHY_LINEAGE = [LineageFact("a1", LineageRelation.ACQUIRED_BY, "p1", 2003)]


def test_actor_counts_worked_example():
    counts = actor_counts(DEMOGRAPHY, DEMOGRAPHY_LINEAGE, start=2000, end=2004)
    flanders = counts.filter((pl.col("kind") == "nbf") & (pl.col("location") == "Flanders"))
    # year: founded (a1 2000, a2 2001), exited (a2 2002, a1 2003), active (still active in
    # the exit year: 2002 a1+a2, 2003 a1 only), undated a3 every year
    assert flanders.select("year", "founded", "exited", "active", "undated").rows() == [
        (2000, 1, 0, 1, 1),
        (2001, 1, 0, 2, 1),
        (2002, 0, 1, 2, 1),
        (2003, 0, 1, 1, 1),
        (2004, 0, 0, 0, 1),
    ]
    wallonia = counts.filter(pl.col("location") == "Wallonia")
    assert wallonia["active"].to_list() == [0, 0, 1, 1, 1]  # a rename is not an exit
    assert wallonia["exited"].sum() == 0
    us = row(counts, year=2003, kind="pharma", location="US")
    assert (us["active"], us["undated"]) == (0, 1)
    assert counts.height == 5 * 3  # every year for every (kind, location) group


def test_actor_counts_dates_undated_actors_by_their_first_deal():
    alliances, parties = deals(
        [("d1", 2002, [("a3", "licensor", True), ("p1", "licensee", False)])]
    )
    counts = actor_counts(DEMOGRAPHY, DEMOGRAPHY_LINEAGE, start=2000, end=2004,
                          alliances=alliances, parties=parties)  # fmt: skip
    flanders = counts.filter((pl.col("kind") == "nbf") & (pl.col("location") == "Flanders"))
    # a3 is active from its first deal (2002) on, but was not *founded* then
    assert flanders["active"].to_list() == [1, 2, 3, 2, 1]
    assert flanders["founded"].to_list() == [1, 1, 0, 0, 0]
    assert flanders["undated"].to_list() == [0] * 5
    assert row(counts, year=2004, kind="pharma")["active"] == 1


def test_actor_counts_accepts_a_lineage_table_and_rejects_an_empty_period():
    table = pl.DataFrame(
        {"actor_id": ["a1"], "relation": ["acquired_by"], "target": ["p1"], "start_year": [2003]}
    )
    left = actor_counts(DEMOGRAPHY, table, start=2000, end=2004)
    assert left.equals(actor_counts(DEMOGRAPHY, DEMOGRAPHY_LINEAGE, start=2000, end=2004))
    with pytest.raises(BiorisError):
        actor_counts(DEMOGRAPHY, [], start=2005, end=2000)


# --- tie_scope and region_network ---------------------------------------------------------

PLACES = actors_frame(
    [
        actor("f1", region="Flanders"),
        actor("f2", region="Flanders"),
        actor("w1", region="Wallonia"),
        actor("de", kind="pharma", country="DE"),
        actor("us", kind="pharma", country="US"),
        actor("ch", kind="pharma", country="CH"),
        actor("x", kind="financier", country=None),  # nowhere known
    ]
)
SCOPE_DEALS = [
    ("d1", 2010, [("f1", "collaborator", True), ("f2", "collaborator", False)]),
    ("d2", 2010, [("f1", "collaborator", True), ("w1", "collaborator", False),
                  ("de", "collaborator", False)]),
    ("d3", 2010, [("f1", "licensor", True), ("us", "licensee", False)]),
    ("d4", 2010, [("f1", "investee", True), ("x", "investor", False)]),
    ("d5", 2011, [("w1", "collaborator", True), ("f1", "collaborator", False),
                  ("ch", "collaborator", False)]),
    ("d6", 2009, [("f1", "licensor", True), ("us", "licensee", False)]),  # before the period
    ("d7", 2011, [("f2", "collaborator", True), ("w1", "collaborator", True)]),  # two focal
]  # fmt: skip


def test_tie_scope_per_firm():
    alliances, parties = deals(SCOPE_DEALS)
    scope = tie_scope(alliances, parties, PLACES, start=2010, end=2011)
    # f1 in 2010: d1-d4, partner ties f2 (intra), w1 (inter), de (european), us (global) and
    # x (no country: unknown, outside the shares) -> a quarter each
    f1 = row(scope, firm="f1", year=2010)
    assert (f1["location"], f1["alliances"], f1["ties"], f1["unknown_ties"]) == (
        "Flanders", 4, 4, 1)  # fmt: skip
    assert [f1[s] for s in TIE_SCOPES] == [0.25, 0.25, 0.25, 0.25]
    # w1 in 2011: d5 (f1 inter, ch european) and d7 read from w1's side (f2 inter)
    w1 = row(scope, firm="w1", year=2011)
    assert (w1["alliances"], w1["ties"]) == (2, 3)
    assert [w1[s] for s in TIE_SCOPES] == pytest.approx([0, 2 / 3, 1 / 3, 0])
    # d7 is also read from f2's side
    f2 = row(scope, firm="f2", year=2011)
    assert (f2["ties"], f2["inter_regional"]) == (1, 1.0)
    assert scope.filter(pl.col("year") == 2009).height == 0


def test_tie_scope_per_region_and_kinds():
    alliances, parties = deals(SCOPE_DEALS)
    scope = tie_scope(alliances, parties, PLACES, by="region", start=2010, end=2011)
    assert scope.columns[:2] == ["location", "year"]
    # Flanders 2011: f2's side of d7 only
    flanders = row(scope, location="Flanders", year=2011)
    assert (flanders["alliances"], flanders["ties"], flanders["inter_regional"]) == (1, 1, 1.0)
    none = tie_scope(alliances, parties, PLACES, start=2010, end=2011, kinds={"pharma"})
    assert none.height == 0
    with pytest.raises(BiorisError):
        tie_scope(alliances, parties, PLACES, by="country", start=2010, end=2011)


def test_tie_scope_europe_and_unknown_belgian_region():
    assert {"CH", "GB", "NO", "EU"} <= EUROPEAN_COUNTRIES and "US" not in EUROPEAN_COUNTRIES
    actors = actors_frame(
        [actor("f1", region="Flanders"), actor("be", kind="other"), actor("ec", "government", "EU"),
         actor("jp", kind="pharma", country="JP"), actor("gb", kind="pharma", country="GB")]
    )  # fmt: skip
    alliances, parties = deals([("d", 2000, [("f1", "grantee", True), ("be", "x", False),
                                             ("ec", "grantor", False), ("jp", "x", False),
                                             ("gb", "x", False)])])  # fmt: skip
    f1 = tie_scope(alliances, parties, actors, start=2000, end=2000).row(0, named=True)
    # be is Belgian without a bioRegion: unknown; ec (EU) and gb European; jp global
    assert (f1["ties"], f1["unknown_ties"]) == (3, 1)
    assert (f1["european"], f1["global"]) == pytest.approx((2 / 3, 1 / 3))


random_deals = st.lists(
    st.tuples(
        st.integers(2000, 2003),
        st.lists(st.sampled_from(["f1", "f2", "w1", "de", "us", "ch", "x"]), min_size=2,
                 max_size=4, unique=True),
    ),
    min_size=1,
    max_size=12,
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(random_deals)
def test_tie_scope_and_region_network_invariants(rows):
    alliances, parties = deals(
        [
            (f"d{i}", y, [(a, "x", j == 0) for j, a in enumerate(ps)])
            for i, (y, ps) in enumerate(rows)
        ]
    )
    for by in ("firm", "region"):
        scope = tie_scope(alliances, parties, PLACES, by=by, start=2000, end=2003)
        placed = scope.filter(pl.col("ties") > 0)
        assert placed.select(pl.sum_horizontal(TIE_SCOPES)).to_series().to_list() == (
            pytest.approx([1.0] * placed.height)
        )
        assert scope.filter(pl.col("ties") == 0)["global"].is_null().all()
        # every partner tie of a focal firm is placed or unknown
        assert scope["ties"].sum() + scope["unknown_ties"].sum() == sum(len(p) - 1 for _, p in rows)
    net = region_network(alliances, parties, PLACES, start=2000, end=2003)
    assert net["weight"].sum() == pytest.approx(len(rows))
    assert net["ties"].sum() == sum(len(p) * (len(p) - 1) // 2 for _, p in rows)


def test_region_network_worked_example():
    alliances, parties = deals(SCOPE_DEALS)
    net = region_network(alliances, parties, PLACES, start=2010, end=2011)
    # Flanders-Wallonia: d2 (f1-w1, 1 of 3 pairs), d5 (f1-w1, 1 of 3), d7 (f2-w1, 1 of 1)
    fw = row(net, source_region="Flanders", target_region="Wallonia")
    assert (fw["alliances"], fw["ties"]) == (3, 3)
    assert fw["weight"] == pytest.approx(1 / 3 + 1 / 3 + 1)
    assert row(net, source_region="Flanders", target_region="Flanders")["weight"] == 1.0  # d1
    assert row(net, source_region="Flanders", target_region="unknown")["alliances"] == 1  # d4
    assert row(net, source_region="DE", target_region="Wallonia")["weight"] == pytest.approx(1 / 3)
    assert net["weight"].sum() == pytest.approx(6)  # d1-d5 and d7: one per deal
    assert (net["source_region"] <= net["target_region"]).all()


# --- infrastructure -----------------------------------------------------------------------

INFRA = actors_frame(
    [
        actor("gov", kind="government", region="Flanders"),
        actor("vc", kind="financier", region="Wallonia"),
        actor("lab", kind="research_centre", region="Flanders"),
        actor("club", kind="network_org", region="Wallonia"),  # no deals
        actor("f1", region="Flanders"),
        actor("w1", region="Wallonia"),
    ]
)
INFRA_DEALS = [
    ("g1", 2005, [("f1", "grantee", True), ("gov", "grantor", False)]),
    ("g2", 2007, [("w1", "grantee", True), ("gov", "grantor", False)]),
    ("e1", 2008, [("f1", "investee", True), ("vc", "investor", False)]),
    ("e2", 2009, [("f1", "investee", True), ("vc", "investor", False)]),
    ("c1", 2006, [("f1", "collaborator", True), ("lab", "collaborator", False)]),
    ("l1", 2010, [("w1", "licensee", True), ("lab", "licensor", False)]),
]


def test_infrastructure_per_actor():
    alliances, parties = deals(INFRA_DEALS)
    infra = infrastructure(INFRA, alliances, parties)
    assert set(infra["actor_id"]) == {"gov", "vc", "lab", "club"}
    columns = ["deals", "grants_given", "equity_investments", "collaborations", "other_ties",
               "nbfs", "first_year", "last_year"]  # fmt: skip
    got = {r["actor_id"]: [r[c] for c in columns] for r in infra.iter_rows(named=True)}
    assert got["gov"] == [2, 2, 0, 0, 0, 2, 2005, 2007]  # grants to f1 and w1
    assert got["vc"] == [2, 0, 2, 0, 0, 1, 2008, 2009]  # two rounds in the same NBF
    assert got["lab"] == [2, 0, 0, 1, 1, 2, 2006, 2010]  # a collaboration and a licence
    assert got["club"] == [0, 0, 0, 0, 0, 0, None, None]
    window = infrastructure(INFRA, alliances, parties, start=2008, end=2008)
    assert row(window, actor_id="vc")["equity_investments"] == 1


def test_infrastructure_per_region():
    alliances, parties = deals(INFRA_DEALS)
    infra = infrastructure(INFRA, alliances, parties, by="region")
    assert infra.columns[:3] == ["location", "kind", "actors"]
    flanders = row(infra, location="Flanders", kind="research_centre")
    assert (flanders["actors"], flanders["deals"], flanders["nbfs"]) == (1, 2, 2)
    assert row(infra, location="Wallonia", kind="network_org")["deals"] == 0
    with pytest.raises(BiorisError):
        infrastructure(INFRA, alliances, parties, by="city")


# --- the bundled dataset ------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    path = tmp_path_factory.mktemp("bundled") / "store.sqlite"
    init_store(path)
    with open_store(path) as store:
        dataset = store.dataset()
    names = {a.actor_id: a.name for a in dataset.actors}
    return (actors_frame(dataset.actors), alliances_frame(dataset.alliances, names),
            parties_frame(dataset.alliances), dataset.lineage)  # fmt: skip


def test_bundled_actor_counts(bundled):
    actors, _, _, lineage = bundled
    counts = actor_counts(actors, lineage, start=1987, end=2018)
    nbf_2018 = row(counts, year=2018, kind="nbf", location="Flanders")
    assert nbf_2018["exited"] == 2  # Ablynx (Sanofi) and TiGenix (Takeda)
    assert (counts["active"] >= 0).all() and (counts["founded"] >= 0).all()
    wallonia = counts.filter((pl.col("kind") == "nbf") & (pl.col("location") == "Wallonia"))
    assert wallonia["active"].max() > 10


def test_bundled_tie_scope_shares_sum_to_one(bundled):
    actors, alliances, parties, _ = bundled
    for by in ("firm", "region"):
        scope = tie_scope(alliances, parties, actors, by=by, start=1987, end=2017)
        placed = scope.filter(pl.col("ties") > 0)
        assert placed.height > 20
        total = placed.select(pl.sum_horizontal(TIE_SCOPES)).to_series()
        assert total.to_list() == pytest.approx([1.0] * placed.height)
    regions = tie_scope(alliances, parties, actors, by="region", start=1987, end=2017,
                        kinds={"nbf"})  # fmt: skip
    assert set(regions["location"]) <= {"Flanders", "Wallonia", "Brussels"}


def test_bundled_region_network(bundled):
    actors, alliances, parties, _ = bundled
    net = region_network(alliances, parties, actors, start=1987, end=2017)
    dated = alliances.filter(pl.col("year").is_between(1987, 2017))["alliance_id"]
    multi = parties.filter(pl.col("alliance_id").is_in(dated.implode())).group_by(
        "alliance_id").len().filter(pl.col("len") > 1)  # fmt: skip
    assert net["weight"].sum() == pytest.approx(multi.height)
    assert row(net, source_region="Flanders", target_region="US")["alliances"] > 10


def test_bundled_infrastructure(bundled):
    actors, alliances, parties, _ = bundled
    infra = infrastructure(actors, alliances, parties)
    walloon = row(infra, actor_id="walloon-region")
    assert (walloon["location"], walloon["kind"]) == ("Wallonia", "government")
    assert walloon["grants_given"] > 0
    assert {"vib", "flanders-bio", "biowin", "gimv", "pmv", "sriw", "iwt"} <= set(infra["actor_id"])
    assert (infra["deals"] >= infra["grants_given"]).all()
