"""A test for every CLI command, run through typer's CliRunner on a tiny raw dataset and its
study (the regions the tiny files name, declared in :data:`STUDY`).

Since issue #10 every command goes through the study: the period and the tie lifetime default
to the study's, ``partners --year`` to the last year of its period, the alliance network to
its alliance layer, and vocabulary options are checked.
"""

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

#: the study of the tiny files: their three regions; period and window from the data
STUDY = """\
name = "CLI test study"

[[region]]
name = "Flanders"
country = "BE"
codes = ["BE-VLG"]

[[region]]
name = "Wallonia"
country = "BE"
codes = ["BE-WAL"]

[[region]]
name = "Brussels"
country = "BE"
codes = ["BE-BRU"]
"""


def run(*args: object) -> tuple[int, str, str]:
    """``bioris ARGS``: exit code, stdout, stderr (``$BIORIS_STORE`` unset, a wide terminal)."""
    result = runner.invoke(
        app, [str(a) for a in args], env={"BIORIS_STORE": None, "COLUMNS": "250"}
    )
    return result.exit_code, result.stdout, result.stderr


def write_study(folder: Path, text: str = STUDY, name: str = "study.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "s.sqlite"
    assert run("init", "--store", path, "--empty")[0] == 0
    code, _out, err = run("study", "load", write_study(tmp_path), "--store", path)
    assert code == 0, err
    code, _out, err = run("import", "--store", path, DATA / "firms.csv", DATA / "deals.csv")
    assert code == 0, err
    return path


@pytest.fixture
def bundled(tmp_path: Path) -> Path:
    path = tmp_path / "b.sqlite"
    assert run("init", "--store", path)[0] == 0
    return path


def test_version():
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("bioris ")


def test_python_dash_m_runs_the_cli():
    done = subprocess.run(
        [sys.executable, "-m", "bioris", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "bioris" in done.stdout


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_start_up_imports_nothing_heavy(flag: str):
    # `bioris --help` and `--version` answer in well under 0.3 s because they load none of
    # the data and graph libraries (a start-up budget, checked by what is imported, not timed)
    probe = (
        f"import sys; from bioris.cli import main; sys.argv = ['bioris', {flag!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = {'polars', 'numpy', 'scipy', 'igraph', 'networkx', 'plotly', 'jinja2'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


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


# -- the study ---------------------------------------------------------------------------------


def test_study_load_validates_stores_and_counts_the_panel(store: Path, tmp_path: Path):
    code, out, err = run("study", "load", write_study(tmp_path, name="again.toml"),
                         "--store", store)  # fmt: skip
    assert code == 0, err
    assert out.strip() == ("loaded study 'CLI test study': focal regions Flanders, Wallonia, "
                           "Brussels; panel of 3 firms")  # fmt: skip


def test_study_show_prints_the_file_the_period_and_the_panel(store: Path):
    code, out, _ = run("study", "show", "--store", store)
    assert code == 0
    assert out.startswith(STUDY.strip())  # the file as loaded, comments and all
    assert "period in use: 2010-2016 (the data's years)" in out  # no period declared
    assert "Panel: 3 firms" in out and "Mithra Pharmaceuticals" in out and "Wallonia" in out
    assert "Novartis" not in out.split("Panel:")[1]


def test_study_show_json(store: Path):
    code, out, _ = run("study", "show", "--store", store, "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["name"] == "CLI test study" and shown["stored"] is True
    assert shown["period"] is None and shown["period_used"] == [2010, 2016]
    assert shown["period_source"] == "the data's years" and shown["window"] == 5
    assert [r["name"] for r in shown["regions"]] == ["Flanders", "Wallonia", "Brussels"]
    assert shown["regions"][0] == {"name": "Flanders", "countries": ["BE"], "codes": ["BE-VLG"],
                                   "colour": None, "focal": True}  # fmt: skip
    assert set(shown["layers"]) == {"alliance", "ma", "financing", "public"}
    assert shown["network_layers"] == ["alliance"]
    assert shown["panel"]["kinds"] == ["nbf"] and shown["panel_size"] == 3
    assert sorted(shown["panel"]["members"]) == [
        "galapagos", "mithra-pharmaceuticals", "script-alert-1-script-bio",
    ]  # fmt: skip


def test_study_show_without_a_study_file(tmp_path: Path):
    path = tmp_path / "s.sqlite"
    assert run("init", "--store", path, "--empty")[0] == 0
    assert run("import", "--store", path, DATA / "firms.csv", DATA / "deals.csv")[0] == 0
    code, out, _ = run("study", "show", "--store", path)
    assert code == 0 and "no study file was loaded" in out and "Panel: 3 firms" in out
    shown = json.loads(run("study", "show", "--store", path, "--json")[1])
    assert shown["stored"] is False and shown["regions"] == []
    # without declared regions, actors are placed by country (or unknown without one)
    rows = json.loads(run("actors", "--store", path, "--json")[1])
    assert {r["name"]: r["location"] for r in rows}["Novartis"] == "CH"
    assert {r["name"]: r["location"] for r in rows}["Galapagos"] == "unknown"


def test_study_load_errors_are_located_and_nothing_is_stored(store: Path, tmp_path: Path):
    bad = write_study(
        tmp_path,
        STUDY.replace('codes = ["BE-WAL"]', 'codes = ["BE WAL"]')
        + '\n[panel]\nkinds = ["nfb"]\ninclude = ["Galapagoss"]\n',
        "bad.toml",
    )
    before = run("study", "show", "--store", store, "--json")[1]
    code, out, err = run("study", "load", bad, "--store", store)
    assert code == 1 and not out and "Traceback" not in err
    assert f"{bad}:11:1: 'BE WAL' is not an ISO 3166-1/3166-2 or NUTS code (region.codes)" in err
    assert f"{bad}:19:1: 'nfb' is not one of:" in err
    assert f"{bad}:20:1: no actor named 'Galapagoss'; did you mean 'Galapagos'" in err
    assert run("study", "show", "--store", store, "--json")[1] == before


def test_period_and_window_default_to_the_study(store: Path, tmp_path: Path):
    import polars as pl

    short = STUDY.replace('name = "CLI test study"', 'name = "Short"\nperiod = [2011, 2015]\n'
                          "window = 2")  # fmt: skip
    code, _, err = run(
        "study", "load", write_study(tmp_path, short, "short.toml"), "--store", store
    )
    assert code == 0, err
    assert "period in use: 2011-2015 (declared)" in run("study", "show", "--store", store)[1]
    out = tmp_path / "y.csv"
    code, _, err = run("network", "metrics", "--store", store, "--level", "year", "--out", out)
    assert code == 0, err
    # the period's years that have ties (2012-2014 have none with 2-year ties); the data's
    # first and last years (2010, 2016) are outside the period
    assert pl.read_csv(out)["year"].to_list() == [2011, 2015]
    # partners rank the last year of the period; ties last the study's 2 years
    code, out_text, err = run("partners", "--store", store, "--json")
    assert code == 0, err
    assert {r["year"] for r in json.loads(out_text)} <= {2015}
    ranked = json.loads(run("partners", "--store", store, "--year", "2011", "--json")[1])
    assert [r["name"] for r in ranked] == ["Galapagos"]  # its 2010 licence, 2010-2011
    assert json.loads(run("partners", "--store", store, "--year", "2012", "--json")[1]) == []
    longer = json.loads(run("partners", "--store", store, "--year", "2012", "--window", "5",
                            "--json")[1])  # fmt: skip
    assert [r["name"] for r in longer] == ["Galapagos"]


# -- actors and deals --------------------------------------------------------------------------


def test_actors_filters_and_json(store: Path):
    code, out, _ = run(
        "actors", "--store", store, "--kind", "nbf", "--region", "Flanders", "--json"
    )
    assert code == 0
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["Galapagos"]
    assert rows[0]["location"] == "Flanders" and rows[0]["country"] == "BE"
    assert rows[0]["in_panel"] is True
    code, out, _ = run("actors", "--store", store, "--region", "CH")
    assert code == 0 and "Novartis" in out and "Alcon" in out and "Galapagos" not in out
    code, out, _ = run("actors", "--store", store, "--panel", "--json")
    assert code == 0 and {r["name"] for r in json.loads(out)} == {
        "Galapagos", "Mithra Pharmaceuticals", "<script>alert(1)</script> Bio",
    }  # fmt: skip


def test_actors_prints_location(store: Path):
    code, out, _ = run("actors", "--store", store)
    assert code == 0 and out.startswith("6 actors")
    header = next(line for line in out.splitlines() if "actor_id" in line)
    assert header.split() == ["┃", "actor_id", "┃", "name", "┃", "kind", "┃", "location", "┃",
                              "country", "┃", "founded", "┃", "exit_year", "┃", "in_panel",
                              "┃"]  # fmt: skip
    gimv = next(line for line in out.splitlines() if "Gimv" in line)
    assert "Flanders" in gimv and "BE" in gimv and "False" in gimv


def test_kind_is_checked_and_case_is_ignored(store: Path):
    code, out, _ = run("actors", "--store", store, "--kind", "NBF", "--json")
    assert code == 0 and len(json.loads(out)) == 3
    code, out, err = run("actors", "--store", store, "--kind", "startup")
    assert code == 1 and not out
    assert err.strip().startswith("error: --kind: 'startup' is not one of: nbf, biotech, pharma")


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
    code, out, _ = run("alliances", "--store", store, "--deal-type", "Research Collaboration",
                       "--json")  # fmt: skip
    assert code == 0 and [r["deal_type"] for r in json.loads(out)] == ["research_collaboration"]


def test_alliances_by_layer(store: Path):
    code, out, _ = run("alliances", "--store", store, "--layer", "financing", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["deal_type"], r["layer"]) for r in rows] == [("equity_investment", "financing")]
    code, out, _ = run("alliances", "--store", store, "--layer", "alliance", "--layer",
                       "financing", "--json")  # fmt: skip
    assert code == 0 and len(json.loads(out)) == 4
    code, out, _ = run("alliances", "--store", store, "--json")
    assert {r["layer"] for r in json.loads(out)} == {"alliance", "financing"}


def test_alliances_unknown_actor_suggests(store: Path):
    code, _, err = run("alliances", "--store", store, "--actor", "Galapagoss")
    assert code == 1 and "did you mean 'Galapagos'" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("actors", "--region", "Wallonnia"),
         "--region: 'Wallonnia' is not one of: Flanders, Wallonia, Brussels"),
        (("partners", "--region", "Flandres"),
         "--region: 'Flandres' is not one of: Flanders, Wallonia, Brussels"),
        (("alliances", "--deal-type", "licencing"), "--deal-type: 'licencing' is not one of:"),
        (("alliances", "--layer", "grants"),
         "--layer: 'grants' is not one of: alliance, ma, financing, public"),
        (("partners", "--layer", "allianc"),
         "--layer: 'allianc' is not one of: alliance, ma, financing, public; did you mean "
         "'alliance'?"),
        (("network", "metrics", "--layer", "equity", "--out", "m.parquet"),
         "--layer: 'equity' is not one of: alliance, ma, financing, public"),
        (("network", "metrics", "--deal-type", "loan", "--out", "m.parquet"),
         "--deal-type: 'loan' is not one of: licensing_out"),
        (("export", "--format", "gexf", "--layer", "alliances", "--out", "x"),
         "--layer: 'alliances' is not one of"),
    ],
)  # fmt: skip
def test_vocabulary_options_are_checked(store: Path, args: tuple[str, ...], message: str):
    code, _out, err = run(*args, "--store", store)
    assert code == 1 and "Traceback" not in err
    assert message in err
    if "--region" in args:
        assert "did you mean" in err


# -- exports -----------------------------------------------------------------------------------


def test_export_then_import_round_trips(store: Path, tmp_path: Path):
    out_dir = tmp_path / "csv"
    assert run("export", "--store", store, "--format", "csv", "--out", out_dir)[0] == 0
    text = (out_dir / "alliances.csv").read_text(encoding="utf-8")
    assert "'=cmd|" in text and "'@SUM(1)" in text  # formula cells are neutralised
    # the study file travels with the tables, so the export re-creates the study
    assert (out_dir / "study.toml").read_text(encoding="utf-8") == STUDY
    fresh = tmp_path / "fresh.sqlite"
    assert run("init", "--store", fresh, "--empty")[0] == 0
    files = sorted(out_dir.glob("*.csv"))
    assert run("import", "--store", fresh, *files)[0] == 0
    assert run("study", "load", out_dir / "study.toml", "--store", fresh)[0] == 0
    again = tmp_path / "again"
    assert run("export", "--store", fresh, "--format", "csv", "--out", again)[0] == 0
    for path in [*files, out_dir / "study.toml"]:
        assert (again / path.name).read_bytes() == path.read_bytes()
    assert run("actors", "--store", fresh, "--json")[1] == run("actors", "--store", store,
                                                               "--json")[1]  # fmt: skip


def test_export_parquet(store: Path, tmp_path: Path):
    import polars as pl

    assert run("export", "--store", store, "--format", "parquet", "--out", tmp_path / "pq")[0] == 0
    assert pl.read_parquet(tmp_path / "pq" / "alliances.parquet").height == 4


def test_export_unknown_format(store: Path, tmp_path: Path):
    code, _, err = run("export", "--store", store, "--format", "dbf", "--out", tmp_path)
    assert code == 1 and "--format: 'dbf' is not one of: csv, xlsx, parquet, gexf" in err


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("gexf", "alliance-network.gexf"), ("graphml", "alliance-network.graphml"),
     ("pajek", "alliance-network.net")],
)  # fmt: skip
def test_network_exports(store: Path, tmp_path: Path, fmt: str, expected: str):
    code, _, err = run("export", "--store", store, "--format", fmt, "--out", tmp_path / fmt)
    assert code == 0, err
    assert (tmp_path / fmt / expected).is_file()


def test_network_export_uses_the_alliance_layer_unless_asked(store: Path, tmp_path: Path):
    import re

    def edges(*layers: str) -> set[tuple[str, str]]:
        folder = tmp_path / "-".join(layers or ("default",))
        options = [x for layer in layers for x in ("--layer", layer)]
        code, _, err = run("export", "--store", store, "--format", "graphml", "--out", folder,
                           "--from", "2012", "--to", "2012", *options)  # fmt: skip
        assert code == 0, err
        text = (folder / "alliance-network.graphml").read_text(encoding="utf-8")
        return set(re.findall(r'<edge source="([^"]+)" target="([^"]+)"', text))

    # 2012: Galapagos-Alcon (a 2010 licence) is a tie; Mithra-Gimv (2012 equity) only with
    # the financing layer
    assert edges() == {("alcon", "galapagos")}
    assert edges("alliance", "financing") == {("alcon", "galapagos"),
                                              ("gimv", "mithra-pharmaceuticals")}  # fmt: skip


# -- the report --------------------------------------------------------------------------------


@pytest.mark.depends_on("reporting")
def test_report_writes_escaped_offline_html(store: Path, tmp_path: Path):
    """Depends on the report's move to the Study (bioris.reporting)."""
    out = tmp_path / "r.html"
    code, _stdout, err = run("report", "--store", store, "--out", out, "--data", tmp_path / "d")
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bio" in html
    assert 'src="http' not in html and "<link" not in html  # nothing loaded from the web
    assert "CLI test study" in html
    assert any((tmp_path / "d").glob("*.csv"))


@pytest.mark.depends_on("reporting")
def test_report_region_focus(store: Path, tmp_path: Path):
    """Depends on the report's move to the Study (bioris.reporting)."""
    out = tmp_path / "w.html"
    code, _, err = run("report", "--store", store, "--region", "Wallonia", "--out", out)
    assert code == 0, err
    assert "focus Wallonia" in out.read_text(encoding="utf-8")
    code, _, err = run("report", "--store", store, "--region", "Wallonnia", "--out", out)
    assert code == 1 and "did you mean 'Wallonia'" in err


# -- the network -------------------------------------------------------------------------------


def test_partners_ranks_the_panel_and_states_the_rule_and_the_study(store: Path):
    code, out, err = run("partners", "--store", store, "--year", "2016", "--top", "5", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows and rows[0]["rank"] == 1
    assert {r["name"] for r in rows} <= {"Galapagos", "Mithra Pharmaceuticals",
                                         "<script>alert(1)</script> Bio"}  # fmt: skip
    assert {r["location"] for r in rows} <= {"Flanders", "Wallonia", "Brussels"}
    # the default year is the last of the study's period (here the data's: 2016)
    code, default, _ = run("partners", "--store", store, "--top", "5", "--json")
    assert code == 0
    assert [(r["rank"], r["name"]) for r in json.loads(default)] == [
        (r["rank"], r["name"]) for r in rows
    ]
    code, out, err = run("partners", "--store", store)
    assert code == 0 and "Most preferred partners, 2016" in out
    assert "rule: Panel firms are ranked" in err
    assert "study 'CLI test study': panel of 3 firms; ties: alliance layer" in err
    assert "data period 2010-2016" in err


def test_partners_layers(store: Path):
    def ranked(*options: str) -> list[str]:
        code, out, err = run("partners", "--store", store, "--year", "2012", "--json", *options)
        assert code == 0, err
        return [r["name"] for r in json.loads(out)]

    # in 2012 Mithra's only tie is Gimv's equity round: not an alliance
    assert ranked() == ["Galapagos"]
    assert ranked("--layer", "alliance", "--layer", "financing") == [
        "Galapagos", "Mithra Pharmaceuticals",
    ]  # fmt: skip
    assert ranked("--layer", "financing") == ["Mithra Pharmaceuticals"]


def test_partners_region(store: Path):
    code, out, err = run("partners", "--store", store, "--year", "2016", "--region", "wallonia",
                         "--json")  # fmt: skip
    assert code == 0, err
    assert [r["name"] for r in json.loads(out)] == ["Mithra Pharmaceuticals"]


def test_partners_sensitivity(store: Path):
    code, out, err = run("partners", "--store", store, "--year", "2016", "--sensitivity",
                         "--json")  # fmt: skip
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) == {"ranking", "sensitivity", "agreement"}
    assert len(payload["agreement"]) == 6
    assert all("kendall_tau" in r for r in payload["agreement"])
    code, out, _ = run("partners", "--store", store, "--year", "2016", "--sensitivity")
    assert code == 0 and "Kendall's tau-b" in out


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
    assert code == 1 and "--weight: 'money' is not one of: alliances, committed_eur" in err
    code, _, err = run("network", "metrics", "--store", store, "--out", tmp_path / "m.txt")
    assert code == 1 and ".parquet or .csv" in err
    code, _, err = run("network", "metrics", "--store", store, "--from", "2016", "--to", "2010",
                       "--out", tmp_path / "m.parquet")  # fmt: skip
    assert code == 1 and "is empty" in err


# -- the bundled dataset -----------------------------------------------------------------------


def test_firms_profile_on_the_bundled_dataset(bundled: Path):
    code, out, err = run("firms", "profile", "Cardio3 BioSciences", "--store", bundled, "--json")
    assert code == 0, err
    profile = json.loads(out)
    assert profile["actor"]["name"] == "Celyad"
    assert profile["location"] == "Wallonia" and profile["in_panel"] is True
    assert {"deals", "pipeline", "years", "transitions", "fipco"} <= set(profile)
    assert any(d["deal_type"] == "licensing_out" for d in profile["deals"])
    assert {r["year"] for r in profile["years"]} >= {2015, 2016, 2017}
    code, out, _ = run("firms", "profile", "celyad", "--store", bundled)
    assert code == 0 and "Year by year" in out
    code, _, err = run("firms", "profile", "Celyadd", "--store", bundled)
    assert code == 1 and "did you mean 'Celyad'" in err


def test_firms_profile_of_an_acquired_firm_ends_at_its_exit(bundled: Path):
    code, out, err = run("firms", "profile", "Movetis", "--store", bundled, "--json")
    assert code == 0, err
    profile = json.loads(out)
    assert (profile["exit_kind"], profile["exit_year"]) == ("acquired", 2010)
    assert max(r["year"] for r in profile["years"]) <= 2010
    code, out, _ = run("firms", "profile", "Movetis", "--store", bundled)
    assert code == 0 and "acquired 2010" in out


def test_region_summary_on_the_bundled_dataset(bundled: Path):
    code, out, err = run("region", "summary", "--store", bundled, "--json")
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
    panel = next(r for r in summary["actors"] if r["kind"] == "panel")
    assert set(panel) == {"kind", "Flanders", "Wallonia", "Brussels"}
    code, out, _ = run("region", "summary", "--store", bundled)
    assert code == 0
    assert out.startswith("Belgian red-biotech RIS: Flanders, Wallonia, Brussels compared, "
                          "1987-2017")  # fmt: skip
    assert "Firms spun out of each institution" in out


# -- the web server ----------------------------------------------------------------------------


@pytest.mark.depends_on("web")
def test_serve_binds_loopback_by_default(store: Path, monkeypatch: pytest.MonkeyPatch):
    """Depends on the web view's move to the Study (bioris.web must import)."""
    import bioris.web.app

    for name in ("BIORIS_WEB_HOST", "BIORIS_WEB_PORT", "BIORIS_WEB_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    calls = []
    monkeypatch.setattr(bioris.web.app, "serve", lambda path, **kw: calls.append((path, kw)))
    code, _, err = run("serve", "--store", store)
    assert code == 0, err
    assert calls == [(store, {"host": "127.0.0.1", "port": 8000, "workers": 1})]
    assert "read-only on http://127.0.0.1:8000" in err
    calls.clear()
    assert run("serve", "--store", store, "--workers", "2")[0] == 0
    assert calls[0][1]["workers"] == 2


@pytest.mark.depends_on("web")
def test_serve_takes_host_and_port_from_the_settings(store: Path, monkeypatch: pytest.MonkeyPatch):
    """Depends on the web view's move to the Study (bioris.web must import)."""
    import bioris.web.app

    calls = []
    monkeypatch.setattr(bioris.web.app, "serve", lambda path, **kw: calls.append((path, kw)))
    monkeypatch.setenv("BIORIS_WEB_HOST", "0.0.0.0")
    monkeypatch.setenv("BIORIS_WEB_PORT", "8765")
    monkeypatch.setenv("BIORIS_WEB_WORKERS", "3")
    code, _, err = run("serve", "--store", store)
    assert code == 0, err
    assert calls == [(store, {"host": "0.0.0.0", "port": 8765, "workers": 3})]
    assert "http://0.0.0.0:8765 with 3 server processes" in err
    # the command's options win over the settings
    calls.clear()
    assert run("serve", "--store", store, "--host", "127.0.0.1", "--port", "9000")[0] == 0
    assert calls[0][1] == {"host": "127.0.0.1", "port": 9000, "workers": 3}
    # a setting that is not a number is one clear error
    monkeypatch.setenv("BIORIS_WEB_PORT", "eighty")
    code, _, err = run("serve", "--store", store)
    assert code == 1 and "BIORIS_WEB_PORT" in err and "Traceback" not in err


def test_a_deal_type_alone_selects_its_layer_and_outside_the_layers_is_an_error(
    bundled: Path, tmp_path: Path
):
    out = tmp_path / "m.csv"
    code, stdout, err = run(
        "network", "metrics", "--store", bundled, "--deal-type", "acquisition", "--out", out
    )
    assert code == 0 and "ma layer (acquisition)" in err  # the study note says what ties
    assert ": 0 rows" not in stdout
    code, _, err = run(
        "network", "metrics", "--store", bundled, "--deal-type", "acquisition",
        "--layer", "alliance", "--out", out,
    )  # fmt: skip
    assert code == 1
    assert "--deal-type (of the layers alliance): 'acquisition' is not one of" in err


def test_a_region_code_names_its_region_and_an_empty_period_is_an_error(bundled: Path):
    code, by_code, _ = run("actors", "--store", bundled, "--region", "BE-WAL", "--json")
    _, by_name, _ = run("actors", "--store", bundled, "--region", "Wallonia", "--json")
    assert code == 0 and json.loads(by_code) == json.loads(by_name)
    code, _, err = run("alliances", "--store", bundled, "--from", "2020", "--to", "2010")
    assert code == 1 and "empty" in err


def test_a_study_may_be_loaded_before_its_data(tmp_path: Path):
    """The bundled study file names panel firms; on an empty store they are checked later,
    and `study show` notes the names no actor bears (yet)."""
    from bioris.data import study_file

    path = tmp_path / "s.sqlite"
    assert run("init", "--empty", "--store", path)[0] == 0
    code, _, err = run("study", "load", str(study_file()), "--store", path)
    assert code == 0
    code, _, err = run("study", "show", "--store", path)
    assert code == 0 and "note: panel.include: no actor named 'Mithra Pharmaceuticals'" in err
