"""The study definition: the choices that decide every result, declared once and stored.

A study says which regions it compares (and which of them are its focus), which actors are its
panel of focal firms, which deal types make which layer of ties (an acquisition is not an R&D
alliance), the period and the tie lifetime. ``bioris study load study.toml`` reads one
(:mod:`bioris.ingest.study_file`), the store keeps it, and every command, the report and the
web view read it back, so one store gives the same numbers everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bioris.domain.geography import UNKNOWN, subdivision_country
from bioris.domain.vocab import ActorKind, DealType

__all__ = [
    "ALLIANCE_LAYER",
    "DEFAULT_LAYERS",
    "DEFAULT_WINDOW_YEARS",
    "REGION_PALETTE",
    "Panel",
    "Region",
    "StudyDefinition",
]

#: the layer the alliance network, preferred partners, brokerage and business models use
ALLIANCE_LAYER = "alliance"
#: deal types grouped into layers of ties, when a study declares none
DEFAULT_LAYERS: dict[str, tuple[str, ...]] = {
    ALLIANCE_LAYER: (
        "licensing_out", "licensing_in", "research_collaboration", "co_development", "option",
        "joint_venture", "commercialisation", "platform_service",
    ),
    "ma": ("acquisition",),
    "financing": ("equity_investment",),
    "public": ("grant",),
}  # fmt: skip
DEFAULT_WINDOW_YEARS = 5
#: colours given, in order, to the declared regions that name none (colour-blind safe)
REGION_PALETTE = ("#1F5AA6", "#D7263D", "#E8A600", "#2A9D8F", "#7B2CBF", "#8C564B")


_EXACT = 1_000  # an exact code match scores above any prefix


def _fold(text: str) -> str:
    return text.strip().casefold()


# what a NUTS code looks like (two letters, then one to three letters or digits): only such a
# value is matched by a coarser NUTS code's prefix, so that a code never swallows a name
# ("DEA", North Rhine-Westphalia, must not place "Deacon")
_NUTS = re.compile(r"^[a-z]{2}[a-z0-9]{1,3}$")


@dataclass(frozen=True, slots=True)
class Region:
    """A declared region: actors whose ``region`` is its name or one of its ``codes`` are in it.

    ``countries`` are ISO 3166-1 alpha-2 codes (a cross-border region has several, the first is
    the main one); ``codes`` are ISO 3166-2 (``DK-84``) or NUTS (``DK01``, which also matches
    ``DK011``) codes; ``focal`` regions are the ones the study compares.
    """

    name: str
    countries: tuple[str, ...]
    codes: tuple[str, ...] = ()
    colour: str | None = None
    focal: bool = True

    def matches(self, value: str) -> bool:
        """Whether an actor's ``region`` value places it here (case ignored)."""
        return _fold(value) == _fold(self.name) or self.code_match(value) > 0

    def code_match(self, value: str) -> int:
        """How closely ``value`` matches one of the codes: 0 not at all, else the length of
        the matching code, and more than any prefix for an exact match (so that ``DE21``
        declared for Munich wins over ``DE2`` declared for Bavaria)."""
        key = _fold(value)
        best = 0
        for code in self.codes:
            folded = _fold(code)
            if key == folded:
                return _EXACT
            if "-" not in folded and key.startswith(folded) and _NUTS.match(key):
                best = max(best, len(folded))
        return best


@dataclass(frozen=True, slots=True)
class Panel:
    """Which actors are the study's focal firms (every "NBF" figure means the panel).

    An actor is in the panel when its kind is one of ``kinds``, it is placed in one of
    ``regions`` (the focal regions when ``None``; anywhere when no region is declared), it
    matches one of ``categories`` of the subsector taxonomy (any, when empty) and none of
    ``exclude_categories``; ``include`` and ``exclude`` (names or ids) override all of that.
    A firm leaves the panel after its exit year (acquisition, merger or closure).
    """

    kinds: tuple[str, ...] = (ActorKind.NBF.value,)
    regions: tuple[str, ...] | None = None
    categories: tuple[str, ...] = ()
    exclude_categories: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StudyDefinition:
    """A whole study: name, period, tie lifetime, regions, panel and layers.

    ``period`` ``None`` means the years of the data (first to last signing year).
    ``layers`` maps a layer name to its deal types; ``network_layers`` are the layers the
    alliance network uses unless a command asks for others.
    """

    name: str
    period: tuple[int, int] | None = None
    window: int = DEFAULT_WINDOW_YEARS
    regions: tuple[Region, ...] = ()
    panel: Panel = field(default_factory=Panel)
    layers: tuple[tuple[str, tuple[str, ...]], ...] = tuple(DEFAULT_LAYERS.items())
    network_layers: tuple[str, ...] = (ALLIANCE_LAYER,)
    description: str = ""

    # -- regions -----------------------------------------------------------------------------

    @property
    def focal_regions(self) -> tuple[str, ...]:
        """Names of the focal regions, in declaration order."""
        return tuple(r.name for r in self.regions if r.focal)

    def region(self, name: str) -> Region | None:
        """The declared region called ``name`` (case ignored)."""
        key = _fold(name)
        return next((r for r in self.regions if _fold(r.name) == key), None)

    def place(self, region: str | None, country: str | None = None) -> str | None:
        """The declared region an actor's ``region`` value (and ``country``) places it in,
        else ``None``.

        A region's name wins over its codes; an exact code over a code's finer codes (NUTS),
        the longest matching code over shorter ones, and among equals the first declared
        region. An actor whose region matches nothing is placed by its ``country`` when a
        region lists that country code among its codes (a region covering a whole country).
        """
        if region:
            for declared in self.regions:
                if _fold(declared.name) == _fold(region):
                    return declared.name
            found = self._best_code(region)
            if found is not None:
                return found
        return self._best_code(country) if country else None

    def _best_code(self, value: str) -> str | None:
        scored = [(r.code_match(value), -i, r.name) for i, r in enumerate(self.regions)]
        best = max(scored, default=(0, 0, None))
        return best[2] if best[0] > 0 else None

    def location(self, region: str | None, country: str | None) -> str:
        """Where an actor is for every comparison: its declared region, else its country,
        else ``unknown``."""
        return self.place(region, country) or (country.upper() if country else UNKNOWN)

    def country_of(self, region: str | None, country: str | None) -> str | None:
        """The actor's country: its own, else the country of an ISO 3166-2 ``region`` code
        (``DK-84`` -> ``DK``, as the importer reads it), else that of its declared region
        when the region lies in one country."""
        if country:
            return country.upper()
        if region and subdivision_country(region):
            return subdivision_country(region)
        placed = self.region(self.place(region) or "")  # by its region: no country to go by
        if placed is not None and len(placed.countries) == 1:
            return placed.countries[0]
        return None

    def home_countries(self, location: str) -> tuple[str, ...]:
        """The countries of a location: a declared region's countries, or the country."""
        placed = self.region(location)
        return placed.countries if placed is not None else (location,)

    def region_colours(self) -> dict[str, str]:
        """A fixed colour per declared region (its own, else the next of the palette)."""
        colours: dict[str, str] = {}
        taken = {r.colour.upper() for r in self.regions if r.colour}  # #1f5aa6 is #1F5AA6
        spare = iter(c for c in REGION_PALETTE if c.upper() not in taken)
        for region in self.regions:
            colours[region.name] = region.colour or next(spare, "#5E6B78")
        return colours

    # -- layers ------------------------------------------------------------------------------

    @property
    def layer_names(self) -> tuple[str, ...]:
        """The declared layers, in order."""
        return tuple(name for name, _ in self.layers)

    def deal_types(self, layers: Iterable[str] | None = None) -> tuple[str, ...]:
        """The deal types of ``layers`` (the network layers when ``None``), sorted."""
        wanted = {_fold(n) for n in (self.network_layers if layers is None else layers)}
        found = {t for name, types in self.layers if _fold(name) in wanted for t in types}
        return tuple(sorted(found))

    def layer_of(self, deal_type: str) -> str | None:
        """The layer a deal type belongs to, or ``None``."""
        return next((name for name, types in self.layers if deal_type in types), None)

    # -- serialisation -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (what the store keeps and ``study show --json`` prints)."""
        return {
            "name": self.name,
            "description": self.description,
            "period": list(self.period) if self.period else None,
            "window": self.window,
            "regions": [
                {
                    "name": r.name,
                    "countries": list(r.countries),
                    "codes": list(r.codes),
                    "colour": r.colour,
                    "focal": r.focal,
                }
                for r in self.regions
            ],
            "panel": {
                "kinds": list(self.panel.kinds),
                "regions": None if self.panel.regions is None else list(self.panel.regions),
                "categories": list(self.panel.categories),
                "exclude_categories": list(self.panel.exclude_categories),
                "include": list(self.panel.include),
                "exclude": list(self.panel.exclude),
            },
            "layers": {name: list(types) for name, types in self.layers},
            "network_layers": list(self.network_layers),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StudyDefinition:
        """The inverse of :meth:`to_dict` (the data were validated when the study was loaded)."""
        panel = data.get("panel") or {}
        period = data.get("period")
        return cls(
            name=str(data["name"]),
            description=str(data.get("description") or ""),
            period=(int(period[0]), int(period[1])) if period else None,
            window=int(data.get("window") or DEFAULT_WINDOW_YEARS),
            regions=tuple(
                Region(
                    name=r["name"],
                    countries=tuple(r.get("countries") or ()),
                    codes=tuple(r.get("codes") or ()),
                    colour=r.get("colour"),
                    focal=bool(r.get("focal", True)),
                )
                for r in data.get("regions") or ()
            ),
            panel=Panel(
                kinds=tuple(panel.get("kinds") or (ActorKind.NBF.value,)),
                regions=None if panel.get("regions") is None else tuple(panel["regions"]),
                categories=tuple(panel.get("categories") or ()),
                exclude_categories=tuple(panel.get("exclude_categories") or ()),
                include=tuple(panel.get("include") or ()),
                exclude=tuple(panel.get("exclude") or ()),
            ),
            layers=tuple(
                (name, tuple(types))
                for name, types in (data.get("layers") or DEFAULT_LAYERS).items()
            ),
            network_layers=tuple(data.get("network_layers") or (ALLIANCE_LAYER,)),
        )


#: every deal type, for checking layers
DEAL_TYPES = tuple(d.value for d in DealType)
