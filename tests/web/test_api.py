"""The JSON API over the bundled store and a tiny hostile one: every route, happy and not."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from bioris.analytics import RANKING_RULE
from bioris.analytics.geography import location_colours
from bioris.domain import ActorKind, DealType, Stage
from bioris.store import AllianceFilter, open_store
from tests.web.helpers import EVIL, EVIL_ALIAS, QUOTED, assert_error, local_client

# -- meta ------------------------------------------------------------------------------------


def test_meta_describes_the_store(client: TestClient, bundled_path) -> None:
    body = client.get("/api/meta").json()
    with open_store(bundled_path, read_only=True) as store:
        assert body["counts"] == store.counts()
        years = [a.year for a in store.alliances() if a.year is not None]
    assert body["dataset"] == "belgian-red-biotech"
    assert body["years"] == [min(years), max(years)]
    assert body["kinds"] == [k.value for k in ActorKind]
    assert body["deal_types"] == [d.value for d in DealType]
    assert body["stages"] == [s.value for s in Stage]
    # the declared regions first, in the study's order, then locations and countries
    assert body["regions"][:3] == ["Flanders", "Wallonia", "Brussels"]
    assert "BE" in body["regions"] and "US" in body["regions"]
    assert body["layers"] == ["alliance", "ma", "financing", "public"]
    assert body["settings"] == {"default_page_size": 100, "max_page_size": 1000,
                                "default_window": 5}  # fmt: skip


# -- actors ----------------------------------------------------------------------------------


def test_actors_page_through_all_actors(client: TestClient) -> None:
    first = client.get("/api/actors", params={"page_size": 50}).json()
    assert (first["page"], first["page_size"], len(first["items"])) == (1, 50, 50)
    total = first["total"]
    seen = []
    for page in range(1, total // 50 + 2):
        seen += client.get("/api/actors", params={"page": page, "page_size": 50}).json()["items"]
    ids = [a["actor_id"] for a in seen]
    assert len(ids) == total and ids == sorted(ids)
    assert set(seen[0]) == {
        "actor_id", "name", "kind", "country", "region", "location", "in_panel", "exit_year",
        "exit_kind", "city", "founded", "ipo_year", "exit", "aliases", "source_urls",
        "confidence",
    }  # fmt: skip


def test_a_page_past_the_end_is_empty_with_the_total(client: TestClient) -> None:
    body = client.get("/api/actors", params={"page": 999}).json()
    assert body["items"] == [] and body["total"] > 0


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "GALAPAGOS"}, {"galapagos"}),  # case-insensitive name
        ({"q": "galapagos genomics"}, {"galapagos"}),  # an alias
        ({"q": "%"}, set()),  # literal, not a LIKE wildcard
        ({"q": "_"}, set()),
        ({"kind": "nbf", "q": "galapagos"}, {"galapagos"}),
        ({"kind": "pharma", "q": "galapagos"}, set()),
        ({"region": "flanders", "q": "galapagos"}, {"galapagos"}),
        ({"region": "be", "q": "galapagos"}, {"galapagos"}),
        ({"region": "Wallonia", "q": "galapagos"}, set()),
    ],
)
def test_actor_filters(client: TestClient, params: dict, expected: set[str]) -> None:
    body = client.get("/api/actors", params=params).json()
    assert {a["actor_id"] for a in body["items"]} == expected
    assert body["total"] == len(expected)


def test_actor_kind_and_region_filters_agree_with_the_data(client: TestClient) -> None:
    body = client.get("/api/actors", params={"kind": "nbf", "region": "Flanders"}).json()
    assert body["total"] > 0
    assert all(a["kind"] == "nbf" and a["location"] == "Flanders" for a in body["items"])
    belgian = client.get("/api/actors", params={"region": "BE", "page_size": 1000}).json()
    assert {a["country"] for a in belgian["items"]} == {"BE"}
    assert body["total"] < belgian["total"]


def test_unicode_search_ignores_case(tiny_client: TestClient) -> None:
    body = tiny_client.get("/api/actors", params={"q": "UNIVERSITÉ"}).json()
    assert [a["actor_id"] for a in body["items"]] == ["uni"]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"page_size": 1001}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "one"}, "page"),
        ({"kind": "wizard"}, "kind"),
        ({"region": "Atlantis"}, "region"),
        ({"region": "x" * 201}, "region"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_actor_parameters_are_422_naming_them(
    client: TestClient, params: dict, name: str
) -> None:
    body = assert_error(client.get("/api/actors", params=params), 422)
    assert f"{name}:" in body["message"]


# -- actor profile ---------------------------------------------------------------------------


def test_actor_profile_of_an_nbf(client: TestClient) -> None:
    body = client.get("/api/actors/galapagos").json()
    assert body["actor_id"] == "galapagos" and body["kind"] == "nbf"
    deals = client.get("/api/alliances", params={"actor": "galapagos"}).json()
    assert body["deals_total"] == deals["total"] == len(body["deals"])
    dates = [(d["year"] or 0, d["date"] or "") for d in body["deals"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert all("galapagos" in [p["actor_id"] for p in d["parties"]] for d in body["deals"])
    partners = body["partners"]
    assert partners and [p["deals"] for p in partners] == sorted(
        (p["deals"] for p in partners), reverse=True
    )
    assert "galapagos" not in {p["actor_id"] for p in partners}
    measures = body["measures"]
    assert measures and [m["year"] for m in measures] == sorted(m["year"] for m in measures)
    assert all(isinstance(m["degree"], int) and m["degree"] >= 1 for m in measures)
    labels = body["business_models"]
    assert labels and set(labels[0]) == {"year", "product_model", "value_chain", "oi_mode",
                                         "portfolio_mix"}  # fmt: skip
    assert isinstance(body["lineage"], list)


def test_actor_profile_measures_match_the_measures_route(client: TestClient) -> None:
    body = client.get("/api/actors/galapagos").json()
    rows = client.get("/api/measures", params={"actor": "galapagos", "page_size": 1000}).json()
    expected = [{k: v for k, v in r.items() if k not in ("actor_id", "name")}
                for r in rows["items"]]  # fmt: skip
    assert body["measures"] == expected


def test_business_models_only_for_panel_firms(client: TestClient) -> None:
    pharma = client.get("/api/actors", params={"kind": "pharma", "page_size": 1}).json()
    actor_id = pharma["items"][0]["actor_id"]
    assert client.get(f"/api/actors/{actor_id}").json()["business_models"] == []
    firms = client.get("/api/actors", params={"kind": "nbf", "page_size": 1000}).json()
    outside = [a["actor_id"] for a in firms["items"] if not a["in_panel"]]
    assert outside  # the study's panel leaves out some NBFs (agbiotech, medtech, ...)
    assert client.get(f"/api/actors/{outside[0]}").json()["business_models"] == []


def test_lineage_names_parents(tiny_client: TestClient) -> None:
    (fact,) = tiny_client.get("/api/actors/evil").json()["lineage"]
    assert fact == {"relation": "subsidiary_of", "target": "quoted", "target_name": QUOTED,
                    "start_year": 2010, "end_year": None, "notes": None}  # fmt: skip


@pytest.mark.parametrize("actor_id", ["ghost", "'; DROP TABLE actors; --", "%00", "x" * 150])
def test_unknown_actor_is_404(client: TestClient, actor_id: str) -> None:
    body = assert_error(client.get(f"/api/actors/{actor_id}"), 404)
    assert body["message"].startswith("no actor ")
    assert "sqlite" not in body["message"]  # no server path leaks


def test_overlong_actor_id_is_422(client: TestClient) -> None:
    assert_error(client.get("/api/actors/" + "x" * 201), 422)


# -- alliances -------------------------------------------------------------------------------


def _all(client: TestClient, **params: object) -> list[dict]:
    return client.get("/api/alliances", params={**params, "page_size": 1000}).json()["items"]


def test_alliances_default_order_and_paging(client: TestClient, bundled_path) -> None:
    with open_store(bundled_path, read_only=True) as store:
        expected = [a.alliance_id for a in store.alliances(AllianceFilter())]
    assert [a["alliance_id"] for a in _all(client)] == expected
    page2 = client.get("/api/alliances", params={"page": 2, "page_size": 10}).json()
    assert [a["alliance_id"] for a in page2["items"]] == expected[10:20]
    assert page2["total"] == len(expected)


def test_alliance_objects_have_the_contract_fields(client: TestClient) -> None:
    (first,) = client.get("/api/alliances", params={"page_size": 1}).json()["items"]
    assert set(first) == {
        "alliance_id", "year", "date", "deal_type", "stage_at_signing", "asset",
        "therapeutic_area", "parties", "upfront_eur", "milestones_eur", "equity_eur",
        "committed_eur", "headline_eur", "notes", "source_urls", "confidence",
    }  # fmt: skip
    assert set(first["parties"][0]) == {"actor_id", "name", "role", "focal"}


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"actor": "galapagos"}, lambda a: "galapagos" in [p["actor_id"] for p in a["parties"]]),
        ({"year_from": 2005, "year_to": 2008}, lambda a: 2005 <= a["year"] <= 2008),
        ({"deal_type": "licensing_out"}, lambda a: a["deal_type"] == "licensing_out"),
        ({"stage": "phase2"}, lambda a: a["stage_at_signing"] == "phase2"),
        ({"min_value_eur": 100}, lambda a: a["headline_eur"] >= 100),
    ],
)
def test_alliance_filters(client: TestClient, params: dict, check) -> None:
    found = _all(client, **params)
    assert found and all(check(a) for a in found)


def test_actor_and_partner_filter_pairs(client: TestClient) -> None:
    deals = _all(client, actor="galapagos")
    partner = next(p["actor_id"] for p in deals[0]["parties"] if p["actor_id"] != "galapagos")
    pair = _all(client, actor="galapagos", partner=partner)
    assert pair and all({"galapagos", partner} <= {p["actor_id"] for p in a["parties"]}
                        for a in pair)  # fmt: skip


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("year", lambda a: a["year"] if a["year"] is not None else 10_000),
        ("date", lambda a: a["date"] or "~"),
        ("headline_eur", lambda a: a["headline_eur"]),
        ("deal_type", lambda a: a["deal_type"]),
    ],
)
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_alliance_sorting(client: TestClient, sort: str, key, order: str) -> None:
    found = _all(client, sort=sort, order=order)
    values = [key(a) for a in found]
    if order == "desc" and sort in ("year", "date"):  # undated and dateless stay last
        values = [v for v in values if v not in (10_000, "~")]
    assert values == sorted(values, reverse=order == "desc")


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"sort": "name"}, "sort"),
        ({"order": "up"}, "order"),
        ({"deal_type": "merger"}, "deal_type"),
        ({"stage": "phase9"}, "stage"),
        ({"min_value_eur": -1}, "min_value_eur"),
        ({"min_value_eur": "nan"}, "min_value_eur"),
        ({"min_value_eur": "inf"}, "min_value_eur"),
        ({"year_from": 10_000}, "year_from"),
        ({"year_to": "2010; DROP"}, "year_to"),
        ({"page_size": 100_000}, "page_size"),
    ],
)
def test_bad_alliance_parameters_are_422(client: TestClient, params: dict, name: str) -> None:
    body = assert_error(client.get("/api/alliances", params=params), 422)
    assert f"{name}:" in body["message"]


def test_alliances_csv_download(client: TestClient) -> None:
    response = client.get("/api/alliances.csv", params={"actor": "galapagos", "order": "desc"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    deals = _all(client, actor="galapagos", order="desc")
    assert [r["alliance_id"] for r in rows] == [a["alliance_id"] for a in deals]
    assert response.headers["x-total-count"] == str(len(deals))
    assert all("galapagos" in r["party_ids"].split("; ") for r in rows)


def test_alliances_csv_is_capped_and_neutralised(tiny_app, tiny_path) -> None:
    from bioris.web import create_app

    capped = local_client(create_app(tiny_path, max_returned_rows=1, default_page_size=1))
    response = capped.get("/api/alliances.csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 1 and response.headers["x-total-count"] == "2"
    assert rows[0]["notes"] == '\'=HYPERLINK("http://x")'
    everything = local_client(tiny_app).get("/api/alliances.csv")
    notes = [r["notes"] for r in csv.DictReader(io.StringIO(everything.text))]
    assert notes == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]


# -- network ---------------------------------------------------------------------------------


def test_network_snapshot(client: TestClient) -> None:
    body = client.get("/api/network", params={"year": 2010, "window": 5}).json()
    assert (body["year"], body["window"]) == (2010, 5)
    assert 2010 in body["years"] and body["years"] == sorted(body["years"])
    ids = {n["id"] for n in body["nodes"]}
    assert body["edges"] and all(e["source"] in ids and e["target"] in ids for e in body["edges"])
    node = body["nodes"][0]
    assert set(node) == {"id", "name", "kind", "location", "group", "colour", "degree",
                         "betweenness", "x", "y"}  # fmt: skip
    meta = client.get("/api/meta").json()
    colours = location_colours({r["name"]: r["colour"] for r in meta["study"]["regions"]})
    assert all(colours[n["group"]] == n["colour"] for n in body["nodes"])
    groups = {n["id"]: n["group"] for n in body["nodes"]}
    assert groups.get("galapagos", "Flanders") == "Flanders"
    assert all(-1 <= n["x"] <= 1 and -1 <= n["y"] <= 1 for n in body["nodes"])
    degree = {n["id"]: n["degree"] for n in body["nodes"]}
    ends = [e["source"] for e in body["edges"]] + [e["target"] for e in body["edges"]]
    assert degree == {i: ends.count(i) for i in ids}
    assert all(e["alliances"] >= 1 for e in body["edges"])


def test_network_defaults_to_the_last_year(client: TestClient) -> None:
    meta = client.get("/api/meta").json()
    assert client.get("/api/network").json()["year"] == meta["study"]["period"][1] == 2017


def test_positions_are_stable_across_years_and_windows(client: TestClient) -> None:
    snapshots = [
        client.get("/api/network", params={"year": year, "window": window}).json()
        for year, window in ((2006, 5), (2012, 5), (2016, 3))
    ]
    positions: dict[str, tuple[float, float]] = {}
    for body in snapshots:
        for node in body["nodes"]:
            place = (node["x"], node["y"])
            assert positions.setdefault(node["id"], place) == place


def test_network_filters(client: TestClient) -> None:
    whole = client.get("/api/network", params={"year": 2012}).json()
    region = client.get("/api/network", params={"year": 2012, "region": "flanders"}).json()
    kinds = {n["id"]: n["kind"] for n in whole["nodes"]}
    places = {n["id"]: n["location"] for n in whole["nodes"]}
    assert 0 < len(region["edges"]) < len(whole["edges"])
    assert all("Flanders" in (places[e["source"]], places[e["target"]]) for e in region["edges"])
    nbf = client.get("/api/network", params={"year": 2012, "kind": "nbf"}).json()
    assert nbf["edges"] and all("nbf" in (kinds[e["source"]], kinds[e["target"]])
                                for e in nbf["edges"])  # fmt: skip
    layer = client.get("/api/network", params={"year": 2012, "deal_type": "licensing_out"})
    assert 0 < len(layer.json()["edges"]) < len(whole["edges"])


def test_network_of_an_empty_year_is_empty(client: TestClient) -> None:
    body = client.get("/api/network", params={"year": 1900}).json()
    assert body["nodes"] == [] and body["edges"] == [] and body["years"]


@pytest.mark.parametrize(
    ("params", "name"),
    [({"window": 0}, "window"), ({"window": 31}, "window"), ({"kind": "x"}, "kind"),
     ({"year": "MMX"}, "year"), ({"deal_type": "'--"}, "deal_type"),
     ({"region": "Atlantis"}, "region"), ({"layer": "alliances"}, "layer")],
)  # fmt: skip
def test_bad_network_parameters_are_422(client: TestClient, params: dict, name: str) -> None:
    assert f"{name}:" in assert_error(client.get("/api/network", params=params), 422)["message"]


# -- measures, partners, regions -------------------------------------------------------------


def test_measures_paged_and_filtered(client: TestClient) -> None:
    body = client.get("/api/measures", params={"year": 2010, "page_size": 5}).json()
    assert len(body["items"]) == 5 and body["total"] > 5
    row = body["items"][0]
    assert row["year"] == 2010 and row["name"]
    assert set(row) == {"actor_id", "name", "year", "degree", "betweenness", "eigenvector",
                        "constraint", "effective_size", "coordinator", "itinerant",
                        "gatekeeper", "representative", "liaison", "brokerage_total"}  # fmt: skip
    everything = client.get("/api/measures", params={"year": 2010, "page_size": 1000}).json()
    network = client.get("/api/network", params={"year": 2010}).json()
    assert everything["total"] == len(network["nodes"])
    assert_error(client.get("/api/measures", params={"actor": "nobody"}), 422)


def test_measures_of_another_window(client: TestClient) -> None:
    five = client.get("/api/measures", params={"actor": "galapagos", "year": 2012}).json()
    one = client.get("/api/measures", params={"actor": "galapagos", "year": 2012, "window": 1})
    assert five["items"][0]["degree"] >= one.json()["items"][0]["degree"]


def test_partner_ranking(client: TestClient) -> None:
    body = client.get("/api/partners", params={"year": 2015, "top": 5}).json()
    assert body["rule"] == RANKING_RULE
    assert (body["year"], body["window"], body["layers"]) == (2015, 5, ["alliance"])
    ranks = [r["rank"] for r in body["items"]]
    assert ranks and ranks == sorted(ranks) and ranks[0] == 1 and max(ranks) <= 5
    assert set(body["items"][0]) == {
        "rank", "actor_id", "name", "location", "big_pharma_partners", "distinct_partners",
        "target_alliances", "active_alliances", "repeat_partners",
    }  # fmt: skip
    ranked = [client.get(f"/api/actors/{r['actor_id']}").json() for r in body["items"]]
    assert all(a["in_panel"] for a in ranked)
    assert client.get("/api/partners", params={"year": 1900}).json()["items"] == []
    assert_error(client.get("/api/partners", params={"top": 0}), 422)


@pytest.mark.parametrize("region", ["Wallonia", "flanders"])
def test_partner_ranking_within_a_region(client: TestClient, region: str) -> None:
    params = {"year": 2015, "top": 1000}
    everyone = client.get("/api/partners", params=params).json()["items"]
    local = client.get("/api/partners", params=params | {"region": region}).json()["items"]
    assert local and {r["location"] for r in local} == {region.capitalize()}
    # The same order as in the whole ranking, ranked again among themselves.
    wanted = region.casefold()
    same_region = [r["actor_id"] for r in everyone if (r["location"] or "").casefold() == wanted]
    assert [r["actor_id"] for r in local] == same_region
    assert local[0]["rank"] == 1 and len(local) < len(everyone)
    top = client.get("/api/partners", params={"year": 2015, "top": 2, "region": region}).json()
    assert max(r["rank"] for r in top["items"]) <= 2
    nowhere = client.get("/api/partners", params=params | {"region": "Atlantis"})
    assert "region:" in assert_error(nowhere, 422)["message"]


def test_regions(client: TestClient) -> None:
    body = client.get("/api/regions").json()
    tables = {"actors", "specialisation", "scope", "links", "infrastructure", "spinoffs"}
    assert set(body) == tables | {"regions", "start", "end"}
    assert all(body[name] for name in tables)
    assert body["regions"] == ["Flanders", "Wallonia", "Brussels"]
    assert (body["start"], body["end"]) == (1987, 2017)
    assert list(body["actors"][0]) == ["kind", "Flanders", "Wallonia", "Brussels"]
    assert body["actors"][0]["kind"] == "panel"  # the panel firms first
    assert {r["location"] for r in body["scope"]} <= set(body["regions"])
    assert {"Flanders", "Wallonia"} <= {r["location"] for r in body["scope"]}
    assert all("location" in r for r in body["spinoffs"])
    assert {r["region"] for r in body["specialisation"]} <= set(body["regions"])


# -- pages, static files, docs ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/deals", "/regions", "/actor/galapagos", "/docs"])
def test_pages_are_html(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


def test_plotly_is_served_offline(client: TestClient) -> None:
    response = client.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert b"plotly.js" in response.content[:200]


@pytest.mark.parametrize("path", ["/docs/docs.js", "/docs/docs.css", "/static/index.html"])
def test_assets(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "path", ["/static/nope.js", "/static/../app.py", "/docs/evil.js", "/api/nope", "/nope"]
)
def test_unknown_paths_are_404_json(client: TestClient, path: str) -> None:
    assert_error(client.get(path), 404)


def test_openapi_documents_every_route(app) -> None:
    paths = app.openapi()["paths"]
    assert set(paths) == {
        "/api/meta", "/api/actors", "/api/actors/{actor_id}", "/api/alliances",
        "/api/alliances.csv", "/api/network", "/api/measures", "/api/partners", "/api/regions",
    }  # fmt: skip
    for item in paths.values():
        responses = item["get"]["responses"]
        assert {"200", "422", "503"} <= set(responses)
        assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/ErrorOut"
        )


# -- names from the data are escaped everywhere ----------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/actors", "/api/actors/evil", "/api/alliances", "/api/network?year=2012",
     "/api/measures", "/api/partners?year=2012", "/api/actors?q=%3Cscript%3E"],
)  # fmt: skip
def test_hostile_names_never_appear_as_markup(tiny_client: TestClient, path: str) -> None:
    response = tiny_client.get(path)
    assert response.status_code == 200
    raw = response.content
    assert b"<" not in raw and b">" not in raw and b"&" not in raw.replace(b"\\u0026", b"")
    text = json.dumps(response.json(), ensure_ascii=False)
    assert EVIL in text  # the name itself is intact once parsed
    if path.startswith("/api/actors"):
        assert EVIL_ALIAS in text


def test_errors_echoing_input_are_escaped(client: TestClient) -> None:
    response = client.get("/api/actors/<b onmouseover=x>")
    assert b"<" not in response.content
    assert "<b onmouseover=x>" in assert_error(response, 404)["message"]
