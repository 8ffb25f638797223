"""The study definition: placing actors in declared regions (one rule), countries, colours,
layers, and the dict round trip the store keeps. Expected values are worked out by hand from
the rule in :mod:`bioris.domain.study`'s docstrings."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bioris.domain import DEFAULT_LAYERS, ActorKind, DealType, Panel, Region, StudyDefinition
from bioris.domain.study import REGION_PALETTE

MEDICON = Region("Medicon Valley", ("DK", "SE"), ("DK-84", "SE-M"), "#1F5AA6")
STOCKHOLM = Region("Stockholm-Uppsala", ("SE",), ("SE-AB", "SE-C"), "#D7263D")
WEST = Region("West Sweden", ("SE",), ("SE-O",), focal=False)
NORDIC = StudyDefinition(name="Nordic", regions=(MEDICON, STOCKHOLM, WEST))

BELGIUM = StudyDefinition(
    name="Belgium",
    regions=(
        Region("Flanders", ("BE",), ("BE-VLG", "BE2")),
        Region("Wallonia", ("BE",), ("BE-WAL", "BE3")),
        Region("Brussels", ("BE",), ("BE-BRU", "BE1")),
    ),
)


@pytest.mark.parametrize(
    ("value", "placed"),
    [
        ("Medicon Valley", "Medicon Valley"),  # by name
        ("  medicon VALLEY ", "Medicon Valley"),  # case and spaces ignored
        ("DK-84", "Medicon Valley"),  # an ISO 3166-2 code of the cross-border region
        ("se-m", "Medicon Valley"),  # the Swedish side of it
        ("SE-AB", "Stockholm-Uppsala"),
        ("SE-O", "West Sweden"),  # a non-focal region still places
        ("SE-M1", None),  # an ISO 3166-2 code matches only itself
        ("SE-E", None),  # Östergötland: declared by no region
        ("Skåne", None),  # a name not declared
        ("DK", None),  # a country is not a region
        ("", None),
        (None, None),
    ],
)
def test_place_in_a_cross_border_study(value, placed):
    assert NORDIC.place(value) == placed


@pytest.mark.parametrize(
    ("value", "placed"),
    [
        ("BE2", "Flanders"),  # NUTS 1
        ("BE21", "Flanders"),  # NUTS 2 (Antwerp province) inside BE2
        ("be213", "Flanders"),  # NUTS 3 (Antwerp arrondissement), case ignored
        ("BE31", "Wallonia"),
        ("BE10", "Brussels"),
        ("BE-VLG", "Flanders"),
        ("BE-VLG1", None),  # a coarser ISO 3166-2 code is no prefix
        ("BE", None),  # the country only
        ("BE2 Antwerp", None),  # not a code: a NUTS prefix matches codes only
        ("Belgium", None),
    ],
)
def test_place_by_nuts_prefix(value, placed):
    assert BELGIUM.place(value) == placed


def test_a_nuts_code_never_swallows_a_name():
    # "DEA" is the NUTS code of North Rhine-Westphalia; "Deacon" is a name, not a finer code
    study = StudyDefinition(name="t", regions=(Region("NRW", ("DE",), ("DEA",)),))
    assert study.place("DEA23") == "NRW"  # Cologne (NUTS 3)
    assert study.place("Deacon") is None
    assert study.place("dea") == "NRW"


def test_a_name_wins_over_a_code_and_the_first_code_wins():
    # "DK011" is the name of the second region and, by NUTS prefix, a code of the first
    study = StudyDefinition(
        name="t",
        regions=(
            Region("Copenhagen metro", ("DK",), ("DK01",)),
            Region("DK011", ("DK",)),
            Region("Hovedstaden", ("DK",), ("DK01", "DK-84")),
        ),
    )
    assert study.place("DK011") == "DK011"  # name over code
    assert study.place("DK012") == "Copenhagen metro"  # two code matches: the first declared
    assert study.place("DK-84") == "Hovedstaden"
    # the same rule as Region.matches: every region whose name or code it is
    assert [r.name for r in study.regions if r.matches("DK011")] == [
        "Copenhagen metro", "DK011", "Hovedstaden"]  # fmt: skip


@pytest.mark.parametrize(
    ("region", "country", "location", "country_of"),
    [
        ("DK-84", None, "Medicon Valley", "DK"),  # the code names its country
        ("SE-M", None, "Medicon Valley", "SE"),
        ("Medicon Valley", None, "Medicon Valley", None),  # by name: DK or SE, not known
        ("Medicon Valley", "dk", "Medicon Valley", "DK"),  # its own country first
        ("Stockholm-Uppsala", None, "Stockholm-Uppsala", "SE"),  # a one-country region
        ("SE-E", None, "SE", "SE"),  # an undeclared code: placed by the code's country
        ("Skåne", "SE", "SE", "SE"),  # an undeclared name: placed by country
        (None, "us", "US", "US"),
        ("Somewhere", None, "unknown", None),
        (None, None, "unknown", None),
    ],
)
def test_location_and_country_of(region, country, location, country_of):
    assert NORDIC.country_of(region, country) == country_of
    assert NORDIC.location(region, NORDIC.country_of(region, country)) == location


def test_home_countries_and_focal_regions():
    assert NORDIC.home_countries("Medicon Valley") == ("DK", "SE")
    assert NORDIC.home_countries("medicon valley") == ("DK", "SE")
    assert NORDIC.home_countries("Stockholm-Uppsala") == ("SE",)
    assert NORDIC.home_countries("US") == ("US",)  # a location that is a country
    assert NORDIC.focal_regions == ("Medicon Valley", "Stockholm-Uppsala")
    assert NORDIC.region("west sweden") is WEST and NORDIC.region("Skåne") is None


def test_region_colours():
    # declared colours are kept; the others take the palette in order, skipping the taken
    # ones (case ignored: #1f5aa6 is the palette's first colour)
    study = StudyDefinition(
        name="t",
        regions=(
            Region("A", ("DK",), colour="#1f5aa6"),
            Region("B", ("DK",)),
            Region("C", ("DK",), colour="#000000"),
            Region("D", ("DK",)),
        ),
    )
    assert study.region_colours() == {
        "A": "#1f5aa6", "B": REGION_PALETTE[1], "C": "#000000", "D": REGION_PALETTE[2]}  # fmt: skip
    assert NORDIC.region_colours() == {
        "Medicon Valley": "#1F5AA6", "Stockholm-Uppsala": "#D7263D",
        "West Sweden": REGION_PALETTE[2]}  # fmt: skip
    # more regions than colours: every region still gets one
    many = StudyDefinition(name="t", regions=tuple(Region(f"R{i}", ("DK",)) for i in range(9)))
    assert len(many.region_colours()) == 9 and all(many.region_colours().values())
    assert StudyDefinition(name="t").region_colours() == {}


def test_deal_types_and_layer_of():
    default = StudyDefinition(name="t")
    assert default.network_layers == ("alliance",)
    assert default.deal_types() == tuple(sorted(DEFAULT_LAYERS["alliance"]))
    assert not {"acquisition", "equity_investment", "grant"} & set(default.deal_types())
    assert default.deal_types(["ma", "Financing"]) == ("acquisition", "equity_investment")
    assert default.deal_types(["nothing"]) == ()
    assert default.layer_of("acquisition") == "ma"
    assert default.layer_of("grant") == "public"
    assert default.layer_of("licensing_in") == "alliance"
    assert default.layer_of("unknown_type") is None
    # every deal type is in one default layer
    assert {default.layer_of(d.value) for d in DealType} <= set(default.layer_names)
    custom = StudyDefinition(
        name="t",
        layers=(("rd", ("research_collaboration",)), ("money", ("grant", "equity_investment"))),
        network_layers=("rd", "money"),
    )
    assert custom.deal_types() == ("equity_investment", "grant", "research_collaboration")
    assert custom.layer_of("licensing_out") is None
    assert custom.layer_names == ("rd", "money")


# --- the round trip through a dict (and JSON, as the store keeps it) ------------------------

_names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
    max_size=12,
).map(str.strip).filter(bool)  # fmt: skip
_countries = st.sampled_from(["DK", "SE", "BE", "DE", "US", "NO"])
_codes = st.sampled_from(["DK-84", "SE-M", "SE-AB", "BE2", "BE21", "DEA", "DE-BY"])
_regions = st.lists(
    st.builds(
        Region,
        name=_names,
        countries=st.lists(_countries, min_size=1, max_size=2, unique=True).map(tuple),
        codes=st.lists(_codes, max_size=3, unique=True).map(tuple),
        colour=st.one_of(st.none(), st.sampled_from(["#1F5AA6", "#abcdef"])),
        focal=st.booleans(),
    ),
    max_size=4,
    unique_by=lambda r: r.name.casefold(),
).map(tuple)
_deal_types = [d.value for d in DealType]


@st.composite
def _layers(draw) -> tuple[tuple[str, tuple[str, ...]], ...]:
    names = draw(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True), min_size=1,
                          max_size=3, unique=True))  # fmt: skip
    types = draw(st.permutations(_deal_types))
    cuts = sorted(draw(st.lists(st.integers(0, len(types)), min_size=len(names) - 1,
                                max_size=len(names) - 1)))  # fmt: skip
    bounds = [0, *cuts, len(types)]
    return tuple((n, tuple(types[bounds[i] : bounds[i + 1]])) for i, n in enumerate(names))


@st.composite
def studies(draw) -> StudyDefinition:
    regions = draw(_regions)
    layers = draw(_layers())
    names = [r.name for r in regions]
    chosen = st.lists(st.sampled_from(names), unique=True) if names else st.just([])
    kinds = st.lists(st.sampled_from([k.value for k in ActorKind]), min_size=1, max_size=3,
                     unique=True)  # fmt: skip
    panel = Panel(
        kinds=tuple(draw(kinds)),
        regions=draw(st.one_of(st.none(), chosen.map(tuple))),
        categories=tuple(draw(st.lists(_names, max_size=2))),
        exclude_categories=tuple(draw(st.lists(_names, max_size=2))),
        include=tuple(draw(st.lists(_names, max_size=2))),
        exclude=tuple(draw(st.lists(_names, max_size=2))),
    )
    first = draw(st.integers(1950, 2050))
    period = draw(st.one_of(st.none(), st.integers(0, 40).map(lambda n: (first, first + n))))
    network = st.lists(st.sampled_from([n for n, _ in layers]), min_size=1, unique=True)
    return StudyDefinition(
        name=draw(_names),
        description=draw(st.text(max_size=30)),
        period=period,
        window=draw(st.integers(1, 50)),
        regions=regions,
        panel=panel,
        layers=layers,
        network_layers=tuple(draw(network)),
    )


@settings(max_examples=100, deadline=None)
@given(studies())
def test_to_dict_from_dict_round_trip(study):
    data = study.to_dict()
    assert StudyDefinition.from_dict(data) == study
    # through JSON too (what the store keeps), and the dict is JSON-safe
    assert StudyDefinition.from_dict(json.loads(json.dumps(data))) == study
    assert StudyDefinition.from_dict(data).to_dict() == data


def test_from_dict_defaults():
    study = StudyDefinition.from_dict({"name": "bare"})
    assert study == StudyDefinition(name="bare")
    assert study.panel == Panel() and study.layers == tuple(DEFAULT_LAYERS.items())


def test_an_exact_code_wins_over_a_coarser_code_of_an_earlier_region():
    # hand-worked: Bavaria is declared first with the NUTS 1 code DE2, Munich after it with
    # the NUTS 2 code DE21 (Oberbayern); the longest matching code decides, whatever the order
    study = StudyDefinition(
        name="Bavaria",
        regions=(
            Region("Bavaria", ("DE",), ("DE2", "DE-BY")),
            Region("Munich", ("DE",), ("DE21",)),
        ),
    )
    assert study.place("DE21") == "Munich"
    assert study.place("DE212") == "Munich"  # a NUTS 3 code of Oberbayern
    assert study.place("DE22") == "Bavaria"  # Niederbayern
    assert study.place("DE-BY") == "Bavaria"
    assert study.place("Munich") == "Munich"


def test_a_region_covering_a_whole_country_places_its_actors_by_country():
    study = StudyDefinition(
        name="Denmark",
        regions=(Region("Denmark", ("DK",), ("DK",)), Region("Skåne", ("SE",), ("SE-M",))),
    )
    assert study.place(None, "DK") == "Denmark"
    assert study.place("DK-84", "DK") == "Denmark"  # no region names DK-84: the country does
    assert study.place("SE-M", "SE") == "Skåne"
    assert study.place(None, "SE") is None
    assert study.location(None, "dk") == "Denmark"


def test_only_iso_3166_codes_are_countries():
    from bioris.domain.geography import country_problem, is_country_code

    assert is_country_code("dk") and is_country_code("EU") and is_country_code("XK")
    assert not is_country_code("UK") and not is_country_code("XX") and not is_country_code("DNK")
    assert "GB" in country_problem("UK") and "GR" in country_problem("el")
