"""The report embeds plotly's cartesian bundle when every figure's traces are in it (and make
fetched it for the plotly package's plotly.js version), else the full bundle."""

from __future__ import annotations

import plotly.offline
import pytest

from bioris.reporting.render import CARTESIAN_BUNDLE, CARTESIAN_TRACES, plotly_bundle

needs_bundle = pytest.mark.skipif(
    not CARTESIAN_BUNDLE.exists(),
    reason="plotly's cartesian bundle is fetched by make (scripts/fetch_plotly_bundle.py, npm)",
)


@needs_bundle
def test_cartesian_figures_get_the_cartesian_bundle():
    bundle = plotly_bundle(frozenset({"scatter", "bar", "heatmap"}))
    assert "(cartesian - minified)" in bundle[:200]
    assert len(bundle) < len(plotly.offline.get_plotlyjs()) / 2


def test_a_trace_outside_it_gets_the_full_bundle():
    assert plotly_bundle(frozenset({"scatter", "sunburst"})) == plotly.offline.get_plotlyjs()


def test_the_cartesian_list_is_the_bundles_own():
    if not CARTESIAN_BUNDLE.exists():
        pytest.skip("the cartesian bundle is fetched by make")
    text = CARTESIAN_BUNDLE.read_text(encoding="utf-8")
    for trace in CARTESIAN_TRACES:
        assert f'moduleType:"trace",name:"{trace}"' in text
