"""Name keys, slugs and bracketed parents: the normalisation entity resolution rests on."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bioris.data import resource
from bioris.domain import name_key, slugify, split_parent, strict_key
from bioris.domain.names import _LEGAL_FORMS_BY_REGION, is_legal_form


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Galapagos", "galapagos"),
        ("Galàpagos", "galapagos"),
        ("GALAPAGOS", "galapagos"),
        ("Galapagos NV", "galapagos"),
        ("  galapagos   nv ", "galapagos"),
        ("Université de Liège", "universite de liege"),
        ("Merck & Co.", "merck and co"),
        ("Merck and Co", "merck and co"),
        ("Merck KGaA", "merck kga"),  # KGaA is kept (its "aa" folds like Aarhus)
        ("Johnson & Johnson", "johnson and johnson"),
        ("Takeda Pharmaceutical Co., Ltd.", "takeda pharmaceutical"),  # two-word suffix
        ("Foo Holding AG", "foo"),  # suffixes are stripped repeatedly from the end
        ("Bar Inc.", "bar"),
        ("Baz plc", "baz"),
        ("AB Science", "ab science"),  # a suffix word is only dropped at the end
        ("SA", "sa"),  # a lone suffix word is the whole name, so it stays
        ("arGEN-X", "argen x"),
        ("O'Neill", "o neill"),
        ("", ""),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Galàpagos", "Galapagos NV"),
        ("Galapagos NV", "GALAPAGOS"),
        ("Sanofi SA", "sanofi"),
        ("Novartis AG", "Novartis"),
        ("Biocartis Group NV", "Biocartis"),
    ],
)
def test_name_key_equal(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Merck & Co", "Merck KGaA"),
        ("Merck KGaA", "Merck"),
        ("UCB", "UCB Pharma"),
    ],
)
def test_name_key_distinct(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(("dotted", "plain"), [("Ablynx N.V.", "Ablynx"), ("UCB S.A.", "UCB")])
def test_name_key_strips_dotted_legal_suffix(dotted: str, plain: str) -> None:
    assert name_key(dotted) == name_key(plain)


@given(st.text(max_size=30))
def test_name_key_is_idempotent_and_plain(name: str) -> None:
    for key_of in (name_key, strict_key):
        key = key_of(name)
        assert key_of(key) == key
        assert key == key.strip()
        assert all(c.isascii() and (c.isalnum() or c == " ") for c in key)
        assert "  " not in key
        assert name_key(key) == name_key(name)  # the loose key drops more, never less


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Johnson & Johnson", "johnson-and-johnson"),
        ("Galapagos NV", "galapagos-nv"),  # the slug keeps the legal form: ids stay distinct
        ("Université de Liège", "universite-de-liege"),
        ("  KU   Leuven ", "ku-leuven"),
        ("Merck KGaA", "merck-kgaa"),
        ('=HYPERLINK("x")', "hyperlink-x"),
        ("", "actor"),
        ("!!!", "actor"),
        ("株式会社", "actor"),  # nothing ASCII survives the fold
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@given(st.text(max_size=30))
def test_slugify_is_url_safe(name: str) -> None:
    slug = slugify(name)
    assert slug
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Alcon (Novartis)", ("Alcon", "Novartis")),
        (
            "Janssen Pharmaceutica (Johnson & Johnson)",
            ("Janssen Pharmaceutica", "Johnson & Johnson"),
        ),
        ("Merck & Co (MSD)", ("Merck & Co", "MSD")),
        ("  Alcon  (  Novartis )  ", ("Alcon", "Novartis")),
        ("Alcon(Novartis)", ("Alcon", "Novartis")),
        ("Alcon", ("Alcon", None)),
        ("  Alcon  ", ("Alcon", None)),
        ("Alcon ()", ("Alcon", None)),  # empty brackets name no parent
        ("(Novartis)", ("(Novartis)", None)),  # nothing before the brackets: not a parent
        ("Foo (Bar) Baz", ("Foo (Bar) Baz", None)),  # brackets must close the name
        ("A (B) (C)", ("A (B)", "C")),  # only the last bracket is the parent
        ("A (B (C))", ("A (B (C))", None)),  # nested brackets are not split
    ],
)
def test_split_parent(text: str, parts: tuple[str, str | None]) -> None:
    assert split_parent(text) == parts


# -- names from any country (issue 12) ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # Nordic
        ("H. Lundbeck A/S", "h lundbeck"),  # only the legal form goes, not the initial
        ("Bavarian Nordic A/S", "bavarian nordic"),
        ("Novo Nordisk A/S", "novo nordisk"),
        ("Genmab A/S", "genmab"),
        ("Zealand Pharma A/S", "zealand pharma"),
        ("Ascendis Pharma ApS", "ascendis pharma"),
        ("BioInvent International AB (publ)", "bioinvent international"),
        ("BioInvent International AB", "bioinvent international"),
        ("Swedish Orphan Biovitrum AB (publ)", "swedish orphan biovitrum"),
        ("Orion Oyj", "orion"),
        ("Biotie Therapies Oy", "biotie therapies"),
        ("Faron Pharmaceuticals Oy Ab", "faron pharmaceuticals"),
        ("Photocure ASA", "photocure"),
        ("Nykode Therapeutics AS", "nykode therapeutics"),
        ("Alvotech hf.", "alvotech"),
        # DACH
        ("Boehringer Ingelheim GmbH", "bohringer ingelheim"),
        ("Bayer AG", "bayer"),
        ("Evotec SE", "evotec"),
        ("Cytonet GmbH & Co. KG", "cytonet"),
        ("Cytonet GmbH & Co KG", "cytonet"),
        ("Rentschler Biopharma SE & Co. KG", "rentschler biopharma"),
        ("Sartorius AG & Co. KG", "sartorius"),
        ("Max-Planck-Gesellschaft e.V.", "max planck gesellschaft"),
        ("Biotest Beteiligungsgesellschaft mbH", "biotest beteiligungsgesellschaft"),
        ("Acme Bio UG (haftungsbeschränkt)", "acme bio"),
        ("Roche Holding AG", "roche"),  # Holding is generic: the loose key drops it too
        # Benelux
        ("Galapagos NV", "galapagos"),
        ("Pharming Group N.V.", "pharming"),
        ("Acme B.V.", "acme"),
        ("Acme BVBA", "acme"),
        ("Acme CVBA", "acme"),
        ("Acme VZW", "acme"),
        ("Acme ASBL", "acme"),
        ("Acme SRL", "acme"),
        ("Acme SPRL", "acme"),
        # France
        ("Sanofi S.A.", "sanofi"),
        ("Ipsen SA", "ipsen"),
        ("Acme SAS", "acme"),
        ("Acme S.A.S.", "acme"),
        ("Acme SARL", "acme"),
        ("Acme Sarl", "acme"),
        ("Acme S.à r.l.", "acme"),
        # Italy
        ("Chiesi Farmaceutici SpA", "chiesi farmaceutici"),
        ("Chiesi Farmaceutici S.p.A.", "chiesi farmaceutici"),
        ("Acme Srl", "acme"),
        ("Acme S.r.l.", "acme"),
        # Spain
        ("Grifols S.A.", "grifols"),
        ("Acme SL", "acme"),
        ("Acme S.L.", "acme"),
        ("Acme S.L.U.", "acme"),
        # UK
        ("AstraZeneca PLC", "astrazeneca"),
        ("Abcam plc", "abcam"),
        ("Oxford Biomedica Ltd", "oxford biomedica"),
        ("Oxford Biomedica Ltd.", "oxford biomedica"),
        ("Oxford Biomedica Limited", "oxford biomedica"),
        ("Apitope Technology (Bristol) Ltd", "apitope technology bristol"),
        # US
        ("Amgen Inc", "amgen"),
        ("Amgen Inc.", "amgen"),
        ("Amgen, Inc.", "amgen"),
        ("Pfizer Corp", "pfizer"),
        ("Kaneka Corporation", "kaneka"),
        ("Veridex LLC", "veridex"),
        ("Merck & Co., Inc.", "merck and co"),
        # Japan
        ("Takeda Pharmaceutical Co., Ltd.", "takeda pharmaceutical"),
        ("Takeda Pharmaceutical Company Limited", "takeda pharmaceutical"),
        ("Astellas Pharma KK", "astellas pharma"),
        ("Astellas Pharma K.K.", "astellas pharma"),
        ("Toshiba Kabushiki Kaisha", "toshiba"),
        ("Kabushiki Kaisha Toshiba", "toshiba"),  # written before the name too
        ("Mitsui & Co., Ltd.", "mitsui and co"),  # "Co" belongs to "Mitsui & Co"
        # China, Korea, elsewhere
        ("Guangzhou Wondfo Biotech Co., Ltd.", "guangzhou wondfo biotech"),
        ("Shenzhen Pregene Biopharma Co Ltd", "shenzhen pregene biopharma"),
        ("Samsung Biologics Co., Ltd.", "samsung biologics"),
        ("Celltrion, Inc.", "celltrion"),
        ("LG Chem Ltd.", "lg chem"),
        ("CSL Pty Ltd", "csl"),
        ("Acme Pte. Ltd.", "acme"),
    ],
)
def test_legal_forms_of_many_countries_are_dropped(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.mark.parametrize(
    "form", sorted({f for forms in _LEGAL_FORMS_BY_REGION.values() for f in forms})
)
def test_every_listed_legal_form_is_dropped_from_the_end(form: str) -> None:
    assert name_key(f"Acme Biologics {form}") == "acme biologics"
    assert strict_key(f"Acme Biologics {form}") == "acme biologics"
    assert is_legal_form(form)


@pytest.mark.parametrize(
    "name",
    ["AB Science", "SA", "Co Ltd", "Oy", "GmbH", "AS"],
)
def test_a_legal_form_is_never_the_whole_key(name: str) -> None:
    assert name_key(name)  # a name made only of a legal form keeps something


@pytest.mark.parametrize(
    "spellings",
    [
        ("München", "Muenchen", "Munchen", "MÜNCHEN"),
        ("Københavns Universitet", "Koebenhavns Universitet", "Kobenhavns Universitet"),
        ("Århus", "Aarhus", "Arhus"),
        ("Aarhus Universitet", "Århus Universitet"),
        ("Grünenthal GmbH", "Gruenenthal", "Grunenthal"),
        ("Böhringer", "Boehringer", "Bohringer"),
        ("Mærsk", "Maersk", "Marsk"),
        ("Straße", "Strasse"),
        ("Hilleshög", "Hilleshoeg", "Hilleshog"),
        ("bioMérieux", "bioMerieux", "BIOMERIEUX SA"),
        ("Łódź", "Lodz"),
        ("Université de Liège", "Universite de Liege"),
    ],
)
def test_transliterations_share_a_key(spellings: tuple[str, ...]) -> None:
    assert len({name_key(s) for s in spellings}) == 1
    assert len({strict_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Quest Diagnostics", "Qust Diagnostics"),  # "que" is not an umlaut
        ("Merck KGaA", "Merck & Co"),
        ("Hoechst", "Höchster"),
    ],
)
def test_transliteration_keeps_different_names_apart(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Henkel AG & Co. KGaA", "Henkel KGaA"),
        ("Fresenius SE & Co. KGaA", "Fresenius KGaA"),
        ("Merck KGaA", "MERCK K.G.a.A."),
    ],
)
def test_kgaa_compounds_read_as_kgaa(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Merck KGaA", "Merck & Co"),
        ("Merck KGaA", "Merck & Co., Inc."),
        ("Merck KGaA", "Merck"),
        ("Henkel AG & Co. KGaA", "Henkel AG"),
        ("Henkel KGaA", "Henkel"),
    ],
)
def test_kgaa_is_kept(a: str, b: str) -> None:
    # KGaA tells Merck KGaA (Darmstadt) from Merck & Co (and from bare, ambiguous "Merck")
    assert name_key(a) != name_key(b)
    assert strict_key(a) != strict_key(b)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("BioInvent International AB (publ)", ("BioInvent International AB (publ)", None)),
        ("Acme UG (haftungsbeschränkt)", ("Acme UG (haftungsbeschränkt)", None)),
        ("Acme (S.p.A.)", ("Acme (S.p.A.)", None)),
        ("Sobi AB (publ) (Orphan Group)", ("Sobi AB (publ)", "Orphan Group")),
        ("Alcon (Novartis AG)", ("Alcon", "Novartis AG")),  # a parent's legal form is fine
        ("Acme (Publishing)", ("Acme", "Publishing")),
    ],
)
def test_bracketed_legal_form_is_no_parent(text: str, parts: tuple[str, str | None]) -> None:
    assert split_parent(text) == parts


@pytest.mark.parametrize(
    ("name", "strict", "loose"),
    [
        ("Novo Holdings A/S", "novo holdings", "novo"),
        ("Novo Holdings", "novo holdings", "novo"),
        ("Novo Nordisk A/S", "novo nordisk", "novo nordisk"),
        ("Roche Holding AG", "roche holding", "roche"),
        ("Biocartis Group NV", "biocartis group", "biocartis"),
        ("Debiopharm Group", "debiopharm group", "debiopharm"),
        ("Foo Holding Group", "foo holding group", "foo"),
        ("Groupe Novasep", "groupe novasep", "groupe novasep"),  # only trailing words go
        ("UCB Pharma SA", "ucb pharma", "ucb pharma"),  # Pharma is part of names
        ("Holding", "holding", "holding"),
    ],
)
def test_strict_key_keeps_generic_words(name: str, strict: str, loose: str) -> None:
    assert (strict_key(name), name_key(name)) == (strict, loose)


def _bundled_names(table: str, id_column: str) -> list[tuple[str, str]]:
    """(id, name) for every name and alias in a bundled table."""
    with resource(table).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        (row[id_column], name.strip())
        for row in rows
        for name in (row["name"], *row["aliases"].split(";"))
        if name.strip()
    ]


@pytest.mark.parametrize("key_of", [name_key, strict_key])
@pytest.mark.parametrize(
    ("table", "id_column", "already_shared"),
    [
        # the one shared key predates the new rules: an alias both actors carry
        ("actors.csv", "actor_id", {"tibotec virco after 2001 merger": {"tibotec", "virco"}}),
        ("big_pharma.csv", "name", {}),
    ],
)
def test_keys_merge_no_two_bundled_actors(
    key_of, table: str, id_column: str, already_shared: dict[str, set[str]]
) -> None:
    # The folding (ue -> u, aa -> a...) and the longer list of legal forms must not make two
    # bundled actors share a name that did not before.
    ids: dict[str, set[str]] = defaultdict(set)
    for actor_id, name in _bundled_names(table, id_column):
        ids[key_of(name)].add(actor_id)
    assert {key: owners for key, owners in ids.items() if len(owners) > 1} == already_shared


def test_slugs_write_out_letters_without_a_decomposition():
    from bioris.domain import slugify

    assert slugify("Københavns Universitet") == "koebenhavns-universitet"
    assert slugify("Straße AG") == "strasse-ag"
