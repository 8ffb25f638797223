"""Corrections: a deal or actor reported again corrects the stored one (field: old -> new);
two kinds for one name are an error naming both rows; another store merges with a report."""

from __future__ import annotations

from pathlib import Path

import pytest

from bioris.errors import StoreError, ValidationError
from bioris.ingest.importer import import_files
from bioris.ingest.store_merge import is_store_file, merge_store
from bioris.store import Store, open_store

ACTORS = "name,kind,country\nGenmab A/S,nbf,DK\nAbbVie,pharma,US\nBioInvent AB,nbf,SE\n"
DEALS = "year,date,nbf,partner,deal_type,asset_or_technology,upfront_musd\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "s.sqlite") as opened:
        import_files(opened, [
            write(tmp_path, "a.csv", ACTORS),
            write(tmp_path, "d.csv", DEALS + "2023,2023-06-01,Genmab,AbbVie,licensing_out,,750\n"),
        ])  # fmt: skip
        yield opened


def test_a_corrected_upfront_updates_the_stored_deal(store: Store, tmp_path: Path):
    fix = write(tmp_path, "fix.csv", DEALS + "2023,2023-06-01,Genmab,AbbVie,licensing_out,,800\n")
    report = import_files(store, [fix])
    (deal,) = store.alliances()
    assert deal.terms.upfront is not None and deal.terms.upfront.amount == 800
    (change,) = report.diff.of("update", "deal")
    assert [str(f) for f in change.fields][:1] == ["terms.upfront: 750 USD -> 800 USD"]


def test_a_corrected_date_within_the_year_is_a_correction_not_a_second_deal(
    store: Store, tmp_path: Path
):
    fix = write(tmp_path, "fix.csv", DEALS + "2023,2023-07-15,Genmab,AbbVie,licensing_out,,\n")
    report = import_files(store, [fix])
    (deal,) = store.alliances()
    assert deal.date == "2023-07-15" and deal.terms.upfront.amount == 750  # empty keeps
    assert "date: 2023-06-01 -> 2023-07-15" in [str(f) for f in report.diff.changes[0].fields]


def test_another_year_or_another_asset_is_another_deal(store: Store, tmp_path: Path):
    more = write(tmp_path, "more.csv", DEALS + "2024,2024-01-01,Genmab,AbbVie,licensing_out,,1\n"
                 "2023,2023-09-01,BioInvent,AbbVie,licensing_out,BI-1206,2\n")  # fmt: skip
    import_files(store, [more])
    other = write(tmp_path, "o.csv", DEALS + "2023,2023-10-01,BioInvent,AbbVie,licensing_out,"
                  "BI-1808,3\n")  # fmt: skip
    import_files(store, [other])
    assert len(store.alliances()) == 4


def test_two_kinds_for_one_name_are_an_error_naming_both(store: Store, tmp_path: Path):
    bad = write(tmp_path, "k.csv", "name,country,kind\nAbbVie Inc.,US,nbf\n")
    with pytest.raises(ValidationError) as caught:
        import_files(store, [bad])
    (error,) = caught.value.errors
    assert (error.line, error.column, error.field) == (2, 3, "kind")
    assert "'AbbVie Inc.' is a nbf here but 'AbbVie' in the store is a pharma" in error.message
    inside = write(tmp_path, "two.csv", "name,kind\nZeta Bio,nbf\nZeta Bio,financier\n")
    with pytest.raises(ValidationError, match=r"two.csv:3:2: .*in .*two.csv:2 is a nbf"):
        import_files(store, [inside])


def test_a_generic_word_does_not_merge_two_kinds_of_actor(store: Store, tmp_path: Path):
    novo = write(tmp_path, "novo.csv", "name,kind,aliases\nNovo Nordisk,pharma,Novo\n")
    import_files(store, [novo])
    holdings = write(tmp_path, "h.csv", "name,kind\nNovo Holdings A/S,financier\n")
    report = import_files(store, [holdings])
    kinds = {a.name: a.kind.value for a in store.actors()}
    assert kinds["Novo Holdings A/S"] == "financier" and kinds["Novo Nordisk"] == "pharma"
    assert any("kept as two actors" in note for note in report.merges)


def test_a_store_merges_with_a_conflict_report(store: Store, tmp_path: Path):
    with open_store(tmp_path / "other.sqlite") as other:
        import_files(other, [
            write(tmp_path, "oa.csv", "name,kind,country,city\nGenmab,nbf,DK,Copenhagen\n"
                  "AbbVie,pharma,US,Chicago\nBioInvent International AB,nbf,SE,Lund\n"
                  "Orphazyme,nbf,DK,\n"),
            write(tmp_path, "od.csv", DEALS + "2023,2023-06-15,Genmab,AbbVie,licensing_out,,800\n"),
        ])  # fmt: skip
    assert is_store_file(tmp_path / "other.sqlite") and not is_store_file(tmp_path / "oa.csv")
    report = merge_store(store, tmp_path / "other.sqlite")
    assert any("terms.upfront 750 USD (this store) vs 800 USD" in k for k in report.kept)
    (deal,) = store.alliances()
    assert deal.terms.upfront.amount == 750  # ours kept, and said so
    names = {a.name: a for a in store.actors()}
    assert names["Genmab A/S"].city == "Copenhagen"  # an empty field filled
    assert "Orphazyme" in names and "BioInvent International AB" in names  # other names
    theirs = merge_store(store, tmp_path / "other.sqlite", prefer="theirs")
    assert any(line.endswith("overwritten") for line in theirs.overwritten)
    assert store.alliances()[0].terms.upfront.amount == 800
    store.undo()
    assert store.alliances()[0].terms.upfront.amount == 750


def test_a_kind_conflict_between_stores_needs_a_decision(store: Store, tmp_path: Path):
    with open_store(tmp_path / "other.sqlite") as other:
        import_files(other, [write(tmp_path, "oa.csv", "name,kind\nBioInvent AB,pharma\n")])
    with pytest.raises(StoreError, match=r"(?s)1 conflict\(s\) need a decision.*kind 'nbf'"):
        merge_store(store, tmp_path / "other.sqlite")
    report = merge_store(store, tmp_path / "other.sqlite", prefer="ours", decide=True)
    assert report.kept and store.actor("bioinvent-ab").kind.value == "nbf"


def test_dry_run_prints_the_same_change_the_import_makes(store: Store, tmp_path: Path):
    fix = write(tmp_path, "fix.csv", DEALS + "2023,2023-06-01,Genmab,AbbVie,licensing_out,,800\n"
                "2024,2024-02-02,BioInvent,AbbVie,option,,\n")  # fmt: skip
    dry = import_files(store, [fix], dry_run=True)
    assert dry.change_id is None and len(store.history()) == 1  # nothing written
    real = import_files(store, [fix])
    assert dry.diff == real.diff and dry.diff.counts() == {"add deal": 1, "update deal": 1}


def test_a_second_report_that_only_disagrees_is_still_listed(tmp_path: Path):
    with open_store(tmp_path / "t.sqlite") as fresh:
        rows = "2023,2023-06-01,Genmab,AbbVie,licensing_out,,10\n" + (
            "2023,2023-06-01,Genmab,AbbVie,licensing_out,,12\n"
        )
        both = write(tmp_path, "both.csv", DEALS + rows)
        report = import_files(fresh, [write(tmp_path, "a.csv", ACTORS), both])
    assert any("upfront 10 USD kept over 12 USD" in note for note in report.merges)


def test_a_rate_of_ones_own_shows_the_euro_value_it_gives(store: Store, tmp_path: Path):
    from bioris.ingest.fx_file import import_rates

    late = write(tmp_path, "late.csv", "year,date,nbf,partner,deal_type,currency,upfront_m\n"
                 "2026,2026-01-05,BioInvent,AbbVie,licensing_out,SEK,100\n")  # fmt: skip
    import_files(store, [late])
    rates = write(tmp_path, "rates.csv", "year,currency,units_per_eur\n2026,SEK,10\n")
    count, diff, change_id = import_rates(store, rates)
    (deal,) = diff.of("update", "deal")
    assert str(deal.fields[0]) == ("terms.upfront: 100 SEK (no euro value) -> 100 SEK (EUR 10M)")
    assert count == 1 and change_id is not None and diff.of("add", "exchange rate")


def test_a_subdivision_code_of_no_country_is_an_error(store: Store, tmp_path: Path):
    bad = write(tmp_path, "uk.csv", "name,kind,region\nOxford Biomedica plc,nbf,UK-ENG\n")
    with pytest.raises(ValidationError, match=r"uk.csv:2:3: 'UK-ENG': .*GB"):
        import_files(store, [bad])
