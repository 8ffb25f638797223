"""Study files: a full valid file gives the definition it declares; every kind of mistake is
reported as FILE:LINE:COLUMN at the key at fault, all of them together."""

from __future__ import annotations

from importlib.resources import as_file
from pathlib import Path

import pytest

from bioris.data import study_file
from bioris.domain import DEFAULT_LAYERS, Panel, Region, StudyDefinition
from bioris.errors import BiorisError, RowError, ValidationError
from bioris.ingest.study_file import load_study_file, parse_study

FILE = "medicon.toml"
CATEGORIES = ("antibodies_nanobodies", "cdmo_bioprocessing", "agbiotech", "vaccines")

VALID = '''\
# The Medicon Valley study
name = "Medicon Valley biotech RIS"
# a """ in a comment opens no string
description = """
New biotech firms of the Danish-Swedish cluster.
window = 3 starts a line of this text, and so does
[[region]]: neither is a key or a table."""
period = [1995, 2020]
window = 7
network_layers = ["alliance", "financing"]

[[region]]
name = "Medicon Valley"
country = ["DK", "se"]
codes = ["DK-84", "SE-M"]
colour = "#1F5AA6"
focal = true

[[region]]
name = "Stockholm-Uppsala"
country = "SE"
codes = ["SE-AB", "SE-C", "SE11"]

[[region]]
name = "West Sweden"
country = "SE"
focal = false

[panel]
kinds = ["nbf", "biotech"]
regions = ["Medicon Valley", "Stockholm-Uppsala"]
categories = ["antibodies_nanobodies", "vaccines"]
exclude_categories = ["cdmo_bioprocessing"]
include = ["Genmab"]
exclude = ["Novo Holdings"]

[layers]
alliance = [
  "licensing_out", "licensing_in", "research_collaboration", "co_development", "option",
  "joint_venture", "commercialisation", "platform_service",
]
ma = ["acquisition"]
financing = ["equity_investment"]
public = ["grant"]
'''


def test_a_full_valid_study_file():
    study = parse_study(VALID, FILE, categories=CATEGORIES)
    assert study == StudyDefinition(
        name="Medicon Valley biotech RIS",
        description=(
            "New biotech firms of the Danish-Swedish cluster.\nwindow = 3 starts a line of "
            "this text, and so does\n[[region]]: neither is a key or a table."
        ),
        period=(1995, 2020),
        window=7,
        regions=(
            Region("Medicon Valley", ("DK", "SE"), ("DK-84", "SE-M"), "#1F5AA6", True),
            Region("Stockholm-Uppsala", ("SE",), ("SE-AB", "SE-C", "SE11")),
            Region("West Sweden", ("SE",), focal=False),
        ),
        panel=Panel(
            kinds=("nbf", "biotech"),
            regions=("Medicon Valley", "Stockholm-Uppsala"),
            categories=("antibodies_nanobodies", "vaccines"),
            exclude_categories=("cdmo_bioprocessing",),
            include=("Genmab",),
            exclude=("Novo Holdings",),
        ),
        layers=tuple(DEFAULT_LAYERS.items()),
        network_layers=("alliance", "financing"),
    )


def test_a_minimal_study_file_takes_the_defaults():
    study = parse_study('name = "bare"\n', FILE)
    assert study == StudyDefinition(name="bare")
    assert study.period is None and study.window == 5 and study.regions == ()


def test_the_bundled_study_file_is_valid(tmp_path):
    with as_file(study_file()) as path:
        study, text = load_study_file(path, categories=())
    assert study.focal_regions == ("Flanders", "Wallonia", "Brussels")
    assert text.startswith("# The study of the bundled dataset")
    # load_study_file reads a path; a file that is not there is an error, not a crash
    with pytest.raises(BiorisError, match="cannot read"):
        load_study_file(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('name = "Sk\xe5ne"\n'.encode("latin-1"))
    with pytest.raises(BiorisError, match="cannot read"):
        load_study_file(bad)


def line_of(text: str, marker: str, occurrence: int = 1) -> int:
    """The 1-based line of the ``occurrence``-th line containing ``marker``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if marker in line]
    return hits[occurrence - 1]


def errors_of(text: str, **kwargs) -> list[RowError]:
    with pytest.raises(ValidationError) as caught:
        parse_study(text, FILE, **kwargs)
    return caught.value.errors


def one_error(text: str, **kwargs) -> RowError:
    errors = errors_of(text, **kwargs)
    assert len(errors) == 1, errors
    return errors[0]


def change(old: str, new: str, occurrence: int = 1) -> str:
    """VALID with the ``occurrence``-th ``old`` replaced."""
    parts = VALID.split(old)
    assert len(parts) > occurrence, old
    return old.join(parts[:occurrence]) + new + old.join(parts[occurrence:])


# (the change to VALID, the marker of the line at fault, words of the message, the key)
CASES = [
    pytest.param(("window = 7", "windwo = 7"), "windwo", ["unknown key 'windwo'"], "windwo",
                 id="unknown-top-key"),
    pytest.param(('focal = true', 'focal = true\nfocus = "yes"'), "focus",
                 ["unknown key 'focus'"], "region.focus", id="unknown-region-key"),
    pytest.param(('include = ["Genmab"]', 'inclde = ["Genmab"]'), "inclde",
                 ["unknown key 'inclde'"], "panel.inclde", id="unknown-panel-key"),
    pytest.param(('country = ["DK", "se"]', 'country = ["DK", "Sweden"]'), '"Sweden"',
                 ["'Sweden' is not an ISO 3166-1 alpha-2 code"], "region.country",
                 id="bad-country"),
    pytest.param(('codes = ["DK-84", "SE-M"]', 'codes = ["DK-84", "SEM-1"]'), '"SEM-1"',
                 ["'SEM-1' is not an ISO 3166-1/3166-2 or NUTS code"], "region.codes",
                 id="bad-code"),
    pytest.param(('colour = "#1F5AA6"', 'colour = "blue"'), 'colour = "blue"',
                 ["colour must be #RRGGBB", "'blue'"], "region.colour", id="bad-colour"),
    pytest.param(('focal = true', 'focal = "yes"'), 'focal = "yes"',
                 ["focal must be true or false"], "region.focal", id="bad-focal"),
    pytest.param(('name = "West Sweden"', 'name = "medicon valley"'), 'name = "medicon valley"',
                 ["region 'medicon valley' is declared twice"], "region.name",
                 id="duplicate-region"),
    pytest.param(('regions = ["Medicon Valley", "Stockholm-Uppsala"]',
                  'regions = ["Medicon Valley", "Skåne"]'), '"Skåne"',
                 ["'Skåne' is not one of", "Medicon Valley, Stockholm-Uppsala, West Sweden"],
                 "panel.regions", id="panel-region-not-declared"),
    pytest.param(('kinds = ["nbf", "biotech"]', 'kinds = ["nbf", "NBF2"]'), '"NBF2"',
                 ["'NBF2' is not one of", "nbf"], "panel.kinds", id="unknown-kind"),
    pytest.param(('categories = ["antibodies_nanobodies", "vaccines"]',
                  'categories = ["antibodies", "vaccines"]'), 'categories = ["antibodies"',
                 ["'antibodies' is not one of", "antibodies_nanobodies"], "panel.categories",
                 id="unknown-category"),
    pytest.param(('ma = ["acquisition"]', 'ma = ["acquisition", "grant"]'), 'public = ["grant"]',
                 ["'grant' is in layers 'ma' and 'public'"], "layers.public",
                 id="deal-type-in-two-layers"),
    pytest.param(('ma = ["acquisition"]', 'ma = ["acquisitions"]'), 'ma = ["acquisitions"]',
                 ["'acquisitions' is not one of", "acquisition"], "layers.ma",
                 id="unknown-deal-type"),
    pytest.param(('network_layers = ["alliance", "financing"]',
                  'network_layers = ["alliance", "money"]'), "network_layers",
                 ["'money' is not one of", "alliance, financing, ma, public"], "network_layers",
                 id="undeclared-network-layer"),
    pytest.param(("period = [1995, 2020]", "period = [2020, 1995]"), "period",
                 ["period 2020-1995 must run forward"], "period", id="backward-period"),
    pytest.param(("period = [1995, 2020]", 'period = ["1995", 2020]'), "period",
                 ["period must be [first, last] years"], "period", id="period-not-years"),
    pytest.param(("period = [1995, 2020]", "period = [1995]"), "period",
                 ["period must be [first, last] years"], "period", id="period-one-year"),
    pytest.param(("window = 7", "window = 0"), "window = 0",
                 ["window must be a whole number of years 1-50, not 0"], "window",
                 id="zero-window"),
    pytest.param(("window = 7", "window = 2.5"), "window = 2.5",
                 ["window must be a whole number of years 1-50"], "window", id="float-window"),
    pytest.param(('name = "Medicon Valley biotech RIS"', 'name = ""'), 'name = ""',
                 ["name must be non-empty text"], "name", id="empty-name"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "marker", "words", "key"), CASES)
def test_each_error_is_located(edit, marker, words, key):
    text = change(*edit)
    error = one_error(text, categories=CATEGORIES)
    assert (error.file, error.line) == (FILE, line_of(text, marker)), str(error)
    assert error.column >= 1
    for word in words:
        assert word in error.message, error.message
    assert error.field == key
    assert str(error).startswith(f"{FILE}:{error.line}:{error.column}: ")


def test_a_missing_required_key_is_located_at_its_table():
    # a region without a country: reported at the [[region]] header
    text = change('country = "SE"\ncodes = ["SE-AB"', 'codes = ["SE-AB"')
    error = one_error(text, categories=CATEGORIES)
    assert error.line == line_of(text, "[[region]]", 3)  # the 1st is in the description
    assert "country is required" in error.message
    # no name at all: the file, line 1
    error = one_error(VALID.replace('name = "Medicon Valley biotech RIS"\n', ""))
    assert (error.line, error.column, error.field) == (1, 0, "name")
    assert "name is required" in error.message


def test_categories_are_checked_only_when_known():
    # without the taxonomy's categories, any category is accepted (the store checks them)
    text = change('categories = ["antibodies_nanobodies", "vaccines"]', 'categories = ["x"]')
    assert parse_study(text, FILE).panel.categories == ("x",)
    error = one_error(text, categories=CATEGORIES)
    assert error.line == line_of(text, 'categories = ["x"]')


def test_include_and_exclude_names_are_checked():
    known = {"Genmab"}

    def check(name: str) -> str | None:
        return None if name in known else f"no actor {name!r}; did you mean 'Genmab'?"

    errors = errors_of(VALID, categories=CATEGORIES, check_name=check)
    assert [(e.line, e.field) for e in errors] == [(line_of(VALID, "exclude = ["), "panel.exclude")]
    assert "no actor 'Novo Holdings'" in errors[0].message
    both = change('exclude = ["Novo Holdings"]', 'exclude = ["genmab"]')
    error = one_error(both, categories=CATEGORIES)
    assert "both included and excluded" in error.message


def test_invalid_toml_is_located_at_its_line_and_column():
    text = VALID.replace("window = 7", "window 7")
    error = one_error(text)
    assert (error.line, error.column) == (line_of(text, "window 7"), 8)
    assert error.message.startswith("not valid TOML")
    text = VALID.replace('"DK-84", "SE-M"]', '"DK-84", "SE-M"')  # an array left open
    error = one_error(text)
    assert error.line > line_of(text, '"DK-84", "SE-M"') - 1 and "not valid TOML" in error.message


def test_all_errors_are_reported_together():
    text = VALID
    for old, new in [
        ("window = 7", "window = 99"),
        ('colour = "#1F5AA6"', 'colour = "#1F5AA"'),
        ('codes = ["SE-AB", "SE-C", "SE11"]', 'codes = ["SE-AB", "S"]'),
        ('kinds = ["nbf", "biotech"]', 'kinds = ["startup"]'),
        ('public = ["grant"]', 'public = ["grant", "acquisition"]'),
        ("network_layers = [", 'network_layers = ["nope", '),
    ]:
        text = text.replace(old, new)
    errors = errors_of(text, categories=CATEGORIES)
    got = sorted((e.line, e.field) for e in errors)
    assert got == sorted([
        (line_of(text, "window = 99"), "window"),
        (line_of(text, "colour = "), "region.colour"),
        (line_of(text, '"S"]'), "region.codes"),
        (line_of(text, 'kinds = ["startup"]'), "panel.kinds"),
        (line_of(text, "public = "), "layers.public"),
        (line_of(text, "network_layers"), "network_layers"),
    ])  # fmt: skip
    # the message of the exception lists them all, one per line, after a count
    with pytest.raises(ValidationError) as caught:
        parse_study(text, FILE, categories=CATEGORIES)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith(f"{len(errors)} problem(s) found")
    assert all(line.startswith(f"{FILE}:") for line in lines[1:])


def test_load_study_file_names_the_file(tmp_path: Path):
    path = tmp_path / "study.toml"
    path.write_text(VALID.replace("window = 7", "window = -1"), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_study_file(path, categories=CATEGORIES)
    (error,) = caught.value.errors
    assert (error.file, error.line) == (str(path), line_of(VALID, "window = 7"))
    path.write_text(VALID, encoding="utf-8-sig")  # a byte-order mark is fine
    study, text = load_study_file(path, categories=CATEGORIES)
    assert study.window == 7 and text == VALID


def test_vocabulary_values_ignore_case_as_the_cli_does():
    text = VALID.replace('kinds = ["nbf", "biotech"]', 'kinds = ["NBF", "Biotech"]')
    text = text.replace('public = ["grant"]', 'public = ["Grant"]')
    study = parse_study(text, FILE, categories=CATEGORIES)
    assert study.panel.kinds == ("nbf", "biotech")
    assert dict(study.layers)["public"] == ("grant",)


def test_layers_without_alliance_need_network_layers():
    text = 'name = "x"\n[layers]\npartnering = ["licensing_out"]\n'
    (error,) = errors_of(text)
    assert error.line == 2 and error.field == "layers"
    assert "network_layers defaults to ['alliance']" in error.message
    ok = 'name = "x"\nnetwork_layers = ["partnering"]\n[layers]\npartnering = ["licensing_out"]\n'
    assert parse_study(ok, FILE).network_layers == ("partnering",)


def test_an_empty_panel_region_list_is_an_error():
    text = VALID.replace('regions = ["Medicon Valley", "Stockholm-Uppsala"]', "regions = []")
    assert any(e.field == "panel.regions" and "empty" in e.message for e in errors_of(text))
