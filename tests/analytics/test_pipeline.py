"""Highest stage and FIPCO migration on hand-built pipelines, and on the raw events file.

FIPCO migration is read off the value-chain labels of
:func:`~bioris.analytics.business_models.business_models` (one rule for both), so its tests
label the pipelines first.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bioris.analytics.business_model_rules import BusinessModelRules
from bioris.analytics.business_models import business_models
from bioris.analytics.pipeline import (
    FIPCO_RULE,
    NO_PIPELINE_RECORD,
    PANEL_STAGES,
    PARTNER_RUN_ONLY,
    STAGE_LADDER,
    fipco_migration,
    highest_stage,
    panel_stage_distribution,
    stage_distribution,
)
from bioris.analytics.tables import ALLIANCE_SCHEMA, PARTY_SCHEMA, PIPELINE_SCHEMA
from bioris.domain.pipeline import PipelineStage

VC4 = "VC4-fipco-own-late-stage-and-marketing"

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


def labels_of(
    frame: pl.DataFrame,
    *,
    start: int = 2000,
    end: int = 2012,
    exits: pl.DataFrame | None = None,
    rules: BusinessModelRules | None = None,
) -> pl.DataFrame:
    """The value-chain labels of the pipeline's firms (no deals), per firm-year."""
    firms = sorted(set(frame["firm"]))
    return business_models(
        pl.DataFrame(schema=ALLIANCE_SCHEMA), pl.DataFrame(schema=PARTY_SCHEMA), frame,
        firms=firms, start=start, end=end, exits=exits, rules=rules,
    )  # fmt: skip


def exits_of(**years: int) -> pl.DataFrame:
    return pl.DataFrame(
        {"actor_id": list(years), "exit_year": list(years.values())},
        schema={"actor_id": pl.String, "exit_year": pl.Int32},
    )


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


def test_panel_stage_distribution_counts_every_panel_firm_by_its_own_stage():
    """2004: lic reached preclinical itself (own); fip phase3 itself; reg only a partner's phase3
    (partner-run only, never 'phase3'); dx has no record yet; 'new' is a panel firm without
    any pipeline record. fip exits in 2004 and x joins in 2005: five panel firms each year."""
    highest = highest_stage(pipeline(), start=2004, end=2005, exits=exits_of(fip=2004))
    firm_years = pl.DataFrame(
        {"actor_id": ["lic", "fip", "reg", "dx", "new"] * 2 + ["x"],
         "year": [2004] * 5 + [2005] * 5 + [2005]},
    ).filter(~((pl.col("actor_id") == "fip") & (pl.col("year") == 2005)))  # fmt: skip
    dist = panel_stage_distribution(highest, firm_years)
    assert dist.columns == ["year", "stage", "firms", "panel_firms", "share"]
    assert dist.height == 2 * len(PANEL_STAGES)  # every category every year, zeros included
    y2004 = {s: n for y, s, n in dist.select("year", "stage", "firms").rows() if y == 2004}
    assert y2004[NO_PIPELINE_RECORD] == 2  # dx, new
    assert y2004[PARTNER_RUN_ONLY] == 1  # reg: its phase3 was a partner's
    assert (y2004["preclinical"], y2004["phase1"], y2004["phase3"]) == (1, 0, 1)
    # n is always the year's panel, every firm counted once
    sums = dist.group_by("year").agg(pl.col("firms").sum(), pl.col("panel_firms").first())
    assert sorted(sums.rows()) == [(2004, 5, 5), (2005, 5, 5)]
    # reg files itself in 2005: registration, its own stage
    assert one(dist, year=2005, stage="registration")["firms"] == 1
    assert one(dist, year=2005, stage=PARTNER_RUN_ONLY)["firms"] == 0
    assert dist.group_by("year").agg(pl.col("share").sum())["share"].to_list() == (
        pytest.approx([1.0, 1.0])
    )


def test_highest_stage_stops_at_the_exit():
    # fip is acquired in 2008: rows 2005-2008 only (its 2009-2010 filings are the buyer's)
    out = highest_stage(pipeline(), firms=["fip", "lic"], start=2005, end=2012,
                        exits=exits_of(fip=2008))  # fmt: skip
    assert out.filter(pl.col("firm") == "fip")["year"].to_list() == [2005, 2006, 2007, 2008]
    assert out.filter(pl.col("firm") == "lic")["year"].max() == 2012


def test_fipco_migration():
    pipe = pipeline()
    out = fipco_migration(pipe, labels_of(pipe))
    # lic never ran a late stage itself and was never labelled FIPCO: no row
    assert set(out["firm"]) == {"fip", "dx", "reg"}
    fip = one(out, firm="fip")
    # own phase 3 (2004), own sales (2007); its 2009 filing was shared, not its own
    assert (fip["first_own_phase3_year"], fip["first_own_registration_year"],
            fip["first_own_marketed_year"]) == (2004, None, 2007)  # fmt: skip
    # FIPCO when the labels say so: 2007, own marketing (B2) and own late stages to date
    assert (fip["fipco_year"], fip["fipco_basis"]) == (2007, VC4)
    assert fip["evidence"] == ["e12", "e13"]
    assert "phase3 2004: B1 (operated by fip; e12)" in fip["evidence_text"]
    reg = one(out, firm="reg")
    # its own filing, but it never marketed a product itself: not a FIPCO (the old
    # migration table made it one on the filing alone, which the labels never did)
    assert (reg["first_own_registration_year"], reg["fipco_year"]) == (2005, None)
    dx = one(out, firm="dx")
    # sells its own test: by the labels' default rule (own marketing and an own marketed
    # stage) it is a FIPCO from its launch, as business_models labels it
    assert (dx["first_own_marketed_year"], dx["fipco_year"]) == (2006, 2006)
    assert "FIPCO" in FIPCO_RULE and VC4 in FIPCO_RULE


def test_fipco_migration_follows_the_label_rules():
    # with the late stages limited to phase 3 and registration, a diagnostics firm selling
    # its own test without trials is not labelled FIPCO, so it has no fipco_year (but keeps
    # its row for the own launch)
    pipe = pipeline()
    strict = labels_of(pipe, rules=BusinessModelRules(fipco_late_stages=("phase3", "registration")))
    dx = one(fipco_migration(pipe, strict), firm="dx")
    assert (dx["first_own_marketed_year"], dx["fipco_year"]) == (2006, None)


def test_fipco_migration_after_an_exit():
    # fip is acquired in 2006, before its own launch of 2007: labelled up to 2006 only, so
    # it never becomes FIPCO; its own steps are still listed
    pipe = pipeline()
    labels = labels_of(pipe, exits=exits_of(fip=2006))
    assert labels.filter(pl.col("firm") == "fip")["year"].max() == 2006
    fip = one(fipco_migration(pipe, labels), firm="fip")
    assert (fip["first_own_phase3_year"], fip["fipco_year"]) == (2004, None)


def test_fipco_own_roles_parameter():
    pipe = pipeline()
    out = fipco_migration(pipe, labels_of(pipe), own_roles=("own", "shared"))
    # counting shared stages, fip's 2009 filing (shared) is one of its steps
    assert one(out, firm="fip")["first_own_registration_year"] == 2009
    # the steps are what the roles say; fipco_year is the labels' and does not move
    assert one(out, firm="fip")["fipco_year"] == 2007


def test_fipco_migration_of_chosen_firms_and_without_labels():
    pipe = pipeline()
    labels = labels_of(pipe)
    assert set(fipco_migration(pipe, labels, firms=["dx"])["firm"]) == {"dx"}
    # no label at all: the own steps alone, no firm is a FIPCO
    none = fipco_migration(pipe, labels.head(0))
    assert set(none["firm"]) == {"fip", "dx", "reg"} and none["fipco_year"].is_null().all()


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


deal_rows = st.lists(
    st.tuples(
        st.sampled_from(["x", "y"]),
        st.integers(2000, 2010),
        st.sampled_from(["licensing_out", "licensing_in", "commercialisation",
                         "research_collaboration"]),
        st.sampled_from(["discovery", "phase2", "marketed", "platform"]),
        st.sampled_from(["licensor", "licensee", "collaborator"]),
    ),
    max_size=6,
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    rows=stage_events,
    deal_list=deal_rows,
    exit_year=st.one_of(st.none(), st.integers(2000, 2010)),
)
def test_fipco_year_is_the_first_fipco_label(rows, deal_list, exit_year):
    # property, against a plain-Python reading of the labels: a firm's fipco_year is the
    # first year business_models labels it FIPCO (null when it never is), never after its
    # exit, and every firm ever labelled FIPCO has a row
    events = pipeline([(f"e{i:02d}", *r) for i, r in enumerate(rows)])
    alliances = pl.DataFrame(
        [{"alliance_id": f"d{i}", "year": y, "deal_type": t, "stage_at_signing": s,
          "asset": f"asset {i}"} for i, (_, y, t, s, _) in enumerate(deal_list)],
        schema=ALLIANCE_SCHEMA,
    )  # fmt: skip
    parties = pl.DataFrame(
        [{"alliance_id": f"d{i}", "actor_id": firm, "role": role, "focal": True}
         for i, (firm, *_, role) in enumerate(deal_list)],
        schema=PARTY_SCHEMA,
    )  # fmt: skip
    exits = exits_of(x=exit_year) if exit_year is not None else None
    labels = business_models(alliances, parties, events, firms=["x", "y"], start=2000,
                             end=2010, exits=exits)  # fmt: skip
    out = fipco_migration(events, labels)
    first: dict[str, int] = {}
    for firm, year, chain in labels.select("firm", "year", "value_chain").iter_rows():
        if chain == "FIPCO":
            first[firm] = min(first.get(firm, year), year)
    got = dict(out.select("firm", "fipco_year").iter_rows())
    assert {f: y for f, y in got.items() if y is not None} == first
    assert set(first) <= set(got)
    if exit_year is not None and got.get("x") is not None:
        assert got["x"] <= exit_year
    # a firm's own steps are its own-operated late-stage events
    own = events.filter(pl.col("operator_role") == "own", pl.col("stage").is_in(
        ["phase3", "registration", "marketed"]))  # fmt: skip
    assert set(own["firm"]) <= set(got)


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
    pipe = raw_pipeline()
    out = fipco_migration(pipe, labels_of(pipe, start=1989, end=2023))
    argenx = one(out, firm="argenx")
    # pivotal ADAPT phase 3 run by argenx (2018), FDA approval of Vyvgart (2021)
    assert argenx["first_own_phase3_year"] == 2018
    assert argenx["first_own_marketed_year"] == 2021 and argenx["fipco_year"] == 2021
    assert "efgartigimod" in argenx["evidence_text"]
    mdx = one(out, firm="MDxHealth")
    # ConfirmMDx launched through its own CLIA lab in 2012: the labels make a firm selling
    # its own product (and so past its own marketed stage) a FIPCO, diagnostics included
    assert mdx["first_own_marketed_year"] == 2012 and mdx["fipco_year"] == 2012
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
