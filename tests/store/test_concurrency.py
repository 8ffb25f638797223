"""Two writers, readers beside a writer (issue #11): no lost update, readers never blocked.

The faults reproduced: an import validated and merged against the store *before* taking the
write lock, so a second import written meanwhile was overwritten (an actor's facts, a deal's
terms); readers took the write lock to check migrations, and failed while an import wrote.
Here the slow import is made slow on purpose (its reading of the store sleeps) and the other
starts at several delays inside that window; the result must be what running them one after
the other gives.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bioris.domain import ActorKind
from bioris.errors import StoreError
from bioris.ingest import batch as batch_module
from bioris.ingest.importer import import_files
from bioris.store import open_store
from bioris.store import writer as writer_module
from bioris.workspace import open_user_store

BASE = "name,kind,country\nGenmab,nbf,DK\nAmgen,pharma,US\n"
ACTORS_A = "name,kind,region,country,founded\nZeta Therapeutics,nbf,DK-84,DK,2015\n"
DEALS_B = (
    "year,date,nbf,partner,deal_type,upfront_meur,source_url,confidence\n"
    "2019,2019-03,Genmab,Zeta Therapeutics,research_collaboration,,https://b.example/1,high\n"
)
DEAL_A = (
    "year,date,nbf,partner,deal_type,upfront_meur,notes,source_url,confidence\n"
    "2020,2020-05,Genmab,Amgen,licensing_out,12,A's note,https://a.example/1,high\n"
)
DEAL_B = (
    "year,date,nbf,partner,deal_type,upfront_meur,notes,source_url,confidence\n"
    "2020,2020,Genmab,Amgen,licensing_out,,,https://b.example/2,medium\n"
)
SLOW_S = 0.6


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def base(tmp_path: Path) -> Path:
    path = tmp_path / "s.sqlite"
    with open_store(path) as store:
        import_files(store, [write(tmp_path, "base.csv", BASE)])
    return path


@pytest.fixture
def slow_reads(monkeypatch: pytest.MonkeyPatch):
    """The import run by a thread named ``slow`` sleeps right after reading the store."""
    start = batch_module.Batch.start.__func__

    def slow_start(cls, *args, **kwargs):
        found = start(cls, *args, **kwargs)
        if threading.current_thread().name == "slow":
            time.sleep(SLOW_S)
        return found

    monkeypatch.setattr(batch_module.Batch, "start", classmethod(slow_start))


def race(store_path: Path, slow: list[Path], fast: list[Path], delay: float, **slow_kw) -> None:
    """The ``slow`` import in a thread, the ``fast`` one ``delay`` seconds later; both must
    succeed."""
    failures: list[BaseException] = []

    def run(files: list[Path], **kw) -> None:
        try:
            with open_store(store_path) as store:
                import_files(store, files, **kw)
        except BaseException as exc:  # reported below
            failures.append(exc)

    first = threading.Thread(target=run, args=(slow,), kwargs=slow_kw, name="slow")
    first.start()
    time.sleep(delay)
    second = threading.Thread(target=run, args=(fast,), name="fast")
    second.start()
    first.join()
    second.join()
    assert not failures, failures


@pytest.mark.parametrize("delay", [0.0, 0.15, 0.4])
def test_an_actor_created_for_an_unknown_name_does_not_erase_its_definition(
    base: Path, tmp_path: Path, slow_reads: None, delay: float
) -> None:
    # B names Zeta in a deal (--create-missing makes it, kind "other"); A defines Zeta
    deals = write(tmp_path, "b_deals.csv", DEALS_B)
    actors = write(tmp_path, "a_actors.csv", ACTORS_A)
    race(base, [deals], [actors], delay, create_missing=True)
    with open_store(base, read_only=True) as store:
        (zeta,) = [a for a in store.actors() if a.name == "Zeta Therapeutics"]
        deals_found = store.alliances()
    assert (zeta.kind, zeta.region, zeta.founded) == (ActorKind.NBF, "DK-84", 2015)
    assert [d.actor_ids for d in deals_found] == [("genmab", zeta.actor_id)]


@pytest.mark.parametrize("delay", [0.0, 0.15, 0.4])
def test_two_reports_of_one_deal_merge_whatever_their_timing(
    base: Path, tmp_path: Path, slow_reads: None, delay: float
) -> None:
    a = write(tmp_path, "a.csv", DEAL_A)
    b = write(tmp_path, "b.csv", DEAL_B)
    race(base, [b], [a], delay)
    with open_store(base, read_only=True) as store:
        (deal,) = store.alliances()
    assert deal.terms.upfront is not None and deal.terms.upfront.amount == 12
    assert deal.notes == "A's note"
    assert set(deal.provenance.source_urls) == {"https://a.example/1", "https://b.example/2"}


def test_readers_are_never_blocked_by_a_write(base: Path) -> None:
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with open_store(base) as store, store.transaction():
            holding.set()
            done.wait(10)

    writer = threading.Thread(target=hold)
    writer.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        with open_user_store(base, read_only=True) as store:  # the CLI's read-only open
            assert [a.name for a in store.actors()] == ["Amgen", "Genmab"]
        assert time.monotonic() - started < 1.0  # the busy timeout would be 5 s
    finally:
        done.set()
        writer.join()


def test_a_waiting_write_says_once_who_it_waits_for_then_fails_naming_it(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIORIS_STORE_WRITE_WAIT_S", "1")
    holding, done = threading.Event(), threading.Event()

    def hold() -> None:
        with open_store(base) as store, store.transaction():
            holding.set()
            done.wait(10)

    writer = threading.Thread(target=hold)
    writer.start()
    told: list[str] = []
    try:
        assert holding.wait(5)
        with open_store(base) as store, pytest.raises(StoreError) as caught:
            import_files(store, [write(tmp_path, "a.csv", DEAL_A)], waiting=told.append)
    finally:
        done.set()
        writer.join()
    assert len(told) == 1 and "waiting for another write" in told[0]
    message = str(caught.value)
    assert "another write holds the store" in message and "process" in message
    assert "store_write_wait_s=1" in message
    assert not Path(f"{base}-writer").exists()  # the holder's note goes with its lock
    with open_store(base, read_only=True) as store:
        assert store.alliances() == []  # nothing of the refused import


def test_a_write_waits_and_then_goes_through(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_module, "_ATTEMPT_MS", 50)
    holding = threading.Event()

    def hold() -> None:
        with open_store(base) as store, store.transaction():
            holding.set()
            time.sleep(0.5)

    writer = threading.Thread(target=hold)
    writer.start()
    assert holding.wait(5)
    told: list[str] = []
    with open_store(base) as store:
        report = import_files(store, [write(tmp_path, "a.csv", DEAL_A)], waiting=told.append)
    writer.join()
    assert report.alliances == 1 and len(told) == 1
