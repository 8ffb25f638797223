"""The SQLite store: schema, migrations and named queries (the only SQL in bioris).

Open a store with :func:`open_store`; write a :class:`~bioris.domain.Dataset` inside
:meth:`Store.transaction`; read it back whole (:meth:`Store.dataset`) or through the named
queries (:meth:`Store.actors`, :meth:`Store.alliances` with an :class:`AllianceFilter`, ...).
Only :class:`~bioris.errors.StoreError` and :class:`~bioris.errors.NotFound` escape.
"""

from bioris.store.migrations import SCHEMA_VERSION
from bioris.store.queries import AllianceFilter
from bioris.store.store import Store, open_store

__all__ = ["SCHEMA_VERSION", "AllianceFilter", "Store", "open_store"]
