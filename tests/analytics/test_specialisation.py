"""Subsector classification and location quotients on hand-built firms (figures worked out in
comments), the taxonomy checks, and the bundled dataset's known specialisations."""

from __future__ import annotations

from importlib.resources import files

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bioris.analytics.specialisation import (
    UNCLASSIFIED,
    classify_subsectors,
    load_taxonomy,
    specialisation,
    validate_taxonomy,
)
from bioris.analytics.tables import actors_frame
from bioris.domain import Actor, ActorKind, LineageFact, LineageRelation, Region, StudyDefinition
from bioris.errors import BiorisError
from bioris.store import open_store
from bioris.study import Study
from bioris.workspace import init_store

# the regions the hand-built examples are placed in
STUDY = StudyDefinition(
    name="test",
    regions=tuple(Region(name, ("BE",)) for name in ("Flanders", "Wallonia", "Brussels")),
)

TAXONOMY = pl.DataFrame(
    {
        "category": ["antibodies", "cell_therapy", "diagnostics"],
        "keywords": ["antibod;nanobod", "cell therapy;car-t", "diagnostic"],
        "description": ["", "", ""],
    }
)


def actor(actor_id, kind="nbf", country="BE", region=None, **kw) -> Actor:
    return Actor(actor_id, actor_id.upper(), ActorKind(kind), country,
                 region or None, **kw)  # fmt: skip


def lq(frame: pl.DataFrame, region: str, category: str, year: int | None = None) -> float:
    match = frame.filter((pl.col("region") == region) & (pl.col("category") == category))
    match = match.filter(pl.col("year").is_null() if year is None else pl.col("year") == year)
    assert match.height == 1, match
    return match["lq"][0]


# --- classification -----------------------------------------------------------------------


def test_classify_subsectors():
    actors = actors_frame(
        [
            actor("a", subsectors=("therapeutics: NANOBODY biologics",)),
            actor("b", subsectors=("CAR T cell therapy", "antibody (CAR)")),
            actor("c", subsectors=("women's health",)),
            actor("d"),
            actor("e", subsectors=("scar-tissue repair",)),  # "car-t" must start a word
            actor("f", subsectors=("cell therapy (liver", "bone)")),  # a list split in brackets
        ]
    )
    got = {(r[0], r[1]): r[2] for r in classify_subsectors(actors, TAXONOMY).rows()}
    assert got == {
        ("a", "antibodies"): "therapeutics: NANOBODY biologics",
        ("b", "antibodies"): "antibody (CAR)",
        ("b", "cell_therapy"): "CAR T cell therapy",
        ("c", UNCLASSIFIED): "women's health",
        ("d", UNCLASSIFIED): None,
        ("e", UNCLASSIFIED): "scar-tissue repair",
        ("f", "cell_therapy"): "cell therapy (liver; bone)",
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"category": ["antibodies", "antibodies", "x"]}, "repeats"),
        ({"category": ["antibodies", UNCLASSIFIED, "x"]}, "reserved"),
        ({"keywords": ["antibod", " ; ", "x"]}, "no keywords"),
        ({"category": ["antibodies", "", "x"]}, "without a category"),
    ],
)
def test_validate_taxonomy_rejects(change, message):
    with pytest.raises(BiorisError, match=message):
        validate_taxonomy(TAXONOMY.with_columns(pl.Series(k, v) for k, v in change.items()))
    with pytest.raises(BiorisError, match="lacks"):
        validate_taxonomy(TAXONOMY.drop("keywords"))


def test_load_taxonomy(tmp_path):
    bundled = load_taxonomy(files("bioris") / "data" / "subsector_taxonomy.csv")
    assert bundled.columns == ["category", "keywords", "description"]
    assert {"antibodies_nanobodies", "cell_gene_therapy", "molecular_diagnostics",
            "women_health", "vaccines"} <= set(bundled["category"])  # fmt: skip
    bad = tmp_path / "bad.csv"
    bad.write_text("category,keywords\nx,y\n", encoding="utf-8")
    with pytest.raises(BiorisError, match="description"):
        load_taxonomy(bad)
    with pytest.raises(BiorisError, match="cannot read"):
        load_taxonomy(tmp_path / "missing.csv")


# --- location quotients -------------------------------------------------------------------

# Flanders has 4 NBFs, 2 in antibodies; Wallonia 6, 1 in antibodies; Belgium 3 of 10.
FIRMS = [("f1", "Flanders", "antibodies"), ("f2", "Flanders", "antibodies"),
         ("f3", "Flanders", "cell_therapy"), ("f4", "Flanders", "cell_therapy"),
         ("w1", "Wallonia", "antibodies")] + [
         (f"w{i}", "Wallonia", "cell_therapy") for i in range(2, 7)]  # fmt: skip
LQ_ACTORS = actors_frame(
    [actor(i, region=r, founded=1995) for i, r, _ in FIRMS]
    + [actor("u1", region="Wallonia"), actor("us", kind="biotech", country="US")],
    STUDY,
)
LQ_CLASSES = pl.DataFrame(
    [(i, c, "") for i, _, c in FIRMS] + [("u1", UNCLASSIFIED, None), ("us", "antibodies", "")],
    schema=["actor_id", "category", "matched_text"],
    orient="row",
)


def test_location_quotient_worked_example():
    spec = specialisation(LQ_ACTORS, LQ_CLASSES)
    assert lq(spec, "Flanders", "antibodies") == pytest.approx(0.5 / 0.3)  # 1.667
    assert lq(spec, "Wallonia", "antibodies") == pytest.approx((1 / 6) / 0.3)  # 0.556
    assert lq(spec, "Flanders", "cell_therapy") == pytest.approx(0.5 / 0.7)
    flanders = spec.filter((pl.col("region") == "Flanders") & (pl.col("category") == "antibodies"))
    assert flanders.select("n_rc", "n_r", "n_c", "n").row(0) == (2, 4, 3, 10)  # us is foreign
    assert spec.height == 4 and spec["year"].is_null().all()


def test_unclassified_firms_are_left_out_unless_asked_for():
    spec = specialisation(LQ_ACTORS, LQ_CLASSES, include_unclassified=True)
    # u1 now counts: Wallonia 7 NBFs, Belgium 11
    assert lq(spec, "Wallonia", UNCLASSIFIED) == pytest.approx((1 / 7) / (1 / 11))
    assert lq(spec, "Flanders", UNCLASSIFIED) == 0.0
    assert lq(spec, "Flanders", "antibodies") == pytest.approx((2 / 4) / (3 / 11))


def test_location_quotient_over_time():
    actors = actors_frame(
        [actor("f1", region="Flanders", founded=1995), actor("f2", region="Flanders", founded=2005),
         actor("w1", region="Wallonia", founded=2000), actor("w2", region="Wallonia")],
        STUDY,
    )  # fmt: skip
    classes = pl.DataFrame(
        {"actor_id": ["f1", "f2", "w1", "w2"], "category": ["antibodies", "cell_therapy",
         "cell_therapy", "cell_therapy"], "matched_text": ["", "", "", ""]}
    )  # fmt: skip
    lineage = [LineageFact("w1", LineageRelation.ACQUIRED_BY, "f1", 2008)]
    spec = specialisation(actors, classes, years=[2000, 2010], lineage=lineage)
    # 2000: f1 and w1 active -> Flanders antibodies (1/1) / (1/2) = 2
    assert lq(spec, "Flanders", "antibodies", 2000) == 2.0
    # 2010: w1 exited in 2008, w2 has no founding year -> only Flanders, LQ 1 everywhere
    assert set(spec.filter(pl.col("year") == 2010)["region"]) == {"Flanders"}
    assert lq(spec, "Flanders", "cell_therapy", 2010) == 1.0


def test_location_quotient_against_the_panel():
    # the panel, not every NBF: f1, f3 (Flanders: 1 of 2 in antibodies), w1-w3 (Wallonia: 1
    # of 3), so the panel has 2 of 5 in antibodies
    panel = ["f1", "f3", "w1", "w2", "w3"]
    spec = specialisation(LQ_ACTORS, LQ_CLASSES, firms=panel)
    assert lq(spec, "Flanders", "antibodies") == pytest.approx((1 / 2) / (2 / 5))  # 1.25
    assert lq(spec, "Wallonia", "antibodies") == pytest.approx((1 / 3) / (2 / 5))  # 0.833
    assert lq(spec, "Flanders", "cell_therapy") == pytest.approx((1 / 2) / (3 / 5))
    assert set(spec["n"]) == {5}
    # a panel may hold a foreign firm of another kind: us (antibodies) is its own location,
    # and the panel now has 3 of 6 in antibodies
    spec = specialisation(LQ_ACTORS, LQ_CLASSES, firms=[*panel, "us"])
    assert lq(spec, "Flanders", "antibodies") == pytest.approx((1 / 2) / (3 / 6))  # 1.0
    assert lq(spec, "US", "antibodies") == pytest.approx(1 / (3 / 6))  # 2.0
    assert set(spec["n"]) == {6}


def test_location_quotient_by_city_and_by_country():
    # cities inside the focal regions, locations outside them; hand-worked:
    # Gent: f1 (antibodies), f2 (cell); Liège: w1 (cell); US: us (antibodies); n = 4, 2 each
    actors = actors_frame(
        [actor("f1", region="Flanders", city="Gent"), actor("f2", region="Flanders", city="Gent"),
         actor("w1", region="Wallonia", city="Liège"),
         actor("us", kind="biotech", country="US", city="Boston")],
        STUDY,
    )  # fmt: skip
    classes = pl.DataFrame(
        {"actor_id": ["f1", "f2", "w1", "us"],
         "category": ["antibodies", "cell_therapy", "cell_therapy", "antibodies"]}
    )  # fmt: skip
    firms = ["f1", "f2", "w1", "us"]
    by_city = specialisation(actors, classes, firms=firms, by="city")
    assert set(by_city["region"]) == {"Gent", "Liège", "US"}
    assert lq(by_city, "Gent", "antibodies") == pytest.approx((1 / 2) / (2 / 4))  # 1.0
    assert lq(by_city, "Liège", "cell_therapy") == pytest.approx(1 / (2 / 4))  # 2.0
    assert lq(by_city, "US", "antibodies") == pytest.approx(2.0)
    # by country the three Belgian firms are one unit of place: BE has 1 of 3 in antibodies
    by_country = specialisation(actors, classes, firms=firms, by="country")
    assert set(by_country["region"]) == {"BE", "US"}
    assert lq(by_country, "BE", "antibodies") == pytest.approx((1 / 3) / (2 / 4))


# deals: the focal NBF's categories, f1 (antibodies), f2 (cell), w1 (cell)
DEAL_ACTORS = actors_frame(
    [actor("f1", region="Flanders"), actor("f2", region="Flanders"),
     actor("w1", region="Wallonia"), actor("us", kind="pharma", country="US"),
     actor("de", kind="pharma", country="DE"), actor("jp", kind="pharma", country="JP")],
    STUDY,
)  # fmt: skip
DEAL_CLASSES = pl.DataFrame(
    {"actor_id": ["f1", "f2", "w1"], "category": ["antibodies", "cell_therapy", "cell_therapy"],
     "matched_text": ["", "", ""]}
)  # fmt: skip
DEALS = [("d1", 2001, "f1", "us"), ("d2", 2002, "f1", "us"), ("d3", 2003, "f1", "de"),
         ("d4", 2004, "f2", "us"), ("d5", 2005, "w1", "jp"), ("d6", 2006, "w1", "f1")]  # fmt: skip


def deal_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    alliances = pl.DataFrame([(d, y) for d, y, *_ in DEALS], schema=["alliance_id", "year"],
                             orient="row")  # fmt: skip
    parties = pl.DataFrame(
        [(d, a, True) for d, _, a, _ in DEALS] + [(d, b, False) for d, _, _, b in DEALS],
        schema=["alliance_id", "actor_id", "focal"], orient="row",
    )  # fmt: skip
    return alliances, parties


def test_revealed_comparative_advantage_on_deals():
    alliances, parties = deal_frames()
    spec = specialisation(DEAL_ACTORS, DEAL_CLASSES, basis="deals", alliances=alliances,
                          parties=parties)  # fmt: skip
    # 6 deals: antibodies 3 (f1), cell 3; Flanders 4 deals (3 antibodies, 1 cell)
    assert lq(spec, "Flanders", "antibodies") == pytest.approx((3 / 4) / (3 / 6))  # 1.5
    assert lq(spec, "Flanders", "cell_therapy") == pytest.approx((1 / 4) / (3 / 6))  # 0.5
    assert lq(spec, "Wallonia", "cell_therapy") == pytest.approx(2.0)
    assert lq(spec, "Wallonia", "antibodies") == 0.0
    yearly = specialisation(DEAL_ACTORS, DEAL_CLASSES, basis="deals", alliances=alliances,
                            parties=parties, years=[2001, 2004])  # fmt: skip
    assert yearly.filter(pl.col("year") == 2001).select("region", "n").rows() == [("Flanders", 1)]


def test_partners_reference():
    alliances, parties = deal_frames()
    spec = specialisation(DEAL_ACTORS, DEAL_CLASSES, basis="deals", reference="partners",
                          alliances=alliances, parties=parties)  # fmt: skip
    # (location, deal) units: Flanders d1-d4 and d6 (f1 as w1's partner, for w1's cell),
    # US d1 d2 d4, DE d3, Wallonia d5 d6, JP d5 -> n = 12, antibodies 6, cell 6
    assert lq(spec, "Flanders", "antibodies") == pytest.approx((3 / 5) / (6 / 12))  # 1.2
    assert lq(spec, "Flanders", "cell_therapy") == pytest.approx((2 / 5) / (6 / 12))  # 0.8
    assert lq(spec, "US", "antibodies") == pytest.approx((2 / 3) / (6 / 12))
    assert lq(spec, "DE", "antibodies") == 2.0 and lq(spec, "JP", "cell_therapy") == 2.0
    assert set(spec["n"]) == {12}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"reference": "partners"},  # partners count deals
        {"basis": "deals"},  # without deals
        {"by": "province"},
        {"reference": "world"},
        {"basis": "patents"},
    ],
)
def test_specialisation_rejects(kwargs):
    with pytest.raises(BiorisError):
        specialisation(LQ_ACTORS, LQ_CLASSES, **kwargs)


firm_sets = st.lists(
    st.tuples(
        st.sampled_from(["Flanders", "Wallonia", "Brussels"]),
        st.sets(st.sampled_from(["antibodies", "cell_therapy", "vaccines"]), min_size=1),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, deadline=None)
@given(firm_sets)
def test_location_quotient_invariants(firms):
    actors = actors_frame([actor(f"n{i}", region=r) for i, (r, _) in enumerate(firms)], STUDY)
    classes = pl.DataFrame(
        [(f"n{i}", c, "") for i, (_, cats) in enumerate(firms) for c in sorted(cats)],
        schema=["actor_id", "category", "matched_text"], orient="row",
    )  # fmt: skip
    spec = specialisation(actors, classes)
    # the n_r-weighted mean of a category's LQs is 1: sum_r (n_r/n) * LQ_rc = sum_r n_rc / n_c
    means = spec.group_by("category").agg(
        (pl.col("n_r") / pl.col("n") * pl.col("lq")).sum().alias("lq")
    )
    assert means["lq"].to_list() == pytest.approx([1.0] * means.height)
    assert (spec["n_rc"] <= spec["n_r"]).all() and (spec["lq"] >= 0).all()
    # relabelling the regions relabels the rows and nothing else
    swap = {"Flanders": "Wallonia", "Wallonia": "Flanders", "Brussels": "Brussels"}
    swapped = actors_frame(
        [actor(f"n{i}", region=swap[r]) for i, (r, _) in enumerate(firms)], STUDY
    )
    again = specialisation(swapped, classes).with_columns(pl.col("region").replace(swap))
    assert again.sort("region", "category").equals(spec.sort("region", "category"))


# --- the bundled dataset ------------------------------------------------------------------


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The bundled dataset placed by its own study file, with its panel."""
    path = tmp_path_factory.mktemp("bundled") / "store.sqlite"
    init_store(path)
    with Study(open_store(path, read_only=True)) as opened:
        yield opened


def test_bundled_classification(study):
    actors, classified = study.actors, study.classified
    nbfs = actors.filter(pl.col("kind") == "nbf")["actor_id"]
    unclassified = classified.filter(
        (pl.col("category") == UNCLASSIFIED) & pl.col("actor_id").is_in(nbfs.implode())
    )
    assert set(unclassified["actor_id"]) == {"4aza", "bioxodes", "remynd", "syndesi-therapeutics"}
    assert set(classified["actor_id"]) == set(actors["actor_id"])
    cats = classified.filter(pl.col("actor_id") == "celyad")["category"].to_list()
    assert cats == ["cell_gene_therapy", "immuno_oncology"]
    # classifying again with the bundled taxonomy file gives the study's table
    taxonomy = load_taxonomy(files("bioris") / "data" / "subsector_taxonomy.csv")
    assert classify_subsectors(actors, taxonomy).equals(classified)


def test_bundled_known_specialisations(study):
    actors, classified, inputs = study.actors, study.classified, study.inputs
    firms = specialisation(actors, classified, firms=study.panel)
    # against the red-biotech panel: Flanders in nanobodies/antibodies and molecular
    # diagnostics; Wallonia in cell therapy and women's health
    assert lq(firms, "Flanders", "antibodies_nanobodies") > 1
    assert lq(firms, "Flanders", "molecular_diagnostics") > 1
    assert lq(firms, "Wallonia", "cell_gene_therapy") > 1
    assert lq(firms, "Wallonia", "women_health") > 1
    assert set(firms["region"]) <= set(study.definition.focal_regions)
    # the panel leaves out agbiotech: no panel firm is in it
    assert "agbiotech" not in set(firms["category"])
    deals = specialisation(actors, classified, firms=study.panel, basis="deals",
                           alliances=inputs.alliances, parties=inputs.parties)  # fmt: skip
    assert lq(deals, "Wallonia", "women_health") > 1
    partners = specialisation(actors, classified, firms=study.panel, basis="deals",
                              reference="partners", alliances=inputs.alliances,
                              parties=inputs.parties)  # fmt: skip
    assert {"US", "JP", "Flanders", "Wallonia"} <= set(partners["region"])
    for frame in (firms, deals, partners):
        assert (frame["lq"] >= 0).all() and frame["lq"].is_not_null().all()
