"""Running the CLI in-process, and what a study of another region must never say."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from bioris.cli import app

DATA = Path(__file__).resolve().parent.parent / "data"
MEDICON = DATA / "medicon"
#: the words of the bundled study that a study of another region must not print
BELGIAN = re.compile(r"flanders|flemish|wallonia|walloon|brussels|belgium|belgian", re.I)

runner = CliRunner()


def run(*args: object) -> tuple[int, str, str]:
    """``bioris ARGS`` in-process: exit code, stdout, stderr. ``$BIORIS_STORE`` is unset (every
    test names its store) and the terminal is wide, so that table cells are not wrapped."""
    result = runner.invoke(
        app, [str(a) for a in args], env={"BIORIS_STORE": None, "COLUMNS": "250"}
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def ok(*args: object) -> str:
    """``bioris ARGS``, which must succeed; its stdout."""
    code, out, err = run(*args)
    assert code == 0, f"bioris {' '.join(map(str, args))} failed ({code}):\n{err}"
    return out


def ok_json(*args: object) -> Any:
    """``bioris ARGS --json``, which must succeed; its parsed stdout."""
    return json.loads(ok(*args, "--json"))


def belgian_words(text: str) -> list[str]:
    """The Belgian words in ``text``, with some context."""
    return [text[max(m.start() - 40, 0) : m.end() + 40] for m in BELGIAN.finditer(text)]
