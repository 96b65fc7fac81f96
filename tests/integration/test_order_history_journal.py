"""The reorder's order history read from a real SQLite journal (the KPI store's order lines)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from tests.fakes import FakeOrderHistory, FakeReorderSink, FakeReorderSource
from tests.reorder_shop import daily_orders, shop
from tests.unit.test_reorder_service import AS_OF, FLAT, HOLIDAYS, S1, YESTERDAY, row
from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.services.reorder import run_reorder

ITEMS = [("A", "S1", "", 100, 300, False), ("B", "S1", "", 100, 300, False)]


def _lines() -> pd.DataFrame:
    """A year of A on rakuten (one line a day) and B on yahoo from 2026-10-01, with a cancelled line."""
    a = daily_orders("A", [2] * 365, YESTERDAY).assign(channel="rakuten")
    b = daily_orders("B", [1] * 85, YESTERDAY).assign(channel="yahoo")
    cancelled = daily_orders("A", [9], YESTERDAY, status="cancelled").assign(order_number="X-1", channel="rakuten")
    return pd.concat([a, b, cancelled], ignore_index=True).assign(changed_at=pd.NaT, cancel_reason="")


@pytest.fixture
def store(tmp_path) -> SqliteKpiStore:
    store = SqliteKpiStore(tmp_path / "zaiko-journal.sqlite")
    store.record("orders", _lines())
    return store


def test_order_lines_come_back_with_their_channel_for_the_days_asked(store):
    lines = store.order_lines(date(2026, 12, 20), date(2026, 12, 21))
    assert lines.columns.tolist() == ["order_number", "channel", "sku", "quantity", "status", "ordered_at"]
    assert sorted(zip(lines["channel"], lines["sku"], lines["quantity"], lines["ordered_at"].dt.day, strict=True)) == [
        ("rakuten", "A", 2, 20), ("rakuten", "A", 2, 21), ("yahoo", "B", 1, 20), ("yahoo", "B", 1, 21)]
    assert all(isinstance(lines[c].dtype, pd.CategoricalDtype) for c in ("channel", "sku", "status"))


def test_the_orders_to_skip_are_left_out_and_unknown_numbers_are_ignored(store):
    lines = store.order_lines(date(2026, 12, 24), date(2026, 12, 24), skip_orders=["A-364", "X-1", "NOT-THERE"])
    assert lines[["sku", "status"]].values.tolist() == [["B", "shipped"]]
    assert len(store.order_lines(date(2026, 12, 24), date(2026, 12, 24))) == 3


def test_first_order_days_per_channel(store):
    assert store.first_order_days(["yahoo", "rakuten", "amazon"]) == {
        "rakuten": YESTERDAY - timedelta(days=364), "yahoo": date(2026, 10, 1)}
    assert store.first_order_days([]) == {}


def test_an_empty_journal_has_no_lines(tmp_path):
    empty = SqliteKpiStore(tmp_path / "j.sqlite")
    assert empty.order_lines(date(2026, 1, 1), date(2026, 12, 31)).empty
    assert empty.first_order_days(["rakuten"]) == {}


def test_the_plan_from_the_sqlite_journal_equals_the_plan_from_the_same_lines_in_memory(store):
    lines = _lines()
    sheet = lines.loc[lines["ordered_at"].dt.date >= date(2026, 12, 1)]  # the sheet: December; also in the journal
    plans = []
    for journal in (store, FakeOrderHistory(lines)):
        result, _ = run_reorder(FakeReorderSource(shop(sheet, ITEMS, [S1], {"A": 5, "B": 5})), HOLIDAYS,
                                FakeReorderSink(), FLAT, AS_OF, journal)
        plans.append(result.plan)
    pd.testing.assert_frame_equal(plans[0], plans[1])
    a, b = row(result, "A"), row(result, "B")
    assert (a["days_used"], a["annual_mean"]) == (85, pytest.approx(2.0))  # yahoo starts 10-01: 85 days known
    assert b["annual_mean"] == pytest.approx(1.0)
