"""Event history: Kaplan-Meier curves (scipy's, checked against the published 6-MP values),
the durations they are read from (censoring at exit and at the end of the observation), the
hand-written Aalen-Johansen estimator (against a hand-worked example, lifelines and
Kaplan-Meier), the "not enough data" rule, then the bundled dataset through its study."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from scipy import stats

from bioris.analytics.event_history import (
    BIG_PHARMA_DEAL,
    NOT_ENOUGH_DATA,
    aalen_johansen,
    event_durations,
    exit_events,
    founding_cohort,
    kaplan_meier,
    logrank_tests,
    partner_deal_events,
)
from bioris.errors import BiorisError
from bioris.store import open_store
from bioris.study import Study, VocabularyError
from bioris.study import events as study_events
from bioris.workspace import init_store

# --- Kaplan-Meier: the 6-MP remission data --------------------------------------------------

# Remission times (weeks) of the 21 leukaemia patients on 6-mercaptopurine, censored ones
# marked False (Freireich et al. 1963, Blood 21:699-716; Gehan 1965, Biometrika 52:203-223).
SIX_MP = [(6, True), (6, True), (6, True), (6, False), (7, True), (9, False), (10, True),
          (10, False), (11, False), (13, True), (16, True), (17, False), (19, False),
          (20, False), (22, True), (23, True), (25, False), (32, False), (32, False),
          (34, False), (35, False)]  # fmt: skip
# ... and of the 21 on placebo, none censored
PLACEBO = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
# The product-limit estimate and its Greenwood standard error at each event time of the 6-MP
# group, with the numbers at risk and the events, as published in Klein & Moeschberger (2003),
# Survival Analysis, 2nd ed., section 4.2 (the 6-MP group of Example 4.1), and in Kleinbaum &
# Klein (2012), Survival Analysis: A Self-Learning Text, 3rd ed., chapter 2.
# time: (at risk, events, S(t), Greenwood SE)
PUBLISHED = {
    6: (21, 3, 0.857, 0.0764),
    7: (17, 1, 0.807, 0.0869),
    10: (15, 1, 0.753, 0.0963),
    13: (12, 1, 0.690, 0.1068),
    16: (11, 1, 0.627, 0.1141),
    22: (7, 1, 0.538, 0.1282),
    23: (6, 1, 0.448, 0.1346),
}
Z95 = 1.959964


def six_mp() -> pl.DataFrame:
    return pl.DataFrame(SIX_MP, schema={"duration": pl.Int32, "observed": pl.Boolean},
                        orient="row")  # fmt: skip


def at(frame: pl.DataFrame, time: float, **where: str) -> dict:
    rows = frame.filter(pl.col("time") == time, *(pl.col(k) == v for k, v in where.items()))
    assert rows.height == 1, rows
    return rows.row(0, named=True)


def test_kaplan_meier_matches_the_published_6mp_estimates():
    curve = kaplan_meier(six_mp(), min_firms=1)
    for time, (at_risk, events, survival, se) in PUBLISHED.items():
        row = at(curve, time)
        assert (row["at_risk"], row["events"]) == (at_risk, events)
        assert row["survival"] == pytest.approx(survival, abs=5e-4)
        # the log(-log) band with Greenwood's variance (Klein & Moeschberger 2003, eq. 4.3.2):
        # S^(1/theta) .. S^theta, theta = exp(z * SE / (S log S)), from the published SE
        s = row["survival"]
        theta = math.exp(Z95 * se / (s * math.log(s)))
        assert row["ci_low"] == pytest.approx(s ** (1 / theta), abs=1e-3)
        assert row["ci_high"] == pytest.approx(s**theta, abs=1e-3)
    # a row at time 0 with everyone at risk, then one per distinct time; censored counted
    first = curve.row(0, named=True)
    assert (first["time"], first["at_risk"], first["survival"]) == (0.0, 21, 1.0)
    assert (first["ci_low"], first["ci_high"]) == (1.0, 1.0)
    assert at(curve, 6)["censored"] == 1 and at(curve, 32)["censored"] == 2
    assert curve["time"].to_list()[1:] == sorted({t for t, _ in SIX_MP})
    assert curve["censored"].sum() + curve["events"].sum() == 21
    assert set(curve["status"]) == {"ok"} and set(curve["n_firms"]) == {21}


def test_greenwood_standard_errors_are_the_published_ones():
    # scipy's linear band is S -/+ z SE: its half-width gives back Greenwood's SE
    fit = stats.ecdf(stats.CensoredData(
        uncensored=[t for t, e in SIX_MP if e], right=[t for t, e in SIX_MP if not e]))  # fmt: skip
    band = fit.sf.confidence_interval(method="linear")
    times = list(PUBLISHED)
    se = (fit.sf.evaluate(times) - band.low.evaluate(times)) / Z95
    assert se == pytest.approx([v[3] for v in PUBLISHED.values()], abs=5e-4)


def test_logrank_matches_the_published_6mp_against_placebo():
    # log-rank chi-square 16.79 on 1 df (Kleinbaum & Klein 2012, chapter 2; Collett 2015)
    both = pl.concat([
        six_mp().with_columns(pl.lit("6-MP").alias("arm")),
        pl.DataFrame({"duration": PLACEBO, "observed": [True] * 21, "arm": ["placebo"] * 21},
                     schema={"duration": pl.Int32, "observed": pl.Boolean, "arm": pl.String}),
    ])  # fmt: skip
    test = logrank_tests(both, by="arm").row(0, named=True)
    assert (test["group_a"], test["group_b"], test["n_a"], test["n_b"]) == ("6-MP", "placebo",
                                                                          21, 21)  # fmt: skip
    assert (test["events_a"], test["events_b"]) == (9, 21)
    assert test["chi2"] == pytest.approx(16.79, abs=0.01)
    assert test["pvalue"] == pytest.approx(4.17e-5, rel=1e-2)
    assert "scipy.stats.logrank" in test["test"]


def test_a_curve_that_reaches_zero_has_no_band_there():
    d = pl.DataFrame({"duration": [1, 2, 3], "observed": [True, False, True]})
    curve = kaplan_meier(d, min_firms=1)
    last = at(curve, 3)
    assert last["survival"] == 0.0 and last["ci_low"] is None and last["ci_high"] is None
    # a firm censored at an event time is still at risk then
    d = pl.DataFrame({"duration": [2, 2, 4], "observed": [True, False, True]})
    assert at(kaplan_meier(d, min_firms=1), 2)["at_risk"] == 3


# --- the minimum-n rule -----------------------------------------------------------------------


def test_a_small_group_gets_no_curve_only_a_row_saying_so():
    d = six_mp().with_columns(
        pl.Series("g", ["big"] * 18 + ["small"] * 3),
    )
    curves = kaplan_meier(d, by="g", groups=["small", "big", "empty"], min_firms=5)
    assert curves["group"].unique(maintain_order=True).to_list() == ["small", "big", "empty"]
    small = curves.filter(pl.col("group") == "small")
    assert small.height == 1
    assert small.row(0, named=True) == {
        "group": "small", "time": None, "survival": None, "ci_low": None, "ci_high": None,
        "at_risk": None, "events": None, "censored": None, "n_firms": 3,
        "status": NOT_ENOUGH_DATA,
    }  # fmt: skip
    assert curves.filter(pl.col("group") == "empty")["n_firms"].to_list() == [0]
    assert set(curves.filter(pl.col("group") == "big")["status"]) == {"ok"}
    # the same rule for the competing risks and the tests
    causes = d.with_columns(pl.when("observed").then(pl.lit("x")).alias("cause"))
    cif = aalen_johansen(causes, causes=["x"], by="g", min_firms=5)
    assert cif.filter(pl.col("group") == "small")["status"].to_list() == [NOT_ENOUGH_DATA]
    assert logrank_tests(d, by="g", min_firms=5).is_empty()
    assert logrank_tests(d, by="g", min_firms=3).height == 1


def test_negative_durations_and_missing_columns_are_errors():
    with pytest.raises(BiorisError, match="negative"):
        kaplan_meier(pl.DataFrame({"duration": [-1], "observed": [True]}), min_firms=1)
    with pytest.raises(BiorisError, match="observed"):
        kaplan_meier(pl.DataFrame({"duration": [1]}), min_firms=1)


# --- durations --------------------------------------------------------------------------------

SUBJECTS = pl.DataFrame(
    {
        "actor_id": ["a", "b", "c", "d", "e", "f", "g", "h"],
        "start_year": [2000, 2000, 2000, 2005, None, 2020, 2010, 2001],
        "exit_year": [None, 2004, 2006, None, None, None, 2012, None],
        "region": ["x", "x", "y", "y", "y", "x", "x", "y"],
    },
    schema_overrides={"start_year": pl.Int32, "exit_year": pl.Int32},
)
EVENTS = pl.DataFrame(
    {
        "actor_id": ["a", "a", "b", "c", "d", "g", "h", "h", "e"],
        "year": [2008, 2003, 2005, 2006, 1999, 2012, 2004, 2004, 2001],
        "cause": ["deal"] * 6 + ["closure", "acquisition", "deal"],
    },
)


def durations_by_id(frame: pl.DataFrame) -> dict[str, tuple]:
    rows = frame.select("actor_id", "duration", "observed", "cause", "stop_year").rows()
    return {r[0]: r[1:] for r in rows}


def test_event_durations_censor_at_exit_and_at_the_end():
    got = durations_by_id(event_durations(SUBJECTS, EVENTS, end=2010,
                                          causes=["acquisition", "closure"]))  # fmt: skip
    assert got == {
        "a": (3, True, "deal", 2003),  # the first of its deals
        "b": (4, False, None, 2004),  # its deal came after its exit: censored at the exit
        "c": (6, True, "deal", 2006),  # a deal in the exit year counts
        "d": (0, True, "deal", 1999),  # a deal before founding counts at time 0
        "g": (0, False, None, 2010),  # its 2012 deal is after the end: censored at the end
        "h": (3, True, "acquisition", 2004),  # two events in one year: the order of causes
    }  # e has no founding year, f was founded after the end: neither is at risk
    kept = event_durations(SUBJECTS, EVENTS, end=2010)
    assert "region" in kept.columns and kept["duration"].dtype == pl.Int32


def test_partner_deal_events_need_a_partner_of_the_list_and_a_deal_type():
    alliances = pl.DataFrame({
        "alliance_id": ["d1", "d2", "d3", "d4", "d5"],
        "year": [2001, 2002, None, 2004, 2005],
        "deal_type": ["licensing_out", "acquisition", "licensing_out", "option", "option"],
    }, schema_overrides={"year": pl.Int32})  # fmt: skip
    parties = pl.DataFrame({
        "alliance_id": ["d1", "d1", "d2", "d2", "d3", "d3", "d4", "d4", "d5", "d5"],
        "actor_id": ["f", "bp", "f", "bp", "g", "bp", "g", "uni", "g", "bp"],
    })  # fmt: skip
    events = partner_deal_events(alliances, parties, firms=["f", "g"], partners=["bp"],
                                 deal_types=["licensing_out", "option"])  # fmt: skip
    # d2 is an acquisition, d3 undated, d4 has no big-pharma partner
    assert events.rows() == [("f", 2001, BIG_PHARMA_DEAL), ("g", 2005, BIG_PHARMA_DEAL)]
    everything = partner_deal_events(alliances, parties, firms=["f"], partners=["bp"])
    assert everything["year"].to_list() == [2001, 2002]


def test_exit_events_type_the_exits_and_add_listings_only_when_asked():
    spans = pl.DataFrame({
        "actor_id": ["a", "b", "c", "d"], "exit_year": [2010, 2011, 2012, None],
        "exit_kind": ["acquired", "merged", "closed", None],
    }, schema_overrides={"exit_year": pl.Int32})  # fmt: skip
    assert exit_events(spans).rows() == [
        ("a", 2010, "acquisition"), ("b", 2011, "acquisition"), ("c", 2012, "closure")]  # fmt: skip
    ipo = pl.DataFrame({"actor_id": ["a", "d"], "ipo_year": [2005, None]},
                       schema_overrides={"ipo_year": pl.Int32})  # fmt: skip
    assert exit_events(spans, ipo).filter(pl.col("cause") == "ipo").rows() == [("a", 2005, "ipo")]


@pytest.mark.parametrize(("year", "width", "label"),
                         [(1994, 10, "1990-1999"), (2000, 10, "2000-2009"),
                          (2007, 5, "2005-2009"), (1989, 1, "1989-1989")])  # fmt: skip
def test_founding_cohorts(year, width, label):
    frame = pl.DataFrame({"founded": [year]}).select(founding_cohort("founded", width))
    assert frame.item() == label


# --- Aalen-Johansen ---------------------------------------------------------------------------

# Hand-worked, with a tie between causes (t=2) and between an event and a censoring (t=4):
#   t  n  events        S(t)              F_A                     F_B
#   1 10  A             9/10 = 0.9        0.1
#   2  9  A, B          0.9 * 7/9 = 0.7   0.1 + 0.9/9 = 0.2       0.9/9 = 0.1
#   3  7  (censored)    0.7
#   4  6  A (+1 cens.)  0.7 * 5/6         0.2 + 0.7/6 = 0.316667
#   5  4  B             0.4375                                    0.1 + 0.583333/4 = 0.245833
#   6  3  A             0.291667          0.316667 + 0.4375/3 = 0.4625
#   7  2  (censored)
#   8  1  B             0                                         0.245833 + 0.291667 = 0.5375
HAND = pl.DataFrame({"duration": [1, 2, 2, 3, 4, 4, 5, 6, 7, 8],
                     "cause": ["A", "B", "A", None, "A", None, "B", "A", None, "B"]})  # fmt: skip
HAND_CIF = {
    "A": [0.0, 0.1, 0.2, 0.2, 0.316667, 0.316667, 0.4625, 0.4625, 0.4625],
    "B": [0.0, 0.0, 0.1, 0.1, 0.1, 0.245833, 0.245833, 0.245833, 0.5375],
}


def cif_of(frame: pl.DataFrame, cause: str) -> list[float]:
    return frame.filter(pl.col("cause") == cause)["cumulative_incidence"].to_list()


def test_aalen_johansen_matches_the_hand_worked_example():
    cif = aalen_johansen(HAND, causes=["A", "B"], min_firms=1)
    for cause, expected in HAND_CIF.items():
        assert cif_of(cif, cause) == pytest.approx(expected, abs=1e-6)
    at_risk = cif.filter(pl.col("cause") == "A")["at_risk"].to_list()
    assert at_risk == [10, 10, 9, 7, 6, 4, 3, 2, 1]
    row = at(cif, 4, cause="A")
    assert (row["events"], row["censored"], row["event_free"]) == (1, 1, pytest.approx(0.583333))


# Integer times with ties within a cause and between events and censorings, but none between
# causes: lifelines then fits without jittering. Values from lifelines 0.30.3,
# AalenJohansenFitter(calculate_variance=False).fit(d, e, event_of_interest=k), e: 0
# censored, 1 = A, 2 = B (run outside this project; lifelines is no dependency of it).
# lifelines drops an event at time 0 (its lagged survival is undefined there), so these data
# start at 1; the single-cause test below covers time 0.
LIFELINES_D = [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 7, 9, 9]
LIFELINES_E = [1, 1, 1, 0, 2, 1, 0, 2, 2, 0, 1, 2, 0, 0, 1]
LIFELINES_CIF = {  # at times 0, 1, 2, 3, 4, 5, 6, 7, 9
    "A": [0.0, 0.2, 0.2, 0.2733333333, 0.2733333333, 0.2733333333, 0.3723333333,
          0.3723333333, 0.5208333333],
    "B": [0.0, 0.0, 0.0666666667, 0.0666666667, 0.2316666667, 0.2316666667, 0.2316666667,
          0.3306666667, 0.3306666667],
}  # fmt: skip


def lifelines_data() -> pl.DataFrame:
    names = {0: None, 1: "A", 2: "B"}
    return pl.DataFrame({"duration": LIFELINES_D, "cause": [names[e] for e in LIFELINES_E]})


def test_aalen_johansen_matches_lifelines():
    cif = aalen_johansen(lifelines_data(), causes=["A", "B"], min_firms=1)
    assert cif.filter(pl.col("cause") == "A")["time"].to_list() == [0, 1, 2, 3, 4, 5, 6, 7, 9]
    for cause, expected in LIFELINES_CIF.items():
        assert cif_of(cif, cause) == pytest.approx(expected, abs=1e-9)


def test_aalen_johansen_matches_lifelines_on_random_data():
    lifelines = pytest.importorskip("lifelines")  # a check where lifelines happens to be
    rng = np.random.default_rng(7)
    n = 60
    times = rng.exponential(5.0, n).round(6)  # continuous: no ties, so no jitter
    kinds = rng.choice([0, 1, 2], n, p=[0.3, 0.4, 0.3])
    ours = aalen_johansen(
        pl.DataFrame({"duration": times, "cause": [{0: None, 1: "1", 2: "2"}[k] for k in kinds]}),
        causes=["1", "2"], min_firms=1,
    )  # fmt: skip
    for k in (1, 2):
        fit = lifelines.AalenJohansenFitter(calculate_variance=False).fit(times, kinds, k)
        theirs = fit.cumulative_density_.iloc[:, 0]
        mine = ours.filter(pl.col("cause") == str(k))
        got = dict(zip(mine["time"].to_list(), mine["cumulative_incidence"].to_list(),
                       strict=True))  # fmt: skip
        for time, value in theirs.items():
            assert got[float(time)] == pytest.approx(value, abs=1e-9)


def test_one_cause_is_one_minus_kaplan_meier():
    # with a single cause the cumulative incidence is 1 - KM (scipy's), events at 0 included
    rng = np.random.default_rng(3)
    d = pl.DataFrame({"duration": rng.integers(0, 12, 80),
                      "observed": rng.random(80) < 0.6})  # fmt: skip
    km = kaplan_meier(d, min_firms=1)
    cif = aalen_johansen(d.with_columns(pl.when("observed").then(pl.lit("x")).alias("cause")),
                         causes=["x"], min_firms=1)  # fmt: skip
    assert cif["time"].to_list() == km["time"].to_list()
    assert cif["cumulative_incidence"].to_numpy() == pytest.approx(1 - km["survival"].to_numpy())
    assert cif["at_risk"].to_list() == km["at_risk"].to_list()


def test_incidences_and_event_free_add_up_to_one():
    rng = np.random.default_rng(11)
    causes = rng.choice(["a", "b", "c", "-"], 100).tolist()
    d = pl.DataFrame({"duration": rng.integers(0, 20, 100),
                      "cause": [None if c == "-" else c for c in causes]})  # fmt: skip
    cif = aalen_johansen(d, causes=["a", "b", "c"], min_firms=1)
    total = cif.group_by("time").agg(
        pl.col("cumulative_incidence").sum() + pl.col("event_free").first()
    )
    assert total["cumulative_incidence"].to_numpy() == pytest.approx(1.0)
    for cause in "abc":
        assert (np.diff(cif_of(cif, cause)) >= -1e-12).all()


# --- the bundled dataset, through its study ---------------------------------------------------


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    path = tmp_path_factory.mktemp("bundled") / "store.sqlite"
    init_store(path)
    with Study(open_store(path, read_only=True)) as opened:
        yield opened


def dated_panel(study: Study) -> pl.DataFrame:
    """The panel firms founded by the end of the period."""
    return study.actors.filter(
        pl.col("actor_id").is_in(list(study.panel))
        & pl.col("founded").is_not_null()
        & (pl.col("founded") <= study.period[1])
    )


def check_curve(curve: pl.DataFrame) -> None:
    for _, rows in curve.filter(pl.col("status") == "ok").group_by("group"):
        survival = rows["survival"].to_numpy()
        assert (np.diff(survival) <= 1e-12).all() and ((survival >= 0) & (survival <= 1)).all()
        assert (np.diff(rows["at_risk"].to_numpy()) <= 0).all()
        assert rows["at_risk"][0] == rows["n_firms"][0]
        banded = rows.drop_nulls("ci_low")
        assert (banded["ci_low"] <= banded["survival"] + 1e-12).all()
        assert (banded["survival"] <= banded["ci_high"] + 1e-12).all()


def test_bundled_time_to_a_big_pharma_deal(study):
    panel = dated_panel(study)
    curve = study_events.big_pharma_survival(study)
    check_curve(curve)
    assert curve["at_risk"][0] == panel.height > 20
    assert curve["events"].sum() + curve["censored"].sum() == panel.height
    assert 0 < curve["survival"].min() < 0.8  # most of the panel allies with big pharma
    durations = study_events.big_pharma_durations(study)
    assert set(durations["cause"].drop_nulls()) == {BIG_PHARMA_DEAL}
    # Tibotec (founded 1994) was bought by J&J in 2002 with no alliance with big pharma on
    # record: censored at its exit, after 8 years
    tibotec = durations.filter(pl.col("actor_id") == "tibotec").row(0, named=True)
    assert (tibotec["duration"], tibotec["observed"], tibotec["stop_year"]) == (8, False, 2002)
    assert (durations["stop_year"] <= study.period[1]).all()


def test_bundled_curves_by_region_and_cohort(study):
    by_region = study_events.big_pharma_survival(study, "region")
    check_curve(by_region)
    groups = by_region["group"].unique(maintain_order=True).to_list()
    assert groups[: len(study.compared_regions())] == list(study.compared_regions())
    sizes = by_region.group_by("group").agg(pl.col("n_firms").first())["n_firms"].sum()
    assert sizes == dated_panel(study).height
    # a compared region with too few dated panel firms (none, in Brussels) has one row
    small = by_region.filter(pl.col("n_firms") < 5)
    assert small["status"].to_list() == [NOT_ENOUGH_DATA] * small.height
    assert small["group"].is_unique().all()
    assert by_region.filter(pl.col("group") == "Brussels")["n_firms"].to_list() == [0]
    by_cohort = study_events.big_pharma_survival(study, "cohort")
    check_curve(by_cohort)
    assert by_cohort["group"].str.contains(r"^\d{4}-\d{4}$").all()
    tests = study_events.big_pharma_logrank(study, "region")
    assert tests.height >= 1 and tests["pvalue"].is_between(0, 1).all()
    assert study_events.big_pharma_logrank(study, "all").is_empty()


def test_bundled_exits_as_competing_risks(study):
    panel = dated_panel(study)
    for ipo, causes in ((False, {"acquisition", "closure"}),
                        (True, {"ipo", "acquisition", "closure"})):  # fmt: skip
        cif = study_events.exit_incidence(study, ipo=ipo)
        assert set(cif["cause"]) == causes
        assert cif["at_risk"][0] == panel.height
        total = cif.group_by("time").agg(
            pl.col("cumulative_incidence").sum() + pl.col("event_free").first()
        )
        assert total["cumulative_incidence"].to_numpy() == pytest.approx(1.0)
    exits = study_events.exit_durations(study)
    # J&J bought Tibotec and Virco in 2002: acquisitions, 8 and 7 years after founding
    got = {r[0]: r[1:] for r in exits.select("actor_id", "cause", "duration").rows()}
    assert got["tibotec"] == ("acquisition", 8) and got["virco"] == ("acquisition", 7)
    # a listing is not an exit; in the first-event analysis it comes first
    listed = study_events.exit_durations(study, ipo=True)
    inno = listed.filter(pl.col("actor_id") == "innogenetics").row(0, named=True)
    # Innogenetics listed in 1996 and was bought by Solvay in 2008: an acquisition after 23
    # years in the exit analysis, a listing after 11 in the first-event one
    assert got["innogenetics"] == ("acquisition", 23)
    assert (inno["cause"], inno["duration"]) == ("ipo", 11)


def test_bundled_minimum_is_the_findings_min_firms_setting(study, monkeypatch):
    monkeypatch.setenv("BIORIS_FINDINGS_MIN_FIRMS", "1000")
    curve = study_events.big_pharma_survival(study)
    assert curve.select("group", "status").rows() == [("all", NOT_ENOUGH_DATA)]
    assert study_events.exit_incidence(study, "cohort")["status"].unique().to_list() == [
        NOT_ENOUGH_DATA
    ]
    assert study_events.big_pharma_survival(study, min_firms=1)["status"][0] == "ok"


def test_bundled_unknown_grouping_is_an_error(study):
    with pytest.raises(VocabularyError, match="--by"):
        study_events.big_pharma_survival(study, "country")
