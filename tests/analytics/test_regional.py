"""Regional indicators on hand-built actors and deals whose figures are worked out in comments,
a cross-border study (Medicon Valley), then sanity checks on the bundled Belgian dataset."""

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
    pooled_tie_scope,
    region_network,
    tie_scope,
)
from bioris.analytics.tables import actors_frame
from bioris.domain import Actor, ActorKind, LineageFact, LineageRelation, Region, StudyDefinition
from bioris.errors import BiorisError
from bioris.store import open_store
from bioris.study import Study
from bioris.workspace import init_store

# the two regions the hand-built Belgian examples compare
STUDY = StudyDefinition(
    name="test", regions=(Region("Flanders", ("BE",)), Region("Wallonia", ("BE",)))
)
REGIONS = [r.name for r in STUDY.regions]
HOME = {r.name: r.countries for r in STUDY.regions}


def actor(actor_id, kind="nbf", country="BE", region=None, **kw) -> Actor:
    return Actor(actor_id, actor_id.upper(), ActorKind(kind), country,
                 region or None, **kw)  # fmt: skip


def scoped(alliances, parties, actors, **kw) -> pl.DataFrame:
    """tie_scope with the study's declared regions and their countries."""
    return tie_scope(alliances, parties, actors, regions=REGIONS, home=HOME, **kw)


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

DEMOGRAPHY_ACTORS = [
    # acquired 2003 per the lineage, which wins over the exit text's 2004
    actor("a1", region="Flanders", founded=2000, exit="acquired by P1 2004"),
    actor("a2", region="Flanders", founded=2001, exit="wound down c. 2002"),
    actor("a3", region="Flanders"),  # no founding year
    actor("a4", region="Wallonia", founded=2002, exit="renamed A4bis 2003"),  # no exit
    actor("p1", kind="pharma", country="US"),
]
DEMOGRAPHY = actors_frame(DEMOGRAPHY_ACTORS, STUDY)
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


def test_actor_counts_with_a_panel():
    # the panel is a1 and a4: they are counted under kind "panel", the other NBFs (a2, a3)
    # stay under "nbf"; hand-worked from the worked example above
    counts = actor_counts(DEMOGRAPHY, DEMOGRAPHY_LINEAGE, start=2000, end=2004,
                          panel=["a1", "a4"])  # fmt: skip
    assert set(counts["kind"]) == {"panel", "nbf", "pharma"}
    flanders_panel = counts.filter((pl.col("kind") == "panel") & (pl.col("location") == "Flanders"))
    # a1: founded 2000, acquired 2003 (active through its exit year)
    assert flanders_panel.select("founded", "exited", "active").rows() == [
        (1, 0, 1), (0, 0, 1), (0, 0, 1), (0, 1, 1), (0, 0, 0)]  # fmt: skip
    wallonia_panel = counts.filter((pl.col("kind") == "panel") & (pl.col("location") == "Wallonia"))
    assert wallonia_panel["active"].to_list() == [0, 0, 1, 1, 1]  # a4 from 2002
    flanders_nbf = counts.filter((pl.col("kind") == "nbf") & (pl.col("location") == "Flanders"))
    # a2 (2001-2002) and the undated a3
    assert flanders_nbf.select("active", "undated").rows() == [
        (0, 1), (1, 1), (1, 1), (0, 1), (0, 1)]  # fmt: skip
    assert counts.filter(pl.col("kind") != "pharma")["location"].is_in(REGIONS).all()
    # the panel is a relabelling: per year and location the counts add up to the counts
    # without it
    plain = actor_counts(DEMOGRAPHY, DEMOGRAPHY_LINEAGE, start=2000, end=2004)

    def summed(frame):
        return frame.group_by("year", "location").agg(pl.col("founded", "exited", "active",
            "undated").sum()).sort("year", "location")  # fmt: skip

    assert summed(counts).equals(summed(plain))


def test_actor_counts_without_a_study_places_by_country():
    # no declared region: the Flemish and Walloon firms are all in BE
    counts = actor_counts(actors_frame(DEMOGRAPHY_ACTORS), DEMOGRAPHY_LINEAGE, start=2000,
                          end=2004)  # fmt: skip
    assert set(counts["location"]) == {"BE", "US"}
    assert row(counts, year=2002, kind="nbf", location="BE")["active"] == 3  # a1, a2, a4


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
    ],
    STUDY,
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
    scope = scoped(alliances, parties, PLACES, start=2010, end=2011)
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
    scope = scoped(alliances, parties, PLACES, by="region", start=2010, end=2011)
    assert scope.columns[:2] == ["location", "year"]
    # Flanders 2011: f2's side of d7 only
    flanders = row(scope, location="Flanders", year=2011)
    assert (flanders["alliances"], flanders["ties"], flanders["inter_regional"]) == (1, 1, 1.0)
    none = scoped(alliances, parties, PLACES, start=2010, end=2011, kinds={"pharma"})
    assert none.height == 0
    with pytest.raises(BiorisError):
        scoped(alliances, parties, PLACES, by="country", start=2010, end=2011)


def test_tie_scope_europe_and_a_partner_of_the_region_country_without_a_region():
    assert {"CH", "GB", "NO", "EU"} <= EUROPEAN_COUNTRIES and "US" not in EUROPEAN_COUNTRIES
    actors = actors_frame(
        [actor("f1", region="Flanders"), actor("be", kind="other"), actor("ec", "government", "EU"),
         actor("jp", kind="pharma", country="JP"), actor("gb", kind="pharma", country="GB")],
        STUDY,
    )  # fmt: skip
    alliances, parties = deals([("d", 2000, [("f1", "grantee", True), ("be", "x", False),
                                             ("ec", "grantor", False), ("jp", "x", False),
                                             ("gb", "x", False)])])  # fmt: skip
    f1 = scoped(alliances, parties, actors, start=2000, end=2000).row(0, named=True)
    # be is in Belgium, the country of Flanders, but names no region: it may be in Flanders
    # or not, so it is unknown; ec (EU) and gb European; jp global
    assert (f1["ties"], f1["unknown_ties"]) == (3, 1)
    assert (f1["european"], f1["global"]) == pytest.approx((2 / 3, 1 / 3))


MEDICON = StudyDefinition(
    name="Medicon Valley",
    regions=(
        Region("Medicon Valley", ("DK", "SE"), ("DK-84", "SE-M")),
        Region("Stockholm-Uppsala", ("SE",), ("SE-AB", "SE-C"), focal=False),
    ),
)


def test_tie_scope_in_a_cross_border_region():
    # hand-worked with the scope rule of tie_scope: same location -> intra_regional; partner
    # in another declared region, or elsewhere (with a region value) in a country of the
    # firm's region -> inter_regional; in a region country without a region value ->
    # unknown; else European (both homes in Europe) or global
    actors = actors_frame(
        [
            actor("gen", country=None, region="DK-84"),  # Copenhagen: Medicon Valley, DK
            actor("zea", country=None, region="Medicon Valley"),  # by name: DK or SE
            actor("lund", kind="university", country=None, region="SE-M"),  # Skåne
            actor("sto", kind="biotech", country=None, region="SE-AB"),  # Stockholm
            actor("got", kind="biotech", country="SE", region="SE-O"),  # Gothenburg
            actor("se", kind="financier", country="SE"),  # Sweden, where not known
            actor("dk", kind="government", country="DK"),  # Denmark, where not known
            actor("de", kind="pharma", country="DE"),
            actor("us", kind="pharma", country="US"),
        ],
        MEDICON,
    )
    assert dict(actors.select("actor_id", "country").iter_rows())["gen"] == "DK"
    alliances, parties = deals(
        [("d1", 2010, [("gen", "x", True), ("lund", "x", False), ("sto", "x", False),
                       ("got", "x", False), ("se", "x", False), ("de", "x", False),
                       ("us", "x", False)]),
         ("d2", 2010, [("zea", "x", True), ("de", "x", False), ("dk", "x", False)])]
    )  # fmt: skip
    regions = [r.name for r in MEDICON.regions]
    home = {r.name: r.countries for r in MEDICON.regions}
    by_firm = tie_scope(alliances, parties, actors, start=2010, end=2010, regions=regions,
                        home=home)  # fmt: skip
    gen = row(by_firm, firm="gen")
    # lund intra (both in Medicon Valley although DK and SE), sto and got inter, de
    # European, us global, se unknown: 5 placed ties, 1 unknown
    assert (gen["location"], gen["ties"], gen["unknown_ties"]) == ("Medicon Valley", 5, 1)
    assert [gen[s] for s in TIE_SCOPES] == pytest.approx([0.2, 0.4, 0.2, 0.2])
    # zea has no single country, but its region's countries are European: de is European;
    # dk is in a country of its region without a region value: unknown
    zea = row(by_firm, firm="zea")
    assert (zea["ties"], zea["unknown_ties"], zea["european"]) == (1, 1, 1.0)
    by_region = tie_scope(alliances, parties, actors, by="region", start=2010, end=2010,
                          regions=regions, home=home)  # fmt: skip
    valley = row(by_region, location="Medicon Valley")
    assert (valley["alliances"], valley["ties"], valley["unknown_ties"]) == (2, 6, 2)
    assert [valley[s] for s in TIE_SCOPES] == pytest.approx([1 / 6, 2 / 6, 2 / 6, 1 / 6])


def test_tie_scope_a_partner_missing_from_the_actors_is_unknown():
    alliances, parties = deals([("d", 2010, [("f1", "x", True), ("ghost", "x", False),
                                             ("de", "x", False)])])  # fmt: skip
    f1 = scoped(alliances, parties, PLACES, start=2010, end=2010).row(0, named=True)
    assert (f1["ties"], f1["unknown_ties"], f1["european"]) == (1, 1, 1.0)


def test_tie_scope_reads_deals_from_the_given_firms():
    # with firms=, d7 (f2, w1 both focal) and d2 (f1 focal, w1 a partner) are read from w1's
    # side only: the focal flags no longer choose the firm
    alliances, parties = deals(SCOPE_DEALS)
    out = scoped(alliances, parties, PLACES, start=2010, end=2011, firms=["w1"])
    assert set(out["firm"]) == {"w1"}
    w1_2010 = row(out, firm="w1", year=2010)
    # d2: f1 inter (Flanders), de European
    assert (w1_2010["alliances"], w1_2010["ties"]) == (1, 2)
    assert (w1_2010["inter_regional"], w1_2010["european"]) == (0.5, 0.5)


def test_pooled_tie_scope_counts_ties_once_over_the_period():
    """The local-tie share of a period is its ties pooled, not a sum of yearly shares: f1 has
    4 placed ties in 2010 (1 intra) and 2 in 2011 (d5 read from f1 as a panel firm: w1
    inter, ch european)."""
    alliances, parties = deals(SCOPE_DEALS)
    kw = dict(regions=REGIONS, home=HOME, start=2010, end=2011, firms=["f1", "f2", "w1"])
    pooled = pooled_tie_scope(alliances, parties, PLACES, **kw)
    flanders = row(pooled, location="Flanders")
    # f1: d1 f2 intra, d2 w1 inter + de european, d3 us global, d4 x unknown, d5 w1 inter +
    # ch european; f2: d1 f1 intra, d7 w1 inter -> 8 placed ties, 2 intra
    assert (flanders["alliances"], flanders["ties"], flanders["unknown_ties"]) == (6, 8, 1)
    assert (flanders["intra_regional"], flanders["intra_regional_share"]) == (2, 2 / 8)
    yearly = tie_scope(alliances, parties, PLACES, by="region", **kw).filter(
        pl.col("location") == "Flanders"
    )
    # yearly shares summed would give "ties" of 0.25 + 0.0 + ... : not a count of ties
    summed = yearly["intra_regional"].sum()
    assert summed != pytest.approx(flanders["intra_regional_share"])
    counts = yearly.select((pl.col("intra_regional") * pl.col("ties")).sum()).item()
    assert counts == flanders["intra_regional"]
    assert yearly["ties"].sum() == flanders["ties"]
    by_firm = pooled_tie_scope(alliances, parties, PLACES, by="firm", **kw)
    assert row(by_firm, firm="f1")["ties"] == 6
    assert by_firm["ties"].sum() == pooled["ties"].sum()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(2000, 2003), st.lists(
    st.sampled_from(["f1", "f2", "w1", "de", "us", "ch", "x"]), min_size=2, max_size=4,
    unique=True)), min_size=1, max_size=12))  # fmt: skip
def test_pooled_tie_scope_is_the_sum_of_its_years(rows):
    alliances, parties = deals(
        [(f"d{i}", y, [(a, "x", j == 0) for j, a in enumerate(ps)])
         for i, (y, ps) in enumerate(rows)]
    )  # fmt: skip
    kw = dict(regions=REGIONS, home=HOME, by="region")
    pooled = pooled_tie_scope(alliances, parties, PLACES, start=2000, end=2003, **kw)
    years = [pooled_tie_scope(alliances, parties, PLACES, start=y, end=y, **kw)
             for y in range(2000, 2004)]  # fmt: skip
    summed = (
        pl.concat(years)
        .group_by("location")
        .agg(pl.col("alliances", "ties", "unknown_ties", *TIE_SCOPES).sum())
    )
    for r in summed.iter_rows(named=True):
        whole = row(pooled, location=r["location"])
        assert {k: whole[k] for k in r} == r
        if whole["ties"]:
            shares = [whole[f"{s}_share"] for s in TIE_SCOPES]
            assert shares == pytest.approx([whole[s] / whole["ties"] for s in TIE_SCOPES])


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
        scope = scoped(alliances, parties, PLACES, by=by, start=2000, end=2003)
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
    ],
    STUDY,
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
    # with a panel of f1 only, nbfs counts f1: gov granted to f1 and w1, so 1
    panel = infrastructure(INFRA, alliances, parties, firms=["f1"])
    assert {r["actor_id"]: r["nbfs"] for r in panel.iter_rows(named=True)} == {
        "gov": 1, "vc": 1, "lab": 1, "club": 0}  # fmt: skip


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
def study(tmp_path_factory):
    """The bundled dataset placed by its own study file (three declared regions)."""
    path = tmp_path_factory.mktemp("bundled") / "store.sqlite"
    init_store(path)
    with Study(open_store(path, read_only=True)) as opened:
        yield opened


def test_bundled_actor_counts(study):
    inputs = study.inputs
    counts = actor_counts(inputs.actors, study.dataset.lineage, start=1987, end=2018,
                          alliances=inputs.alliances, parties=inputs.parties,
                          panel=study.panel)  # fmt: skip
    panel_2018 = row(counts, year=2018, kind="panel", location="Flanders")
    assert panel_2018["exited"] == 2  # Ablynx (Sanofi) and TiGenix (Takeda)
    assert (counts["active"] >= 0).all() and (counts["founded"] >= 0).all()
    wallonia = counts.filter((pl.col("kind") == "panel") & (pl.col("location") == "Wallonia"))
    assert wallonia["active"].max() > 5
    # every panel firm is placed in a declared region
    panel = counts.filter(pl.col("kind") == "panel")
    assert set(panel["location"]) <= set(study.definition.focal_regions)


def test_bundled_tie_scope_shares_sum_to_one(study):
    inputs = study.inputs
    regions = [r.name for r in study.definition.regions]
    home = {r.name: r.countries for r in study.definition.regions}
    for by in ("firm", "region"):
        scope = tie_scope(inputs.alliances, inputs.parties, inputs.actors, by=by, start=1987,
                          end=2017, firms=study.panel, regions=regions, home=home)  # fmt: skip
        placed = scope.filter(pl.col("ties") > 0)
        assert placed.height > 2
        total = placed.select(pl.sum_horizontal(TIE_SCOPES)).to_series()
        assert total.to_list() == pytest.approx([1.0] * placed.height)
        assert set(scope["location"]) <= set(regions)


def test_bundled_region_network(study):
    inputs = study.inputs
    alliances, parties = inputs.alliances, inputs.parties
    net = region_network(alliances, parties, inputs.actors, start=1987, end=2017)
    dated = alliances.filter(pl.col("year").is_between(1987, 2017))["alliance_id"]
    multi = parties.filter(pl.col("alliance_id").is_in(dated.implode())).group_by(
        "alliance_id").len().filter(pl.col("len") > 1)  # fmt: skip
    assert net["weight"].sum() == pytest.approx(multi.height)
    assert row(net, source_region="Flanders", target_region="US")["alliances"] > 10


def test_bundled_infrastructure(study):
    inputs = study.inputs
    infra = infrastructure(inputs.actors, inputs.alliances, inputs.parties, firms=study.panel)
    walloon = row(infra, actor_id="walloon-region")
    assert (walloon["location"], walloon["kind"]) == ("Wallonia", "government")
    assert walloon["grants_given"] > 0
    assert {"vib", "flanders-bio", "biowin", "gimv", "pmv", "sriw", "iwt"} <= set(infra["actor_id"])
    assert (infra["deals"] >= infra["grants_given"]).all()
    assert (infra["nbfs"] <= len(study.panel)).all()
