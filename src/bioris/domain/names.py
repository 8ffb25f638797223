"""Name normalisation for entity resolution, and stable ids.

Two names denote the same actor when their *keys* are equal: case, accents, punctuation,
white space and trailing legal-form suffixes are ignored (``Galàpagos``, ``Galapagos NV`` and
``GALAPAGOS`` share the key ``galapagos``). ``KGaA`` is deliberately kept: it is what tells
Merck KGaA from Merck & Co.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["LEGAL_SUFFIXES", "name_key", "slugify", "split_parent"]

LEGAL_SUFFIXES = frozenset(
    {
        "nv", "sa", "se", "bv", "bvba", "sprl", "srl", "scrl", "inc", "incorporated", "ltd",
        "limited", "plc", "ag", "gmbh", "corp", "corporation", "llc", "lp", "kk", "oy", "ab",
        "as", "spa", "sas", "co ltd", "company limited", "holding", "holdings", "group",
    }
)  # fmt: skip

_NON_WORD = re.compile(r"[^0-9a-z]+")
_INITIAL_DOT = re.compile(r"(?<=\b[a-z])\.")
_PARENT = re.compile(r"^(?P<name>.*?)\s*\((?P<inner>[^()]*)\)\s*$")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().replace("&", " and ")


def name_key(name: str) -> str:
    """The comparison key of a name: folded, punctuation-free, without a legal suffix.

    >>> name_key("Galàpagos NV") == name_key("galapagos") == "galapagos"
    True
    >>> name_key("Merck & Co.")
    'merck and co'
    """
    folded = _INITIAL_DOT.sub("", _fold(name))  # "S.A." -> "SA", "N.V." -> "NV"
    words = _NON_WORD.sub(" ", folded).split()
    while len(words) > 1 and not _all_suffixes(words):
        if len(words) > 2 and " ".join(words[-2:]) in LEGAL_SUFFIXES:
            words = words[:-2]
        elif words[-1] in LEGAL_SUFFIXES:
            words = words[:-1]
        else:
            break
    return " ".join(words)


def _all_suffixes(words: list[str]) -> bool:
    """A name made only of suffix words ("Co Ltd") keeps them: it has nothing else."""
    return all(w in LEGAL_SUFFIXES for w in words)


def slugify(name: str) -> str:
    """A stable, URL-safe id from a name: ``Johnson & Johnson`` -> ``johnson-and-johnson``."""
    return "-".join(_NON_WORD.sub(" ", _fold(name)).split()) or "actor"


def split_parent(text: str) -> tuple[str, str | None]:
    """Split ``"Alcon (Novartis)"`` into ``("Alcon", "Novartis")``; no brackets -> ``None``."""
    match = _PARENT.match(text.strip())
    if not match or not match.group("name"):
        return text.strip(), None
    return match.group("name").strip(), match.group("inner").strip() or None
