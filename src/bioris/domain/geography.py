"""Where actors are: continents of countries, and how an actor is placed in a study's regions.

One rule, used everywhere (analytics, reports, the web view): an actor is placed in a declared
region when its ``region`` value is that region's name or one of its codes (ISO 3166-2 or
NUTS; a NUTS code also matches its finer codes), else it is placed by its country. The
continent table is the single definition of "Europe" (the UN M49 regions, with the European
Union's ``EU`` and Kosovo's ``XK``).
"""

from __future__ import annotations

import re

__all__ = [
    "CONTINENTS",
    "COUNTRY_SLIPS",
    "ISO_COUNTRIES",
    "UNKNOWN",
    "continent",
    "country_problem",
    "is_country_code",
    "is_subdivision_code",
    "subdivision_country",
]

#: the location of an actor with neither a placed region nor a country
UNKNOWN = "unknown"

# UN M49 geographic regions, grouped as the reports colour them. "EU" is the European Union's
# reserved code (the European Commission's country in data); Turkey and the Caucasus are in
# Western Asia, as M49 has them.
_CONTINENT_CODES = {
    "Europe": (
        "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES EU FI FO FR GB GG GI GR HR HU IE IM IS "
        "IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK"
    ),
    "North America": "BM CA GL PM US",
    "Latin America": (
        "AG AR BB BO BR BS BZ CL CO CR CU DM DO EC GD GT GY HN HT JM KN LC MX NI PA PE PR PY "
        "SR SV TT UY VC VE"
    ),
    "Asia-Pacific": (
        "AU BD BN BT CN FJ HK ID IN JP KH KR LA LK MM MN MO MV MY NP NZ PG PH PK SG TH TL TW VN"
    ),
    "Middle East and Africa": (
        "AE AM AZ BH DZ EG ET GE GH IL IQ IR JO KE KW LB LY MA NG OM QA SA SN SY TN TR TZ UG YE ZA"
    ),
}
#: country code -> continent group
CONTINENTS: dict[str, str] = {
    code: name for name, codes in _CONTINENT_CODES.items() for code in codes.split()
}

# ISO 3166-1 alpha-2 (the 249 officially assigned codes, as of 2025), and two codes in common
# use beside them: EU (exceptionally reserved: the European Union's bodies) and XK (Kosovo,
# user-assigned, as the European Commission and ISO's own users write it).
ISO_COUNTRIES = frozenset(
    [
        "AD",
        "AE",
        "AF",
        "AG",
        "AI",
        "AL",
        "AM",
        "AO",
        "AQ",
        "AR",
        "AS",
        "AT",
        "AU",
        "AW",
        "AX",
        "AZ",
        "BA",
        "BB",
        "BD",
        "BE",
        "BF",
        "BG",
        "BH",
        "BI",
        "BJ",
        "BL",
        "BM",
        "BN",
        "BO",
        "BQ",
        "BR",
        "BS",
        "BT",
        "BV",
        "BW",
        "BY",
        "BZ",
        "CA",
        "CC",
        "CD",
        "CF",
        "CG",
        "CH",
        "CI",
        "CK",
        "CL",
        "CM",
        "CN",
        "CO",
        "CR",
        "CU",
        "CV",
        "CW",
        "CX",
        "CY",
        "CZ",
        "DE",
        "DJ",
        "DK",
        "DM",
        "DO",
        "DZ",
        "EC",
        "EE",
        "EG",
        "EH",
        "ER",
        "ES",
        "ET",
        "FI",
        "FJ",
        "FK",
        "FM",
        "FO",
        "FR",
        "GA",
        "GB",
        "GD",
        "GE",
        "GF",
        "GG",
        "GH",
        "GI",
        "GL",
        "GM",
        "GN",
        "GP",
        "GQ",
        "GR",
        "GS",
        "GT",
        "GU",
        "GW",
        "GY",
        "HK",
        "HM",
        "HN",
        "HR",
        "HT",
        "HU",
        "ID",
        "IE",
        "IL",
        "IM",
        "IN",
        "IO",
        "IQ",
        "IR",
        "IS",
        "IT",
        "JE",
        "JM",
        "JO",
        "JP",
        "KE",
        "KG",
        "KH",
        "KI",
        "KM",
        "KN",
        "KP",
        "KR",
        "KW",
        "KY",
        "KZ",
        "LA",
        "LB",
        "LC",
        "LI",
        "LK",
        "LR",
        "LS",
        "LT",
        "LU",
        "LV",
        "LY",
        "MA",
        "MC",
        "MD",
        "ME",
        "MF",
        "MG",
        "MH",
        "MK",
        "ML",
        "MM",
        "MN",
        "MO",
        "MP",
        "MQ",
        "MR",
        "MS",
        "MT",
        "MU",
        "MV",
        "MW",
        "MX",
        "MY",
        "MZ",
        "NA",
        "NC",
        "NE",
        "NF",
        "NG",
        "NI",
        "NL",
        "NO",
        "NP",
        "NR",
        "NU",
        "NZ",
        "OM",
        "PA",
        "PE",
        "PF",
        "PG",
        "PH",
        "PK",
        "PL",
        "PM",
        "PN",
        "PR",
        "PS",
        "PT",
        "PW",
        "PY",
        "QA",
        "RE",
        "RO",
        "RS",
        "RU",
        "RW",
        "SA",
        "SB",
        "SC",
        "SD",
        "SE",
        "SG",
        "SH",
        "SI",
        "SJ",
        "SK",
        "SL",
        "SM",
        "SN",
        "SO",
        "SR",
        "SS",
        "ST",
        "SV",
        "SX",
        "SY",
        "SZ",
        "TC",
        "TD",
        "TF",
        "TG",
        "TH",
        "TJ",
        "TK",
        "TL",
        "TM",
        "TN",
        "TO",
        "TR",
        "TT",
        "TV",
        "TW",
        "TZ",
        "UA",
        "UG",
        "UM",
        "US",
        "UY",
        "UZ",
        "VA",
        "VC",
        "VE",
        "VG",
        "VI",
        "VN",
        "VU",
        "WF",
        "WS",
        "YE",
        "YT",
        "ZA",
        "ZM",
        "ZW",
    ]
) | {"EU", "XK"}
#: codes people write that ISO 3166-1 does not use, and the code they mean
COUNTRY_SLIPS = {"UK": "GB", "EL": "GR"}
_SUBDIVISION = re.compile(r"^([A-Za-z]{2})-[A-Za-z0-9]{1,3}$")


def continent(country: str | None) -> str:
    """The continent group of a country code (``Rest of the world`` when not listed,
    ``Unknown`` without a country)."""
    if not country:
        return "Unknown"
    return CONTINENTS.get(country.upper(), "Rest of the world")


def is_country_code(text: str) -> bool:
    """Whether ``text`` is an ISO 3166-1 alpha-2 code (case ignored), or EU or XK."""
    return text.strip().upper() in ISO_COUNTRIES


def country_problem(text: str) -> str:
    """Why ``text`` is not a country code, with the code it probably means (``UK``: ``GB``)."""
    meant = COUNTRY_SLIPS.get(text.strip().upper())
    hint = f"; ISO 3166-1 writes {meant}" if meant else ""
    return f"{text!r} is not an ISO 3166-1 alpha-2 code{hint}"


def is_subdivision_code(text: str) -> bool:
    """Whether ``text`` looks like an ISO 3166-2 code (``DK-84``, ``SE-M``, ``DE-BY``)."""
    return bool(_SUBDIVISION.match(text.strip()))


def subdivision_country(text: str) -> str | None:
    """The country of an ISO 3166-2 code (``DK-84`` -> ``DK``), else ``None``."""
    match = _SUBDIVISION.match(text.strip())
    return match.group(1).upper() if match else None
