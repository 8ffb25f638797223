"""The web view of a study that is not the bundled one: a few Danish and Swedish actors, and a
study declaring the cross-border region Medicon Valley (Copenhagen's DK-84 and Skåne's SE-M)
beside Stockholm-Uppsala. Its meta, actors, network, partners and regions speak of its own
regions, with its own colours, and never of the bundled study's."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from bioris.domain import (
    Actor,
    ActorKind,
    Alliance,
    Dataset,
    DealType,
    LineageFact,
    LineageRelation,
    Party,
    Role,
    Stage,
)
from bioris.store import open_store
from bioris.study import Study
from bioris.web import create_app
from tests.web.helpers import local_client

STUDY = """
name = "Medicon Valley life science (test)"
description = "Danish and Swedish biotech firms of a cross-border cluster."
period = [2010, 2021]
window = 5

[[region]]
name = "Medicon Valley"
country = ["DK", "SE"]
codes = ["DK-84", "SE-M"]
colour = "#1F5AA6"
focal = true

[[region]]
name = "Stockholm-Uppsala"
country = "SE"
codes = ["SE-AB", "SE-C"]
focal = true

[panel]
kinds = ["nbf"]
"""

A = ActorKind
ACTORS = (
    Actor("genmab", "Genmab", A.NBF, None, "DK-84", "Copenhagen", 1999),  # country from code
    Actor("symphogen", "Symphogen", A.NBF, "DK", "DK-84", "Ballerup", 2000),
    Actor("alligator", "Alligator Bioscience", A.NBF, "SE", "SE-M", "Lund", 2001),
    Actor("bioinvent", "BioInvent", A.NBF, "SE", "SE-M", "Lund", 1996),
    Actor("camurus", "Camurus", A.NBF, "SE", "SE-M", "Lund", 1991),
    Actor("oncopeptides", "Oncopeptides", A.NBF, "SE", "SE-AB", "Stockholm", 2000),
    Actor("sobi", "Sobi", A.BIOTECH, "SE", "SE-AB", "Stockholm"),
    Actor("novo-nordisk", "Novo Nordisk", A.PHARMA, "DK", "DK-84", "Bagsværd"),
    Actor("novo-holdings", "Novo Holdings", A.FINANCIER, "DK", "DK-84"),
    Actor("lund-university", "Lund University", A.UNIVERSITY, "SE", "SE-M", "Lund"),
    Actor("vinnova", "Vinnova", A.GOVERNMENT, "SE", "SE-AB"),
    Actor("pfizer", "Pfizer", A.PHARMA, "US"),
    Actor("johnson-johnson", "Johnson & Johnson", A.PHARMA, "US"),
    Actor("servier", "Servier", A.PHARMA, "FR"),
)


def _deal(key: str, year: int, kind: DealType, *parties: tuple[str, Role]) -> Alliance:
    return Alliance(
        key, year, str(year), kind,
        tuple(Party(actor, role, i == 0) for i, (actor, role) in enumerate(parties)),
        Stage.PRECLINICAL,
    )  # fmt: skip


R, D = Role, DealType
DEALS = (
    _deal("genmab-jj", 2012, D.LICENSING_OUT, ("genmab", R.LICENSOR),
          ("johnson-johnson", R.LICENSEE)),
    _deal("alligator-genmab", 2016, D.CO_DEVELOPMENT, ("alligator", R.COLLABORATOR),
          ("genmab", R.COLLABORATOR)),  # Lund-Copenhagen: inside Medicon Valley
    _deal("bioinvent-pfizer", 2016, D.RESEARCH_COLLABORATION, ("bioinvent", R.COLLABORATOR),
          ("pfizer", R.COLLABORATOR)),
    _deal("symphogen-pfizer", 2015, D.LICENSING_OUT, ("symphogen", R.LICENSOR),
          ("pfizer", R.LICENSEE)),
    _deal("symphogen-lund", 2019, D.RESEARCH_COLLABORATION, ("symphogen", R.COLLABORATOR),
          ("lund-university", R.COLLABORATOR)),
    _deal("servier-symphogen", 2020, D.ACQUISITION, ("symphogen", R.TARGET),
          ("servier", R.ACQUIRER)),
    _deal("novo-holdings-genmab", 2015, D.EQUITY_INVESTMENT, ("genmab", R.INVESTEE),
          ("novo-holdings", R.INVESTOR)),
    _deal("oncopeptides-sobi", 2017, D.LICENSING_OUT, ("oncopeptides", R.LICENSOR),
          ("sobi", R.LICENSEE)),
    _deal("camurus-novo", 2018, D.LICENSING_OUT, ("camurus", R.LICENSOR),
          ("novo-nordisk", R.LICENSEE)),
    _deal("vinnova-bioinvent", 2014, D.GRANT, ("bioinvent", R.GRANTEE),
          ("vinnova", R.GRANTOR)),
)  # fmt: skip
LINEAGE = (LineageFact("symphogen", LineageRelation.ACQUIRED_BY, "servier", 2020),)
# what the bundled study would say; this study must never say it
FOREIGN = re.compile(r"flanders|wallonia|brussels|belgi|bioregion", re.IGNORECASE)
MEDICON = "Medicon Valley"


@pytest.fixture(scope="module")
def medicon(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    folder = tmp_path_factory.mktemp("medicon")
    path = folder / "medicon.sqlite"
    with open_store(path) as store, store.transaction():
        store.write(Dataset(actors=ACTORS, lineage=LINEAGE, alliances=DEALS))
    study_file = folder / "study.toml"
    study_file.write_text(STUDY, encoding="utf-8")
    with Study(open_store(path)) as study:
        study.load_definition(study_file)
    app = create_app(path, warm=True)
    yield local_client(app, raise_server_exceptions=False)
    app.state.service.close()


def _get(client: TestClient, path: str, **params: object) -> dict:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text[:500]
    assert not FOREIGN.search(response.text), FOREIGN.search(response.text)
    return response.json()


def test_meta_states_its_own_study(medicon: TestClient) -> None:
    study = _get(medicon, "/api/meta")["study"]
    assert study["name"] == "Medicon Valley life science (test)"
    assert (study["period"], study["period_declared"], study["window"]) == ([2010, 2021], True, 5)
    first, second = study["regions"]
    assert first == {"name": MEDICON, "countries": ["DK", "SE"], "codes": ["DK-84", "SE-M"],
                     "colour": "#1F5AA6", "focal": True}  # fmt: skip
    assert second["name"] == "Stockholm-Uppsala" and second["colour"] != first["colour"]
    assert study["compared_regions"] == [MEDICON, "Stockholm-Uppsala"]
    assert study["panel_size"] == 6
    regions = _get(medicon, "/api/meta")["regions"]
    assert regions[:2] == [MEDICON, "Stockholm-Uppsala"] and {"DK", "SE", "US"} <= set(regions)


def test_actors_are_placed_in_its_regions(medicon: TestClient) -> None:
    body = _get(medicon, "/api/actors", region="medicon valley", page_size=100)
    placed = {a["actor_id"]: (a["country"], a["location"]) for a in body["items"]}
    assert set(placed) == {"genmab", "symphogen", "alligator", "bioinvent", "camurus",
                           "novo-nordisk", "novo-holdings", "lund-university"}  # fmt: skip
    assert placed["genmab"] == ("DK", MEDICON)  # DK-84 gives the country
    assert placed["alligator"] == ("SE", MEDICON)
    swedes = _get(medicon, "/api/actors", region="SE", page_size=100)["items"]
    assert {a["location"] for a in swedes} == {MEDICON, "Stockholm-Uppsala"}
    gone = _get(medicon, "/api/actors/symphogen")
    assert (gone["exit_year"], gone["exit_kind"], gone["in_panel"]) == (2020, "acquired", True)


def test_network_colours_its_regions_and_a_cross_border_tie_is_inside_one(
    medicon: TestClient,
) -> None:
    body = _get(medicon, "/api/network", year=2018)
    nodes = {n["id"]: n for n in body["nodes"]}
    assert (nodes["genmab"]["group"], nodes["genmab"]["colour"]) == (MEDICON, "#1F5AA6")
    assert nodes["alligator"]["group"] == MEDICON and nodes["camurus"]["group"] == MEDICON
    assert nodes["pfizer"]["group"] == "North America"
    assert ("alligator", "genmab") in {(e["source"], e["target"]) for e in body["edges"]}
    # equity rounds are ties only when the financing layer is asked for
    assert "novo-holdings" not in nodes
    funded = _get(medicon, "/api/network", year=2016, layer=["alliance", "financing"])
    assert ("genmab", "novo-holdings") in {(e["source"], e["target"]) for e in funded["edges"]}
    local = _get(medicon, "/api/network", year=2018, region="Stockholm-Uppsala")
    assert {(e["source"], e["target"]) for e in local["edges"]} == {("oncopeptides", "sobi")}


def test_partners_rank_its_panel_within_its_regions_and_stop_at_exits(
    medicon: TestClient,
) -> None:
    ranked = _get(medicon, "/api/partners", year=2019, top=100, region=MEDICON)["items"]
    assert ranked and {r["location"] for r in ranked} == {MEDICON}
    assert "symphogen" in {r["actor_id"] for r in ranked}
    later = _get(medicon, "/api/partners", year=2021, top=100)["items"]
    assert later and "symphogen" not in {r["actor_id"] for r in later}  # acquired in 2020
    assert _get(medicon, "/api/partners")["year"] == 2021


def test_regions_compare_its_own_regions(medicon: TestClient) -> None:
    body = _get(medicon, "/api/regions")
    assert body["regions"] == [MEDICON, "Stockholm-Uppsala"]
    assert (body["start"], body["end"]) == (2010, 2021)
    assert list(body["actors"][0]) == ["kind", MEDICON, "Stockholm-Uppsala"]
    assert body["actors"][0]["kind"] == "panel" and body["actors"][0][MEDICON] >= 4
    scope = {r["location"]: r for r in body["scope"]}
    assert scope[MEDICON]["intra_regional"] >= 1  # Alligator-Genmab crosses no region's border
    assert {r["region"] for r in body["specialisation"]} <= set(body["regions"])


def test_nothing_served_names_another_study(medicon: TestClient) -> None:
    for path in ("/openapi.json", "/api/alliances", "/api/measures", "/api/actors/genmab",
                 "/", "/regions", "/static/network.js", "/static/regions.js",
                 "/static/profile.js", "/static/app.js", "/static/index.html"):  # fmt: skip
        response = medicon.get(path)
        assert response.status_code == 200, path
        assert not FOREIGN.search(response.text), (path, FOREIGN.search(response.text))
    document = json.dumps(medicon.get("/openapi.json").json())
    assert MEDICON in document  # its regions are the documented region values
