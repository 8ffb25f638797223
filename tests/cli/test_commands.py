"""A test for every CLI command, run through typer's CliRunner on a tiny raw dataset."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bioris.cli import app

DATA = Path(__file__).resolve().parent.parent / "data" / "cli"
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "s.sqlite"
    assert run("init", "--store", path, "--empty")[0] == 0
    code, _out, err = run("import", "--store", path, DATA / "firms.csv", DATA / "deals.csv")
    assert code == 0, err
    return path


def test_version():
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("bioris ")


def test_python_dash_m_runs_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "bioris", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "bioris" in done.stdout


def test_init_refuses_to_overwrite(tmp_path: Path):
    path = tmp_path / "s.sqlite"
    assert run("init", "--store", path, "--empty")[0] == 0
    code, _, err = run("init", "--store", path, "--empty")
    assert code == 1 and "already exists" in err and "Traceback" not in err


def test_import_reports_counts(store: Path, tmp_path: Path):
    code, out, _ = run("import", "--store", store, "--dry-run", DATA / "deals.csv")
    assert code == 0 and "would import" in out and "4 deals" in out


def test_import_errors_are_located_and_nothing_is_written(store: Path):
    before = run("alliances", "--store", store, "--json")[1]
    code, _out, err = run("import", "--store", store, DATA / "bad_deals.csv")
    assert code == 1
    assert "bad_deals.csv:2:2: '2010-02-30' is not a real date" in err
    assert "bad_deals.csv:2:9: 'ten' is not a number" in err
    assert "did you mean 'Galapagos'" in err
    assert "'licencing' is not one of" in err and "'sure' is not one of" in err
    assert "Traceback" not in err
    assert run("alliances", "--store", store, "--json")[1] == before


def test_unknown_store_is_one_line_error(tmp_path: Path):
    code, _, err = run("actors", "--store", tmp_path / "missing.sqlite")
    assert code == 1 and err.count("\n") == 1 and "bioris init" in err


def test_actors_filters_and_json(store: Path):
    code, out, _ = run(
        "actors", "--store", store, "--kind", "nbf", "--region", "Flanders", "--json"
    )
    assert code == 0
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["Galapagos"]
    code, out, _ = run("actors", "--store", store, "--region", "CH")
    assert code == 0 and "Novartis" in out and "Alcon" in out and "Galapagos" not in out


def test_alliances_filters(store: Path):
    code, out, _ = run("alliances", "--store", store, "--actor", "galapagos", "--json")
    assert code == 0 and len(json.loads(out)) == 2
    code, out, _ = run(
        "alliances", "--store", store, "--actor", "Mithra", "--partner", "Gimv", "--json"
    )
    assert [r["deal_type"] for r in json.loads(out)] == [
        "equity_investment",
        "research_collaboration",
    ]
    code, out, _ = run("alliances", "--store", store, "--from", "2013", "--to", "2016", "--json")
    assert {r["year"] for r in json.loads(out)} == {2015, 2016}
    code, out, _ = run("alliances", "--store", store, "--deal-type", "option")
    assert code == 0 and "1 deals" in out


def test_alliances_unknown_actor_suggests(store: Path):
    code, _, err = run("alliances", "--store", store, "--actor", "Galapagoss")
    assert code == 1 and "did you mean 'Galapagos'" in err


def test_export_then_import_round_trips(store: Path, tmp_path: Path):
    out_dir = tmp_path / "csv"
    assert run("export", "--store", store, "--format", "csv", "--out", out_dir)[0] == 0
    text = (out_dir / "alliances.csv").read_text(encoding="utf-8")
    assert "'=cmd|" in text and "'@SUM(1)" in text  # formula cells are neutralised
    fresh = tmp_path / "fresh.sqlite"
    assert run("init", "--store", fresh, "--empty")[0] == 0
    files = sorted(out_dir.glob("*.csv"))
    assert run("import", "--store", fresh, *files)[0] == 0
    again = tmp_path / "again"
    assert run("export", "--store", fresh, "--format", "csv", "--out", again)[0] == 0
    for path in files:
        assert (again / path.name).read_bytes() == path.read_bytes()


def test_export_parquet(store: Path, tmp_path: Path):
    import polars as pl

    assert run("export", "--store", store, "--format", "parquet", "--out", tmp_path / "pq")[0] == 0
    assert pl.read_parquet(tmp_path / "pq" / "alliances.parquet").height == 4


def test_export_unknown_format(store: Path, tmp_path: Path):
    code, _, err = run("export", "--store", store, "--format", "dbf", "--out", tmp_path)
    assert code == 1 and "unknown export format" in err


def test_report_writes_escaped_offline_html(store: Path, tmp_path: Path):
    out = tmp_path / "r.html"
    code, _stdout, err = run("report", "--store", store, "--out", out, "--data", tmp_path / "d")
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bio" in html
    assert 'src="http' not in html and "<link" not in html  # nothing loaded from the web
    assert any((tmp_path / "d").glob("*.csv"))


def test_report_region_focus(store: Path, tmp_path: Path):
    out = tmp_path / "w.html"
    code, _, err = run("report", "--store", store, "--region", "Wallonia", "--out", out)
    assert code == 0, err
    assert "focus Wallonia" in out.read_text(encoding="utf-8")


def test_partners_ranks_nbfs_and_states_the_rule(store: Path):
    code, out, err = run("partners", "--store", store, "--year", "2016", "--top", "5", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and rows[0]["rank"] == 1
    assert {r["name"] for r in rows} <= {"Galapagos", "Mithra Pharmaceuticals",
                                         "<script>alert(1)</script> Bio"}  # fmt: skip
    code, _, err = run("partners", "--store", store, "--year", "2016")
    assert code == 0 and "rule: NBFs are ranked" in err


def test_network_metrics_writes_parquet_and_csv(store: Path, tmp_path: Path):
    import polars as pl

    out = tmp_path / "m.parquet"
    code, _, err = run("network", "metrics", "--store", store, "--from", "2010", "--to", "2016",
                       "--window", "5", "--out", out)  # fmt: skip
    assert code == 0, err
    frame = pl.read_parquet(out)
    assert {"year", "actor", "betweenness", "constraint", "liaison", "coreness"} <= set(
        frame.columns
    )
    assert frame.select("year", "actor").is_unique().all()
    code, _, err = run("network", "metrics", "--store", store, "--level", "year",
                       "--out", tmp_path / "y.csv")  # fmt: skip
    assert code == 0, err
    assert "density" in (tmp_path / "y.csv").read_text(encoding="utf-8").splitlines()[0]


def test_network_metrics_rejects_bad_options(store: Path, tmp_path: Path):
    code, _, err = run("network", "metrics", "--store", store, "--weight", "money",
                       "--out", tmp_path / "m.parquet")  # fmt: skip
    assert code == 1 and "weight must be" in err
    code, _, err = run("network", "metrics", "--store", store, "--out", tmp_path / "m.txt")
    assert code == 1 and ".parquet or .csv" in err


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("gexf", "alliance-network.gexf"), ("graphml", "alliance-network.graphml"),
     ("pajek", "alliance-network.net")],
)  # fmt: skip
def test_network_exports(store: Path, tmp_path: Path, fmt: str, expected: str):
    code, _, err = run("export", "--store", store, "--format", fmt, "--out", tmp_path / fmt)
    assert code == 0, err
    assert (tmp_path / fmt / expected).is_file()


def test_firms_profile_on_the_bundled_dataset(tmp_path: Path):
    store = tmp_path / "b.sqlite"
    assert run("init", "--store", store)[0] == 0
    code, out, err = run("firms", "profile", "Cardio3 BioSciences", "--store", store, "--json")
    assert code == 0, err
    profile = json.loads(out)
    assert profile["actor"]["name"] == "Celyad"
    assert {"deals", "pipeline", "years", "transitions", "fipco"} <= set(profile)
    assert any(d["deal_type"] == "licensing_out" for d in profile["deals"])
    assert {r["year"] for r in profile["years"]} >= {2015, 2016, 2017}
    code, out, _ = run("firms", "profile", "celyad", "--store", store)
    assert code == 0 and "Year by year" in out
    code, _, err = run("firms", "profile", "Celyadd", "--store", store)
    assert code == 1 and "did you mean 'Celyad'" in err


def test_region_summary_on_the_bundled_dataset(tmp_path: Path):
    store = tmp_path / "b.sqlite"
    assert run("init", "--store", store)[0] == 0
    code, out, err = run("region", "summary", "--store", store, "--json")
    assert code == 0, err
    summary = json.loads(out)
    lq = {(r["region"], r["category"]): r["lq"] for r in summary["specialisation"]}
    # the dissertation's finding: Wallonia specialises in cell therapy and women's health
    assert lq[("Wallonia", "cell_gene_therapy")] > 1 and lq[("Wallonia", "women_health")] > 1
    assert lq[("Flanders", "antibodies_nanobodies")] > 1
    for row in summary["scope"]:
        shares = [row[f"{k}_share"] for k in ("intra_regional", "inter_regional", "european",
                                              "global")]  # fmt: skip
        assert abs(sum(shares) - 1) < 1e-9
    assert any(r["name"] == "VIB" for r in summary["spinoffs"])
    code, out, _ = run("region", "summary", "--store", store)
    assert code == 0 and "Spin-offs per institution" in out


def test_serve_binds_loopback_by_default(store: Path, monkeypatch):
    import bioris.web.app

    calls = []
    monkeypatch.setattr(bioris.web.app, "serve", lambda path, **kw: calls.append((path, kw)))
    code, _, err = run("serve", "--store", store)
    assert code == 0, err
    assert calls == [(store, {"host": "127.0.0.1", "port": 8000, "workers": None})]
    calls.clear()
    assert run("serve", "--store", store, "--workers", "2")[0] == 0
    assert calls[0][1]["workers"] == 2
    assert "read-only" in err
