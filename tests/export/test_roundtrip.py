"""Export then import gives the same store: CSV, XLSX, Parquet, formula neutralising."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bioris.domain import (
    CURRENCIES,
    Actor,
    ActorKind,
    Alliance,
    Confidence,
    Dataset,
    DealType,
    LineageFact,
    LineageRelation,
    Money,
    Party,
    Provenance,
    Role,
    Stage,
    Terms,
)
from bioris.domain.geography import ISO_COUNTRIES
from bioris.errors import BiorisError, ValidationError
from bioris.export import export_dataset
from bioris.ingest.importer import import_files
from bioris.store import open_store

DATA = Path(__file__).parent.parent / "data" / "good"
RAW = [DATA / "actors.csv", DATA / "actors_more.csv", DATA / "alliances.csv"]
CANONICAL = [DATA / "canonical" / f"{n}.csv" for n in ("actors", "lineage", "alliances", "parties")]
FILES = ("actors", "lineage", "alliances", "parties", "pipeline_events", "financials")


def stored(
    path: Path, *, files: list[Path] | None = None, dataset: Dataset | None = None
) -> Dataset:
    """A fresh store at ``path`` filled by importing ``files`` or writing ``dataset``."""
    with open_store(path) as store:
        if files is not None:
            import_files(store, files)
        if dataset is not None:
            with store.transaction():
                store.write(dataset)
        return store.dataset()


def round_trip(dataset: Dataset, folder: Path, fmt: str) -> Dataset:
    """``dataset`` exported as ``fmt`` and imported into a fresh, empty store."""
    written = export_dataset(dataset, folder / "out", fmt)
    assert [p.name for p in written] == [f"{n}.{fmt}" for n in FILES]
    with open_store(folder / "again.sqlite") as store:
        assert store.is_empty()
        import_files(store, written)
        return store.dataset()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("source", [RAW, CANONICAL], ids=["raw", "canonical"])
def test_round_trip(tmp_path: Path, fmt: str, source: list[Path]) -> None:
    original = stored(tmp_path / "s.sqlite", files=source)
    assert original.alliances and original.lineage
    assert round_trip(original, tmp_path, fmt) == original


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_of_an_empty_store(tmp_path: Path, fmt: str) -> None:
    assert round_trip(Dataset(), tmp_path, fmt) == Dataset()


def test_parquet_export(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite") as store:
        import_files(store, RAW)
        counts, dataset = store.counts(), store.dataset()
    written = export_dataset(dataset, tmp_path / "pq", "parquet")
    assert [p.name for p in written] == [f"{n}.parquet" for n in FILES]
    frames = {p.stem: pl.read_parquet(p) for p in written}
    assert {name: frame.height for name, frame in frames.items()} == counts
    assert frames["parties"]["focal"].dtype == pl.Boolean
    assert frames["alliances"]["upfront_eur"].dtype == pl.Float64
    assert frames["actors"].filter(pl.col("actor_id") == "ku-leuven")["founded"].to_list() == [1425]
    notes = frames["alliances"]["notes"].to_list()
    assert "-fictional test row" in notes  # Parquet is typed: nothing is neutralised


def test_unknown_export_format(tmp_path: Path) -> None:
    with pytest.raises(BiorisError, match="unknown export format 'json'"):
        export_dataset(Dataset(), tmp_path, "json")


# --- formula neutralising -----------------------------------------------------------------------

FORMULAS = Dataset(
    actors=(
        Actor("evil", '=HYPERLINK("x")', ActorKind.OTHER, city="@SUM(A1)", aliases=("+1", "=2")),
        Actor("fine", "Fine", ActorKind.NBF, exit="-acquired"),
    ),
    alliances=(
        Alliance(
            "f1", 2010, "2010", DealType.OPTION,
            (Party("evil", Role.LICENSOR, True, "=evil"), Party("fine", Role.LICENSEE, False)),
            notes="-5% royalty", asset="@risk", therapeutic_area="+oncology",
            terms=Terms(royalties="=tiered"),
        ),
    ),
)  # fmt: skip
NEUTRALISED = {
    '=HYPERLINK("x")': '\'=HYPERLINK("x")',
    "@SUM(A1)": "'@SUM(A1)",
    "+1; =2": "'+1; =2",
    "-acquired": "'-acquired",
    "=evil": "'=evil",
    "-5% royalty": "'-5% royalty",
    "@risk": "'@risk",
    "+oncology": "'+oncology",
    "=tiered": "'=tiered",
}


def exported_cells(folder: Path, fmt: str) -> set[object]:
    cells: set[object] = set()
    for name in FILES:
        path = folder / f"{name}.{fmt}"
        if fmt == "csv":
            with path.open(encoding="utf-8", newline="") as handle:
                cells.update(c for row in csv.reader(handle) for c in row)
        else:
            book = openpyxl.load_workbook(path)
            for row in book.active.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{cell.value!r} is a formula"
                    cells.add(cell.value)
    return cells


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formulas_are_neutralised_and_come_back_exactly(tmp_path: Path, fmt: str) -> None:
    original = stored(tmp_path / "s.sqlite", dataset=FORMULAS)
    again = round_trip(original, tmp_path, fmt)
    cells = exported_cells(tmp_path / "out", fmt)
    for value, written in NEUTRALISED.items():
        assert written in cells
        assert value not in cells
    assert again == original


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_starting_with_quote_and_formula_char_round_trips(tmp_path: Path, fmt: str) -> None:
    dataset = Dataset(actors=(Actor("a", "A", ActorKind.NBF, exit="'@home' programme"),))
    original = stored(tmp_path / "s.sqlite", dataset=dataset)
    assert round_trip(original, tmp_path, fmt) == original


# --- any small dataset survives a CSV round trip -----------------------------------------------

_CHARS = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\x00")


def _clean(text: str) -> bool:
    # Cells are stripped on import, and a leading quote before a formula character is
    # read as neutralising (see the xfail above), so neither can round-trip.
    return text == text.strip() and not (text[:1] == "'" and text[1:2] in "=+-@")


_WORDS = st.text(st.one_of(_CHARS, st.sampled_from("\n,\"';=+-@")), min_size=1, max_size=10)
TEXT = st.one_of(
    _WORDS, st.builds(str.__add__, st.sampled_from(["=", "+", "-", "@", '"']), _WORDS)
).filter(lambda t: bool(t) and _clean(t))
ITEM = TEXT.filter(lambda t: ";" not in t)  # list items: "; "-joined in one cell
ITEMS = st.lists(ITEM, max_size=3).map(tuple)
OPTIONAL = st.none() | TEXT
YEAR = st.integers(1900, 2020)
AMOUNT = st.floats(min_value=0.0, max_value=1e12, allow_nan=False, allow_infinity=False)
PROVENANCE = st.builds(Provenance, ITEMS, st.sampled_from(Confidence))


@st.composite
def actors(draw: st.DrawFn) -> tuple[Actor, ...]:
    ids = draw(st.lists(TEXT, min_size=2, max_size=5, unique=True))
    return tuple(
        Actor(
            actor_id,
            draw(TEXT),
            draw(st.sampled_from(ActorKind)),
            draw(st.none() | st.sampled_from(sorted(ISO_COUNTRIES))),
            draw(st.none() | st.sampled_from(["Flanders", "Wallonia", "DK-84", "Medicon Valley"])),
            draw(OPTIONAL),
            draw(st.none() | YEAR),
            draw(ITEMS),
            draw(ITEMS),
            draw(st.none() | YEAR),
            draw(OPTIONAL),
            draw(ITEMS),
            draw(PROVENANCE),
        )
        for actor_id in ids
    )


@st.composite
def money(draw: st.DrawFn, year: int | None) -> Money | None:
    if draw(st.booleans()):
        return None
    currency = draw(st.sampled_from(sorted(CURRENCIES)))
    # An empty euro cell means "convert at the year's rate", so only a deal whose euro value
    # cannot be converted (undated, not in euro) may lack one.
    can_lack = year is None and currency != "EUR"
    eur = draw(st.none() | AMOUNT) if can_lack else draw(AMOUNT)
    return Money(draw(AMOUNT), currency, eur)


@st.composite
def alliance(draw: st.DrawFn, alliance_id: str, ids: list[str]) -> Alliance:
    year = draw(st.none() | YEAR)
    date = None
    if year is not None:
        month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
        date = draw(
            st.sampled_from(
                [None, f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-{day:02d}"]
            )
        )
    members = draw(st.lists(st.sampled_from(ids), min_size=2, max_size=3, unique=True))
    parties = tuple(
        Party(m, draw(st.sampled_from(Role)), draw(st.booleans()), draw(st.just("") | TEXT))
        for m in members
    )
    end_year = draw(st.none() | st.integers(year or 1900, 2020))
    terms = Terms(
        draw(money(year)), draw(money(year)), draw(money(year)), draw(money(year)), draw(OPTIONAL)
    )
    return Alliance(
        alliance_id, year, date, draw(st.sampled_from(DealType)), parties,
        draw(st.sampled_from(Stage)), draw(OPTIONAL), draw(OPTIONAL), terms, end_year,
        draw(OPTIONAL), draw(OPTIONAL), draw(PROVENANCE),
    )  # fmt: skip


@st.composite
def datasets(draw: st.DrawFn) -> Dataset:
    people = draw(actors())
    ids = [a.actor_id for a in people]
    lineage: dict[tuple, LineageFact] = {}
    for _ in range(draw(st.integers(0, 3))):
        relation = draw(st.sampled_from(LineageRelation))
        target = draw(TEXT if relation is LineageRelation.NAMED else st.sampled_from(ids))
        start = draw(st.none() | YEAR)
        end = draw(st.none() | st.integers(start or 1900, 2020))
        fact = LineageFact(
            draw(st.sampled_from(ids)), relation, target, start, end, draw(OPTIONAL),
            draw(PROVENANCE),
        )  # fmt: skip
        lineage[(fact.actor_id, relation, target, start)] = fact
    alliance_ids = draw(st.lists(TEXT, max_size=3, unique=True))
    deals = tuple(draw(alliance(i, ids)) for i in alliance_ids)
    return Dataset(people, tuple(lineage.values()), deals)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_any_dataset_survives_a_csv_round_trip(dataset: Dataset) -> None:
    with tempfile.TemporaryDirectory() as folder:
        original = stored(Path(folder) / "s.sqlite", dataset=dataset)
        assert original == dataset.sorted()
        assert round_trip(original, Path(folder), "csv") == original


# --- regressions found while testing -----------------------------------------------------------


def one_actor(exit_text: str) -> Dataset:
    return Dataset(actors=(Actor("a", "A", ActorKind.NBF, exit=exit_text),))


def test_lone_carriage_return_round_trips_in_csv(tmp_path: Path) -> None:
    original = stored(tmp_path / "s.sqlite", dataset=one_actor("line one\rline two"))
    assert round_trip(original, tmp_path, "csv") == original


def test_crlf_round_trips_in_csv(tmp_path: Path) -> None:
    original = stored(tmp_path / "s.sqlite", dataset=one_actor("line one\r\nline two"))
    assert round_trip(original, tmp_path, "csv") == original


def test_crlf_becomes_lf_in_xlsx(tmp_path: Path) -> None:
    # Documented limit: XML text normalises CRLF to LF, so XLSX keeps line breaks as LF
    # (CSV keeps them exactly).
    original = stored(tmp_path / "s.sqlite", dataset=one_actor("line one\r\nline two"))
    expected = stored(tmp_path / "t.sqlite", dataset=one_actor("line one\nline two"))
    assert round_trip(original, tmp_path, "xlsx") == expected
    assert round_trip(original, tmp_path / "csv", "csv") == original


def test_xlsx_round_trip_keeps_converted_euro_values(tmp_path: Path) -> None:
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "year,nbf,partner,deal_type,upfront_musd\n2005,Ablynx,Novartis,option,2\n", encoding="utf-8"
    )
    original = stored(tmp_path / "s.sqlite", files=[*RAW[:2], deals])
    # converted euro values are rounded to the euro (6 decimals in millions), which XLSX's
    # 15 significant digits keep exactly
    assert original.alliances[0].terms.upfront == Money(2.0, "USD", 1.607601)
    assert round_trip(original, tmp_path, "xlsx") == original


def test_control_characters_are_refused_on_import_and_xlsx_export(tmp_path: Path) -> None:
    actors = tmp_path / "actors.csv"
    actors.write_text(
        'name,kind,region,exit\nAcme,nbf,Flanders,"sold\x0bin 2010"\n', encoding="utf-8"
    )
    with open_store(tmp_path / "s.sqlite") as store, pytest.raises(ValidationError) as info:
        import_files(store, [actors])
    assert "actors.csv:2:4: control character U+000B" in str(info.value)
    # a store written by other means: the XLSX export refuses cleanly, not with a crash
    original = stored(tmp_path / "t.sqlite", dataset=one_actor("sold\x0bin 2010"))
    with pytest.raises(BiorisError):
        export_dataset(original, tmp_path / "out", "xlsx")
