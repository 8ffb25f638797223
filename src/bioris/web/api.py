"""The JSON API routes (``/api/...``), documented at ``/docs`` and ``/openapi.json``.

Each route validates its parameters (a bad one is a 422 error naming it), asks the
:class:`~bioris.web.service.ExplorerService`, and answers with a model of
:mod:`bioris.web.schemas`. Page sizes above ``max_returned_rows`` are refused with a 422
error rather than clamped, so that a client never silently gets fewer rows than it asked for.

Vocabulary parameters (``kind``, ``region``, ``deal_type``, ``stage``, ``layer``) are checked
by the study (:mod:`bioris.study.vocabulary`), as the CLI's options are: case is ignored, and
an unknown value is a 422 error listing the allowed ones (the OpenAPI document lists them
too). Actor filters take an id, a name, an alias or a former name.
"""

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from bioris.errors import NotFound
from bioris.web.records import JsonBody, accepts_gzip
from bioris.web.safety import too_large_message
from bioris.web.schemas import (
    ActorPage,
    ActorProfile,
    AlliancePage,
    ErrorOut,
    MeasurePage,
    MetaOut,
    NetworkOut,
    PartnerRanking,
    RegionsOut,
)
from bioris.web.service import AllianceQuery, ExplorerService

__all__ = ["ApiError", "CsvResponse", "build_router"]

# Longest id or free text a parameter may carry (ids are short slugs; names < 200 chars).
MAX_TEXT_CHARS = 200
MAX_YEAR = 9999
# A page far past any store's end; keeps OFFSET inside SQLite's 64-bit integers.
MAX_PAGE = 1_000_000
MAX_WINDOW_YEARS = 30
# Most ``layer`` values one request may repeat.
MAX_LAYERS = 20

ERRORS = {
    404: {"model": ErrorOut, "description": "Unknown id."},
    422: {
        "model": ErrorOut,
        "description": "A parameter is invalid; the message names it (and, for a vocabulary "
        "or a name, lists the allowed values or the closest names).",
    },
    503: {
        "model": ErrorOut,
        "description": "A limit was hit: too many requests in flight, a query over "
        "sql_time_limit_ms, or a response over max_response_kb.",
    },
}


# The CSV route's errors are JSON too; "model" would document them as text/csv.
_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
CSV_ERRORS = {
    status: {"description": spec["description"], "content": _JSON_ERROR}
    for status, spec in ERRORS.items()
}


class ApiError(Exception):
    """An error the API reports as ``{"status": status, "message": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class CsvResponse(Response):
    """A CSV download."""

    media_type = "text/csv"


Text = Annotated[str | None, Query(max_length=MAX_TEXT_CHARS)]
Year = Annotated[int | None, Query(ge=0, le=MAX_YEAR)]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE, description="1 is the first page.")]
Sort = Literal["year", "date", "headline_eur", "deal_type"]
Order = Literal["asc", "desc"]
ActorName = Annotated[
    str | None,
    Query(
        max_length=MAX_TEXT_CHARS,
        description="An actor: its id, name, alias or a former name (an unknown name is a "
        "422 error suggesting the closest).",
    ),
]


def vocabulary(description: str, allowed: Sequence[str]) -> Any:
    """A checked vocabulary query parameter: documented with its values (``enum``), checked
    by the service (case ignored, a 422 error listing them otherwise)."""
    return Query(
        max_length=MAX_TEXT_CHARS,
        description=f"{description} Case is ignored.",
        json_schema_extra={"enum": list(allowed)},
    )


def json_response(request: Request, body: JsonBody, max_bytes: int) -> Response:
    """``body`` gzip-compressed when the client accepts gzip, else plain. A body whose JSON
    is over ``max_bytes`` is refused whatever the encoding (a 503, as ResponseGuard does)."""
    if len(body.plain) > max_bytes:
        raise ApiError(503, too_large_message(max_bytes))
    headers = {"vary": "Accept-Encoding"}
    if accepts_gzip(", ".join(request.headers.getlist("accept-encoding"))):
        headers["content-encoding"] = "gzip"
        return Response(body.gzip, media_type="application/json", headers=headers)
    return Response(body.plain, media_type="application/json", headers=headers)


def _json(body: bytes) -> Response:
    """A JSON body the service built and validated against the route's response model (FastAPI
    documents the model but does not validate a returned Response again)."""
    return Response(body, media_type="application/json")


def _short(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:60] + "...")


def build_router(service: ExplorerService) -> APIRouter:
    """The API routes over ``service`` (limits such as the largest page size, the study's
    window and its vocabularies come from it, so the OpenAPI document states them)."""
    limits = service.settings
    meta = service.meta()
    study = meta["study"]
    router = APIRouter(prefix="/api", responses=ERRORS)
    PageSize = Annotated[  # noqa: N806 (a type alias)
        int | None,
        Query(
            ge=1,
            le=limits.max_returned_rows,
            description=f"Rows per page (default {limits.default_page_size}, "
            f"at most max_returned_rows={limits.max_returned_rows}; more is a 422 error).",
        ),
    ]
    Window = Annotated[  # noqa: N806
        int | None,
        Query(
            ge=1,
            le=MAX_WINDOW_YEARS,
            description="Years a deal stays an active tie after signing "
            f"(default: the study's window, {service.window}).",
        ),
    ]
    Layers = Annotated[  # noqa: N806
        list[str] | None,
        Query(
            max_length=MAX_LAYERS,
            description="A layer of the study whose deals are ties; repeat it for several "
            f"(default: {', '.join(study['network_layers'])}). Case is ignored.",
            json_schema_extra={"items": {"type": "string", "enum": meta["layers"]}},
        ),
    ]
    Kind = Annotated[str | None, vocabulary("An actor kind.", meta["kinds"])]  # noqa: N806
    DealKind = Annotated[str | None, vocabulary("A deal type.", meta["deal_types"])]  # noqa: N806
    StageOf = Annotated[str | None, vocabulary("Stage at signing.", meta["stages"])]  # noqa: N806

    place = "A region of the study, another location or a country code:"
    ActorRegion = Annotated[  # noqa: N806
        str | None, vocabulary(f"{place} only actors there.", meta["regions"])
    ]
    NetworkRegion = Annotated[  # noqa: N806
        str | None,
        vocabulary(
            f"{place} keep ties with at least one end there (with kind: one end of "
            "that kind there).",
            meta["regions"],
        ),
    ]
    PartnerRegion = Annotated[  # noqa: N806
        str | None,
        vocabulary(
            f"{place} only the panel firms there, ranked among themselves.", meta["regions"]
        ),
    ]

    def size(page_size: int | None) -> int:
        return limits.default_page_size if page_size is None else page_size

    def window_of(window: int | None) -> int:
        return service.window if window is None else window

    def year_of(year: int | None) -> int:
        return service.period[1] if year is None else year

    @router.get("/meta", response_model=MetaOut, summary="The store and its study")
    def meta_route() -> dict:
        """The dataset, the study (name, period, window, regions with their colours, layers,
        panel size), the data's years, the filter vocabularies, record counts and limits."""
        return service.meta()

    @router.get("/actors", response_model=ActorPage, summary="Actors, filtered and paged")
    def actors(
        kind: Kind = None,
        region: ActorRegion = None,
        q: Annotated[
            str | None,
            Query(
                max_length=MAX_TEXT_CHARS,
                description="Text in the name or an alias, ignoring case.",
            ),
        ] = None,
        page: Page = 1,
        page_size: PageSize = None,
    ) -> dict:
        """Actors in id order, placed by the study (``location``, ``in_panel``, exits).
        ``region`` keeps the actors the study places there (a country keeps its actors)."""
        return service.actors_page(kind=kind, region=region, text=q, page=page,
                                   size=size(page_size))  # fmt: skip

    @router.get(
        "/actors/{actor_id}", response_model=ActorProfile, summary="One actor and its story"
    )
    def actor(actor_id: Annotated[str, Path(max_length=MAX_TEXT_CHARS)]) -> Response:
        """The actor, its lineage, its deals (newest first), partners, yearly network
        measures (the study's window and network layers) and, for panel firms, yearly
        business-model labels."""
        try:
            return _json(service.actor_profile(actor_id))
        except NotFound:
            raise ApiError(404, f"no actor {_short(actor_id)}") from None

    def alliance_query(
        actor: ActorName = None,
        partner: ActorName = None,
        year_from: Year = None,
        year_to: Year = None,
        deal_type: DealKind = None,
        stage: StageOf = None,
        min_value_eur: Annotated[
            float | None,
            Query(ge=0, allow_inf_nan=False, description="Least headline value, EUR million."),
        ] = None,
        sort: Sort = "year",
        order: Order = "asc",
    ) -> AllianceQuery:
        return AllianceQuery(
            actor=service.resolve_actor(actor, "actor"),
            partner=service.resolve_actor(partner, "partner"), year_from=year_from,
            year_to=year_to, deal_type=service.deal_type(deal_type), stage=service.stage(stage),
            min_value_eur=min_value_eur, sort=sort, descending=order == "desc",
        )  # fmt: skip

    @router.get("/alliances", response_model=AlliancePage, summary="Alliances, filtered")
    def alliances(
        query: Annotated[AllianceQuery, Depends(alliance_query)],
        page: Page = 1,
        page_size: PageSize = None,
    ) -> Response:
        """Deals (every deal type) with ``actor`` as a party (and ``partner`` as another),
        signed in ``year_from``-``year_to``, of a type and stage, worth at least
        ``min_value_eur`` (headline value); sorted by ``sort`` (ties broken by year, date,
        id)."""
        return _json(service.alliances_page(query, page=page, size=size(page_size)))

    @router.get(
        "/alliances.csv",
        response_class=CsvResponse,
        summary="Alliances as a CSV download",
        responses={200: {"description": "CSV, one row per alliance."}, **CSV_ERRORS},
    )
    def alliances_csv(query: Annotated[AllianceQuery, Depends(alliance_query)]) -> CsvResponse:
        """The filtered alliances (as ``/api/alliances``, unpaged) as CSV, at most
        ``max_returned_rows`` rows: ``X-Total-Count`` says how many matched. Cells a
        spreadsheet would run as a formula start with ``'``."""
        text, total, written = service.alliances_csv(query)
        headers = {
            "Content-Disposition": 'attachment; filename="bioris-alliances.csv"',
            "X-Total-Count": str(total),
            "X-Returned-Count": str(written),
        }
        return CsvResponse(text.encode("utf-8"), headers=headers,
                           media_type="text/csv; charset=utf-8")  # fmt: skip

    @router.get("/network", response_model=NetworkOut, summary="The network of one year")
    def network(
        request: Request,
        year: Year = None,
        window: Window = None,
        layer: Layers = None,
        region: NetworkRegion = None,
        kind: Kind = None,
        deal_type: DealKind = None,
    ) -> Response:
        """Nodes and ties active in ``year`` (default: the last year of the study's period):
        the deals of the layers asked for (the study's network layers by default; a
        ``deal_type`` alone shows its own layer), ending at an actor's exit. Positions are
        the same in every year and window for the same filters. Degree and betweenness are
        measured within the filtered network. Sent gzip-compressed to clients that accept
        it (a 20,000-actor snapshot is about 5 MB of JSON, 1 MB compressed)."""
        focus = service.focus(layer, region, kind, deal_type)
        body = service.network_body(year_of(year), window_of(window), focus)
        return json_response(request, body, limits.max_response_kb * 1024)

    @router.get("/measures", response_model=MeasurePage, summary="Actor-year measures")
    def measures(
        year: Year = None,
        actor: ActorName = None,
        window: Window = None,
        layer: Layers = None,
        page: Page = 1,
        page_size: PageSize = None,
    ) -> dict:
        """Network measures per actor and year (the whole network of the layers), by year
        then actor."""
        return service.analyses.measures_page(
            year=year, actor=service.resolve_actor(actor, "actor"), window=window_of(window),
            layers=service.layers(layer), page=page, size=size(page_size),
        )  # fmt: skip

    @router.get("/partners", response_model=PartnerRanking, summary="Preferred partners")
    def partners(
        year: Year = None,
        top: Annotated[int, Query(ge=1, le=limits.max_returned_rows)] = 10,
        window: Window = None,
        layer: Layers = None,
        region: PartnerRegion = None,
    ) -> dict:
        """The panel firms most preferred as partners in ``year`` (default: the last year of
        the study's period), ranked on the deals of the layers (the study's network layers
        by default); a firm is not ranked after its exit year."""
        return service.analyses.partners(
            year=year_of(year), top=top, window=window_of(window), layers=service.layers(layer),
            region=service.region(region),
        )  # fmt: skip

    @router.get("/regions", response_model=RegionsOut, summary="The regions compared")
    def regions() -> dict:
        """The study's compared regions over its period: active actors by kind, the
        specialisation of their panel firms, the scope of their partner ties, links between
        regions, infrastructure and spin-offs."""
        return service.analyses.regions()

    return router
