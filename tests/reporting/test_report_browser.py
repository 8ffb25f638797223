"""The report in a real browser: headless Chromium (Debian's, driven by Playwright).

Checks what a person sees: the page loads with no console error, makes no request outside
the file itself (no CDN, no fonts), renders every section's figures, sorts a table on click,
and the first screen at 1366x768 shows the title and the first figure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bioris.study import Study
from bioris.workspace import init_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api")

if not Path(CHROMIUM).exists():  # CI installs it (.ci/run); elsewhere skip with a reason
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian's chromium for the browser tests")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    store, _ = init_store(folder / "s.sqlite")
    with Study.open(store) as study:
        return study.report(folder / "report.html")


@pytest.fixture(scope="module")
def page(report: Path):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.errors, page.requests = [], []
        page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("request", lambda r: page.requests.append(r.url))
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
        yield page
        browser.close()


def test_no_console_errors(page):
    assert page.errors == []


def test_no_request_leaves_the_file(page):
    outside = [u for u in page.requests if not u.startswith(("file:", "data:", "blob:"))]
    assert outside == []


def test_every_section_is_present_and_has_content(page):
    sections = page.locator("main > section")
    assert sections.count() >= 6
    for index in range(sections.count()):
        section = sections.nth(index)
        assert section.locator("h2").inner_text().strip()
        assert section.locator("p, .figure, table").count() > 0


def test_figures_render(page):
    assert page.locator(".figure .js-plotly-plot").count() >= 4
    assert page.locator(".figure svg.main-svg").count() >= 4


def test_table_sorts_on_click(page):
    table = page.locator("table#tbl-deal_list")
    folded = page.locator("details.folded", has=table)
    assert not table.is_visible()  # a long audit table is folded under its caption
    folded.locator("summary").click()
    header = table.locator("th", has_text="date")
    first = table.locator("tbody tr").first.locator("td").first.inner_text()
    header.click()
    after_one = table.locator("tbody tr").first.locator("td").first.inner_text()
    header.click()
    after_two = table.locator("tbody tr").first.locator("td").first.inner_text()
    assert header.get_attribute("aria-sort") == "descending"
    assert after_one <= after_two and first  # ascending then descending


def test_first_screen(page, tmp_path: Path):
    page.evaluate("window.scrollTo(0, 0)")
    shot = tmp_path / "first-screen.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000  # a rendered screen, not a blank page
    assert page.locator("header h1").is_visible()
    # the report opens with its findings: the abstract starts on the first screen
    box = page.locator("#findings p").first.bounding_box()
    assert box is not None and box["y"] < 768


def test_case_histories_are_parts_with_their_own_navigation(page):
    links = page.locator("#cases nav.subnav a")
    assert links.count() >= 2
    part = page.locator("#cases details.part").first
    assert part.get_attribute("open") is None
    links.first.click()
    page.wait_for_timeout(200)
    assert part.get_attribute("open") is not None  # following its link opens it
    assert part.locator(".js-plotly-plot, table").count() >= 1


def test_every_unfolded_figure_is_drawn_soon_after_the_first_screen(page):
    page.wait_for_function(
        "() => [...document.querySelectorAll('script[type=\"text/x-bioris-figure\"]')]"
        ".every((s) => s.closest('details:not([open])'))",
        timeout=30_000,
    )
    assert page.locator(".figure svg.main-svg").count() >= 20


def test_the_file_is_under_3_mb_with_the_cartesian_bundle(report: Path):
    from bioris.reporting.render import CARTESIAN_BUNDLE

    if not CARTESIAN_BUNDLE.exists():
        pytest.skip("plotly's cartesian bundle is fetched by make (npm)")
    assert report.stat().st_size < 3_000_000
    assert "(cartesian - minified)" not in report.read_text()  # packed, not plain
