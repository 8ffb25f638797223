"""The report builds on a synthetic dataset (the benchmark generator's), not only on Belgium."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from benchmarks.synthetic import generate

from bioris.ingest.importer import import_files
from bioris.store import open_store
from bioris.tasks import make_report


def write_canonical(folder: Path, seed: int = 3) -> list[Path]:
    """A small synthetic dataset as canonical CSVs (ids, kinds, places, dated deals, roles)."""
    data = generate((150, 600), seed=seed)
    actors = data.actors.select("actor_id", "name", "kind", "country", "bioregion", "founded")
    alliances = data.alliances.select(
        "alliance_id", "year", "deal_type", "stage_at_signing",
        pl.col("committed_eur").alias("upfront_amount"),
        pl.when(pl.col("committed_eur").is_not_null()).then(pl.lit("EUR")).alias(
            "upfront_currency"
        ),
    )  # fmt: skip
    parties = data.parties.select("alliance_id", "actor_id", "role", "focal")
    paths = []
    for name, frame in (("actors", actors), ("alliances", alliances), ("parties", parties)):
        path = folder / f"{name}.csv"
        frame.write_csv(path)
        paths.append(path)
    return paths


def test_report_on_a_synthetic_dataset(tmp_path: Path):
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, write_canonical(tmp_path))
    out = make_report(tmp_path / "s.sqlite", out=tmp_path / "r.html", data_dir=tmp_path / "d")
    html = out.read_text(encoding="utf-8")
    for key in ("overview", "activity", "network", "network_maps", "partners", "business",
                "regions", "cases", "deals", "method"):  # fmt: skip
        assert f'<section id="{key}">' in html
    assert "no pipeline" in html.lower() or "pipeline" in html.lower()
    assert len(list((tmp_path / "d").glob("*.csv"))) > 10
