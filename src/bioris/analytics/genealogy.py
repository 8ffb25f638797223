"""Firm lineage: which institution or firm each actor came from, who bought it, and when it
entered and left the RIS.

The actors' ``origin`` texts are free text ("VIB; VUB", "KU Leuven (Rega Institute; LRD)",
"ThromboGenics and VIB (joint venture; ThromboGenics majority)"). :func:`spinoff_genealogy`
resolves them to actors by name and alias, adds the dated acquisitions of the lineage, and
:func:`genealogy_tree` unfolds the result per institution: KU Leuven -> ThromboGenics ->
Oncurious; VIB -> Ablynx -> acquired by Sanofi (2018). :func:`actor_lifespans` dates each
actor's entry and exit, from the lineage and the free-text ``exit`` field.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from bioris.domain import Actor, LineageFact
from bioris.domain.exits import parse_exit
from bioris.domain.names import name_key, split_parent
from bioris.errors import BiorisError

__all__ = [
    "DESCENT_RELATIONS",
    "GENEALOGY_SCHEMA",
    "SPINOFF_FIRM_KINDS",
    "TREE_SCHEMA",
    "actor_lifespans",
    "alias_frame",
    "first_exits",
    "format_genealogy",
    "genealogy_tree",
    "lineage_table",
    "parse_exit_year",
    "rejoin_brackets",
    "spinoff_counts",
    "spinoff_genealogy",
]

FIRM_KINDS = frozenset({"nbf", "biotech", "pharma"})
#: the kinds of actor a spin-off count counts (:func:`spinoff_counts`): new biotech firms and
#: biotech firms, not the funds, institutes, hospitals or associations an institution is also
#: named as the origin of
SPINOFF_FIRM_KINDS = ("nbf", "biotech")
DESCENT_RELATIONS = ("spun_out_of", "corporate_spinoff")
GENEALOGY_SCHEMA = {
    "parent": pl.String,
    "child": pl.String,
    "relation": pl.String,
    "year": pl.Int32,
    "parent_name": pl.String,
    "match": pl.String,
}
TREE_SCHEMA = {
    "root": pl.String,
    "depth": pl.Int32,
    "parent": pl.String,
    "child": pl.String,
    "relation": pl.String,
    "year": pl.Int32,
    "path": pl.String,
}
_BRACKETS = re.compile(r"\([^()]*\)")
_MIN_MENTION_CHARS = 3
_LINEAGE_SCHEMA = {
    "actor_id": pl.String,
    "relation": pl.String,
    "target": pl.String,
    "start_year": pl.Int32,
    "end_year": pl.Int32,
}


def lineage_table(lineage: Collection[LineageFact] | pl.DataFrame) -> pl.DataFrame:
    """Lineage facts as a table: ``actor_id, relation, target, start_year, end_year``.

    A data frame with those columns is returned as it is (open years stay null, unlike
    :func:`~bioris.analytics.parent_table`).
    """
    if isinstance(lineage, pl.DataFrame):
        missing = {"actor_id", "relation", "target", "start_year"} - set(lineage.columns)
        if missing:
            raise BiorisError(f"lineage table lacks columns {sorted(missing)}")
        return lineage
    rows = [(f.actor_id, str(f.relation), f.target, f.start_year, f.end_year) for f in lineage]
    return pl.DataFrame(rows, schema=_LINEAGE_SCHEMA, orient="row")


def parse_exit_year(text: str | None) -> int | None:
    """The year a firm exited, read from free text such as ``"acquired by Sanofi 2018"``
    (:func:`bioris.domain.exits.parse_exit`: the first clause announcing an acquisition, a
    merger into another firm or a closure).

    >>> parse_exit_year("merged with Virco 2001; acquired by Johnson & Johnson 2002")
    2002
    >>> parse_exit_year("acquired by Syngenta (bid Sept 2012, c. EUR403M)")
    2012
    >>> parse_exit_year("Meusinvest renamed Noshaq 2019") is None
    True
    """
    found = parse_exit(text)
    return found.year if found else None


def actor_lifespans(
    actors: pl.DataFrame,
    lineage: Collection[LineageFact] | pl.DataFrame | None = None,
    *,
    alliances: pl.DataFrame | None = None,
    parties: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """When each actor entered and left: ``actor_id, founded, entry_year, exit_year,
    exit_source, exit_kind, acquirer``.

    ``exit_year`` ends the actor's independent life: the earliest dated ``acquired_by`` or
    ``closed`` fact of the lineage (``exit_source`` ``"lineage"``), else the exit read from
    the actor's ``exit`` text (:func:`bioris.domain.exits.parse_exit`, ``"exit_text"``), else
    null. An acquired firm that goes on operating as a subsidiary has exited: it is no longer
    an independent firm. ``exit_kind`` is ``acquired``, ``merged`` or ``closed``;
    ``acquirer`` the acquiring actor's id when the lineage names it. ``entry_year`` is the
    founding year, else (when ``alliances`` and ``parties`` are given) the year of the
    actor's first dated deal, else null.
    """
    facts = lineage_table(lineage if lineage is not None else [])
    ends = (
        facts.filter(
            pl.col("relation").is_in(["acquired_by", "closed"]) & pl.col("start_year").is_not_null()
        )
        .sort("actor_id", "start_year", "relation", "target")
        .group_by("actor_id", maintain_order=True)
        .agg(
            pl.col("start_year").first().cast(pl.Int32).alias("ended"),
            pl.col("relation").first().alias("_relation"),
            pl.col("target").first().alias("_target"),
        )
    )
    parsed = [parse_exit(t) for t in actors["exit"].to_list()]
    spans = (
        actors.select("actor_id", pl.col("founded").cast(pl.Int32))
        .with_columns(
            pl.Series("parsed", [p.year if p else None for p in parsed], dtype=pl.Int32),
            pl.Series("parsed_kind", [p.kind if p else None for p in parsed], dtype=pl.String),
        )
        .join(ends, on="actor_id", how="left")
    )
    if alliances is not None and parties is not None:
        first = (
            parties.join(alliances.select("alliance_id", "year"), on="alliance_id")
            .group_by("actor_id")
            .agg(pl.col("year").min().cast(pl.Int32).alias("first_deal"))
        )
        spans = spans.join(first, on="actor_id", how="left")
    else:
        spans = spans.with_columns(pl.lit(None, dtype=pl.Int32).alias("first_deal"))
    from_lineage = pl.col("ended").is_not_null()
    lineage_kind = (
        pl.when(pl.col("_relation") == "closed").then(pl.lit("closed")).otherwise(
            pl.when(pl.col("parsed_kind") == "merged").then(pl.lit("merged"))
            .otherwise(pl.lit("acquired"))
        )
    )  # fmt: skip
    return spans.select(
        "actor_id",
        "founded",
        pl.coalesce("founded", "first_deal").alias("entry_year"),
        pl.coalesce("ended", "parsed").alias("exit_year"),
        pl.when(from_lineage)
        .then(pl.lit("lineage"))
        .when(pl.col("parsed").is_not_null())
        .then(pl.lit("exit_text"))
        .alias("exit_source"),
        pl.when(from_lineage)
        .then(lineage_kind)
        .otherwise(pl.col("parsed_kind"))
        .alias("exit_kind"),
        pl.when(from_lineage & (pl.col("_relation") == "acquired_by"))
        .then(pl.col("_target"))
        .alias("acquirer"),
    )


def first_exits(exits: pl.DataFrame) -> pl.DataFrame:
    """``actor_id, exit_year``: each actor's first exit, from a table with those columns
    (:func:`actor_lifespans` output, or ``NetworkInputs.exits``).

    Actors without an exit year are dropped; an actor listed with several exit years ended
    its independent life at the first, so the measures that end firms and ties at exits
    (tie tables, partner profiles, business models, highest stages) read one row per actor
    and never count a firm-year twice.
    """
    return (
        exits.select("actor_id", pl.col("exit_year").cast(pl.Int32))
        .drop_nulls()
        .group_by("actor_id")
        .agg(pl.col("exit_year").min())
        .sort("actor_id")
    )


def alias_frame(actors: Iterable[Actor]) -> pl.DataFrame:
    """The actors' other names: ``actor_id, alias`` (``actors_frame`` does not carry them)."""
    rows = [(a.actor_id, alias) for a in actors for alias in a.aliases]
    return pl.DataFrame(rows, schema={"actor_id": pl.String, "alias": pl.String}, orient="row")


def rejoin_brackets(items: Iterable[str]) -> list[str]:
    """Undo a ``"; "`` split inside brackets.

    List cells are stored ``"; "``-separated, so ``"KU Leuven (Rega Institute; LRD)"`` comes
    back as ``["KU Leuven (Rega Institute", "LRD)"]``; this joins such pieces again.
    """
    out: list[str] = []
    for item in items:
        if out and out[-1].count("(") > out[-1].count(")"):
            out[-1] = f"{out[-1]}; {item}"
        else:
            out.append(item)
    return out


def _fold(text: str) -> str:
    """Accents dropped, case kept: mentions are matched case-sensitively."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class _Names:
    keys: Mapping[str, frozenset[str]]  # name_key -> actor ids
    mentions: tuple[tuple[str, frozenset[str]], ...]  # folded spelling, longest first


def _name_index(spellings: Iterable[tuple[str, str]]) -> _Names:
    keys: dict[str, set[str]] = defaultdict(set)
    forms: dict[str, set[str]] = defaultdict(set)
    for actor_id, spelling in spellings:
        if not spelling or not spelling.strip():
            continue
        base = split_parent(spelling)[0]  # "Oxurion (from 2018)" -> "Oxurion"
        keys[name_key(base)].add(actor_id)
        if len(base) >= _MIN_MENTION_CHARS:
            forms[_fold(base)].add(actor_id)
    mentions = tuple(
        (form, frozenset(ids))
        for form, ids in sorted(forms.items(), key=lambda item: (-len(item[0]), item[0]))
    )
    return _Names({k: frozenset(v) for k, v in keys.items() if k}, mentions)


@lru_cache(maxsize=4096)
def _mention_pattern(form: str) -> re.Pattern[str]:
    """A whole-word match of ``form``; compiled only for the forms an origin text contains
    (compiling one per actor costs seconds on 20,000 actors)."""
    return re.compile(r"(?<!\w)" + re.escape(form) + r"(?!\w)")


def _resolve_origin(text: str, names: _Names) -> tuple[frozenset[str], str | None]:
    """The actors an origin text names, and how (see :func:`spinoff_genealogy`)."""
    outside = " ".join(_BRACKETS.sub(" ", text).split())
    for candidate in (text, outside):
        ids = names.keys.get(name_key(candidate))
        if ids:
            return ids, "name"
    folded, taken, found = _fold(outside), [], set()
    for form, ids in names.mentions:
        if form not in folded:  # a whole-word match is a substring first
            continue
        for hit in _mention_pattern(form).finditer(folded):
            span = hit.span()
            if not any(s < span[1] and span[0] < e for s, e in taken):
                taken.append(span)
                found |= ids
    return (frozenset(found), "mention") if found else (frozenset(), None)


def _spellings(
    actors: pl.DataFrame, aliases: pl.DataFrame | None, lineage: pl.DataFrame
) -> list[tuple[str, str]]:
    out = list(actors.select("actor_id", "name").iter_rows())
    if "aliases" in actors.columns:
        out += [(i, a) for i, names in actors.select("actor_id", "aliases").iter_rows()
                for a in names or []]  # fmt: skip
    if aliases is not None:
        out += list(aliases.select("actor_id", "alias").iter_rows())
    named = lineage.filter(pl.col("relation") == "named")
    return out + list(named.select("actor_id", "target").iter_rows())


def spinoff_genealogy(
    actors: pl.DataFrame,
    lineage: Collection[LineageFact] | pl.DataFrame,
    *,
    aliases: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The spin-off and acquisition edges between actors.

    Every row reads "``child`` <relation> ``parent``":

    ``spun_out_of``
        ``child`` names ``parent`` (a university, research centre, hospital, public body,
        ...) in its ``origin``; ``year`` is the child's founding year. Origin texts that name
        no known actor are kept with ``parent`` null and the text in ``parent_name``
        ("University of Bristol").
    ``corporate_spinoff``
        the same, when the parent is a firm (``nbf``, ``biotech`` or ``pharma``): the later
        spin-offs of the spin-offs (Oncurious from ThromboGenics, ADx from Innogenetics), and
        joint ventures, which get one edge per parent firm.
    ``acquired_by``
        ``child`` was acquired by ``parent`` in ``year``, from the lineage's ``acquired_by``
        facts (a firm sold twice has two edges).

    Each ``origin`` text (pieces of a text split inside brackets are joined again,
    :func:`rejoin_brackets`) is resolved against the actors' names, their aliases (the
    ``aliases`` argument, or an ``aliases`` list column of ``actors``) and the names of the
    lineage's ``named`` facts, bracketed qualifiers of names dropped ("Oxurion (from 2018)"):

    1. ``match="name"``: the name key (:func:`~bioris.domain.names.name_key`) of the whole
       text, or of the text without its bracketed parts, is the key of a name or alias
       ("ULB (IBMM, Dr Edmond Godfroid)" is ULB);
    2. ``match="mention"``: otherwise, every name or alias of three characters or more that
       occurs in the text outside brackets, as whole words, with its capitals (accents
       ignored), longer spellings first; a spelling inside a longer match does not count
       ("Janssen Pharmaceutica" is not also "Janssen"). Brackets are skipped because they
       hold comments: "investment vehicle of Rudi Marien (Innogenetics founder)" does not
       make Biovest an Innogenetics spin-off.

    A spelling shared by several actors resolves to all of them ("Tibotec-Virco" names
    Tibotec and Virco). An actor never descends from itself (a text naming only the actor
    itself is dropped); a parent named twice by one child gives one edge (the first text that
    names it).

    Parameters
    ----------
    actors : polars.DataFrame
        ``actor_id, name, kind, founded, origin`` (:func:`~bioris.analytics.actors_frame`).
    lineage : collection of LineageFact or polars.DataFrame
        The dataset's lineage (:func:`lineage_table`).
    aliases : polars.DataFrame, optional
        ``actor_id, alias`` (:func:`alias_frame`).

    Returns
    -------
    polars.DataFrame
        ``parent, child, relation, year, parent_name, match``; ``parent_name`` is the origin
        text an origin edge was read from (null for acquisitions); ``match`` says how the
        parent was found: ``name``, ``mention``, ``lineage`` or null (unresolved). Sorted by
        child, relation and parent.

    References
    ----------
    Klepper, S. (2007). Disagreements, spinoffs, and the evolution of Detroit as the capital
    of the U.S. automobile industry. Management Science, 53(4), 616-631.
    Shane, S. (2004). Academic Entrepreneurship: University Spinoffs and Wealth Creation.
    Edward Elgar.
    """
    facts = lineage_table(lineage)
    names = _name_index(_spellings(actors, aliases, facts))
    kinds = dict(actors.select("actor_id", "kind").iter_rows())
    rows: dict[tuple, tuple] = {}
    columns = ("actor_id", "founded", "origin")
    for child, founded, origins in actors.select(columns).iter_rows():
        for text in rejoin_brackets(origins or []):
            found, how = _resolve_origin(text, names)
            ids = found - {child}
            if not found:
                rows.setdefault((None, child, text), (None, child, "spun_out_of", founded,
                                                      text, None))  # fmt: skip
            for parent in sorted(ids):
                relation = "corporate_spinoff" if kinds.get(parent) in FIRM_KINDS else "spun_out_of"
                rows.setdefault((parent, child), (parent, child, relation, founded, text, how))
    acquisitions = facts.filter(pl.col("relation") == "acquired_by")
    for child, parent, year in acquisitions.select("actor_id", "target", "start_year").iter_rows():
        rows[(parent, child, "acquired_by", year)] = (parent, child, "acquired_by", year, None,
                                                      "lineage")  # fmt: skip
    frame = pl.DataFrame(list(rows.values()), schema=GENEALOGY_SCHEMA, orient="row")
    return frame.sort("child", "relation", "parent", "year", nulls_last=True)


def spinoff_counts(
    edges: pl.DataFrame,
    actors: pl.DataFrame,
    *,
    firms: Collection[str] = (),
    kinds: Collection[str] = SPINOFF_FIRM_KINDS,
) -> pl.DataFrame:
    """How many firms each institution gave rise to: the ``spun_out_of`` edges of
    :func:`spinoff_genealogy` whose child is a firm, counted once per institution.

    A child counts when its kind is one of ``kinds`` (new biotech and biotech firms by
    default) or it is one of ``firms`` (the study's panel, whatever its kind). A fund, a
    research institute, a hospital or a network organisation whose origin names the
    institution is not a spin-off firm and does not count; nor do a firm's own corporate
    spin-offs (those are the firm's, not an institution's).

    Parameters
    ----------
    edges : polars.DataFrame
        :func:`spinoff_genealogy` output.
    actors : polars.DataFrame
        ``actor_id, name, kind, location`` (:func:`~bioris.analytics.actors_frame`).
    firms : collection of str
        Actor ids that count whatever their kind (the study's panel firms).
    kinds : collection of str
        Actor kinds that count as firms.

    Returns
    -------
    polars.DataFrame
        ``parent, spinoffs, child`` (the firm ids, sorted), ``name, location`` (of the
        institution), most spin-offs first, then by name.

    Examples
    --------
    >>> actors = pl.DataFrame({"actor_id": ["u", "f", "g", "fund"], "name": ["U", "F", "G", "Fd"],
    ...                        "kind": ["university", "nbf", "pharma", "financier"],
    ...                        "location": ["A"] * 4})
    >>> edges = pl.DataFrame({"parent": ["u"] * 3, "child": ["f", "g", "fund"],
    ...                       "relation": ["spun_out_of"] * 3})
    >>> spinoff_counts(edges, actors).select("name", "spinoffs", "child").row(0)
    ('U', 1, ['f'])
    >>> spinoff_counts(edges, actors, firms=["g"]).row(0)[:3]
    ('u', 2, ['f', 'g'])
    """
    chosen = actors.filter(
        pl.col("kind").is_in(list(kinds)) | pl.col("actor_id").is_in(list(firms))
    )["actor_id"].implode()
    return (
        edges.filter((pl.col("relation") == "spun_out_of") & pl.col("child").is_in(chosen))
        .drop_nulls("parent")
        .group_by("parent")
        .agg(
            pl.col("child").n_unique().cast(pl.Int64).alias("spinoffs"),
            pl.col("child").unique().sort(),
        )
        .join(actors.select(pl.col("actor_id").alias("parent"), "name", "location"), on="parent")
        .sort("spinoffs", "name", descending=[True, False])
    )


def _roots(edges: pl.DataFrame, root: str | Collection[str] | None) -> list[str]:
    descent = edges.filter(pl.col("relation").is_in(DESCENT_RELATIONS))
    if root is None:
        parents = set(descent["parent"].drop_nulls())
        return sorted(parents - set(descent.filter(pl.col("parent").is_not_null())["child"]))
    return [root] if isinstance(root, str) else list(root)


def genealogy_tree(
    edges: pl.DataFrame,
    root: str | Collection[str] | None = None,
    *,
    max_depth: int = 12,
) -> pl.DataFrame:
    """Unfold the genealogy below one or more roots, depth first.

    Parameters
    ----------
    edges : polars.DataFrame
        :func:`spinoff_genealogy` output.
    root : str or collection of str, optional
        Actor ids to start from (``"ku-leuven"``, ``"vib"``). A text that is not an actor id
        of ``edges`` is matched by name key against unresolved origin texts
        (``"University of Bristol"``). By default every actor that has spin-offs and descends
        from no one: one tree per institution.
    max_depth : int
        Deepest level unfolded (a guard; cycles are cut anyway).

    Returns
    -------
    polars.DataFrame
        ``root, depth, parent, child, relation, year, path``, one row per step down the tree,
        in depth-first order (children by year, then id). A step from ``parent`` down to
        ``child`` is a spin-off (``spun_out_of``, ``corporate_spinoff``: ``child`` spun out
        of ``parent``) or the fate of ``parent`` (``acquired_by``: ``parent`` was acquired by
        ``child``, so the acquirer is shown below the firm it bought, and its own spin-offs
        are not unfolded). ``depth`` counts steps from the root (1 for its own spin-offs),
        ``path`` the ids from the root to ``child``, joined with ``" > "``. The root's own
        acquisitions are included; a branch that would revisit an actor on its path stops.
    """
    descent = edges.filter(pl.col("relation").is_in(DESCENT_RELATIONS))
    children: dict[str | None, list[tuple]] = defaultdict(list)
    for parent, child, relation, year in descent.select(
        "parent", "child", "relation", "year"
    ).rows():
        children[parent].append((year if year is not None else 9999, child, relation, year))
    acquirers: dict[str, list[tuple]] = defaultdict(list)
    for parent, child, year in (
        edges.filter(pl.col("relation") == "acquired_by").select("parent", "child", "year").rows()
    ):
        acquirers[child].append((year if year is not None else 9999, parent, year))
    known = set(edges["parent"].drop_nulls()) | set(edges["child"])
    rows: list[tuple] = []

    def unfold(root: str, node: str | None, depth: int, path: list[str]) -> None:
        if depth >= max_depth:
            return
        if node is not None:
            for _, acquirer, year in sorted(acquirers.get(node, [])):
                rows.append((root, depth + 1, node, acquirer, "acquired_by", year,
                             " > ".join([*path, acquirer])))  # fmt: skip
        kids = children.get(node, []) if node is not None else _unresolved(descent, root)
        for _, child, relation, year in sorted(kids):
            if child in path:
                continue
            rows.append((root, depth + 1, node, child, relation, year, " > ".join([*path, child])))
            unfold(root, child, depth + 1, [*path, child])

    for start in _roots(edges, root):
        unfold(start, start if start in known else None, 0, [start])
    return pl.DataFrame(rows, schema=TREE_SCHEMA, orient="row")


def _unresolved(descent: pl.DataFrame, text: str) -> list[tuple]:
    key = name_key(text)
    hits = descent.filter(pl.col("parent").is_null())
    return [
        (year if year is not None else 9999, child, relation, year)
        for child, relation, year, name in hits.select(
            "child", "relation", "year", "parent_name"
        ).rows()
        if name and name_key(name) == key
    ]


def format_genealogy(tree: pl.DataFrame, names: Mapping[str, str] | None = None) -> str:
    """The tree as indented text, one root after another::

        KU Leuven
          ThromboGenics (spun_out_of 1991)
            Oncurious (corporate_spinoff 2015)

    ``names`` maps actor ids to display names (ids are shown otherwise).
    """
    if not {"root", "depth", "child", "relation", "year"} <= set(tree.columns):
        raise BiorisError("format_genealogy needs a genealogy_tree() table")
    names = names or {}
    lines: list[str] = []
    current = None
    for root, depth, child, relation, year in tree.select(
        "root", "depth", "child", "relation", "year"
    ).rows():
        if root != current:
            lines += [""] if lines else []
            lines.append(names.get(root, root))
            current = root
        when = f" {year}" if year is not None else ""
        lines.append(f"{'  ' * depth}{names.get(child, child)} ({relation}{when})")
    return "\n".join(lines)
