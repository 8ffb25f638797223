"""Fixtures of the report tests: the bundled study (one store for the whole folder) and its
report context."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bioris.reporting import ReportContext, build_context
from bioris.store import open_store
from bioris.study import Study
from bioris.workspace import init_store


@pytest.fixture(scope="session")
def bundled_study(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Study]:
    """The bundled dataset and its study, read only."""
    path, _ = init_store(tmp_path_factory.mktemp("bundled") / "bioris.sqlite")
    study = Study(open_store(path, read_only=True))
    yield study
    study.close()


@pytest.fixture(scope="session")
def bundled(bundled_study: Study) -> ReportContext:
    """The report context of the bundled study, over its own period and window."""
    return build_context(bundled_study)
