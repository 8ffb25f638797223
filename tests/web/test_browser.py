"""The web viewer in a real browser: headless Chromium (Debian's, driven by Playwright).

The real app (``bioris.web.create_app``) serves a store holding the bundled dataset plus a
firm named ``<script>alert(1)</script>`` (imported from a tiny raw CSV) on 127.0.0.1. The
tests click what a person clicks: the network renders and follows the year slider and Play,
positions and axes stay put across years, a node opens its profile, the deal table filters,
sorts and pages, the regions page shows its tables. Every test also checks that no dialog
opened (the hostile name is text, never markup), no console error was logged and no request
left 127.0.0.1.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bioris.domain import Actor, ActorKind, Dataset
from bioris.ingest.importer import import_files
from bioris.store import open_store
from bioris.web.freshness import CHECK_EVERY_S
from bioris.workspace import init_store

try:
    from bioris.web import create_app
except ImportError:  # the API is built separately; until it exists there is nothing to drive
    pytest.skip("bioris.web.create_app is not available yet", allow_module_level=True)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():  # CI installs it (.ci/run); elsewhere skip with a reason
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium for the browser tests")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

uvicorn = pytest.importorskip("uvicorn")
playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
EVIL = "<script>alert(1)</script>"
EVIL_ALIAS = "<img src=x onerror=alert(2)>"
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)
LOADED = re.compile(r"^\d+ deals? · showing")


def _hostile_import(folder: Path) -> list[Path]:
    """A raw actor file and a raw deal file naming a firm with markup for a name."""
    actors = folder / "hostile_actors.csv"
    actors.write_text(
        "name,aliases,kind,region,city,source_url,confidence\n"
        f'"{EVIL}","{EVIL_ALIAS}",nbf,Flanders,Ghent,https://example.org/hostile,high\n',
        encoding="utf-8",
    )
    deals = folder / "hostile_deals.csv"
    deals.write_text(
        "year,date,nbf,partner,deal_type,stage_at_signing,upfront_meur,notes,source_url,"
        "confidence\n"
        f'2016,2016-05-01,"{EVIL}",Galapagos,licensing_out,discovery,5,"{EVIL}",'
        "https://example.org/hostile-deal,high\n",
        encoding="utf-8",
    )
    return [actors, deals]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web")
    path, _ = init_store(folder / "bioris.sqlite")
    with open_store(path) as store:
        import_files(store, _hostile_import(folder))
    return path


@contextmanager
def _serving(store: Path, **settings: int) -> Iterator[str]:
    """The real app under uvicorn on 127.0.0.1 (with these web ``settings``), on a socket
    bound before the thread starts; yields its address."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(store, **settings), log_level="warning", lifespan="auto")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def base_url(store_path: Path) -> Iterator[str]:
    """The real app over the store with the hostile firm."""
    with _serving(store_path) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Guard:
    """What a page must never do: open a dialog, log an error, talk to another host."""

    def __init__(self, page) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", self._request)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if urlsplit(url).hostname != "127.0.0.1":
            self.outside.append(url)

    def check(self) -> None:
        assert self.dialogs == [], "a dialog opened: data reached the page as markup"
        assert self.errors == []
        assert self.outside == []


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport={"width": 1366, "height": 860}, base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.guard = Guard(page)
    yield page
    context.close()


@pytest.fixture(scope="module")
def hostile_id(base_url: str, browser) -> str:
    """The id the store gave the hostile firm (found through the API, as the UI would)."""
    context = browser.new_context(base_url=base_url)
    answer = context.request.get("/api/actors", params={"q": "alert", "page_size": 50}).json()
    context.close()
    ids = [a["actor_id"] for a in answer["items"] if a["name"] == EVIL]
    assert len(ids) == 1
    return ids[0]


# JavaScript run in the page: a node's position by id; the axis ranges; the largest marker.
POSITIONS = "t => Object.fromEntries(t.customdata.map((c, i) => [c[0], [t.x[i], t.y[i]]]))"
RANGES = """() => {
    const layout = document.getElementById('network-plot').layout;
    return [layout.xaxis.range, layout.yaxis.range];
}"""
LARGEST = """t => {
    let best = 0;
    t.marker.size.forEach((size, i) => { if (size > t.marker.size[best]) best = i; });
    return [best, t.customdata[best][0]];
}"""


def _actors_trace(page, expression: str = "t => t.x.length"):
    return page.evaluate(
        f"""() => {{
            const gd = document.getElementById('network-plot');
            const t = (gd.data || []).find(t => t.name === 'actors');
            return t ? ({expression})(t) : null;
        }}"""
    )


def _open_network(page, query: str = "") -> None:
    page.goto(f"/{query}")
    expect(page.locator("#network-plot .scatterlayer path.point").first).to_be_attached()
    assert _actors_trace(page) > 0


def test_network_renders_nodes_and_follows_the_slider(page):
    _open_network(page)
    label = page.locator("#net-year-label")
    year = label.inner_text()
    nodes = _actors_trace(page)
    assert re.fullmatch(r"\d{4}", year)
    expect(page.locator("#net-partners table tbody tr").first).to_be_visible()  # top partners
    legend = page.locator("ul.legend li")
    expect(legend.filter(has_text=re.compile(r"^Flanders \(\d+\)$"))).to_have_count(1)

    page.locator("#net-year").fill("0")  # the first year with ties
    expect(label).not_to_have_text(year)
    expect(page.locator("#network-plot")).to_have_attribute("data-year", label.inner_text())
    assert label.inner_text() < year
    assert _actors_trace(page) != nodes or label.inner_text() != year
    page.wait_for_url(re.compile(rf"[?&]year={label.inner_text()}\b"))  # the view is linkable
    page.guard.check()


def test_the_region_filter_ranks_that_regions_partners(page):
    _open_network(page, "?year=2015")
    page.locator("#net-region").select_option("Wallonia")
    expect(page.locator("#net-partners-title")).to_have_text("Top partners in Wallonia, 2015")
    first = page.locator("#net-partners table tbody tr").first
    expect(first).to_be_visible()
    expect(first.locator("td").first).to_have_text("1")
    page.guard.check()


def _ties(summary: str) -> int:
    found = re.search(r"(\d+) ties?\b", summary)
    return int(found.group(1)) if found else 0


def _deal_type_options(page) -> list[str]:
    return page.locator("#net-deal-type option").evaluate_all("os => os.map(o => o.value)")


def test_the_layer_selector_shows_the_ties_of_other_layers(page):
    _open_network(page, "?year=2010")
    summary = page.locator("#net-summary")
    expect(summary).to_have_text(re.compile(r"^2010: \d+ actors?, \d+ ties?"))
    alliances_only = _ties(summary.inner_text())
    # the study's network layer by default: acquisitions are not alliance ties
    expect(page.locator("#net-layer-alliance")).to_be_checked()
    expect(page.locator("#net-layer-ma")).not_to_be_checked()
    assert "acquisition" not in _deal_type_options(page)

    page.locator("#net-layer-ma").check()  # add the acquisitions
    page.wait_for_url(re.compile(r"[?&]layer=ma\b"))
    expect(summary).not_to_have_text(re.compile(rf", {alliances_only} ties? "))
    assert _ties(summary.inner_text()) > alliances_only
    assert "acquisition" in _deal_type_options(page)
    expect(page.locator("#net-partners table tbody tr").first).to_be_visible()

    page.locator("#net-layer-alliance").uncheck()  # acquisitions alone
    expect(page.locator("#network-plot")).to_have_attribute("data-year", re.compile(r"^\d{4}$"))
    page.wait_for_url(re.compile(r"^(?!.*layer=alliance).*[?&]layer=ma\b"))
    expect(page.locator("#net-deal-type option")).to_have_count(2)  # any, acquisition
    page.locator("#net-layer-ma").click()  # the last layer stays: a network needs one
    expect(page.locator("#net-layer-ma")).to_be_checked()

    page.goto("/?year=2012&layer=financing")  # a linked view opens with its layers
    expect(page.locator("#net-layer-financing")).to_be_checked()
    expect(page.locator("#net-layer-alliance")).not_to_be_checked()
    page.guard.check()


def test_positions_and_axes_stay_put_across_years(page):
    _open_network(page, "?year=2012")
    expect(page.locator("#network-plot")).to_have_attribute("data-preloaded", "true")
    before = _actors_trace(page, POSITIONS)
    ranges = page.evaluate(RANGES)
    page.locator("#net-year").press("ArrowRight")
    expect(page.locator("#net-year-label")).to_have_text("2013")
    expect(page.locator("#network-plot")).to_have_attribute("data-year", "2013")
    after = _actors_trace(page, POSITIONS)
    shared = set(before) & set(after)
    assert shared
    assert all(before[k] == after[k] for k in shared)  # the same place in both years
    assert page.evaluate(RANGES) == ranges  # and the same frame

    play = page.locator("#net-play")
    play.click()  # plays on from 2013
    expect(page.locator("#net-year-label")).not_to_have_text("2013", timeout=20_000)
    expect(play).to_have_attribute("aria-pressed", "true")
    play.click()
    expect(play).to_have_attribute("aria-pressed", "false")
    page.guard.check()


def test_clicking_a_node_opens_its_profile(page):
    _open_network(page)
    # The best-connected node: the largest marker, least likely to be hidden by another.
    index, name = _actors_trace(page, LARGEST)
    assert name
    point = page.locator("#network-plot .scatterlayer .trace").last.locator("path.point").nth(index)
    box = point.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"/actor/[^/]+$"))
    heading = page.locator("main h1")
    expect(heading).not_to_have_text("")
    expect(page.locator("#sec-facts")).to_be_visible()
    expect(page.locator("#position-plot .scatterlayer path").first).to_be_attached()
    page.go_back()  # history works: back to the network
    expect(page.locator("#network-plot .scatterlayer path.point").first).to_be_attached()
    page.guard.check()


def _deal_rows(page) -> list[str]:
    return page.locator("#deals-table tbody tr").all_inner_texts()


def _total(page) -> int:
    text = page.locator("#deals-status").inner_text()
    return int(text.split()[0]) if text[:1].isdigit() else 0


def test_deal_table_filters_sorts_and_pages(page):
    page.goto("/deals?page_size=25")
    status = page.locator("#deals-status")
    expect(status).to_have_text(LOADED)
    total = _total(page)
    first_page = _deal_rows(page)
    assert total > 25 and len(first_page) == 25
    expect(page.locator("#deals-page")).to_have_text(f"Page 1 of {-(-total // 25)}")

    page.locator("#deals-next").click()
    expect(page.locator("#deals-page")).to_have_text(re.compile(r"^Page 2 of"))
    expect(status).to_contain_text("showing 26–")
    second_page = _deal_rows(page)
    assert second_page and second_page != first_page

    page.locator("#deal-type").select_option("licensing_out")
    expect(page.locator("#deals-page")).to_have_text(re.compile(r"^Page 1 of"))
    expect(status).not_to_contain_text(f"{total} deals")
    filtered = _total(page)
    assert 0 < filtered < total
    types = page.locator("#deals-table tbody tr td:nth-child(3)").all_inner_texts()
    assert types and set(types) == {"licensing out"}
    csv = page.locator("#deals-csv").get_attribute("href")
    assert csv.startswith("/api/alliances.csv?") and "deal_type=licensing_out" in csv
    download = page.request.get(csv)
    assert download.ok and download.text().count("\n") >= filtered

    page.locator("th button.sort[data-sort=headline_eur]").click()
    header = page.locator("th:has(button.sort[data-sort=headline_eur])")
    expect(header).to_have_attribute("aria-sort", re.compile("descending|ascending"))
    assert "sort=headline_eur" in page.url
    page.guard.check()


def test_actor_search_fills_the_actor_filter(page):
    page.goto("/deals")
    expect(page.locator("#deals-status")).to_have_text(LOADED)
    total = _total(page)
    page.locator("#deal-actor").fill("Galapagos")
    page.locator("#deal-actor").press("Enter")
    expect(page.locator("#deals-status")).not_to_contain_text(f"{total} deals")
    assert "actor=galapagos" in page.url
    assert 0 < _total(page) < total
    page.guard.check()


def test_regions_page_shows_tables_and_charts(page):
    page.goto("/regions")
    for key in ("actors", "specialisation", "scope", "links", "infrastructure", "spinoffs"):
        section = page.locator(f"section[data-table={key}]")
        expect(section.locator("table").first).to_be_attached()
        assert section.locator("tbody tr").count() > 0
    expect(page.locator("#region-plot-scope .main-svg").first).to_be_attached()
    expect(page.locator("#region-plot-specialisation .main-svg").first).to_be_attached()
    page.guard.check()


def test_a_name_with_markup_is_shown_as_text(page, hostile_id):
    page.goto(f"/actor/{hostile_id}")
    expect(page.locator("main h1")).to_have_text(EVIL)
    expect(page.locator("#sec-facts").locator("..")).to_contain_text(EVIL_ALIAS)
    assert page.locator("main script, main img").count() == 0

    page.goto(f"/deals?actor={hostile_id}")
    expect(page.locator("#deal-actor")).to_have_value(EVIL)
    expect(page.locator("#deals-table tbody")).to_contain_text("Galapagos")
    page.goto("/deals?actor=galapagos&year_from=2016&year_to=2016")
    expect(page.locator("#deals-table a.actor-link", has_text=EVIL)).to_have_count(1)

    _open_network(page, "?year=2016")
    page.locator("#net-actors").locator("..").locator("summary").click()
    expect(page.locator("#net-actors")).to_contain_text(EVIL)
    index = _actors_trace(page, f"t => t.customdata.findIndex(c => c[0] === '{hostile_id}')")
    assert index >= 0
    point = page.locator("#network-plot .scatterlayer .trace").last.locator("path.point")
    box = point.nth(index).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("#network-plot .hoverlayer")).to_contain_text(EVIL)  # plotly's label
    assert page.locator("main script, main img").count() == 0
    page.guard.check()


def test_a_store_changed_under_the_server_is_said(browser, tiny_path: Path, tmp_path: Path):
    store = tmp_path / "changing.sqlite"
    shutil.copy(tiny_path, store)
    with _serving(store) as url:
        context = browser.new_context(base_url=url)
        page = context.new_page()
        guard = Guard(page)
        page.goto("/deals")
        expect(page.locator("#dataset-label")).not_to_be_empty()
        expect(page.locator("#data-changed")).to_have_count(0)
        with open_store(store) as writable, writable.transaction():  # an import elsewhere
            writable.write(Dataset(actors=(Actor("newco", "NewCo", ActorKind.NBF, "BE"),)))
        time.sleep(CHECK_EVERY_S + 0.2)  # the server looks at most this often
        page.reload()
        note = page.locator("#data-changed")
        expect(note).to_contain_text("The store changed since the server started")
        expect(note).to_contain_text("restart bioris serve to see the new data")
        guard.check()
        context.close()


def test_a_snapshot_over_the_response_limit_is_reduced_and_says_so(browser, base_url, store_path):
    # the page and its scripts come from the usual server, its snapshots from one whose
    # max_response_kb (6) is under the size of a bundled snapshot (8-12 kB of JSON)
    with _serving(store_path, max_response_kb=6) as limited:
        context = browser.new_context(viewport={"width": 1366, "height": 860}, base_url=base_url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.guard = Guard(page)

        def from_limited(route) -> None:
            url = urlsplit(route.request.url)
            route.fulfill(response=route.fetch(url=f"{limited}{url.path}?{url.query}"))

        page.route(re.compile(r"/api/network(\?|$)"), from_limited)
        try:
            _open_network(page, "?year=2017")
            note = page.locator("#net-reduced")
            expect(note).to_be_visible()
            expect(note).to_contain_text(re.compile(r"^Reduced: showing \d+ of \d+ actors"))
            expect(note).to_contain_text("max_response_kb=6")
            found = re.findall(r"showing (\d+) of (\d+) actors", note.inner_text())
            shown, whole = map(int, found[0])
            assert 0 < shown < whole and _actors_trace(page) == shown
            page.guard.check()
        finally:  # the page may still be preloading other years through the route
            page.unroute_all(behavior="ignoreErrors")
            context.close()


def test_a_complete_snapshot_has_no_reduction_note(page):
    _open_network(page, "?year=2017")
    expect(page.locator("#net-reduced")).to_be_hidden()
    page.guard.check()
