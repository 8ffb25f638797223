"""Stores for the report tests: the bundled one, tiny ones written from records, and a small
Danish-Swedish study (tests/reporting/medicon/study.toml)."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from bioris.domain import (
    Actor,
    ActorKind,
    Alliance,
    Dataset,
    DealType,
    LineageFact,
    LineageRelation,
    Party,
    Role,
    StudyDefinition,
)
from bioris.store import open_store
from bioris.study import Study

MEDICON_STUDY = Path(__file__).parent / "medicon" / "study.toml"
#: words no report of a study outside Belgium may contain
BELGIAN_WORDS = ("Flanders", "Wallonia", "Brussels", "Belgium", "Belgian")


def study_of(path: Path, dataset: Dataset, definition: StudyDefinition | None = None) -> Study:
    """A study over a new store at ``path`` holding ``dataset``."""
    store = open_store(path)
    with store.transaction():
        store.write(dataset)
    return Study(store, definition=definition)


def visible_text(html: str) -> str:
    """The text a reader sees (scripts, styles and tags left out), unescaped."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return unescape(re.sub(r"<[^>]+>", " ", body))


def _deal(deal_id: str, year: int, deal_type: DealType, *parties: tuple[str, Role]) -> Alliance:
    return Alliance(
        deal_id, year, str(year), deal_type,
        tuple(Party(a, r, focal=i == 0) for i, (a, r) in enumerate(parties)),
    )  # fmt: skip


def medicon_dataset() -> Dataset:
    """Danish and Swedish firms of two regions, their partners, one acquisition of a panel
    firm (Kobenhavn Bio, bought by Novo Nordisk in 2014) and a deal it signs after."""
    a = Actor
    actors = (
        a("kbh-bio", "Kobenhavn Bio", ActorKind.NBF, "DK", "DK-84", "Copenhagen", 2002,
          subsectors=("antibodies",)),
        a("lund-thera", "Lund Therapeutics", ActorKind.NBF, "SE", "SE-M", "Lund", 2005,
          origin=("Lund University",), subsectors=("cell therapy",)),
        a("malmo-dx", "Malmo Diagnostics", ActorKind.NBF, "SE", "Medicon Valley", "Malmö", 2008,
          subsectors=("diagnostics",)),
        a("uppsala-ab", "Uppsala Antibodies", ActorKind.NBF, "SE", "SE-C", "Uppsala", 2004,
          subsectors=("antibodies",)),
        a("sthlm-gene", "Stockholm Gene", ActorKind.NBF, "SE", "SE-AB", "Stockholm", 2006,
          subsectors=("gene therapy",)),
        a("novo", "Novo Nordisk", ActorKind.PHARMA, "DK", "DK-84"),
        a("pfizer", "Pfizer", ActorKind.PHARMA, "US"),
        a("roche", "Roche", ActorKind.PHARMA, "CH"),
        a("lund-uni", "Lund University", ActorKind.UNIVERSITY, "SE", "SE-M", founded=1666),
        a("ku", "University of Copenhagen", ActorKind.UNIVERSITY, "DK", "DK-84", founded=1479),
        a("vc", "Nordic Ventures", ActorKind.FINANCIER, "SE", "SE-AB"),
    )  # fmt: skip
    r, ty = Role, DealType
    alliances = (
        _deal("m1", 2008, ty.LICENSING_OUT, ("kbh-bio", r.LICENSOR), ("pfizer", r.LICENSEE)),
        _deal("m2", 2009, ty.RESEARCH_COLLABORATION, ("lund-thera", r.COLLABORATOR),
              ("lund-uni", r.COLLABORATOR), ("kbh-bio", r.COLLABORATOR)),
        _deal("m3", 2010, ty.CO_DEVELOPMENT, ("malmo-dx", r.COLLABORATOR),
              ("roche", r.COLLABORATOR)),
        _deal("m4", 2011, ty.LICENSING_OUT, ("uppsala-ab", r.LICENSOR), ("novo", r.LICENSEE)),
        _deal("m5", 2012, ty.RESEARCH_COLLABORATION, ("sthlm-gene", r.COLLABORATOR),
              ("ku", r.COLLABORATOR)),
        _deal("m6", 2012, ty.EQUITY_INVESTMENT, ("lund-thera", r.INVESTEE), ("vc", r.INVESTOR)),
        _deal("m7", 2013, ty.LICENSING_OUT, ("kbh-bio", r.LICENSOR), ("roche", r.LICENSEE)),
        _deal("m8", 2014, ty.ACQUISITION, ("kbh-bio", r.TARGET), ("novo", r.ACQUIRER)),
        _deal("m9", 2016, ty.LICENSING_OUT, ("kbh-bio", r.LICENSOR), ("pfizer", r.LICENSEE)),
        _deal("m10", 2016, ty.CO_DEVELOPMENT, ("lund-thera", r.COLLABORATOR),
              ("uppsala-ab", r.COLLABORATOR)),
        _deal("m11", 2017, ty.LICENSING_OUT, ("malmo-dx", r.LICENSOR), ("pfizer", r.LICENSEE)),
    )  # fmt: skip
    lineage = (LineageFact("kbh-bio", LineageRelation.ACQUIRED_BY, "novo", 2014),)
    return Dataset(actors=actors, lineage=lineage, alliances=alliances)


def medicon_study(folder: Path) -> Study:
    """The Danish-Swedish test study, its definition loaded from its study file."""
    study = study_of(folder / "medicon.sqlite", medicon_dataset())
    study.load_definition(MEDICON_STUDY)
    return study
