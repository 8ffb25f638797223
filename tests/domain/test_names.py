"""Name keys, slugs and bracketed parents: the normalisation entity resolution rests on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bioris.domain import name_key, slugify, split_parent


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
        ("Merck KGaA", "merck kgaa"),  # KGaA is kept: it tells the two Mercks apart
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
    key = name_key(name)
    assert name_key(key) == key
    assert key == key.strip()
    assert all(c.isascii() and (c.isalnum() or c == " ") for c in key)
    assert "  " not in key


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
