"""Pipeline events and financial records: raw and canonical import, validation, round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from bioris.domain import OperatorRole, SourceKind
from bioris.errors import ValidationError
from bioris.export import export_dataset
from bioris.ingest.firm_rows import source_kind_of
from bioris.ingest.importer import import_files
from bioris.store import open_store

FIRMS = """name,aliases,kind,region,source_url,confidence
Tibotec,Tibotec-Virco,nbf,Flanders,https://e.org/t,high
Virco,Tibotec-Virco,nbf,Flanders,https://e.org/v,high
Galapagos,,nbf,Flanders,https://e.org/g,high
Gilead Sciences,,pharma,US,https://e.org/gi,high
"""
PIPELINE_HEADER = (
    "firm,asset,modality,indication,event_date,stage,event,operator,notes,source_url,confidence\n"
)
FIN_HEADER = (
    "firm,year,currency,unit,revenue_total,upfront_fees,milestones,rd_service_fees,royalties,"
    "product_sales,grants_and_other,rd_expense,net_result,cash_end,notes,source_url,confidence\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def imported(tmp_path: Path, *files: tuple[str, str]):
    paths = [write(tmp_path, "firms.csv", FIRMS)] + [write(tmp_path, n, t) for n, t in files]
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, paths)
        return store.dataset()


@pytest.mark.parametrize(
    ("firm", "operator", "role", "ids"),
    [
        ("Galapagos", "Galapagos", OperatorRole.OWN, ("galapagos",)),
        ("Galapagos", "Gilead Sciences with Galapagos", OperatorRole.SHARED,
         ("gilead-sciences", "galapagos")),
        ("Galapagos", "Galapagos (US) and Servier (ex-US)", OperatorRole.SHARED, ("galapagos",)),
        ("Galapagos", "Gilead Sciences", OperatorRole.PARTNER, ("gilead-sciences",)),
        ("Galapagos", "Mayne Pharma", OperatorRole.PARTNER, ()),
        ("Galapagos", "", OperatorRole.UNKNOWN, ()),
        # an ambiguous alias counts as the firm when the firm is one of its actors
        ("Tibotec", "Tibotec-Virco", OperatorRole.OWN, ("tibotec",)),
    ],
)  # fmt: skip
def test_operator_role(tmp_path: Path, firm: str, operator: str, role, ids):
    row = f"{firm},X1,small molecule,HIV,2005-03,phase2,trial,{operator},,https://e.org/p,high\n"
    data = imported(tmp_path, ("pipe.csv", PIPELINE_HEADER + row))
    event = data.pipeline[0]
    assert (event.operator_role, event.operator_ids) == (role, ids)
    assert event.year == 2005 and event.date == "2005-03"


def test_financials_are_scaled_to_millions(tmp_path: Path):
    rows = (
        "Galapagos,2015,EUR,thousand,76761,,,,,,,,-1500,,20-F note 20,https://e.org/f,high\n"
        "Galapagos,2015,EUR,million,78,,,,,,,,,,Annual report 'at a glance' (rounded),"
        "https://e.org/a,high\n"
        "Gilead Sciences,2016,USD,million,30000,,,,,,,,,,Reuters,https://e.org/r,medium\n"
    )
    data = imported(tmp_path, ("fin.csv", FIN_HEADER + rows))
    by_source = {r.provenance.source_urls[0]: r for r in data.financials}
    filing = by_source["https://e.org/f"]
    assert filing.value("revenue_total") == pytest.approx(76.761)
    assert filing.value("net_result") == pytest.approx(-1.5)  # a loss may be negative
    assert filing.source_kind is SourceKind.FILING
    assert by_source["https://e.org/a"].source_kind is SourceKind.RESULTS_RELEASE
    usd = by_source["https://e.org/r"]
    assert usd.source_kind is SourceKind.PRESS and 0.8 < usd.eur_per_unit < 1.0


def test_bad_rows_are_located(tmp_path: Path):
    fin = FIN_HEADER + "Galapagoss,2015,EUR,dozen,-5,,,,,,,,,,x,https://e.org/f,high\n"
    pipe = PIPELINE_HEADER + "Galapagos,,x,y,2015-13,phase9,,,,https://e.org/p,high\n"
    paths = [write(tmp_path, "firms.csv", FIRMS), write(tmp_path, "fin.csv", fin),
             write(tmp_path, "pipe.csv", pipe)]  # fmt: skip
    with open_store(tmp_path / "s.sqlite") as store, pytest.raises(ValidationError) as info:
        import_files(store, paths)
    text = str(info.value)
    assert "fin.csv:2:1: no actor named 'Galapagoss'; did you mean 'Galapagos'" in text
    assert "fin.csv:2:4: 'dozen' is not one of: thousand, million" in text
    assert "fin.csv:2:5: amount -5 is negative" in text
    assert "pipe.csv:2:2: is empty but required (asset)" in text
    assert "pipe.csv:2:5: '2015-13' is not a real date" in text
    assert "pipe.csv:2:6: 'phase9' is not one of" in text


def test_round_trip_with_pipeline_and_financials(tmp_path: Path):
    rows = "Galapagos,X1,sm,CF,2012,phase3,start,Galapagos,,https://e.org/p,high\n"
    fin = (
        FIN_HEADER
        + "Galapagos,2012,EUR,million,10,1,2,3,,,,20,-5,100,FY2012 results press release,"
        "https://e.org/f,high\n"
    )
    data = imported(tmp_path, ("pipe.csv", PIPELINE_HEADER + rows), ("fin.csv", fin))
    files = export_dataset(data, tmp_path / "out", "csv")
    with open_store(tmp_path / "again.sqlite") as store:
        import_files(store, files)
        assert store.dataset() == data


@pytest.mark.parametrize(
    ("notes", "url", "kind"),
    [
        ("20-F FY2017 note 20", "", SourceKind.FILING),
        ("Annual report 2014 'at a glance' (rounded)", "", SourceKind.RESULTS_RELEASE),
        ("FY2012 results press release", "", SourceKind.RESULTS_RELEASE),
        ("", "https://www.fiercebiotech.com/x", SourceKind.PRESS),
        ("", "", SourceKind.OTHER),
    ],
)
def test_source_kind_rule(notes: str, url: str, kind: SourceKind):
    assert source_kind_of(notes, url) is kind
