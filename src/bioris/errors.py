"""The bioris exception tree.

Every error bioris raises on purpose derives from :class:`BiorisError`, so callers (and the CLI)
can catch one type and show a one-line message instead of a traceback.

::

    BiorisError
    ├── ValidationError      input rows are wrong; carries every RowError found
    ├── LimitExceeded        an input or request is over a configured limit
    ├── EncodingError        input is not in the expected text encoding
    ├── StoreError           the store cannot be opened, migrated or written
    │   └── NotFound         a named record does not exist
    └── ResolutionError      a name matches no actor, or several
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BiorisError",
    "EncodingError",
    "LimitExceeded",
    "NotFound",
    "ResolutionError",
    "RowError",
    "StoreError",
    "ValidationError",
]


class BiorisError(Exception):
    """Root of every error bioris raises on purpose."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in an input file, located as ``FILE:LINE:COLUMN``.

    ``line`` is the 1-based physical line where the record starts (the header is line 1);
    ``column`` is the 1-based field number, or 0 when the problem concerns the whole row or file.
    ``field`` names the column when known.
    """

    file: str
    line: int
    column: int
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        name = f" ({self.field})" if self.field else ""
        return f"{where}: {self.message}{name}"


class ValidationError(BiorisError):
    """Input failed validation; ``errors`` holds every problem found (not just the first)."""

    def __init__(
        self, errors: list[RowError], *, shown: int = 50, outcome: str = "nothing was imported"
    ) -> None:
        self.errors = list(errors)
        self.shown = shown
        self.outcome = outcome
        super().__init__(self.render())

    def render(self) -> str:
        """The errors as lines, capped at ``shown``, with a count of the rest."""
        lines = [str(e) for e in self.errors[: self.shown]]
        rest = len(self.errors) - self.shown
        if rest > 0:
            lines.append(f"... and {rest} more problem(s)")
        head = f"{len(self.errors)} problem(s) found; {self.outcome}"
        return "\n".join([head, *lines])


class LimitExceeded(BiorisError):
    """An input or request is over a configured limit (the message names the setting)."""


class EncodingError(BiorisError):
    """Input bytes are not valid in the expected encoding."""


class StoreError(BiorisError):
    """The store cannot be opened, migrated or written."""


class NotFound(StoreError):
    """A requested record does not exist."""


class ResolutionError(BiorisError):
    """A name matches no known actor, or matches several."""
