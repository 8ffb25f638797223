"""Highest stage and FIPCO migration on hand-built pipelines, and on the raw events file."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bioris.analytics.pipeline import (
    STAGE_LADDER,
    fipco_migration,
    highest_stage,
    stage_distribution,
)
from bioris.analytics.tables import PIPELINE_SCHEMA
from bioris.domain.pipeline import PipelineStage

RAW = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"  # ../shared beside the repo

# events: (event_id, firm, asset, stage, year, operator_role)
EVENTS = [
    # "lic": a typical NBF, discovery to phase 2, licenses out, a partner runs phase 3
    ("e01", "lic", "A1", "discovery", 2001, "own"),
    ("e02", "lic", "A1", "preclinical", 2003, "own"),
    ("e03", "lic", "A1", "phase1", 2005, "own"),
    ("e04", "lic", "A1", "phase2", 2007, "own"),
    ("e05", "lic", "A1", "out_licensed", 2008, "partner"),
    ("e06", "lic", "A1", "phase3", 2009, "partner"),
    ("e07", "lic", "A1", "discontinued", 2010, "partner"),
    # "fip": runs its own phase 3 (2004), sells a product itself (2007), files (2009)
    ("e11", "fip", "B1", "phase2", 2002, "own"),
    ("e12", "fip", "B1", "phase3", 2004, "own"),
    ("e13", "fip", "B2", "marketed", 2007, "own"),
    ("e14", "fip", "B1", "registration", 2009, "shared"),
    ("e15", "fip", "B1", "marketed", 2010, "partner"),
    # "dx": a diagnostics firm launching its own test, no trials
    ("e21", "dx", "T1", "marketed", 2006, "own"),
    # "reg": files itself before any own phase 3 or sales
    ("e31", "reg", "R1", "phase3", 2003, "partner"),
    ("e32", "reg", "R1", "registration", 2005, "own"),
]


def event(event_id, firm, asset, stage, year, role) -> dict:
    row = dict.fromkeys(PIPELINE_SCHEMA)
    row.update(event_id=event_id, firm=firm, asset=asset, stage=stage, year=year, date=str(year))
    row.update(stage_order=PipelineStage(stage).order, operator_role=role)
    row.update(operator=firm if role == "own" else "partner", operator_ids=[], source_urls=[])
    return row


def pipeline(events=EVENTS) -> pl.DataFrame:
    rows = [event(*e) for e in events]
    return pl.DataFrame(rows, schema=PIPELINE_SCHEMA, orient="row")


def one(frame: pl.DataFrame, **where) -> dict:
    found = frame.filter(*(pl.col(k) == v for k, v in where.items()))
    assert found.height == 1, found
    return found.row(0, named=True)


def test_highest_stage_counts_partner_stages_and_keeps_them():
    out = highest_stage(pipeline(), firms=["lic"], start=2000, end=2012)
    # no row before the first event (2001)
    assert out["year"].to_list() == list(range(2001, 2013))
    assert one(out, year=2004)["highest_stage"] == "preclinical"
    # 2009: the partner's phase 3 counts overall, not as the firm's own
    y2009 = one(out, year=2009)
    assert (y2009["highest_stage"], y2009["highest_stage_order"]) == ("phase3", 4)
    assert (y2009["highest_own_stage"], y2009["highest_own_asset"]) == ("phase2", "A1")
    # discontinued in 2010: the stage reached still counts
    assert one(out, year=2012)["highest_stage"] == "phase3"


def test_highest_stage_window_and_earlier_events():
    out = highest_stage(pipeline(), firms=["fip", "dx"], start=2008, end=2010)
    # events before the window count: fip ran phase 3 in 2004 and sold B2 in 2007
    assert one(out, firm="fip", year=2008)["highest_stage"] == "marketed"
    assert one(out, firm="fip", year=2008)["highest_asset"] == "B2"
    assert out.filter(pl.col("firm") == "fip")["year"].to_list() == [2008, 2009, 2010]
    assert one(out, firm="dx", year=2010)["highest_own_stage"] == "marketed"


def test_highest_own_stage_null_until_the_firm_runs_one():
    out = highest_stage(pipeline(), firms=["reg"], start=2003, end=2005)
    assert one(out, year=2003)["highest_own_stage"] is None
    assert one(out, year=2005)["highest_own_stage"] == "registration"


def test_highest_stage_empty():
    out = highest_stage(pipeline(), firms=["nobody"], start=2000, end=2010)
    assert out.height == 0 and "highest_own_stage" in out.columns


def test_stage_distribution():
    highest = highest_stage(pipeline(), start=2005, end=2005)
    # 2005: lic phase1, fip phase3, reg registration (dx starts in 2006)
    dist = stage_distribution(highest)
    assert dist.height == len(STAGE_LADDER)
    assert one(dist, stage="phase3")["firms"] == 1
    assert one(dist, stage="phase3")["share"] == pytest.approx(1 / 3)
    assert one(dist, stage="marketed")["firms"] == 0
    own = stage_distribution(highest, own=True)
    # own: lic phase1, fip phase3, reg registration; no firm without an own stage
    assert own["share"].sum() == pytest.approx(1.0)
    assert one(own, stage="none")["firms"] == 0


def test_stage_distribution_own_counts_firms_without_own_stage():
    highest = highest_stage(pipeline(), firms=["reg"], start=2004, end=2004)
    own = stage_distribution(highest, own=True)
    assert one(own, stage="none")["share"] == 1.0


def test_fipco_migration():
    out = fipco_migration(pipeline())
    # lic never ran a late stage itself: no row
    assert set(out["firm"]) == {"fip", "dx", "reg"}
    fip = one(out, firm="fip")
    assert (fip["first_own_phase3_year"], fip["first_own_registration_year"],
            fip["first_own_marketed_year"]) == (2004, 2009, 2007)  # fmt: skip
    # own phase 3 (2004) and own sales (2007) come before its own filing (2009)
    assert (fip["fipco_year"], fip["fipco_basis"]) == (2007, "own phase3 and own marketing")
    assert fip["evidence"] == ["e12", "e14", "e13"]
    assert "phase3 2004: B1 (operated by fip; e12)" in fip["evidence_text"]
    reg = one(out, firm="reg")
    # its own filing suffices
    assert (reg["fipco_year"], reg["fipco_basis"]) == (2005, "own registration")
    dx = one(out, firm="dx")
    # sells its own test but never ran a trial or filed
    assert dx["first_own_marketed_year"] == 2006 and dx["fipco_year"] is None


def test_fipco_own_roles_parameter():
    out = fipco_migration(pipeline(), own_roles=("own",))
    # without shared stages, fip's 2009 filing (shared) no longer counts
    assert one(out, firm="fip")["first_own_registration_year"] is None


stage_events = st.lists(
    st.tuples(
        st.sampled_from(["x", "y"]),
        st.sampled_from(["A", "B"]),
        st.sampled_from([s.value for s in PipelineStage]),
        st.integers(2000, 2010),
        st.sampled_from(["own", "shared", "partner", "unknown"]),
    ),
    min_size=1,
    max_size=15,
)


@settings(max_examples=60, deadline=None)
@given(rows=stage_events, start=st.integers(1998, 2006))
def test_highest_stage_never_falls_and_own_never_exceeds_all(rows, start):
    events = [(f"e{i:02d}", *r) for i, r in enumerate(rows)]
    out = highest_stage(pipeline(events), start=start, end=2010)
    for _, part in out.group_by("firm"):
        part = part.sort("year")
        orders = part["highest_stage_order"].to_list()
        assert orders == sorted(orders)
        own = part["highest_own_stage_order"].drop_nulls().to_list()
        assert own == sorted(own)
    both = out.drop_nulls("highest_own_stage_order")
    assert (both["highest_own_stage_order"] <= both["highest_stage_order"]).all()
    dist = stage_distribution(out)
    for _, year in dist.group_by("year"):
        assert year["share"].sum() == pytest.approx(1.0)


# --- the raw file ------------------------------------------------------------------------

ALIASES = {"argenx": ("argenx", "argen-x"), "Celyad": ("celyad", "cardio3"),
           "ThromboGenics": ("thrombogenics", "oxurion", "thromb-x")}  # fmt: skip


def operator_role(firm: str, operator: str) -> str:
    """Own when the operator names the firm, shared when it also names a partner."""
    text = (operator or "").lower()
    names = ALIASES.get(firm, (firm.split()[0].lower(),))
    if not any(n in text for n in names):
        return "partner" if text else "unknown"
    return "shared" if (" with " in text or " and " in text) else "own"


def raw_pipeline() -> pl.DataFrame:
    raw = pl.read_csv(RAW / "pipeline_events.csv", infer_schema=False)
    events = [
        (f"ev{i:03d}", r["firm"], r["asset"], r["stage"], int(r["event_date"][:4]),
         operator_role(r["firm"], r["operator"]))
        for i, r in enumerate(raw.iter_rows(named=True))
    ]  # fmt: skip
    frame = pipeline(events)
    return frame.with_columns(raw["event_date"].alias("date"), raw["operator"].alias("operator"))


needs_raw = pytest.mark.skipif(not (RAW / "pipeline_events.csv").exists(), reason="no raw data")


@needs_raw
def test_raw_own_late_stages():
    out = fipco_migration(raw_pipeline())
    argenx = one(out, firm="argenx")
    # pivotal ADAPT phase 3 run by argenx (2018), FDA approval of Vyvgart (2021)
    assert argenx["first_own_phase3_year"] == 2018
    assert argenx["first_own_marketed_year"] == 2021 and argenx["fipco_year"] == 2021
    assert "efgartigimod" in argenx["evidence_text"]
    mdx = one(out, firm="MDxHealth")
    # ConfirmMDx launched through its own CLIA lab in 2012; diagnostics: no trials, no fipco
    assert mdx["first_own_marketed_year"] == 2012 and mdx["fipco_year"] is None
    thr = one(out, firm="ThromboGenics")
    # own phase 3 (2009), own BLA and own FDA approval of Jetrea (2012)
    assert (thr["first_own_phase3_year"], thr["fipco_year"]) == (2009, 2012)
    # Celyad ran phase 3 (as Cardio3) but never filed or sold
    assert one(out, firm="Celyad")["fipco_year"] is None


@needs_raw
def test_raw_highest_stage_argenx():
    out = highest_stage(raw_pipeline(), firms=["argenx"], start=2014, end=2020)
    assert one(out, year=2014)["highest_own_stage"] == "phase1"
    assert one(out, year=2018)["highest_own_stage"] == "phase3"
    # after the 2018 licence Janssen runs cusatuzumab, but argenx's own peak stays phase 3
    assert one(out, year=2020)["highest_stage"] == "phase3"
