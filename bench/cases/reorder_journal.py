"""The replenishment plan of a 100,000-SKU shop whose order history is in the journal.

Setup (not timed): the sample shop's two years of order lines recorded into a journal with the
KPI store's own ``record`` (built once, cached under ``bench/results/``), and the workbook's
inputs with a 受注 sheet of the last 30 days (orders also in the journal: the join must count
them once). Timed: what `zaiko-xl reorder` does after reading the workbook: the order history
read from the journal, joined with the sheet, and the plan. A second, untimed run under
tracemalloc gives the peak memory that history read and plan allocate; the plan is compared with
the plan from the two years all on the 受注 sheet (``reorder.plan_100k_skus_2y_history``).
"""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bench.cases.reorder import AS_OF, SMOKE_SKUS
from bench.registry import Metrics, case

JOURNAL = Path(__file__).resolve().parents[1] / "results" / "reorder-journal-100k.sqlite"
SHEET_DAYS = 30


def _inputs_and_journal(journal: Path, skus: int):
    from bench.reorder_data import shop_inputs
    from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
    from zaiko_xl.sample_shop import generate

    shop = generate(skus, seed=1)
    inputs = shop_inputs(shop)
    recorded = None
    if not journal.exists():
        journal.parent.mkdir(parents=True, exist_ok=True)
        partial = journal.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        begin = time.perf_counter()
        SqliteKpiStore(partial).record("orders", shop.orders)
        recorded = round(time.perf_counter() - begin, 1)
        partial.rename(journal)
    sheet = inputs.orders.loc[inputs.orders["ordered_at"].dt.date >= AS_OF - timedelta(days=SHEET_DAYS)]
    return inputs, replace(inputs, orders=sheet.reset_index(drop=True)), SqliteKpiStore(journal), recorded


@case("reorder.plan_100k_skus_history_from_journal", repeat=3, target="<= 10 s (history read + plan)")
def plan_from_journal(smoke: bool = False) -> Metrics:
    if not smoke:
        return _plan_from_journal(JOURNAL, 100_000)
    with tempfile.TemporaryDirectory() as tmp:  # a small journal of its own, never the cached one
        return _plan_from_journal(Path(tmp) / "journal.sqlite", SMOKE_SKUS)


def _plan_from_journal(journal: Path, skus: int) -> Metrics:
    from zaiko_xl.adapters.jp_holidays import JpHolidaySource
    from zaiko_xl.services.reorder import ReorderParams, plan_reorder
    from zaiko_xl.services.reorder_history import with_journal_history

    whole, inputs, store, recorded = _inputs_and_journal(journal, skus)
    params, holidays = ReorderParams(), JpHolidaySource()

    def plan():
        joined = with_journal_history(inputs, store, params.demand, AS_OF)
        return joined, plan_reorder(joined, params, holidays, AS_OF)

    begin = time.perf_counter()
    joined, result = plan()
    seconds = time.perf_counter() - begin
    begin = time.perf_counter()
    with_journal_history(inputs, store, params.demand, AS_OF)
    read_seconds = time.perf_counter() - begin
    tracemalloc.start()
    plan()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    on_sheet = plan_reorder(whole, params, holidays, AS_OF).plan  # every line on the sheet, no journal
    metrics: Metrics = {
        "seconds": seconds, "history_read_s": round(read_seconds, 2), "plan_peak_alloc_mb": round(peak / 2**20),
        "skus": len(result.plan), "sheet_lines": len(inputs.orders), "history_lines": len(joined.order_history),
        "history_start": str(joined.history_start), "to_order": int((result.plan["order_qty"].fillna(0) > 0).sum()),
        "problems": len(result.problems), "journal_mb": round(journal.stat().st_size / 1e6, 1),
        "same_plan_as_two_years_on_the_sheet": bool(on_sheet.equals(result.plan))}
    if recorded is not None:
        metrics["record_orders_s"] = recorded
    return metrics
