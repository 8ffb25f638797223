"""Imports flow one way (CONVENTIONS.md): checked by parsing every module with ``ast``."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import bioris

PACKAGE = Path(bioris.__file__).parent

# layer -> bioris layers it may import (itself always allowed). Every top-level module and
# package of bioris must be listed: a new one fails test_every_layer_is_known until it is.
ALLOWED = {
    "__init__": {"errors"},
    "__main__": {"cli"},
    "errors": set(),
    "settings": {"errors"},
    "domain": {"errors"},
    "data": {"domain"},
    "store": {"domain", "errors", "settings"},
    "ingest": {"domain", "errors", "settings", "store", "data"},
    "export": {"domain", "errors"},
    "analytics": {"domain", "errors", "settings"},
    # partner choice and simulation: pure models over coded histories
    "model": {"analytics", "domain", "errors"},
    "workspace": {"data", "errors", "ingest", "store"},
    # the application object; it imports reporting only inside Study.report (lazily), the
    # one capability built on top of it, so that the web view never loads the report
    "study": {
        "__version__", "analytics", "data", "domain", "errors", "export", "ingest", "model",
        "reporting", "settings", "store", "workspace",
    },
    "reporting": {"analytics", "domain", "errors", "settings", "export", "study", "__version__"},
    "web": {
        "__version__", "analytics", "domain", "errors", "export", "settings", "store", "study",
    },
    "cli": {
        "__version__", "analytics", "cli_network", "cli_progress", "cli_store", "domain",
        "errors", "ingest", "settings", "study", "web", "workspace",
    },
    # the network job's command, with its progress bar (registered on the app of cli)
    "cli_network": {"cli", "cli_progress", "study"},
    # the progress bars of the long commands
    "cli_progress": {"cli"},
    # the commands that fill, change and keep the store (registered on the app of cli)
    "cli_store": {
        "cli", "cli_progress", "data", "domain", "errors", "export", "ingest", "store", "study",
        "workspace",
    },
}  # fmt: skip


def _layer(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _bioris_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "bioris" and node.level == 0:
            names = [f"bioris.{a.name}" for a in node.names]  # from bioris import settings
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "bioris":
                found.add(parts[1] if len(parts) > 1 else "__init__")
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_layer_is_known():
    layers = {_layer(p) for p in MODULES}
    assert not layers - ALLOWED.keys(), f"add {sorted(layers - ALLOWED.keys())} to ALLOWED"


def test_web_never_imports_reporting():
    assert "reporting" not in ALLOWED["web"]
    for path in (PACKAGE / "web").rglob("*.py"):
        assert "reporting" not in _bioris_imports(path), path


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_imports_only_lower_layers(path):
    layer = _layer(path)
    wrong = _bioris_imports(path) - ALLOWED.get(layer, set()) - {layer}
    assert not wrong, f"{layer} must not import {sorted(wrong)}"


@pytest.mark.parametrize("path", sorted((PACKAGE / "domain").rglob("*.py")))
def test_domain_uses_only_the_standard_library(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and getattr(node, "level", 0) == 0:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                top = (name or "").split(".")[0]
                assert top in sys.stdlib_module_names or top in {"bioris", "__future__"}, name


def test_sql_lives_only_in_the_store():
    for path in PACKAGE.rglob("*.py"):
        if _layer(path) == "store":
            continue
        text = path.read_text(encoding="utf-8")
        assert "import sqlite3" not in text, path


def test_public_surface_is_sorted_and_importable():
    assert list(bioris.__all__) == sorted(bioris.__all__)
    for name in bioris.__all__:
        assert hasattr(bioris, name), name
