"""The bundled Belgian study: its study file is stored with the data, and on its data the
study counts the right things (issue #10): no acquired firm is ranked, labelled or counted
after its exit year; acquisitions, equity rounds and grants are not alliance ties; the
value-chain labels and the FIPCO migration table agree; the panel is red biotech only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from bioris.study import Study
from bioris.workspace import init_store
from tests.study.helpers import ok, ok_json, run

NAME = "Belgian red-biotech RIS"
REGIONS = ["Flanders", "Wallonia", "Brussels"]
#: firms whose takeover (or closure) the issue names, and the year it happened
EXITED = {"Tibotec": 2002, "Virco": 2002, "Innogenetics": 2008, "Movetis": 2010,
          "Ogeda": 2017, "Ablynx": 2018, "TiGenix": 2018}  # fmt: skip
#: NBFs of the data that are not red biotech (agbiotech, medtech, imaging, manufacturing)
NOT_RED = ["Plant Genetic Systems", "CropDesign", "Devgen", "IBA", "MaSTherCell"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = init_store(tmp_path_factory.mktemp("bundled") / "bioris.sqlite")
    return path


@pytest.fixture(scope="module")
def study(store: Path) -> Iterator[Study]:
    with Study.open(store) as opened:
        yield opened


@pytest.fixture(scope="module")
def exits(study: Study) -> dict[str, int]:
    """Panel firm id -> exit year."""
    frame = study.exits.filter(pl.col("actor_id").is_in(list(study.panel)))
    return dict(frame.select("actor_id", "exit_year").iter_rows())


def ids(study: Study, *names: str) -> list[str]:
    return [study.resolve_actor(n) for n in names]


# -- the study file ---------------------------------------------------------------------------


def test_the_study_is_stored_and_shown(store: Path, study: Study):
    assert study.stored_definition is not None
    assert study.definition.name == NAME and study.definition.focal_regions == tuple(REGIONS)
    out = ok("study", "show", "--store", store)
    assert f'name = "{NAME}"' in out and "[[region]]" in out and "[panel]" in out
    assert "period in use: 1987-2017 (declared)" in out
    assert f"Panel: {len(study.panel)} firms" in out
    shown = ok_json("study", "show", "--store", store)
    assert shown["name"] == NAME and shown["stored"] is True and shown["loaded_at"]
    assert [r["name"] for r in shown["regions"]] == REGIONS
    assert {c for r in shown["regions"] for c in r["countries"]} == {"BE"}
    assert shown["period_used"] == [1987, 2017] and shown["window"] == 5
    assert set(shown["panel"]["members"]) == set(study.panel)
    assert shown["exits_in_panel"] == len(study.exits.filter(
        pl.col("actor_id").is_in(list(study.panel))))  # fmt: skip


def test_the_named_takeovers_are_exits(study: Study, exits: dict[str, int]):
    for name, year in EXITED.items():
        assert exits.get(study.resolve_actor(name)) == year, name


# -- exits end firms --------------------------------------------------------------------------


@pytest.mark.parametrize("year", range(1990, 2021))
def test_no_firm_is_ranked_after_its_exit(store: Path, study: Study, exits: dict[str, int],
                                          year: int):  # fmt: skip
    rows = ok_json("partners", "--year", year, "--top", "100", "--store", store)
    assert {r["year"] for r in rows} <= {year}
    ranked = {r["actor"] for r in rows}
    assert ranked <= set(study.panel)
    late = {f: exits[f] for f in ranked if f in exits and exits[f] < year}
    assert not late, f"ranked in {year} after their exit: {late}"


def test_the_issue_cases_of_the_ranking(store: Path, study: Study):
    def ranked(year: int) -> dict[str, dict]:
        rows = ok_json("partners", "--year", year, "--top", "100", "--store", store)
        return {r["name"]: r for r in rows}

    assert not {"TiGenix", "Ablynx", "Ogeda"} & set(ranked(2020))
    for year in range(2009, 2013):  # Solvay bought Innogenetics in 2008
        assert "Innogenetics" not in ranked(year)
    # in its exit year Ogeda counts Merck & Co (a 2014 licence), not Astellas, which bought it
    ogeda = ranked(2017)["Ogeda"]
    assert ogeda["big_pharma_partners"] == 1 and ogeda["distinct_partners"] == 1
    # IBA (medtech) is no panel firm, and a regional loan is no tie
    for year in range(1987, 1991):
        assert "IBA" not in ranked(year)


def test_no_firm_is_labelled_after_its_exit(study: Study, exits: dict[str, int]):
    labels = study.business_models(1987, 2020)
    assert labels.height and labels.select("firm", "year").is_unique().all()  # one label a year
    assert set(labels["firm"]) <= set(study.panel)
    ended = pl.DataFrame(list(exits.items()), schema=["firm", "exit_year"], orient="row")
    late = labels.join(ended, on="firm").filter(pl.col("year") > pl.col("exit_year"))
    assert late.is_empty(), late.select("firm", "year", "exit_year", "value_chain")
    in_2017 = set(labels.filter(pl.col("year") == 2017)["firm"])
    assert not set(ids(study, "Tibotec", "Innogenetics", "Virco", "Movetis")) & in_2017


def test_no_firm_is_counted_in_the_panel_after_its_exit(study: Study, exits: dict[str, int]):
    years = study.panel_years(1987, 2020)
    ended = pl.DataFrame(list(exits.items()), schema=["actor_id", "exit_year"], orient="row")
    late = years.join(ended, on="actor_id").filter(pl.col("year") > pl.col("exit_year"))
    assert late.is_empty(), late
    tibotec, virco, innogenetics = ids(study, "Tibotec", "Virco", "Innogenetics")
    assert not {tibotec, virco} & set(years.filter(pl.col("year") == 2003)["actor_id"])
    assert innogenetics not in set(years.filter(pl.col("year") == 2009)["actor_id"])


@pytest.mark.parametrize("year", [1995, 2002, 2003, 2008, 2009, 2017])
def test_the_region_summary_counts_the_panel_firms_of_the_year(study: Study, year: int):
    """The active panel firms of the region summary are the panel years' firms of that year
    (those with a known entry year: the summary reports the undated apart)."""
    summary = study.region_summary(1987, year)
    counted = next(r for r in summary.actors.to_dicts() if r["kind"] == "panel")
    dated = study.lifespans.filter(pl.col("entry_year").is_not_null())["actor_id"]
    firms = study.panel_years(year, year).filter(pl.col("actor_id").is_in(dated.implode()))
    placed = firms.join(study.actors.select("actor_id", "location"), on="actor_id")
    expected = dict(placed.group_by("location").len().iter_rows())
    assert counted == {"kind": "panel", **{r: expected.get(r, 0) for r in REGIONS}}


# -- what ties whom ---------------------------------------------------------------------------


def _backed_by(study: Study, ties: pl.DataFrame, deal_types: tuple[str, ...]) -> pl.DataFrame:
    """The ties of ``ties`` that no deal of ``deal_types`` between the two parties, signed in
    the tie lifetime before the tie's year, explains."""
    deals = study.inputs.alliances.filter(pl.col("deal_type").is_in(list(deal_types)))
    parties = study.inputs.parties.join(deals.select("alliance_id", "year"), on="alliance_id")
    pairs = parties.join(parties, on="alliance_id", suffix="_b").filter(
        pl.col("actor_id") != pl.col("actor_id_b")
    )
    explained = ties.join(
        pairs.select(
            pl.col("actor_id").alias("source"), pl.col("actor_id_b").alias("target"),
            pl.col("year").alias("signed"),
        ),
        on=["source", "target"],
    ).filter(
        (pl.col("signed") <= pl.col("year")) & (pl.col("year") < pl.col("signed") + study.window)
    )  # fmt: skip
    return ties.join(explained.select("year", "source", "target").unique(),
                     on=["year", "source", "target"], how="anti")  # fmt: skip


def test_only_alliances_are_ties_by_default(study: Study):
    alliance = study.definition.deal_types(["alliance"])
    assert study.deal_types() == alliance
    assert not {"acquisition", "equity_investment", "grant"} & set(alliance)
    ties = study.ties()
    assert ties.height
    unexplained = _backed_by(study, ties, alliance)
    assert unexplained.is_empty(), unexplained
    pairs = {(r["source"], r["target"]) for r in ties.iter_rows(named=True)}
    pairs |= {(b, a) for a, b in pairs}
    ogeda, astellas, iba, walloon = ids(study, "Ogeda", "Astellas Pharma", "IBA", "Walloon Region")
    assert (ogeda, astellas) not in pairs and (iba, walloon) not in pairs


def test_other_layers_tie_when_asked_for(study: Study):
    ma = study.ties(layers=["ma"])
    assert ma.height and _backed_by(study, ma, ("acquisition",)).is_empty()
    ogeda, astellas = ids(study, "Ogeda", "Astellas Pharma")
    in_2017 = ma.filter(pl.col("year") == 2017)
    assert in_2017.filter(
        ((pl.col("source") == ogeda) & (pl.col("target") == astellas))
        | ((pl.col("source") == astellas) & (pl.col("target") == ogeda))
    ).height == 1  # fmt: skip


# -- business models --------------------------------------------------------------------------


def test_value_chain_labels_and_fipco_migration_agree(study: Study, exits: dict[str, int]):
    labels = study.business_models()
    migration = study.fipco_migration()
    fipco_year = {r["firm"]: r["fipco_year"] for r in migration.iter_rows(named=True)}
    fipco = labels.filter(pl.col("value_chain") == "FIPCO")
    first = dict(fipco.group_by("firm").agg(pl.col("year").min()).iter_rows())
    # one rule: the migration's year is the year the labels first say FIPCO, and only then
    assert {f: y for f, y in fipco_year.items() if y is not None} == first
    # a firm labelled FIPCO in 2017 had become one by 2017 ...
    in_2017 = set(fipco.filter(pl.col("year") == 2017)["firm"])
    assert in_2017 and all(fipco_year.get(f) is not None and fipco_year[f] <= 2017
                           for f in in_2017)  # fmt: skip
    # ... and a panel firm still independent in 2017 that became FIPCO by then is labelled
    # in 2017 (it may have moved on from FIPCO since, by the same rule: an own asset on the
    # market), was labelled FIPCO in its FIPCO year, never before
    independent = {f for f in study.panel if exits.get(f, 9999) >= 2017}
    labelled_2017 = set(labels.filter(pl.col("year") == 2017)["firm"])
    for firm, year in fipco_year.items():
        if year is None or year > 2017 or firm not in independent:
            continue
        assert firm in labelled_2017, firm
        row = labels.filter((pl.col("firm") == firm) & (pl.col("year") == year))
        assert row["value_chain"].to_list() == ["FIPCO"], firm
    # long-gone firms are not among 2017's FIPCOs
    assert not set(ids(study, "Tibotec", "Innogenetics")) & in_2017


# -- the panel and the vocabularies -----------------------------------------------------------


def test_the_panel_is_red_biotech(study: Study):
    panel = set(study.panel)
    assert not set(ids(study, *NOT_RED)) & panel
    services = ids(study, "Quality Assistance", "ImmunXperts", "Eurogentec", "KitoZyme")
    assert not set(services) & panel
    excluded = set(study.definition.panel.exclude_categories)
    included = set(ids(study, *study.definition.panel.include))
    categories = study.classified.filter(pl.col("category").is_in(list(excluded)))
    assert not (set(categories["actor_id"]) & panel) - included
    assert set(ids(study, "Galapagos", "Ablynx", "Mithra Pharmaceuticals")) <= panel
    kinds = set(study.actors.filter(pl.col("actor_id").is_in(list(panel)))["kind"])
    assert kinds == {"nbf"}


def test_kind_is_checked_and_case_is_ignored(store: Path):
    upper = ok_json("actors", "--kind", "NBF", "--store", store)
    assert upper and upper == ok_json("actors", "--kind", "nbf", "--store", store)
    assert {r["kind"] for r in upper} == {"nbf"}
    code, _, err = run("actors", "--kind", "startup", "--store", store)
    assert code == 1 and "--kind: 'startup' is not one of: nbf, biotech" in err


def test_a_misspelt_region_is_an_error_suggesting_the_region(store: Path):
    for command in ("actors", "partners"):
        code, out, err = run(command, "--region", "Wallonnia", "--store", store)
        assert code == 1 and not out.strip()
        assert "--region: 'Wallonnia' is not one of: Flanders, Wallonia, Brussels" in err
        assert "did you mean 'Wallonia'?" in err
    rows = ok_json("actors", "--region", "wallonia", "--kind", "nbf", "--store", store)
    assert rows and {r["location"] for r in rows} == {"Wallonia"}


def test_partner_sensitivity_has_kendalls_tau_for_six_scenarios(store: Path):
    payload = ok_json("partners", "--year", "2017", "--sensitivity", "--store", store)
    agreement = payload["agreement"]
    assert len(agreement) == 6
    assert {r["scenario"] for r in agreement} == {
        f"{n}-year ties, {layers}" for n in (3, 5, 7) for layers in ("alliance",
                                                                      "alliance + financing")
    }  # fmt: skip
    for row in agreement:
        assert -1 <= row["kendall_tau"] <= 1 and 0 <= row["p_value"] <= 1 and row["firms"] > 1
    baseline = next(r for r in agreement if r["scenario"] == "5-year ties, alliance")
    assert baseline["kendall_tau"] == pytest.approx(1.0) and baseline["shared_top_10"] == 10
    plain = ok_json("partners", "--year", "2017", "--store", store)
    assert [(r["rank"], r["name"]) for r in payload["ranking"]] == [
        (r["rank"], r["name"]) for r in plain
    ]
    code, out, _ = run("partners", "--year", "2017", "--sensitivity", "--store", store)
    assert code == 0 and "Kendall's tau-b" in out and "3-year ties, alliance + financing" in out


def test_region_figures_follow_the_period_and_the_exits(study: Study):
    """Specialisation counts the panel firms in the panel during the period asked for, and
    partner ties only deals signed in a firm's panel years (Innogenetics' 2009 deal, after
    Solvay bought it in 2008, is not a Flemish panel tie)."""
    early = study.region_summary(1987, 1995).specialisation
    late = study.region_summary(2015, 2017).specialisation
    n_r = {
        name: dict(frame.group_by("region").agg(pl.col("n_r").first()).iter_rows())
        for name, frame in (("early", early), ("late", late))
    }
    assert n_r["early"]["Flanders"] < n_r["late"]["Flanders"]  # most firms came after 1995
    from bioris.analytics.regional import tie_scope
    from bioris.study.regions import network_deals

    innogenetics = study.resolve_actor("Innogenetics")
    deals = network_deals(study)
    late = deals.filter(pl.col("year") == 2009).join(
        study.inputs.parties.filter(pl.col("actor_id") == innogenetics), on="alliance_id"
    )
    assert late.height >= 1  # the data have an alliance it signed after its exit

    def flemish_deals(firm_years: pl.DataFrame | None) -> int:
        scope = tie_scope(
            deals, study.inputs.parties, study.actors, by="region", start=2009, end=2009,
            firms=study.panel, regions=REGIONS, home={r: ("BE",) for r in REGIONS},
            firm_years=firm_years,
        )  # fmt: skip
        return int(scope.filter(pl.col("location") == "Flanders")["alliances"].sum())

    assert flemish_deals(None) - flemish_deals(study.panel_years(2009, 2009)) == late.height
    pooled = study.region_summary(2009, 2009).scope.filter(pl.col("location") == "Flanders")
    assert int(pooled["alliances"].sum()) == flemish_deals(study.panel_years(2009, 2009))
