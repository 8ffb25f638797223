"""Every setting and every CLI command is documented (after datasette's tests/test_docs.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bioris.cli import app
from bioris.ingest.study_file import parse_study
from bioris.settings import SETTINGS

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_setting_is_documented_with_its_default(setting):
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    assert f"| `{setting.name}` | {setting.default} |" in text


def _commands() -> list[str]:
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    for group in app.registered_groups:
        names += [f"{group.name} {c.name}" for c in group.typer_instance.registered_commands]
    return sorted(names)


@pytest.mark.parametrize("command", _commands())
def test_command_is_documented(command):
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert f"## `bioris {command}" in text


def test_the_study_example_is_a_valid_study_file():
    text = (DOCS / "study.md").read_text(encoding="utf-8")
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    study = parse_study(example, "docs/study.md")
    assert study.focal_regions == ("Medicon Valley", "Stockholm-Uppsala")
    assert study.place("SE-M") == "Medicon Valley"
