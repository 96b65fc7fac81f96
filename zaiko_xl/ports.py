"""Ports: the small interfaces services use to reach the outside world.

Each port has one to three methods. Real adapters live in ``zaiko_xl.adapters``; working
in-memory fakes in ``tests/fakes.py``. Add a port here when a service needs a new kind of
outside thing; keep the domain types in the signatures.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.push_run import BatchState, RunHeader, RunRecord, RunState
from zaiko_xl.domain.rms import StockChange, UpsertMode

if TYPE_CHECKING:
    import pandas as pd


class Progress(Protocol):
    """Reports progress of a long operation (rich in the CLI, the status bar in Excel)."""

    def update(self, label: str, done: int, total: int | None = None) -> None: ...


class NullProgress:
    """Progress that shows nothing (tests, UDFs)."""

    def update(self, label: str, done: int, total: int | None = None) -> None:
        return None


# ---------------------------------------------------------------- push (issue 8)
class RmsStockWriter(Protocol):
    """RMS stock, read and written one request at a time.

    The push executor journals each request before it leaves and settles unknown outcomes
    itself (``domain.push_run.settle``), so ``send_batch`` sends exactly once: it retries only
    what was certainly not applied (429, 409, a connection that never opened).
    """

    def get_stock(self, keys: Sequence[RmsSkuKey]) -> pd.DataFrame:
        """``manage_number``, ``variant_id``, ``quantity``, ``updated`` of the SKUs RMS has a record of."""
        ...

    def send_batch(self, changes: Sequence[StockChange], mode: UpsertMode) -> None:
        """One bulk-upsert (<= 400). Raises WriteOutcomeUnknown (E306) when it may or may not
        have been applied, RmsSkuRejected (E308) / ApiRejected (E304) when RMS refused it."""
        ...


class PushJournal(Protocol):
    """Where push runs are journaled (the ``push_*`` tables of the journal file)."""

    def create(self, header: RunHeader, items: pd.DataFrame) -> None: ...

    def load(self, run_id: str | None = None) -> RunRecord | None:
        """A run; ``None`` asks for the latest unfinished one."""
        ...

    def update_batch(self, run_id: str, batch_no: int, state: BatchState, *, at: datetime,
                     items: pd.DataFrame | None = None, mode: str | None = None, detail: str | None = None,
                     sent: bool = False) -> None: ...

    def finish(self, run_id: str, state: RunState, *, at: datetime, summary: dict) -> None: ...


class RunLock(Protocol):
    """Keeps two runs that write to RMS from overlapping."""

    def hold(self, purpose: str) -> AbstractContextManager[None]:
        """Hold the lock for a ``with`` block; RunInProgress (E502) when another run holds it."""
        ...
