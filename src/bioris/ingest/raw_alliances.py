"""Raw alliance rows -> :class:`Alliance` records.

A raw row names a focal firm (``nbf``) and its ``partner``; either may list several parties
separated by ``;`` (a syndicated round, a three-way deal). Roles follow the deal type seen
from the focal firm (:data:`bioris.domain.FOCAL_PARTNER_ROLES`).

**Who acquires whom** (:data:`ACQUISITION_RULE`): the ``focal_role`` cell (``acquirer`` or
``target``) when given; else a direction phrase in ``notes`` or ``asset_or_technology``
(:data:`DIRECTION_RULES`); else the ``nbf`` firm is the target. Every acquisition whose
direction the row does not state in ``focal_role`` is reported to the ``inferred`` collector.

**Money** (:data:`MONEY_RULE`): amounts are in millions, either in the ``currency`` of the row
(``upfront_m``, ``milestones_m``, ``equity_m``, ``total_m``; any ISO 4217 code) or in the
older columns (``upfront_musd``/``upfront_meur``, ``milestones_musd``/``milestones_meur``,
``equity_meur``): a USD figure with a stated EUR figure keeps both (the stated euro wins over
a conversion); otherwise the euro value is converted at the signing year's average rate, and
stays empty (never zero) when the table has no rate (:func:`bioris.domain.money.unconverted`).
"""

from __future__ import annotations

import hashlib
import math
import re
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
    split_parent,
)
from bioris.domain.money import currency_problem
from bioris.domain.names import is_legal_form
from bioris.ingest.cells import Cells, ParsedDate
from bioris.ingest.raw_actors import provenance_of

__all__ = [
    "ACQUISITION_RULE",
    "DIRECTION_RULES",
    "MONEY_RULE",
    "PartyResolver",
    "alliance_id",
    "direction_from_text",
    "parse_raw_alliance",
]

# (reported name, cells, column) -> actor id, or None after recording an error
PartyResolver = Callable[[str, Cells, str], str | None]

ACQUISITION_RULE = (
    "An acquisition's direction is read, in order, from: (a) the focal_role cell (acquirer or "
    "target: the role of the firm in the nbf column); (b) a direction phrase in notes or "
    "asset_or_technology: the nbf firm buys ('<nbf> acquires', '<nbf> is the acquirer', "
    "'acquired <partner>', 'acquisition of <partner>', 'bought ... from <partner>', "
    "'acquired by <nbf>') or is bought ('acquired by', 'bought by', 'sold to', 'taken over by', "
    "'takeover by', 'acquisition by', '<partner> acquires', 'acquisition of <nbf>', "
    "'divestment'); phrases pointing both ways decide nothing; (c) else the nbf firm is the "
    "target. The import lists every acquisition read by (b) or (c)."
)

MONEY_RULE = (
    "Amounts are in millions. The currency column holds an ISO 4217 code and applies to "
    "upfront_m, milestones_m, equity_m and total_m; the older upfront_musd/_meur, "
    "milestones_musd/_meur and equity_meur columns work as before. A term given in both kinds "
    "of column, an amount without a currency and an unknown code are errors. total_m is the "
    "deal's total (headline) value: milestones = total - upfront - equity when milestones_m "
    "is empty (absent terms count as 0), else total_m must agree with their sum within 1%. "
    "The euro value is the amount divided by the currency's average rate of the signing "
    "year; without a rate (or a year) it stays empty and the amount is listed as unconverted."
)

_TERM_NAMES = ("upfront", "milestones", "equity")
_OLD_COLUMNS = {
    "upfront": ("upfront_musd", "upfront_meur"),
    "milestones": ("milestones_musd", "milestones_meur"),
    "equity": ("equity_meur",),
}
_TOTAL_TOLERANCE = 0.01  # total_m may differ from upfront + milestones + equity by 1% (rounding)

_VERB = (
    r"(?:acquires|acquired|acquiring|buys|bought|buying|purchases|purchased|takes over|"
    r"took over|taking over|absorbs|absorbed)"
)
_PASSIVE = r"(?:acquired|bought|purchased|taken over|absorbed)"
_NOUN = r"(?:acquisition|purchase|takeover|take-over|buyout|buy-out)"
_NOT_BY = r"(?!\s+by\b)"

#: (direction of the nbf firm, pattern); ``{nbf}`` and ``{partner}`` stand for the names in
#: those columns (and the parents in their brackets), matched whole and in any case
DIRECTION_RULES: tuple[tuple[Role, str], ...] = (
    (Role.ACQUIRER, r"{nbf}\s+(?:is|was)\s+(?:the\s+)?(?:acquirer|buyer)\b"),
    (Role.TARGET, r"{partner}\s+(?:is|was)\s+(?:the\s+)?(?:acquirer|buyer)\b"),
    (Role.ACQUIRER, rf"\b(?:{_PASSIVE}|{_NOUN})\s+by\s+{{nbf}}"),
    (Role.ACQUIRER, r"\bsold\s+to\s+{nbf}"),
    (Role.TARGET, rf"\b(?:{_PASSIVE}|{_NOUN})\s+by\b(?!\s+{{nbf}})"),
    (Role.TARGET, r"\bsold\s+to\b(?!\s+{nbf})"),
    (Role.TARGET, rf"{{nbf}}\s+(?:is|was|has been|had been|were)\s+{_PASSIVE}\b"),
    (Role.ACQUIRER, rf"{{nbf}}\s+{_VERB}\b{_NOT_BY}"),
    (Role.TARGET, rf"{{partner}}\s+{_VERB}\b{_NOT_BY}"),
    (Role.ACQUIRER, rf"\b(?:{_VERB}|{_NOUN}\s+of)\s+(?:the\s+)?{{partner}}"),
    (Role.TARGET, rf"\b(?:{_VERB}|{_NOUN}\s+of)\s+(?:the\s+)?{{nbf}}"),
    (Role.ACQUIRER, rf"\b{_VERB}\b[^.;]*?\bfrom\s+(?:the\s+)?{{partner}}"),
    (Role.ACQUIRER, r"\b(?:divestment|divestiture|sale)\s+by\s+{partner}"),
    (Role.TARGET, r"\bdivest(?:s|ed|ing|ment|iture)?\b(?!\s+by\s+{partner})"),
)


def alliance_id(date: str | None, deal_type: DealType, actor_ids: list[str], asset: str) -> str:
    """A stable id from what identifies a deal: date, type, parties and asset."""
    basis = "|".join([date or "", deal_type.value, ",".join(sorted(actor_ids)), asset])
    return "al-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:10]


def parse_raw_alliance(
    cells: Cells,
    resolve: PartyResolver,
    fx: FxTable,
    *,
    inferred: list[str] | None = None,
) -> Alliance | None:
    """One raw alliance row as an :class:`Alliance`, or ``None`` when the row has errors.

    Parameters
    ----------
    cells : Cells
        The row; problems are recorded in ``cells.errors`` at ``FILE:LINE:COLUMN``.
    resolve : PartyResolver
        Turns a reported party name into an actor id (or records an error).
    fx : FxTable
        Yearly average rates for the euro values (:data:`MONEY_RULE`).
    inferred : list of str, optional
        Receives one line per acquisition whose direction the ``focal_role`` cell does not
        give (:data:`ACQUISITION_RULE`), e.g. ``FILE:LINE: acquisition read as 'GSK acquires
        Bavarian Nordic' (no focal_role; the nbf column is the target by default)``.

    Returns
    -------
    Alliance or None
        ``None`` when the row has errors.
    """
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
    parties = _parties(cells, deal_type, focal, partners, inferred)
    if parties is None or len(cells.errors) > before:
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
    inferred: list[str] | None,
) -> tuple[Party, ...] | None:
    focal_role, partner_role = FOCAL_PARTNER_ROLES[deal_type]
    if deal_type is not DealType.ACQUISITION:
        if cells.text("focal_role") is not None:
            cells.error("focal_role", "applies to acquisitions only; leave it empty")
    elif _focal_acquires(cells, focal, partners, inferred):
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


# --- acquisition direction -----------------------------------------------------------------


def _focal_acquires(
    cells: Cells,
    focal: list[tuple[str, str]],
    partners: list[tuple[str, str]],
    inferred: list[str] | None,
) -> bool:
    """Whether the nbf firm is the acquirer (:data:`ACQUISITION_RULE`)."""
    value = cells.text("focal_role")
    if value is not None:
        if value.lower() in {Role.ACQUIRER.value, Role.TARGET.value}:
            return value.lower() == Role.ACQUIRER.value
        cells.error("focal_role", f"{value!r} is not one of: acquirer, target")
        return False
    role, reason = direction_from_text(
        [n for _, n in focal],
        [n for _, n in partners],
        {c: cells.text(c) for c in ("notes", "asset_or_technology")},
    )
    if inferred is not None:
        buyers, bought = (focal, partners) if role is Role.ACQUIRER else (partners, focal)
        verb = "acquires" if len(buyers) == 1 else "acquire"
        reading = f"{_names(buyers)} {verb} {_names(bought)}"
        where = f"{cells.table.path}:{cells.row.line}"
        inferred.append(f"{where}: acquisition read as {reading!r} (no focal_role; {reason})")
    return role is Role.ACQUIRER


def _names(side: list[tuple[str, str]]) -> str:
    return " and ".join(name for _, name in side)


def direction_from_text(
    focal_names: list[str], partner_names: list[str], texts: dict[str, str | None]
) -> tuple[Role, str]:
    """The nbf firm's role read from ``texts`` (column -> text) by :data:`DIRECTION_RULES`.

    Returns the role and the reason in words: the phrase found, or why the default (target)
    applies.
    """
    nbf, partner = _alternation(focal_names), _alternation(partner_names)
    found: dict[Role, tuple[str, str]] = {}
    for column, text in texts.items():
        if not text:
            continue
        for role, template in DIRECTION_RULES:
            pattern = template.replace("{nbf}", nbf).replace("{partner}", partner)
            match = re.search(pattern, text, flags=re.IGNORECASE)
            if match and role not in found:
                found[role] = (column, match.group(0).strip())
    default = "the nbf column is the target by default"
    if len(found) == 2:
        (c1, p1), (c2, p2) = found[Role.ACQUIRER], found[Role.TARGET]
        return Role.TARGET, f"{_says(c1, p1)} but {_says(c2, p2)}; {default}"
    if found:
        role, (column, phrase) = next(iter(found.items()))
        return role, _says(column, phrase)
    return Role.TARGET, default


def _says(column: str, phrase: str) -> str:
    return f"{column} {'say' if column == 'notes' else 'says'} {phrase!r}"


def _without_legal_form(name: str) -> str:
    """``Beta Peptides AB`` -> ``Beta Peptides``: how notes name a firm."""
    words = name.split()
    for size in (3, 2, 1):
        if len(words) > size and is_legal_form(" ".join(words[-size:])):
            return " ".join(words[:-size]).rstrip(",")
    return name


def _alternation(names: list[str]) -> str:
    """A regex matching any of the names or their bracketed parents, as whole words."""
    parts: set[str] = set()
    for name in names:
        base, parent = split_parent(name)
        for part in (name.strip(), base, parent):
            if part:
                parts.update((part, _without_legal_form(part)))
    if not parts:
        return r"(?!x)x"  # matches nothing
    words = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    return rf"(?<!\w)(?:{words})(?!\w)"


# --- money ---------------------------------------------------------------------------------


def _terms(cells: Cells, fx: FxTable, year: int | None) -> Terms:
    old = {name: _old_money(cells, fx, year, name) for name in _TERM_NAMES}
    amounts = {name: cells.amount(f"{name}_m") for name in _TERM_NAMES}
    total = cells.amount("total_m")
    given = [f"{n}_m" for n in _TERM_NAMES if amounts[n] is not None]
    given += ["total_m"] if total is not None else []
    currency = _currency(cells, given)
    for name in _TERM_NAMES:
        column = next((c for c in _OLD_COLUMNS[name] if cells.text(c) is not None), None)
        if amounts[name] is not None and column is not None:
            cells.error(
                f"{name}_m", f"the {name} is given twice, in {name}_m and in {column}: keep one"
            )
    if total is not None:
        amounts["milestones"] = _milestones_from_total(cells, amounts, total, old)
    new = {
        name: fx.money(amount, currency, year)
        for name, amount in amounts.items()
        if amount is not None and currency is not None
    }
    return Terms(**{name: old[name] or new.get(name) for name in _TERM_NAMES})


def _currency(cells: Cells, given: list[str]) -> str | None:
    """The row's ISO 4217 code (upper case), or ``None`` after recording a problem."""
    value = cells.text("currency")
    if value is None:
        for column in given:
            cells.error(
                column,
                "is given but the row has no currency: write its ISO 4217 code (such as "
                "EUR, USD, DKK) in the currency column",
            )
        return None
    problem = currency_problem(value)
    if problem:
        cells.error("currency", problem)
        return None
    return value.strip().upper()


def _milestones_from_total(
    cells: Cells,
    amounts: dict[str, float | None],
    total: float,
    old: dict[str, Money | None],
) -> float | None:
    """Milestones implied by ``total_m`` (:data:`MONEY_RULE`), or the stated ones."""
    mixed = [n for n in _TERM_NAMES if old[n] is not None]
    if mixed:
        columns = ", ".join(c for n in mixed for c in _OLD_COLUMNS[n] if cells.text(c))
        cells.error(
            "total_m",
            f"total_m is in the row's currency and adds up upfront_m, milestones_m and "
            f"equity_m: give the terms in those columns, not in {columns}",
        )
        return amounts["milestones"]
    committed = sum(amounts[n] or 0.0 for n in ("upfront", "equity"))
    stated = amounts["milestones"]
    slack = _TOTAL_TOLERANCE * total + 1e-9
    if stated is not None:
        if not math.isclose(committed + stated, total, abs_tol=slack):
            cells.error(
                "total_m",
                f"total {total:g} disagrees with upfront + milestones + equity = "
                f"{committed + stated:g}",
            )
        return stated
    rest = total - committed
    if rest < -slack:
        cells.error("total_m", f"total {total:g} is less than upfront + equity = {committed:g}")
        return None
    return round(rest, 6) if rest > slack else None


def _old_money(cells: Cells, fx: FxTable, year: int | None, name: str) -> Money | None:
    usd = cells.amount(f"{name}_musd")
    eur = cells.amount(f"{name}_meur")
    if usd is not None:
        return Money(usd, "USD", eur if eur is not None else fx.to_eur(usd, "USD", year))
    if eur is not None:
        return Money(eur, "EUR", eur)
    return None
