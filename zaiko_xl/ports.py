"""Ports: the small interfaces services use to reach the outside world.

Each port has one to three methods. Real adapters live in ``zaiko_xl.adapters``; working
in-memory fakes in ``tests/fakes.py``. Add a port here when a service needs a new kind of
outside thing; keep the domain types in the signatures.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd

    from zaiko_xl.domain.reorder_frames import ReorderInputs
    from zaiko_xl.domain.sheet_cells import SheetContent


class Progress(Protocol):
    """Reports progress of a long operation (rich in the CLI, the status bar in Excel)."""

    def update(self, label: str, done: int, total: int | None = None) -> None: ...


class NullProgress:
    """Progress that shows nothing (tests, UDFs)."""

    def update(self, label: str, done: int, total: int | None = None) -> None:
        return None


class HolidaySource(Protocol):
    """Public holidays of the country the suppliers work in (Japan: jpholiday)."""

    def holidays(self, first: date, last: date) -> Sequence[date]: ...


class ReorderSource(Protocol):
    """The frames a replenishment plan is computed from (item master, suppliers, stock, orders, ...)."""

    def load(self) -> ReorderInputs: ...


class ReorderSink(Protocol):
    """Where the 発注 / 発注書 sheets and the purchase-order CSV files go."""

    def write_sheets(self, sheets: Sequence[SheetContent]) -> list[str]: ...

    def write_purchase_order(self, name: str, table: pd.DataFrame) -> str: ...
