"""The KPI history through the SQLite journal: load two years of a 100,000-SKU shop, and compute.

Setup (not timed): the input of ``bench.cases.kpi`` recorded into a fresh journal with the
store's own ``record`` (cached between runs under ``bench/results/``, since building it takes
a few minutes; a smoke run builds a small one in a temporary folder and keeps nothing). Timed: ``SqliteKpiStore.kpi_inputs`` for the whole period (the load path of
`zaiko-xl kpi`), then the whole report as `zaiko-xl kpi` makes it (load + compute).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from bench.cases.kpi import SMOKE, START, build_inputs
from bench.registry import case
from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.services.kpi import KpiOptions, compute_kpi_report

JOURNAL = Path(__file__).resolve().parents[1] / "results" / "kpi-journal-100k.sqlite"
FRAMES = ("stock_history", "orders", "api_calls", "sync_events", "reconcile_results", "returns", "items")
DAYS = 730


def _record(path: Path, **sizes: int) -> dict:
    """Record ``build_inputs(**sizes)`` into a new journal at ``path``; the seconds each frame took."""
    inputs, _calendar = build_inputs(**sizes)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    store = SqliteKpiStore(partial)
    recorded: dict = {}
    for name in FRAMES:
        begin = time.perf_counter()
        store.record(name, getattr(inputs, name))
        recorded[f"record_{name}_s"] = round(time.perf_counter() - begin, 1)
    partial.rename(path)
    return recorded


@contextmanager
def _journal(smoke: bool) -> Iterator[tuple[Path, int, dict]]:
    """(journal path, days it holds, record seconds when built now): the cached one, or a small temporary one."""
    if smoke:
        with tempfile.TemporaryDirectory(prefix="zaiko-bench-") as tmp:
            path = Path(tmp) / "kpi-journal-smoke.sqlite"
            yield path, SMOKE["days"], _record(path, **SMOKE)
        return
    recorded = {}
    if not JOURNAL.exists():
        JOURNAL.parent.mkdir(parents=True, exist_ok=True)
        recorded = _record(JOURNAL, days=DAYS)
    yield JOURNAL, DAYS, recorded


@case("kpi.journal_load_100k_skus", repeat=3, target="informational: was 150 s with one SQLite row per record")
def kpi_journal_load(smoke: bool = False) -> dict:
    with _journal(smoke) as (path, days, recorded):
        store = SqliteKpiStore(path)
        begin = time.perf_counter()
        inputs = store.kpi_inputs(START, START + timedelta(days=days - 1), 28)
        seconds = time.perf_counter() - begin
        journal_mb = round(path.stat().st_size / 1e6, 1)
    return {"seconds": seconds, "history_rows": len(inputs.stock_history), "order_lines": len(inputs.orders),
            "sync_events": len(inputs.sync_events), "journal_mb": journal_mb, **recorded}


@case("kpi.report_from_journal_100k_skus", repeat=3, target="load + compute, what `zaiko-xl kpi` does")
def kpi_report_from_journal(smoke: bool = False) -> dict:
    with _journal(smoke) as (path, days, _recorded):
        options = KpiOptions(as_of=START + timedelta(days=days), history_days=days,
                             go_live=START + timedelta(days=days // 2))
        begin = time.perf_counter()
        result = compute_kpi_report(SqliteKpiStore(path), options, None)
        seconds = time.perf_counter() - begin
    return {"seconds": seconds, "stockout_rate": round(result.report.value("stockout_rate"), 4),
            "as_of": date.isoformat(options.as_of)}
