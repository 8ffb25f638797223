"""Business-model typology on hand-built firms whose labels are worked out in comments,
on the bundled dataset, and against its documentation."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import polars as pl
import pytest

from bioris.analytics.business_model_rules import (
    DEAL_ROLE_OI,
    DEAL_ROLE_VALUE_CHAIN,
    LABELS,
    PIPELINE_STAGE_ORDER,
    RULES,
    BusinessModelRules,
)
from bioris.analytics.business_models import (
    BUSINESS_MODEL_SCHEMA,
    TRANSITION_SCHEMA,
    business_model_transitions,
    business_models,
)
from bioris.analytics.tables import ALLIANCE_SCHEMA, PARTY_SCHEMA, PIPELINE_SCHEMA
from bioris.domain.vocab import FOCAL_PARTNER_ROLES
from bioris.errors import BiorisError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "business_models.md"

# deals: (id, year, deal type, stage at signing, asset, [(actor, role), ...])
DEALS = [
    # svc, a pure platform-service firm: three service deals as provider (the third at phase3
    # is still a platform deal, because its type is platform_service)
    ("s1", 2000, "platform_service", "platform", "contract screening of a compound library",
     [("svc", "provider"), ("pharma", "client")]),
    ("s2", 2001, "platform_service", "platform", "chemical library management",
     [("svc", "provider"), ("pharma2", "client")]),
    ("s3", 2002, "platform_service", "phase3", "assay testing in a phase III trial",
     [("svc", "provider"), ("pharma", "client")]),
    # ripco out-licenses discovery assets (and runs only a discovery project itself)
    ("r1", 2003, "licensing_out", "discovery", "anti-A antibody",
     [("ripco", "licensor"), ("pharma", "licensee")]),
    ("r2", 2005, "option", "preclinical", "anti-B antibody",
     [("ripco", "licensor"), ("pharma2", "licensee")]),
    # nrdo in-licenses a preclinical compound and develops it (pipeline below)
    ("n1", 2004, "licensing_in", "preclinical", "NX-1 small molecule",
     [("nrdo", "licensee"), ("uni", "licensor")]),
    # fiddo: a platform research collaboration, then own phase 2 (pipeline below)
    ("f1", 2006, "research_collaboration", "platform", "target discovery",
     [("fiddo", "collaborator"), ("pharma", "collaborator")]),
    # dx: a diagnostics firm licensing out its assay, later selling its own test (pipeline)
    ("x1", 2008, "licensing_out", "platform", "methylation assay",
     [("dx", "licensor"), ("lab", "licensee")]),
    # oi: one deal of each open-innovation process, and a financing round
    ("o1", 2010, "licensing_in", "phase1", "OX-1",
     [("oi", "licensee"), ("biotech", "licensor")]),
    ("o2", 2010, "research_collaboration", "discovery", "target validation",
     [("oi", "collaborator"), ("uni", "collaborator")]),
    ("o3", 2011, "licensing_out", "preclinical", "OX-2",
     [("oi", "licensor"), ("pharma", "licensee")]),
    # recorded from the partner's side: oi is the licensor, so for oi it is selling
    ("o4", 2011, "licensing_in", "preclinical", "OX-3",
     [("biotech2", "licensee"), ("oi", "licensor")]),
    ("o5", 2011, "equity_investment", "unknown", "Series A",
     [("oi", "investee"), ("vc", "investor")]),
    # cash: only financing, so no business-model evidence at all
    ("c1", 2009, "equity_investment", "unknown", "seed round",
     [("cash", "investee"), ("vc", "investor")]),
    ("c2", 2010, "grant", "discovery", "regional R&D grant",
     [("cash", "grantee"), ("region", "grantor")]),
    # hyb: two platform deals and one product deal in one year
    ("h1", 2015, "platform_service", "platform", "antibody generation service",
     [("hyb", "provider"), ("pharma", "client")]),
    ("h2", 2015, "licensing_out", "platform", "access to the discovery engine",
     [("hyb", "licensor"), ("pharma2", "licensee")]),
    ("h3", 2015, "licensing_out", "discovery", "HX-1",
     [("hyb", "licensor"), ("pharma", "licensee")]),
    # kw: a platform only by its asset text (stage unknown)
    ("k1", 2015, "research_collaboration", "unknown", "phage display Technology access",
     [("kw", "collaborator"), ("uni", "collaborator")]),
]  # fmt: skip

# events: (id, firm, asset, stage, year, operator role)
EVENTS = [
    ("e-r1", "ripco", "anti-C", "discovery", 2004, "own"),
    ("e-n1", "nrdo", "NX-1", "phase1", 2005, "own"),
    ("e-n2", "nrdo", "NX-1", "phase2", 2007, "own"),
    ("e-f1", "fiddo", "FX-1", "phase2", 2008, "own"),
    ("e-p1", "fipco", "PX-1", "phase2", 2008, "own"),
    ("e-p2", "fipco", "PX-1", "phase3", 2010, "own"),
    ("e-p3", "fipco", "PX-1", "marketed", 2012, "own"),
    ("e-p4", "fipco", "PX-1", "phase3", 2013, "own"),  # a new indication: still marketed
    ("e-x1", "dx", "DX test", "marketed", 2012, "own"),
    # portfolios in 2012: closed (3 own; a discontinued one leaves, an unknown one is apart)
    ("e-c1", "pf_closed", "C1", "phase1", 2012, "own"),
    ("e-c2", "pf_closed", "C2", "preclinical", 2012, "own"),
    ("e-c3", "pf_closed", "C3", "discovery", 2012, "own"),
    ("e-c4", "pf_closed", "C4", "phase2", 2010, "own"),
    ("e-c5", "pf_closed", "C4", "discontinued", 2011, "own"),
    ("e-c6", "pf_closed", "C5", "phase1", 2012, "unknown"),
    # open: one partner-run, one out-licensed, one own -> 2/3 partnered
    ("e-o1", "pf_open", "O1", "phase2", 2012, "partner"),
    ("e-o2", "pf_open", "O2", "phase1", 2011, "own"),
    ("e-o3", "pf_open", "O2", "out_licensed", 2012, "partner"),
    ("e-o4", "pf_open", "O3", "preclinical", 2012, "own"),
    # mixed: one own, one shared -> 1/2 each
    ("e-m1", "pf_mixed", "M1", "phase1", 2012, "own"),
    ("e-m2", "pf_mixed", "M2", "phase1", 2012, "shared"),
    # returned: a partner runs phase 2, returns the rights, then the firm runs phase 3 itself
    ("e-t1", "returned", "T1", "phase2", 2009, "partner"),
    ("e-t2", "returned", "T1", "rights_returned", 2010, "own"),
    ("e-t3", "returned", "T1", "phase3", 2011, "own"),
]
FIRMS = ["svc", "ripco", "nrdo", "fiddo", "fipco", "dx", "oi", "cash", "hyb", "kw",
         "pf_closed", "pf_open", "pf_mixed", "returned", "ghost"]  # fmt: skip


def frames(deals=DEALS, events=EVENTS) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    alliances = pl.DataFrame(
        [{"alliance_id": d, "year": y, "deal_type": t, "stage_at_signing": s, "asset": a}
         for d, y, t, s, a, _ in deals],
        schema=ALLIANCE_SCHEMA,
    )  # fmt: skip
    parties = pl.DataFrame(
        [{"alliance_id": d, "actor_id": actor, "role": role, "focal": i == 0}
         for d, *_, ps in deals for i, (actor, role) in enumerate(ps)],
        schema=PARTY_SCHEMA,
    )  # fmt: skip
    pipeline = pl.DataFrame(
        [{"event_id": e, "firm": f, "asset": a, "stage": s, "year": y, "operator_role": r,
          "stage_order": PIPELINE_STAGE_ORDER.get(s)} for e, f, a, s, y, r in events],
        schema=PIPELINE_SCHEMA,
    )  # fmt: skip
    return alliances, parties, pipeline


def run(end: int = 2015, deals=DEALS, events=EVENTS, **rules) -> pl.DataFrame:
    alliances, parties, pipeline = frames(deals, events)
    return business_models(
        alliances, parties, pipeline, firms=FIRMS, start=2000, end=end,
        rules=BusinessModelRules(**rules),
    )  # fmt: skip


def row(frame: pl.DataFrame, firm: str, year: int) -> dict:
    return frame.filter((pl.col("firm") == firm) & (pl.col("year") == year)).row(0, named=True)


@pytest.fixture(scope="module")
def labels() -> pl.DataFrame:
    return run()


def test_pure_platform_service_firm(labels):
    r = row(labels, "svc", 2002)
    # three platform_service deals in the window 1998-2002, all platform deals: 3/3 >= 2/3
    assert (r["product_model"], r["product_model_rule"]) == ("platform", "PM1-platform-share")
    assert r["product_model_evidence"] == ["s1", "s2", "s3"]
    # selling a platform service is research_out; no pipeline of its own -> RIPCO
    assert r["value_chain"] == "RIPCO"
    assert r["oi_mode"] == "selling"
    assert (r["oi_selling_year"], r["oi_selling_to_date"]) == (1, 3)
    assert r["portfolio_mix"] == "none"


def test_ripco_out_licensing_discovery_assets(labels):
    r = row(labels, "ripco", 2005)
    assert (r["product_model"], r["product_model_evidence"]) == ("product", ["r1", "r2"])
    # out-licensing and an option as licensor; its own project is at discovery (<= phase1)
    assert r["value_chain"] == "RIPCO"
    assert r["value_chain_rule"] == "VC1-ripco-licensing-out-no-own-development"
    assert r["value_chain_evidence"] == ["r1", "r2"]
    # 2008: the window is 2004-2008, r1 (2003) has left it
    assert row(labels, "ripco", 2008)["value_chain_evidence"] == ["r2"]
    # 2010: no deal in 2006-2010 -> no evidence, none
    late = row(labels, "ripco", 2010)
    assert (late["value_chain"], late["product_model"]) == ("none", "none")
    assert late["value_chain_rule"] == "VC0-none-no-evidence"


def test_nrdo_in_licenses_and_runs_phase2(labels):
    # 2004: taken in at preclinical, not yet in own clinical development -> no rule applies
    assert row(labels, "nrdo", 2004)["value_chain"] == "none"
    r = row(labels, "nrdo", 2005)
    assert (r["value_chain"], r["value_chain_rule"]) == ("NRDO", "VC2-nrdo-in-licensed-development")
    assert r["value_chain_evidence"] == ["e-n1", "n1"]
    assert row(labels, "nrdo", 2007)["value_chain_evidence"] == ["e-n2", "n1"]
    # the licence counts to date, so the firm stays an NRDO after the window has passed it
    assert row(labels, "nrdo", 2012)["value_chain"] == "NRDO"
    assert row(labels, "nrdo", 2004)["oi_mode"] == "acquiring"


def test_fiddo_platform_company_extending_development(labels):
    # 2006-2007: a platform collaboration, no own development -> RIPCO
    assert row(labels, "fiddo", 2007)["value_chain"] == "RIPCO"
    r = row(labels, "fiddo", 2008)
    assert (r["value_chain"], r["value_chain_rule"]) == (
        "FIDDO", "VC3-fiddo-research-and-own-phase2-3")  # fmt: skip
    assert r["value_chain_evidence"] == ["e-f1", "f1"]
    assert (r["product_model"], r["oi_mode"]) == ("platform", "sourcing")
    # 2011: f1 has left the window; FX-1 was never in-licensed -> still FIDDO, by VC3b
    later = row(labels, "fiddo", 2011)
    assert later["value_chain"] == "FIDDO"
    assert later["value_chain_rule"] == "VC3b-fiddo-own-phase2-3-not-in-licensed"


def test_firm_becomes_fipco_when_it_markets_its_own_product(labels):
    assert [row(labels, "fipco", y)["value_chain"] for y in (2008, 2010, 2011)] == ["FIDDO"] * 3
    r = row(labels, "fipco", 2012)
    assert (r["value_chain"], r["value_chain_rule"]) == (
        "FIPCO", "VC4-fipco-own-late-stage-and-marketing")  # fmt: skip
    # own marketing (e-p3) and own late-stage development to date (e-p2 phase3, e-p3)
    assert r["value_chain_evidence"] == ["e-p2", "e-p3"]
    # a new phase 3 of the marketed drug does not take it off the market
    assert row(labels, "fipco", 2013)["value_chain"] == "FIPCO"
    changes = business_model_transitions(labels).filter(
        (pl.col("firm") == "fipco") & (pl.col("dimension") == "value_chain")
    )
    assert changes.select("year", "from_label", "to_label", "rule_id").rows() == [
        (2012, "FIDDO", "FIPCO", "VC4-fipco-own-late-stage-and-marketing")
    ]


def test_diagnostics_firm_fipco_depends_on_late_stage_rule():
    # dx licenses out an assay (RIPCO), then sells its own test (no phase 3 for diagnostics)
    assert row(run(), "dx", 2011)["value_chain"] == "RIPCO"
    assert row(run(), "dx", 2012)["value_chain"] == "FIPCO"
    strict = run(fipco_late_stages=("phase3", "registration"))
    # without a phase 3 / registration of its own it is not FIPCO; it now operates beyond
    # phase 1, so not RIPCO either
    assert row(strict, "dx", 2012)["value_chain"] == "none"


def test_open_innovation_counts_and_mode(labels):
    r2010, r2011 = row(labels, "oi", 2010), row(labels, "oi", 2011)
    assert (r2010["oi_acquiring_year"], r2010["oi_sourcing_year"]) == (1, 1)
    # one acquiring, one sourcing: no process dominates
    assert (r2010["oi_mode"], r2010["oi_mode_rule"]) == ("mixed", "OI2-mixed")
    assert r2010["oi_mode_evidence"] == ["o1", "o2"]
    # 2011: two selling deals (o4 is licensing_in seen from the partner: oi is licensor);
    # the Series A is financing, not an open-innovation process
    assert r2011["oi_selling_year"] == 2
    assert [r2011[f"oi_{p}_to_date"] for p in ("acquiring", "sourcing", "selling", "revealing")
            ] == [1, 1, 2, 0]  # fmt: skip
    # selling has 2 of 4 window deals (>= 1/2) and more than any other process
    assert (r2011["oi_mode"], r2011["oi_mode_rule"]) == ("selling", "OI1-dominant-process")
    assert r2011["oi_mode_evidence"] == ["o3", "o4"]
    # an asset taken in at phase 1 in the window is development evidence, even without pipeline
    assert r2010["value_chain"] == "NRDO"


def test_oi_overrides_can_map_collaborations_to_revealing():
    r = row(run(oi_overrides=(("research_collaboration", "collaborator", "revealing"),)),
            "oi", 2010)  # fmt: skip
    assert (r["oi_sourcing_year"], r["oi_revealing_year"]) == (0, 1)


@pytest.mark.parametrize(
    ("firm", "mix", "owned", "partnered", "unknown"),
    [
        # C4 was discontinued in 2011 and leaves; C5 has an unknown operator and is apart
        ("pf_closed", "closed", 3, 0, 1),
        # O1 partner-run, O2 out-licensed in 2012 (own phase 1 before), O3 own: 2/3 partnered
        ("pf_open", "open", 1, 2, 0),
        # one own, one shared: 1/2 each, neither share reaches 2/3
        ("pf_mixed", "mixed", 1, 1, 0),
    ],
)
def test_portfolio_mix(labels, firm, mix, owned, partnered, unknown):
    r = row(labels, firm, 2012)
    assert (r["portfolio_mix"], r["proprietary_assets"], r["partnered_assets"],
            r["unknown_operator_assets"]) == (mix, owned, partnered, unknown)  # fmt: skip
    assert r["portfolio_mix_rule"].startswith("PF")


def test_out_licensing_moves_an_asset_from_proprietary_to_partnered(labels):
    assert row(labels, "pf_open", 2011)["portfolio_mix"] == "closed"
    assert row(labels, "pf_open", 2011)["portfolio_mix_evidence"] == ["e-o2"]
    assert "e-o3" in row(labels, "pf_open", 2012)["portfolio_mix_evidence"]


def test_only_stages_the_firm_ran_itself_are_own_development(labels):
    # 2009: partner-run phase 2 -> a partnered asset, no own development
    r2009 = row(labels, "returned", 2009)
    assert (r2009["portfolio_mix"], r2009["value_chain"]) == ("open", "none")
    # 2010: the rights are back, so the asset is proprietary, but the firm has not yet run
    # a stage of it: still no own development
    r2010 = row(labels, "returned", 2010)
    assert (r2010["portfolio_mix"], r2010["value_chain"]) == ("closed", "none")
    # 2011: its own phase 3, nothing in-licensed -> FIDDO
    r2011 = row(labels, "returned", 2011)
    assert (r2011["value_chain"], r2011["value_chain_rule"]) == (
        "FIDDO",
        "VC3b-fiddo-own-phase2-3-not-in-licensed",
    )
    assert r2011["value_chain_evidence"] == ["e-t3"]


def test_firm_with_only_financing_gets_none_labels(labels):
    rows = labels.filter(pl.col("firm") == "cash")
    assert rows["year"].to_list() == list(range(2009, 2016))  # from its first deal to end
    for dim in LABELS:
        assert set(rows[dim]) == {"none"}
        assert set(rows[f"{dim}_evidence"].list.len()) == {0}
    assert rows.select(pl.sum_horizontal(pl.col("^oi_.*_to_date$"))).to_series().max() == 0
    # a firm with no deal and no event has no rows at all
    assert labels.filter(pl.col("firm") == "ghost").is_empty()


def test_thresholds_change_labels():
    # hyb in 2015: two platform deals, one product deal -> 2/3 platform
    assert row(run(), "hyb", 2015)["product_model"] == "platform"
    stricter = row(run(platform_min_share=0.8), "hyb", 2015)
    assert (stricter["product_model"], stricter["product_model_rule"]) == (
        "hybrid", "PM3-hybrid-mix")  # fmt: skip
    assert stricter["product_model_evidence"] == ["h1", "h2", "h3"]
    # the portfolio thresholds: pf_open has 2/3 partnered -> open, but not at 3/4
    assert row(run(open_min_share=0.75), "pf_open", 2012)["portfolio_mix"] == "mixed"


def test_platform_keywords_are_configurable():
    # k1 is stage "unknown"; only its asset text ("Technology", case ignored) makes it a
    # platform deal
    assert row(run(), "kw", 2015)["product_model"] == "platform"
    assert row(run(platform_keywords=()), "kw", 2015)["product_model"] == "none"


def test_window_changes_labels():
    # cumulative: ripco's deals of 2003 and 2005 still count in 2010
    r = row(run(window_years=None), "ripco", 2010)
    assert (r["value_chain"], r["value_chain_evidence"]) == ("RIPCO", ["r1", "r2"])
    assert row(run(window_years=1), "ripco", 2004)["value_chain"] == "none"


def test_transitions_list_only_label_changes(labels):
    changes = business_model_transitions(labels)
    assert changes.schema == pl.Schema(TRANSITION_SCHEMA)
    fiddo = changes.filter((pl.col("firm") == "fiddo") & (pl.col("dimension") == "value_chain"))
    # RIPCO -> FIDDO in 2008; the switch from VC3 to VC3b in 2011 keeps the label: no row
    assert fiddo.select("year", "from_label", "to_label").rows() == [(2008, "RIPCO", "FIDDO")]
    assert fiddo["evidence"].to_list() == [["e-f1", "f1"]]
    # first years are not changes; every change is a real change
    assert changes.filter(pl.col("from_label") == pl.col("to_label")).is_empty()
    firsts = labels.group_by("firm").agg(pl.col("year").min())
    assert changes.join(firsts, on=["firm", "year"]).is_empty()


@pytest.mark.parametrize("cut", [2004, 2008, 2011])
def test_no_look_ahead(labels, cut):
    # labels of a year depend only on what was signed or reported up to that year
    deals = [d for d in DEALS if d[1] <= cut]
    events = [e for e in EVENTS if e[4] <= cut]
    truncated = run(deals=deals, events=events)
    assert truncated.filter(pl.col("year") <= cut).equals(labels.filter(pl.col("year") <= cut))


def test_output_is_one_row_per_firm_year_with_the_schema(labels):
    assert labels.schema == pl.Schema(BUSINESS_MODEL_SCHEMA)
    assert labels.select("firm", "year").is_duplicated().sum() == 0
    _check_vocabulary(labels)
    empty = business_models(*frames(), firms=[], start=2000, end=2015)
    assert empty.is_empty() and empty.schema == pl.Schema(BUSINESS_MODEL_SCHEMA)


def test_pipeline_is_optional():
    alliances, parties, _ = frames()
    out = business_models(alliances, parties, None, firms=["fipco", "ripco"], start=2000,
                          end=2012)  # fmt: skip
    assert out["firm"].unique().to_list() == ["ripco"]  # fipco has no deals
    assert set(out["portfolio_mix"]) == {"none"}


def test_no_label_after_the_exit(labels):
    # fipco is acquired in 2011 and ripco closes in 2004: their labels stop in those years
    # (labelled through the exit year, as they were independent in it); everything before is
    # what it was, and the other firms do not change
    alliances, parties, pipeline = frames()
    exits = pl.DataFrame(
        {"actor_id": ["fipco", "ripco", "nobody"], "exit_year": [2011, 2004, 1990]},
        schema={"actor_id": pl.String, "exit_year": pl.Int32},
    )
    ended = business_models(alliances, parties, pipeline, firms=FIRMS, start=2000, end=2015,
                            exits=exits)  # fmt: skip
    last = dict(ended.group_by("firm").agg(pl.col("year").max()).iter_rows())
    assert (last["fipco"], last["ripco"]) == (2011, 2004)
    assert ended.filter(pl.col("firm") == "fipco")["year"].to_list() == list(range(2008, 2012))
    # fipco never reaches its 2012 FIPCO label
    assert "FIPCO" not in set(ended.filter(pl.col("firm") == "fipco")["value_chain"])
    kept = labels.filter(~pl.col("firm").is_in(["fipco", "ripco"]) | (
        (pl.col("firm") == "fipco") & (pl.col("year") <= 2011)) | (
        (pl.col("firm") == "ripco") & (pl.col("year") <= 2004)))  # fmt: skip
    assert ended.equals(kept)
    # a firm that exits before its first deal or event gets no row at all
    gone = business_models(
        alliances,
        parties,
        pipeline,
        firms=["svc"],
        start=2000,
        end=2015,
        exits=pl.DataFrame({"actor_id": ["svc"], "exit_year": [1999]}),
    )
    assert gone.is_empty() and gone.schema == pl.Schema(BUSINESS_MODEL_SCHEMA)


def test_bad_inputs_and_rules_raise():
    alliances, parties, _ = frames()
    with pytest.raises(BiorisError, match="stage_at_signing"):
        business_models(alliances.drop("stage_at_signing"), parties, firms=["svc"], start=2000,
                        end=2015)  # fmt: skip
    with pytest.raises(BiorisError, match="platform_min_share"):
        BusinessModelRules(platform_min_share=1.5)
    with pytest.raises(BiorisError, match="fiddo_own_stages"):
        BusinessModelRules(fiddo_own_stages=("phase 2",))
    with pytest.raises(BiorisError, match="oi_overrides"):
        BusinessModelRules(oi_overrides=(("grant", "grantee", "donating"),))


def _check_vocabulary(frame: pl.DataFrame) -> None:
    prefixes = {"product_model": "PM", "value_chain": "VC", "oi_mode": "OI",
                "portfolio_mix": "PF"}  # fmt: skip
    for dim, vocabulary in LABELS.items():
        assert set(frame[dim]) <= set(vocabulary), dim
        rules = set(frame[f"{dim}_rule"])
        assert rules <= set(RULES), dim
        assert all(r.startswith(prefixes[dim]) for r in rules)
        none = frame.filter(pl.col(dim) == "none")
        assert set(none[f"{dim}_evidence"].list.len()) <= {0}
        labelled = frame.filter(pl.col(dim) != "none")
        assert labelled.filter(pl.col(f"{dim}_evidence").list.len() == 0).is_empty(), dim


# -- documentation ---------------------------------------------------------------------------

_RULE_ID = re.compile(r"\b(?:PM|VC|OI|PF)\d+[a-z]?-[a-z0-9]+(?:-[a-z0-9]+)*")


def test_every_rule_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    missing = [rule for rule in RULES if f"`{rule}`" not in text]
    assert not missing, f"rules missing from {DOCS.name}: {missing}"


def test_every_documented_rule_exists():
    mentioned = set(_RULE_ID.findall(DOCS.read_text(encoding="utf-8")))
    assert mentioned, "no rule ids found in the docs"
    assert mentioned <= set(RULES), f"unknown rule ids in docs: {sorted(mentioned - set(RULES))}"


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(BusinessModelRules)])
def test_every_setting_is_documented(name):
    assert f"| `{name}` |" in DOCS.read_text(encoding="utf-8")


def test_every_deal_type_and_role_is_mapped_and_documented():
    text = DOCS.read_text(encoding="utf-8")
    pairs = {(t.value, r.value) for t, roles in FOCAL_PARTNER_ROLES.items() for r in roles}
    assert pairs <= set(DEAL_ROLE_OI)
    for (deal_type, role), process in DEAL_ROLE_OI.items():
        signal = DEAL_ROLE_VALUE_CHAIN.get((deal_type, role), "-")
        assert f"| `{deal_type}` | `{role}` | {process} | {signal} |" in text


# -- the bundled dataset ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The bundled dataset read as its own study (panel, exits, alliance layer, period)."""
    from bioris.store import open_store
    from bioris.study import Study
    from bioris.workspace import init_store

    path = tmp_path_factory.mktemp("bundled") / "bioris.sqlite"
    init_store(path)
    with Study(open_store(path, read_only=True)) as opened:
        yield opened


@pytest.fixture(scope="module")
def bundled(study):
    pipeline = study.pipeline if study.pipeline.height else None
    return study.business_models(), study.inputs.alliances, study.inputs.parties, pipeline


def test_bundled_dataset_gives_sane_labels(bundled, study):
    out, alliances, parties, pipeline = bundled
    assert not out.is_empty()
    assert out.select("firm", "year").is_duplicated().sum() == 0
    first, last = study.period
    assert out["year"].min() >= first and out["year"].max() == last
    assert set(out["firm"]) <= set(study.panel)
    _check_vocabulary(out)
    # every evidence id is one of the firm's own deals of the alliance layer or its pipeline
    # events
    evidence = out.select(
        "firm", pl.concat_list(pl.col("^.*_evidence$")).alias("id")
    ).explode("id").drop_nulls().unique()  # fmt: skip
    layer = alliances.filter(pl.col("deal_type").is_in(list(study.deal_types())))
    own = parties.join(layer.select("alliance_id"), on="alliance_id").select(
        pl.col("actor_id").alias("firm"), pl.col("alliance_id").alias("id")
    )
    if pipeline is not None:
        own = pl.concat([own, pipeline.select("firm", pl.col("event_id").alias("id"))])
    assert evidence.join(own, on=["firm", "id"], how="anti").is_empty()
    platform = out.filter(pl.col("product_model_rule") == "PM1-platform-share")
    assert (platform["product_model_evidence"].list.len() == platform["platform_deals"]).all()


def test_bundled_pipeline_gives_portfolios_and_dated_changes(bundled):
    out, _, _, pipeline = bundled
    if pipeline is None or pipeline.is_empty():
        pytest.skip("the store has no pipeline events yet")
    assert (out["portfolio_mix"] != "none").any()
    changes = business_model_transitions(out)
    # MDxHealth moved from licensing out its methylation assays to selling its own tests
    mdx = changes.filter(
        (pl.col("firm") == "mdxhealth") & (pl.col("dimension") == "value_chain")
        & (pl.col("to_label") == "FIPCO")
    )  # fmt: skip
    assert not mdx.is_empty(), "MDxHealth should become FIPCO when it markets its own test"
    assert set(mdx["evidence"].explode()) & set(pipeline["event_id"])
