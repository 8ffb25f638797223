"""The web view's limits, resolved from the settings table (docs/settings.md)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from bioris import settings
from bioris.errors import BiorisError

__all__ = ["WebSettings"]

# Settings that may be 0 (no time limit); every other number must be at least 1.
_MAY_BE_ZERO = frozenset({"sql_time_limit_ms"})
# Text settings (the others are integers).
_TEXT = frozenset({"web_allowed_hosts"})


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The web view's limits; each field is the setting of the same name (docs/settings.md).

    ``max_returned_rows`` is the API's largest page size (``max_page_size`` in ``/api/meta``).
    The default window and the period are the study's (:class:`~bioris.study.Study`), like
    everywhere else. ``max_concurrent_requests``, ``web_max_connections`` and the caches are
    per server process.
    """

    default_page_size: int
    max_returned_rows: int
    sql_time_limit_ms: int
    max_response_kb: int
    max_concurrent_requests: int
    web_cache_entries: int
    web_cache_mb: int
    web_snapshot_cache_mb: int
    web_betweenness_sources: int
    web_worker_threads: int
    web_keep_alive_s: int
    web_header_timeout_s: int
    web_max_connections: int
    web_allowed_hosts: str

    @classmethod
    def resolve(cls, **overrides: int | str | None) -> WebSettings:
        """The settings (environment or defaults), with the non-``None`` ``overrides``."""
        names = {f.name for f in fields(cls)}
        unknown = set(overrides) - names
        if unknown:
            raise BiorisError(f"unknown web setting(s): {', '.join(sorted(unknown))}")
        values: dict[str, int | str] = {}
        for name in names:
            value = overrides.get(name)
            value = settings.get(name) if value is None else value
            values[name] = str(value) if name in _TEXT else _integer(name, value)
        resolved = cls(**values)  # type: ignore[arg-type]
        resolved.check()
        return resolved

    def check(self) -> None:
        """Refuse limits that would make the server unusable."""
        for field in fields(self):
            if field.name in _TEXT:
                continue
            minimum = 0 if field.name in _MAY_BE_ZERO else 1
            if getattr(self, field.name) < minimum:
                raise BiorisError(f"setting {field.name} must be at least {minimum}")
        if self.default_page_size > self.max_returned_rows:
            raise BiorisError("setting default_page_size must not exceed max_returned_rows")
        if not any(host.strip() for host in self.web_allowed_hosts.split(",")):
            raise BiorisError(
                "setting web_allowed_hosts is empty: name the hosts to answer (* for any)"
            )


def _integer(name: str, value: int | float | str) -> int:
    try:
        return int(value)
    except ValueError:
        raise BiorisError(f"setting {name} must be a whole number, not {value!r}") from None
