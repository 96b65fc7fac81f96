"""Terminal helpers for the CLI: the one error boundary, progress bars, tables."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from zaiko_xl.errors import EXIT_INTERRUPTED, EXIT_UNEXPECTED, InputProblems, ZaikoError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as RichProgress
    from rich.table import Table

log = logging.getLogger("zaiko_xl")
# Output to a file, a pipe or a CI log has no width of its own: rich would guess 80 columns and
# wrap tables mid-cell. Unless COLUMNS says otherwise, render such output this wide instead.
NON_TERMINAL_WIDTH = 120
_UNBOUNDED = 10_000  # columns to measure a table's longest row in


class CliExit(SystemExit):
    """Raised by the boundary with the documented exit code."""


def stderr_console() -> Console:
    return _console(stderr=True)


def stdout_console() -> Console:
    return _console(stderr=False)


def _console(*, stderr: bool) -> Console:
    """A console that honours COLUMNS (rich reads it) and is NON_TERMINAL_WIDTH wide when not a terminal."""
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, soft_wrap=True)
    if not console.is_terminal and not _columns_set():
        console.width = NON_TERMINAL_WIDTH
    return console


def _columns_set() -> bool:
    return os.environ.get("COLUMNS", "").isdigit()


def print_table(console: Console, table: Table) -> None:
    """Print ``table``; to a file, a pipe or a CI log (COLUMNS not set) as wide as its longest row,
    so that no cell is wrapped. On a terminal, or with COLUMNS, rich fits it to that width."""
    from rich.measure import Measurement

    if console.is_terminal or _columns_set():
        console.print(table)
        return
    width = console.width  # print(width=...) cannot go beyond it: widen the console for this table
    console.width = Measurement.get(console, console.options.update_width(_UNBOUNDED), table).maximum
    try:
        console.print(table)
    finally:
        console.width = width


@contextmanager
def cli_errors(debug: bool = False) -> Iterator[None]:
    """ZaikoError -> one bilingual line on stderr + its exit code; Ctrl+C -> 130; bug -> 1."""
    err = stderr_console()
    try:
        yield
    except ZaikoError as exc:
        if debug:
            traceback.print_exc()
        err.print(f"[bold red]エラー / Error[/] {exc.render()}", markup=True)
        if isinstance(exc, InputProblems):
            for problem in exc.context.get("problems", [])[:50]:
                err.print(f"  - {problem.render()}", markup=False)
            if len(exc.context.get("problems", [])) > 50:
                err.print(f"  ... ({len(exc.context['problems']) - 50} more)", markup=False)
        raise CliExit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("中断しました。書きかけのファイルは残していません。 / Interrupted; nothing was left half written.")
        raise CliExit(EXIT_INTERRUPTED) from None
    except (CliExit, SystemExit):
        raise
    except Exception:
        if debug:
            traceback.print_exc()
        log.exception("unexpected error")
        err.print("E000 予期しないエラーが発生しました。--debug を付けて再実行すると詳細が表示されます。 / "
                  "Unexpected error; run again with --debug to see the details.")
        raise CliExit(EXIT_UNEXPECTED) from None


class RichProgressReporter:
    """The Progress port on a rich progress bar (to stderr, so stdout stays parseable)."""

    def __init__(self, progress: RichProgress) -> None:
        self._progress = progress
        self._tasks: dict[str, int] = {}

    def update(self, label: str, done: int, total: int | None = None) -> None:
        task = self._tasks.get(label)
        if task is None:
            task = self._progress.add_task(label, total=total)
            self._tasks[label] = task
        self._progress.update(task, completed=done, total=total)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[RichProgressReporter]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=stderr_console(), transient=True, disable=not (enabled and sys.stderr.isatty())) as p:
        yield RichProgressReporter(p)
