"""In-memory fakes of the ports (one per port). Tests assert on what they hold, not on calls."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from zaiko_xl.adapters.columns import sheet
from zaiko_xl.adapters.sheet_frames import resolve_update
from zaiko_xl.domain.imported import ImportedTable
from zaiko_xl.domain.kpi import KpiInputs
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.notify import Delivery, Notice
from zaiko_xl.domain.pull_run import PullRun
from zaiko_xl.domain.reconcile_inputs import SourceFrames
from zaiko_xl.domain.reconcile_run import PullHistory, ReconcileRun, ReconcileSummary, one_run_per_pull
from zaiko_xl.domain.reorder_frames import ReorderInputs
from zaiko_xl.domain.rms import RMS_ORDER_COLUMNS, RMS_STOCK_COLUMNS, StockChange, UpsertMode, UpsertReport
from zaiko_xl.domain.runs import Outcome, RunRecord
from zaiko_xl.errors import ApiRejected, InputError, RangeTooCrowded, RmsSkuRejected, WriteOutcomeUnknown, ZaikoError
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


class FakeOrderHistory:
    """The journal's order lines in memory (``order_number``, ``channel``, ``sku``, ``quantity``,
    ``status``, ``ordered_at``); text comes back categorical, as from the SQLite store."""

    def __init__(self, lines: pd.DataFrame) -> None:
        self.lines = lines.reset_index(drop=True)

    def order_lines(self, start: date, end: date, *, skip_orders: Iterable[str] = ()) -> pd.DataFrame:
        day = pd.to_datetime(self.lines["ordered_at"]).dt.date
        pick = (day >= start) & (day <= end) & ~self.lines["order_number"].astype(str).isin(set(skip_orders))
        found = self.lines.loc[pick, ["order_number", "channel", "sku", "quantity", "status", "ordered_at"]]
        return found.astype({c: "category" for c in ("order_number", "channel", "sku", "status")}).reset_index(drop=True)

    def first_order_days(self, channels: Iterable[str]) -> dict[str, date]:
        first = pd.to_datetime(self.lines["ordered_at"]).groupby(self.lines["channel"]).min()
        return {c: first[c].date() for c in channels if c in first.index}


class FakeReorderSink:
    """Keeps the sheets' rows and the purchase-order tables it was given."""

    def __init__(self) -> None:
        self.sheets: dict[str, pd.DataFrame] = {}
        self.purchase_orders: dict[str, pd.DataFrame] = {}

    def write(self, sheets: Mapping[str, pd.DataFrame], purchase_orders: Sequence[tuple[str, pd.DataFrame]]) -> list[str]:
        self.sheets.update(sheets)
        self.purchase_orders.update(dict(purchase_orders))
        return ["memory:sheets", *(f"memory:{name}" for name, _ in purchase_orders)]


class FakeClock:
    """A clock whose sleep only moves time forward; records every wait; may run a hook on sleep."""

    def __init__(self, start: float = 1000.0, on_sleep: Callable[[float], None] | None = None) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self.on_sleep = on_sleep

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        if self.on_sleep is not None:
            self.on_sleep(seconds)


class FakeRmsInventory:
    """RmsInventory on a dict (manageNumber, variantId) -> quantity."""

    def __init__(self, stock: Mapping[tuple[str, str], int], updated: datetime = datetime(2026, 1, 5, 9, 0)) -> None:
        self.stock = dict(stock)
        self.updated = updated
        self.range_calls: list[tuple[int, int]] = []

    def _frame(self, pairs: Sequence[tuple[str, str]]) -> pd.DataFrame:
        rows = [(m, v, self.stock[(m, v)], self.updated) for m, v in pairs]
        frame = pd.DataFrame(rows, columns=list(RMS_STOCK_COLUMNS))
        return frame.astype({"quantity": "int64", "updated": "datetime64[ns]"})

    def get_stock(self, keys: Sequence[RmsSkuKey]) -> pd.DataFrame:
        return self._frame([(k.manage_number, k.variant_id) for k in keys if (k.manage_number, k.variant_id) in self.stock])

    def get_range(self, min_quantity: int, max_quantity: int) -> pd.DataFrame:
        self.range_calls.append((min_quantity, max_quantity))
        hits = [k for k, q in self.stock.items() if min_quantity <= q <= max_quantity]
        if len(hits) > 1000:
            raise RangeTooCrowded(quantity=f"{min_quantity}..{max_quantity}")
        return self._frame(hits)

    def upsert(self, changes: Sequence[StockChange], mode: UpsertMode) -> UpsertReport:
        for change in changes:
            key = (change.key.manage_number, change.key.variant_id)
            base = self.stock.get(key, 0) if mode is UpsertMode.RELATIVE else 0
            self.stock[key] = base + change.quantity
        return UpsertReport(tuple(c.key for c in changes), requests=1)


class FakeRmsOrders:
    """RmsOrders on a list of order-line dicts (RMS_ORDER_COLUMNS)."""

    def __init__(self, lines: Sequence[dict]) -> None:
        self.lines = list(lines)
        self.searches: list[tuple[datetime, datetime, tuple[int, ...]]] = []

    def search(self, start: datetime, end: datetime, progress: Sequence[int]) -> list[str]:
        self.searches.append((start, end, tuple(progress)))
        return list(dict.fromkeys(li["order_number"] for li in self.lines
                                  if start <= li["ordered_at"] <= end and li["order_progress"] in progress))

    def get(self, order_numbers: Sequence[str]) -> pd.DataFrame:
        wanted = set(order_numbers)
        return pd.DataFrame([li for li in self.lines if li["order_number"] in wanted], columns=list(RMS_ORDER_COLUMNS))


class FakeRmsLicense:
    """RmsLicense with a fixed expiry, or raising a given error (e.g. LicenseRejected)."""

    def __init__(self, expiry: datetime | None = None, error: Exception | None = None) -> None:
        self._expiry = expiry
        self._error = error

    def expiry(self) -> datetime:
        if self._error is not None:
            raise self._error
        assert self._expiry is not None
        return self._expiry


class FakeStockTable:
    """StockTableSource on a list of raw (manage_number, variant_id, quantity) rows."""

    def __init__(self, rows: Sequence[tuple[object, object, object]], place: str = "stock.csv") -> None:
        self._rows = rows
        self._place = place

    def read(self) -> tuple[pd.DataFrame, str]:
        frame = pd.DataFrame(self._rows, columns=["manage_number", "variant_id", "quantity"], dtype=object)
        frame.insert(0, "row", range(2, len(frame) + 2))
        frame.attrs["headers"] = {"manage_number": "商品管理番号", "variant_id": "SKU管理番号", "quantity": "在庫数"}
        return frame, self._place


class FakeCsvSink:
    """RmsCsvSink that keeps the header and rows."""

    def __init__(self) -> None:
        self.header: tuple[str, ...] | None = None
        self.rows: list[tuple[str, ...]] = []

    def write(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
        self.header, self.rows = tuple(header), [tuple(r) for r in rows]
        return "memory.csv"


# ---------------------------------------------------------------- reconciliation
class FakeReconcileSources:
    def __init__(self, frames: SourceFrames) -> None:
        self.frames = frames

    def load(self) -> SourceFrames:
        return self.frames


class FakeComparisonSheet:
    """The 在庫比較 sheet in memory (the sheet's field names, adapters/columns.py); ``edit`` plays the person."""

    def __init__(self) -> None:
        self.rows: pd.DataFrame | None = None
        self.summary: ReconcileSummary | None = None

    def read_decisions(self) -> pd.DataFrame:
        if self.rows is None:
            return pd.DataFrame({"sku": [], "confirmed": pd.array([], dtype="Int64"), "push": []})
        return pd.DataFrame({"sku": self.rows["sku"], "confirmed": self.rows["confirmed"].astype("Int64"),
                             "push": self.rows["push"].astype(bool),
                             "suggested": self.rows["suggested"].astype("Int64")})

    def write(self, rows: pd.DataFrame, summary: ReconcileSummary) -> None:
        self.rows, self.summary = rows.copy(), summary

    def edit(self, sku: str, *, confirmed: int | None = None, push: bool | None = None) -> None:
        at = self.rows.index[self.rows["sku"] == sku][0]
        if confirmed is not None:
            self.rows.loc[at, "confirmed"] = confirmed
        if push is not None:
            self.rows.loc[at, "push"] = push


class FakeReconcileHistory:
    def __init__(self) -> None:
        self.runs: list[ReconcileRun] = []

    def previous(self, pulls: int, current: datetime | None = None) -> PullHistory:
        chosen = one_run_per_pull([(i, run.pulled_at) for i, run in enumerate(self.runs)], pulls, current)
        latest = [self.runs[i] for i in chosen]
        diffs = [run.differences.assign(run_index=i) for i, run in enumerate(latest)]
        frame = pd.concat(diffs, ignore_index=True) if diffs else PullHistory().differences
        last = self.runs[-1].suggestions if self.runs else PullHistory().last_suggested
        return PullHistory(differences=frame, last_suggested=last)

    def record(self, run: ReconcileRun) -> None:
        self.runs.append(run)


# ---------------------------------------------------------------- operations (issue 9)
@dataclass
class FakeKpiStore:
    """KpiSource + BaselineStore in memory: the frames as given, filtered to nothing (the domain clips)."""

    inputs: KpiInputs
    baseline: tuple[date, pd.DataFrame] | None = None

    def kpi_inputs(self, start: date, end: date, lead_days: int) -> KpiInputs:
        return self.inputs

    def load_baseline(self) -> tuple[date, pd.DataFrame] | None:
        return self.baseline

    def save_baseline(self, go_live: date, rows: pd.DataFrame) -> None:
        self.baseline = (go_live, rows.copy())


@dataclass
class FakeKpiRecorder:
    """KpiRecorder in memory: every recorded frame by name, in order; ``fail`` names frames that raise ``error``."""

    frames: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    fail: tuple[str, ...] = ()
    error: ZaikoError | None = None

    def record(self, frame_name: str, frame: pd.DataFrame) -> int:
        if frame_name in self.fail:
            assert self.error is not None
            raise self.error
        self.frames.setdefault(frame_name, []).append(frame.copy())
        return len(frame)


@dataclass
class FakeLicenseSource:
    expiry: date | None = None
    error: ZaikoError | None = None

    def license_expiry(self) -> date:
        if self.error is not None:
            raise self.error
        assert self.expiry is not None
        return self.expiry


@dataclass
class FakeApiProbe:
    failing: dict[str, ZaikoError] = field(default_factory=dict)
    probed: list[str] = field(default_factory=list)

    def probe(self, function: str) -> None:
        self.probed.append(function)
        if function in self.failing:
            raise self.failing[function]


@dataclass
class FakeHealthProbe:
    workbook_exists: bool = True
    workbook_error: ZaikoError | None = None
    journal_error: ZaikoError | None = None

    def check_workbook_unlocked(self) -> bool:
        if self.workbook_error is not None:
            raise self.workbook_error
        return self.workbook_exists

    def check_journal_writable(self) -> None:
        if self.journal_error is not None:
            raise self.journal_error


@dataclass
class FakeRunLog:
    runs: list[RunRecord] = field(default_factory=list)

    def record_run(self, run: RunRecord) -> None:
        self.runs = [r for r in self.runs if r.run_id != run.run_id] + [run]

    def last_runs(self) -> list[RunRecord]:
        latest: dict[str, RunRecord] = {}
        for run in sorted(self.runs, key=lambda r: r.started_at):
            latest[run.command] = run
        return sorted(latest.values(), key=lambda r: r.command)

    def last_success(self, commands: tuple[str, ...]) -> datetime | None:
        done = [r.finished_at for r in self.runs if r.command in commands and r.outcome is Outcome.OK and r.finished_at]
        return max(done, default=None)

    def first_attempt(self, commands: tuple[str, ...]) -> datetime | None:
        return min((r.started_at for r in self.runs if r.command in commands), default=None)


@dataclass
class FakeNotifyState:
    records: dict[tuple[str, str], Delivery] = field(default_factory=dict)
    sends: list[tuple[str, str, datetime, bool, str]] = field(default_factory=list)

    def deliveries(self, channel: str) -> dict[str, Delivery]:
        return {key: d for (key, ch), d in self.records.items() if ch == channel}

    def save_delivery(self, delivery: Delivery) -> None:
        self.records[(delivery.key, delivery.channel)] = delivery

    def log_send(self, channel: str, key: str, at: datetime, ok: bool, detail: str) -> None:
        self.sends.append((channel, key, at, ok, detail))

    def sent_since(self, channel: str, since: datetime) -> int:
        return sum(1 for ch, _, at, ok, _ in self.sends if ch == channel and ok and at >= since)


@dataclass
class FakeNotifier:
    channel: str = "fake"
    notices: list[Notice] = field(default_factory=list)
    error: ZaikoError | None = None

    def send(self, notice: Notice) -> None:
        if self.error is not None:
            raise self.error
        self.notices.append(notice)


class FakePullJournal:
    """PullJournal in a list."""

    def __init__(self) -> None:
        self.runs: list[PullRun] = []

    def record_pull(self, run: PullRun) -> None:
        self.runs.append(run)

    def last_pull(self) -> PullRun | None:
        return self.runs[-1] if self.runs else None


class FakeFrameSink:
    """FrameSink that keeps what it was given."""

    def __init__(self) -> None:
        self.written: dict[str, pd.DataFrame] = {}
        self.writes = 0

    def write(self, frames: Mapping[str, pd.DataFrame]) -> str:
        self.written = dict(frames)
        self.writes += 1
        return "memory"


# ---------------------------------------------------------------- push (issue 8)
class FakeRmsStock:
    """RmsStockWriter in memory: a stock dict, a script of what each send does, and hooks.

    Every change moves the SKU's ``updated`` (a logical clock), as RMS does.
    ``script`` entries (one per ``send_batch``, then "ok"): ``"ok"``; ``"lost"`` (timed out
    before RMS applied it: unknown, not applied); ``"late"`` (applied, then the answer was
    lost: unknown, applied); ``"reject:<manage:variant>"`` (RMS refuses that SKU, nothing
    applied); ``"refuse"`` (a 400 for the whole request). ``between`` runs before every call,
    e.g. to place orders while the push runs.
    """

    def __init__(self, stock: dict[str, int], script: Sequence[str] = (),
                 between: Callable[[FakeRmsStock], None] | None = None) -> None:
        self.stock = dict(stock)
        self.updated = {key: 0 for key in stock}  # a logical clock: seconds after 10:00 of the last change
        self._tick = 0
        self.script = list(script)
        self.between = between
        self.sent: list[tuple[str, list[tuple[str, int]]]] = []
        self.applied: list[tuple[str, str, int]] = []  # (key, mode, quantity) of every write RMS applied

    def get_stock(self, keys: Sequence[RmsSkuKey]) -> pd.DataFrame:
        self._between()
        rows = [(k.manage_number, k.variant_id, self.stock[str(k)],
                 pd.Timestamp("2026-05-01 10:00:00") + pd.Timedelta(seconds=self.updated[str(k)]))
                for k in keys if str(k) in self.stock]
        return pd.DataFrame(rows, columns=["manage_number", "variant_id", "quantity", "updated"])

    def send_batch(self, changes: Sequence[StockChange], mode: UpsertMode) -> None:
        self._between()
        action = self.script.pop(0) if self.script else "ok"
        self.sent.append((action, [(str(c.key), c.quantity) for c in changes]))
        if action.startswith("reject:"):
            raise RmsSkuRejected(sku=action.split(":", 1)[1], endpoint="inventories.bulk.upsert", status=400,
                                 rms_code="IE0002", detail="refused")
        if action == "refuse":
            raise ApiRejected(endpoint="inventories.bulk.upsert", status=400, rms_code="GE0011", detail="refused")
        if action == "lost":
            raise WriteOutcomeUnknown(endpoint="inventories.bulk.upsert", sku=str(changes[0].key), detail="timeout")
        if action == "partial":  # RMS applied the first 3 SKUs only, and the answer was lost
            changes = changes[:3]
        for change in changes:
            key = str(change.key)
            self._set(key, change.quantity if mode is UpsertMode.ABSOLUTE else self.stock[key] + change.quantity)
            self.applied.append((key, mode.value, change.quantity))
        if action in ("late", "partial"):
            raise WriteOutcomeUnknown(endpoint="inventories.bulk.upsert", sku=str(changes[0].key), detail="timeout")

    def order(self, key: str, units: int = 1) -> None:
        """A shopper buys (or, with negative units, a cancel gives back)."""
        self._set(key, self.stock[key] - units)

    def _set(self, key: str, quantity: int) -> None:
        self._tick += 1
        self.stock[key], self.updated[key] = quantity, self._tick

    def _between(self) -> None:
        if self.between is not None:
            self.between(self)


class FakeWallClock:
    """A JST wall clock for the push services: now() advances only when someone sleeps."""

    def __init__(self, start: pd.Timestamp | None = None) -> None:
        self.current = (start or pd.Timestamp("2026-05-01 10:00:00")).to_pydatetime()
        self.slept = 0.0

    def now(self):
        return self.current

    def sleep(self, seconds: float) -> None:
        from datetime import timedelta

        self.slept += seconds
        self.current += timedelta(seconds=seconds)


class FakeSourceWatch:
    """SourceWatch in memory, on the same rules as the journal's (``domain.sync_latency``)."""

    def __init__(self) -> None:
        import pandas as pd

        from zaiko_xl.domain.sync_latency import EVENT_COLUMNS, VALUE_COLUMNS

        self.values = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "changed_at" else object)
                                    for c in VALUE_COLUMNS})
        self.waiting = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c.endswith("_at") else object)
                                     for c in EVENT_COLUMNS})
        self.closed: list = []

    def observe(self, seen, at):
        import pandas as pd

        from zaiko_xl.domain.sync_latency import observe

        found = observe(self.values, seen, at)
        keyed = pd.concat([self.values, found.values]).drop_duplicates(["sku", "source"], keep="last")
        self.values = keyed.reset_index(drop=True)
        self.waiting = pd.concat([self.waiting, found.opened], ignore_index=True)
        return found.opened

    def shown(self, shown):
        from zaiko_xl.domain.sync_latency import close

        closed = close(self.waiting, shown)
        key = self.waiting[["sku", "source", "changed_at"]].apply(tuple, axis=1)
        done = set(closed[["sku", "source", "changed_at"]].apply(tuple, axis=1)) if len(closed) else set()
        self.waiting = self.waiting[~key.isin(done)].reset_index(drop=True)
        self.closed.append(closed)
        return closed

    def open_changes(self):
        return self.waiting.copy()
