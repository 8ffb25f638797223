"""The report builds on a synthetic dataset (the benchmark generator's), not only on the
bundled study."""

from __future__ import annotations

from pathlib import Path

from benchmarks.synthetic import generate, write_canonical, write_study

from bioris.ingest.importer import import_files
from bioris.store import open_store
from bioris.study import Study

SECTION_KEYS = ("overview", "activity", "network", "network_maps", "partners", "business",
                "regions", "cases", "deals", "method")  # fmt: skip


def test_report_on_a_synthetic_dataset(tmp_path: Path):
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, write_canonical(generate((150, 600), seed=3), tmp_path))
    with Study.open(tmp_path / "s.sqlite", read_only=False) as study:
        study.load_definition(write_study(tmp_path / "study"))
    with Study.open(tmp_path / "s.sqlite") as study:
        out = study.report(tmp_path / "r.html", data_dir=tmp_path / "d")
        first, last = study.period
    html = out.read_text(encoding="utf-8")
    for key in SECTION_KEYS:
        assert f'<section id="{key}">' in html
    assert "pipeline" in html.lower()
    assert f"Period {first}–{last}" in html  # the data's years: the study declares none
    assert len(list((tmp_path / "d").glob("*.csv"))) > 10
    # 150 actors, below report_detail_max_actors: nothing is reduced
    assert 'class="reduced"' not in html and "level of detail" not in html
