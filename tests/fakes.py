"""In-memory fakes of the ports (one per port); tests assert on their end state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import pandas as pd

from zaiko_xl.domain.reorder_frames import ReorderInputs
from zaiko_xl.domain.sheet_cells import SheetContent


class FakeHolidaySource:
    """Holidays from a fixed list."""

    def __init__(self, days: Iterable[date] = ()) -> None:
        self.days = sorted(days)

    def holidays(self, first: date, last: date) -> list[date]:
        return [d for d in self.days if first <= d <= last]


class FakeReorderSource:
    def __init__(self, inputs: ReorderInputs) -> None:
        self.inputs = inputs

    def load(self) -> ReorderInputs:
        return self.inputs


class FakeReorderSink:
    """Keeps the sheets and purchase-order tables it was given."""

    def __init__(self) -> None:
        self.sheets: dict[str, SheetContent] = {}
        self.purchase_orders: dict[str, pd.DataFrame] = {}

    def write_sheets(self, sheets: Sequence[SheetContent]) -> list[str]:
        self.sheets.update({s.name: s for s in sheets})
        return ["memory:sheets"]

    def write_purchase_order(self, name: str, table: pd.DataFrame) -> str:
        self.purchase_orders[name] = table
        return f"memory:{name}"
