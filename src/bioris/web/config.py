"""The web view's limits, resolved from the settings table (docs/settings.md)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from bioris import settings
from bioris.errors import BiorisError

__all__ = ["WebSettings"]


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The web view's limits; each field is the setting of the same name (docs/settings.md).

    ``max_returned_rows`` is the API's largest page size (``max_page_size`` in ``/api/meta``).
    The default window and the period are the study's (:class:`~bioris.study.Study`), like
    everywhere else. ``max_concurrent_requests`` and the caches are per server process.
    """

    default_page_size: int
    max_returned_rows: int
    sql_time_limit_ms: int
    max_response_kb: int
    max_concurrent_requests: int
    web_cache_entries: int
    web_snapshot_cache_mb: int
    web_betweenness_sources: int
    web_worker_threads: int

    @classmethod
    def resolve(cls, **overrides: int | None) -> WebSettings:
        """The settings (environment or defaults), with the non-``None`` ``overrides``."""
        names = {f.name for f in fields(cls)}
        unknown = set(overrides) - names
        if unknown:
            raise BiorisError(f"unknown web setting(s): {', '.join(sorted(unknown))}")
        values = {}
        for name in names:
            value = overrides.get(name)
            values[name] = int(settings.get(name) if value is None else value)
        resolved = cls(**values)
        resolved.check()
        return resolved

    def check(self) -> None:
        """Refuse limits that would make the server unusable."""
        for field in fields(self):
            minimum = 0 if field.name == "sql_time_limit_ms" else 1
            if getattr(self, field.name) < minimum:
                raise BiorisError(f"setting {field.name} must be at least {minimum}")
        if self.default_page_size > self.max_returned_rows:
            raise BiorisError("setting default_page_size must not exceed max_returned_rows")
