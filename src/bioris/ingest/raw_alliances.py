"""Raw alliance rows -> :class:`Alliance` records.

A raw row names a focal firm (``nbf``) and its ``partner``; either may list several parties
separated by ``;`` (a syndicated round, a three-way deal). Roles follow the deal type seen
from the focal firm (:data:`bioris.domain.FOCAL_PARTNER_ROLES`); an acquisition's focal firm
is the target unless the optional ``focal_role`` column says ``acquirer``. Amounts are in
millions: a USD figure with a stated EUR figure keeps both (the stated euro wins over a
conversion); otherwise the euro value is converted at the signing year's average rate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from bioris.domain import (
    FOCAL_PARTNER_ROLES,
    Alliance,
    DealType,
    FxTable,
    Money,
    Party,
    Role,
    Stage,
    Terms,
)
from bioris.ingest.cells import Cells, ParsedDate
from bioris.ingest.raw_actors import provenance_of

__all__ = ["PartyResolver", "alliance_id", "parse_raw_alliance"]

# (reported name, cells, column) -> actor id, or None after recording an error
PartyResolver = Callable[[str, Cells, str], str | None]


def alliance_id(date: str | None, deal_type: DealType, actor_ids: list[str], asset: str) -> str:
    """A stable id from what identifies a deal: date, type, parties and asset."""
    basis = "|".join([date or "", deal_type.value, ",".join(sorted(actor_ids)), asset])
    return "al-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:10]


def parse_raw_alliance(cells: Cells, resolve: PartyResolver, fx: FxTable) -> Alliance | None:
    """One raw alliance row as an :class:`Alliance`, or ``None`` when the row has errors."""
    before = len(cells.errors)
    year, date = _when(cells)
    deal_type = cells.member("deal_type", DealType)
    stage = cells.member("stage_at_signing", Stage, required=False) or Stage.UNKNOWN
    focal = _side(cells, "nbf", resolve)
    partners = _side(cells, "partner", resolve)
    terms = _terms(cells, fx, year)
    provenance = provenance_of(cells)
    if len(cells.errors) > before or deal_type is None:
        return None
    parties = _parties(cells, deal_type, focal, partners)
    if parties is None:
        return None
    asset = cells.text("asset_or_technology")
    return Alliance(
        alliance_id=alliance_id(date, deal_type, [p.actor_id for p in parties], asset or ""),
        year=year,
        date=date,
        deal_type=deal_type,
        parties=parties,
        stage_at_signing=stage,
        asset=asset,
        therapeutic_area=cells.text("therapeutic_area"),
        terms=terms,
        notes=cells.text("notes"),
        provenance=provenance,
    )


def _when(cells: Cells) -> tuple[int | None, str | None]:
    year = cells.year("year")
    parsed: ParsedDate | None = cells.date("date")
    if parsed and year is not None and parsed.year != year:
        cells.error("date", f"date {parsed.text} disagrees with year {year}")
    if parsed is None:
        return year, None if year is None else str(year)
    return parsed.year, parsed.text


def _side(cells: Cells, column: str, resolve: PartyResolver) -> list[tuple[str, str]]:
    """Resolved (actor id, name as reported) of one side of the deal."""
    text = cells.required(column)
    if text is None:
        return []
    names = [n.strip() for n in text.split(";")]
    if any(not n for n in names):
        cells.error(column, f"{text!r} has a blank party between ';' separators")
    resolved = []
    for name in filter(None, names):
        actor_id = resolve(name, cells, column)
        if actor_id is not None:
            resolved.append((actor_id, name))
    return resolved


def _parties(
    cells: Cells,
    deal_type: DealType,
    focal: list[tuple[str, str]],
    partners: list[tuple[str, str]],
) -> tuple[Party, ...] | None:
    focal_role, partner_role = FOCAL_PARTNER_ROLES[deal_type]
    if deal_type is not DealType.ACQUISITION:
        if cells.text("focal_role") is not None:
            cells.error("focal_role", "applies to acquisitions only; leave it empty")
    elif _focal_acquires(cells):
        focal_role, partner_role = Role.ACQUIRER, Role.TARGET
    ids = [i for i, _ in focal + partners]
    for actor_id in sorted({i for i in ids if ids.count(i) > 1}):
        side = "partner" if actor_id in {i for i, _ in partners} else "nbf"
        cells.error(side, f"the deal names actor {actor_id!r} twice (allied with itself)")
    if len(set(ids)) != len(ids):
        return None
    return tuple(
        [Party(i, focal_role, True, n) for i, n in focal]
        + [Party(i, partner_role, False, n) for i, n in partners]
    )


def _focal_acquires(cells: Cells) -> bool:
    value = cells.text("focal_role")
    if value is None:
        return False
    if value.lower() in {Role.ACQUIRER.value, Role.TARGET.value}:
        return value.lower() == Role.ACQUIRER.value
    cells.error("focal_role", f"{value!r} is not one of: acquirer, target")
    return False


def _terms(cells: Cells, fx: FxTable, year: int | None) -> Terms:
    return Terms(
        upfront=_money(cells, fx, year, "upfront"),
        milestones=_money(cells, fx, year, "milestones"),
        equity=_money(cells, fx, year, "equity"),
    )


def _money(cells: Cells, fx: FxTable, year: int | None, name: str) -> Money | None:
    usd = cells.amount(f"{name}_musd")
    eur = cells.amount(f"{name}_meur")
    if usd is not None:
        return Money(usd, "USD", eur if eur is not None else fx.to_eur(usd, "USD", year))
    if eur is not None:
        return Money(eur, "EUR", eur)
    return None
