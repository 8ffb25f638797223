"""The tables a study starts from: actors placed by the study, the network layer and exits
applied to the ties (network_inputs), where actors are on maps (location_groups), and a
dataset focused on one region (region_subset). Expected tables are worked out by hand."""

from __future__ import annotations

import polars as pl

from bioris.analytics.geography import (
    CONTINENT_COLOURS,
    actor_locations,
    location_colours,
    location_groups,
)
from bioris.analytics.inputs import network_inputs
from bioris.analytics.layout import stable_layout
from bioris.analytics.subset import in_region, region_subset
from bioris.analytics.tables import actors_frame
from bioris.domain import (
    Actor,
    ActorKind,
    Alliance,
    Dataset,
    DealType,
    LineageFact,
    LineageRelation,
    Party,
    PipelineEvent,
    PipelineStage,
    Region,
    Role,
    StudyDefinition,
)

STUDY = StudyDefinition(
    name="Medicon Valley",
    regions=(
        Region("Medicon Valley", ("DK", "SE"), ("DK-84", "SE-M"), colour="#1F5AA6"),
        Region("Stockholm-Uppsala", ("SE",), ("SE-AB",), focal=False),
    ),
)


def actor(actor_id, kind="nbf", country=None, region=None) -> Actor:
    return Actor(actor_id, actor_id.title(), ActorKind(kind), country, region)


def deal(alliance_id, year, deal_type, *parties) -> Alliance:
    """A deal of ``year``; the first of ``parties`` ((actor, role) pairs) is the focal one."""
    sides = tuple(Party(a, Role(r), i == 0) for i, (a, r) in enumerate(parties))
    return Alliance(alliance_id, year, str(year), DealType(deal_type), sides)


# a (Copenhagen) licenses to b (Stockholm) in 2010, raises equity from c (US) in 2011, gets
# a grant from g (Danish government) in 2011, and b acquires a in 2012
DATASET = Dataset(
    actors=(
        actor("a", region="DK-84"),
        actor("b", "biotech", region="SE-AB"),
        actor("c", "financier", country="US"),
        actor("g", "government", country="DK"),
        actor("l", "university", region="SE-M"),
    ),
    lineage=(LineageFact("a", LineageRelation.ACQUIRED_BY, "b", 2012),),
    alliances=(
        deal("d1", 2010, "licensing_out", ("a", "licensor"), ("b", "licensee")),
        deal("d2", 2011, "equity_investment", ("a", "investee"), ("c", "investor")),
        deal("d3", 2011, "grant", ("a", "grantee"), ("g", "grantor")),
        deal("d4", 2012, "acquisition", ("a", "target"), ("b", "acquirer")),
        deal("d5", 2013, "research_collaboration", ("b", "collaborator"), ("l", "collaborator")),
    ),
    pipeline=(PipelineEvent("e1", "a", "A-1", PipelineStage.PHASE1, 2011, "2011"),),
)


def pairs(ties: pl.DataFrame) -> dict[tuple[str, str], list[int]]:
    out: dict[tuple[str, str], list[int]] = {}
    for year, source, target in ties.select("year", "source", "target").iter_rows():
        out.setdefault((source, target), []).append(year)
    return out


def test_network_inputs_apply_the_layer_and_the_exits():
    inputs = network_inputs(DATASET, (), STUDY)
    assert inputs.deal_types == STUDY.deal_types()
    assert inputs.panel == ("a",)  # every nbf actor, without a panel
    assert inputs.exits.rows() == [("a", 2012)]
    # the alliance layer: only d1 (licensing) and d5 (collaboration) tie; d1 ends at a's
    # exit (2012) instead of running to 2014; d5 runs its five years
    assert pairs(inputs.ties(2009, 2017)) == {
        ("a", "b"): [2010, 2011, 2012],
        ("b", "l"): [2013, 2014, 2015, 2016, 2017],
    }
    # rolled up, a is b from 2012: the a-b tie becomes b's own business and disappears
    assert pairs(inputs.ties(2009, 2017, rollup=True))[("a", "b")] == [2010, 2011]
    # another layer on request: equity (2011) ends at a's exit too
    assert pairs(inputs.ties(2009, 2017, deal_types=["equity_investment"])) == {
        ("a", "c"): [2011, 2012]}  # fmt: skip
    # without a study every deal type is a tie
    everything = network_inputs(DATASET)
    assert everything.deal_types is None
    assert {("a", "c"), ("a", "g")} <= set(pairs(everything.ties(2009, 2017)))


def test_network_inputs_place_actors_and_take_the_panel():
    inputs = network_inputs(DATASET, ["Biotech B"], STUDY, panel=["b", "a"])
    assert inputs.panel == ("a", "b") and inputs.nbfs == ["a", "b"]
    assert inputs.groups() == {
        "a": "Medicon Valley", "b": "Stockholm-Uppsala", "c": "US", "g": "DK",
        "l": "Medicon Valley"}  # fmt: skip
    assert inputs.groups("country")["a"] == "DK"
    assert inputs.big_pharma == frozenset()  # "Biotech B" names no actor ("B" does)
    focal = dict(inputs.actors.select("actor_id", "focal").iter_rows())
    assert focal == {"a": True, "b": False, "c": False, "g": False, "l": True}


def test_actor_locations_and_location_groups():
    actors = actors_frame(
        [*DATASET.actors, actor("x", "pharma"), actor("j", "pharma", country="JP")], STUDY
    )
    places = actor_locations(actors)
    assert places.columns == ["actor", "location", "country", "kind", "focal"]
    assert dict(places.select("actor", "location").iter_rows())["x"] == "unknown"
    colours = STUDY.region_colours()
    groups = {r[0]: r[3:] for r in location_groups(actors, colours).iter_rows()}
    # declared regions keep their colours; everyone else gets their continent's
    assert groups["a"] == ("Medicon Valley", "Medicon Valley", "#1F5AA6")
    assert groups["b"] == ("Stockholm-Uppsala", "Stockholm-Uppsala", colours["Stockholm-Uppsala"])
    assert groups["c"] == (
        "US (North America)",
        "North America",
        CONTINENT_COLOURS["North America"],
    )
    assert groups["g"] == ("DK (Europe)", "Europe", CONTINENT_COLOURS["Europe"])
    assert groups["j"] == ("JP (Asia-Pacific)", "Asia-Pacific", CONTINENT_COLOURS["Asia-Pacific"])
    assert groups["x"] == ("unknown", "Unknown", CONTINENT_COLOURS["Unknown"])
    # the legend: the declared regions first, then the continents
    legend = list(location_colours(colours))
    assert legend[:2] == ["Medicon Valley", "Stockholm-Uppsala"]
    assert legend[2:] == list(CONTINENT_COLOURS)


def test_in_region_and_region_subset():
    assert in_region(DATASET.actors[0], "medicon valley", STUDY)  # DK-84
    assert in_region(DATASET.actors[4], "Medicon Valley", STUDY)  # SE-M
    assert not in_region(DATASET.actors[1], "Medicon Valley", STUDY)  # SE-AB
    assert in_region(DATASET.actors[2], "US", STUDY)
    sub = region_subset(DATASET, "Medicon Valley", STUDY)
    # a and l are local; every deal with one of them, with all its parties
    assert [d.alliance_id for d in sub.alliances] == ["d1", "d2", "d3", "d4", "d5"]
    assert {a.actor_id for a in sub.actors} == {"a", "b", "c", "g", "l"}
    assert [e.event_id for e in sub.pipeline] == ["e1"]
    us = region_subset(DATASET, "US", STUDY)
    assert [d.alliance_id for d in us.alliances] == ["d2"]
    assert {a.actor_id for a in us.actors} == {"a", "c"}
    assert us.lineage == DATASET.lineage  # a is kept, so is its acquisition
    assert us.pipeline == ()  # a is not a US firm
    # a country holds the actors of its declared regions: SE is the SE-M and SE-AB actors too
    assert in_region(DATASET.actors[4], "SE", STUDY) and in_region(DATASET.actors[1], "se", STUDY)
    assert not in_region(DATASET.actors[0], "SE", STUDY)  # DK-84


def test_stable_layout_is_seeded_centred_and_keeps_isolates():
    ties = pl.DataFrame({"year": [2000, 2001, 2001], "source": ["a", "b", "c"],
                         "target": ["b", "c", "a"]})  # fmt: skip
    one = stable_layout(ties, 3, actors=["z"])
    assert one["actor"].to_list() == ["a", "b", "c", "z"]
    assert one.equals(stable_layout(ties, 3, actors=["z"]))
    coords = one.select("x", "y").to_numpy()
    assert abs(coords).max() == 1.0
    assert stable_layout(ties.head(0)).is_empty()
