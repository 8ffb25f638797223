"""The ``depends_on`` marker (as in ``tests/study``): a test that needs work in progress
elsewhere (the report's or the web view's move to the Study); never skipped."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "depends_on(work): needs work in progress elsewhere (reporting, web); never skipped",
    )
