"""Entity resolution: from a name as reported to one actor (and maybe its parent)."""

from __future__ import annotations

import pytest

from bioris.domain import Actor, ActorKind, LineageFact, LineageRelation
from bioris.ingest.resolve import Match, NameIndex

ACTORS = (
    Actor("galapagos", "Galapagos", ActorKind.NBF, aliases=("Galapagos Genomics",)),
    Actor("novartis", "Novartis", ActorKind.PHARMA),
    Actor("alcon", "Alcon", ActorKind.PHARMA),
    Actor("merck-and-co", "Merck & Co", ActorKind.PHARMA, aliases=("MSD", "Merck")),
    Actor("merck-kgaa", "Merck KGaA", ActorKind.PHARMA, aliases=("Merck",)),
    Actor("takeda", "Takeda", ActorKind.PHARMA, aliases=("Takeda Pharmaceutical",)),
    Actor("janssen", "Janssen Pharmaceutica (Johnson & Johnson)", ActorKind.PHARMA),
    Actor("sanofi", "Sanofi", ActorKind.PHARMA),
    Actor("tigenix", "TiGenix", ActorKind.NBF),
)
LINEAGE = (
    LineageFact("tigenix", LineageRelation.NAMED, "Cellerix", 2004, 2011),
    LineageFact("sanofi", LineageRelation.NAMED, "Sanofi-Aventis", 2004, 2011),
    LineageFact("alcon", LineageRelation.SUBSIDIARY_OF, "novartis", 2011, 2019),  # not a name
)


@pytest.fixture
def index() -> NameIndex:
    return NameIndex.build(ACTORS, LINEAGE)


@pytest.mark.parametrize(
    ("reported", "actor_id"),
    [
        ("Galapagos", "galapagos"),
        ("Galàpagos", "galapagos"),
        ("Galapagos NV", "galapagos"),
        ("GALAPAGOS", "galapagos"),
        ("galapagos  genomics nv", "galapagos"),  # an alias, any case and spacing
        ("Galapagos Genomics SA", "galapagos"),
        ("Merck & Co.", "merck-and-co"),
        ("Merck and Co Inc", "merck-and-co"),
        ("MSD", "merck-and-co"),
        ("Merck KGaA", "merck-kgaa"),
        ("Takeda Pharmaceutical", "takeda"),
        ("Takeda Pharmaceutical Co., Ltd.", "takeda"),
        ("Cellerix", "tigenix"),  # a former name from a ``named`` lineage fact
        ("Sanofi-Aventis", "sanofi"),
        ("sanofi aventis", "sanofi"),
        ("novartis", "novartis"),  # an id resolves too
        ("Janssen Pharmaceutica", "janssen"),  # a bracketed name is indexed bare as well
        ("Janssen Pharmaceutica (Johnson & Johnson)", "janssen"),
    ],
)
def test_resolves(index: NameIndex, reported: str, actor_id: str) -> None:
    match = index.resolve(reported)
    assert (match.actor_id, match.parent_id, match.problem) == (actor_id, None, None)


def test_merck_and_co_and_merck_kgaa_stay_distinct(index: NameIndex) -> None:
    assert index.lookup("Merck & Co") == {"merck-and-co"}
    assert index.lookup("Merck KGaA") == {"merck-kgaa"}
    assert index.lookup("Merck") == {"merck-and-co", "merck-kgaa"}


def test_parent_in_brackets(index: NameIndex) -> None:
    assert index.resolve("Alcon (Novartis)") == Match("Alcon", "alcon", "novartis")
    assert index.resolve(" Alcon(Novartis AG) ") == Match("Alcon", "alcon", "novartis")


@pytest.mark.parametrize(
    ("reported", "match"),
    [
        ("Merck & Co (MSD)", Match("Merck & Co", "merck-and-co")),  # MSD is its own alias
        ("Merck KGaA (Merck Serono)", Match("Merck KGaA", "merck-kgaa")),  # unknown division
        ("Alcon (Switzerland)", Match("Alcon", "alcon")),
        ("Merck KGaA (Merck)", Match("Merck KGaA", "merck-kgaa")),  # ambiguous qualifier
    ],
)
def test_bracket_that_is_no_other_actor_only_qualifies(
    index: NameIndex, reported: str, match: Match
) -> None:
    assert index.resolve(reported) == match


def test_ambiguous_name(index: NameIndex) -> None:
    match = index.resolve("Merck")
    assert match.actor_id is None
    assert match.problem == (
        "'Merck' matches several actors: Merck & Co [merck-and-co], Merck KGaA [merck-kgaa]"
    )
    bracketed = index.resolve("Merck (Germany)")
    assert bracketed.actor_id is None
    assert bracketed.problem is not None and "'Merck' matches several actors" in bracketed.problem


@pytest.mark.parametrize(
    ("reported", "suggested"),
    [
        ("Galapagoss", "'Galapagos'"),
        ("Novartiss", "'Novartis'"),
        ("Takeda Pharmaceuticals", "'Takeda Pharmaceutical'"),
        ("Cellerics", "'Cellerix'"),
    ],
)
def test_unknown_name_suggests_close_names(index: NameIndex, reported: str, suggested: str) -> None:
    match = index.resolve(reported)
    assert match.actor_id is None
    assert match.problem is not None
    assert match.problem.startswith(f"no actor named {reported!r}; did you mean ")
    assert suggested in match.problem
    assert match.problem.endswith("(or import with --create-missing)")


def test_unknown_name_far_from_everything_suggests_nothing(index: NameIndex) -> None:
    match = index.resolve("Zzyzx Quux")
    assert match.problem == "no actor named 'Zzyzx Quux' (or import with --create-missing)"


def test_unknown_bare_name_with_parent(index: NameIndex) -> None:
    match = index.resolve("Sandoz (Novartis)")
    assert (match.name, match.actor_id, match.parent_id) == ("Sandoz", None, None)
    assert match.problem is not None and "no actor named 'Sandoz'" in match.problem


def test_suggestions_follow_the_settings(index: NameIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    assert index.suggestions("Galapagoss")[0] == "Galapagos"
    monkeypatch.setenv("BIORIS_FUZZY_SUGGESTIONS", "1")
    assert index.suggestions("Merk") == index.suggestions("Merk")[:1]
    assert len(index.suggestions("Merk")) == 1
    monkeypatch.setenv("BIORIS_FUZZY_MIN_SCORE", "101")
    assert index.suggestions("Galapagoss") == []


def test_ids_resolve_but_are_not_suggested() -> None:
    index = NameIndex.build([Actor("x-17", "Acme Biologics", ActorKind.BIOTECH)])
    assert index.lookup("x-17") == {"x-17"}
    assert index.suggestions("x-18") == []


def test_added_names_resolve_and_display_name(index: NameIndex) -> None:
    index.add_name("galapagos", "GLPG (Mechelen)")
    assert index.lookup("GLPG") == {"galapagos"}
    assert index.lookup("GLPG (Mechelen)") == {"galapagos"}
    assert index.display_name("galapagos") == "Galapagos"
    assert index.display_name("nobody") == "nobody"


def test_a_unit_in_brackets_is_not_a_parent():
    # 'KU Leuven (Rega Institute)': the institute's recorded origin is KU Leuven, so the
    # bracket names a unit of KU Leuven, not its parent
    from bioris.domain import Actor, ActorKind
    from bioris.ingest.resolve import NameIndex

    leuven = Actor("ku-leuven", "KU Leuven", ActorKind.UNIVERSITY)
    rega = Actor("rega", "Rega Institute", ActorKind.RESEARCH_CENTRE, origin=("KU Leuven",))
    novartis = Actor("novartis", "Novartis", ActorKind.PHARMA)
    alcon = Actor("alcon", "Alcon", ActorKind.PHARMA)
    index = NameIndex.build([leuven, rega, novartis, alcon])
    unit = index.resolve("KU Leuven (Rega Institute)")
    assert (unit.actor_id, unit.parent_id) == ("ku-leuven", None)
    parent = index.resolve("Alcon (Novartis)")
    assert (parent.actor_id, parent.parent_id) == ("alcon", "novartis")


# -- strict before loose: generic words such as "Holdings" (issue 12) ------------------------

NOVO_NORDISK = Actor("novo-nordisk", "Novo Nordisk", ActorKind.PHARMA, aliases=("Novo",))
NOVO_HOLDINGS = Actor("novo-holdings", "Novo Holdings", ActorKind.FINANCIER)


def test_a_generic_word_falls_back_to_the_loose_key_while_only_one_actor_is_known() -> None:
    index = NameIndex.build([NOVO_NORDISK])
    assert index.lookup("Novo Holdings") == {"novo-nordisk"}  # loose: as before
    assert index.lookup_strict("Novo Holdings") == set()  # ... which the caller can tell
    assert index.lookup_strict("Novo") == {"novo-nordisk"}
    assert index.resolve("Novo Holdings A/S").actor_id == "novo-nordisk"


@pytest.mark.parametrize(
    ("reported", "actor_id"),
    [
        ("Novo Holdings", "novo-holdings"),
        ("Novo Holdings A/S", "novo-holdings"),
        ("NOVO HOLDINGS", "novo-holdings"),
        ("novo-holdings", "novo-holdings"),
        ("Novo", "novo-nordisk"),
        ("Novo A/S", "novo-nordisk"),
        ("Novo Nordisk A/S", "novo-nordisk"),
        ("Novo Nordisk", "novo-nordisk"),
    ],
)
def test_strict_match_wins_once_both_actors_are_known(reported: str, actor_id: str) -> None:
    index = NameIndex.build([NOVO_NORDISK, NOVO_HOLDINGS])
    assert index.resolve(reported) == Match(reported, actor_id)
    assert index.lookup(reported) == index.lookup_strict(reported) == {actor_id}


def test_loose_only_name_stays_ambiguous_when_the_loose_key_is() -> None:
    # "Novo Group" matches nothing strictly, and loosely both (Novo; Novo Holdings)
    index = NameIndex.build([NOVO_NORDISK, NOVO_HOLDINGS])
    assert index.lookup_strict("Novo Group") == set()
    assert index.lookup("Novo Group") == {"novo-nordisk", "novo-holdings"}
    assert "matches several actors" in (index.resolve("Novo Group").problem or "")


def test_added_holding_name_resolves_strictly() -> None:
    index = NameIndex.build([NOVO_NORDISK])
    index.add(NOVO_HOLDINGS)
    assert index.resolve("Novo Holdings A/S").actor_id == "novo-holdings"


@pytest.mark.parametrize(
    ("reported", "actor_id"),
    [
        ("BioInvent International AB (publ)", "bioinvent"),
        ("BioInvent International AB", "bioinvent"),
        ("BioInvent", "bioinvent"),
        ("H. Lundbeck A/S", "lundbeck"),
        ("Københavns Universitet", "ku"),
        ("Koebenhavns Universitet", "ku"),
        ("Kobenhavns Universitet", "ku"),
        ("Aarhus Universitet", "au"),
    ],
)
def test_names_from_other_countries_resolve(reported: str, actor_id: str) -> None:
    index = NameIndex.build(
        [
            Actor("bioinvent", "BioInvent", ActorKind.NBF, aliases=("BioInvent International",)),
            Actor("lundbeck", "Lundbeck", ActorKind.PHARMA, aliases=("H. Lundbeck",)),
            Actor(
                "ku",
                "University of Copenhagen",
                ActorKind.UNIVERSITY,
                aliases=("Københavns Universitet",),
            ),
            Actor("au", "Aarhus University", ActorKind.UNIVERSITY, aliases=("Århus Universitet",)),
        ]
    )
    match = index.resolve(reported)
    assert (match.actor_id, match.parent_id, match.problem) == (actor_id, None, None)
