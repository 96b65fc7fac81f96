"""Ports: the small interfaces services use to reach the outside world.

Each port has one to three methods. Real adapters live in ``zaiko_xl.adapters``; working
in-memory fakes in ``tests/fakes.py``. Add a port here when a service needs a new kind of
outside thing; keep the domain types in the signatures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from zaiko_xl.domain.imported import ImportedTable
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.rms import StockChange, UpsertMode, UpsertReport

if TYPE_CHECKING:
    import pandas as pd

    from zaiko_xl.domain.pull_run import PullRun
    from zaiko_xl.domain.reconcile_inputs import SourceFrames
    from zaiko_xl.domain.reconcile_run import PullHistory, ReconcileRun, ReconcileSummary
    from zaiko_xl.domain.reorder_frames import ReorderInputs
    from zaiko_xl.domain.sheet_cells import SheetContent


class Progress(Protocol):
    """Reports progress of a long operation (rich in the CLI, the status bar in Excel)."""

    def update(self, label: str, done: int, total: int | None = None) -> None: ...


class NullProgress:
    """Progress that shows nothing (tests, UDFs)."""

    def update(self, label: str, done: int, total: int | None = None) -> None:
        return None


class WarehouseSource(Protocol):
    """The warehouse's (WMS/3PL) stock export."""

    def read_warehouse(self) -> ImportedTable:
        """The ``warehouse`` frame and its warnings; raises InputError (E2xx) on fatal problems."""
        ...


class LedgerSource(Protocol):
    """The shop's ledger of movements (社内台帳), from a file or the workbook's sheet."""

    def read_ledger(self) -> ImportedTable:
        """The ``ledger`` frame and its warnings; raises InputError (E2xx) on fatal problems."""
        ...


class OrderExportSource(Protocol):
    """One order export of another channel (Yahoo!ショッピング, Amazon, own site...)."""

    def read_orders(self) -> ImportedTable:
        """The ``orders`` frame and its warnings; raises InputError (E2xx) on fatal problems."""
        ...


class TableSource(Protocol):
    """Any other input table: item master, mapping sheet, BOM, set rules, suppliers, inbound."""

    def read_table(self) -> ImportedTable:
        """The frame of the table's kind and its warnings; raises InputError (E2xx) on fatal problems."""
        ...


@dataclass(frozen=True)
class SheetUpdate:
    """New content for one of zaiko-xl's own sheets.

    ``rows`` replaces the table below the header (English field names as columns; ``None``
    leaves the rows alone). ``cells`` sets named cells above the table (e.g. ``status``,
    ``summary.count.delay``); see ``adapters/columns.py`` for the names of each sheet.
    """

    rows: pd.DataFrame | None = None
    cells: Mapping[str, Any] = field(default_factory=dict)


class WorkbookSource(Protocol):
    """Reads sheets of the shop's workbook (a file in batch runs, the open book in Excel)."""

    def read_sheet(self, sheet: str) -> pd.DataFrame:
        """The sheet's table with English field names; index = Excel row numbers."""
        ...

    def read_cells(self, sheet: str) -> dict[str, Any]:
        """The named cells above the sheet's table."""
        ...


class WorkbookSink(Protocol):
    """Writes zaiko-xl's own sheets; never the user's sheets."""

    def write_sheets(self, updates: Mapping[str, SheetUpdate | pd.DataFrame]) -> None:
        """Replace the given sheets' rows/cells (sheet name or key -> update) in one save."""
        ...


class Workbook(WorkbookSource, WorkbookSink, Protocol):
    """The shop's workbook, read and written (a WorkbookFile in batch runs, the open book in Excel)."""
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


class RmsInventory(Protocol):
    """RMS stock (Inventory API). Frames follow ``domain.rms.RMS_STOCK_COLUMNS``."""

    def get_stock(self, keys: Sequence[RmsSkuKey]) -> pd.DataFrame:
        """Stock of these SKUs; SKUs RMS has no record of are left out."""
        ...

    def get_range(self, min_quantity: int, max_quantity: int) -> pd.DataFrame:
        """Every SKU whose stock lies in the window; RangeTooCrowded (E312) above 1000 SKUs."""
        ...

    def upsert(self, changes: Sequence[StockChange], mode: UpsertMode) -> UpsertReport:
        """Write stock; never applies a change twice; raises what was not applied (E306-E309)."""
        ...


class RmsOrders(Protocol):
    """RMS orders (RakutenPay Order API). Order lines follow ``domain.rms.RMS_ORDER_COLUMNS``."""

    def search(self, start: datetime, end: datetime, progress: Sequence[int]) -> list[str]:
        """Order numbers ordered in [start, end] (JST) with these orderProgress codes."""
        ...

    def get(self, order_numbers: Sequence[str]) -> pd.DataFrame:
        """One row per order line, keyed by RMS's raw codes (manage_number, variant_id)."""
        ...


class RmsLicense(Protocol):
    """The RMS license key."""

    def expiry(self) -> datetime:
        """The key's expiry (JST); LicenseRejected (E310) when RMS refuses the key."""
        ...


class PullJournal(Protocol):
    """The journal's record of pulls (SQLite beside the workbook): when, what, from where."""

    def record_pull(self, run: PullRun) -> None:
        """Keep this pull (atomically)."""
        ...

    def last_pull(self) -> PullRun | None:
        """The latest pull recorded, or None (also checks that the journal can be opened)."""
        ...


class StockTableSource(Protocol):
    """A table of (manage_number, variant_id, quantity) rows, e.g. stock to upload by CSV."""

    def read(self) -> tuple[pd.DataFrame, str]:
        """The rows (with a 1-based ``row`` column as the user sees it) and the place they came from."""
        ...


class RmsCsvSink(Protocol):
    """Writes RMS bulk-edit CSV files (normal-item.csv)."""

    def write(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
        """Write the file atomically; returns its path."""
        ...


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

    def previous(self, pulls: int, current: datetime | None = None) -> PullHistory:
        """Differences of the last ``pulls`` pulls other than ``current`` (one run each, ``run_index`` 0 =
        latest) and the last suggestions."""
        ...

    def record(self, run: ReconcileRun) -> None:
        """Keep this pull (atomically); prune pulls beyond the configured number."""
        ...
