"""The study's panel of focal firms: who is in (each selector of [panel]), and the years each
member is in it (entry through exit). Expected sets are worked out by hand in comments."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bioris.analytics.genealogy import actor_lifespans
from bioris.analytics.panel import PANEL_YEAR_SCHEMA, panel_members, panel_years, resolve_names
from bioris.analytics.tables import actors_frame
from bioris.domain import (
    Actor,
    ActorKind,
    LineageFact,
    LineageRelation,
    Panel,
    Region,
    StudyDefinition,
)
from bioris.errors import BiorisError

REGIONS = (
    Region("Medicon Valley", ("DK", "SE"), ("DK-84", "SE-M")),
    Region("Stockholm-Uppsala", ("SE",), ("SE-AB", "SE-C")),
    Region("West Sweden", ("SE",), ("SE-O",), focal=False),
)


def firm(actor_id, kind="nbf", region=None, country=None, **kw) -> Actor:
    return Actor(actor_id, actor_id.title(), ActorKind(kind), country, region, **kw)


ACTORS = [
    firm("genmab", region="DK-84", aliases=("Genmab A/S",)),  # antibodies
    firm("zealand", region="Medicon Valley", country="DK"),  # peptides
    firm("camurus", region="SE-M"),  # drug delivery
    firm("biovitrum", region="SE-AB"),  # rare disease
    firm("cdmo", region="SE-C"),  # contract manufacturing
    firm("gothia", region="SE-O"),  # West Sweden: declared, not focal
    firm("oslo", country="NO"),  # no declared region
    firm("novo", kind="pharma", region="DK-84"),  # not an NBF
    firm("lu", kind="university", region="SE-M"),
]
CLASSIFIED = pl.DataFrame(
    {
        "actor_id": ["genmab", "zealand", "camurus", "camurus", "biovitrum", "cdmo", "gothia",
                     "oslo", "novo", "lu"],
        "category": ["antibodies", "peptides", "delivery", "cdmo_bioprocessing", "rare",
                     "cdmo_bioprocessing", "antibodies", "antibodies", "small_molecules",
                     "unclassified"],
    }
)  # fmt: skip


def members(study_panel: Panel, regions=REGIONS, classified=CLASSIFIED) -> set[str]:
    study = StudyDefinition(name="t", regions=regions, panel=study_panel)
    return set(panel_members(ACTORS, study, classified))


@pytest.mark.parametrize(
    ("panel", "expected"),
    [
        # the default: NBFs of the focal regions (Medicon Valley, Stockholm-Uppsala)
        (Panel(), {"genmab", "zealand", "camurus", "biovitrum", "cdmo"}),
        # kinds: pharma of the focal regions
        (Panel(kinds=("pharma",)), {"novo"}),
        (Panel(kinds=("nbf", "university")),
         {"genmab", "zealand", "camurus", "biovitrum", "cdmo", "lu"}),
        # regions: named regions, focal or not
        (Panel(regions=("Medicon Valley",)), {"genmab", "zealand", "camurus"}),
        (Panel(regions=("West Sweden",)), {"gothia"}),
        # no region at all: every NBF, wherever it is
        (Panel(regions=()), {"genmab", "zealand", "camurus", "biovitrum", "cdmo", "gothia",
                             "oslo"}),
        # categories: any one of them
        (Panel(categories=("antibodies", "peptides")), {"genmab", "zealand"}),
        # exclude_categories: one excluded category is enough (camurus is also delivery)
        (Panel(exclude_categories=("cdmo_bioprocessing",)), {"genmab", "zealand", "biovitrum"}),
        (Panel(categories=("delivery",), exclude_categories=("cdmo_bioprocessing",)), set()),
        # include overrides kind, region and category; exclude overrides everything
        (Panel(include=("Novo", "oslo"), exclude=("Genmab A/S",)),
         {"zealand", "camurus", "biovitrum", "cdmo", "novo", "oslo"}),
        (Panel(categories=("antibodies",), include=("Camurus",)), {"genmab", "camurus"}),
        (Panel(exclude=("zealand", "CAMURUS", "nobody")), {"genmab", "biovitrum", "cdmo"}),
    ],
)  # fmt: skip
def test_panel_members(panel, expected):
    assert members(panel) == expected


def test_panel_members_without_declared_regions_takes_every_nbf():
    # a study that declares no region: the panel is every NBF (placed by country)
    assert members(Panel(), regions=()) == {
        "genmab", "zealand", "camurus", "biovitrum", "cdmo", "gothia", "oslo"}  # fmt: skip


def test_panel_members_are_sorted_and_need_a_taxonomy_for_categories():
    study = StudyDefinition(name="t", regions=REGIONS)
    got = panel_members(ACTORS, study)  # no category selector: no taxonomy needed
    assert got == tuple(sorted(got))
    with pytest.raises(BiorisError, match="taxonomy"):
        panel_members(ACTORS, StudyDefinition(name="t", panel=Panel(categories=("x",))))
    # an unclassified firm has no category: it is left out by categories, kept otherwise
    classified = CLASSIFIED.filter(pl.col("actor_id") != "biovitrum")
    assert "biovitrum" in members(Panel(exclude_categories=("cdmo_bioprocessing",)),
                                  classified=classified)  # fmt: skip
    assert "biovitrum" not in members(Panel(categories=("rare",)), classified=classified)


def test_resolve_names():
    # an id, the name, an alias; case, accents and legal suffixes ignored; a generator works
    found = resolve_names(ACTORS, (n for n in ["genmab a/s", "ZEALAND", "lu", "nobody"]))
    assert found == {"genmab", "zealand", "lu"}
    assert resolve_names(ACTORS, []) == set()


# --- panel years ----------------------------------------------------------------------------


def test_panel_years_bounds_by_entry_and_exit():
    actors = actors_frame(
        [
            firm("a", founded=2003, exit="acquired by Roche 2006"),  # 2003-2006
            firm("b", founded=1995),  # before the period: from its start, 2000-2008
            firm("c"),  # no founding year: its first deal, 2005
            firm("d"),  # neither: undated, no year (as in the firm counts)
            firm("e", founded=2001, exit="wound down 1999"),  # exit before entry: no year
            firm("f", founded=2001),  # closed per the lineage in 2002: 2001-2002
            firm("g", founded=2004, exit="merged into X 2012"),  # exit after the period
        ]
    )
    lineage = [LineageFact("f", LineageRelation.CLOSED, "closed", 2002)]
    alliances = pl.DataFrame({"alliance_id": ["d1"], "year": [2005]})
    parties = pl.DataFrame({"alliance_id": ["d1"], "actor_id": ["c"]})
    spans = actor_lifespans(actors, lineage, alliances=alliances, parties=parties)
    years = panel_years(["a", "b", "c", "d", "e", "f", "g"], spans, start=2000, end=2008)
    assert years.schema == pl.Schema(PANEL_YEAR_SCHEMA)
    got = {a: y.to_list() for (a,), y in years.group_by("actor_id")
           for y in [y.sort("year")["year"]]}  # fmt: skip
    assert got == {
        "a": [2003, 2004, 2005, 2006],
        "b": list(range(2000, 2009)),
        "c": [2005, 2006, 2007, 2008],
        "f": [2001, 2002],
        "g": [2004, 2005, 2006, 2007, 2008],
    }
    # only members count
    assert set(panel_years(["a"], spans, start=2000, end=2008)["actor_id"]) == {"a"}
    with pytest.raises(BiorisError, match="empty"):
        panel_years(["a"], spans, start=2009, end=2008)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.integers(1990, 2020)),
                  st.one_of(st.none(), st.integers(1990, 2020))),
        min_size=1, max_size=8,
    ),
    st.integers(1995, 2010),
    st.integers(0, 10),
)  # fmt: skip
def test_panel_years_match_a_plain_reading(spans, start, length):
    # against an independent loop: a member with an entry year is in every year y of
    # start..end with max(entry, start) <= y <= min(exit, end), exit defaulting to end
    end = start + length
    lifespans = pl.DataFrame(
        [(f"f{i}", e, x) for i, (e, x) in enumerate(spans)],
        schema={"actor_id": pl.String, "entry_year": pl.Int32, "exit_year": pl.Int32},
        orient="row",
    )
    got = set(panel_years(lifespans["actor_id"], lifespans, start=start, end=end).iter_rows())
    expected = {
        (f"f{i}", y)
        for i, (entry, exit_year) in enumerate(spans)
        for y in range(start, end + 1)
        if entry is not None and entry <= y and y <= (exit_year if exit_year is not None else end)
    }
    assert got == expected


def test_a_former_name_in_the_study_file_counts(tmp_path):
    """The study file's names are checked with the store's name index (former names too),
    and the panel is built with the same resolver: Oxurion (ThromboGenics' later name) excludes
    ThromboGenics (bundled data)."""
    from dataclasses import replace as replace_field

    from bioris.store import open_store
    from bioris.study import Study
    from bioris.workspace import init_store

    path, _ = init_store(tmp_path / "s.sqlite")
    with Study.open(path) as study:
        assert "thrombogenics" in study.panel
        panel = replace_field(
            study.definition.panel, exclude=(*study.definition.panel.exclude, "Oxurion")
        )
        definition = replace_field(study.definition, panel=panel)
    with open_store(path, read_only=True) as store:
        assert "thrombogenics" not in Study(store, definition=definition).panel
