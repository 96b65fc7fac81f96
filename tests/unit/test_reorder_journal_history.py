"""The reorder's order history from the journal and the 受注 sheet together (hand-built frames, fakes)."""

from datetime import date, timedelta

import pandas as pd
import pytest

from tests.fakes import FakeOrderHistory, FakeReorderSink, FakeReorderSource
from tests.reorder_shop import daily_orders, shop
from tests.unit.test_reorder_service import AS_OF, FLAT, HOLIDAYS, S1, YESTERDAY, row
from zaiko_xl.domain.order_history import channel_first_days, combined_history, history_start, order_numbers
from zaiko_xl.services.reorder import plan_reorder, run_reorder

ITEM_A = [("A", "S1", "", 100, 300, False)]
SHEET_FIRST = YESTERDAY - timedelta(days=29)  # the sheet holds the last 30 days


def _year(units_before: int, units_on_sheet: int) -> pd.DataFrame:
    """365 days of A ending yesterday: ``units_before`` a day, then ``units_on_sheet`` on the last 30."""
    return daily_orders("A", [units_before] * 335 + [units_on_sheet] * 30, YESTERDAY)


def _on_sheet(lines: pd.DataFrame) -> pd.Series:
    return lines["ordered_at"].dt.date >= SHEET_FIRST


def _plan(sheet: pd.DataFrame, journal: pd.DataFrame, params=FLAT):
    sink = FakeReorderSink()
    result, _ = run_reorder(FakeReorderSource(shop(sheet, ITEM_A, [S1], {"A": 10})), HOLIDAYS, sink, params, AS_OF,
                            FakeOrderHistory(journal))
    return row(result, "A")


def test_the_journal_gives_the_days_before_the_sheet():
    year = _year(1, 3)
    a = _plan(year[_on_sheet(year)], year[~_on_sheet(year)])
    assert a["annual_mean"] == pytest.approx((335 * 1 + 30 * 3) / 365)
    assert (a["days_used"], a["demand_mean"]) == (365, pytest.approx((335 + 90) / 365))


def test_an_order_on_the_sheet_and_in_the_journal_counts_once_and_the_sheet_wins():
    year = _year(1, 3)
    journal = year.assign(quantity=year["quantity"].where(~_on_sheet(year), 7))  # older numbers of the same orders
    a = _plan(year[_on_sheet(year)], journal)
    assert a["annual_mean"] == pytest.approx((335 + 90) / 365)


def test_journal_lines_of_orders_not_on_the_sheet_count_on_the_sheets_days_too():
    """The sheet pulled without shipped lines: the orders shipped since are only in the journal."""
    year = _year(1, 3)
    unshipped = daily_orders("A", [2], YESTERDAY, status="unshipped").assign(order_number="NEW-1")
    sheet = pd.concat([year[_on_sheet(year)].iloc[-5:], unshipped], ignore_index=True)  # the last 5 days' orders
    a = _plan(sheet, year)
    assert a["annual_mean"] == pytest.approx((335 + 90 + 2) / 365)
    assert a["backorders"] == 2  # backorders only from the sheet


def test_old_unshipped_lines_in_the_journal_are_demand_but_not_backorders():
    journal = daily_orders("A", [1] * 335, SHEET_FIRST - timedelta(days=1), status="unshipped")
    a = _plan(daily_orders("B", [1], YESTERDAY).assign(sku="A", order_number="S-1"), journal)
    assert a["annual_mean"] == pytest.approx(336 / 365) and a["backorders"] == 0


def test_a_sheet_without_order_numbers_keeps_its_days_and_the_journal_gives_the_others():
    year = _year(1, 3)
    a = _plan(year[_on_sheet(year)].drop(columns="order_number"), year)
    assert a["annual_mean"] == pytest.approx((335 + 90) / 365)


def test_the_history_starts_where_both_sources_together_start():
    """60 journal days before a 30-day sheet: 90 days known, not 365 with 275 empty."""
    lines = daily_orders("A", [2] * 90, YESTERDAY)
    a = _plan(lines[_on_sheet(lines)], lines[~_on_sheet(lines)])
    assert (a["days_used"], a["annual_mean"]) == (90, pytest.approx(2.0))


def test_without_journal_lines_the_plan_is_the_sheets_plan():
    sheet = daily_orders("A", [2] * 20 + [5] * 10, YESTERDAY)
    alone = plan_reorder(shop(sheet, ITEM_A, [S1], {"A": 10}), FLAT, HOLIDAYS, AS_OF)
    sink = FakeReorderSink()
    empty = FakeOrderHistory(sheet.iloc[:0])
    result, _ = run_reorder(FakeReorderSource(shop(sheet, ITEM_A, [S1], {"A": 10})), HOLIDAYS, sink, FLAT, AS_OF, empty)
    pd.testing.assert_frame_equal(result.plan, alone.plan)


def test_history_start_is_per_channel_the_earlier_source_then_the_latest_channel():
    sheet = pd.concat([daily_orders("A", [1] * 30, YESTERDAY).assign(channel="rakuten"),
                       daily_orders("A", [1] * 10, YESTERDAY).assign(channel="yahoo")])
    assert channel_first_days(sheet) == {"rakuten": SHEET_FIRST, "yahoo": YESTERDAY - timedelta(days=9)}
    journal = {"rakuten": date(2025, 1, 1), "yahoo": date(2026, 6, 1), "amazon": date(2026, 3, 1)}
    assert history_start(channel_first_days(sheet), journal) == date(2026, 6, 1)
    assert history_start(channel_first_days(sheet), {"rakuten": date(2025, 1, 1)}) == YESTERDAY - timedelta(days=9)
    assert history_start({}, {}) is None


def test_combined_history_keeps_every_sheet_line_and_the_journal_lines_not_on_its_days():
    sheet = pd.DataFrame({"sku": ["A", "B"], "quantity": [1, 2], "status": ["shipped", None],
                          "ordered_at": pd.to_datetime(["2026-12-20 10:00", "2026-12-21 11:00"])})  # no channel, no number
    journal = pd.DataFrame({"sku": ["A", "A", "C"], "quantity": [5, 6, 7], "status": ["shipped"] * 3, "channel": [""] * 3,
                            "ordered_at": pd.to_datetime(["2026-12-19 09:00", "2026-12-20 09:00", "2026-12-22 09:00"])})
    both = combined_history(sheet, journal.astype({"sku": "category", "status": "category", "channel": "category"}))
    assert both["sku"].tolist() == ["A", "B", "A"] and both["quantity"].tolist() == [1.0, 2.0, 5.0]
    assert both["status"].tolist() == ["shipped", "", "shipped"]
    assert isinstance(both["sku"].dtype, pd.CategoricalDtype)


def test_order_numbers_are_the_distinct_non_blank_ones():
    frame = pd.DataFrame({"order_number": ["B-2", " A-1 ", None, "", "B-2"]})
    assert order_numbers(frame) == ["A-1", "B-2"]
    assert order_numbers(frame.drop(columns="order_number")) == []
