"""Money analytics on hand-built firms whose figures are worked out in comments, and on the
raw financials file."""

from __future__ import annotations

import math
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bioris.analytics.biobucks import (
    deal_value_realism,
    firm_year_biobucks,
    load_success_rates,
    milestone_probability,
)
from bioris.analytics.money import financial_conflicts, milestone_dependence, pick_financials
from bioris.analytics.tables import ALLIANCE_SCHEMA, FINANCIALS_SCHEMA, PARTY_SCHEMA
from bioris.domain.pipeline import FINANCIAL_FIELDS, SourceKind
from bioris.errors import BiorisError

ROOT = Path(__file__).resolve().parents[2]
BUNDLED_RATES = ROOT / "src" / "bioris" / "data" / "phase_success_rates.csv"
RAW = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"  # ../shared beside the repo
P12, P23, P3R, PRA = 0.632, 0.307, 0.581, 0.853  # BIO 2016 clinical transitions


def rates() -> pl.DataFrame:
    return load_success_rates(BUNDLED_RATES)


def financials(*records: dict) -> pl.DataFrame:
    rows = []
    for r in records:
        row = dict.fromkeys(FINANCIALS_SCHEMA)
        row.update(currency="EUR", eur_per_unit=1.0, source_urls=[])
        row.update(r)
        row["source_priority"] = SourceKind(row["source_kind"]).priority
        rows.append(row)
    return pl.DataFrame(rows, schema=FINANCIALS_SCHEMA, orient="row")


def fin(record_id, firm, year, kind, **figures) -> dict:
    return {"record_id": record_id, "firm": firm, "year": year, "source_kind": kind, **figures}


def alliances(*deals: tuple) -> pl.DataFrame:
    """deals: (id, year, deal_type, stage, upfront, milestones, equity)."""
    rows = []
    for aid, year, kind, stage, up, ms, eq in deals:
        committed = (up or 0.0) + (eq or 0.0)
        rows.append(
            {
                **dict.fromkeys(ALLIANCE_SCHEMA),
                "alliance_id": aid, "year": year, "deal_type": kind, "stage_at_signing": stage,
                "upfront_eur": up, "milestones_eur": ms, "equity_eur": eq,
                "committed_eur": committed, "headline_eur": committed + (ms or 0.0),
                "source_urls": [],
            }
        )  # fmt: skip
    return pl.DataFrame(rows, schema=ALLIANCE_SCHEMA, orient="row")


def parties(*rows: tuple) -> pl.DataFrame:
    """rows: (alliance_id, actor_id, role, focal)."""
    return pl.DataFrame([(a, b, r, f, b) for a, b, r, f in rows], schema=PARTY_SCHEMA, orient="row")


def one(frame: pl.DataFrame, **where) -> dict:
    found = frame.filter(*(pl.col(k) == v for k, v in where.items()))
    assert found.height == 1, found
    return found.row(0, named=True)


# --- picking -----------------------------------------------------------------------------

ABX = financials(
    # the audited 20-F revenue note, in thousands on the source, millions here
    fin("r1", "abx", 2015, "filing", revenue_total=76.761, upfront_fees=58.559,
        milestones=3.5, rd_service_fees=14.403, grants_and_other=0.299),
    # the annual report's rounded highlight: revenue and year-end cash
    fin("r2", "abx", 2015, "results_release", revenue_total=78.0, cash_end=236.0),
    fin("r3", "abx", 2016, "filing", revenue_total=84.773, milestones=18.4),
    fin("r4", "abx", 2016, "results_release", revenue_total=85.2, cash_end=235.4),
)  # fmt: skip


def test_pick_prefers_filing_and_falls_back_per_field():
    picked = one(pick_financials(ABX), firm="abx", year=2015)
    assert picked["record_id"] == "r1" and picked["records"] == 2
    assert picked["revenue_total"] == 76.761 and picked["revenue_total_record"] == "r1"
    assert picked["milestones"] == 3.5
    # the filing gives no cash: the highlight's figure fills the gap, and says where it is from
    assert picked["cash_end"] == 236.0 and picked["cash_end_record"] == "r2"
    assert picked["royalties"] is None and picked["royalties_record"] is None


def test_pick_ties_broken_by_filled_fields_then_record_id():
    frame = financials(
        fin("a", "f", 2010, "press", revenue_total=10.0),
        fin("b", "f", 2010, "press", revenue_total=11.0, net_result=-2.0, cash_end=5.0),
        fin("c", "f", 2011, "press", revenue_total=20.0),
        fin("d", "f", 2011, "press", revenue_total=21.0),
    )
    picked = pick_financials(frame)
    # 2010: same priority, b has three figures against one
    assert one(picked, year=2010)["revenue_total_record"] == "b"
    # 2011: same priority and figures: the highest record id (the later record) wins
    assert one(picked, year=2011)["revenue_total"] == 21.0


def test_pick_converts_a_fallback_in_another_currency():
    frame = financials(
        fin("u", "mdx", 2018, "filing", currency="USD", eur_per_unit=0.9, revenue_total=28.0),
        fin("e", "mdx", 2018, "press", currency="EUR", eur_per_unit=1.0, cash_end=9.0),
    )
    picked = one(pick_financials(frame), year=2018)
    assert picked["currency"] == "USD"
    # 9 M EUR = 9 x 1.0 / 0.9 = 10 M USD
    assert picked["cash_end"] == pytest.approx(10.0)


def test_pick_keeps_every_field_and_empty_input():
    empty = pick_financials(financials())
    assert empty.height == 0
    for f in FINANCIAL_FIELDS:
        assert f in empty.columns and f"{f}_record" in empty.columns


KINDS = [k.value for k in SourceKind]
records = st.lists(
    st.tuples(
        st.sampled_from(["f", "g"]),
        st.integers(2010, 2011),
        st.sampled_from(KINDS),
        st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
        st.one_of(st.none(), st.floats(-50, 0, allow_nan=False)),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(rows=records, shuffle=st.randoms())
def test_pick_ignores_row_order_and_takes_the_best_reported_figure(rows, shuffle):
    recs = [
        fin(f"r{i:02d}", firm, year, kind, revenue_total=rev, net_result=net)
        for i, (firm, year, kind, rev, net) in enumerate(rows)
    ]
    picked = pick_financials(financials(*recs))
    shuffle.shuffle(recs)
    assert pick_financials(financials(*recs)).equals(picked)
    for row in picked.iter_rows(named=True):
        mine = [r for r in recs if (r["firm"], r["year"]) == (row["firm"], row["year"])]
        reporting = [r for r in mine if r["revenue_total"] is not None]
        if not reporting:
            assert row["revenue_total"] is None
            continue
        # no record reporting revenue ranks above the one used
        best = min(SourceKind(r["source_kind"]).priority for r in reporting)
        used = next(r for r in reporting if r["record_id"] == row["revenue_total_record"])
        assert SourceKind(used["source_kind"]).priority == best


# --- conflicts ---------------------------------------------------------------------------


def test_conflicts_rounding_aware():
    conflicts = financial_conflicts(ABX)
    # 2015: "EUR78 million" covers 77.5-78.5, the filing's 76.761 lies outside it
    # 2016: "85.2" covers 85.15-85.25, 84.773 lies outside; cash is reported once, no pair
    assert conflicts.select("year", "field").rows() == [
        (2015, "revenue_total"),
        (2016, "revenue_total"),
    ]
    row = one(conflicts, year=2015)
    assert (row["record_a"], row["value_a"], row["record_b"], row["value_b"]) == (
        "r1", 76.761, "r2", 78.0,
    )  # fmt: skip
    assert row["rel_difference"] == pytest.approx(1.239 / 78.0)
    assert row["picked_record"] == "r1"


def test_conflicts_within_rounding_are_not_flagged():
    frame = financials(
        fin("x", "arg", 2017, "filing", revenue_total=36.415, net_result=-28.076),
        fin("y", "arg", 2017, "press", revenue_total=36.4, net_result=-28.0),
    )
    # 36.4 covers 36.35-36.45 and -28 covers -28.5..-27.5: both agree with the filing
    assert financial_conflicts(frame).height == 0


def test_conflicts_plain_relative_tolerance():
    frame = financials(
        fin("p", "inno", 2006, "press", revenue_total=51.6, product_sales=47.9, rd_expense=29.8),
        fin("q", "inno", 2006, "press", revenue_total=53.7, rd_expense=29.8),
        fin("s", "inno", 2006, "press", product_sales=45.8),
    )
    plain = financial_conflicts(frame, 0.02, rounding_aware=False)
    # revenue 2.1 / 53.7 = 3.9 %, product sales 2.1 / 47.9 = 4.4 %: both beyond 2 %
    assert sorted(plain["field"].to_list()) == ["product_sales", "revenue_total"]
    # Ablynx 2015 differs by only 1.6 %: a 2 % tolerance would miss it
    assert financial_conflicts(ABX, 0.02, rounding_aware=False).height == 0


# --- dependence --------------------------------------------------------------------------


def dependence_inputs():
    fins = financials(
        fin("f1", "glp", 2016, "filing", revenue_total=100.0, upfront_fees=30.0,
            milestones=20.0, rd_service_fees=10.0, product_sales=40.0),
        fin("f2", "mdx", 2017, "press", currency="USD", eur_per_unit=0.9,
            revenue_total=50.0, milestones=10.0),
        # only a cash figure: no revenue, so the deal terms are used instead
        fin("f3", "tgx", 2012, "results_release", cash_end=11.1),
    )  # fmt: skip
    deals = alliances(
        ("d1", 2012, "licensing_out", "phase1", 5.0, 100.0, 2.0),
        ("d2", 2012, "grant", "unknown", 1.5, None, None),
        ("d3", 2012, "acquisition", "phase2", 500.0, 300.0, None),
        ("d4", 2012, "licensing_in", "preclinical", 3.0, 20.0, None),
        ("d5", 2012, "research_collaboration", "discovery", 4.0, 50.0, None),
        ("d6", 2016, "licensing_out", "phase2", 7.0, 70.0, None),
    )
    roles = parties(
        ("d1", "tgx", "licensor", True), ("d1", "pharma", "licensee", False),
        ("d2", "tgx", "grantee", True), ("d2", "gov", "grantor", False),
        ("d3", "tgx", "target", True), ("d3", "pharma", "acquirer", False),
        ("d4", "tgx", "licensee", True), ("d4", "uni", "licensor", False),
        ("d5", "tgx", "collaborator", True), ("d5", "glp", "collaborator", False),
        ("d6", "glp", "licensor", True), ("d6", "pharma", "licensee", False),
    )  # fmt: skip
    return fins, deals, roles


def test_dependence_from_financials():
    fins, deals, roles = dependence_inputs()
    out = milestone_dependence(fins, deals, roles, firms=["glp", "mdx", "tgx"],
                               start=2010, end=2020)  # fmt: skip
    glp = one(out, firm="glp", year=2016)
    # deal income 30 + 20 + 10 = 60 of 100 revenue; milestones 20 / 100
    assert glp["basis"] == "financials"
    assert (glp["deal_income_eur"], glp["milestone_share"], glp["deal_dependence"]) == (
        60.0, 0.2, 0.6,
    )  # fmt: skip
    # the same year's signed deal terms ride along for comparison
    assert glp["committed_received_eur"] == 7.0 and glp["receiving_deals"] == 1
    mdx = one(out, firm="mdx", year=2017)
    # USD 50 and 10 at 0.9 EUR per USD: 45 and 9 M EUR; no upfront or R&D fees given
    assert mdx["revenue_eur"] == pytest.approx(45.0)
    assert mdx["milestones_eur"] == pytest.approx(9.0)
    assert mdx["deal_income_eur"] == pytest.approx(9.0)
    assert mdx["milestone_share"] == pytest.approx(0.2)


def test_dependence_from_deal_terms():
    fins, deals, roles = dependence_inputs()
    out = milestone_dependence(fins, deals, roles, firms=["glp", "mdx", "tgx"],
                               start=2010, end=2020)  # fmt: skip
    tgx = one(out, firm="tgx", year=2012)
    # paying deals: d1 (licensor: upfront 5, equity 2), d2 (grantee: 1.5), d5 (focal
    # collaborator: upfront 4). Left out: d3 (the acquisition price goes to shareholders)
    # and d4 (tgx pays as licensee).
    assert tgx["basis"] == "deal_terms" and tgx["receiving_deals"] == 3
    assert tgx["terms_upfront_eur"] == 9.0 and tgx["upfront_eur"] == 9.0
    assert tgx["terms_grants_eur"] == 1.5 and tgx["terms_equity_eur"] == 2.0
    assert tgx["committed_received_eur"] == 12.5 and tgx["deal_income_eur"] == 9.0
    assert tgx["revenue_eur"] is None and tgx["milestones_eur"] is None
    assert tgx["milestone_share"] is None and tgx["deal_dependence"] is None
    # glp is the non-focal collaborator of d5: it does not receive d5's upfront
    assert out.filter((pl.col("firm") == "glp") & (pl.col("year") == 2012)).height == 0


def test_dependence_years_and_firms_are_a_window():
    fins, deals, roles = dependence_inputs()
    out = milestone_dependence(fins, deals, roles, firms=["tgx"], start=2013, end=2020)
    assert out.height == 0


# --- success rates and realism ------------------------------------------------------------


def test_bundled_rates_reproduce_published_likelihood_of_approval():
    probs = milestone_probability(rates())
    phase1 = one(probs, stage="phase1")
    # BIO 2016: likelihood of approval from phase I = 9.6 %
    assert phase1["p_approval"] == pytest.approx(P12 * P23 * P3R * PRA)
    assert round(phase1["p_approval"], 3) == 0.096
    # Paul et al. 2010: discovery -> preclinical = 0.80 x 0.75 x 0.85 = 0.51
    assert one(probs, stage="discovery")["p_approval"] == pytest.approx(
        0.51 * 0.69 * P12 * P23 * P3R * PRA
    )
    assert one(probs, stage="marketed")["p_milestones"] == 1.0


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("drop", "lacks transition"),
        ("twice", "twice"),
        ("zero", "must be in"),
    ],
)
def test_rates_are_checked(tmp_path, problem, message):
    table = rates()
    if problem == "drop":
        table = table.filter(pl.col("from_stage") != "phase2")
    elif problem == "twice":
        table = pl.concat([table, table.head(1)])
    else:
        table = table.with_columns(pl.lit(0.0).alias("probability"))
    path = tmp_path / "rates.csv"
    table.write_csv(path)
    with pytest.raises(BiorisError, match=message):
        load_success_rates(path)


REALISM_DEALS = alliances(
    ("p2", 2015, "licensing_out", "phase2", 10.0, 100.0, None),
    ("pf", 2015, "option", "platform", 5.0, 200.0, 0.0),
    ("uk", 2015, "licensing_out", "unknown", 1.0, 50.0, None),
    ("u0", 2015, "equity_investment", "unknown", None, None, 12.0),
    ("mk", 2015, "commercialisation", "marketed", 75.0, 465.0, None),
)


def test_realism_phase2_at_approval():
    out = deal_value_realism(REALISM_DEALS, success_rates=rates())
    p2 = one(out, alliance_id="p2")
    # p = 0.307 x 0.581 x 0.853 = 0.152147; 100 M€ milestones -> 15.2147 M€ risk-adjusted;
    # realism = (10 + 15.2147) / 110 = 0.22922
    p = P23 * P3R * PRA
    assert p2["p_milestones"] == pytest.approx(p)
    assert p2["risk_adjusted_contingent_eur"] == pytest.approx(15.2147, abs=1e-4)
    assert p2["realism"] == pytest.approx((10 + 100 * p) / 110)
    assert p2["realism"] == pytest.approx(0.22922, abs=1e-5)


def test_realism_phase2_spread():
    out = deal_value_realism(REALISM_DEALS, success_rates=rates(), milestone_schedule="spread")
    # a third of the milestones on reaching phase 3 (0.307), registration (0.307 x 0.581 =
    # 0.178367) and approval (0.152147): p = 0.637514 / 3 = 0.212505
    p = (P23 + P23 * P3R + P23 * P3R * PRA) / 3
    assert one(out, alliance_id="p2")["p_milestones"] == pytest.approx(p)
    assert p == pytest.approx(0.212505, abs=1e-6)


def test_realism_platform_unknown_marketed():
    out = deal_value_realism(REALISM_DEALS, success_rates=rates())
    pf = one(out, alliance_id="pf")
    # a platform deal is rated at discovery: p = 0.51 x 0.69 x 0.096157 = 0.033838
    assert pf["rated_stage"] == "discovery"
    assert pf["p_milestones"] == pytest.approx(0.51 * 0.69 * P12 * P23 * P3R * PRA)
    uk = one(out, alliance_id="uk")
    assert uk["p_milestones"] is None and uk["realism"] is None
    # unknown stage but no milestones: nothing to rate, the headline is all committed
    assert one(out, alliance_id="u0")["realism"] == 1.0
    # marketed: sales milestones are not risk-adjusted
    assert one(out, alliance_id="mk")["realism"] == 1.0
    unrated = deal_value_realism(REALISM_DEALS, success_rates=rates(), platform_stage=None)
    assert one(unrated, alliance_id="pf")["realism"] is None


@settings(max_examples=60, deadline=None)
@given(
    stage=st.sampled_from(["discovery", "phase1", "phase3", "marketed", "platform"]),
    upfront=st.floats(0, 500, allow_nan=False),
    milestones=st.floats(0, 5000, allow_nan=False),
    schedule=st.sampled_from(["at_approval", "spread"]),
)
def test_realism_is_a_share_of_the_headline(stage, upfront, milestones, schedule):
    deals = alliances(("d", 2010, "licensing_out", stage, upfront, milestones, None))
    row = one(deal_value_realism(deals, success_rates=rates(), milestone_schedule=schedule),
              alliance_id="d")  # fmt: skip
    if upfront + milestones == 0:
        assert row["realism"] is None
    else:
        assert 0.0 <= row["realism"] <= 1.0 + 1e-12
        assert row["risk_adjusted_eur"] <= upfront + milestones + 1e-9


def test_realism_rejects_unknown_schedule():
    with pytest.raises(BiorisError, match="milestone_schedule"):
        deal_value_realism(REALISM_DEALS, success_rates=rates(), milestone_schedule="linear")


def test_firm_year_biobucks():
    roles = parties(
        ("p2", "nbf", "licensor", True), ("uk", "nbf", "licensor", True),
        ("u0", "nbf", "investee", True), ("pf", "nbf", "licensee", True),
        ("mk", "other", "licensor", True),
    )  # fmt: skip
    out = firm_year_biobucks(REALISM_DEALS, roles, firms=["nbf"], success_rates=rates(),
                             start=2015, end=2015)  # fmt: skip
    row = one(out, firm="nbf", year=2015)
    # receiving: p2 (10 + 100 at phase 2), uk (1 + 50, unrated), u0 (12 equity); pf is
    # licensed in
    assert row["deals"] == 3
    assert row["committed_eur"] == 23.0 and row["contingent_eur"] == 150.0
    assert row["headline_eur"] == 173.0 and row["unrated_contingent_eur"] == 50.0
    p = P23 * P3R * PRA
    assert row["risk_adjusted_contingent_eur"] == pytest.approx(100 * p)
    # unrated milestones leave both sides: (23 + 15.2147) / (173 - 50)
    assert row["realism"] == pytest.approx((23 + 100 * p) / 123)


# --- the raw files -----------------------------------------------------------------------

FINANCIAL_COLUMNS = ("revenue_total", "upfront_fees", "milestones", "rd_service_fees",
                     "royalties", "product_sales", "grants_and_other", "rd_expense",
                     "net_result", "cash_end")  # fmt: skip


def source_kind(notes: str) -> str:
    """Read the kind of source from the notes: audited statements, the company's own
    releases (an annual report's rounded 'at a glance' highlight is not the audited
    statement), data aggregators, and the press."""
    text = notes.lower()
    if "20-f" in text or "annual report note" in text:
        return "filing"
    if "aggregator" in text:
        return "other"
    if re.search(r"\bnews|newspaper|reuters|investor analysis", text):
        return "press"
    if re.search(r"release|business update|at a glance|report|preliminary", text):
        return "results_release"
    return "press"


def raw_financials() -> pl.DataFrame:
    raw = pl.read_csv(RAW / "financials.csv", infer_schema=False)
    fx = pl.read_csv(ROOT / "src" / "bioris" / "data" / "fx_rates.csv")
    per_eur = {(r["year"], r["currency"]): r["units_per_eur"] for r in fx.iter_rows(named=True)}
    records = []
    for i, r in enumerate(raw.iter_rows(named=True)):
        scale = 1000.0 if r["unit"] == "thousand" else 1.0
        year = int(r["year"])
        eur = 1.0 if r["currency"] == "EUR" else 1.0 / per_eur[(year, r["currency"])]
        figures = {f: (float(r[f]) / scale if r[f] else None) for f in FINANCIAL_COLUMNS}
        records.append(fin(f"fin{i:03d}", r["firm"], year, source_kind(r["notes"]),
                           currency=r["currency"], eur_per_unit=eur, notes=r["notes"],
                           **figures))  # fmt: skip
    return financials(*records)


needs_raw = pytest.mark.skipif(not (RAW / "financials.csv").exists(), reason="no raw data")


@needs_raw
def test_raw_ablynx_2015_uses_the_20f():
    frame = raw_financials()
    picked = one(pick_financials(frame), firm="Ablynx", year=2015)
    chosen = one(frame, record_id=picked["revenue_total_record"])
    # the 20-F revenue note, 76,761 thousand, over the annual report's rounded EUR78 million
    assert picked["revenue_total"] == pytest.approx(76.761)
    assert "20-F" in chosen["notes"] and chosen["source_kind"] == "filing"
    # the 20-F table gives no cash: it comes from the annual-report highlight
    assert picked["cash_end"] == 236.0
    assert "at a glance" in one(frame, record_id=picked["cash_end_record"])["notes"]


@needs_raw
def test_raw_conflicts_named_by_the_data_card():
    conflicts = financial_conflicts(raw_financials())
    found = set(conflicts.select("firm", "year", "field").iter_rows())
    assert {("Ablynx", 2015, "revenue_total"), ("Ablynx", 2016, "revenue_total")} <= found
    assert {("Innogenetics", 2006, "revenue_total"), ("Innogenetics", 2006, "product_sales")} <= (
        found
    )
    # Bone Therapeutics 2019/20: the rival figures sit in the notes only (not entered), so no
    # field is reported twice and there is nothing to compare
    assert not any(firm == "Bone Therapeutics" for firm, _, _ in found)


@needs_raw
def test_raw_dependence_galapagos_2016():
    out = milestone_dependence(raw_financials(), alliances(), parties(), firms=["Galapagos"],
                               start=2015, end=2018)  # fmt: skip
    row = one(out, year=2016)
    # annual report note 5: upfront 30.257 + milestones 81.784 + reimbursement 9.699 of
    # 129.519 M€ revenue
    assert row["deal_dependence"] == pytest.approx((30.257 + 81.784 + 9.699) / 129.519)
    assert row["milestone_share"] == pytest.approx(81.784 / 129.519)
    assert math.isclose(row["revenue_eur"], 129.519)
