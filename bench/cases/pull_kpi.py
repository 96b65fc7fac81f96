"""What recording the KPI history adds to a pull of a 100,000-SKU shop (``services.pull_kpi``).

Setup (not timed): the frames a pull resolves for 100,000 SKUs (RMS stock, the warehouse file,
60 days of order lines, ~4,000 a day, the order lines of the lookback window as `pull` shows
them, returned lines with their ledger 返品) and a journal that already holds 90 days of stock
history (5% of the SKUs change a day) and the previous day's pull. Timed: building the frames
(``domain.kpi_capture.kpi_frames``) and recording them (``SqliteKpiStore.record``) for the
next day, as ``pull_workbook`` does after writing its sheets; per part and in total.
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from bench.registry import Metrics, case

SKUS, HISTORY_DAYS, LOOKBACK_DAYS, LINES_PER_DAY = 100_000, 90, 60, 4_000
SMOKE_SKUS, SMOKE_LINES_PER_DAY = 300, 12
PULL_AT = datetime(2026, 11, 20, 9, 0)


def _skus(count: int) -> np.ndarray:
    return np.array([f"ZK-{i:06d}" for i in range(count)], dtype=object)


def _orders(rng: np.random.Generator, skus: np.ndarray, at: datetime, per_day: int) -> tuple[pd.DataFrame, pd.Series]:
    n = LOOKBACK_DAYS * per_day
    ordered = pd.Timestamp(at) - pd.to_timedelta(np.sort(rng.uniform(0, LOOKBACK_DAYS * 86400, n))[::-1], unit="s")
    status = rng.choice(["unshipped", "cancelled", "returned"], n, p=[0.9, 0.07, 0.03])
    channel = rng.choice(["rakuten", "yahoo", "amazon"], n, p=[0.7, 0.2, 0.1])
    numbers = np.array([f"398520-{i // 2:010d}" for i in range(n)], dtype=object)  # two lines an order
    changed = pd.Series(ordered + pd.Timedelta(days=2)).where(status != "unshipped")
    orders = pd.DataFrame({"order_number": numbers, "channel": channel, "sku": skus[rng.integers(0, len(skus), n)],
                           "quantity": rng.integers(1, 4, n), "status": status, "ordered_at": ordered,
                           "changed_at": changed})
    cancelled = orders.loc[(orders["status"] == "cancelled") & (orders["channel"] == "rakuten"), "order_number"]
    reasons = pd.Series(rng.choice(["stockout", "customer", "shop"], len(cancelled)), index=cancelled.to_numpy())
    return orders, reasons[~reasons.index.duplicated()]


def _pulled(rng: np.random.Generator, at: datetime, count: int, per_day: int):
    from zaiko_xl.domain.kpi_capture import PulledForKpi

    skus = _skus(count)
    orders, reasons = _orders(rng, skus, at, per_day)
    returned = orders.loc[orders["status"] == "returned"].sample(frac=0.8, random_state=1)
    ledger = pd.DataFrame({"sku": returned["sku"], "kind": "返品", "quantity": returned["quantity"],
                           "at": returned["changed_at"] + pd.Timedelta(hours=30), "reference": returned["order_number"]})
    return PulledForKpi(
        at=at, items=pd.DataFrame({"sku": skus, "unit_cost": rng.integers(100, 5000, count)}), bom=None,
        rms_stock=pd.DataFrame({"sku": skus, "quantity": rng.integers(0, 200, count)}),
        warehouse=pd.DataFrame({"sku": skus, "on_hand": rng.integers(0, 220, count)}),
        orders=orders, cancel_reasons=reasons, ledger=ledger)


def _history(rng: np.random.Generator, count: int) -> pd.DataFrame:
    """90 days of stock history: every SKU on the first day, then 5% of them changing a day."""
    skus, start = _skus(count), pd.Timestamp(PULL_AT).normalize() - pd.Timedelta(days=HISTORY_DAYS + 1)
    changed = count // 20
    picks = np.concatenate([np.arange(count)] + [rng.choice(count, changed, replace=False)
                                                  for _ in range(HISTORY_DAYS)])
    days = np.concatenate([np.zeros(count, dtype=int)] + [np.full(changed, d + 1) for d in range(HISTORY_DAYS)])
    return pd.DataFrame({"sku": skus[picks], "day": start + pd.to_timedelta(days, unit="D"),
                         "on_hand": rng.integers(0, 220, len(picks)), "sellable": rng.integers(0, 200, len(picks))})


@case("pull.kpi_record_100k", repeat=3, target="report: seconds added to a 100k-SKU pull after its write")
def kpi_record_100k(smoke: bool = False) -> Metrics:
    from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
    from zaiko_xl.domain.kpi_capture import kpi_frames
    from zaiko_xl.services.pull_kpi import record_pull_kpis

    rng = np.random.default_rng(11)
    count, per_day = (SMOKE_SKUS, SMOKE_LINES_PER_DAY) if smoke else (SKUS, LINES_PER_DAY)
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteKpiStore(Path(folder) / "zaiko-journal.sqlite")
        store.record("stock_history", _history(rng, count))
        record_pull_kpis(store, _pulled(rng, PULL_AT - timedelta(days=1), count, per_day))  # yesterday's pull
        pulled = _pulled(rng, PULL_AT, count, per_day)
        start = time.perf_counter()
        frames = kpi_frames(pulled)
        capture = time.perf_counter() - start
        parts = {}
        for name in ("items", "stock_history", "orders", "returns"):
            begin = time.perf_counter()
            store.record(name, frames[name])
            parts[f"record_{name}_s"] = round(time.perf_counter() - begin, 2)
        seconds = time.perf_counter() - start
        journal_mb = round((Path(folder) / "zaiko-journal.sqlite").stat().st_size / 2**20, 1)
    return {"seconds": round(seconds, 2), "capture_s": round(capture, 2), **parts,
            "stock_rows": len(frames["stock_history"]), "order_lines": len(frames["orders"]),
            "returns": len(frames["returns"]), "journal_mb": journal_mb}
