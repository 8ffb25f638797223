"""The examples of docs/import.md run as written (after mesa's tests/test_examples.py).

The document's example files (a fenced block after ``<!-- file: NAME -->``) are written to a
temporary folder, and its ``console`` blocks are replayed in order there: every ``$ bioris``
command is run, and every output line the document shows must be printed (a line ending in
``...`` is a shortened one: its beginning must be printed; a line ``...`` alone stands for
lines left out).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from bioris.cli import app
from bioris.store import open_store

DOC = Path(__file__).resolve().parent.parent / "docs" / "import.md"
_BLOCK = re.compile(r"(?:<!-- file: (?P<file>\S+) -->\n)?```(?P<kind>\w*)\n(?P<body>.*?)```", re.S)

runner = CliRunner()


def _steps(text: str) -> list[tuple[str, str, str]]:
    """("file", name, content) and ("run", command, expected output), in document order."""
    steps: list[tuple[str, str, str]] = []
    for block in _BLOCK.finditer(text):
        if block["file"]:
            steps.append(("file", block["file"], block["body"]))
        elif block["kind"] == "console":
            for chunk in block["body"].split("$ ")[1:]:
                command, _, output = chunk.partition("\n")
                steps.append(("run", command, output))
    return steps


def _shown(expected: str, printed: list[str]) -> bool:
    if expected.endswith("..."):
        return any(line.startswith(expected[:-3].rstrip()) for line in printed)
    return expected in printed


def test_the_examples_run_as_shown(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    steps = _steps(DOC.read_text(encoding="utf-8"))
    assert sum(kind == "run" for kind, _, _ in steps) >= 6
    for kind, name, body in steps:
        if kind == "file":
            (tmp_path / name).write_text(body, encoding="utf-8")
            continue
        args = shlex.split(name)
        assert args[0] == "bioris"
        result = runner.invoke(app, args[1:], env={"BIORIS_STORE": None, "COLUMNS": "250"})
        printed = [line.rstrip() for line in result.output.splitlines()]
        for line in body.splitlines():
            if line.strip() and line.strip() != "...":
                assert _shown(line.rstrip(), printed), (name, line, result.output)


def test_the_stored_amounts_are_as_the_doc_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = DOC.read_text(encoding="utf-8")
    for kind, name, body in _steps(text):
        if kind == "file" and name in {"actors.csv", "deals.csv"}:
            (tmp_path / name).write_text(body, encoding="utf-8")
    env = {"BIORIS_STORE": None}
    assert runner.invoke(app, ["init", "--empty", "--store", "s.sqlite"], env=env).exit_code == 0
    args = ["import", "actors.csv", "deals.csv", "--store", "s.sqlite"]
    imported = runner.invoke(app, args, env=env)
    assert imported.exit_code == 0, imported.output
    with open_store(tmp_path / "s.sqlite", read_only=True) as store:
        deals = {a.alliance_id: a.terms for a in store.alliances()}
    stored = {
        (deal, term): (money.amount, money.currency, money.eur)
        for deal, terms in deals.items()
        for term in ("upfront", "milestones", "equity")
        if (money := getattr(terms, term)) is not None
    }
    assert stored == {
        ("al-3f1799bca0", "upfront"): (40.0, "EUR", 40.0),
        ("al-3f1799bca0", "milestones"): (336.0, "EUR", 336.0),  # total_m 376 - upfront 40
        ("al-40b87f62e9", "upfront"): (2700.0, "DKK", 362.181783),  # "2.700" in a ; file
        ("al-c7986b38f3", "equity"): (112.5, "DKK", 15.083057),  # "112,5" in a ; file
    }
    for shown in ("milestones 336 EUR (376 - 40)", "2700 DKK, €362.18M", "112.5 DKK, €15.08M"):
        assert shown in " ".join(text.split())
