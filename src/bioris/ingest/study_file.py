"""A study file (TOML) -> a validated :class:`~bioris.domain.study.StudyDefinition`.

Every problem is reported as ``FILE:LINE:COLUMN: message`` (the line of the key at fault) and
all problems are raised together in one :class:`~bioris.errors.ValidationError`; nothing is
stored unless the whole file is valid. The format, with an example, is in ``docs/study.md``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bioris.domain import ActorKind, DealType
from bioris.domain.geography import country_problem, is_country_code
from bioris.domain.study import (
    ALLIANCE_LAYER,
    DEFAULT_LAYERS,
    DEFAULT_WINDOW_YEARS,
    Panel,
    Region,
    StudyDefinition,
)
from bioris.errors import BiorisError, RowError, ValidationError

__all__ = ["load_study_file", "parse_study"]

_TOP_KEYS = {"name", "description", "period", "window", "region", "panel", "layers",
             "network_layers"}  # fmt: skip
_REGION_KEYS = {"name", "country", "codes", "colour", "focal"}
_PANEL_KEYS = {"kinds", "regions", "categories", "exclude_categories", "include", "exclude"}
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_LAYER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# a country (NUTS 0: the whole country), an ISO 3166-2 code, or a NUTS 1-3 code
_CODE = re.compile(r"^[A-Za-z]{2}(-[A-Za-z0-9]{1,3}|[A-Za-z0-9]{1,3})?$")
_YEARS = (1900, 2100)
_KEY_LINE = re.compile(r"^\s*(?P<key>[A-Za-z0-9_\-\"']+)\s*=")
_HEADER = re.compile(r"^\s*(?P<open>\[\[?)\s*(?P<name>[A-Za-z0-9_.\-]+)\s*\]\]?")

_NOTHING_STORED = "nothing was stored"

Where = tuple[Any, ...]
#: a function that says whether a name denotes an actor (and, if not, what is wrong)
NameCheck = Callable[[str], str | None]


def load_study_file(
    path: str | Path,
    *,
    categories: Collection[str] = (),
    check_name: NameCheck | None = None,
) -> tuple[StudyDefinition, str]:
    """Read and validate a study file; return the definition and the file's text.

    Parameters
    ----------
    path : path
        A UTF-8 TOML file.
    categories : collection of str
        The subsector taxonomy's categories (``panel.categories`` must name them).
    check_name : callable, optional
        Resolves a ``panel.include``/``exclude`` name against the store's actors; returns
        ``None`` when it names one actor, else the problem (with suggestions).

    Raises
    ------
    ValidationError
        Every problem, located as ``FILE:LINE:COLUMN``.
    BiorisError
        When the file cannot be read.
    """
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BiorisError(f"{file}: cannot read the study file ({exc})") from None
    return parse_study(text, file, categories=categories, check_name=check_name), text


def parse_study(
    text: str,
    file: str = "<study>",
    *,
    categories: Collection[str] = (),
    check_name: NameCheck | None = None,
) -> StudyDefinition:
    """Validate the TOML ``text`` of a study file (see :func:`load_study_file`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = _decode_position(str(exc))
        problem = RowError(file, line, column, f"not valid TOML: {exc}")
        raise ValidationError([problem], outcome=_NOTHING_STORED) from None
    checker = _Checker(file, _key_lines(text), categories, check_name)
    study = checker.study(data)
    if checker.errors:
        raise ValidationError(checker.errors, outcome=_NOTHING_STORED)
    assert study is not None
    return study


def _vocabulary_key(text: str) -> str:
    return text.strip().casefold().replace("-", "_").replace(" ", "_")


def _decode_position(message: str) -> tuple[int, int]:
    found = re.search(r"line (\d+), column (\d+)", message)
    return (int(found.group(1)), int(found.group(2))) if found else (1, 0)


def _key_lines(text: str) -> dict[Where, tuple[int, int]]:
    """Where each key is: ``(table, index, key)`` or ``(key,)`` -> (line, column).

    A small scanner, enough for error locations: TOML's standard parser keeps no positions.
    The lines inside a multi-line string are text, not keys or headers (a description may
    well have a line that starts ``window = 3`` or ``[[region]]``).
    """
    found: dict[Where, tuple[int, int]] = {}
    table: tuple[Any, ...] = ()
    arrays: dict[str, int] = {}
    quote: str | None = None  # the delimiter of the multi-line string we are in
    for number, line in enumerate(text.splitlines(), start=1):
        if quote is not None:
            if quote in line:
                quote = _opens_string(line[line.index(quote) + 3 :])
            continue
        quote = None if line.lstrip().startswith("#") else _opens_string(line)
        header = _HEADER.match(line)
        if header:
            name = header.group("name")
            if header.group("open") == "[[":
                arrays[name] = arrays.get(name, -1) + 1
                table = (name, arrays[name])
            else:
                table = (name,)
            found.setdefault(table, (number, line.index(name) + 1))
            continue
        key = _KEY_LINE.match(line)
        if key:
            name = key.group("key").strip("\"'")
            found.setdefault((*table, name), (number, line.index(key.group("key")) + 1))
    return found


def _opens_string(line: str) -> str | None:
    """The delimiter of a multi-line string that ``line`` opens and leaves open, if any."""
    while True:
        starts = [(line.find(q), q) for q in ('"""', "'''") if q in line]
        if not starts:
            return None
        at, quote = min(starts)
        rest = line[at + 3 :]
        if quote not in rest:
            return quote
        line = rest[rest.index(quote) + 3 :]


@dataclass
class _Checker:
    file: str
    lines: dict[Where, tuple[int, int]]
    categories: Collection[str]
    check_name: NameCheck | None
    errors: list[RowError] = field(default_factory=list)
    # every region name the file declares, valid region or not: [panel] may name a region
    # whose own keys are wrong without a second error that says it is not declared
    declared: list[str] = field(default_factory=list)

    def error(self, where: Where, message: str) -> None:
        line, column = self._locate(where)
        name = ".".join(str(p) for p in where if not isinstance(p, int))
        self.errors.append(RowError(self.file, line, column, message, name))

    def _locate(self, where: Where) -> tuple[int, int]:
        for end in range(len(where), 0, -1):  # the key, else its table, else the file
            if where[:end] in self.lines:
                return self.lines[where[:end]]
        return 1, 0

    # -- values ------------------------------------------------------------------------------

    def _text(self, value: Any, where: Where, *, required: bool = False) -> str | None:
        if value is None:
            if required:
                self.error(where, f"{where[-1]} is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(where, f"{where[-1]} must be non-empty text, not {value!r}")
            return None
        return value.strip()

    def _texts(self, value: Any, where: Where) -> tuple[str, ...]:
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
            self.error(where, f"{where[-1]} must be a list of non-empty texts, not {value!r}")
            return ()
        return tuple(v.strip() for v in items)

    def _unknown_keys(self, table: dict[str, Any], known: set[str], where: Where) -> None:
        for key in table:
            if key not in known:
                self.error((*where, key), f"unknown key {key!r}; known: {', '.join(sorted(known))}")

    def _choices(
        self, values: tuple[str, ...], allowed: Collection[str], where: Where
    ) -> tuple[str, ...]:
        """The allowed value each of ``values`` names (case, ``-`` and spaces ignored, as the
        CLI's options are read); an error for each that names none."""
        by_key = {_vocabulary_key(a): a for a in allowed}
        found = []
        for value in values:
            canonical = by_key.get(_vocabulary_key(value))
            if canonical is None:
                self.error(where, f"{value!r} is not one of: {', '.join(sorted(allowed))}")
            else:
                found.append(canonical)
        return tuple(found)

    # -- the file ----------------------------------------------------------------------------

    def study(self, data: dict[str, Any]) -> StudyDefinition | None:
        self._unknown_keys(data, _TOP_KEYS, ())
        name = self._text(data.get("name"), ("name",), required=True)
        description = self._text(data.get("description"), ("description",)) or ""
        period = self._period(data.get("period"))
        window = self._window(data.get("window", DEFAULT_WINDOW_YEARS))
        regions = self._regions(data.get("region", []))
        panel = self._panel(data.get("panel", {}))
        layers = self._layers(data.get("layers"))
        network = self._texts(data.get("network_layers", [ALLIANCE_LAYER]), ("network_layers",))
        declared = [n for n, _ in layers]
        if "network_layers" not in data and ALLIANCE_LAYER not in declared:
            self.error(
                ("layers",),
                f"network_layers defaults to [{ALLIANCE_LAYER!r}], which [layers] does not "
                f"declare: name the network's layers with network_layers (one of "
                f"{', '.join(declared)})",
            )
        else:
            network = self._choices(network, declared, ("network_layers",))
        if not network and "network_layers" in data:
            self.error(("network_layers",), "network_layers must name at least one layer")
        if self.errors or name is None:
            return None
        return StudyDefinition(
            name=name, description=description, period=period, window=window,
            regions=regions, panel=panel, layers=layers, network_layers=network,
        )  # fmt: skip

    def _period(self, value: Any) -> tuple[int, int] | None:
        if value is None:
            return None
        where = ("period",)
        ok = isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)
        if not ok:
            self.error(where, f"period must be [first, last] years, not {value!r}")
            return None
        first, last = value
        low, high = _YEARS
        if not (low <= first <= last <= high):
            self.error(where, f"period {first}-{last} must run forward within {low}-{high}")
            return None
        return first, last

    def _window(self, value: Any) -> int:
        if type(value) is not int or not 1 <= value <= 50:
            self.error(("window",), f"window must be a whole number of years 1-50, not {value!r}")
            return DEFAULT_WINDOW_YEARS
        return value

    def _regions(self, value: Any) -> tuple[Region, ...]:
        if not isinstance(value, list):
            self.error(("region",), "region must be [[region]] tables")
            return ()
        regions: list[Region] = []
        seen: set[str] = set()
        for index, table in enumerate(value):
            region = self._region(table, ("region", index))
            if region is None:
                continue
            if region.name.casefold() in seen:
                self.error(("region", index, "name"), f"region {region.name!r} is declared twice")
                continue
            seen.add(region.name.casefold())
            regions.append(region)
        return tuple(regions)

    def _region(self, table: Any, where: Where) -> Region | None:
        if not isinstance(table, dict):
            self.error(where, "a [[region]] must be a table")
            return None
        self._unknown_keys(table, _REGION_KEYS, where)
        before = len(self.errors)
        name = self._text(table.get("name"), (*where, "name"), required=True)
        if name is not None:
            self.declared.append(name)
        countries = self._texts(table.get("country"), (*where, "country"))
        if not countries:
            self.error((*where, "country"), "country is required (ISO 3166-1 alpha-2, or a list)")
        for country in countries:
            if not is_country_code(country):
                self.error((*where, "country"), country_problem(country))
        codes = self._texts(table.get("codes"), (*where, "codes"))
        for code in codes:
            if len(code) == 2 and not is_country_code(code):
                self.error((*where, "codes"), country_problem(code))
            elif not _CODE.match(code):
                message = f"{code!r} is not an ISO 3166-1/3166-2 or NUTS code"
                self.error((*where, "codes"), message)
        colour = self._text(table.get("colour"), (*where, "colour"))
        if colour is not None and not _COLOUR.match(colour):
            self.error((*where, "colour"), f"colour must be #RRGGBB, not {colour!r}")
        focal = table.get("focal", True)
        if not isinstance(focal, bool):
            self.error((*where, "focal"), f"focal must be true or false, not {focal!r}")
        if len(self.errors) > before or name is None:
            return None
        return Region(name, tuple(c.upper() for c in countries), codes, colour, focal)

    def _panel(self, table: Any) -> Panel:
        where: Where = ("panel",)
        if not isinstance(table, dict):
            self.error(where, "panel must be a table")
            return Panel()
        self._unknown_keys(table, _PANEL_KEYS, where)
        given = self._texts(table.get("kinds", [ActorKind.NBF.value]), (*where, "kinds"))
        kinds = self._choices(given, [k.value for k in ActorKind], (*where, "kinds"))
        if not given:
            self.error((*where, "kinds"), "kinds must name at least one actor kind")
        chosen = None
        if "regions" in table:
            chosen = self._texts(table["regions"], (*where, "regions"))
            chosen = self._choices(chosen, dict.fromkeys(self.declared), (*where, "regions"))
            if not table["regions"]:
                message = "panel.regions is empty: name regions, or leave it out for the focal ones"
                self.error((*where, "regions"), message)
        cats = self._texts(table.get("categories"), (*where, "categories"))
        excluded = self._texts(table.get("exclude_categories"), (*where, "exclude_categories"))
        if self.categories:
            cats = self._choices(cats, self.categories, (*where, "categories"))
            excluded = self._choices(excluded, self.categories, (*where, "exclude_categories"))
        include = self._names(table.get("include"), (*where, "include"))
        exclude = self._names(table.get("exclude"), (*where, "exclude"))
        both = {n.casefold() for n in include} & {n.casefold() for n in exclude}
        if both:
            self.error((*where, "exclude"), f"{sorted(both)} are both included and excluded")
        return Panel(kinds, chosen, cats, excluded, include, exclude)

    def _names(self, value: Any, where: Where) -> tuple[str, ...]:
        names = self._texts(value, where)
        if self.check_name is not None:
            for name in names:
                problem = self.check_name(name)
                if problem:
                    self.error(where, problem)
        return names

    def _layers(self, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if value is None:
            return tuple(DEFAULT_LAYERS.items())
        where: Where = ("layers",)
        if not isinstance(value, dict) or not value:
            self.error(where, "[layers] must map layer names to lists of deal types")
            return tuple(DEFAULT_LAYERS.items())
        allowed = [d.value for d in DealType]
        owner: dict[str, str] = {}
        layers = []
        for name, types in value.items():
            key = (*where, name)
            if not _LAYER_NAME.match(name):
                self.error(key, f"layer name {name!r} must be lower-case letters, digits, _")
            deal_types = self._choices(self._texts(types, key), allowed, key)
            for deal_type in deal_types:
                if deal_type in owner:
                    self.error(key, f"{deal_type!r} is in layers {owner[deal_type]!r} and {name!r}")
                owner.setdefault(deal_type, name)
            layers.append((name, deal_types))
        return tuple(layers)
