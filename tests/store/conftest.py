"""Shared fixtures of the store tests: a fresh store and a small hand-built dataset."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bioris.domain import (
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
from bioris.store import Store, open_store

HIGH = Provenance(("https://example.org/a", "https://example.org/b"), Confidence.HIGH)
MEDIUM = Provenance(("https://example.org/c",), Confidence.MEDIUM)

ACTORS = (
    Actor(
        "ablynx", "Ablynx", ActorKind.NBF, "BE", "Flanders", "Ghent", 2001,
        origin=("VIB", "Ghent University"), subsectors=("nanobodies", "antibodies"),
        ipo_year=2007, exit="acquired", aliases=("Ablynx NV", "Ablynx N.V."), provenance=HIGH,
    ),
    Actor("galapagos", "Galapagos", ActorKind.NBF, "BE", "Flanders", "Mechelen", 1999),
    Actor("ucb", "UCB", ActorKind.PHARMA, "BE", "Brussels", city="", provenance=MEDIUM),
    Actor("uliege", "Université de Liège", ActorKind.UNIVERSITY, "BE", "Wallonia"),
    Actor("vib", "VIB", ActorKind.RESEARCH_CENTRE, "BE", "Flanders"),
    Actor("sanofi", "Sanofi", ActorKind.PHARMA, "FR", aliases=("Sanofi-Aventis",)),
    Actor("abbvie", "O'Neill; \"AbbVie\" --", ActorKind.PHARMA, "US"),
    Actor("biofocus", "BioFocus", ActorKind.BIOTECH, "GB", exit=""),
)  # fmt: skip

LINEAGE = (
    LineageFact("ablynx", LineageRelation.NAMED, "Ablynx NV", 2001, None, provenance=HIGH),
    LineageFact("ablynx", LineageRelation.ACQUIRED_BY, "sanofi", 2018, 2018, notes="EUR 3.9 bn"),
    LineageFact("biofocus", LineageRelation.SUBSIDIARY_OF, "galapagos", 2005, 2014),
    LineageFact("ucb", LineageRelation.NAMED, "Union Chimique Belge", notes="date unknown"),
)

ALLIANCES = (
    Alliance(
        "a1", 2004, "2004-03", DealType.LICENSING_OUT,
        (Party("ablynx", Role.LICENSOR, True), Party("abbvie", Role.LICENSEE, False, "Abbott")),
        Stage.PRECLINICAL, asset="ALX-0081", therapeutic_area="immunology",
        terms=Terms(Money(10.0, "USD", 8.05), Money(150.5, "USD"), royalties="tiered, low"),
        provenance=HIGH,
    ),
    Alliance(
        "a2", 2010, "2010-07-15", DealType.RESEARCH_COLLABORATION,
        (
            Party("galapagos", Role.COLLABORATOR, True),
            Party("vib", Role.COLLABORATOR, False),
            Party("ablynx", Role.COLLABORATOR, True, "Ablynx NV"),
        ),
        terms=Terms(rd_funding=Money(3.0, "EUR", 3.0)),
    ),
    Alliance(
        "a3", None, None, DealType.GRANT,
        (Party("uliege", Role.GRANTEE, True), Party("vib", Role.GRANTOR, False)),
        notes="undated",
    ),
    Alliance(
        "a4", 2018, "2018-01-29", DealType.ACQUISITION,
        (Party("ablynx", Role.TARGET, True), Party("sanofi", Role.ACQUIRER, False, "Sanofi SA")),
        Stage.PHASE3, terms=Terms(equity=Money(3900.0, "EUR", 3900.0)),
        end_year=2018, end_reason="acquired", provenance=MEDIUM,
    ),
    Alliance(
        "a5", 2010, "2010-01", DealType.LICENSING_IN,
        (Party("ucb", Role.LICENSEE, True), Party("galapagos", Role.LICENSOR, False)),
        terms=Terms(upfront=Money(0.0, "EUR", 0.0), milestones=Money(1e-9, "JPY", None)),
    ),
)  # fmt: skip

SAMPLE = Dataset(ACTORS, LINEAGE, ALLIANCES)


@pytest.fixture
def sample() -> Dataset:
    """Eight actors of five kinds, four lineage facts, five alliances (one undated)."""
    return SAMPLE


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """Where a test's store lives."""
    return tmp_path / "store" / "ris.sqlite"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    """A fresh, empty, writable store."""
    with open_store(store_path) as opened:
        yield opened


@pytest.fixture
def filled(store: Store, sample: Dataset) -> Store:
    """The fresh store holding the sample dataset."""
    with store.transaction():
        store.write(sample)
    return store
