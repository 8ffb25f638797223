"""The content sections of the report: business models and money, the bioRegions compared,
and the firm case histories, on the bundled dataset and on a tiny one without pipeline or
financial records."""

from __future__ import annotations

import polars as pl
import pytest

from bioris.data import big_pharma_names
from bioris.domain import Actor, Alliance, Dataset, LineageFact, Party, Terms
from bioris.domain.money import Money
from bioris.domain.vocab import ActorKind, DealType, LineageRelation, Role, Stage
from bioris.firm_profile import success_rates
from bioris.region_summary import taxonomy
from bioris.reporting import ReportOptions, context_for, render_html
from bioris.reporting.model import Figure, Section, Table, Text
from bioris.reporting.sections import business, cases, regions
from bioris.store import open_store
from bioris.workspace import init_store

MODULES = (business, regions, cases)
EVIL = "<script>x</script>"
NON_CARTESIAN = {"sunburst", "treemap", "pie", "sankey", "table"}


def _context(dataset: Dataset, **options):
    opts = ReportOptions(**options)
    return context_for(dataset, opts, "test", big_pharma_names(), success_rates(), taxonomy())


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    path, _ = init_store(tmp_path_factory.mktemp("store") / "bioris.sqlite")
    with open_store(path) as store:
        dataset = store.dataset()
    return _context(dataset)


@pytest.fixture(scope="module")
def bundled_sections(bundled) -> dict[str, Section]:
    return {m.__name__.rsplit(".", 1)[-1]: m.build(bundled) for m in MODULES}


def _money(eur: float) -> Money:
    return Money(eur, "EUR", eur)


def _deal(alliance_id, year, deal_type, parties, stage=Stage.UNKNOWN, terms=None):
    return Alliance(
        alliance_id=alliance_id,
        year=year,
        date=str(year),
        deal_type=deal_type,
        parties=tuple(Party(a, r, focal) for a, r, focal in parties),
        stage_at_signing=stage,
        asset="anti-X antibody",
        terms=terms or Terms(),
    )


@pytest.fixture(scope="module")
def tiny():
    return tiny_context()


def tiny_context():
    """Two NBFs (one named like an HTML tag), a pharma, a university, a financier and a
    funder; four deals; one acquisition; no pipeline, no financials."""
    actors = (
        Actor("evil", EVIL, ActorKind.NBF, "BE", "Flanders", "Ghent", 2005,
              origin=("KU Leuven",), subsectors=("therapeutics: antibodies",), ipo_year=2010),
        Actor("alpha", "Alpha Bio", ActorKind.NBF, "BE", "Wallonia", "Liège", 2009,
              subsectors=("cell therapy",)),
        Actor("sanofi", "Sanofi", ActorKind.PHARMA, "FR"),
        Actor("ku-leuven", "KU Leuven", ActorKind.UNIVERSITY, "BE", "Flanders",
              founded=1425),
        Actor("gimv", "Gimv", ActorKind.FINANCIER, "BE", "Flanders", founded=1980),
        Actor("walloon-region", "Walloon Region", ActorKind.GOVERNMENT, "BE",
              "Wallonia"),
    )  # fmt: skip
    alliances = (
        _deal("d1", 2008, DealType.LICENSING_OUT,
              [("evil", Role.LICENSOR, True), ("sanofi", Role.LICENSEE, False)],
              Stage.DISCOVERY, Terms(upfront=_money(10.0), milestones=_money(100.0))),
        _deal("d2", 2010, DealType.RESEARCH_COLLABORATION,
              [("evil", Role.COLLABORATOR, True), ("ku-leuven", Role.COLLABORATOR, False)],
              Stage.DISCOVERY),
        _deal("d3", 2012, DealType.EQUITY_INVESTMENT,
              [("alpha", Role.INVESTEE, True), ("gimv", Role.INVESTOR, False)],
              terms=Terms(equity=_money(5.0))),
        _deal("d4", 2014, DealType.CO_DEVELOPMENT,
              [("evil", Role.COLLABORATOR, True), ("alpha", Role.COLLABORATOR, False)],
              Stage.PRECLINICAL),
        _deal("d5", 2013, DealType.GRANT,
              [("alpha", Role.GRANTEE, True), ("walloon-region", Role.GRANTOR, False)],
              terms=Terms(upfront=_money(1.0))),
    )  # fmt: skip
    lineage = (LineageFact("evil", LineageRelation.ACQUIRED_BY, "sanofi", 2016),)
    return _context(Dataset(actors=actors, lineage=lineage, alliances=alliances),
                    start_year=2000, end_year=2017)  # fmt: skip


@pytest.fixture(scope="module")
def tiny_sections(tiny) -> dict[str, Section]:
    return {m.__name__.rsplit(".", 1)[-1]: m.build(tiny) for m in MODULES}


def _texts(section: Section) -> list[str]:
    return [b.text for b in section.blocks if isinstance(b, Text)]


def _check_section(section: Section) -> None:
    assert section.blocks, section.key
    assert any(isinstance(b, Text) and b.text.strip() for b in section.blocks)
    names = [b.name for b in section.blocks if isinstance(b, Figure | Table)]
    assert len(names) == len(set(names)), "figure and table names must be unique"
    for block in section.blocks:
        if isinstance(block, Text):
            assert block.text.strip()
            assert "placeholder" not in block.text.lower()
        elif isinstance(block, Figure):
            layout = block.figure.layout
            assert layout.title.text, block.name
            if any(trace.type not in NON_CARTESIAN for trace in block.figure.data):
                assert layout.xaxis.title.text, block.name
                assert layout.yaxis.title.text, block.name
            assert block.data.height, block.name
        elif isinstance(block, Table):
            assert block.caption, block.name
            assert block.data.width, block.name


@pytest.mark.parametrize("key", ["business", "regions", "cases"])
def test_sections_build_on_the_bundled_dataset(bundled_sections, key):
    section = bundled_sections[key]
    assert section.key == key
    _check_section(section)
    assert any(isinstance(b, Figure) for b in section.blocks)
    assert any(isinstance(b, Table) for b in section.blocks)


@pytest.mark.parametrize("key", ["business", "regions", "cases"])
def test_sections_build_without_pipeline_or_financials(tiny_sections, key):
    _check_section(tiny_sections[key])


def test_missing_pipeline_and_financials_are_said(tiny_sections):
    text = " ".join(_texts(tiny_sections["business"]))
    assert "no pipeline records" in text
    assert "no financial statements" in text
    assert "no pipeline records" in " ".join(_texts(tiny_sections["cases"]))


def test_business_section_shows_the_typology_money_and_fipco(bundled_sections):
    section = bundled_sections["business"]
    names = {b.name for b in section.blocks if isinstance(b, Figure | Table)}
    assert {"bm_value_chain_timeline", "bm_product_model_timeline", "bm_transitions",
            "bm_milestone_dependence", "bm_biobucks_per_year", "bm_deal_realism",
            "bm_stage_distribution", "bm_fipco_migration"} <= names  # fmt: skip
    transitions = next(b for b in section.blocks if getattr(b, "name", "") == "bm_transitions")
    assert transitions.data.columns[:6] == ["name", "dimension", "year", "from", "to", "rule_id"]
    ablynx = transitions.data.filter(
        (transitions.data["name"] == "Ablynx") & (transitions.data["dimension"] == "value_chain")
    )
    assert ("RIPCO", "FIDDO", 2010) in ablynx.select("from", "to", "year").rows()
    money = next(b for b in section.blocks if getattr(b, "name", "") == "bm_milestone_dependence")
    assert set(money.data["basis"]) == {"financials", "deal_terms"}
    text = " ".join(_texts(section))
    assert "docs/business_models.md" in text
    assert "PHASE_SUCCESS_RATES.md" in text
    assert "ThromboGenics in 2012 (own registration)" in text


def test_regions_section_compares_flanders_and_wallonia(bundled_sections):
    section = bundled_sections["regions"]
    lq = next(b for b in section.blocks if getattr(b, "name", "") == "regions_specialisation")
    assert {"Flanders", "Wallonia"} <= set(lq.data["region"])
    rows = {(r, c): v for r, c, v in lq.data.select("region", "category", "lq").rows()}
    assert rows[("Flanders", "antibodies_nanobodies")] > 1
    assert rows[("Wallonia", "cell_gene_therapy")] > 1
    tree = next(b for b in section.blocks if getattr(b, "name", "") == "regions_spinoff_genealogy")
    vib = tree.data.filter(tree.data["institution"] == "VIB")
    assert "Ablynx" in vib["name"].to_list()
    assert "\u2514 Ablynx" in vib["tree"].to_list()  # a direct spin-off of VIB
    sanofi = vib.filter(vib["name"] == "Sanofi")
    assert sanofi["tree"][0].startswith("\u00a0")  # indented under Ablynx
    assert sanofi["relation"][0] == "acquired by"


def test_case_history_of_ablynx_states_the_facts(bundled_sections):
    section = bundled_sections["cases"]
    texts = _texts(section)
    history = " ".join(t for t in texts if t.startswith("Ablynx"))
    assert "founded in 2001" in history
    assert "VIB" in history
    assert "Flanders" in history
    assert "went public in 2007" in history
    assert "acquired by Sanofi in 2018" in history
    assert "RIPCO 2005-2009" in history and "FIDDO from 2010" in history
    assert "caplacizumab" in history
    timeline = next(b for b in section.blocks if getattr(b, "name", "").endswith("_ablynx_deals"))
    assert {"year", "deal_type", "partners", "stage_at_signing", "upfront_eur"} <= set(
        timeline.data.columns
    )
    assert timeline.data.height == 18
    position = next(
        b for b in section.blocks if getattr(b, "name", "") == "case_02_ablynx_position"
    )
    assert position.data["degree_rank"].min() >= 1


def test_cases_are_ordered_by_deals_and_capped(bundled, bundled_sections, monkeypatch):
    overview = next(b for b in bundled_sections["cases"].blocks if isinstance(b, Table))
    deals = overview.data["deals"].to_list()
    assert deals == sorted(deals, reverse=True) and min(deals) >= cases.MIN_DEALS
    assert overview.data["name"][0] == "Galapagos"
    monkeypatch.setattr(cases, "MAX_CASES", 3)
    capped = cases.build(bundled)
    assert "Only the 3 with the most deals are shown" in _texts(capped)[0]
    assert next(b for b in capped.blocks if isinstance(b, Table)).data.height == 3


def test_names_stay_data_and_are_escaped_when_rendered(tiny, tiny_sections):
    history = " ".join(_texts(tiny_sections["cases"]))
    assert f"{EVIL} is an NBF in Flanders, Ghent, founded in 2005" in history
    assert "acquired by Sanofi in 2016" in history
    assert "big pharma (Sanofi)" in history
    for key in ("business", "regions", "cases"):
        cells = [
            value
            for block in tiny_sections[key].blocks
            if isinstance(block, Table)
            for column in block.data.select(pl.col(pl.String)).iter_columns()
            for value in column.to_list()
        ]
        assert any(v and EVIL in v for v in cells), key
    html = render_html(list(tiny_sections.values()), tiny.options)
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert EVIL not in html


def test_sections_are_never_empty_on_an_empty_period(tiny):
    empty = _context(tiny.dataset, start_year=1990, end_year=1995)
    for module in MODULES:
        _check_section(module.build(empty))
