"""The report builds on a synthetic dataset (the benchmark generator's), not only on Belgium."""

from __future__ import annotations

from pathlib import Path

from benchmarks.synthetic import generate, write_canonical

from bioris.ingest.importer import import_files
from bioris.store import open_store
from bioris.tasks import make_report


def test_report_on_a_synthetic_dataset(tmp_path: Path):
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, write_canonical(generate((150, 600), seed=3), tmp_path))
    out = make_report(tmp_path / "s.sqlite", out=tmp_path / "r.html", data_dir=tmp_path / "d")
    html = out.read_text(encoding="utf-8")
    for key in ("overview", "activity", "network", "network_maps", "partners", "business",
                "regions", "cases", "deals", "method"):  # fmt: skip
        assert f'<section id="{key}">' in html
    assert "no pipeline" in html.lower() or "pipeline" in html.lower()
    assert len(list((tmp_path / "d").glob("*.csv"))) > 10
