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
    "LayerOut",
    "LineageOut",
    "MeasureOut",
    "MeasurePage",
    "MeasureRow",
    "MetaOut",
    "MetaSettings",
    "NetworkEdge",
    "NetworkNode",
    "NetworkOut",
    "NetworkReduction",
    "PartnerCount",
    "PartnerRank",
    "PartnerRanking",
    "PartyOut",
    "RegionActors",
    "RegionInfrastructure",
    "RegionLink",
    "RegionOut",
    "RegionScope",
    "RegionSpecialisation",
    "RegionSpinoffs",
    "RegionsOut",
    "StudyOut",
]


class ErrorOut(BaseModel):
    """Every error: the HTTP status again and a one-line message."""

    status: int = Field(examples=[404])
    message: str = Field(examples=["no actor 'ghost'"])


class MetaSettings(BaseModel):
    """The limits a client should know before asking."""

    default_page_size: int
    max_page_size: int
    default_window: int = Field(description="The study's window: years a deal stays a tie.")


class RegionOut(BaseModel):
    """A region the study declares."""

    name: str
    countries: list[str] = Field(description="ISO 3166-1 codes; several for a cross-border one.")
    codes: list[str] = Field(description="ISO 3166-2 or NUTS codes that place an actor there.")
    colour: str = Field(description="Its fixed colour in every chart ('#RRGGBB').")
    focal: bool = Field(description="Whether the study compares it.")


class LayerOut(BaseModel):
    """A layer of ties: a name and the deal types it groups."""

    name: str
    deal_types: list[str]


class StudyOut(BaseModel):
    """The study the store holds: what decides every figure."""

    name: str
    description: str
    period: list[int] = Field(description="[first, last] year the study covers.")
    period_declared: bool = Field(
        description="Whether the study file declares the period (else: the data's years)."
    )
    window: int = Field(description="Years a deal stays an active tie after signing.")
    regions: list[RegionOut] = Field(description="Declared regions, in the study's order.")
    compared_regions: list[str] = Field(
        description="The regions compared: the focal ones (else the panel's locations)."
    )
    layers: list[LayerOut]
    network_layers: list[str] = Field(description="The layers the network uses by default.")
    panel_size: int = Field(description="The study's panel firms (its focal firms).")


class MetaOut(BaseModel):
    """What the store holds, its study, and the vocabularies the filters accept."""

    dataset: str | None = Field(description="Name of the dataset the store was built from.")
    study: StudyOut
    years: list[int] = Field(description="[first, last] signing year of the dated deals.")
    kinds: list[str]
    deal_types: list[str]
    stages: list[str]
    regions: list[str] = Field(
        description="What a region filter accepts (case ignored): the declared regions, "
        "then the other locations and the country codes of the actors."
    )
    layers: list[str] = Field(description="What a layer filter accepts.")
    counts: dict[str, int] = Field(description="Records per type.")
    settings: MetaSettings
    data_changed: bool = Field(
        description="The store changed (an import) since the server read it: what the "
        "server shows is the store as it was; restart the server to see the new data."
    )


class ActorOut(BaseModel):
    """One actor (organisation), placed by the study."""

    actor_id: str = Field(description="Stable id, used in URLs.")
    name: str
    kind: str
    country: str | None
    region: str | None = Field(description="The region as the data give it (free text).")
    location: str = Field(
        description="Where the study places it: its declared region, else its country, "
        "else 'unknown'."
    )
    in_panel: bool = Field(description="One of the study's panel firms.")
    exit_year: int | None = Field(description="Year its independent life ended.")
    exit_kind: str | None = Field(description="acquired, merged or closed.")
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
    """The business-model labels of a panel firm in one year (see the business-model
    rules), from the deals of the network layers, up to its exit year."""

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
    business_models: list[BusinessModelOut] = Field(description="Panel firms only; else empty.")


class NetworkNode(BaseModel):
    """An actor of the snapshot, placed where it sits in every year of the same filters."""

    id: str
    name: str
    kind: str
    location: str
    group: str = Field(
        description="Location group of the legend: a region the study declares, else the "
        "continent of the actor's country, 'Rest of the world' or 'Unknown'; each has one "
        "fixed colour."
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


class NetworkReduction(BaseModel):
    """How a snapshot too large to send (over ``max_response_kb``) was reduced to fit."""

    rule: str = Field(description="Which actors and ties the snapshot keeps.")
    actors: int = Field(description="Actors of the whole snapshot.")
    ties: int = Field(description="Ties of the whole snapshot.")
    actors_shown: int = Field(description="Actors in this response.")
    ties_shown: int = Field(description="Ties in this response.")
    max_response_kb: int = Field(description="The response limit the snapshot was cut to.")


class NetworkOut(BaseModel):
    """The network of one year: the ties of the layers shown."""

    year: int
    window: int
    layers: list[str] = Field(description="The layers whose deals are ties here.")
    years: list[int] = Field(description="Every year with ties for this window and filters.")
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    reduced: NetworkReduction | None = Field(
        default=None,
        description="Null when the snapshot is complete; else it was over max_response_kb "
        "and holds only the top actors that fit: the rule and the full counts.",
    )


class PartnerRank(BaseModel):
    """One panel firm of the preferred-partner ranking."""

    rank: int
    actor_id: str
    name: str
    location: str | None = Field(description="Its declared region, else its country.")
    big_pharma_partners: int
    distinct_partners: int
    target_alliances: int
    active_alliances: int
    repeat_partners: int


class PartnerRanking(BaseModel):
    """The panel firms most preferred as partners in one year, and the rule that ranks
    them; a firm is never ranked after its exit year."""

    year: int
    window: int
    layers: list[str]
    rule: str
    items: list[PartnerRank]


class RegionActors(BaseModel):
    """Actors of one kind active in the last year of the period, one count per compared
    region (a property named after each region). ``kind`` ``panel`` counts the panel
    firms."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, int] = Field(init=False)

    kind: str


class RegionSpecialisation(BaseModel):
    """Location quotient of a compared region in one subsector category, against the whole
    panel (above 1: the region's panel firms are more specialised in it)."""

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
    """A compared region's panel firms' partner ties over the period, by geographic scope:
    counts, and shares of the placed ties (pooled over the period)."""

    location: str
    alliances: int
    ties: int = Field(description="Partner ties whose partner is placed.")
    unknown_ties: int = Field(description="Partner ties whose partner has no known place.")
    intra_regional: int
    inter_regional: int
    european: int
    global_: int = Field(alias="global")
    intra_regional_share: float | None
    inter_regional_share: float | None
    european_share: float | None
    global_share: float | None


class RegionLink(BaseModel):
    """Alliances between two regions over the period."""

    source_region: str | None
    target_region: str | None
    alliances: int
    ties: int
    weight: float | None


class RegionInfrastructure(BaseModel):
    """Network organisations, funders, financiers and centres of a compared region."""

    location: str
    kind: str
    actors: int
    deals: int
    grants_given: int
    equity_investments: int
    collaborations: int
    other_ties: int
    nbfs: int = Field(description="Panel firms they dealt with.")
    first_year: int | None
    last_year: int | None


class RegionSpinoffs(BaseModel):
    """Spin-offs of one parent institution."""

    parent: str
    spinoffs: int
    child: list[str] = Field(description="Ids of the spin-offs.")
    name: str | None
    location: str | None


class RegionsOut(BaseModel):
    """The study's regions compared (``bioris region summary``) as lists of rows."""

    regions: list[str] = Field(description="The compared regions, in the study's order.")
    start: int
    end: int
    actors: list[RegionActors]
    specialisation: list[RegionSpecialisation]
    scope: list[RegionScope]
    links: list[RegionLink]
    infrastructure: list[RegionInfrastructure]
    spinoffs: list[RegionSpinoffs]
