"""The ``Host`` check (``web_allowed_hosts``): loopback names by default, any port; others
only when listed; a redirect never names the request's host.

Before: any Host was answered, so a page of another site whose name was pointed at
127.0.0.1 (DNS rebinding) could read the whole API from a visitor's browser, and the 307 of
``/api/actors/`` sent the browser to ``http://<that host>/api/actors``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bioris.errors import BiorisError
from bioris.web import create_app
from bioris.web.safety import AllowedHosts
from tests.web.helpers import assert_error


@pytest.mark.parametrize(
    "host",
    ["localhost", "localhost:8000", "LOCALHOST:1", "localhost.", "127.0.0.1", "127.0.0.1:65535",
     "[::1]", "[::1]:8000", "[0:0:0:0:0:0:0:1]:8000"],
)  # fmt: skip
def test_loopback_names_are_answered_on_any_port(client: TestClient, host: str) -> None:
    response = client.get("/api/meta", headers={"host": host})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "host",
    ["attacker.example", "attacker.example:8000", "localhost.attacker.example", "127.0.0.2",
     "0.0.0.0:8000", "[::2]", "localhost@attacker.example", "local host", "", "[::1", "::1"],
)  # fmt: skip
def test_other_hosts_get_a_json_400_with_the_security_headers(
    client: TestClient, host: str
) -> None:
    for path in ("/api/meta", "/", "/static/app.css", "/api/actors/"):
        response = client.get(path, headers={"host": host}, follow_redirects=False)
        body = assert_error(response, 400)
        assert "web_allowed_hosts" in body["message"]
        assert response.headers["x-frame-options"] == "DENY"
        assert "location" not in response.headers


def test_a_request_without_a_host_is_refused(app) -> None:
    # HTTP/1.0 allows it (h11 refuses an HTTP/1.1 request without one: a 400 too)
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/api/meta", "raw_path": b"/api/meta",
             "query_string": b"", "headers": [], "http_version": "1.0", "scheme": "http",
             "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5000),
             "root_path": ""}  # fmt: skip
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 400
    assert b"no Host header" in sent[1]["body"]


def test_redirects_never_name_the_request_host(client: TestClient, tiny_path: Path) -> None:
    response = client.get("/api/actors/", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/api/actors"
    # even when every host is answered
    anyone = TestClient(create_app(tiny_path, web_allowed_hosts="*"), base_url="http://a.example")
    for path, target in (("/api/actors/", "/api/actors"), ("/static", "/static/")):
        response = anyone.get(path, follow_redirects=False)
        assert response.status_code == 307 and response.headers["location"] == target


def test_web_allowed_hosts_names_the_hosts_answered(tiny_path: Path) -> None:
    app = create_app(tiny_path, web_allowed_hosts=" bio.example.org , 192.168.1.5,[fe80::1] ")
    for host in ("bio.example.org", "BIO.example.org:8443", "192.168.1.5:8000", "[fe80::1]"):
        client = TestClient(app, base_url=f"http://{host}")
        assert client.get("/api/meta").status_code == 200, host
    for host in ("localhost", "example.org", "www.bio.example.org"):  # a list replaces the default
        assert_error(TestClient(app, base_url=f"http://{host}").get("/api/meta"), 400)


def test_a_star_answers_any_host(tiny_path: Path) -> None:
    client = TestClient(create_app(tiny_path, web_allowed_hosts="localhost,*"))
    assert client.get("/api/meta", headers={"host": "anything.example"}).status_code == 200


def test_the_setting_comes_from_the_environment(tiny_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BIORIS_WEB_ALLOWED_HOSTS", "bio.example.org")
    client = TestClient(create_app(tiny_path), base_url="http://bio.example.org")
    assert client.get("/api/meta").status_code == 200
    with pytest.raises(BiorisError, match="web_allowed_hosts is empty"):
        create_app(tiny_path, web_allowed_hosts=" , ")


def test_allowed_hosts_parse_names_addresses_and_ports() -> None:
    hosts = AllowedHosts("localhost,127.0.0.1,[::1]")
    assert hosts.allows("[::1]:80") and hosts.allows("127.0.0.1:1") and hosts.allows("localhost")
    assert not hosts.allows(None) and not hosts.allows("localhost:port")
    assert not hosts.allows("localhost:8000/path") and not hosts.allows("user@localhost")
    assert AllowedHosts("::1").allows("[::1]:8000")


def test_serving_where_no_allowed_host_answers_is_warned(caplog) -> None:
    from bioris.web.serving import _warn_about_hosts

    default = "localhost,127.0.0.1,[::1]"
    for host, allowed in (("127.0.0.1", default), ("::1", default), ("0.0.0.0", "*"),
                          ("192.168.1.5", "192.168.1.5")):  # fmt: skip
        _warn_about_hosts(host, allowed)
    assert not caplog.records
    _warn_about_hosts("0.0.0.0", default)
    assert "BIORIS_WEB_ALLOWED_HOSTS" in caplog.text
