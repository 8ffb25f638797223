"""Continents (the one definition of "Europe") and the shapes of country and subdivision
codes."""

from __future__ import annotations

import pytest

from bioris.domain.geography import (
    CONTINENTS,
    continent,
    is_country_code,
    is_subdivision_code,
    subdivision_country,
)


@pytest.mark.parametrize(
    ("country", "group"),
    [
        ("BE", "Europe"), ("dk", "Europe"), ("SE", "Europe"), ("CH", "Europe"),
        ("GB", "Europe"), ("NO", "Europe"), ("EU", "Europe"), ("XK", "Europe"),
        ("US", "North America"), ("CA", "North America"), ("BR", "Latin America"),
        ("JP", "Asia-Pacific"), ("AU", "Asia-Pacific"), ("IL", "Middle East and Africa"),
        ("TR", "Middle East and Africa"),  # Western Asia, as UN M49 has it
        ("ZZ", "Rest of the world"), (None, "Unknown"), ("", "Unknown"),
    ],
)  # fmt: skip
def test_continent(country, group):
    assert continent(country) == group


def test_the_continent_table():
    # every code is two capitals and in one group only (a dict cannot say otherwise, so
    # check the source lists do not repeat a code)
    assert all(len(code) == 2 and code.isupper() for code in CONTINENTS)
    from bioris.domain import geography

    listed = [c for codes in geography._CONTINENT_CODES.values() for c in codes.split()]
    assert len(listed) == len(set(listed)) == len(CONTINENTS)


@pytest.mark.parametrize(
    ("text", "country", "subdivision", "of"),
    [
        ("DK", True, False, None),
        (" se ", True, False, None),
        ("DK-84", False, True, "DK"),
        ("se-m", False, True, "SE"),
        ("DE-BY", False, True, "DE"),
        ("BE-VLG", False, True, "BE"),
        ("BE2", False, False, None),  # NUTS, not ISO 3166-2
        ("DNK", False, False, None),
        ("DK-8400", False, False, None),
        ("Medicon Valley", False, False, None),
    ],
)
def test_code_shapes(text, country, subdivision, of):
    assert is_country_code(text) is country
    assert is_subdivision_code(text) is subdivision
    assert subdivision_country(text) == of
