"""Snapshots over ``max_response_kb`` are reduced to the top actors that fit, and say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bioris.web import create_app
from bioris.web.records import JsonBody
from bioris.web.reduction import REDUCTION_RULE, fit_snapshot, top_actors
from tests.web.helpers import local_client

URL = "/api/network?year=2015"


def _node(actor: str, degree: int) -> dict:
    return {"id": actor, "name": actor, "kind": "nbf", "location": "Flanders",
            "group": "Flanders", "colour": "#E8A600", "degree": degree, "betweenness": 0.0,
            "x": 0.0, "y": 0.0}  # fmt: skip


def _edge(source: str, target: str) -> dict:
    return {"source": source, "target": target, "alliances": 1, "committed_eur": 0.0}


def _render(nodes: list[dict], edges: list[dict], reduced: dict | None) -> JsonBody:
    payload = {"nodes": nodes, "edges": edges, "reduced": reduced}
    return JsonBody.of(json.dumps(payload, separators=(",", ":")).encode())


def test_top_actors_keeps_the_highest_degrees_and_the_ties_among_them() -> None:
    nodes = [_node("a", 1), _node("b", 3), _node("c", 2), _node("d", 2)]
    edges = [_edge("a", "b"), _edge("b", "c"), _edge("b", "d"), _edge("c", "d")]
    kept, ties = top_actors(nodes, edges, 2)
    assert [n["id"] for n in kept] == ["b", "c"]  # c before d: ties broken by id
    assert ties == [_edge("b", "c")]
    assert top_actors(nodes, edges, 0) == ([], [])


def test_fit_snapshot_returns_the_full_body_when_it_fits() -> None:
    nodes, edges = [_node("a", 1), _node("b", 1)], [_edge("a", "b")]
    full = _render(nodes, edges, None)
    assert fit_snapshot(nodes, edges, _render, len(full.plain), full) is full


@pytest.mark.parametrize("limit_share", [0.9, 0.5, 0.2])
def test_fit_snapshot_keeps_as_many_top_actors_as_fit(limit_share: float) -> None:
    nodes = [_node(f"actor{i:03d}", i % 17) for i in range(300)]
    edges = [_edge(f"actor{i:03d}", f"actor{(i * 7 + 3) % 300:03d}") for i in range(300)]
    full = _render(nodes, edges, None)
    limit = int(len(full.plain) * limit_share)
    body = fit_snapshot(nodes, edges, _render, limit, full)
    assert len(body.plain) <= limit
    shown = json.loads(body.plain)
    note = shown["reduced"]
    assert note["actors"] == 300 and note["ties"] == 300 and note["rule"] == REDUCTION_RULE
    assert note["actors_shown"] == len(shown["nodes"]) < 300
    assert note["ties_shown"] == len(shown["edges"])
    # the largest count that fits (within the 2 % aimed under the limit): one more does not
    more = top_actors(nodes, edges, len(shown["nodes"]) + 1)
    assert len(_render(*more, note).plain) > limit * 0.98
    expected = {n["id"] for n in top_actors(nodes, edges, note["actors_shown"])[0]}
    assert {n["id"] for n in shown["nodes"]} == expected


def test_fit_snapshot_keeps_no_actor_when_none_fits() -> None:
    nodes, edges = [_node("a", 1), _node("b", 1)], [_edge("a", "b")]
    full = _render(nodes, edges, None)
    empty = len(_render([], [], {"rule": REDUCTION_RULE, "actors": 2, "ties": 1,
                                 "actors_shown": 0, "ties_shown": 0,
                                 "max_response_kb": 0}).plain)  # fmt: skip
    body = json.loads(fit_snapshot(nodes, edges, _render, empty + 10, full).plain)
    assert body["nodes"] == [] and body["reduced"]["actors"] == 2


def test_a_complete_snapshot_says_it_is_not_reduced(client: TestClient) -> None:
    assert client.get(URL).json()["reduced"] is None


@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_snapshots_over_the_size_limit_are_reduced_whatever_the_encoding(
    client: TestClient, bundled_path: Path, encoding: str
) -> None:
    full = client.get(URL).json()
    plain = client.get(URL, headers={"Accept-Encoding": "identity"})
    limit_kb = int(plain.headers["content-length"]) // 2048  # half the snapshot's JSON
    limited = local_client(create_app(bundled_path, max_response_kb=limit_kb))
    response = limited.get(URL, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    body = response.json()
    assert len(json.dumps(body, separators=(",", ":"))) <= limit_kb * 1024
    note = body["reduced"]
    assert note["rule"] == REDUCTION_RULE and note["max_response_kb"] == limit_kb
    assert (note["actors"], note["ties"]) == (len(full["nodes"]), len(full["edges"]))
    assert 0 < note["actors_shown"] == len(body["nodes"]) < len(full["nodes"])
    assert note["ties_shown"] == len(body["edges"])
    # the actors shown are those of highest degree, measured on the whole network
    ranked = sorted(full["nodes"], key=lambda n: (-n["degree"], n["id"]))
    top = {n["id"]: n for n in ranked[: note["actors_shown"]]}
    assert {n["id"]: n for n in body["nodes"]} == top
    assert all(e["source"] in top and e["target"] in top for e in body["edges"])
    expected = [e for e in full["edges"] if e["source"] in top and e["target"] in top]
    assert body["edges"] == expected
