"""The KPI history in a real SQLite journal: round trip, change-only stock rows, frozen baseline."""

from __future__ import annotations

import sqlite3
from datetime import date

import pandas as pd
import pytest

from tests.unit.test_kpi_domain import CALENDAR, _inputs
from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.domain.kpi import compute_kpis
from zaiko_xl.errors import OpsJournalError
from zaiko_xl.services.kpi import KpiOptions, compute_kpi_report

FRAMES = ("stock_history", "orders", "api_calls", "sync_events", "reconcile_results", "returns", "items")


@pytest.fixture
def store(tmp_path):
    store = SqliteKpiStore(tmp_path / "zaiko-journal.sqlite")
    inputs = _inputs()
    for name in FRAMES:
        store.record(name, getattr(inputs, name))
    return store


def test_recorded_frames_come_back_with_the_same_kpis(store):
    again = compute_kpis(store.kpi_inputs(CALENDAR.start, CALENDAR.end, 3), CALENDAR)
    direct = compute_kpis(_inputs(), CALENDAR)
    pd.testing.assert_frame_equal(again.summary, direct.summary)
    assert isinstance(store.kpi_inputs(CALENDAR.start, CALENDAR.end, 3).stock_history["sku"].dtype, pd.CategoricalDtype)


def test_recording_twice_does_not_duplicate_anything(store):
    inputs = _inputs()
    assert store.record("stock_history", inputs.stock_history) == 0
    store.record("orders", inputs.orders)
    store.record("reconcile_results", inputs.reconcile_results)
    again = compute_kpis(store.kpi_inputs(CALENDAR.start, CALENDAR.end, 3), CALENDAR)
    assert again.value("stock_cancel_rate") == pytest.approx(3 / 7)
    assert again.value("stock_diffs") == pytest.approx(2.25)


def test_only_changed_stock_days_are_stored(tmp_path):
    store = SqliteKpiStore(tmp_path / "j.sqlite")
    day = lambda d, v: pd.DataFrame({"sku": ["A"], "day": [pd.Timestamp(d)], "on_hand": [v], "sellable": [v]})  # noqa: E731
    assert [store.record("stock_history", day(d, v)) for d, v in
            [("2026-03-01", 5), ("2026-03-02", 5), ("2026-03-03", 4), ("2026-03-03", 5)]] == [1, 0, 1, 1]
    with sqlite3.connect(tmp_path / "j.sqlite") as conn:
        rows = conn.execute("SELECT day, sellable FROM kpi_stock_history").fetchall()
    assert [v for _, v in rows] == [5]  # 03-03 went back to 5 later that day: no change that day


def test_the_baseline_is_frozen_at_the_first_report_after_go_live(store, tmp_path):
    options = KpiOptions(as_of=date(2026, 3, 11), history_days=10, go_live=date(2026, 3, 6),
                         sale_windows=CALENDAR.sale_windows, demand_window_days=3)
    first = compute_kpi_report(store, options, store)
    assert first.baseline_source == "frozen"
    assert first.table.set_index("kpi").loc["stockout_rate", "baseline_normal"] == pytest.approx(5 / 9)
    with sqlite3.connect(store.path) as conn:  # old history pruned: the frozen baseline stays
        conn.execute("DELETE FROM kpi_stock_history WHERE day < 20517")  # before 2026-03-05
    later = compute_kpi_report(store, options, store)
    assert later.table.set_index("kpi").loc["stockout_rate", "baseline_normal"] == pytest.approx(5 / 9)
    moved = compute_kpi_report(store, KpiOptions(**{**options.__dict__, "go_live": date(2026, 3, 8)}), store)
    assert moved.baseline_source == "frozen"
    assert moved.table.set_index("kpi").loc["stockout_rate", "baseline_normal"] != pytest.approx(5 / 9)


def test_an_unwritable_journal_is_a_clear_error(tmp_path):
    folder = tmp_path / "missing" / "deeper"
    with pytest.raises(OpsJournalError) as info:
        SqliteKpiStore(folder / "j.sqlite").record("items", pd.DataFrame({"sku": ["A"], "unit_cost": [1]}))
    assert info.value.render("en").startswith(f"E720 Cannot read or write the journal {folder / 'j.sqlite'}: ")
