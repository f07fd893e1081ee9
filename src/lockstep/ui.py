"""The terminal progress bar every long step uses (a rich bar on stderr), and when to show it.

Analysis code asks `on_terminal(total, at_least)` instead of checking the terminal itself, and reports progress
through the `tick(n)` that `progress_bar` yields; off a terminal (a pipe, a file, a test) nothing is drawn.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


def on_terminal(total: int, at_least: int = 1) -> bool:
    """Whether a bar is worth drawing: at least `at_least` steps, and stderr is a terminal."""
    return total >= at_least and sys.stderr.isatty()


class progress_bar:
    """A context manager yielding `tick(n)`; a rich bar on stderr when enabled, nothing otherwise."""

    def __init__(self, enabled: bool, total: int, label: str = "embed", unit: str = "paragraphs"):
        self.enabled, self.total, self.label, self.unit, self.progress = enabled, total, label, unit, None

    def __enter__(self) -> Callable[[int], None]:
        if not self.enabled:
            return lambda n: None
        self.progress = Progress(TextColumn(f"[bold]{self.label}[/bold]"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn(self.unit), TimeElapsedColumn(), console=Console(stderr=True))
        self.progress.start()
        task = self.progress.add_task(self.label, total=self.total)
        return lambda n: self.progress.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()
