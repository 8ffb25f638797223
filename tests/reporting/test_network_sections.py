"""The network maps, the big-pharma x panel-firm matrix and the stability of the ranking, on
the bundled study and a tiny one."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest

from bioris.analytics.geography import location_colours, location_groups
from bioris.analytics.layout import stable_layout
from bioris.domain import (
    Actor,
    ActorKind,
    Alliance,
    Dataset,
    DealType,
    LineageFact,
    LineageRelation,
    Party,
    Region,
    Role,
    StudyDefinition,
)
from bioris.reporting import build_context, write_report
from bioris.reporting.model import Figure, ReportContext, Section, Table, Text
from bioris.reporting.sections import network_maps, partners
from bioris.study import Study
from tests.reporting.helpers import study_of

# ---------------------------------------------------------------- contexts


def _actor(actor_id: str, name: str, kind: ActorKind, country: str,
           region: str | None = None) -> Actor:  # fmt: skip
    return Actor(actor_id, name, kind, country=country, region=region)


def _deal(deal_id: str, year: int, *parties: tuple[str, Role]) -> Alliance:
    return Alliance(
        deal_id, year, str(year), DealType.RESEARCH_COLLABORATION,
        tuple(Party(a, r, focal=i == 0) for i, (a, r) in enumerate(parties)),
    )  # fmt: skip


TINY = Dataset(
    actors=(
        _actor("nbf1", "Flemish NBF", ActorKind.NBF, "BE", "Flanders"),
        _actor("nbf2", "Walloon NBF", ActorKind.NBF, "BE", "Wallonia"),
        _actor("nbf3", "Brussels NBF", ActorKind.NBF, "BE", "Brussels"),
        _actor("uni", "A university", ActorKind.UNIVERSITY, "BE", "Flanders"),
        _actor("wyeth", "Wyeth", ActorKind.PHARMA, "US"),
        _actor("pfizer", "Pfizer", ActorKind.PHARMA, "US"),
        _actor("roche", "Roche", ActorKind.PHARMA, "CH"),
        _actor("vc", "A <b>fund</b>", ActorKind.FINANCIER, "JP"),
    ),
    lineage=(LineageFact("wyeth", LineageRelation.ACQUIRED_BY, "pfizer", start_year=2009),),
    alliances=(
        _deal("d1", 2005, ("nbf1", Role.LICENSOR), ("wyeth", Role.LICENSEE)),  # Wyeth
        _deal("d2", 2010, ("nbf1", Role.LICENSOR), ("wyeth", Role.LICENSEE)),  # Pfizer by now
        _deal("d3", 2011, ("nbf2", Role.COLLABORATOR), ("pfizer", Role.COLLABORATOR)),
        _deal("d4", 2008, ("nbf2", Role.INVESTEE), ("vc", Role.INVESTOR)),
        _deal("d5", 2012, ("nbf3", Role.COLLABORATOR), ("roche", Role.COLLABORATOR),
              ("nbf1", Role.COLLABORATOR)),
        _deal("d6", 2006, ("nbf1", Role.COLLABORATOR), ("uni", Role.COLLABORATOR)),
        _deal("d7", 1995, ("nbf1", Role.LICENSOR), ("roche", Role.LICENSEE)),  # before period
    ),
)  # fmt: skip
TINY_STUDY = StudyDefinition(
    name="tiny",
    window=5,
    regions=(
        Region("Flanders", ("BE",), colour="#E8A600"),
        Region("Wallonia", ("BE",), colour="#D7263D"),
        Region("Brussels", ("BE",), colour="#1F5AA6"),
    ),
)
TINY_OPTIONS = {"start": 2000, "end": 2015, "seed": 7}


@pytest.fixture(scope="module")
def tiny_study(tmp_path_factory: pytest.TempPathFactory) -> Study:
    # Pfizer, Wyeth and Roche are on the bundled big-pharma list
    return study_of(tmp_path_factory.mktemp("tiny") / "t.sqlite", TINY, TINY_STUDY)


@pytest.fixture(scope="module")
def tiny(tiny_study: Study) -> ReportContext:
    return build_context(tiny_study, **TINY_OPTIONS)


@pytest.fixture(params=["bundled", "tiny"])
def ctx(request: pytest.FixtureRequest) -> ReportContext:
    return request.getfixturevalue(request.param)


# ---------------------------------------------------------------- helpers


def _figure(section: Section, name: str) -> go.Figure:
    found = [b for b in section.blocks if isinstance(b, Figure) and b.name == name]
    assert len(found) == 1, [getattr(b, "name", None) for b in section.blocks]
    return found[0].figure


def _node_traces(traces) -> list:
    """Traces that draw actors (they carry ids; edges and legend entries do not)."""
    return [t for t in traces if t.ids is not None and len(t.ids)]


def _positions(traces) -> dict[str, set[tuple[float, float]]]:
    seen: dict[str, set[tuple[float, float]]] = {}
    for trace in _node_traces(traces):
        for actor, x, y in zip(trace.ids, trace.x, trace.y, strict=True):
            seen.setdefault(actor, set()).add((x, y))
    return seen


def _years_with_ties(ctx: ReportContext) -> list[int]:
    return sorted(ctx.ties["year"].unique().to_list())


# ---------------------------------------------------------------- network maps


def test_sections_are_not_empty(ctx):
    for module in (network_maps, partners):
        section = module.build(ctx)
        assert section.blocks
        assert any(isinstance(b, Figure) for b in section.blocks)
        assert any(isinstance(b, Text) and b.text for b in section.blocks)
    assert network_maps.build(ctx).key == "network_maps"


def test_small_multiples_have_one_subplot_per_chosen_year(ctx):
    fig = _figure(network_maps.build(ctx), "network_maps_small_multiples")
    years = _years_with_ties(ctx)
    panels = network_maps.panel_years(years, ctx.options.start_year)
    last = years[-1]
    assert panels == sorted(
        y for y in range(last, last - 30, -5) if y in years and y >= ctx.options.start_year
    )
    axes = {t.xaxis for t in _node_traces(fig.data)}
    assert len(axes) == len(panels)
    titles = [a.text for a in fig.layout.annotations]
    assert [int(t.split(":")[0]) for t in titles] == panels
    for trace in _node_traces(fig.data):  # every panel draws its own year only
        year = panels[(int(trace.xaxis[1:] or 1)) - 1]
        assert all(f" in {year}" in text for text in trace.text)


def test_bundled_small_multiples_step_back_from_2017(bundled):
    years = _years_with_ties(bundled)
    panels = network_maps.panel_years(years, 1987)
    assert panels[-1] == 2017
    assert set(panels) <= {1992, 1997, 2002, 2007, 2012, 2017}
    assert {1997, 2002, 2007, 2012, 2017} <= set(panels)


def test_an_actor_has_one_position_in_every_panel_and_frame(ctx):
    section = network_maps.build(ctx)
    panels = _figure(section, "network_maps_small_multiples").data
    frames = [t for f in _figure(section, "network_maps_animation").frames for t in f.data]
    seen = _positions([*panels, *frames])
    assert seen and all(len(places) == 1 for places in seen.values())
    # and it is the layout of the whole period
    layout = stable_layout(ctx.ties, ctx.options.seed)
    expected = {a: (x, y) for a, x, y in layout.iter_rows()}
    assert {a: next(iter(p)) for a, p in seen.items()} == {a: expected[a] for a in seen}


def test_layout_is_reproducible(ctx):
    first = network_maps.build(ctx)
    second = network_maps.build(ctx)
    for name in ("network_maps_small_multiples", "network_maps_animation"):
        a = next(b for b in first.blocks if isinstance(b, Figure) and b.name == name)
        b = next(b for b in second.blocks if isinstance(b, Figure) and b.name == name)
        assert a.data.equals(b.data)
        assert a.figure.to_json() == b.figure.to_json()
    assert stable_layout(ctx.ties, 1).equals(stable_layout(ctx.ties, 1))
    if ctx.ties.height > 3:
        assert not stable_layout(ctx.ties, 1).equals(stable_layout(ctx.ties, 2))


def test_layout_is_centred_in_the_unit_square():
    edges = pl.DataFrame({"source": ["a", "b", "c"], "target": ["b", "c", "a"]})
    layout = stable_layout(edges, 0, actors=["lonely"])
    assert layout["actor"].to_list() == ["a", "b", "c", "lonely"]
    assert layout.select(pl.max_horizontal(pl.col("x").abs(), pl.col("y").abs())).max().item() == 1
    assert stable_layout(edges.clear(), 0).height == 0


def test_animation_has_one_frame_per_year_with_ties(ctx):
    fig = _figure(network_maps.build(ctx), "network_maps_animation")
    years = [str(y) for y in _years_with_ties(ctx)]
    assert [f.name for f in fig.frames] == years
    steps = fig.layout.sliders[0].steps
    assert [s.label for s in steps] == years
    assert [list(s.args[0]) for s in steps] == [[y] for y in years]
    assert {b.label for b in fig.layout.updatemenus[0].buttons} == {"▶ Play", "❚❚ Pause"}
    sizes = {len(f.data) for f in fig.frames}
    assert len(sizes) == 1  # the same traces in every frame
    for frame in fig.frames:  # a frame draws that year's actors, all of them
        drawn = {a for t in _node_traces(frame.data) for a in t.ids}
        year = int(frame.name)
        tied = ctx.ties.filter(pl.col("year") == year)
        assert drawn == set(tied["source"]) | set(tied["target"])


def test_fixed_location_colours(ctx):
    colours = location_colours(ctx.study.region_colours())
    assert colours["Flanders"] == "#E8A600"
    assert colours["Wallonia"] == "#D7263D"
    assert colours["Brussels"] == "#1F5AA6"
    assert dict(ctx.colours) == colours
    groups = location_groups(ctx.actors, ctx.study.region_colours())
    groups = dict(groups.select("actor", "group").iter_rows())
    section = network_maps.build(ctx)
    fig = _figure(section, "network_maps_animation")
    traces = [*_figure(section, "network_maps_small_multiples").data,
              *[t for f in fig.frames for t in f.data]]  # fmt: skip
    regions_seen = set()
    for trace in _node_traces(traces):
        assert {groups[a] for a in trace.ids} == {trace.name}
        assert trace.marker.color == colours[trace.name]
        regions_seen.add(trace.name)
    assert {"Flanders", "Wallonia", "Brussels"} <= regions_seen
    legend = [t.name for t in fig.data if t.showlegend]
    assert legend == [g for g in colours if g in legend]  # fixed order
    assert {"Flanders", "Wallonia", "Brussels"} <= set(legend)


def test_hover_names_kind_location_and_degree(tiny):
    fig = _figure(network_maps.build(tiny), "network_maps_animation")
    frame = next(f for f in fig.frames if f.name == "2012")
    text = {a: t for tr in _node_traces(frame.data) for a, t in zip(tr.ids, tr.text, strict=True)}
    # 2012: d2 (2010: nbf1-wyeth), d3 (nbf2-pfizer), d4 (2008: nbf2-vc), d5 (nbf1-nbf3-roche)
    assert text["nbf1"] == "<b>Flemish NBF</b><br>panel firm · Flanders<br>3 partner(s) in 2012"
    fund = "<b>A &lt;b&gt;fund&lt;/b&gt;</b>"  # names are escaped
    assert text["vc"] == f"{fund}<br>financier · JP (Asia-Pacific)<br>1 partner(s) in 2012"


def test_capping_says_so(tiny):
    section = network_maps.network_maps(tiny, max_actors=3)
    notes = [b.text for b in section.blocks if isinstance(b, Text)]
    assert any("at most 3 actors" in n for n in notes)
    fig = _figure(section, "network_maps_animation")
    for frame in fig.frames:
        assert sum(len(t.ids) for t in _node_traces(frame.data)) <= 3
    uncapped = network_maps.build(tiny)
    assert not any("at most" in b.text for b in uncapped.blocks if isinstance(b, Text))


def test_no_ties_gives_a_text(tiny_study):
    section = network_maps.build(build_context(tiny_study, start=1950, end=1960))
    assert [type(b) for b in section.blocks] == [Text]


# ---------------------------------------------------------------- big pharma x panel matrix


def test_matrix_counts_by_owner_at_the_deal_date(tiny):
    deals = partners.big_pharma_panel_deals(tiny)
    got = {
        (r["big_pharma"], r["firm"]): (r["deals"], r["years"]) for r in deals.iter_rows(named=True)
    }
    assert got == {
        ("Wyeth", "Flemish NBF"): (1, "2005"),  # before Pfizer bought Wyeth in 2009
        ("Pfizer", "Flemish NBF"): (1, "2010"),  # Wyeth's deal, now Pfizer's
        ("Pfizer", "Walloon NBF"): (1, "2011"),
        ("Roche", "Flemish NBF"): (1, "2012"),  # d7 (1995) is before the period
        ("Roche", "Brussels NBF"): (1, "2012"),
    }  # fmt: skip


def test_matrix_figure_and_table(tiny):
    section = partners.build(tiny)
    heat = _figure(section, "big_pharma_panel_matrix").data[0]
    assert heat.type == "heatmap"
    cells = {
        (y, x): z
        for y, row in zip(heat.y, heat.z, strict=True)
        for x, z in zip(heat.x, row, strict=True)
        if z is not None
    }
    assert cells == {
        ("Pfizer", "Flemish NBF"): 1, ("Pfizer", "Walloon NBF"): 1, ("Wyeth", "Flemish NBF"): 1,
        ("Roche", "Flemish NBF"): 1, ("Roche", "Brussels NBF"): 1,
    }  # fmt: skip
    assert list(heat.y[:2]) == ["Pfizer", "Roche"]  # most deals first
    table = next(b for b in section.blocks if isinstance(b, Table) and "big_pharma" in b.name)
    assert table.data["deals"].sum() == 5
    # what partners.py showed before is still there
    names = {b.name for b in section.blocks if isinstance(b, Figure | Table)}
    assert {"rank_trajectories", "preferred_partner_ranking", "top_k_persistence"} <= names


def test_bundled_matrix_uses_lineage(bundled):
    deals = partners.big_pharma_panel_deals(bundled)
    assert deals.height and deals["deals"].min() >= 1
    assert set(deals["big_pharma_id"]) <= set(bundled.network.big_pharma)
    assert set(deals["firm_id"]) <= set(bundled.firms)
    # a group's row never holds a deal signed before the group owned the partner
    wyeth = deals.filter(pl.col("big_pharma_id") == "wyeth")["years"].to_list()
    assert all(int(y) < 2009 for ys in wyeth for y in ys.split(", "))


def test_figure_data_is_written_as_csv(tiny, tmp_path: Path):
    sections = [network_maps.build(tiny), partners.build(tiny)]
    write_report(sections, tiny.options, tmp_path / "r.html", tmp_path / "data")
    written = {p.name for p in (tmp_path / "data").iterdir()}
    expected = {"network_maps_small_multiples.csv", "network_maps_animation.csv",
                "big_pharma_panel_matrix.csv", "big_pharma_panel_matrix_table.csv",
                "partner_ranking_stability.csv", "partner_ranking_agreement.csv"}  # fmt: skip
    assert expected <= written
    nodes = pl.read_csv(tmp_path / "data" / "network_maps_animation.csv")
    assert {"year", "actor", "name", "location", "degree", "x", "y"} <= set(nodes.columns)
