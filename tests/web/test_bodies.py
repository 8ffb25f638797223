"""How responses are kept and sent: rendered snapshots (escaped, gzip-compressed once, sent
compressed to clients that accept it), the JSON of every deal serialised once, the weighted
cache that bounds them, and the index the deal table reads."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bioris.domain import Alliance, Dataset, DealType, Party, Role
from bioris.store import AllianceFilter, open_store
from bioris.store.queries import alliance_id_select
from bioris.web import create_app
from bioris.web.deal_bodies import DealBodies, with_raw_list
from bioris.web.records import JsonBody, accepts_gzip
from bioris.web.runtime import LruCache
from bioris.web.schemas import AllianceOut, AlliancePage
from tests.web.helpers import EVIL, TINY, local_client

# -- content negotiation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip", True),
        ("gzip, deflate, br", True),
        ("deflate, GZIP;q=0.5", True),
        ("x-gzip", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),  # an explicit refusal wins over the wildcard
        ("*;q=0", False),
        ("identity", False),
        ("deflate, br", False),
        ("", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_accepts_gzip_follows_rfc_9110(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_json_body_is_escaped_then_compressed() -> None:
    raw = json.dumps({"name": EVIL}).encode()
    body = JsonBody.of(raw)
    assert body.plain == gzip.decompress(body.gzip)
    assert b"<" not in body.plain and json.loads(body.plain) == {"name": EVIL}
    assert body.nbytes == len(body.plain) + len(body.gzip)
    assert JsonBody.of(raw).gzip == body.gzip  # no timestamp: the same bytes every time


def test_snapshot_is_sent_compressed_to_clients_that_accept_gzip(client: TestClient) -> None:
    url = "/api/network?year=2010&window=5"
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert packed.status_code == plain.status_code == 200
    assert packed.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert packed.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"
    assert int(packed.headers["content-length"]) < int(plain.headers["content-length"])
    assert packed.json() == plain.json() and plain.json()["nodes"]


def test_head_of_a_compressed_snapshot_has_no_body(client: TestClient) -> None:
    response = client.head("/api/network?year=2010", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-encoding"] == "gzip"


def test_hostile_names_are_escaped_inside_compressed_snapshots(tiny_client: TestClient) -> None:
    response = tiny_client.get("/api/network?year=2012", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert b"<" not in response.content and b">" not in response.content
    assert EVIL in {n["name"] for n in response.json()["nodes"]}


def test_accept_encoding_given_twice_is_read_whole(client: TestClient) -> None:
    headers = [("Accept-Encoding", "identity"), ("Accept-Encoding", "gzip")]
    response = client.get("/api/network?year=2010", headers=headers)
    assert response.headers["content-encoding"] == "gzip"


# -- snapshots are rendered at start-up and kept ---------------------------------------------


def test_warming_renders_every_year_of_the_default_window(app) -> None:
    service = app.state.service
    years = service.network.tie_years(service.window, service.network.base)
    kept, size = service.network.snapshots_kept
    assert kept >= len(years) > 20 and size > 0


def test_a_full_snapshot_cache_keeps_the_year_the_explorer_opens_on(bundled_path: Path) -> None:
    service = create_app(bundled_path).state.service
    network, window = service.network, service.window
    years = network.tie_years(window, network.base)
    total = sum(network.snapshot(y, window, network.base).nbytes for y in years)
    # Start again with room for about half of them.
    network._snapshots = LruCache(1000, max_weight=total // 2, weigh=lambda b: b.nbytes)
    network.warm(window)
    kept = {y for y in years if network._snapshots.peek((y, window, network.base))}
    assert years[-1] in kept and years[0] not in kept and 0 < len(kept) < len(years)


def test_snapshots_under_a_small_memory_bound_are_the_same(bundled_path: Path) -> None:
    tight = create_app(bundled_path, web_snapshot_cache_mb=1).state.service
    client = local_client(create_app(bundled_path))
    for year in range(1995, 2018):
        expected = client.get(f"/api/network?year={year}").json()
        assert json.loads(tight.network_body(year, 5, tight.focus()).plain) == expected
    kept, size = tight.network.snapshots_kept
    assert size <= 1_000_000 and kept >= 1


# -- the weighted least-recently-used cache --------------------------------------------------


def test_lru_cache_drops_the_least_recently_used_by_weight() -> None:
    cache = LruCache(100, max_weight=10, weigh=len)
    assert cache.get("a", lambda: "aaaa") == "aaaa"
    cache.get("b", lambda: "bbbb")
    cache.get("a", lambda: "unused")  # a is now the most recently used
    cache.get("c", lambda: "cccc")  # 12 > 10: b goes
    assert cache.peek("b") is None and cache.peek("a") == "aaaa" and cache.peek("c") == "cccc"
    assert cache.weight == 8 and len(cache) == 2
    assert cache.get("huge", lambda: "x" * 11) == "x" * 11  # returned, never kept
    assert cache.peek("huge") is None and cache.weight == 8


def test_lru_cache_reads_count_as_uses() -> None:
    cache = LruCache(2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    assert cache.peek("a") == 1  # a is now the most recently used
    cache.get("c", lambda: 3)
    assert cache.peek("b") is None and cache.peek("a") == 1


def test_lru_cache_weight_stays_true_when_a_key_is_kept_twice() -> None:
    # Two overlapping computations of one key (the first result had been dropped) keep it
    # twice: the second replaces the first.
    cache = LruCache(10, max_weight=100, weigh=len)
    with cache._lock:
        cache._keep("a", "x" * 10, 10)
        cache._keep("a", "y" * 20, 20)
    assert cache.weight == 20 and len(cache) == 1 and cache.peek("a") == "y" * 20
    assert cache._budget is not None and cache._budget.weight == 20


def test_lru_cache_counts_entries_without_weights() -> None:
    cache = LruCache(2)
    for key in "abc":
        cache.get(key, lambda key=key: key.upper())
    assert cache.peek("a") is None and len(cache) == 2 and cache.weight == 0


# -- deals serialised once -------------------------------------------------------------------


def test_deal_bodies_match_the_response_model(bundled_path: Path) -> None:
    with open_store(bundled_path, read_only=True) as store:
        data = store.dataset()
    bodies = DealBodies(data.alliances, {a.actor_id: a.name for a in data.actors})
    for alliance in data.alliances:
        expected = AllianceOut.model_validate(bodies.as_dict(alliance)).model_dump(mode="json")
        assert json.loads(bodies.body(alliance.alliance_id)) == expected
    ids = [a.alliance_id for a in data.alliances[:3]]
    assert [a["alliance_id"] for a in json.loads(bodies.array(ids))] == ids
    assert json.loads(bodies.array([])) == []
    with pytest.raises(KeyError):
        bodies.body("no-such-deal")


def test_with_raw_list_is_the_model_with_the_list() -> None:
    page = AlliancePage(items=[], page=2, page_size=3, total=7)
    spliced = json.loads(with_raw_list(page, "items", b'[{"a": "<b>"}]'))
    assert spliced == {"items": [{"a": "<b>"}], "page": 2, "page_size": 3, "total": 7}


def test_profile_deals_are_the_actors_alliances_newest_first(client: TestClient) -> None:
    profile = client.get("/api/actors/galapagos").json()
    listed = client.get(
        "/api/alliances", params={"actor": "galapagos", "order": "desc", "page_size": 1000}
    ).json()
    assert profile["deals"] == listed["items"] and profile["deals_total"] == listed["total"]


def test_alliances_another_process_adds_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with open_store(path) as store, store.transaction():
        store.write(TINY)
    client = local_client(create_app(path, warm=True), raise_server_exceptions=False)
    before = client.get("/api/alliances").json()
    late = Alliance(
        "zz-new", 2016, "2016-01", DealType.OPTION,
        (Party("quoted", Role.LICENSEE, True), Party("uni", Role.LICENSOR, False)),
    )  # fmt: skip
    with open_store(path) as writer, writer.transaction():
        writer.write(Dataset(actors=(), lineage=(), alliances=(late,)))
    newest = client.get("/api/alliances", params={"sort": "date", "order": "desc"})
    assert newest.status_code == 200, newest.text
    assert newest.json()["items"][0]["alliance_id"] == "zz-new"
    assert newest.json()["items"][0]["parties"][1]["name"] == "Université de Liège"
    assert "zz-new" not in {a["alliance_id"] for a in before["items"]}
    profile = client.get("/api/actors/uni")
    assert profile.status_code == 200 and "zz-new" in {d["alliance_id"] for d in
                                                       profile.json()["deals"]}  # fmt: skip


# -- the deal table reads an index in order --------------------------------------------------


def test_deal_type_filter_reads_the_index_in_order(bundled_path: Path) -> None:
    connection = sqlite3.connect(f"file:{bundled_path}?mode=ro", uri=True)
    try:
        for flt in (
            AllianceFilter(deal_type="licensing_out", limit=100, offset=100),
            AllianceFilter(deal_type="grant", year_from=2000, year_to=2005, limit=100),
        ):
            sql, params = alliance_id_select(flt)
            plan = " ".join(row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql,
                                                                 params))  # fmt: skip
            assert "alliances_type_year" in plan and "TEMP B-TREE" not in plan, plan
    finally:
        connection.close()
