"""Terminal helpers for the CLI: the one error boundary, progress bars, tables."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from zaiko_xl.errors import EXIT_INTERRUPTED, EXIT_UNEXPECTED, InputProblems, ZaikoError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as RichProgress

log = logging.getLogger("zaiko_xl")


class CliExit(SystemExit):
    """Raised by the boundary with the documented exit code."""


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


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
