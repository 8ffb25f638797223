"""Exits end a firm's independent life: its ties, ranking rows and counts stop at the exit
year (or roll up to the acquirer). Hand-worked tables first, then the bundled dataset read
through its own study."""

from __future__ import annotations

import polars as pl
import pytest

from bioris.analytics.partners import partner_profile
from bioris.analytics.regional import actor_counts
from bioris.analytics.temporal import TiePolicy, parent_table, tie_table
from bioris.domain import LineageFact, LineageRelation
from bioris.store import open_store
from bioris.study import Study
from bioris.study.network import ranking as rank_panel
from bioris.workspace import init_store

EXIT_SCHEMA = {"actor_id": pl.String, "exit_year": pl.Int32}


def exits_of(**years: int) -> pl.DataFrame:
    return pl.DataFrame({"actor_id": list(years), "exit_year": list(years.values())},
                        schema=EXIT_SCHEMA)  # fmt: skip


def pairs(ties: pl.DataFrame) -> dict[tuple[str, str], list[int]]:
    """(source, target) -> the years the pair is tied."""
    out: dict[tuple[str, str], list[int]] = {}
    for year, source, target in ties.select("year", "source", "target").iter_rows():
        out.setdefault((source, target), []).append(year)
    return out


# --- tie tables -----------------------------------------------------------------------------

# x is acquired by q in 2012. Five-year ties (signing year included), period 2009-2017.
TIE_DEALS = pl.DataFrame(
    {
        "alliance_id": ["a1", "a2", "a3", "a4"],
        "year": [2010, 2013, 2012, 2009],
        "deal_type": ["licensing_out"] * 4,
    },
    schema_overrides={"year": pl.Int32},
)
TIE_PARTIES = pl.DataFrame(
    {
        "alliance_id": ["a1", "a1", "a2", "a2", "a3", "a3", "a4", "a4"],
        "actor_id": ["p", "x", "r", "x", "s", "x", "p", "r"],
    }
)
X_ACQUIRED = [LineageFact("x", LineageRelation.ACQUIRED_BY, "q", 2012)]


def tie_years(**kwargs) -> dict[tuple[str, str], list[int]]:
    ties = tie_table(TIE_DEALS, TIE_PARTIES, start=2009, end=2017,
                     policy=TiePolicy("fixed", 5), **kwargs)  # fmt: skip
    return pairs(ties)


def test_ties_end_at_the_exit():
    got = tie_years(exits=exits_of(x=2012))
    assert got == {
        ("p", "x"): [2010, 2011, 2012],  # a1 (2010-2014) signed before the exit: ends 2012
        ("s", "x"): [2012],  # a3, signed in the exit year, ends with it
        ("r", "x"): [2013, 2014, 2015, 2016, 2017],  # a2, signed after: ties from signing
        ("p", "r"): [2009, 2010, 2011, 2012, 2013],  # a4: neither party exits
    }
    # without exits every deal runs its five years
    plain = tie_years()
    assert plain[("p", "x")] == [2010, 2011, 2012, 2013, 2014]
    assert plain[("s", "x")] == [2012, 2013, 2014, 2015, 2016]


def test_ties_roll_up_to_the_acquirer():
    # with the lineage's parents, x counts as q from 2012: its ties do not end, they are
    # q's (hand-worked: a1 is p-x 2010-11 then p-q 2012-14; a3 q-s 2012-16; a2 q-r 2013-17)
    got = tie_years(exits=exits_of(x=2012), parents=parent_table(X_ACQUIRED))
    assert got == {
        ("p", "x"): [2010, 2011],
        ("p", "q"): [2012, 2013, 2014],
        ("q", "s"): [2012, 2013, 2014, 2015, 2016],
        ("q", "r"): [2013, 2014, 2015, 2016, 2017],
        ("p", "r"): [2009, 2010, 2011, 2012, 2013],
    }


def test_a_closure_ends_the_ties_even_with_parents():
    # a closure names no acquirer: nothing to roll up to, so the ties end
    got = tie_years(exits=exits_of(x=2012), parents=parent_table([]))
    assert got[("p", "x")] == [2010, 2011, 2012]
    # an exit of the other party ends the tie too, from either side
    got = tie_years(exits=exits_of(p=2010))
    assert got[("p", "x")] == [2010]
    assert got[("p", "r")] == [2009, 2010]


def test_exit_tables_with_repeated_or_missing_years():
    # a table listing two exits of x reads the first; a null exit year is no exit
    twice = pl.DataFrame({"actor_id": ["x", "x", "p"], "exit_year": [2014, 2012, None]},
                         schema=EXIT_SCHEMA)  # fmt: skip
    assert tie_years(exits=twice) == tie_years(exits=exits_of(x=2012))
    assert tie_years(exits=exits_of()) == tie_years()


# --- partner profiles -----------------------------------------------------------------------

# the deals of tests/analytics/test_partners.py: (id, year, [(actor, role), ...])
DEALS = [
    ("d1", 2005, [("nbf1", "licensor"), ("wyeth", "licensee")]),
    ("d2", 2008, [("nbf1", "collaborator"), ("uni", "collaborator")]),
    ("d3", 2009, [("nbf1", "investee"), ("vc", "investor")]),
    ("d4", 2010, [("nbf1", "licensor"), ("wyeth", "licensee")]),
    ("d5", 2010, [("nbf2", "licensee"), ("biotech", "licensor")]),
    ("d6", 2010, [("nbf2", "collaborator"), ("pfizer", "collaborator"),
                  ("vc", "collaborator")]),
]  # fmt: skip


def profile(exits: pl.DataFrame | None = None) -> pl.DataFrame:
    alliances = pl.DataFrame(
        [(d, y, "x", 1.0, 1.0) for d, y, _ in DEALS],
        schema=["alliance_id", "year", "deal_type", "committed_eur", "headline_eur"],
        orient="row",
    )
    parties = pl.DataFrame([(d, a, r) for d, _, ps in DEALS for a, r in ps],
                           schema=["alliance_id", "actor_id", "role"], orient="row")  # fmt: skip
    return partner_profile(alliances, parties, ["nbf1", "nbf2"], start=2005, end=2012,
                           policy=TiePolicy("fixed", 3), big_pharma=["pfizer"],
                           exits=exits)  # fmt: skip


def at(frame: pl.DataFrame, actor: str, year: int) -> dict:
    found = frame.filter((pl.col("actor") == actor) & (pl.col("year") == year))
    assert found.height == 1, found
    return found.row(0, named=True)


def test_partner_profile_has_no_row_after_the_firms_exit():
    base, ended = profile(), profile(exits_of(nbf1=2009))
    assert base.filter(pl.col("actor") == "nbf1")["year"].to_list() == list(range(2005, 2013))
    assert ended.filter(pl.col("actor") == "nbf1")["year"].to_list() == list(range(2005, 2010))
    # up to the exit, and for the other firm, nothing changes
    assert ended.equals(base.filter((pl.col("actor") != "nbf1") | (pl.col("year") <= 2009)))


def test_partner_profile_stops_counting_an_exited_partner():
    # vc closes in 2010. With three-year ties (hand-worked):
    # nbf1 2011: d3 (vc, signed 2009) no longer counts; d4 (wyeth) does -> 1 alliance,
    #            1 partner, 1 paying (base: d3 and d4, 2 partners, 2 paying)
    # nbf2 2011: d6 signed 2010 loses vc but keeps pfizer; d5 biotech -> 2 partners (base 3)
    base, ended = profile(), profile(exits_of(vc=2010))
    assert (at(base, "nbf1", 2011)["active_alliances"], at(base, "nbf1", 2011)["distinct_partners"],
            at(base, "nbf1", 2011)["target_alliances"]) == (2, 2, 2)  # fmt: skip
    nbf1 = at(ended, "nbf1", 2011)
    assert (nbf1["active_alliances"], nbf1["distinct_partners"], nbf1["target_alliances"]) == (
        1, 1, 1)  # fmt: skip
    assert (at(base, "nbf2", 2011)["distinct_partners"],
            at(ended, "nbf2", 2011)["distinct_partners"]) == (3, 2)  # fmt: skip
    assert at(ended, "nbf2", 2011)["big_pharma_partners"] == 1  # pfizer stays
    # in its exit year vc still counts
    assert at(ended, "nbf2", 2010)["distinct_partners"] == 3


def test_a_partner_that_exited_before_signing_still_counts():
    # vc "exits" in 2008, before d3 (2009) and d6 (2010): deals signed after an exit tie
    # from signing, so the profile is unchanged
    assert profile(exits_of(vc=2008)).equals(profile())


# --- the bundled dataset, through its study -------------------------------------------------


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    path = tmp_path_factory.mktemp("bundled") / "store.sqlite"
    init_store(path)
    with Study(open_store(path, read_only=True)) as opened:
        yield opened


@pytest.fixture(scope="module")
def panel_exits(study) -> dict[str, int]:
    """Panel firm -> its exit year, for the panel firms that exited."""
    exits = study.exits.filter(pl.col("actor_id").is_in(list(study.panel)))
    return dict(exits.select("actor_id", "exit_year").iter_rows())


def _after_exit(frame: pl.DataFrame, column: str, exits: dict[str, int]) -> pl.DataFrame:
    ended = pl.DataFrame({column: list(exits), "_exit": list(exits.values())})
    return frame.join(ended, on=column).filter(pl.col("year") > pl.col("_exit"))


def test_bundled_acquired_firms_are_in_the_panel_with_their_exits(panel_exits):
    # the firms of the issue: J&J bought Tibotec and Virco (2002), Solvay Innogenetics (2008),
    # Astellas Ogeda (2017), Sanofi Ablynx and Takeda TiGenix (2018)
    assert {"tibotec": 2002, "virco": 2002, "innogenetics": 2008, "ogeda": 2017,
            "ablynx": 2018, "tigenix": 2018}.items() <= panel_exits.items()  # fmt: skip


def test_bundled_no_ranking_row_after_an_exit(study, panel_exits):
    first, last = study.period
    ranking = rank_panel(study, first, last)  # every panel firm, every year of the period
    assert not ranking.is_empty()
    assert _after_exit(ranking, "actor", panel_exits).is_empty()
    # Innogenetics is ranked up to 2008, when Solvay bought it, and never after
    inno = ranking.filter(pl.col("actor") == "innogenetics")["year"]
    assert inno.len() and inno.max() <= 2008


def test_bundled_no_label_after_an_exit(study, panel_exits):
    labels = study.business_models()
    assert _after_exit(labels, "firm", panel_exits).is_empty()
    # one label per firm-year, and the FIPCO migration agrees with the labels
    assert labels.select("firm", "year").is_unique().all()
    first_fipco = dict(
        labels.filter(pl.col("value_chain") == "FIPCO")
        .group_by("firm")
        .agg(pl.col("year").min())
        .iter_rows()
    )
    migration = study.fipco_migration()
    got = {f: y for f, y in migration.select("firm", "fipco_year").iter_rows() if y is not None}
    assert got == first_fipco
    # Tibotec and Innogenetics, owned by J&J and Solvay long before, are not FIPCOs in 2017
    fipco_2017 = labels.filter((pl.col("year") == 2017) & (pl.col("value_chain") == "FIPCO"))
    assert not {"tibotec", "innogenetics"} & set(fipco_2017["firm"])


def test_bundled_no_count_after_an_exit(study):
    # the active panel firms of each year, counted by actor_counts, are exactly the panel
    # firms with an entry year whose panel years (panel_years: entry through exit) hold it
    first, last = study.period
    inputs = study.inputs
    counts = actor_counts(inputs.actors, study.dataset.lineage, start=first, end=last,
                          alliances=inputs.alliances, parties=inputs.parties,
                          panel=study.panel)  # fmt: skip
    active = (
        counts.filter(pl.col("kind") == "panel")
        .group_by("year")
        .agg(pl.col("active").sum())
        .sort("year")
    )
    dated = study.lifespans.filter(pl.col("entry_year").is_not_null())["actor_id"]
    years = study.panel_years(first, last).filter(pl.col("actor_id").is_in(dated.implode()))
    expected = years.group_by("year").agg(pl.len().cast(pl.Int64).alias("active"))
    joined = active.join(expected, on="year", how="left").with_columns(
        pl.col("active_right").fill_null(0)
    )
    assert joined["active"].to_list() == joined["active_right"].to_list()
    exits = dict(study.exits.select("actor_id", "exit_year").iter_rows())
    assert _after_exit(study.panel_years(first, last), "actor_id", exits).is_empty()


def test_bundled_default_ties_hold_no_acquisition_equity_or_grant(study):
    first, last = study.period
    inputs = study.inputs
    layer = set(study.deal_types())
    assert not {"acquisition", "equity_investment", "grant"} & layer
    # every pair tied in the default tie table is tied by an alliance-layer deal signed in
    # the window before the year (an independent reading of the tie table)
    ties = study.ties()
    assert not ties.is_empty()
    deals = inputs.alliances.select("alliance_id", "year", "deal_type")
    both = (
        inputs.parties.select("alliance_id", "actor_id")
        .join(
            inputs.parties.select("alliance_id", pl.col("actor_id").alias("other")),
            on="alliance_id",
        )
        .filter(pl.col("actor_id") < pl.col("other"))
        .join(deals, on="alliance_id")
    )
    by_type = both.group_by("actor_id", "other").agg(pl.col("deal_type").unique())
    kinds = {(a, b): set(t) for a, b, t in by_type.iter_rows()}
    only_other = [
        (s, t) for s, t in ties.select("source", "target").unique().iter_rows()
        if not kinds.get((s, t), set()) & layer
    ]  # fmt: skip
    assert only_other == []
    # the same table from the deals without acquisitions, equity rounds and grants
    kept = inputs.alliances.filter(
        ~pl.col("deal_type").is_in(["acquisition", "equity_investment", "grant"])
    )
    again = tie_table(kept, inputs.parties, start=first, end=last,
                      policy=TiePolicy("fixed", study.window), exits=inputs.exits)  # fmt: skip
    assert again.equals(ties)
    # the deal types in the data that the default ties leave out are there to leave out
    assert {"acquisition", "equity_investment", "grant"} <= set(deals["deal_type"])
    # and ties with financing added are a superset
    wider = study.ties(layers=[*study.definition.network_layers, "financing"])
    assert ties.join(wider, on=["year", "source", "target"], how="anti").is_empty()
    assert first <= ties["year"].min() and ties["year"].max() <= last
