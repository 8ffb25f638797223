"""The ``depends_on`` marker: a test that needs work in progress elsewhere (the report's or the
web view's move to the Study). Such tests are not skipped: they fail until that work lands,
and the marker says why (``pytest -m depends_on`` runs them, ``-m "not depends_on"`` the rest).
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "depends_on(work): needs work in progress elsewhere (reporting, web); never skipped",
    )
