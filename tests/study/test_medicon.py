"""A Danish-Swedish study, end to end through the CLI: bioris studies a region other than the
bundled one, and speaks of that study's regions only.

The data (``tests/data/medicon``, see its README) are approximate test facts on the Medicon
Valley cluster (the Capital Region of Denmark, DK-84, and Skåne, SE-M) with Stockholm-Uppsala
for contrast. The store is built once per module the way a new user would: ``init --empty``,
``study load``, ``import``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.study.helpers import (
    MEDICON,
    belgian_words,
    ok,
    ok_json,
    run,
)

STUDY, ACTORS, DEALS = MEDICON / "study.toml", MEDICON / "actors.csv", MEDICON / "deals.csv"
NAME = "Medicon Valley life-science RIS (test data)"
MV, SU = "Medicon Valley", "Stockholm-Uppsala"
PANEL = {
    # Medicon Valley, Danish side (DK-84, or the region's name with country DK)
    "Genmab", "Zealand Pharma", "Bavarian Nordic", "Ascendis Pharma", "Santaris Pharma",
    "Symphogen", "Veloxis Pharmaceuticals", "NeuroSearch", "Saniona", "Nuevolution",
    "EpiTherapeutics",
    # Medicon Valley, Swedish side (SE-M, or the region's name with country SE)
    "BioInvent", "Camurus", "Alligator Bioscience", "Active Biotech", "Hansa Biopharma",
    # Stockholm-Uppsala
    "Orexo", "Oncopeptides", "BioArctic", "Medivir",
}  # fmt: skip
#: panel firms and the year their independent life ended
EXITS = {"Santaris Pharma": 2014, "EpiTherapeutics": 2015, "Nuevolution": 2019,
         "Symphogen": 2020, "Veloxis Pharmaceuticals": 2020, "NeuroSearch": 2013}  # fmt: skip


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Medicon Valley store, made as a new user would."""
    path = tmp_path_factory.mktemp("medicon") / "mv.sqlite"
    ok("init", "--empty", "--store", path)
    ok("study", "load", STUDY, "--store", path)
    ok("import", ACTORS, DEALS, "--store", path)
    return path


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {r["name"]: r for r in rows}


# -- setting the study up ---------------------------------------------------------------------


def test_a_new_user_sets_up_the_study(tmp_path: Path):
    path = tmp_path / "mv.sqlite"
    assert "(empty)" in ok("init", "--empty", "--store", path)
    out = ok("study", "load", STUDY, "--store", path)
    assert f"loaded study {NAME!r}: focal regions {MV}, {SU}" in out
    code, out, err = run("import", ACTORS, DEALS, "--store", path)
    assert code == 0, err
    assert "imported 68 actors" in out and "55 deals; 0 actors created" in out
    # every region is placed (BioArctic's by the study); the one unknown acquirer is noted
    assert "gives no country" not in err
    assert "'Asahi Glass'" in err and "actors.csv:13" in err
    # loading the study again now counts its panel
    assert "panel of 20 firms" in ok("study", "load", STUDY, "--store", path)


def test_the_study_can_be_loaded_after_the_data(store: Path, tmp_path: Path):
    path = tmp_path / "late.sqlite"
    ok("init", "--empty", "--store", path)
    code, _, err = run("import", ACTORS, DEALS, "--store", path)
    assert code == 0 and "BioArctic (Stockholm-Uppsala)" in err  # no country yet: noted
    assert "panel of 20 firms" in ok("study", "load", STUDY, "--store", path)
    # the study places the actors the same whichever came first
    assert ok_json("actors", "--store", path) == ok_json("actors", "--store", store)


def test_study_show_prints_the_file_period_and_panel(store: Path):
    out = ok("study", "show", "--store", store)
    assert STUDY.read_text(encoding="utf-8").strip() in out
    assert "period in use: 2000-2020 (declared)" in out
    assert "Panel: 20 firms" in out
    for firm in ("Genmab", "BioInvent", "BioArctic"):
        assert firm in out
    for outside in ("CellaVision", "CMC Biologics", "Cellartis", "Swedish Orphan Biovitrum"):
        assert outside not in out
    assert not belgian_words(out)


def test_study_show_json(store: Path):
    shown = ok_json("study", "show", "--store", store)
    assert shown["name"] == NAME and shown["stored"] is True
    assert shown["period"] == shown["period_used"] == [2000, 2020]
    assert shown["period_source"] == "declared" and shown["window"] == 5
    regions = {r["name"]: r for r in shown["regions"]}
    assert list(regions) == [MV, SU, "West Sweden"]
    assert regions[MV]["countries"] == ["DK", "SE"] and regions[MV]["codes"] == ["DK-84", "SE-M"]
    assert regions[SU]["countries"] == ["SE"] and regions[SU]["codes"] == ["SE-AB", "SE-C"]
    assert [r["focal"] for r in regions.values()] == [True, True, False]
    assert shown["layers"]["alliance"][:2] == ["licensing_out", "licensing_in"]
    assert shown["layers"]["ma"] == ["acquisition"] and shown["network_layers"] == ["alliance"]
    assert shown["panel"]["exclude_categories"] == ["cdmo_bioprocessing", "biomaterials_medtech"]
    assert shown["panel_size"] == len(shown["panel"]["members"]) == 20
    assert shown["exits_in_panel"] == len(EXITS)
    names = {r["actor_id"]: r["name"] for r in ok_json("actors", "--store", store)}
    assert {names[i] for i in shown["panel"]["members"]} == PANEL


# -- actors and their places ------------------------------------------------------------------


def test_actors_of_a_cross_border_region(store: Path):
    rows = by_name(ok_json("actors", "--region", MV, "--store", store))
    # placed by an ISO 3166-2 code, or by the region's name with a country, on both sides
    for name, country in [("Genmab", "DK"), ("Zealand Pharma", "DK"), ("BioInvent", "SE"),
                          ("Alligator Bioscience", "SE"), ("Lund University", "SE"),
                          ("Medicon Valley Alliance", "DK"), ("Novo Nordisk", "DK")]:  # fmt: skip
        assert rows[name]["location"] == MV and rows[name]["country"] == country, name
    assert {r["country"] for r in rows.values()} == {"DK", "SE"}
    elsewhere = {"Orexo", "BioArctic", "Aarhus University", "Cellartis", "Sandberg Development"}
    assert not elsewhere & set(rows)
    assert rows["CellaVision"]["in_panel"] is False  # medtech: left out of the panel
    # case is ignored; the text table prints where each actor is
    assert by_name(ok_json("actors", "--region", "medicon valley", "--store", store)) == rows
    out = ok("actors", "--region", MV, "--kind", "nbf", "--store", store)
    assert "location" in out and MV in out and "Genmab" in out and "Lundbeck" not in out


def test_actors_of_a_region_named_without_a_country(store: Path):
    rows = by_name(ok_json("actors", "--region", SU, "--store", store))
    # BioArctic's file row names the region only: the study gives it its country
    assert rows["BioArctic"]["country"] == "SE" and rows["BioArctic"]["location"] == SU
    assert {"Orexo", "Oncopeptides", "Medivir", "Karolinska Institutet", "HealthCap"} <= set(rows)
    assert "Genmab" not in rows
    # a country code lists the country's actors, whichever region places them
    swedish = by_name(ok_json("actors", "--region", "SE", "--store", store))
    assert {"BioInvent", "Orexo", "BioArctic", "Cellartis", "Sandberg Development"} <= set(swedish)
    assert "Genmab" not in swedish
    assert swedish["Cellartis"]["location"] == "West Sweden"
    assert swedish["Sandberg Development"]["location"] == "SE"


# -- the network and the ranking --------------------------------------------------------------


def test_partners_rank_the_panel_in_the_last_year_of_the_study(store: Path):
    rows = ok_json("partners", "--store", store)
    assert rows and {r["year"] for r in rows} == {2020}  # the study period's last year
    explicit = ok_json("partners", "--year", "2020", "--store", store)
    assert [(r["rank"], r["name"]) for r in rows] == [(r["rank"], r["name"]) for r in explicit]
    names = {r["name"] for r in rows}
    assert names <= PANEL
    assert {r["location"] for r in rows} <= {MV, SU}
    # firms that exited before 2020 are not ranked
    assert not names & {n for n, year in EXITS.items() if year < 2020}
    # an acquisition is no alliance tie: Zealand's last alliance ended in 2015, its 2019
    # purchase of Encycle ranks it only when the M&A layer is asked for
    assert "Zealand Pharma" not in names
    with_ma = ok_json("partners", "--layer", "alliance", "--layer", "ma", "--store", store)
    assert "Zealand Pharma" in {r["name"] for r in with_ma}
    code, out, err = run("partners", "--store", store)
    assert code == 0 and "Most preferred partners, 2020" in out
    assert f"study {NAME!r}: panel of 20 firms; ties: alliance layer" in err
    assert "declared period 2000-2020" in err and "rule: Panel firms are ranked" in err
    assert not belgian_words(out + err)


@pytest.mark.parametrize("year", [2013, 2014, 2015, 2016, 2019, 2020])
def test_exited_firms_leave_the_ranking_after_their_exit_year(store: Path, year: int):
    ranked = {r["name"] for r in ok_json("partners", "--year", year, "--top", "50",
                                         "--store", store)}  # fmt: skip
    for firm, exit_year in EXITS.items():
        if exit_year < year:
            assert firm not in ranked, f"{firm} ranked in {year} after its exit in {exit_year}"


def test_the_ranking_does_not_depend_on_the_global_random_state(store: Path):
    """Every random process takes a seed: two runs must give the same table. (The 2020 network
    is a handful of dyads, where igraph's eigenvector centrality, drawing on Python's global
    ``random``, is arbitrary; see the report of this test's author.)"""
    import random

    from bioris.study import Study

    tables = []
    for seed in (1, 2):
        with Study.open(store) as study:
            random.seed(seed)
            tables.append(study.preferred_partners(2020))
    assert tables[0].equals(tables[1]), (
        tables[0]
        .join(tables[1], on="actor")
        .select("name", "eigenvector_rank", "eigenvector_rank_right")
    )


def test_partners_of_one_region(store: Path):
    rows = ok_json("partners", "--region", SU, "--year", "2016", "--store", store)
    assert rows and {r["location"] for r in rows} == {SU}
    assert "BioArctic" in {r["name"] for r in rows}


def test_partner_sensitivity(store: Path):
    payload = ok_json("partners", "--sensitivity", "--store", store)
    agreement = {r["scenario"]: r for r in payload["agreement"]}
    assert set(agreement) == {f"{n}-year ties, {layers}" for n in (3, 5, 7)
                              for layers in ("alliance", "alliance + financing")}  # fmt: skip
    assert agreement["5-year ties, alliance"]["kendall_tau"] == pytest.approx(1.0)
    assert all(-1 <= r["kendall_tau"] <= 1 for r in agreement.values())
    assert {r["name"] for r in payload["sensitivity"]} <= PANEL
    code, out, _ = run("partners", "--sensitivity", "--store", store)
    assert code == 0 and "Kendall's tau-b" in out and "7-year ties, alliance + financing" in out


# -- the regions compared ---------------------------------------------------------------------


def test_region_summary_compares_the_study_regions(store: Path):
    summary = ok_json("region", "summary", "--store", store)
    panel = next(r for r in summary["actors"] if r["kind"] == "panel")
    assert panel == {"kind": "panel", MV: 12, SU: 4}  # active in 2020: exits are not counted
    assert [r["location"] for r in summary["scope"]] == [MV, SU]
    assert {r["region"] for r in summary["specialisation"]} <= {MV, SU}
    assert {r["location"] for r in summary["infrastructure"]} <= {MV, SU}
    infrastructure = {(r["location"], r["kind"]) for r in summary["infrastructure"]}
    assert (MV, "network_org") in infrastructure  # Medicon Valley Alliance
    # partner ties are the alliance layer's: the Swedish financier without a region (which a
    # Skåne firm's tie could not place) took part in an equity round only, so no tie is unknown
    mv = summary["scope"][0]
    assert mv["unknown_ties"] == 0
    spun = {r["name"]: set(r["child"]) for r in summary["spinoffs"]}
    assert {"bioinvent", "camurus", "alligator-bioscience"} <= spun["Lund University"]
    out = ok("region", "summary", "--store", store)
    assert out.startswith(f"{NAME}: {MV}, {SU} compared, 2000-2020")
    assert "West Sweden" not in out.split("Strongest links")[0]  # declared, not compared
    assert not belgian_words(out)


def test_a_tie_across_the_border_inside_the_region_is_intra_regional(store: Path):
    # Saniona (Ballerup, DK-84) and Lund University (Lund, SE-M) in 2016: two countries, one
    # region; the only tie of the panel inside its own region that year
    actors = by_name(ok_json("actors", "--store", store))
    assert (actors["Saniona"]["country"], actors["Lund University"]["country"]) == ("DK", "SE")
    deals = ok_json("alliances", "--actor", "Saniona", "--from", "2016", "--to", "2016",
                    "--store", store)  # fmt: skip
    assert [d["parties"] for d in deals] == ["Saniona; Lund University"]
    summary = ok_json("region", "summary", "--from", "2016", "--to", "2016", "--store", store)
    mv = next(r for r in summary["scope"] if r["location"] == MV)
    assert mv["intra_regional"] == 1 and mv["intra_regional_share"] == pytest.approx(1 / mv["ties"])
    # the other Danish-side ties of 2016 reach Aarhus (Denmark, outside the region), a French
    # and a US partner
    assert (mv["inter_regional"], mv["european"], mv["global"]) == (1, 1, 1)
    loops = [r for r in summary["links"] if r["source_region"] == r["target_region"] == MV]
    assert [r["alliances"] for r in loops] == [1]


# -- firms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("firm", "kind", "year"), [("Santaris Pharma", "acquired", 2014),
                                                    ("Nuevolution", "acquired", 2019),
                                                    ("NeuroSearch", "closed", 2013)])  # fmt: skip
def test_firm_profile_ends_at_the_exit(store: Path, firm: str, kind: str, year: int):
    profile = ok_json("firms", "profile", firm, "--store", store)
    assert (profile["exit_kind"], profile["exit_year"]) == (kind, year)
    assert profile["location"] == MV and profile["in_panel"] is True
    years = [r["year"] for r in profile["years"]]
    assert years and max(years) <= year, f"{firm} has years after its exit in {year}"
    out = ok("firms", "profile", firm, "--store", store)
    assert f"{kind} {year}" in out and MV in out


def test_an_acquisition_is_listed_but_is_no_alliance_tie(store: Path):
    profile = ok_json("firms", "profile", "Santaris Pharma", "--store", store)
    sale = [d for d in profile["deals"] if d["deal_type"] == "acquisition"]
    assert len(sale) == 1 and sale[0]["layer"] == "ma" and sale[0]["partners"] == "Roche"


# -- layers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "deal_types", "count"),
    [("alliance", None, 37), ("ma", {"acquisition"}, 6), ("financing", {"equity_investment"}, 7),
     ("public", {"grant"}, 5)],
)  # fmt: skip
def test_deals_by_layer(store: Path, layer: str, deal_types: set[str] | None, count: int):
    deals = ok_json("alliances", "--layer", layer, "--store", store)
    assert len(deals) == count and {d["layer"] for d in deals} == {layer}
    if deal_types is not None:
        assert {d["deal_type"] for d in deals} == deal_types


def test_the_network_uses_the_alliance_layer(store: Path, tmp_path: Path):
    import polars as pl

    out = tmp_path / "m.csv"
    ok("network", "metrics", "--level", "year", "--out", out, "--store", store)
    years = pl.read_csv(out)["year"].to_list()
    assert years == list(range(2000, 2021))  # the study period
    graph = tmp_path / "graph"
    ok("export", "--format", "graphml", "--out", graph, "--store", store)
    text = (graph / "alliance-network.graphml").read_text(encoding="utf-8")
    assert "saniona" in text and "barda" not in text and "encycle-therapeutics" not in text
    assert not belgian_words(text)


# -- errors -----------------------------------------------------------------------------------


BAD_STUDY = """\
name = "Broken Medicon study"
period = [2020, 2000]

[[region]]
name = "Medicon Valley"
country = ["DK", "Sweden"]
codes = ["DK-84", "SEM!"]
colour = "blue"

[panel]
kinds = ["nbf", "startup"]
include = ["Genmabb"]

[layers]
alliance = ["licensing_out", "licencing_in"]
"""


def test_a_study_file_with_errors_is_located_and_stores_nothing(store: Path, tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_STUDY, encoding="utf-8")
    before = ok_json("study", "show", "--store", store)
    code, out, err = run("study", "load", bad, "--store", store)
    assert code == 1 and not out and "Traceback" not in err
    for line, message in [
        (2, "period 2020-2000 must run forward"),
        (6, "'Sweden' is not an ISO 3166-1 alpha-2 code"),
        (7, "'SEM!' is not an ISO 3166-1/3166-2 or NUTS code"),
        (8, "colour must be #RRGGBB"),
        (11, "'startup' is not one of"),
        (12, "did you mean 'Genmab'"),
        (15, "'licencing_in' is not one of"),
    ]:
        assert any(f"{bad}:{line}:" in row and message in row for row in err.splitlines()), (
            line, message, err,
        )  # fmt: skip
    assert ok_json("study", "show", "--store", store) == before  # the old study stays


def test_a_study_file_that_is_not_toml(tmp_path: Path):
    path = tmp_path / "s.sqlite"
    ok("init", "--empty", "--store", path)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "Medicon Valley"\n[[region]\nname = "x"\n', encoding="utf-8")
    code, _, err = run("study", "load", bad, "--store", path)
    assert code == 1 and f"{bad}:2:" in err and "not valid TOML" in err
    assert "no study file was loaded" in ok("study", "show", "--store", path)  # nothing stored


@pytest.mark.parametrize(
    ("args", "bad", "suggestion"),
    [
        (("actors", "--region", "Wallonia"), "--region: 'Wallonia'", None),
        (("partners", "--region", "Medicon Vally"), "--region: 'Medicon Vally'", MV),
        (("actors", "--kind", "startup"), "--kind: 'startup'", None),
        (("partners", "--layer", "alliances"), "--layer: 'alliances'", "alliance"),
        (("alliances", "--layer", "grants"), "--layer: 'grants'", None),
        (("alliances", "--deal-type", "licencing"), "--deal-type: 'licencing'", "licensing_out"),
    ],
)  # fmt: skip
def test_unknown_vocabulary_values_are_errors_listing_the_allowed_ones(
    store: Path, args: tuple[str, ...], bad: str, suggestion: str | None
):
    code, out, err = run(*args, "--store", store)
    assert code == 1 and not out.strip() and "Traceback" not in err
    assert f"{bad} is not one of:" in err
    allowed = err.split("is not one of:", 1)[1]
    if "--region" in args:
        assert MV in allowed and SU in allowed and "DK" in allowed
    if "--layer" in args:
        assert "alliance, ma, financing, public" in allowed
    if suggestion is not None:
        assert repr(suggestion) in err.split("did you mean", 1)[1]


# -- the report and the web view (being moved over to the Study right now) ---------------------


@pytest.mark.depends_on("reporting")
def test_report_speaks_of_the_study_regions(store: Path, tmp_path: Path):
    """The report names the study's regions and has no Belgian word in it: not in its text,
    figures or scripts, nor in the charting library, which ships packed."""
    out = tmp_path / "mv.html"
    code, _, err = run("report", "--out", out, "--store", store)
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert MV in html and SU in html and NAME in html
    assert "Plotly.newPlot" in html  # the figures are there
    assert not belgian_words(html), belgian_words(html)[:5]


@pytest.mark.depends_on("web")
def test_web_view_speaks_of_the_study_regions(store: Path):
    """Depends on the web view's move to the Study (bioris.web): fails until it lands."""
    from fastapi.testclient import TestClient

    from bioris.web import create_app

    app = create_app(store)
    try:
        with TestClient(app, base_url="http://localhost") as client:  # an allowed host
            bodies = {}
            for path in ("/api/meta", "/api/regions", "/api/partners"):
                response = client.get(path)
                assert response.status_code == 200, (path, response.text[:500])
                bodies[path] = response.json()
                assert not belgian_words(response.text), (path, belgian_words(response.text)[:3])
            assert MV in json.dumps(bodies["/api/meta"]) and SU in json.dumps(bodies["/api/meta"])
            regions = json.dumps(bodies["/api/regions"])
            assert MV in regions and SU in regions
            partners = bodies["/api/partners"]
            items = partners["items"] if isinstance(partners, dict) else partners
            assert items and {i["name"] for i in items} <= PANEL
            assert MV in json.dumps(partners)
            # vocabulary values are checked in the API too, listing the allowed ones
            unknown = client.get("/api/partners", params={"region": "Wallonia"})
            assert 400 <= unknown.status_code < 500 and MV in unknown.text
            unknown = client.get("/api/partners", params={"layer": "allianc"})
            assert 400 <= unknown.status_code < 500 and "'alliance'" in unknown.text
    finally:
        service = getattr(app.state, "service", None)
        if service is not None:
            service.close()
