"""The end of a firm's independent life, read from an ``exit`` text.

Raw actor files describe exits in words (``acquired by Sanofi 2018 (EUR3.9bn)``, ``merged
into MyCartis 2014``, ``wound down c. 2017``). :func:`parse_exit` reads the first clause that
announces one: an acquisition (``acquired``, ``taken over``, ``sold to``, ``absorbed``), a
merger into another firm (``merged into``, ``combined into``, ``merged with ... into``) or a
closure (``closed``, ``wound down``, ``liquidated``, ``dissolved``, ``bankrupt``, ``ceased``),
with its year and the other party as written. A rename, ``merged with X`` (the firm lives on)
and a clause about a part of the firm (a division, an asset, a unit, a team, a stake, a
site) are not exits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["EXIT_KINDS", "ExitText", "parse_exit"]

#: what ended an actor's independent life
EXIT_KINDS = ("acquired", "merged", "closed")

_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
_KINDS = (
    ("merged", re.compile(r"\b(merged into|combined into|merged with\b.*?\binto)\b", re.I)),
    (
        "acquired",
        re.compile(r"\b(acquired|taken over|takeover|sold to|absorbed)\b", re.I),
    ),
    (
        "closed",
        re.compile(r"\b(wound down|liquidated|closed|dissolved|bankrupt\w*|ceased)\b", re.I),
    ),
)
# A clause about a part of the firm (a division, an asset, a team, a site) is not the firm's
# exit: "closed its manufacturing site 2012" leaves the firm in business.
_PARTIAL = re.compile(
    r"\b(division|asset|assets|unit|team|stake|site|sites|facility|facilities)\b", re.I
)
_PARTY = re.compile(
    r"\b(?:by|to|into)\s+(?P<who>[^;()]+?)(?=\s*(?:\(|,|;|\bin\b|\bfor\b|\bc\.\s|(?<!\d)(?:19|20)\d\d|$))",
    re.I,
)


@dataclass(frozen=True, slots=True)
class ExitText:
    """An exit read from text: its ``kind`` (one of :data:`EXIT_KINDS`), ``year``, the other
    party's name as written (``counterparty``, ``None`` for closures or when not named), the
    words that announced it (``how``) and the clause it came from."""

    kind: str
    year: int
    counterparty: str | None
    how: str
    clause: str


def parse_exit(text: str | None) -> ExitText | None:
    """The first exit announced in ``text`` (``;``-separated clauses), or ``None``.

    >>> found = parse_exit("merged with Virco 2001; acquired by Johnson & Johnson 2002")
    >>> found.kind, found.year, found.counterparty
    ('acquired', 2002, 'Johnson & Johnson')
    >>> parse_exit("wound down c. 2017; glaucoma asset sold to PH Pharma").kind
    'closed'
    >>> parse_exit("Meusinvest renamed Noshaq 2019") is None
    True
    """
    if not text:
        return None
    for clause in text.split(";"):
        if _PARTIAL.search(clause):
            continue
        for kind, words in _KINDS:
            found = words.search(clause)
            year = _YEAR.search(clause)
            if found is None or year is None:
                continue
            party = None
            if kind != "closed":
                tail = clause[found.start() :]
                match = _PARTY.search(tail)
                party = match.group("who").strip(" .") if match else None
                if party and party.lower().startswith("the "):
                    party = party[4:]
            how = "merged into" if kind == "merged" else found.group(1).lower()
            return ExitText(kind, int(year.group(1)), party or None, how, clause.strip())
    return None
