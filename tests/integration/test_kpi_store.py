"""The KPI history in a real SQLite journal: round trip, change-only stock rows, frozen baseline."""

from __future__ import annotations

import sqlite3
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.unit.test_kpi_domain import CALENDAR, _inputs
from zaiko_xl.adapters.kpi_chunks import pack, unpack
from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.domain.kpi import compute_kpis
from zaiko_xl.errors import JournalUnreadable
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
    stored = store.kpi_inputs(date(2026, 3, 1), date(2026, 3, 5), 0).stock_history
    assert stored[["day", "sellable"]].to_dict("list") == {"day": [pd.Timestamp("2026-03-01")], "sellable": [5]}
    with sqlite3.connect(tmp_path / "j.sqlite") as conn:  # 03-03 went back to 5 later that day: no change that day
        assert conn.execute("SELECT day, rows FROM kpi_stock_days").fetchall() == [(20513, 1)]  # 2026-03-01


def test_a_back_dated_day_updates_the_change_after_it(tmp_path):
    store = SqliteKpiStore(tmp_path / "j.sqlite")
    rows = pd.DataFrame({"sku": ["A", "A"], "day": pd.to_datetime(["2026-03-01", "2026-03-05"]), "on_hand": [5, 3],
                         "sellable": [5, 3]})
    assert store.record("stock_history", rows) == 2
    back = pd.DataFrame({"sku": ["A"], "day": [pd.Timestamp("2026-03-03")], "on_hand": [3], "sellable": [3]})
    assert store.record("stock_history", back) == 2  # 03-03 written, 03-05 no longer a change
    stored = store.kpi_inputs(date(2026, 3, 1), date(2026, 3, 9), 0).stock_history
    assert stored["day"].dt.day.tolist() == [1, 3] and stored["sellable"].tolist() == [5, 3]


def test_a_period_starts_from_each_skus_last_row_before_it(tmp_path):
    store = SqliteKpiStore(tmp_path / "j.sqlite")
    store.record("stock_history", pd.DataFrame({
        "sku": ["A", "A", "B", "A"], "day": pd.to_datetime(["2026-02-01", "2026-02-10", "2026-02-20", "2026-03-02"]),
        "on_hand": [1, 2, 7, 3], "sellable": [1, 2, 7, 3]}))
    got = store.kpi_inputs(date(2026, 3, 1), date(2026, 3, 9), 0).stock_history.astype({"sku": str})
    assert sorted(got.itertuples(index=False, name=None)) == [
        ("A", pd.Timestamp("2026-02-10"), 2, 2), ("A", pd.Timestamp("2026-03-02"), 3, 3),
        ("B", pd.Timestamp("2026-02-20"), 7, 7)]


def test_an_order_line_recorded_again_replaces_the_stored_one(tmp_path):
    store = SqliteKpiStore(tmp_path / "j.sqlite")
    line = pd.DataFrame({"order_number": ["o1", "o1"], "sku": ["A", "A"], "quantity": [1, 2],
                         "status": ["unshipped", "unshipped"], "ordered_at": pd.to_datetime(["2026-03-02 10:00"] * 2),
                         "cancel_reason": ["", ""]})
    store.record("orders", line)
    store.record("orders", line.assign(status=["cancelled", "unshipped"], cancel_reason=["stockout", ""]))
    got = store.kpi_inputs(date(2026, 3, 1), date(2026, 3, 9), 0).orders
    assert got[["quantity", "status", "cancel_reason"]].astype({"status": str, "cancel_reason": str}).to_dict("list") == {
        "quantity": [1, 2], "status": ["cancelled", "unshipped"], "cancel_reason": ["stockout", ""]}
    assert got["order_number"].nunique() == 1


def test_the_baseline_is_frozen_at_the_first_report_after_go_live(store, tmp_path):
    options = KpiOptions(as_of=date(2026, 3, 11), history_days=10, go_live=date(2026, 3, 6),
                         sale_windows=CALENDAR.sale_windows, demand_window_days=3)
    first = compute_kpi_report(store, options, store)
    assert first.baseline_source == "frozen"
    assert first.table.set_index("kpi").loc["stockout_rate", "baseline_normal"] == pytest.approx(5 / 9)
    with sqlite3.connect(store.path) as conn:  # old history pruned: the frozen baseline stays
        conn.execute("DELETE FROM kpi_stock_days WHERE day < 20517")  # before 2026-03-05
    later = compute_kpi_report(store, options, store)
    assert later.table.set_index("kpi").loc["stockout_rate", "baseline_normal"] == pytest.approx(5 / 9)
    moved = compute_kpi_report(store, KpiOptions(**{**options.__dict__, "go_live": date(2026, 3, 8)}), store)
    assert moved.baseline_source == "frozen"
    assert moved.table.set_index("kpi").loc["stockout_rate", "baseline_normal"] != pytest.approx(5 / 9)


def test_an_unwritable_journal_is_a_clear_error(tmp_path):
    folder = tmp_path / "not-a-folder"
    folder.write_text("a file where the journal's folder should be")
    with pytest.raises(JournalUnreadable) as info:
        SqliteKpiStore(folder / "j.sqlite").record("items", pd.DataFrame({"sku": ["A"], "unit_cost": [1]}))
    assert info.value.render("en").startswith(f"E505 Cannot read or write the journal {folder / 'j.sqlite'}: ")


def test_a_chunk_packs_its_columns_and_gives_back_only_those_asked_for():
    columns = {"a": np.array([1, 2, 3], dtype=np.int32), "b": np.array([-5, 0, 7], dtype=np.int64),
               "c": np.array([1, 2, 3], dtype=np.int16)}
    blob = pack(columns)
    back = unpack(blob)
    assert {k: (v.dtype, v.tolist()) for k, v in back.items()} == {k: (v.dtype, v.tolist()) for k, v in columns.items()}
    assert list(unpack(blob, ["b"])) == ["b"]
    with pytest.raises(ValueError, match="not a zaiko-xl KPI chunk"):
        unpack(b"PK\x03\x04 something else")
