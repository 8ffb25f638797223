"""bioris: measure a biotech regional innovation system.

Actors, their strategic alliances year by year, the alliance network, business models and
bioRegions, from one reproducible store. See README.md for the two commands that set it up.
"""

from importlib.metadata import PackageNotFoundError, version

from bioris.errors import (
    BiorisError,
    EncodingError,
    LimitExceeded,
    NotFound,
    ResolutionError,
    RowError,
    StoreError,
    ValidationError,
)

try:
    __version__ = version("bioris")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "BiorisError",
    "EncodingError",
    "LimitExceeded",
    "NotFound",
    "ResolutionError",
    "RowError",
    "StoreError",
    "ValidationError",
    "__version__",
]
