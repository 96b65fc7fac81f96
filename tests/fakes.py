"""In-memory fakes of the ports (one per port). Tests assert on what they hold, not on calls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from zaiko_xl.adapters.columns import sheet
from zaiko_xl.adapters.sheet_frames import resolve_update
from zaiko_xl.domain.imported import ImportedTable
from zaiko_xl.domain.reorder_frames import ReorderInputs
from zaiko_xl.domain.sheet_cells import SheetContent
from zaiko_xl.errors import InputError
from zaiko_xl.ports import SheetUpdate


@dataclass
class _FakeTableReader:
    """Gives ``table`` (or raises ``error``) and counts the reads."""

    table: ImportedTable | None = None
    error: InputError | None = None
    reads: int = field(default=0, init=False)

    def _read(self) -> ImportedTable:
        self.reads += 1
        if self.error is not None:
            raise self.error
        assert self.table is not None, "a fake source needs a table or an error"
        return self.table


class FakeWarehouseSource(_FakeTableReader):
    def read_warehouse(self) -> ImportedTable:
        return self._read()


class FakeLedgerSource(_FakeTableReader):
    def read_ledger(self) -> ImportedTable:
        return self._read()


class FakeOrderExportSource(_FakeTableReader):
    def read_orders(self) -> ImportedTable:
        return self._read()


class FakeTableSource(_FakeTableReader):
    def read_table(self) -> ImportedTable:
        return self._read()


@dataclass
class FakeProgress:
    """Keeps every (label, done, total) it was told."""

    updates: list[tuple[str, int, int | None]] = field(default_factory=list)

    def update(self, label: str, done: int, total: int | None = None) -> None:
        self.updates.append((label, done, total))


def table(kind: str, rows: list[dict], source: str = "test.csv", warnings: tuple = ()) -> ImportedTable:
    """A small ImportedTable for fakes."""
    return ImportedTable(kind, pd.DataFrame(rows), source, warnings)


class FakeWorkbook:
    """The Workbook port in memory: sheets by name -> rows and named cells.

    Like the real workbook it refuses to write the user's sheets and unknown columns or cells
    (the same check, ``resolve_update``), and reads back what was written with the index
    starting at the sheet's first data row. It does not carry hand edits over.
    Seed the user's sheets with ``user_rows``.
    """

    def __init__(self, user_rows: Mapping[str, pd.DataFrame] | None = None) -> None:
        self.rows: dict[str, pd.DataFrame] = {sheet(k).name: v.copy() for k, v in (user_rows or {}).items()}
        self.cells: dict[str, dict[str, Any]] = {}
        self.writes = 0

    def read_sheet(self, name: str) -> pd.DataFrame:
        spec = sheet(name)
        rows = self.rows.get(spec.name, pd.DataFrame(columns=list(spec.fields)))
        out = rows.reindex(columns=list(spec.fields)).reset_index(drop=True)
        out.index = pd.Index(range(spec.first_data_row, spec.first_data_row + len(out)), name="row")
        return out

    def read_cells(self, name: str) -> dict[str, Any]:
        spec = sheet(name)
        return {field: self.cells.get(spec.name, {}).get(field) for field in spec.cell_refs()}

    def write_sheets(self, updates: Mapping[str, SheetUpdate | pd.DataFrame]) -> None:
        checked = [resolve_update(name, value) for name, value in updates.items()]  # the real checks
        for spec, update in checked:
            if update.rows is not None:
                self.rows[spec.name] = update.rows.copy()
            self.cells.setdefault(spec.name, {}).update(update.cells)
        self.writes += 1


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
