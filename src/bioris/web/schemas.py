"""Response models of the JSON API: what ``/docs`` and ``/openapi.json`` document.

Every route answers with one of these models, or with :class:`ErrorOut` for an error. Names
and other text from the data are plain JSON strings; the app escapes ``<``, ``>`` and ``&``
inside them (``\\u003c`` ...), so no response body ever holds markup.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ActorOut",
    "ActorPage",
    "ActorProfile",
    "AllianceOut",
    "AlliancePage",
    "BusinessModelOut",
    "ErrorOut",
    "LineageOut",
    "MeasureOut",
    "MeasurePage",
    "MeasureRow",
    "MetaOut",
    "MetaSettings",
    "NetworkEdge",
    "NetworkNode",
    "NetworkOut",
    "PartnerCount",
    "PartnerRank",
    "PartnerRanking",
    "PartyOut",
    "RegionActors",
    "RegionInfrastructure",
    "RegionLink",
    "RegionScope",
    "RegionSpecialisation",
    "RegionSpinoffs",
    "RegionsOut",
]


class ErrorOut(BaseModel):
    """Every error: the HTTP status again and a one-line message."""

    status: int = Field(examples=[404])
    message: str = Field(examples=["no actor 'ghost'"])


class MetaSettings(BaseModel):
    """The limits a client should know before asking."""

    default_page_size: int
    max_page_size: int
    default_window: int


class MetaOut(BaseModel):
    """What the store holds and the vocabularies the filters accept."""

    dataset: str | None = Field(description="Name of the dataset the store was built from.")
    years: list[int] = Field(description="[first, last] signing year of the dated alliances.")
    kinds: list[str]
    deal_types: list[str]
    stages: list[str]
    regions: list[str] = Field(description="bioRegions, then country codes, found in the data.")
    counts: dict[str, int] = Field(description="Records per type.")
    settings: MetaSettings


class ActorOut(BaseModel):
    """One actor (organisation)."""

    actor_id: str = Field(description="Stable id, used in URLs.")
    name: str
    kind: str
    country: str | None
    bioregion: str | None
    city: str | None
    founded: int | None
    ipo_year: int | None
    exit: str | None
    aliases: list[str]
    source_urls: list[str]
    confidence: str


class ActorPage(BaseModel):
    """One page of actors."""

    items: list[ActorOut]
    page: int
    page_size: int
    total: int = Field(description="Actors matching the filters, over all pages.")


class PartyOut(BaseModel):
    """One party to a deal."""

    actor_id: str
    name: str
    role: str
    focal: bool


class AllianceOut(BaseModel):
    """One alliance (deal); values in EUR million, null when undisclosed."""

    alliance_id: str
    year: int | None
    date: str | None
    deal_type: str
    stage_at_signing: str
    asset: str | None
    therapeutic_area: str | None
    parties: list[PartyOut]
    upfront_eur: float | None
    milestones_eur: float | None
    equity_eur: float | None
    committed_eur: float = Field(description="Upfront plus equity (0 where unknown).")
    headline_eur: float = Field(description="Committed plus milestones (0 where unknown).")
    notes: str | None
    source_urls: list[str]
    confidence: str


class AlliancePage(BaseModel):
    """One page of alliances."""

    items: list[AllianceOut]
    page: int
    page_size: int
    total: int = Field(description="Alliances matching the filters, over all pages.")


class LineageOut(BaseModel):
    """A dated fact of the actor's lineage (names borne, parents, acquirer)."""

    relation: str
    target: str = Field(description="A former name, or the id of the parent or acquirer.")
    target_name: str | None = Field(description="The parent's or acquirer's name.")
    start_year: int | None
    end_year: int | None
    notes: str | None


class PartnerCount(BaseModel):
    """A partner of the actor and how many deals they share."""

    actor_id: str
    name: str
    deals: int


class MeasureOut(BaseModel):
    """Network position in one year (ties active for ``window`` years after signing)."""

    year: int
    degree: int = Field(description="Distinct partners (Freeman 1978).")
    betweenness: float | None = Field(description="Normalised betweenness (Freeman 1977).")
    eigenvector: float | None = Field(description="Unit-length eigenvector (Bonacich 1972).")
    constraint: float | None = Field(description="Burt's constraint (Burt 1992).")
    effective_size: float | None = Field(description="Burt's effective size.")
    coordinator: int = Field(description="Gould-Fernandez brokerage by location (1989).")
    itinerant: int
    gatekeeper: int
    representative: int
    liaison: int
    brokerage_total: int


class MeasureRow(MeasureOut):
    """One actor-year of the network measures."""

    actor_id: str
    name: str


class MeasurePage(BaseModel):
    """One page of actor-year measures."""

    items: list[MeasureRow]
    page: int
    page_size: int
    total: int


class BusinessModelOut(BaseModel):
    """The business-model labels of an NBF in one year (see the business-model rules)."""

    year: int
    product_model: str | None
    value_chain: str | None
    oi_mode: str | None
    portfolio_mix: str | None


class ActorProfile(ActorOut):
    """An actor with its lineage, deals, partners, network measures and business models."""

    lineage: list[LineageOut]
    deals: list[AllianceOut] = Field(description="Newest first, at most max_page_size.")
    deals_total: int = Field(description="All deals of the actor (deals may be capped).")
    partners: list[PartnerCount] = Field(description="Most shared deals first.")
    measures: list[MeasureOut] = Field(description="One row per year the actor has a tie.")
    business_models: list[BusinessModelOut] = Field(description="NBFs only; else empty.")


class NetworkNode(BaseModel):
    """An actor of the snapshot, placed where it sits in every year of the same filters."""

    id: str
    name: str
    kind: str
    location: str
    group: str = Field(
        description="Location group of the legend: a bioRegion, 'Belgium (no bioRegion)', "
        "a continent, 'Rest of the world' or 'Unknown'; each has one fixed colour."
    )
    colour: str = Field(description="Fixed colour of the actor's location group.")
    degree: int
    betweenness: float | None
    x: float = Field(
        description="Position in [-1, 1]; one scale for both axes, the same in every year "
        "and window of the same filters."
    )
    y: float = Field(description="Position in [-1, 1] (see x).")


class NetworkEdge(BaseModel):
    """A tie: the pair's alliances active in the year and their committed value."""

    source: str
    target: str
    alliances: int
    committed_eur: float


class NetworkOut(BaseModel):
    """The alliance network of one year."""

    year: int
    window: int
    years: list[int] = Field(description="Every year with ties for this window and filters.")
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


class PartnerRank(BaseModel):
    """One NBF of the preferred-partner ranking."""

    rank: int
    actor_id: str
    name: str
    bioregion: str | None
    big_pharma_partners: int
    distinct_partners: int
    target_alliances: int
    active_alliances: int
    repeat_partners: int


class PartnerRanking(BaseModel):
    """The NBFs most preferred as partners in one year, and the rule that ranks them."""

    rule: str
    items: list[PartnerRank]


class RegionActors(BaseModel):
    """Active actors of one kind per bioRegion in the last year."""

    model_config = ConfigDict(populate_by_name=True)

    kind: str
    brussels: int = Field(alias="Brussels")
    flanders: int = Field(alias="Flanders")
    wallonia: int = Field(alias="Wallonia")


class RegionSpecialisation(BaseModel):
    """Location quotient of a bioRegion in one subsector category, against Belgium."""

    year: int | None
    region: str
    category: str
    n_rc: int
    n_r: int
    n_c: int
    n: int
    share_region: float | None
    share_reference: float | None
    lq: float | None


class RegionScope(BaseModel):
    """Shares of a bioRegion's partner ties by geographic scope, over the period."""

    location: str
    ties: float
    intra_regional_share: float | None
    inter_regional_share: float | None
    european_share: float | None
    global_share: float | None


class RegionLink(BaseModel):
    """Alliances between two regions over the period."""

    source_region: str | None
    target_region: str | None
    alliances: int
    weight: float | None


class RegionInfrastructure(BaseModel):
    """Network organisations, funders, financiers and centres of a bioRegion."""

    location: str
    kind: str
    actors: int
    deals: int
    grants_given: int
    equity_investments: int
    collaborations: int
    other_ties: int
    nbfs: int
    first_year: int | None
    last_year: int | None


class RegionSpinoffs(BaseModel):
    """Spin-offs of one parent institution."""

    parent: str
    spinoffs: int
    child: list[str] = Field(description="Ids of the spin-offs.")
    name: str | None
    bioregion: str | None


class RegionsOut(BaseModel):
    """The regional indicators (``bioris region summary``) as lists of rows."""

    actors: list[RegionActors]
    specialisation: list[RegionSpecialisation]
    scope: list[RegionScope]
    links: list[RegionLink]
    infrastructure: list[RegionInfrastructure]
    spinoffs: list[RegionSpinoffs]
