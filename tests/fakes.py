"""In-memory fakes of the ports (one per port). Tests assert on what they hold, not on calls."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from zaiko_xl.domain.imported import ImportedTable
from zaiko_xl.errors import InputError


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
