"""The report goes through the study: its regions, panel, layers, exits, period and window;
a Danish-Swedish study gets a report about its own regions, with no Belgian word in it."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from bioris.reporting import ReportContext, build_context, build_sections, write_study_report
from bioris.reporting.model import Figure, Section, Table, Text
from bioris.reporting.sections import regions
from bioris.study import Study, VocabularyError
from tests.reporting.helpers import BELGIAN_WORDS, medicon_study, visible_text


@pytest.fixture(scope="module")
def sections(bundled: ReportContext) -> dict[str, Section]:
    return {s.key: s for s in build_sections(bundled)}


@pytest.fixture(scope="module")
def medicon(tmp_path_factory: pytest.TempPathFactory) -> Study:
    return medicon_study(tmp_path_factory.mktemp("medicon"))


@pytest.fixture(scope="module")
def medicon_files(medicon: Study, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("medicon-report")
    medicon.report(folder / "mv.html", data_dir=folder / "data")
    return folder


@pytest.fixture(scope="module")
def medicon_html(medicon_files: Path) -> str:
    return (medicon_files / "mv.html").read_text(encoding="utf-8")


def _texts(section: Section) -> str:
    return " ".join(b.text for b in section.blocks if isinstance(b, Text))


def _block(section: Section, name: str) -> Figure | Table:
    return next(b for b in section.blocks if getattr(b, "name", "") == name)


# ---------------------------------------------------------------- a Danish-Swedish study


def test_medicon_report_names_its_regions_and_no_belgian_one(medicon_html: str):
    text = visible_text(medicon_html)
    assert "Medicon Valley" in text and "Stockholm-Uppsala" in text
    assert "The regions compared" in text
    found = [w for w in BELGIAN_WORDS if re.search(w, text, flags=re.IGNORECASE)]
    assert found == []


def test_medicon_figures_and_data_have_no_belgian_word(medicon_html: str, medicon_files: Path):
    # the whole file, scripts included: the charting library ships packed, so its table of
    # country names is not there in words either
    ours = medicon_html
    csvs = [p.read_text(encoding="utf-8") for p in (medicon_files / "data").glob("*.csv")]
    assert csvs
    for content in (ours, *csvs):
        assert not [w for w in BELGIAN_WORDS if re.search(w, content, flags=re.IGNORECASE)]


def test_medicon_report_places_cross_border_firms(medicon: Study):
    ctx = build_context(medicon)
    assert (ctx.options.start_year, ctx.options.end_year) == (2008, 2017)  # the data's years
    assert ctx.options.window_years == 4  # the study's window
    located = dict(ctx.actors.select("name", "location").iter_rows())
    assert located["Kobenhavn Bio"] == located["Lund Therapeutics"] == "Medicon Valley"
    section = regions.build(ctx)
    summary = _block(section, "regions_actor_summary").data
    panel = summary.filter(pl.col("kind") == "panel firm")
    assert set(panel["location"]) == {"Medicon Valley", "Stockholm-Uppsala"}
    # Copenhagen (DK-84) and Lund (SE-M) are one region: their joint deal is local buzz
    scope = _block(section, "regions_tie_scope_periods").data
    local = scope.filter(pl.col("location") == "Medicon Valley")["intra_regional_share"]
    assert local.max() > 0
    assert "Medicon Valley: " in _texts(section)


def test_medicon_acquired_firm_leaves_the_ranking(medicon: Study):
    ctx = build_context(medicon)
    ranked = ctx.ranking().filter(pl.col("actor") == "kbh-bio")
    assert ranked.height and ranked["year"].max() <= 2014  # bought by Novo Nordisk in 2014
    labels = ctx.labels().filter(pl.col("firm") == "kbh-bio")
    assert labels["year"].max() <= 2014


# ---------------------------------------------------------------- the bundled study


def test_the_study_sets_period_and_window(bundled: ReportContext, bundled_study: Study):
    assert bundled.options.period == "{}-{}".format(*bundled_study.period)
    assert bundled.options.window_years == bundled_study.window
    assert bundled.firms == bundled_study.panel
    other = build_context(bundled_study, start=2000, end=2010, window=3)
    assert (other.options.start_year, other.options.end_year) == (2000, 2010)
    assert other.options.window_years == 3
    assert "asked for" in other.period_source


def test_no_acquired_firm_is_ranked_after_its_exit(bundled: ReportContext, sections):
    exits = dict(bundled.exits.iter_rows())
    ranking = bundled.ranking()
    late = ranking.filter(
        pl.col("year") > pl.col("actor").replace_strict(exits, default=9999, return_dtype=pl.Int64)
    )
    assert late.is_empty(), late.select("year", "name").rows()
    ids = {"virco": 2002, "innogenetics": 2008, "tibotec": 2002}
    for actor, year in ids.items():
        assert exits[actor] == year
        assert ranking.filter((pl.col("actor") == actor) & (pl.col("year") > year)).is_empty()
    partners = sections["partners"]
    trajectories = _block(partners, "rank_trajectories").data
    for actor, year in trajectories.select("actor", "year").rows():
        assert year <= exits.get(actor, 9999), (actor, year)
    names = dict(bundled.actors.select("name", "actor_id").iter_rows())
    shown = _block(partners, "preferred_partner_ranking").data
    for name, year in shown.select("name", "year").rows():
        assert year <= exits.get(names[name], 9999), (name, year)
    persistence = _block(partners, "top_k_persistence").data
    for name, last in persistence.select("name", "last_year").rows():
        assert last <= exits.get(names[name], 9999), name


def test_the_ranking_uses_the_alliance_layer_only(bundled: ReportContext):
    types = set(bundled.network_deals["deal_type"])
    assert types <= set(bundled.definition.deal_types(["alliance"]))
    assert not {"acquisition", "equity_investment", "grant"} & types


def test_deals_outside_the_period_are_counted_once(sections):
    activity = re.search(
        r"(\d+) dated deals? falls? outside the period and (\d+) (?:is|are) undated",
        _texts(sections["activity"]),
    )
    method = re.search(
        r"(\d+) dated deals? falls? outside it and (\d+) (?:is|are) undated",
        _texts(sections["method"]),
    )
    assert activity and method
    assert activity.groups() == method.groups()
    assert activity.groups() == ("31", "11")


def test_method_states_the_study(bundled: ReportContext, bundled_study: Study, sections):
    method = sections["method"]
    text = _texts(method)
    assert bundled_study.definition.name in text
    assert "declared in the study file" in text
    assert "are not alliance ties" in text
    assert "leaves the panel, the partner ranking" in text
    table = _block(method, "study_regions").data
    flanders = table.filter(pl.col("region") == "Flanders").row(0, named=True)
    assert flanders["codes"] == "BE-VLG, BE2" and flanders["focal"]
    layers = dict(_block(method, "study_layers").data.select("layer", "ties_of_the_network").rows())
    assert layers == {"alliance": True, "ma": False, "financing": False, "public": False}
    assert _block(method, "study_panel").data.height == len(bundled_study.panel)


def test_the_ranking_reports_its_stability(sections):
    partners = sections["partners"]
    agreement = _block(partners, "partner_ranking_agreement").data
    assert agreement.height == 6  # 3, 5 and 7 years, with and without financing
    baseline = agreement.filter(pl.col("scenario") == "5-year ties, alliance")
    assert baseline["kendall_tau"].to_list() == [1.0]
    assert agreement["kendall_tau"].is_between(-1, 1).all()
    table = _block(partners, "partner_ranking_stability").data
    assert table.columns[:2] == ["place", "5-year ties, alliance"]
    assert "Kendall's tau-b" in _texts(partners)


def test_one_colour_per_region_in_every_chart(bundled: ReportContext, sections):
    colours = bundled.study.region_colours()
    seen: dict[str, set[str]] = {}
    for section in sections.values():
        for block in section.blocks:
            if not isinstance(block, Figure):
                continue
            traces = [*block.figure.data, *(t for f in block.figure.frames for t in f.data)]
            for trace in traces:
                colour = getattr(getattr(trace, "marker", None), "color", None)
                if trace.name in colours and isinstance(colour, str):
                    seen.setdefault(trace.name, set()).add(colour)
    assert {"Flanders", "Wallonia", "Brussels"} <= set(seen)
    assert {r: c for r, cs in seen.items() for c in cs} == {r: colours[r] for r in seen}
    assert all(len(cs) == 1 for cs in seen.values())


def test_a_region_focus(bundled_study: Study):
    ctx = build_context(bundled_study, region="wallonia")
    assert ctx.options.region == "Wallonia"
    located = dict(bundled_study.actors.select("actor_id", "location").iter_rows())
    assert ctx.firms and {located[f] for f in ctx.firms} == {"Wallonia"}
    assert "focused on Wallonia" in ctx.focus_note
    section = regions.build(ctx)
    assert "compares 1 region (Wallonia)" in _texts(section)
    country = build_context(bundled_study, region="be")  # every actor of the country
    assert country.options.region == "BE" and country.firms == bundled_study.panel
    assert "compares 3 regions" in _texts(regions.build(country))
    with pytest.raises(VocabularyError, match="Wallonnia"):
        build_context(bundled_study, region="Wallonnia")


def test_write_study_report(bundled_study: Study, tmp_path: Path):
    seen: list[tuple[str, float]] = []
    out = write_study_report(
        bundled_study, tmp_path / "r.html", start=2010, end=2012, region="Flanders",
        progress=lambda step, share: seen.append((step, share)),
    )  # fmt: skip
    html = out.read_text(encoding="utf-8")
    assert "Period 2010–2012" in html and "focus Flanders" in html
    steps = [step for step, _ in seen]
    assert steps[0] == "reading the study" and steps[-2:] == ["writing the file", "done"]
    assert steps[1].startswith("section 1/") and steps[1].endswith(": findings")
    assert [share for _, share in seen] == sorted(share for _, share in seen)
