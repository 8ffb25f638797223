"""One declarative table of settings, with units in their names.

Each setting has a default and a help text; :func:`get` reads an override from the environment
(``BIORIS_<NAME>`` in upper case) so that deployments can change limits without code.
``docs/settings.md`` documents every entry; a test keeps the two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from bioris.errors import BiorisError

__all__ = ["SETTINGS", "Setting", "get"]


@dataclass(frozen=True, slots=True)
class Setting:
    """A named setting with its default value and a one-line help text."""

    name: str
    default: int | float | str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("max_import_mb", 50, "Largest input file accepted by import, in megabytes."),
    Setting("max_field_chars", 131_072, "Longest single cell accepted by import, in characters."),
    Setting("max_import_rows", 1_000_000, "Most data rows accepted in one input file."),
    Setting("max_reported_errors", 50, "Most validation problems listed before 'and N more'."),
    Setting(
        "store_write_wait_s",
        600,
        "Longest a write (an import, a study load) waits for another writer, in seconds.",
    ),
    Setting("fuzzy_suggestions", 3, "How many close actor names an unknown name suggests."),
    Setting("fuzzy_min_score", 70, "Lowest rapidfuzz score (0-100) for a name to be suggested."),
    Setting("sql_time_limit_ms", 1000, "Longest a read query may run in the web view, in ms."),
    Setting("max_returned_rows", 1000, "Most rows one API page may return."),
    Setting("default_page_size", 100, "Rows per API page when none is asked for."),
    Setting("max_response_kb", 16_384, "Largest response body the web view sends, in KiB."),
    Setting("max_concurrent_requests", 64, "Most requests the web view serves at once."),
    Setting("web_host", "127.0.0.1", "Address `bioris serve` binds to."),
    Setting("web_port", 8000, "TCP port `bioris serve` listens on."),
    Setting("web_cache_entries", 16, "Most results each web-view cache keeps."),
    Setting("web_snapshot_cache_mb", 256, "Memory for rendered network snapshots, in MB."),
    Setting("web_worker_threads", 8, "Threads that run web-view requests."),
    Setting("web_workers", 1, "Server processes of `bioris serve`."),
    Setting("web_betweenness_sources", 1000, "Sampled sources for web-view betweenness."),
    Setting("web_cache_mb", 256, "Memory for the web view's computed tables, in MB."),
    Setting("web_keep_alive_s", 5, "Seconds an idle web connection is kept open."),
    Setting("web_header_timeout_s", 10, "Seconds a client has to send a request's head."),
    Setting("web_max_connections", 256, "Most open connections per web server process."),
    Setting(
        "web_allowed_hosts",
        "localhost,127.0.0.1,[::1]",
        "Host names the web view answers (comma-separated, any port; * for any).",
    ),
    Setting(
        "ranking_betweenness_sources",
        1000,
        "Betweenness in partner rankings and firm profiles: exact up to this many actors a "
        "year, estimated from this many sampled sources above.",
    ),
    Setting(
        "tie_lifetime_years",
        5,
        "Years an alliance stays active after signing, when the study declares no window.",
    ),
    Setting(
        "network_min_nodes",
        10,
        "Whole-network measures (small-world sigma, density, ...) of a network with fewer "
        "actors than this are withheld, with the n that withheld them.",
    ),
    Setting(
        "findings_min_firms",
        5,
        "A finding (or a curve of a group) resting on fewer firms says 'not enough data'.",
    ),
    Setting(
        "findings_min_deals",
        10,
        "A finding resting on fewer deals says 'not enough data'.",
    ),
    Setting(
        "betweenness_exact_max_actors",
        5000,
        "Network metrics with `--sample auto`: betweenness and harmonic closeness are exact "
        "in years with at most this many actors, estimated from sampled sources above.",
    ),
    Setting(
        "betweenness_sources",
        1000,
        "Sampled sources (pivots) per year for betweenness and harmonic closeness above "
        "betweenness_exact_max_actors.",
    ),
    Setting(
        "path_length_sources",
        200,
        "Network metrics --level year: sampled sources per batch of the average path length "
        "(and its small-world references) in networks of over 1,000 actors.",
    ),
    Setting(
        "path_length_relative_se",
        0.005,
        "Batches of sampled sources are added until the average path length's relative "
        "standard error is at most this (0.005: 0.5 %).",
    ),
    Setting(
        "network_parallel_min_ties",
        50_000,
        "Network metrics run years in parallel processes only when the years hold at least "
        "this many ties in all (below it, starting processes costs more than it saves).",
    ),
    Setting(
        "report_detail_max_actors",
        2_000,
        "Above this many actors the report is reduced: top rows of long tables, sampled "
        "path lengths; each reduced part says so.",
    ),
    Setting(
        "report_table_max_rows",
        200,
        "Rows a long table of a reduced report shows; the full table is in its --data folder.",
    ),
    Setting(
        "report_path_sources",
        200,
        "Sampled sources per year for path lengths in a reduced report.",
    ),
    Setting(
        "report_random_graphs",
        3,
        "Random reference graphs per year for small-world sigma in a reduced report.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> int | float | str:
    """Return a setting's value: ``BIORIS_<NAME>`` from the environment, else the default."""
    try:
        setting = _BY_NAME[name]
    except KeyError:
        raise BiorisError(f"unknown setting {name!r}") from None
    raw = os.environ.get(f"BIORIS_{name.upper()}")
    if raw is None:
        return setting.default
    try:
        return type(setting.default)(raw)
    except ValueError:
        raise BiorisError(
            f"environment variable BIORIS_{name.upper()}={raw!r} is not a valid "
            f"{type(setting.default).__name__}"
        ) from None
