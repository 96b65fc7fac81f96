"""Ports: the small interfaces services use to reach the outside world.

Each port has one to three methods. Real adapters live in ``zaiko_xl.adapters``; working
in-memory fakes in ``tests/fakes.py``. Add a port here when a service needs a new kind of
outside thing; keep the domain types in the signatures.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from zaiko_xl.domain.imported import ImportedTable
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.push_run import BatchState, RunHeader, RunRecord, RunState
from zaiko_xl.domain.rms import StockChange, UpsertMode, UpsertReport
from zaiko_xl.domain.sync_plan import SyncMemory

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from zaiko_xl.domain.kpi import KpiInputs
    from zaiko_xl.domain.kpi_result import KpiResult
    from zaiko_xl.domain.notify import Delivery, Notice
    from zaiko_xl.domain.pull_run import PullRun
    from zaiko_xl.domain.reconcile_inputs import SourceFrames
    from zaiko_xl.domain.reconcile_run import PullHistory, ReconcileRun, ReconcileSummary
    from zaiko_xl.domain.reorder_frames import ReorderInputs
    from zaiko_xl.domain.runs import RunRecord


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


class OrderHistorySource(Protocol):
    """Order lines kept in the journal (docs/data-contracts.md §9): the demand history that no
    longer fits the 受注 sheet."""

    def order_lines(self, start: date, end: date, *, skip_orders: Collection[str] = ()) -> pd.DataFrame:
        """Lines ordered on days ``start``..``end`` (inclusive, JST), the lines of the orders in
        ``skip_orders`` left out: ``order_number``, ``channel``, ``sku``, ``quantity``, ``status``,
        ``ordered_at`` (text columns categorical)."""
        ...

    def first_order_days(self, channels: Collection[str]) -> dict[str, date]:
        """The first day each of ``channels`` has an order line in the journal (absent: none)."""
        ...


class ReorderSink(Protocol):
    """Where the 発注 / 発注書 sheets and the purchase-order CSV files go."""

    def write(self, sheets: Mapping[str, pd.DataFrame], purchase_orders: Sequence[tuple[str, pd.DataFrame]]) -> list[str]:
        """Write the sheets' rows (one atomic save) and one file per purchase order; all checked
        before anything is written. Returns what was written."""
        ...


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


# ---------------------------------------------------------------- KPIs, runs, notifications, doctor (issue 9)
class KpiSource(Protocol):
    """The KPI input frames (docs/data-contracts.md section 5) recorded for a period."""

    def kpi_inputs(self, start: date, end: date, lead_days: int) -> KpiInputs:
        """Frames for ``start``..``end``; orders from ``lead_days`` earlier (the demand window)."""
        ...


class KpiRecorder(Protocol):
    """Keeps the KPI history (pull, push and reconcile call it; see data-contracts section 5)."""

    def record(self, frame_name: str, frame: pd.DataFrame) -> int:
        """Store rows of one KPI input frame; returns how many rows were new or changed."""
        ...


class BaselineStore(Protocol):
    """The baseline (導入前の基準値) frozen at the first report after go-live."""

    def load_baseline(self) -> tuple[date, pd.DataFrame] | None:
        """The go-live date it was frozen for and its rows (kpi, days, value, numerator, denominator)."""
        ...

    def save_baseline(self, go_live: date, rows: pd.DataFrame) -> None: ...


class RunLog(Protocol):
    """Outcomes of batch runs (pull, push, sync ...): doctor and notifications read them."""

    def record_run(self, run: RunRecord) -> None: ...

    def last_runs(self) -> list[RunRecord]:
        """The latest run of each command."""
        ...

    def last_success(self, commands: tuple[str, ...]) -> datetime | None: ...

    def first_attempt(self, commands: tuple[str, ...]) -> datetime | None: ...


class Notifier(Protocol):
    """One notification channel (a webhook, e-mail). ``send`` raises NotifyFailed."""

    channel: str

    def send(self, notice: Notice) -> None: ...


class NotifyState(Protocol):
    """What each channel was told about each incident (for de-duplication and throttling)."""

    def deliveries(self, channel: str) -> dict[str, Delivery]: ...

    def save_delivery(self, delivery: Delivery) -> None: ...

    def log_send(self, channel: str, key: str, at: datetime, ok: bool, detail: str) -> None: ...

    def sent_since(self, channel: str, since: datetime) -> int: ...


class LicenseSource(Protocol):
    """Hook for the RMS client's license port (license.expiryDate.get)."""

    def license_expiry(self) -> date: ...


class ApiProbe(Protocol):
    """Hook for the RMS client: call one API function cheaply; raise ApiError when it fails."""

    def probe(self, function: str) -> None: ...


class HealthProbe(Protocol):
    """Local checks of `zaiko-xl doctor`: raise a ZaikoError (with its fix hint) when not fine."""

    def check_workbook_unlocked(self) -> bool:
        """False when the workbook does not exist; raises WorkbookLocked when it is open in Excel."""
        ...

    def check_journal_writable(self) -> None: ...


class KpiReportFiles(Protocol):
    """Renders a KPI result: the HTML page and the standalone KPI workbook."""

    def html(self, result: KpiResult, path: Path) -> Path: ...

    def html_text(self, result: KpiResult) -> str: ...

    def workbook(self, result: KpiResult, path: Path) -> Path: ...


class ReportMailer(Protocol):
    """Sends one e-mail (text, with an optional HTML alternative) to the configured recipients."""

    def send_mail(self, subject: str, text: str, html: str | None = None) -> None: ...


class FrameSink(Protocol):
    """Where pulled frames go (sheets of the workbook, or files beside it)."""

    def write(self, frames: Mapping[str, pd.DataFrame]) -> str:
        """Write every frame at once (all or nothing); returns where they went."""
        ...


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


class SyncState(Protocol):
    """What one sync cycle leaves for the next (the ``push_sync_*`` tables of the journal)."""

    def load(self) -> SyncMemory | None:
        """The last cycle's memory; None before the first cycle."""
        ...

    def save(self, memory: SyncMemory) -> None:
        """Replace the memory (atomically)."""
        ...


class SourceWatch(Protocol):
    """Update latency (``domain.sync_latency``): the source numbers last seen per SKU and the
    changes RMS does not show yet (journal ``kpi_source_value``, ``kpi_open_change``); both ends
    of a change go to the KPI ``sync_events``."""

    def observe(self, seen: pd.DataFrame, at: datetime) -> pd.DataFrame:
        """Remember ``seen`` (``sku``, ``source``, ``value``, ``changed_at``); returns the changes opened."""
        ...

    def shown(self, shown: pd.DataFrame) -> pd.DataFrame:
        """Close the open changes of the SKUs RMS shows (``sku``, ``shown_at``); returns the closed ones."""
        ...

    def open_changes(self) -> pd.DataFrame:
        """The changes RMS does not show yet (``sku``, ``source``, ``changed_at``, ``shown_at`` NaT)."""
        ...
