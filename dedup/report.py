"""What the CLI tells people on stderr: one-line warnings, progress, the summary."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from dedup.api import Stats
from dedup.records import Problem


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``1 duplicate``, ``2 duplicates``: a number and its noun, in the right form."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


class Reporter:
    """Warnings and summaries for stderr; stdout stays pure data."""

    def __init__(self, *, quiet: bool = False, verbose: bool = False) -> None:
        self.console = Console(stderr=True, highlight=False, soft_wrap=True)
        self.quiet = quiet
        self.verbose = verbose
        self.warnings = 0

    def problem(self, problem: Problem) -> None:
        if problem.ignored:
            if self.verbose:
                self.console.print(f"dedup: ignored {problem}", markup=False)
            return
        self.warnings += 1
        self.console.print(f"dedup: warning: {problem}", markup=False)

    def no_text(self, source: str, reason: str) -> None:
        """A document that yielded no text: reported, but not an input error."""
        if not self.quiet:
            self.console.print(f"dedup: no text: {source}: {reason}", markup=False)

    def error(self, message: str) -> None:
        self.console.print(f"dedup: error: {message}", markup=False)

    def info(self, message: str) -> None:
        if not self.quiet:
            self.console.print(message, markup=False)

    @contextmanager
    def progress(self, label: str) -> Iterator[Callable[[int], None]]:
        """A live counter on a terminal (stderr); a no-op when stderr is not a TTY."""
        if self.quiet or not sys.stderr.isatty():
            yield lambda _done: None
            return
        columns = (
            SpinnerColumn(),
            TextColumn(f"{label} {{task.completed}} documents"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(label, total=None)
            yield lambda done: bar.update(task, completed=done)

    def summary(self, stats: Stats) -> None:
        rate = stats.documents / stats.seconds if stats.seconds else 0.0
        parts = [
            count(stats.documents, "document"),
            count(stats.clusters, "cluster"),
            count(stats.duplicates, "duplicate"),
        ]
        if stats.stories:
            parts.append(count(stats.stories, "story", "stories"))
        if stats.no_text:
            parts.append(f"{stats.no_text} without text")
        if stats.problems:
            parts.append(count(stats.problems, "unreadable input"))
        if stats.ignored:
            parts.append(count(stats.ignored, "ignored input"))
        parts.append(f"{stats.seconds:.2f}s ({rate:.0f} docs/s)")
        self.info("dedup: " + ", ".join(parts))
