"""Ports: the small interfaces services use to reach the outside world.

Each port has one to three methods. Real adapters live in ``zaiko_xl.adapters``; working
in-memory fakes in ``tests/fakes.py``. Add a port here when a service needs a new kind of
outside thing; keep the domain types in the signatures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd

    from zaiko_xl.domain.reconcile_inputs import SourceFrames
    from zaiko_xl.domain.reconcile_run import PullHistory, ReconcileRun, ReconcileSummary


class Progress(Protocol):
    """Reports progress of a long operation (rich in the CLI, the status bar in Excel)."""

    def update(self, label: str, done: int, total: int | None = None) -> None: ...


class NullProgress:
    """Progress that shows nothing (tests, UDFs)."""

    def update(self, label: str, done: int, total: int | None = None) -> None:
        return None


class ReconcileSources(Protocol):
    """The pulled numbers reconciliation compares (the workbook's sheets, or files)."""

    def load(self) -> SourceFrames: ...


class ComparisonSheet(Protocol):
    """The 在庫比較 sheet: read the person's decisions back, write the new comparison."""

    def read_decisions(self) -> pd.DataFrame:
        """``sku``, ``confirmed`` (Int64, blank = NA), ``push`` (bool); empty if no sheet yet."""
        ...

    def write(self, rows: pd.DataFrame, summary: ReconcileSummary) -> None:
        """Replace the sheet's rows (``ReconcileReport.to_frame()``) and its summary block."""
        ...


class ReconcileHistory(Protocol):
    """The journal of earlier pulls (SQLite beside the workbook)."""

    def previous(self, pulls: int) -> PullHistory:
        """Differences of the last ``pulls`` pulls (``run_index`` 0 = latest) and the last suggestions."""
        ...

    def record(self, run: ReconcileRun) -> None:
        """Keep this pull (atomically); prune pulls beyond the configured number."""
        ...
