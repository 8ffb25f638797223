"""Name normalisation for entity resolution, and stable ids.

Two names denote the same actor when their *keys* are equal. A key ignores case, accents,
punctuation, white space and the legal form (``Galàpagos``, ``Galapagos NV`` and
``GALAPAGOS`` share the key ``galapagos``), and spells umlauts and Nordic letters one way
(``München``, ``Muenchen`` and ``Munchen`` meet, as do ``Århus`` and ``Aarhus``).

There are two keys. :func:`strict_key` drops legal forms only; :func:`name_key`, the loose
key, also drops a few generic trailing words (:data:`GENERIC_WORDS`: ``Holding``,
``Group``...), so ``Biocartis Group NV`` meets ``Biocartis`` but ``Novo Holdings`` (strict
key ``novo holdings``) can be told from ``Novo`` when both are known.

``KGaA`` is deliberately kept: it is what tells Merck KGaA from Merck & Co. Its compound
spellings (``AG & Co. KGaA``) are read as plain ``KGaA``.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "GENERIC_WORDS",
    "LEGAL_FORMS",
    "LEGAL_SUFFIXES",
    "is_legal_form",
    "name_key",
    "slugify",
    "split_parent",
    "strict_key",
]

# The legal forms dropped from the end of a name, by country group, as commonly written. The
# key compares them after folding (case, dots, slashes, "&" -> "and"), so "S.p.A.", "SpA" and
# "S.P.A." are one form, and "Co., Ltd." is "co ltd".
_LEGAL_FORMS_BY_REGION: dict[str, tuple[str, ...]] = {
    "Nordic": ("A/S", "ApS", "I/S", "K/S", "P/S", "AMBA", "AB", "(publ)", "Oy", "Oyj",
               "ASA", "AS", "hf", "ehf"),
    "DACH": ("GmbH", "gGmbH", "mbH", "AG", "KG", "OHG", "UG", "(haftungsbeschränkt)", "e.V.",
             "eG", "GmbH & Co. KG", "AG & Co. KG", "SE & Co. KG", "Aktiengesellschaft"),
    "Benelux": ("NV", "BV", "BVBA", "CVBA", "VZW", "ASBL", "CommV", "SPRL", "SRL", "SCRL",
                "SC", "SCS", "VOF"),
    "France": ("SA", "SAS", "SASU", "SARL", "S.à r.l.", "EURL", "SNC", "SCA"),
    "Italy": ("SpA", "Srl", "Srls", "Sapa", "Scarl"),
    "Spain and Portugal": ("SL", "SLU", "SAU", "Lda", "Ltda"),
    "UK and Ireland": ("plc", "Ltd", "Limited", "LLP", "LP", "Company Limited",
                       "Private Limited"),
    "US": ("Inc", "Incorporated", "Corp", "Corporation", "LLC"),
    "Japan": ("KK", "Kabushiki Kaisha", "GK", "Godo Kaisha", "Co., Ltd."),
    "China, Korea and others": ("Co., Ltd.", "Pty Ltd", "Pte Ltd", "Pvt Ltd", "JSC"),
    "Europe": ("SE",),
}  # fmt: skip

# Generic words the loose key also drops from the end: they name a kind of company rather than
# a company. Kept small: "Pharma", "Therapeutics", "Biotech" are part of names (UCB Pharma).
_GENERIC = ("Holding", "Holdings", "Group", "Groupe", "Groep", "Gruppe", "Gruppo")

# A legal form written before the name ("Kabushiki Kaisha Toshiba").
_PREFIXES = ("Kabushiki Kaisha", "Kabushikigaisha")

# Letters NFKD does not decompose, spelt as in their languages' ASCII transliteration.
_LETTERS = str.maketrans({"ø": "oe", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d",
                          "ð": "d", "þ": "th", "ı": "i"})  # fmt: skip
_NON_WORD = re.compile(r"[^0-9a-z]+")
_INITIAL_DOT = re.compile(r"(?<=\b[a-z])\.")
_PARENT = re.compile(r"^(?P<name>.*?)\s*\((?P<inner>[^()]*)\)\s*$")
# umlauts written out (ue, oe, ae) meet the plain vowel, as Danish/Dutch aa meets a; "que"
# is never an umlaut (Quest, Technique), so it stays
_E_AFTER_VOWEL = re.compile(r"(?<=[aou])(?<!qu)e+")
_DOUBLE_A = re.compile(r"a{2,}")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().replace("&", " and ")


def _words(name: str) -> list[str]:
    """The folded words of a name: transliterated, undotted, punctuation-free."""
    folded = _INITIAL_DOT.sub("", _fold(name).translate(_LETTERS))  # "S.A." -> "sa"
    words = _NON_WORD.sub(" ", folded).split()
    return [_DOUBLE_A.sub("a", _E_AFTER_VOWEL.sub("", w)) for w in words]


def _phrases(forms: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(_words(f)) for f in forms if _words(f))


LEGAL_FORMS: frozenset[tuple[str, ...]] = _phrases(
    tuple(f for forms in _LEGAL_FORMS_BY_REGION.values() for f in forms)
)
"""Legal forms as folded word tuples (``("a", "s")`` for ``A/S``); dropped by both keys."""

GENERIC_WORDS: frozenset[tuple[str, ...]] = _phrases(_GENERIC)
"""Generic trailing words dropped by :func:`name_key` only (``Holding``, ``Group``...)."""

LEGAL_SUFFIXES: frozenset[tuple[str, ...]] = LEGAL_FORMS | GENERIC_WORDS
"""Everything :func:`name_key` drops from the end of a name."""

_PREFIX_FORMS = _phrases(_PREFIXES)
_KGAA = _words("KGaA")  # kept; its compounds "AG/SE/GmbH & Co. KGaA" are read as plain KGaA
_KGAA_COMPOUNDS = frozenset(tuple(_words(f"{p} & Co. KGaA")) for p in ("AG", "SE", "GmbH"))
_LONGEST = max(len(p) for p in LEGAL_SUFFIXES)


def name_key(name: str) -> str:
    """The loose comparison key: folded, without legal form or generic trailing words.

    Parameters
    ----------
    name : str
        A name as written, in any case, accents and punctuation.

    Returns
    -------
    str
        Lower-case ASCII words separated by single spaces (empty for an empty name).

    See Also
    --------
    strict_key : the same key keeping generic words such as ``Holdings``.

    Examples
    --------
    >>> name_key("Galàpagos NV") == name_key("galapagos") == "galapagos"
    True
    >>> name_key("Merck & Co.")
    'merck and co'
    >>> name_key("Novo Holdings A/S")
    'novo'
    """
    return " ".join(_strip(_words(name), LEGAL_SUFFIXES))


def strict_key(name: str) -> str:
    """The strict comparison key: like :func:`name_key`, but generic words are kept.

    Parameters
    ----------
    name : str
        A name as written.

    Returns
    -------
    str
        The key; it differs from :func:`name_key` only when the name ends in a generic word
        (:data:`GENERIC_WORDS`).

    Examples
    --------
    >>> strict_key("Novo Holdings A/S")
    'novo holdings'
    >>> strict_key("BioInvent International AB (publ)")
    'bioinvent international'
    """
    return " ".join(_strip(_words(name), LEGAL_FORMS))


def _strip(words: list[str], suffixes: frozenset[tuple[str, ...]]) -> list[str]:
    """Drop a leading legal form, then ``suffixes`` from the end, repeatedly; never all."""
    while prefix := next((p for p in _PREFIX_FORMS if _starts_with(words, p)), None):
        words = words[len(prefix) :]
    while True:
        if len(words) > 4 and tuple(words[-4:]) in _KGAA_COMPOUNDS:
            words = words[:-4] + _KGAA
        cut = _suffix_length(words, suffixes)
        if not cut:
            return words
        words = words[:-cut]


def _starts_with(words: list[str], prefix: tuple[str, ...]) -> bool:
    return len(words) > len(prefix) and tuple(words[: len(prefix)]) == prefix


def _suffix_length(words: list[str], suffixes: frozenset[tuple[str, ...]]) -> int:
    """How many trailing words form a suffix, longest first; 0 if none may go.

    A suffix may not take the whole name ("SA" stays "sa"), nor leave it ending in "and":
    in "Mitsui & Co., Ltd." only "Ltd" goes, the company is "Mitsui & Co".
    """
    for size in range(min(_LONGEST, len(words) - 1), 0, -1):
        if tuple(words[-size:]) in suffixes and words[-size - 1] != "and":
            return size
    return 0


def is_legal_form(text: str) -> bool:
    """Whether ``text`` is only a legal form (``"publ"``, ``"S.p.A."``, ``"Co., Ltd."``)."""
    return tuple(_words(text)) in LEGAL_FORMS


def slugify(name: str) -> str:
    """A stable, URL-safe id from a name: ``Johnson & Johnson`` -> ``johnson-and-johnson``.

    Unlike the keys it keeps legal forms; letters without a decomposition are written out
    (``Københavns Universitet`` -> ``koebenhavns-universitet``).
    """
    return "-".join(_NON_WORD.sub(" ", _fold(name).translate(_LETTERS)).split()) or "actor"


def split_parent(text: str) -> tuple[str, str | None]:
    """Split ``"Alcon (Novartis)"`` into ``("Alcon", "Novartis")``; no brackets -> ``None``.

    A bracketed legal form is part of the name, not a parent: ``"BioInvent AB (publ)"`` ->
    ``("BioInvent AB (publ)", None)``.
    """
    match = _PARENT.match(text.strip())
    if not match or not match.group("name") or is_legal_form(match.group("inner")):
        return text.strip(), None
    return match.group("name").strip(), match.group("inner").strip() or None
