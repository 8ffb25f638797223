"""The content sections of the report: business models and money, the regions compared, and
the firm case histories, on the bundled study and on a tiny one without pipeline or financial
records."""

from __future__ import annotations

import polars as pl
import pytest

from bioris.domain import (
    Actor,
    Alliance,
    Dataset,
    LineageFact,
    Party,
    Region,
    StudyDefinition,
    Terms,
)
from bioris.domain.money import Money
from bioris.domain.vocab import ActorKind, DealType, LineageRelation, Role, Stage
from bioris.reporting import build_context, render_html
from bioris.reporting.model import Figure, Section, Table, Text
from bioris.reporting.sections import business, cases, regions
from tests.reporting.helpers import study_of

MODULES = (business, regions, cases)
EVIL = "<script>x</script>"
NON_CARTESIAN = {"sunburst", "treemap", "pie", "sankey", "table"}
TINY_STUDY = StudyDefinition(
    name="tiny",
    regions=(Region("Flanders", ("BE",)), Region("Wallonia", ("BE",))),
)


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
def tiny_study(tmp_path_factory):
    return study_of(tmp_path_factory.mktemp("tiny") / "t.sqlite", tiny_dataset(), TINY_STUDY)


@pytest.fixture(scope="module")
def tiny(tiny_study):
    return build_context(tiny_study, start=2000, end=2017)


def tiny_dataset() -> Dataset:
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
    return Dataset(actors=actors, lineage=lineage, alliances=alliances)


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
    assert "ThromboGenics in 2012" in text


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
    assert f"{EVIL} is a panel firm in Flanders, Ghent, founded in 2005" in history
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


def test_sections_are_never_empty_on_an_empty_period(tiny_study):
    empty = build_context(tiny_study, start=1990, end=1995)
    for module in MODULES:
        _check_section(module.build(empty))


def _block(section: Section, name: str):
    return next(b for b in section.blocks if getattr(b, "name", "") == name)


def test_business_and_cases_show_the_same_labels(bundled, bundled_sections):
    """One label per firm-year: the value chain of the business timeline, of the case
    overview and of the FIPCO table agree (the issue: "4 FIPCO in 2017" while the migration
    table said Innogenetics never reached FIPCO)."""
    end = bundled.options.end_year
    names = dict(bundled.actors.select("actor_id", "name").iter_rows())
    labels = bundled.labels().with_columns(pl.col("firm").replace_strict(names).alias("name"))
    at_end = dict(labels.filter(pl.col("year") == end).select("name", "value_chain").rows())
    timeline = _block(bundled_sections["business"], "bm_value_chain_timeline").data
    shown = timeline.join(labels, on=["name", "year"], suffix="_study")
    assert shown.height == timeline.height
    assert (shown["value_chain"] == shown["value_chain_study"]).all()
    overview = _block(bundled_sections["cases"], "cases_overview").data
    for name, label in overview.select("name", f"value_chain_{end}").rows():
        assert at_end.get(name) == label, name
    fipco = _block(bundled_sections["business"], "bm_fipco_migration").data
    for name, year in fipco.drop_nulls("fipco_year").select("name", "fipco_year").rows():
        label = timeline.filter((pl.col("name") == name) & (pl.col("year") == year))
        assert label["value_chain"].to_list() == ["FIPCO"], name
    fipco_at_end = {n for n, v in at_end.items() if v == "FIPCO"}
    assert not {"Tibotec", "Innogenetics"} & fipco_at_end  # long owned by J&J and Solvay


def test_no_firm_is_labelled_after_its_exit(bundled, bundled_sections):
    exits = dict(bundled.exits.iter_rows())
    names = dict(bundled.actors.select("name", "actor_id").iter_rows())
    for key in ("bm_value_chain_timeline", "bm_product_model_timeline"):
        data = _block(bundled_sections["business"], key).data
        for name, year in data.select("name", "year").rows():
            exit_year = exits.get(names.get(name))
            assert exit_year is None or year <= exit_year, (key, name, year)


def test_spinoff_counts_count_firms_only(bundled, bundled_sections):
    counts = _block(bundled_sections["regions"], "regions_spinoffs_per_institution").data
    kinds = dict(bundled.actors.select("name", "kind").iter_rows())
    ids = dict(bundled.actors.select("name", "actor_id").iter_rows())
    panel = set(bundled.study.panel)
    for firms in counts["firms"].to_list():
        for firm in firms.split("; "):
            assert kinds[firm] in {"nbf", "biotech"} or ids[firm] in panel, firm
    text = " ".join(_texts(bundled_sections["regions"]))
    assert "VIB (" in text and "flanders.bio (" not in text
