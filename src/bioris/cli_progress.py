"""Progress bars of the commands that can take more than a second: the bar, what is running,
the time spent and the time left. The library tells how far it is through a callback; these
turn its words into a rich bar on stderr (transient: gone when the command ends)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from bioris.cli import err

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["bar", "share_bar"]

#: the steps of a share bar: a share of the work done so far (0-1) and what is running now
OnShare = Callable[[str, float], None]


@contextmanager
def bar(*fields: str) -> Iterator[Progress]:
    """A transient rich progress bar with the named extra text ``fields`` after the bar, the
    time elapsed and the time left."""
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    extra = [TextColumn(f"{{task.fields[{name}]}}") for name in fields]
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), *extra, TimeElapsedColumn(),
        TextColumn("left"), TimeRemainingColumn(), console=err, transient=True,
    )  # fmt: skip
    with progress:
        yield progress


@contextmanager
def share_bar(title: str) -> Iterator[OnShare]:
    """A bar advanced by a callback ``(what is running, share of the work done)``."""
    with bar() as progress:
        task = progress.add_task(title, total=1.0)

        def on_share(step: str, done: float) -> None:
            progress.update(task, description=f"{title}: {step}", completed=min(done, 1.0))

        yield on_share
