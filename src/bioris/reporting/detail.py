"""How much detail the report gives: everything on a small study, a reduced report on a large
one.

A report of a study with more actors than ``report_detail_max_actors`` would hold tables of
thousands of rows and maps of thousands of dots that nobody can read, and whole-network
measures that take minutes. Above that size the report reduces them: a table shows its top
``report_table_max_rows`` rows (the full table is in the ``--data`` folder), average path
lengths are estimated from ``report_path_sources`` sampled sources a year, and every reduced
part says so next to it (:func:`reduced_table`, :func:`table_note`). Below it, nothing
changes.
"""

from __future__ import annotations

from bioris import settings
from bioris.reporting.model import Detail, Table

__all__ = ["Detail", "detail_for", "reduce_tables", "reduced_table", "table_note"]


def detail_for(actors: int) -> Detail:
    """The detail of a report on ``actors`` actors, from the settings table."""
    return Detail(
        actors=actors,
        max_actors=int(settings.get("report_detail_max_actors")),
        table_rows=int(settings.get("report_table_max_rows")),
        path_sources=int(settings.get("report_path_sources")),
        random_graphs=int(settings.get("report_random_graphs")),
    )


def table_note(name: str, shown: int, total: int, what: str, order: str) -> str:
    """``Showing 200 of 4,400 panel firms, those with the most deals; ...``: what a reduced
    table keeps and where the rest is."""
    return (
        f"Showing {shown:,} of {total:,} {what}, {order}; the full table is {name}.csv in the "
        "folder that `bioris report --data` writes."
    )


def reduced_table(
    table: Table,
    detail: Detail,
    *,
    by: str | list[str] | None = None,
    descending: bool | list[bool] = True,
    what: str = "rows",
    order: str = "the first in the table's order",
) -> Table:
    """``table`` cut to its top ``detail.table_rows`` rows when the report is reduced and it
    has more, sorted by ``by`` first (else in its own order), with a note saying so; the
    full table stays its data for ``--data``. Else ``table`` unchanged.

    ``what`` names the rows (``panel firms``), ``order`` says which were kept (``those with
    the most deals``).
    """
    total = table.data.height
    if not detail.reduced or total <= detail.table_rows:
        return table
    ordered = table.data
    if by is not None:
        ordered = ordered.sort(by, descending=descending, nulls_last=True, maintain_order=True)
    shown = ordered.head(detail.table_rows)
    note = table_note(table.name, shown.height, total, what, order)
    return Table(
        table.name, table.caption, shown, table.links, table.part, full=table.data, note=note
    )


def reduce_tables(blocks: list, detail: Detail) -> list:
    """Every table of ``blocks`` that a section did not reduce itself, cut to its first
    ``detail.table_rows`` rows in its own order (with the note) when the report is reduced:
    a safety net that keeps any table of a large study readable."""
    return [
        reduced_table(b, detail) if isinstance(b, Table) and b.full is None else b for b in blocks
    ]
