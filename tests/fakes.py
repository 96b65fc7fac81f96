"""Working in-memory fakes, one per port (tests assert on their end state)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from zaiko_xl.domain.imported import ImportedTable
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.reconcile_inputs import SourceFrames
from zaiko_xl.domain.reconcile_run import PullHistory, ReconcileRun, ReconcileSummary
from zaiko_xl.domain.rms import StockChange, UpsertMode
from zaiko_xl.errors import ApiRejected, InputError, RmsSkuRejected, WriteOutcomeUnknown


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


class FakeClock:
    """now() advances only when someone sleeps."""

    def __init__(self, start: pd.Timestamp | None = None) -> None:
        self.current = (start or pd.Timestamp("2026-05-01 10:00:00")).to_pydatetime()
        self.slept = 0.0

    def now(self):
        return self.current

    def sleep(self, seconds: float) -> None:
        from datetime import timedelta

        self.slept += seconds
        self.current += timedelta(seconds=seconds)


# ---------------------------------------------------------------- reconciliation
class FakeReconcileSources:
    def __init__(self, frames: SourceFrames) -> None:
        self.frames = frames

    def load(self) -> SourceFrames:
        return self.frames


class FakeComparisonSheet:
    """The 在庫比較 sheet in memory; ``edit`` plays the person."""

    def __init__(self) -> None:
        self.rows: pd.DataFrame | None = None
        self.summary: ReconcileSummary | None = None

    def read_decisions(self) -> pd.DataFrame:
        if self.rows is None:
            return pd.DataFrame({"sku": [], "confirmed": pd.array([], dtype="Int64"), "push": []})
        return pd.DataFrame({"sku": self.rows["SKU"], "confirmed": self.rows["確定在庫"].astype("Int64"),
                             "push": self.rows["反映"].astype(bool)})

    def write(self, rows: pd.DataFrame, summary: ReconcileSummary) -> None:
        self.rows, self.summary = rows.copy(), summary

    def edit(self, sku: str, *, confirmed: int | None = None, push: bool | None = None) -> None:
        at = self.rows.index[self.rows["SKU"] == sku][0]
        if confirmed is not None:
            self.rows.loc[at, "確定在庫"] = confirmed
        if push is not None:
            self.rows.loc[at, "反映"] = push


class FakeReconcileHistory:
    def __init__(self) -> None:
        self.runs: list[ReconcileRun] = []

    def previous(self, pulls: int) -> PullHistory:
        latest = self.runs[::-1][:pulls]
        diffs = [run.differences.assign(run_index=i) for i, run in enumerate(latest)]
        frame = pd.concat(diffs, ignore_index=True) if diffs else PullHistory().differences
        last = self.runs[-1].suggestions if self.runs else PullHistory().last_suggested
        return PullHistory(differences=frame, last_suggested=last)

    def record(self, run: ReconcileRun) -> None:
        self.runs.append(run)


# ---------------------------------------------------------------- ingestion


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
