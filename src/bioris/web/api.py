"""The JSON API routes (``/api/...``), documented at ``/docs`` and ``/openapi.json``.

Each route validates its parameters (a bad one is a 422 error naming it), asks the
:class:`~bioris.web.service.ExplorerService`, and answers with a model of
:mod:`bioris.web.schemas`. Page sizes above ``max_returned_rows`` are refused with a 422
error rather than clamped, so that a client never silently gets fewer rows than it asked for.
"""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from bioris.domain import ActorKind, DealType, Stage
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

ERRORS = {
    404: {"model": ErrorOut, "description": "Unknown id."},
    422: {"model": ErrorOut, "description": "A parameter is invalid; the message names it."},
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
    """The API routes over ``service`` (limits such as the largest page size come from its
    settings, so the OpenAPI document states them)."""
    limits = service.settings
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
            description="Years an alliance stays active after signing "
            f"(default {limits.tie_lifetime_years}).",
        ),
    ]

    def size(page_size: int | None) -> int:
        return limits.default_page_size if page_size is None else page_size

    def window_of(window: int | None) -> int:
        return limits.tie_lifetime_years if window is None else window

    @router.get("/meta", response_model=MetaOut, summary="What the store holds")
    def meta() -> dict:
        """The dataset, its years, the filter vocabularies, record counts and page limits."""
        return service.meta()

    @router.get("/actors", response_model=ActorPage, summary="Actors, filtered and paged")
    def actors(
        kind: ActorKind | None = None,
        region: Annotated[
            str | None, Query(max_length=MAX_TEXT_CHARS, description="bioRegion or country.")
        ] = None,
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
        """Actors in id order. ``region`` matches the bioRegion or the country code."""
        return service.actors_page(
            kind=kind.value if kind else None, region=region, text=q, page=page,
            size=size(page_size),
        )  # fmt: skip

    @router.get(
        "/actors/{actor_id}", response_model=ActorProfile, summary="One actor and its story"
    )
    def actor(actor_id: Annotated[str, Path(max_length=MAX_TEXT_CHARS)]) -> Response:
        """The actor, its lineage, its deals (newest first), partners, yearly network
        measures (default window) and, for NBFs, yearly business-model labels."""
        try:
            return _json(service.actor_profile(actor_id))
        except NotFound:
            raise ApiError(404, f"no actor {_short(actor_id)}") from None

    def alliance_query(
        actor: Text = None,
        partner: Text = None,
        year_from: Year = None,
        year_to: Year = None,
        deal_type: DealType | None = None,
        stage: Stage | None = None,
        min_value_eur: Annotated[
            float | None,
            Query(ge=0, allow_inf_nan=False, description="Least headline value, EUR million."),
        ] = None,
        sort: Sort = "year",
        order: Order = "asc",
    ) -> AllianceQuery:
        return AllianceQuery(
            actor=actor, partner=partner, year_from=year_from, year_to=year_to,
            deal_type=deal_type.value if deal_type else None,
            stage=stage.value if stage else None, min_value_eur=min_value_eur, sort=sort,
            descending=order == "desc",
        )  # fmt: skip

    @router.get("/alliances", response_model=AlliancePage, summary="Alliances, filtered")
    def alliances(
        query: Annotated[AllianceQuery, Depends(alliance_query)],
        page: Page = 1,
        page_size: PageSize = None,
    ) -> Response:
        """Alliances with ``actor`` as a party (and ``partner`` as another), signed in
        ``year_from``-``year_to``, of a type and stage, worth at least ``min_value_eur``
        (headline value); sorted by ``sort`` (ties broken by year, date, id)."""
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
        region: Annotated[
            str | None,
            Query(
                max_length=MAX_TEXT_CHARS,
                description="Keep ties with at least one end in this bioRegion or country "
                "(combined with kind: one end of that kind there).",
            ),
        ] = None,
        kind: Annotated[
            ActorKind | None,
            Query(description="Keep ties with at least one end of this kind (partners stay)."),
        ] = None,
        deal_type: Annotated[
            DealType | None, Query(description="Only alliances of this type (a layer).")
        ] = None,
    ) -> Response:
        """Nodes and ties active in ``year`` (default: the last year). Positions are the
        same in every year and window for the same filters. Degree and betweenness are
        measured within the filtered network. Sent gzip-compressed to clients that accept
        it (a 20,000-actor snapshot is about 5 MB of JSON, 1 MB compressed)."""
        body = service.network_body(
            service.period[1] if year is None else year, window_of(window), region,
            kind.value if kind else None, deal_type.value if deal_type else None,
        )  # fmt: skip
        return json_response(request, body, limits.max_response_kb * 1024)

    @router.get("/measures", response_model=MeasurePage, summary="Actor-year measures")
    def measures(
        year: Year = None,
        actor: Text = None,
        window: Window = None,
        page: Page = 1,
        page_size: PageSize = None,
    ) -> dict:
        """Network measures per actor and year (whole network), by year then actor."""
        return service.measures_page(
            year=year, actor=actor, window=window_of(window), page=page, size=size(page_size)
        )

    @router.get("/partners", response_model=PartnerRanking, summary="Preferred partners")
    def partners(
        year: Year = None,
        top: Annotated[int, Query(ge=1, le=limits.max_returned_rows)] = 10,
        window: Window = None,
        region: Annotated[
            str | None,
            Query(
                max_length=MAX_TEXT_CHARS,
                description="Only NBFs in this bioRegion or country, ranked among themselves.",
            ),
        ] = None,
    ) -> dict:
        """The NBFs most preferred as partners in ``year`` (default: the last year)."""
        return service.partners(
            year=service.period[1] if year is None else year, top=top, window=window_of(window),
            region=region,
        )  # fmt: skip

    @router.get("/regions", response_model=RegionsOut, summary="Regional indicators")
    def regions() -> dict:
        """The bioRegions compared: active actors, specialisation, tie scope, links between
        regions, infrastructure and spin-offs."""
        return service.regions()

    return router
