"""Port adapters over the readers: files (CSV/TSV/XLSX) and DataFrames of the live workbook.

``File*`` sources read a path (CSV and workbook alike, by extension); ``Frame*`` sources wrap a
DataFrame that an Excel entry point read from the open workbook (read it with xlwings'
``err_to_str=True`` so error cells arrive as ``#N/A`` text). All of them go through the same
validator, so a file and a sheet with the same content give the same frame and messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from zaiko_xl.adapters.readers import Where, empty_table, read_ledger, read_orders, read_table, read_warehouse
from zaiko_xl.domain.imported import ImportedTable
from zaiko_xl.errors import EmptyFile


@dataclass(frozen=True)
class FileWarehouseSource:
    """WarehouseSource: the WMS/3PL stock export file."""

    path: Path
    preset: str = "generic"
    columns: Mapping[str, str] = field(default_factory=dict)
    encoding: str = "auto"
    sheet: str | None = None

    def read_warehouse(self) -> ImportedTable:
        return read_warehouse(self.path, preset=self.preset, columns=self.columns,
                              where=Where(sheet=self.sheet, encoding=self.encoding))


@dataclass(frozen=True)
class FileLedgerSource:
    """LedgerSource: a ledger file, or the ledger sheet of a closed workbook (``sheet`` named).

    ``empty_ok``: a ledger with no rows is an empty ledger, not an error (the ledger sheet of
    a workbook the shop has not started a ledger in yet).
    """

    path: Path
    sheet: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    encoding: str = "auto"
    empty_ok: bool = False

    def read_ledger(self) -> ImportedTable:
        try:
            return read_ledger(self.path, columns=self.columns, where=Where(sheet=self.sheet, encoding=self.encoding))
        except EmptyFile:
            if not self.empty_ok:
                raise
            return empty_table("ledger", f"{self.path.name} [{self.sheet}]" if self.sheet else self.path.name)


@dataclass(frozen=True)
class FrameLedgerSource:
    """LedgerSource: the ledger sheet of the open workbook, already read into a DataFrame (no rows: empty)."""

    frame: pd.DataFrame
    workbook: str
    sheet: str
    header_row: int = 1
    columns: Mapping[str, str] = field(default_factory=dict)

    def read_ledger(self) -> ImportedTable:
        try:
            return read_ledger(self.frame, columns=self.columns,
                               where=Where(sheet=self.sheet, name=self.workbook, header_row=self.header_row))
        except EmptyFile:
            return empty_table("ledger", f"{self.workbook} [{self.sheet}]")


@dataclass(frozen=True)
class FileOrderExportSource:
    """OrderExportSource: one order export file of another channel."""

    path: Path
    preset: str = "auto"
    columns: Mapping[str, str] = field(default_factory=dict)
    encoding: str = "auto"

    def read_orders(self) -> ImportedTable:
        return read_orders(self.path, preset=self.preset, columns=self.columns, where=Where(encoding=self.encoding))


@dataclass(frozen=True)
class FileTableSource:
    """TableSource: items, mapping, bom, set_rules, suppliers or inbound from a file or a closed workbook."""

    kind: str
    path: Path
    sheet: str | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    encoding: str = "auto"

    def read_table(self) -> ImportedTable:
        return read_table(self.kind, self.path, columns=self.columns,
                          where=Where(sheet=self.sheet, encoding=self.encoding))


@dataclass(frozen=True)
class FrameTableSource:
    """TableSource: a sheet of the open workbook (item master, 対応表, セット構成, 仕入先...)."""

    kind: str
    frame: pd.DataFrame
    workbook: str
    sheet: str
    header_row: int = 1

    def read_table(self) -> ImportedTable:
        return read_table(self.kind, self.frame,
                          where=Where(sheet=self.sheet, name=self.workbook, header_row=self.header_row))
