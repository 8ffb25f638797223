"""The study's claims as tested hypotheses, on small hand-built tables whose answers are worked
out in the comments (shares, exact intervals, Fisher and binomial p-values, chi-square,
Kaplan-Meier steps); every random process reproduces with its seed."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scipy import stats

from bioris.analytics.findings import (
    FINDINGS_SCHEMA,
    NOT_ENOUGH,
    NOT_SUPPORTED,
    SUPPORTED,
    FindingContext,
    FindingRules,
    _holm,
    _periods,
    big_pharma_claim,
    deal_income_claim,
    deal_sides,
    early_stage_claim,
    findings_table,
    fipco_claim,
    open_innovation_claim,
    portfolio_claim,
    preferred_partner_claim,
    regional_claims,
    specialisation_claim,
)
from bioris.analytics.findings.regional_claims import random_tables

CTX = FindingContext(study="Test RIS", regions=("North", "South"), start=2000, end=2017)
RULES = FindingRules(permutations=200, resamples=300)


def firm_years(firms: list[str], start: int = 2000, end: int = 2017) -> pl.DataFrame:
    rows = [(f, y) for f in firms for y in range(start, end + 1)]
    return pl.DataFrame(rows, schema={"actor_id": pl.String, "year": pl.Int32}, orient="row")


def frames(deals: list[tuple]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """deals: (id, year, type, stage, upfront, [(actor, role, focal), ...])."""
    alliances = pl.DataFrame(
        [(d, y, t, s, u, None) for d, y, t, s, u, _ in deals],
        schema={
            "alliance_id": pl.String,
            "year": pl.Int32,
            "deal_type": pl.String,
            "stage_at_signing": pl.String,
            "upfront_eur": pl.Float64,
            "milestones_eur": pl.Float64,
        },
        orient="row",
    )
    parties = pl.DataFrame(
        [(d, a, r, f) for d, *_, ps in deals for a, r, f in ps],
        schema={
            "alliance_id": pl.String,
            "actor_id": pl.String,
            "role": pl.String,
            "focal": pl.Boolean,
        },
        orient="row",
    )
    return alliances, parties


def licence(i: int, firm: str, partner: str, year: int = 2005, **kw: object) -> tuple:
    """A licence the firm grants to the partner (the partner pays)."""
    return (
        f"d{i}",
        year,
        kw.get("type", "licensing_out"),
        kw.get("stage", "discovery"),
        kw.get("upfront"),
        [
            (firm, kw.get("role", "licensor"), True),
            (partner, kw.get("partner_role", "licensee"), False),
        ],
    )


def sides_of(deals: list[tuple], firms: list[str], **kw: object) -> pl.DataFrame:
    alliances, parties = frames(deals)
    return deal_sides(alliances, parties, firm_years(firms), **kw)


def assert_no_numbers(row: dict) -> None:
    assert row["verdict"] == NOT_ENOUGH
    for column in ("value", "statistic", "p_value", "ci_low", "ci_high"):
        assert row[column] is None, column
    assert row["value_text"].startswith("not enough data")


# -- deal sides -------------------------------------------------------------------------------


def test_deal_sides_roll_partners_up_and_keep_panel_years():
    parents = pl.DataFrame(
        {
            "actor_id": ["genentech"],
            "parent_id": ["roche"],
            "start_year": [2009],
            "end_year": [9999],
        },
        schema={
            "actor_id": pl.String,
            "parent_id": pl.String,
            "start_year": pl.Int32,
            "end_year": pl.Int32,
        },
    )
    deals = [
        licence(1, "f1", "genentech", 2008),
        licence(2, "f1", "genentech", 2010),
        licence(3, "f1", "uni", 2019),
    ]
    sides = sides_of(deals, ["f1"], big_pharma={"roche"}, parents=parents)
    # 2019 is outside the firm's panel years; Genentech counts as Roche from 2009 only
    assert sides["alliance_id"].to_list() == ["d1", "d2"]
    assert sides["partners"].to_list() == [["genentech"], ["roche"]]
    assert sides["big_pharma_partners"].to_list() == [[], ["roche"]]


# -- claim 1 ----------------------------------------------------------------------------------


def test_claim1_share_with_exact_interval_and_direction():
    firms = [f"f{i}" for i in range(10)]
    # every firm licenses to big pharma (it is paid); f0 also takes a licence (it pays)
    deals = [licence(i, f, "pharma") for i, f in enumerate(firms)]
    deals.append(licence(99, "f0", "pharma", role="licensee", partner_role="licensor"))
    sides = sides_of(deals, firms, big_pharma={"pharma"})
    lifespans = pl.DataFrame({"actor_id": ["f3"], "acquirer": ["pharma"], "exit_year": [2010]})
    result = big_pharma_claim(sides, firm_years(firms), lifespans, {"pharma"}, CTX, RULES)
    row = result.row
    # 10 of 10: Clopper-Pearson lower bound 0.025 ** (1/10) = 0.6915
    assert row["value"] == 1.0 and row["n"] == 10
    assert row["ci_low"] == pytest.approx(0.025**0.1, abs=1e-6) and row["ci_high"] == 1.0
    # 9 firms paid, f0 even (1 paid, 1 paying): one-sided binomial 9 of 9 = 0.5 ** 9
    assert row["p_value"] == pytest.approx(0.5**9)
    assert row["verdict"] == SUPPORTED
    assert "1 acquired by big pharma (f3)" in row["value_text"]
    table = result.evidence["findings_claim1_big_pharma.csv"]
    assert table.filter(pl.col("firm") == "f0")["direction"].item() == "even"


def test_claim1_a_minority_with_big_pharma_is_not_supported():
    firms = [f"f{i}" for i in range(6)]
    deals = [licence(i, f, "pharma") for i, f in enumerate(firms[:4])]
    sides = sides_of(deals, firms, big_pharma={"pharma"})
    row = big_pharma_claim(
        sides,
        firm_years(firms),
        pl.DataFrame(schema={"actor_id": pl.String, "acquirer": pl.String, "exit_year": pl.Int32}),
        {"pharma"},
        CTX,
        RULES,
    ).row
    # 4 of 6: Clopper-Pearson (0.2228, 0.9567), the lower bound is under one half
    assert row["value"] == pytest.approx(4 / 6)
    assert row["ci_low"] == pytest.approx(0.22278, abs=1e-4)
    assert row["verdict"] == NOT_SUPPORTED


def test_claim1_too_few_firms():
    firms = ["f1", "f2", "f3", "f4"]
    sides = sides_of([licence(1, "f1", "pharma")], firms, big_pharma={"pharma"})
    lifespans = pl.DataFrame(
        schema={"actor_id": pl.String, "acquirer": pl.String, "exit_year": pl.Int32}
    )
    row = big_pharma_claim(sides, firm_years(firms), lifespans, {"pharma"}, CTX, RULES).row
    assert_no_numbers(row)
    assert row["n"] == 4 and "4 panel firms (the minimum is 5)" in row["value_text"]


# -- claim 2 ----------------------------------------------------------------------------------


def hub_deals() -> list[tuple]:
    """f0 holds every big-pharma tie (bp0..bp4); f0..f5 each have 5 partners."""
    deals = [licence(i, "f0", f"bp{i}") for i in range(5)]
    n = 10
    for firm in ("f1", "f2", "f3", "f4", "f5"):
        for _ in range(5):
            deals.append(licence(n, firm, f"p{n}"))
            n += 1
    return deals


def test_claim2_one_hub_is_far_beyond_rewired_networks():
    firms = [f"f{i}" for i in range(6)]
    sides = sides_of(hub_deals(), firms, big_pharma={f"bp{i}" for i in range(5)})
    rules = FindingRules(permutations=200, min_deals=5, top=1)
    result = preferred_partner_claim(sides, pl.DataFrame(), firms, CTX, rules)
    row = result.row
    # the top firm holds all 5 big-pharma ties; a rewiring puts all 5 of the 30 ties' slots on
    # one firm with probability 6 / C(30, 5) = 4e-5, so no rewiring reaches it: p = 1 / 201
    assert row["value"] == 1.0 and row["n"] == 6
    assert row["p_value"] == pytest.approx(1 / 201)
    assert row["verdict"] == SUPPORTED
    summary = result.evidence["findings_claim2_concentration.csv"]
    assert summary["measure"].to_list() == ["top-1 share", "top-20% share", "gini"]
    # Gini of (5, 0, 0, 0, 0, 0) = (n - 1) / n = 5/6
    assert summary["observed"][2] == pytest.approx(5 / 6)


def test_claim2_when_every_partner_is_big_pharma_the_null_is_the_observed():
    firms = [f"f{i}" for i in range(6)]
    deals = [licence(i, f, f"bp{i}_{j}") for i, f in enumerate(firms) for j in range(i + 1)]
    deals = [(f"d{k}", *d[1:]) for k, d in enumerate(deals)]
    pharma = {p for d in deals for p, _, _ in d[-1] if p.startswith("bp")}
    sides = sides_of(deals, firms, big_pharma=pharma)
    row = preferred_partner_claim(sides, pl.DataFrame(), firms, CTX, RULES).row
    # firm degrees are kept, so every rewiring gives each firm the same big-pharma ties: p = 1
    assert row["p_value"] == 1.0 and row["verdict"] == NOT_SUPPORTED


def test_claim2_is_reproducible_with_its_seed():
    firms = [f"f{i}" for i in range(6)]
    deals = [*hub_deals(), licence(90, "f1", "bp0"), licence(91, "f2", "bp1")]
    sides = sides_of(deals, firms, big_pharma={f"bp{i}" for i in range(5)})
    rules = FindingRules(permutations=100, min_deals=5, seed=7)
    first = preferred_partner_claim(sides, pl.DataFrame(), firms, CTX, rules)
    again = preferred_partner_claim(sides, pl.DataFrame(), firms, CTX, rules)
    assert first.row == again.row
    assert first.evidence["findings_claim2_concentration.csv"].equals(
        again.evidence["findings_claim2_concentration.csv"]
    )


def test_claim2_persistence_of_the_top_ranks():
    ranking = pl.DataFrame(
        [
            (2000, 1, "a"),
            (2000, 2, "b"),
            (2000, 3, "c"),
            (2001, 1, "a"),
            (2001, 2, "b"),
            (2005, 1, "a"),
            (2005, 2, "c"),
            (2005, 3, "b"),
            (2006, 1, "b"),
            (2006, 2, "d"),
        ],
        schema=["year", "rank", "actor"],
        orient="row",
    )
    firms = ["a", "b", "c", "d"]
    rules = FindingRules(persistence_top=2, persistence_lag_years=5, min_deals=1000)
    ctx = FindingContext(study="T", regions=("North",), start=2000, end=2006)
    sides = sides_of([licence(1, "a", "bp")], firms)
    result = preferred_partner_claim(
        sides, ranking, firms, ctx, rules, firm_years=firm_years(firms, 2000, 2006)
    )
    table = result.evidence["findings_claim2_persistence.csv"]
    # 2000 top {a, b} -> 2005 top {a, c}: 1 kept; 2001 {a, b} -> 2006 {b, d}: 1 kept; a random
    # pair among the 4 panel firms keeps a given firm with probability 2 / 4
    assert table.select("year", "later_year", "top_firms", "still_top").rows() == [
        (2000, 2005, 2, 1),
        (2001, 2006, 2, 1),
    ]
    assert table["expected_share"].to_list() == [0.5, 0.5]
    assert_no_numbers(result.row)  # one big-pharma tie: not enough for the test


# -- claim 3 ----------------------------------------------------------------------------------


def test_claim3_share_of_early_deals_and_every_firm_counted_in_the_pipeline():
    firms = [f"f{i}" for i in range(6)]
    stages = [
        "platform",
        "discovery",
        "discovery",
        "preclinical",
        "preclinical",
        "discovery",
        "platform",
        "preclinical",
        "discovery",
        "phase2",
        "unknown",
        "unknown",
    ]
    deals = [licence(i, firms[i % 6], "p", stage=s) for i, s in enumerate(stages)]
    highest = pl.DataFrame(
        {
            "firm": ["f0", "f1"],
            "year": [2017, 2017],
            "highest_stage": ["phase3", "phase1"],
            "highest_own_stage": ["phase3", None],
        },
        schema={
            "firm": pl.String,
            "year": pl.Int32,
            "highest_stage": pl.String,
            "highest_own_stage": pl.String,
        },
    )
    result = early_stage_claim(sides_of(deals, firms), highest, firm_years(firms), CTX, RULES)
    row = result.row
    # 9 of the 10 deals with a known stage are early: Clopper-Pearson (0.5550, 0.9975)
    assert row["value"] == pytest.approx(0.9) and row["n"] == 10
    assert row["ci_low"] == pytest.approx(0.55498, abs=1e-4)
    assert row["verdict"] == SUPPORTED
    assert "2 deals with an unknown stage" in row["caveat"]
    pipeline = result.evidence["findings_claim3_pipeline_stages.csv"].filter(pl.col("year") == 2017)
    assert dict(pipeline.select("stage", "firms").rows()) == {
        "no pipeline record": 4,
        "phase3": 1,
        "partner-run only": 1,
    }


def test_claim3_too_few_deals():
    firms = [f"f{i}" for i in range(6)]
    deals = [licence(i, f, "p") for i, f in enumerate(firms)]
    empty = pl.DataFrame(
        schema={
            "firm": pl.String,
            "year": pl.Int32,
            "highest_stage": pl.String,
            "highest_own_stage": pl.String,
        }
    )
    row = early_stage_claim(sides_of(deals, firms), empty, firm_years(firms), CTX, RULES).row
    assert_no_numbers(row)
    assert "6 deals with a known stage (the minimum is 10)" in row["value_text"]


# -- claim 4 ----------------------------------------------------------------------------------


def labels(rows: list[tuple[str, int, int, int]]) -> pl.DataFrame:
    """(firm, year, proprietary, partnered) -> labels with the portfolio_mix rule."""
    out = []
    for firm, year, own, partnered in rows:
        total = own + partnered
        mix = (
            "none"
            if total == 0
            else "closed"
            if own / total >= 2 / 3
            else "open"
            if partnered / total >= 2 / 3
            else "mixed"
        )
        out.append((firm, year, own, partnered, mix))
    return pl.DataFrame(
        out,
        schema=["firm", "year", "proprietary_assets", "partnered_assets", "portfolio_mix"],
        orient="row",
    )


def test_claim4_every_firm_year_with_both_kinds():
    rows = [(f"f{i}", y, 1, 1) for i in range(5) for y in (2010, 2011)]
    rows.append(("f9", 2010, 0, 0))  # no assets: not counted
    row = portfolio_claim(labels(rows), CTX, RULES).row
    # 10 of 10 firm-years; every resample of firms gives 1, so the interval is (1, 1)
    assert row["value"] == 1.0 and row["n"] == 10
    assert (row["ci_low"], row["ci_high"]) == (1.0, 1.0)
    assert row["verdict"] == SUPPORTED


def test_claim4_half_the_firms_is_not_most():
    rows = [(f"f{i}", y, 1, 1 if i < 3 else 0) for i in range(6) for y in (2010, 2011)]
    row = portfolio_claim(labels(rows), CTX, RULES).row
    assert row["value"] == 0.5 and row["ci_low"] < 0.5 and row["verdict"] == NOT_SUPPORTED
    again = portfolio_claim(labels(rows), CTX, RULES).row
    assert again == row  # the bootstrap is seeded
    other = portfolio_claim(labels(rows), CTX, FindingRules(resamples=300, seed=1)).row
    assert other["value"] == row["value"]


def test_claim4_too_few_firms():
    rows = [(f"f{i}", y, 1, 1) for i in range(4) for y in range(2010, 2015)]
    assert_no_numbers(portfolio_claim(labels(rows), CTX, RULES).row)


# -- claim 5 ----------------------------------------------------------------------------------


def dependence(rows: list[tuple]) -> pl.DataFrame:
    """(firm, year, basis, revenue, deal income)."""
    return pl.DataFrame(
        rows, schema=["firm", "year", "basis", "revenue_eur", "deal_income_eur"], orient="row"
    )


def test_claim5_early_stage_dependence_on_deal_income():
    firms = [f"f{i}" for i in range(5)]
    rows = [(f, y, "financials", 10.0, 8.0) for f in firms for y in (2005, 2006)]
    rows += [
        ("f0", 2012, "financials", 10.0, 1.0),  # late stage by then
        ("f1", 2007, "deal_terms", None, 5.0),
    ]  # no revenue figures
    highest = pl.DataFrame(
        [(f, y, "phase1") for f in firms for y in (2005, 2006)] + [("f0", 2012, "phase3")],
        schema={"firm": pl.String, "year": pl.Int32, "highest_stage": pl.String},
        orient="row",
    )
    lifespans = pl.DataFrame({"actor_id": firms, "founded": [2000] * 5})
    result = deal_income_claim(dependence(rows), highest, lifespans, firm_years(firms), CTX, RULES)
    row = result.row
    # 10 early firm-years at 0.8 each: mean 0.8, every resample too
    assert row["value"] == pytest.approx(0.8) and row["n"] == 10
    assert row["ci_low"] == pytest.approx(0.8) and row["verdict"] == SUPPORTED
    summary = result.evidence["findings_claim5_deal_income.csv"]
    late = summary.filter(pl.col("bucket").str.starts_with("late"))
    assert late["firm_years"].item() == 1 and late["mean_share"].item() == pytest.approx(0.1)
    ages = summary.filter(pl.col("by") == "age")
    assert dict(ages.select("bucket", "firm_years").rows()) == {"5-9": 10, "10-14": 1}


def test_claim5_too_few_firm_years():
    firms = [f"f{i}" for i in range(5)]
    rows = [(f, 2005, "financials", 10.0, 8.0) for f in firms]
    highest = pl.DataFrame(
        [(f, 2005, "discovery") for f in firms],
        schema=["firm", "year", "highest_stage"],
        orient="row",
    )
    lifespans = pl.DataFrame({"actor_id": firms, "founded": [2000] * 5})
    row = deal_income_claim(dependence(rows), highest, lifespans, firm_years(firms), CTX, RULES).row
    assert_no_numbers(row)
    assert "5 early-stage firm-years with revenue (the minimum is 10)" in row["value_text"]


# -- claim 6 ----------------------------------------------------------------------------------


def lq_table(counts: dict[tuple[str, str], int], sizes: dict[str, int]) -> pl.DataFrame:
    """A pooled specialisation table from region x category firm counts."""
    n = sum(sizes.values())
    categories = sorted({c for _, c in counts})
    rows = []
    for region, n_r in sizes.items():
        for c in categories:
            n_rc = counts.get((region, c), 0)
            n_c = sum(v for (_, cc), v in counts.items() if cc == c)
            rows.append(
                (None, region, c, n_rc, n_r, n_c, n, n_rc / n_r, n_c / n, (n_rc / n_r) / (n_c / n))
            )
    return pl.DataFrame(
        rows,
        schema=[
            "year",
            "region",
            "category",
            "n_rc",
            "n_r",
            "n_c",
            "n",
            "share_region",
            "share_reference",
            "lq",
        ],
        orient="row",
    )


def test_claim6_each_region_specialised():
    spec = lq_table({("North", "x"): 6, ("South", "y"): 6}, {"North": 10, "South": 10})
    result = specialisation_claim(spec, CTX, RULES)
    row = result.row
    cells = result.evidence["findings_claim6_specialisation.csv"]
    north = cells.filter((pl.col("region") == "North") & (pl.col("category") == "x"))
    # all 6 firms of x in North (10 of 20 firms): p = C(10, 6) / C(20, 6) = 210 / 38760; LQ 2
    assert north["p_value"].item() == pytest.approx(210 / 38760)
    assert north["lq"].item() == pytest.approx(2.0)
    assert row["verdict"] == SUPPORTED and row["value"] == 1.0 and row["n"] == 20
    assert "North: x (LQ 2.0, 6 firms, p = 0.005)" in row["value_text"]


def test_claim6_a_small_region_is_not_judged_and_one_region_is_not_enough():
    spec = lq_table({("North", "x"): 6, ("South", "x"): 1}, {"North": 16, "South": 4})
    row = specialisation_claim(spec, CTX, RULES).row
    assert "not judged: South" in row["caveat"]
    assert row["verdict"] == NOT_SUPPORTED  # North: 6 of 16 vs 1 of 4, not beyond chance
    alone = lq_table({("North", "x"): 6}, {"North": 16})
    assert_no_numbers(specialisation_claim(alone, CTX, RULES).row)


def test_holm_adjustment():
    # sorted 0.01, 0.03, 0.04 -> 3 x 0.01, 2 x 0.03, max(0.06, 1 x 0.04)
    assert _holm(pl.Series([0.01, 0.04, 0.03])).to_list() == pytest.approx([0.03, 0.06, 0.06])


# -- claim 7 ----------------------------------------------------------------------------------


def migration(steps: dict[str, int]) -> pl.DataFrame:
    return pl.DataFrame(
        [(f, y, None, None, None) for f, y in steps.items()],
        schema={
            "firm": pl.String,
            "first_own_phase3_year": pl.Int32,
            "first_own_registration_year": pl.Int32,
            "first_own_marketed_year": pl.Int32,
            "fipco_year": pl.Int32,
        },
        orient="row",
    )


def test_claim7_a_few_migrate_with_kaplan_meier_times():
    firms = [f"f{i:02d}" for i in range(20)]
    lifespans = pl.DataFrame(
        {"actor_id": firms, "entry_year": [2000] * 20, "exit_year": [None] * 20}
    )
    steps = {"f00": 2005, "f01": 2005, "f02": 2010}
    result = fipco_claim(migration(steps), lifespans, firm_years(firms), firms, CTX, RULES)
    row = result.row
    # 3 of 20: Clopper-Pearson upper bound 0.3789 < 0.5
    assert row["value"] == pytest.approx(0.15) and row["ci_high"] == pytest.approx(
        0.37893, abs=1e-4
    )
    assert row["verdict"] == SUPPORTED
    km = result.evidence["findings_claim7_kaplan_meier.csv"]
    # S(5) = 18/20; S(10) = 0.9 * 17/18 = 0.85; the other 17 firms are censored at 17 years
    curve = dict(km.select("years", "share_not_migrated").rows())
    assert curve[5.0] == pytest.approx(0.9) and curve[10.0] == pytest.approx(0.85)
    assert "15% within 10 years of entry" in row["value_text"]


def test_claim7_without_pipeline_records_there_is_not_enough_data():
    firms = [f"f{i}" for i in range(10)]
    lifespans = pl.DataFrame(
        {"actor_id": firms, "entry_year": [2000] * 10, "exit_year": [None] * 10}
    )
    row = fipco_claim(migration({}), lifespans, firm_years(firms), ["f1"], CTX, RULES).row
    assert_no_numbers(row)
    assert "1 panel firms with pipeline records" in row["value_text"]


# -- claim 8 ----------------------------------------------------------------------------------


def test_periods_of_five_years_and_a_short_last_one_joined():
    assert _periods(1987, 2017, 5)[-2:] == [(2007, 2011), (2012, 2017)]
    assert _periods(2000, 2014, 5) == [(2000, 2004), (2005, 2009), (2010, 2014)]


def oi_deals(mix: dict[int, str]) -> list[tuple]:
    """Ten deals of firm f(i % 5) in each year of ``mix``, of the given direction."""
    roles = {
        "outbound": ("licensing_out", "licensor", "licensee"),
        "inbound": ("licensing_in", "licensee", "licensor"),
        "coupled": ("research_collaboration", "collaborator", "collaborator"),
    }
    deals = []
    for year, direction in mix.items():
        kind, role, other = roles[direction]
        for i in range(10):
            deals.append(
                licence(
                    len(deals), f"f{i % 5}", "p", year, type=kind, role=role, partner_role=other
                )
            )
    return deals


def test_claim8_a_change_of_mix_across_periods():
    firms = [f"f{i}" for i in range(5)]
    deals = oi_deals({2001: "outbound", 2006: "coupled", 2011: "inbound"})
    ctx = FindingContext(study="T", regions=("North",), start=2000, end=2014)
    result = open_innovation_claim(sides_of(deals, firms), ctx, RULES)
    row = result.row
    # a perfect association of 3 directions with 3 periods of 10: chi-square = 30 x (3 - 1)
    assert row["statistic"] == pytest.approx(60.0) and row["value"] == pytest.approx(1 / 3)
    assert row["p_value"] == pytest.approx(1 / 201)  # no re-pairing is as extreme
    assert row["verdict"] == SUPPORTED
    counts = result.evidence["findings_claim8_open_innovation.csv"]
    assert counts.filter(pl.col("period") == "2005-2009").select("direction", "deals").rows() == [
        ("inbound", 0),
        ("outbound", 0),
        ("coupled", 10),
    ]


def test_claim8_a_steady_mix_and_a_missing_direction():
    firms = [f"f{i}" for i in range(5)]
    deals = oi_deals({2001: "outbound", 2002: "coupled", 2006: "outbound", 2007: "coupled"})
    ctx = FindingContext(study="T", regions=("North",), start=2000, end=2009)
    row = open_innovation_claim(sides_of(deals, firms), ctx, RULES).row
    # the same mix in both periods: chi-square 0, every re-pairing at least as extreme
    assert row["statistic"] == pytest.approx(0.0) and row["p_value"] == 1.0
    assert row["value"] == 0.0 and row["verdict"] == NOT_SUPPORTED  # no inbound deal


def test_claim8_financing_is_not_open_innovation():
    firms = [f"f{i}" for i in range(5)]
    deals = [
        licence(
            i,
            f"f{i % 5}",
            "vc",
            2005,
            type="equity_investment",
            role="investee",
            partner_role="investor",
        )
        for i in range(20)
    ]
    row = open_innovation_claim(sides_of(deals, firms), CTX, RULES).row
    assert_no_numbers(row)
    assert row["n"] == 0


@pytest.mark.parametrize(
    ("rows", "cols"), [([3, 5, 2], [4, 4, 2]), ([10, 0, 7], [1, 0, 9, 7]), ([6], [2, 4])]
)
def test_random_tables_keep_the_margins(rows: list[int], cols: list[int]):
    tables = random_tables(np.array(rows), np.array(cols), 500, np.random.default_rng(1))
    assert tables.shape == (500, len(rows), len(cols)) and (tables >= 0).all()
    assert (tables.sum(axis=2) == rows).all() and (tables.sum(axis=1) == cols).all()


def test_random_tables_follow_the_permutation_null():
    # the null of permuting one variable against the other: the same mean table (r c / N)
    # and the same spread of the chi-square statistic as scipy's permutation test
    rng = np.random.default_rng(7)
    d = rng.integers(0, 3, 300)
    p = rng.integers(0, 4, 300)
    observed = np.bincount(d * 4 + p, minlength=12).reshape(3, 4)
    rows, cols = observed.sum(axis=1), observed.sum(axis=0)
    tables = random_tables(rows, cols, 20_000, np.random.default_rng(2))
    expected = np.outer(rows, cols) / 300
    assert np.abs(tables.mean(axis=0) - expected).max() < 0.1
    chi = (((tables - expected) ** 2) / expected).sum(axis=(1, 2))
    permuted = [
        np.bincount(d * 4 + rng.permutation(p), minlength=12).reshape(3, 4) for _ in range(4000)
    ]
    chi_perm = [(((t - expected) ** 2) / expected).sum() for t in permuted]
    assert stats.ks_2samp(chi, chi_perm).pvalue > 0.01
    assert np.mean(chi) == pytest.approx(np.mean(chi_perm), rel=0.05)  # about (3-1)(4-1) = 6


@pytest.mark.parametrize(
    ("mix", "end", "statistic", "p_value"),
    [
        ({2001: "outbound", 2006: "coupled", 2011: "inbound"}, 2014, 60.0, 1 / 201),
        ({2001: "outbound", 2002: "coupled", 2006: "outbound", 2007: "coupled"}, 2009, 0.0, 1.0),
    ],
)
def test_claim8_on_random_tables_above_the_size(monkeypatch, mix, end, statistic, p_value):
    # a large study's permutations are random tables with the observed margins: the same
    # verdicts, and the test says how it was drawn
    monkeypatch.setattr(regional_claims, "TABLE_PERMUTATION_MIN_SIDES", 0)
    firms = [f"f{i}" for i in range(5)]
    ctx = FindingContext(study="T", regions=("North",), start=2000, end=end)
    row = open_innovation_claim(sides_of(oi_deals(mix), firms), ctx, RULES).row
    assert row["statistic"] == pytest.approx(statistic)
    assert row["p_value"] == pytest.approx(p_value)
    assert "random tables with the observed margins" in row["test"]


# -- the table --------------------------------------------------------------------------------


def test_the_table_has_one_row_per_claim_in_order():
    firms = [f"f{i}" for i in range(5)]
    results = [
        open_innovation_claim(sides_of([], firms), CTX, RULES),
        portfolio_claim(labels([]), CTX, RULES),
    ]
    table, evidence = findings_table(results)
    assert table.schema == pl.Schema(FINDINGS_SCHEMA)
    assert table["claim"].to_list() == [4, 8]
    assert set(evidence) == {"findings_claim4_portfolio.csv", "findings_claim8_open_innovation.csv"}
    assert table["hypothesis"].str.contains("North and South").all()
    assert not math.isnan(table["n"].sum())
