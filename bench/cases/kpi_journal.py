"""The KPI history through the SQLite journal: load two years of a 100,000-SKU shop, and compute.

Setup (not timed): the input of ``bench.cases.kpi`` recorded into a fresh journal with the
store's own ``record`` (cached between runs under ``bench/results/``, since building it takes
a few minutes). Timed: ``SqliteKpiStore.kpi_inputs`` for the whole period (the load path of
`zaiko-xl kpi`), then the whole report as `zaiko-xl kpi` makes it (load + compute).
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

from bench.cases.kpi import START, build_inputs
from bench.registry import case
from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.services.kpi import KpiOptions, compute_kpi_report

JOURNAL = Path(__file__).resolve().parents[1] / "results" / "kpi-journal-100k.sqlite"
FRAMES = ("stock_history", "orders", "api_calls", "sync_events", "reconcile_results", "returns", "items")
DAYS = 730


def _journal() -> tuple[SqliteKpiStore, dict]:
    """The recorded journal (built once); the seconds each frame took to record when it was built."""
    recorded: dict = {}
    if not JOURNAL.exists():
        inputs, _calendar = build_inputs(days=DAYS)
        JOURNAL.parent.mkdir(parents=True, exist_ok=True)
        partial = JOURNAL.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        store = SqliteKpiStore(partial)
        for name in FRAMES:
            begin = time.perf_counter()
            store.record(name, getattr(inputs, name))
            recorded[f"record_{name}_s"] = round(time.perf_counter() - begin, 1)
        partial.rename(JOURNAL)
    return SqliteKpiStore(JOURNAL), recorded


@case("kpi.journal_load_100k_skus", repeat=3, target="informational: was 150 s with one SQLite row per record")
def kpi_journal_load() -> dict:
    store, recorded = _journal()
    end = START + timedelta(days=DAYS - 1)
    begin = time.perf_counter()
    inputs = store.kpi_inputs(START, end, 28)
    seconds = time.perf_counter() - begin
    return {"seconds": seconds, "history_rows": len(inputs.stock_history), "order_lines": len(inputs.orders),
            "sync_events": len(inputs.sync_events), "journal_mb": round(JOURNAL.stat().st_size / 1e6, 1), **recorded}


@case("kpi.report_from_journal_100k_skus", repeat=3, target="load + compute, what `zaiko-xl kpi` does")
def kpi_report_from_journal() -> dict:
    store, _recorded = _journal()
    options = KpiOptions(as_of=START + timedelta(days=DAYS), history_days=DAYS,
                         go_live=START + timedelta(days=DAYS // 2))
    begin = time.perf_counter()
    result = compute_kpi_report(store, options, None)
    seconds = time.perf_counter() - begin
    return {"seconds": seconds, "stockout_rate": round(result.report.value("stockout_rate"), 4),
            "as_of": date.isoformat(options.as_of)}
