"""The API speaks for the study: its meta, checked vocabularies, actor names, layers of ties and
exits, on the bundled store (which holds the bundled study)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bioris.store import open_store
from bioris.study import Study
from tests.web.helpers import assert_error

# -- /api/meta states the study --------------------------------------------------------------


def test_meta_states_the_study(client: TestClient, bundled_path: Path) -> None:
    body = client.get("/api/meta").json()
    with Study(open_store(bundled_path, read_only=True, create=False)) as study:
        definition = study.definition
        expected = {
            "name": definition.name,
            "description": definition.description,
            "period": list(study.period),
            "period_declared": definition.period is not None,
            "window": study.window,
            "regions": [
                {
                    "name": r.name,
                    "countries": list(r.countries),
                    "codes": list(r.codes),
                    "colour": study.region_colours()[r.name],
                    "focal": r.focal,
                }
                for r in definition.regions
            ],
            "compared_regions": list(study.compared_regions()),
            "layers": [{"name": n, "deal_types": list(t)} for n, t in definition.layers],
            "network_layers": list(definition.network_layers),
            "panel_size": len(study.panel),
        }
        locations = list(dict.fromkeys(study.locations.values()))
    assert body["study"] == expected
    assert [r["name"] for r in body["study"]["regions"]] == ["Flanders", "Wallonia", "Brussels"]
    assert body["study"]["network_layers"] == ["alliance"]
    assert body["regions"] == locations
    assert body["settings"]["default_window"] == expected["window"]
    # the panel is the study's, not every actor of kind nbf
    nbfs = client.get("/api/actors", params={"kind": "nbf", "page_size": 1}).json()["total"]
    assert 0 < body["study"]["panel_size"] < nbfs


# -- vocabularies are checked ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "allowed", "hint"),
    [
        ("/api/actors", {"kind": "nbfs"}, "nbf, biotech, pharma", "'nbf'"),
        ("/api/actors", {"region": "Wallonnia"}, "Flanders, Wallonia, Brussels", "'Wallonia'"),
        ("/api/network", {"kind": "wizard"}, "nbf, biotech", None),
        ("/api/network", {"region": "Atlantis"}, "Flanders, Wallonia", None),
        ("/api/network", {"deal_type": "merger"}, "licensing_out", None),
        ("/api/network", {"layer": "alliances"}, "alliance, ma, financing, public", "'alliance'"),
        ("/api/measures", {"layer": ["alliance", "loans"]}, "alliance, ma", None),
        ("/api/partners", {"layer": "grants"}, "public", None),
        ("/api/partners", {"region": "Flandres"}, "Flanders", "'Flanders'"),
        ("/api/alliances", {"deal_type": "licence"}, "licensing_in", None),
        ("/api/alliances", {"stage": "phase 9"}, "phase1", None),
        ("/api/alliances.csv", {"stage": "phase9"}, "phase2", None),
    ],
)
def test_an_unknown_vocabulary_value_is_a_422_listing_the_allowed_ones(
    client: TestClient, path: str, params: dict, allowed: str, hint: str | None
) -> None:
    message = assert_error(client.get(path, params=params), 422)["message"]
    (name,) = params
    assert message.startswith(f"{name}: ") and "is not one of" in message
    assert allowed in message
    if hint:
        assert f"did you mean {hint}" in message


@pytest.mark.parametrize(
    ("path", "params", "same_as"),
    [
        ("/api/actors", {"kind": "NBF"}, {"kind": "nbf"}),
        ("/api/actors", {"region": "FLANDERS"}, {"region": "Flanders"}),
        ("/api/actors", {"region": "be"}, {"region": "BE"}),
        ("/api/alliances", {"deal_type": "Licensing Out"}, {"deal_type": "licensing_out"}),
        ("/api/alliances", {"stage": "PHASE2"}, {"stage": "phase2"}),
        ("/api/network", {"layer": "MA", "year": 2010}, {"layer": "ma", "year": 2010}),
        ("/api/partners", {"region": "wallonia", "year": 2015},
         {"region": "Wallonia", "year": 2015}),
    ],
)  # fmt: skip
def test_vocabulary_matching_ignores_case(
    client: TestClient, path: str, params: dict, same_as: dict
) -> None:
    got, expected = client.get(path, params=params), client.get(path, params=same_as)
    assert got.status_code == expected.status_code == 200
    assert got.json() == expected.json()


def test_the_openapi_document_lists_the_vocabularies(app) -> None:
    paths = app.openapi()["paths"]
    network = {p["name"]: p["schema"] for p in paths["/api/network"]["get"]["parameters"]}
    assert network["layer"]["items"]["enum"] == ["alliance", "ma", "financing", "public"]
    assert network["region"]["enum"][:3] == ["Flanders", "Wallonia", "Brussels"]
    assert "acquisition" in network["deal_type"]["enum"]
    actors = {p["name"]: p["schema"] for p in paths["/api/actors"]["get"]["parameters"]}
    assert "nbf" in actors["kind"]["enum"]


# -- actor filters take names ----------------------------------------------------------------


def _ids(client: TestClient, path: str, params: dict) -> list:
    body = client.get(path, params={**params, "page_size": 1000})
    assert body.status_code == 200, body.text
    key = "alliance_id" if path == "/api/alliances" else "year"
    return [row[key] for row in body.json()["items"]]


@pytest.mark.parametrize("name", ["Galapagos", "GALAPAGOS", "Galapagos Genomics", "Galapagos NV"])
def test_actor_filters_take_a_name_an_alias_or_a_former_name(client: TestClient, name: str) -> None:
    by_id = _ids(client, "/api/alliances", {"actor": "galapagos"})
    assert by_id and _ids(client, "/api/alliances", {"actor": name}) == by_id
    measures = _ids(client, "/api/measures", {"actor": "galapagos"})
    assert measures and _ids(client, "/api/measures", {"actor": name}) == measures
    csv = client.get("/api/alliances.csv", params={"actor": name})
    assert csv.headers["x-total-count"] == str(len(by_id))


def test_a_former_name_finds_the_actor(client: TestClient) -> None:
    # Celyad was Cardio3 BioSciences
    assert _ids(client, "/api/alliances", {"actor": "Cardio3 BioSciences"}) == _ids(
        client, "/api/alliances", {"actor": "celyad"}
    )


def test_partner_filter_takes_a_name(client: TestClient) -> None:
    deals = client.get("/api/alliances", params={"actor": "galapagos"}).json()["items"]
    other = next(p for p in deals[0]["parties"] if p["actor_id"] != "galapagos")
    by_name = _ids(client, "/api/alliances", {"actor": "Galapagos", "partner": other["name"]})
    assert by_name == _ids(client, "/api/alliances", {"actor": "galapagos",
                                                      "partner": other["actor_id"]})  # fmt: skip


@pytest.mark.parametrize(
    ("path", "name"),
    [("/api/alliances", "actor"), ("/api/alliances", "partner"),
     ("/api/alliances.csv", "actor"), ("/api/measures", "actor")],
)  # fmt: skip
def test_an_unknown_name_is_a_422_with_suggestions(
    client: TestClient, path: str, name: str
) -> None:
    message = assert_error(client.get(path, params={name: "Galapagoss"}), 422)["message"]
    assert message.startswith(f"{name}: no actor named 'Galapagoss'")
    assert "did you mean 'Galapagos'" in message
    assert "--create-missing" not in message  # an importer's hint, not a web client's


# -- layers ----------------------------------------------------------------------------------


def _pairs(body: dict) -> set[tuple[str, str]]:
    return {(e["source"], e["target"]) for e in body["edges"]}


def test_the_network_uses_the_study_network_layers_by_default(client: TestClient) -> None:
    default = client.get("/api/network", params={"year": 2010}).json()
    alliance = client.get("/api/network", params={"year": 2010, "layer": "alliance"}).json()
    assert default == alliance and default["layers"] == ["alliance"]
    more = client.get("/api/network", params={"year": 2010, "layer": ["alliance", "ma"]}).json()
    assert more["layers"] == ["alliance", "ma"]
    assert _pairs(default) < _pairs(more)


@pytest.mark.parametrize("deal_type", ["acquisition", "equity_investment", "grant"])
def test_acquisitions_equity_and_grants_are_not_alliance_ties(
    client: TestClient, deal_type: str
) -> None:
    alone = {"year": 2010, "deal_type": deal_type, "window": 30}
    asked = client.get("/api/network", params=alone).json()  # its own layer
    assert asked["edges"] and asked["layers"] != ["alliance"]
    inside = client.get("/api/network", params={**alone, "layer": "alliance"})
    assert inside.status_code == 422  # not an alliance: an error, never an empty network
    assert inside.json()["message"].startswith("deal_type: ")
    assert "licensing_out" in inside.json()["message"]
    # no pair of the default network is tied only by such deals
    default = _pairs(client.get("/api/network", params={"year": 2010, "window": 30}).json())
    alliance_types = client.get("/api/meta").json()["study"]["layers"][0]["deal_types"]
    deals = client.get("/api/alliances", params={"year_to": 2010, "page_size": 1000}).json()
    tied = {
        tuple(sorted((a["actor_id"], b["actor_id"])))
        for deal in deals["items"] if deal["deal_type"] in alliance_types
        for a in deal["parties"] for b in deal["parties"] if a["actor_id"] < b["actor_id"]
    }  # fmt: skip
    assert default <= tied


def test_measures_and_partners_take_layers(client: TestClient) -> None:
    params = {"year": 2012, "page_size": 1000}
    alliance = client.get("/api/measures", params=params).json()
    financing = client.get("/api/measures", params={**params, "layer": "financing"}).json()
    assert alliance["items"] != financing["items"]
    both = client.get("/api/measures", params={**params, "layer": ["financing", "alliance"]})
    assert both.json()["total"] >= max(alliance["total"], financing["total"])
    ranked = client.get("/api/partners", params={"year": 2012, "layer": ["alliance", "ALLIANCE"]})
    assert ranked.json()["layers"] == ["alliance"]  # one layer, named once
    assert client.get("/api/partners", params={"year": 2012}).json() == ranked.json()
    funded = client.get("/api/partners", params={"year": 2012, "layer": "financing"}).json()
    assert funded["layers"] == ["financing"] and funded["items"] != ranked.json()["items"]


# -- exits -----------------------------------------------------------------------------------


def _ranked(client: TestClient, year: int) -> set[str]:
    body = client.get("/api/partners", params={"year": year, "top": 1000}).json()
    return {r["actor_id"] for r in body["items"]}


def test_no_acquired_firm_is_ranked_after_its_exit_year(client: TestClient) -> None:
    assert {"tigenix", "ablynx"} <= _ranked(client, 2017)  # still independent then
    assert not {"tigenix", "ablynx", "ogeda"} & _ranked(client, 2020)
    # Innogenetics, bought by Solvay in 2008: ranked up to 2008, never after
    assert "innogenetics" in set().union(*(_ranked(client, y) for y in range(2000, 2009)))
    assert "innogenetics" not in set().union(*(_ranked(client, y) for y in range(2009, 2018)))


def test_actors_carry_their_exit_and_their_labels_stop_there(client: TestClient) -> None:
    body = client.get("/api/actors/innogenetics").json()
    assert (body["exit_year"], body["exit_kind"], body["in_panel"]) == (2008, "acquired", True)
    assert body["business_models"] and max(r["year"] for r in body["business_models"]) <= 2008
    alive = client.get("/api/actors/galapagos").json()
    assert alive["exit_year"] is None and alive["location"] == "Flanders"


def test_the_ranking_is_the_study_ranking(client: TestClient, bundled_path: Path) -> None:
    from bioris.study.network import ranking

    period = client.get("/api/meta").json()["study"]["period"]
    assert client.get("/api/partners").json()["year"] == period[1]

    def served(year: int) -> list[tuple[int, str]]:
        body = client.get("/api/partners", params={"year": year, "top": 1000}).json()
        return [(r["rank"], r["actor_id"]) for r in body["items"]]

    with Study(open_store(bundled_path, read_only=True, create=False)) as study:
        ranked = ranking(study, *period)  # the period's ranking, every year
        for year in (period[0] + 15, period[1]):
            expected = ranked.filter(ranked["year"] == year).sort("rank", "actor")
            assert served(year) == list(zip(expected["rank"], expected["actor"], strict=True))
        # a year outside the period is ranked alone, as `bioris partners --year` does
        alone = study.preferred_partners(2020, top=1000)
        assert served(2020) == list(zip(alone["rank"], alone["actor"], strict=True))
