"""The bundled data: an example RIS dataset (canonical CSVs) with its study file, and the
reference tables (exchange rates, big pharma, success rates, subsector taxonomy)."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable

from bioris.domain import FxTable
from bioris.domain.canonical import RECORD_FILES

__all__ = [
    "DATASET_NAME",
    "big_pharma_names",
    "bundled_files",
    "card_section",
    "fx_table",
    "resource",
    "study_file",
    "table_rows",
]

DATASET_NAME = "belgian-red-biotech"  # the bundled example; nothing else assumes it


def resource(name: str) -> Traversable:
    """A file shipped in ``bioris/data``."""
    return files("bioris") / "data" / name


def card_section(heading: str) -> str:
    """The text of one ``## heading`` section of the bundled dataset's data card (README.md),
    or ``""``: e.g. its known biases, which the report states beside the figures."""
    text = resource("README.md").read_text(encoding="utf-8")
    start = text.find(f"\n## {heading}\n")
    if start < 0:
        return ""
    body = text[start + len(heading) + 5 :]
    end = body.find("\n## ")
    return (body if end < 0 else body[:end]).strip()


def study_file() -> Traversable:
    """The bundled dataset's study file (``study.toml``: its regions, panel and layers)."""
    return resource("study.toml")


def bundled_files() -> list[Traversable]:
    """The bundled dataset's canonical CSV files, in import order."""
    return [resource(name) for name in RECORD_FILES.values()]


@cache
def fx_table() -> FxTable:
    """Yearly average units of currency per euro (per ECU before 1999), 1987-2025.

    USD, JPY, GBP, CHF, DKK and SEK from 1987; NOK, KRW, CAD and AUD from 1999; CNY from 2006;
    ISK 1999-2007 and from 2019. See ``FX_SOURCES.md`` beside the table for the source, the
    checks and the ECU convention.
    """
    with resource("fx_rates.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return FxTable({(int(r["year"]), r["currency"]): float(r["units_per_eur"]) for r in rows})


@cache
def big_pharma_names() -> tuple[str, ...]:
    """Names and aliases on the bundled big-pharma list (see ``BIG_PHARMA.md``)."""
    with resource("big_pharma.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names: list[str] = []
    for row in rows:
        names.append(row["name"].strip())
        names.extend(a.strip() for a in row["aliases"].split(";") if a.strip())
    return tuple(names)


def table_rows(name: str) -> list[dict[str, str]]:
    """The rows of a bundled CSV table (e.g. ``phase_success_rates.csv``) as dicts of text;
    callers build their polars frames from them."""
    with resource(name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
