"""Every route and parameter fuzzed with hostile text: never a 5xx, always the JSON error
shape, never markup in a JSON body, and the store's bytes never change.

The strings mix quotes, ``;``, ``--``, SQL, NUL, wildcards, markup, path tricks, Unicode
(including JavaScript line separators), numbers in odd notations and 10,000-character text
with values a route accepts, so that both the validation and the code behind it are hit.
Examples are derandomized: every run tries the same inputs.

``q`` is free text (any value is a search); ``region``, ``actor`` and ``partner`` name a place
or an actor the study must know: an unknown one is a 422 error naming the parameter.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bioris.domain import ActorKind, DealType, Stage
from tests.web.helpers import assert_error, digest

FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

NASTY = [
    "", " ", "'", '"', ";", "--", "' OR '1'='1", "'; DROP TABLE actors; --", "1; --",
    "\x00", "a\x00b", "%", "_", "%_%", "\\", "/", "..", "../../etc/passwd", "%2e%2e%2f",
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "{{7*7}}", "${jndi:x}",
    "NaN", "nan", "inf", "-inf", "1e309", "-1", "0", "00", "+5", "0x10", "1_000", "9" * 30,
    "١٢", "２０１０", "é", "Université", "\u2028", "\u2029", "\ufeff", "🧬", "𝔘𝔫𝔦",
    "x" * 10_000, "'" * 10_000,
]  # fmt: skip
HOSTILE = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet="'\";-%_\x00<>&\\/ ", max_size=30),
)


def _values(*valid: object) -> st.SearchStrategy[object]:
    # map() keeps HOSTILE one branch, so valid and hostile values come about equally often
    return st.one_of(HOSTILE.map(lambda x: x), st.sampled_from(valid))


ACTOR_IDS = ("galapagos", "ablynx", "Ablynx")
VALID: dict[str, tuple[object, ...]] = {}


def _valid(name: str, *valid: object) -> st.SearchStrategy[object]:
    VALID[name] = valid
    return _values(*valid)


TEXT_PARAMS = ("q", "region", "actor", "partner")
# text the study checks: a place or an actor it must know
CHECKED_TEXT = ("region", "actor", "partner")
PARAMS = {
    "kind": _valid("kind", *(k.value for k in ActorKind)),
    "region": _valid("region", "Flanders", "wallonia", "BE", "us", " "),
    "q": _valid("q", "gal", "GALAPAGOS", "genomics", "nv"),
    "page": _valid("page", 1, 2, 3, 10**6),
    "page_size": _valid("page_size", 1, 5, 50, 1000),
    "actor": _valid("actor", *ACTOR_IDS, "Galapagos NV", "innogenetics"),
    "partner": _valid("partner", *ACTOR_IDS),
    "layer": _valid("layer", "alliance", "MA", "financing", "public"),
    "year_from": _valid("year_from", 1980, 2005, 2017),
    "year_to": _valid("year_to", 1990, 2010, 2030),
    "year": _valid("year", 1980, 1999, 2010, 2017, 2020, 0, 9999),
    "deal_type": _valid("deal_type", *(d.value for d in DealType)),
    "stage": _valid("stage", *(s.value for s in Stage)),
    "min_value_eur": _valid("min_value_eur", 0, 0.5, 100, 1e12),
    "sort": _valid("sort", "year", "date", "headline_eur", "deal_type"),
    "order": _valid("order", "asc", "desc"),
    "window": _valid("window", 1, 3, 5),
    "top": _valid("top", 1, 10, 1000),
}
ROUTES = {
    "/api/meta": (),
    "/api/regions": (),
    "/api/actors": ("kind", "region", "q", "page", "page_size"),
    "/api/alliances": ("actor", "partner", "year_from", "year_to", "deal_type", "stage",
                       "min_value_eur", "sort", "order", "page", "page_size"),
    "/api/alliances.csv": ("actor", "partner", "year_from", "year_to", "deal_type", "stage",
                           "min_value_eur", "sort", "order"),
    "/api/network": ("year", "window", "region", "kind", "deal_type", "layer"),
    "/api/measures": ("year", "actor", "window", "layer", "page", "page_size"),
    "/api/partners": ("year", "top", "window", "layer", "region"),
}  # fmt: skip


def _check(response) -> None:
    """Not a server error; errors in the JSON shape; JSON bodies free of markup."""
    assert response.status_code < 500, response.text[:300]
    assert response.headers["x-content-type-options"] == "nosniff"
    if response.request.method == "HEAD":
        assert response.content == b""
    elif response.status_code >= 400:
        assert_error(response, response.status_code)
    elif response.headers["content-type"].startswith("application/json"):
        assert b"<" not in response.content and b">" not in response.content
        response.json()


def _query(route: str, *, hostile_types: bool = True) -> st.SearchStrategy[dict[str, object]]:
    """Some of the route's parameters; without ``hostile_types`` only the free-text ones
    may be hostile (the typed ones are valid), so the text reaches the queries."""
    optional = {}
    for name in ROUTES[route]:
        strategy = PARAMS[name]
        if not hostile_types and name not in TEXT_PARAMS:
            strategy = st.sampled_from(VALID[name])
        optional[name] = strategy
    return st.fixed_dictionaries({}, optional=optional)


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_fuzz_query_parameters(
    route: str, client: TestClient, bundled_path: Path, bundled_digest: str
) -> None:
    @FUZZ
    @given(params=_query(route), noise=st.dictionaries(HOSTILE, HOSTILE, max_size=2))
    def fuzz(params: dict[str, object], noise: dict[str, str]) -> None:
        # Unknown parameters (noise) are ignored; known ones validated.
        _check(client.get(route, params={**noise, **params}))

    fuzz()
    assert digest(bundled_path) == bundled_digest


@pytest.mark.parametrize("route", sorted(r for r in ROUTES if ROUTES[r]))
def test_fuzz_text_reaches_the_queries(
    route: str, client: TestClient, bundled_path: Path, bundled_digest: str
) -> None:
    @FUZZ
    @given(params=_query(route, hostile_types=False))
    def fuzz(params: dict[str, object]) -> None:
        response = client.get(route, params=params)
        _check(response)
        long_text = any(len(str(params.get(n, ""))) > 200 for n in TEXT_PARAMS)
        checked = [n for n in CHECKED_TEXT if n in params]
        if "deal_type" in params and "layer" in params:
            checked.append("deal_type")  # a deal type outside the layers asked for
        if long_text:
            assert response.status_code == 422, response.text[:300]
        elif response.status_code == 422:  # a place or a name the study does not know
            message = response.json()["message"]
            assert any(message.startswith(f"{n}: ") for n in checked), message[:300]
        else:
            assert response.status_code == 200, response.text[:300]

    fuzz()
    assert digest(bundled_path) == bundled_digest


@pytest.mark.parametrize("prefix", ["/api/actors/", "/actor/", "/static/", "/docs/", "/api/"])
def test_fuzz_path_segments(
    prefix: str, client: TestClient, bundled_path: Path, bundled_digest: str
) -> None:
    @FUZZ
    @given(segment=_values(*ACTOR_IDS, "index.html", "app.css", "docs.js", "meta"))
    def fuzz(segment: object) -> None:
        _check(client.get(prefix + quote(str(segment), safe="")))
        _check(client.head(prefix + quote(str(segment), safe="")))

    fuzz()
    assert digest(bundled_path) == bundled_digest


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_fuzz_writes_are_refused(
    method: str, client: TestClient, bundled_path: Path, bundled_digest: str
) -> None:
    @settings(max_examples=10, deadline=None, derandomize=True)
    @given(route=st.sampled_from(sorted(ROUTES)), body=HOSTILE)
    def fuzz(route: str, body: str) -> None:
        assert_error(client.request(method, route, content=body.encode()), 405)

    fuzz()
    assert digest(bundled_path) == bundled_digest


def test_hostile_store_fuzzed(tiny_client: TestClient, tiny_path: Path) -> None:
    before = digest(tiny_path)

    @FUZZ
    @given(route=st.sampled_from(sorted(ROUTES)), data=st.data())
    def fuzz(route: str, data: st.DataObject) -> None:
        _check(tiny_client.get(route, params=data.draw(_query(route))))

    fuzz()
    assert digest(tiny_path) == before
