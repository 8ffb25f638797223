"""Every alliance as the API shows it, serialised to JSON once and reused by every page.

The deal table and the actor profiles list the same alliances over and over. The store's named
queries choose which ones (a page of ids, read from the indexes); the JSON of each alliance is
built from the data read at start-up the first time it is shown, validated against
:class:`~bioris.web.schemas.AllianceOut` and kept, so that a page costs a query and a join of
bytes (the app's ResponseGuard escapes markup characters in every JSON body it sends). An
alliance another process added to the store after start-up is read from the store when first
listed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from bioris.domain import Alliance
from bioris.domain.canonical import alliance_row
from bioris.web.records import finite
from bioris.web.schemas import AllianceOut

__all__ = ["DealBodies", "with_raw_list"]

# The fields of AllianceOut taken as they are from the canonical alliances row.
_ROW_FIELDS = (
    "alliance_id", "year", "date", "deal_type", "stage_at_signing", "asset",
    "therapeutic_area", "upfront_eur", "milestones_eur", "equity_eur", "notes", "confidence",
)  # fmt: skip


class DealBodies:
    """The API JSON of the alliances of one dataset, keyed by alliance id.

    Parameters
    ----------
    alliances : iterable of Alliance
        Every alliance the store holds (the dataset read at start-up).
    names : dict
        actor id -> name, for the parties.
    read : callable, optional
        ids -> those alliances, from the store: for ids not among ``alliances``.
    """

    def __init__(
        self,
        alliances: Iterable[Alliance],
        names: dict[str, str],
        read: Callable[[list[str]], list[Alliance]] | None = None,
    ) -> None:
        self._alliances = {a.alliance_id: a for a in alliances}
        self._names = names
        self._read = read
        self._bodies: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def as_dict(self, alliance: Alliance) -> dict[str, Any]:
        """An alliance as the API shows it: the canonical row's fields (values in EUR
        million), with party names, committed and headline values, and the source list."""
        row = alliance_row(alliance)
        terms = alliance.terms
        return {key: finite(row[key]) for key in _ROW_FIELDS} | {
            "parties": [
                {
                    "actor_id": p.actor_id,
                    "name": self._names.get(p.actor_id) or p.name_as_reported or p.actor_id,
                    "role": p.role.value,
                    "focal": p.focal,
                }
                for p in alliance.parties
            ],
            "committed_eur": finite(terms.committed_eur) or 0.0,
            "headline_eur": finite(terms.headline_eur) or 0.0,
            "source_urls": list(alliance.provenance.source_urls),
        }

    def body(self, alliance_id: str) -> bytes:
        """The JSON of one alliance (``AllianceOut``); ``KeyError`` if neither the
        start-up data nor the store holds it."""
        found = self._bodies.get(alliance_id)
        if found is None:
            alliance = self._alliances.get(alliance_id)
            if alliance is None:
                self._add_from_store([alliance_id])
                alliance = self._alliances[alliance_id]
            model = AllianceOut.model_validate(self.as_dict(alliance))
            found = model.model_dump_json().encode()
            with self._lock:
                self._bodies[alliance_id] = found
        return found

    def _add_from_store(self, alliance_ids: list[str]) -> None:
        if self._read is not None:
            for alliance in self._read(alliance_ids):
                with self._lock:
                    self._alliances[alliance.alliance_id] = alliance

    def warm(self) -> None:
        """Serialise every alliance now (about 1 s and 50 MB for 100,000 alliances)."""
        for alliance_id in list(self._alliances):
            self.body(alliance_id)

    def array(self, alliance_ids: Sequence[str]) -> bytes:
        """The JSON array of these alliances, in this order."""
        unknown = [i for i in alliance_ids if i not in self._alliances]
        if unknown:  # one read for all of them
            self._add_from_store(unknown)
        return b"[" + b",".join(self.body(i) for i in alliance_ids) + b"]"


def with_raw_list(model: BaseModel, field: str, array: bytes) -> bytes:
    """The JSON of ``model`` with ``field`` set to the JSON ``array`` (bytes already valid:
    see :meth:`DealBodies.array`).

    ``model`` is validated with ``field`` empty; the field is left out of its dump and
    appended, so the array is never parsed again.
    """
    head = model.model_dump_json(exclude={field}).encode()
    separator = b"," if head != b"{}" else b""
    return head[:-1] + separator + f'"{field}":'.encode() + array + b"}"
