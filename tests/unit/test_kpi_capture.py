"""domain.kpi_capture: the KPI history a pull records, from hand-built pulled frames (exact rows)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from zaiko_xl.domain.kpi_capture import (
    PulledForKpi,
    kpi_frames,
    order_lines,
    returned_lines,
    stock_rows,
    unit_costs,
)

AT = datetime(2026, 11, 20, 10, 30)
NAT = pd.NaT


def _orders(rows):
    return pd.DataFrame(rows, columns=["order_number", "channel", "sku", "quantity", "status", "ordered_at",
                                       "changed_at"])


def test_stock_rows_sum_each_sku_over_its_codes_and_take_0_where_a_source_has_no_row():
    rms = pd.DataFrame({"sku": ["A", "B", None, "SET1", "A"], "quantity": [3, 0, 9, 2, 1]})
    warehouse = pd.DataFrame({"sku": ["A", "C", "", "A"], "on_hand": [5, 2, 7, 1]})
    rows = stock_rows(rms, warehouse, AT)
    assert rows.to_dict("records") == [
        {"sku": "A", "day": pd.Timestamp("2026-11-20"), "on_hand": 6, "sellable": 4},
        {"sku": "B", "day": pd.Timestamp("2026-11-20"), "on_hand": 0, "sellable": 0},
        {"sku": "C", "day": pd.Timestamp("2026-11-20"), "on_hand": 2, "sellable": 0},
        {"sku": "SET1", "day": pd.Timestamp("2026-11-20"), "on_hand": 0, "sellable": 2},
    ]
    assert str(rows["on_hand"].dtype) == "int64" and str(rows["sellable"].dtype) == "int64"


def test_only_cancelled_rms_lines_carry_their_order_reason_and_unmatched_lines_are_left_out():
    orders = _orders([
        ("R1", "rakuten", "A", 2, "cancelled", datetime(2026, 11, 18, 9), datetime(2026, 11, 19, 9)),
        ("R2", "rakuten", "B", 1, "unshipped", datetime(2026, 11, 19, 9), NAT),
        ("Y1", "yahoo", "C", 1, "cancelled", datetime(2026, 11, 19, 11), datetime(2026, 11, 19, 12)),
        ("R9", "rakuten", None, 1, "cancelled", datetime(2026, 11, 19, 13), datetime(2026, 11, 19, 14)),
    ])
    reasons = pd.Series({"R1": "stockout", "R2": "customer", "R9": "shop"})
    lines = order_lines(orders, reasons)
    assert lines[["order_number", "sku", "status", "cancel_reason"]].values.tolist() == [
        ["R1", "A", "cancelled", "stockout"], ["R2", "B", "unshipped", ""], ["Y1", "C", "cancelled", ""]]
    assert list(lines.columns) == ["order_number", "channel", "sku", "quantity", "status", "ordered_at", "changed_at",
                                   "cancel_reason"]


def test_a_return_is_booked_by_the_ledger_return_of_its_order_and_sku_else_of_its_order():
    orders = _orders([
        ("R3", "rakuten", "A", 1, "returned", datetime(2026, 11, 10), datetime(2026, 11, 18, 10)),
        ("R4", "rakuten", "SET1", 1, "returned", datetime(2026, 11, 10), datetime(2026, 11, 18, 11)),
        ("R5", "rakuten", "B", 1, "returned", datetime(2026, 11, 10), datetime(2026, 11, 19, 12)),
        ("R6", "rakuten", "B", 1, "returned", datetime(2026, 11, 10), NAT),  # no return time: not recorded
        ("R7", "rakuten", "B", 1, "shipped", datetime(2026, 11, 10), datetime(2026, 11, 11)),
    ])
    ledger = pd.DataFrame({
        "sku": ["A", "A", "COMP-1", "COMP-2", "A", "B"],
        "kind": ["返品", "返品", "返品", "返品", "出荷", "入荷"],
        "quantity": [1, 1, 2, 1, 1, 5],
        "at": [datetime(2026, 11, 19, 9), datetime(2026, 11, 18, 15), datetime(2026, 11, 20, 8),
               datetime(2026, 11, 20, 7), datetime(2026, 11, 11), datetime(2026, 11, 19)],
        "reference": ["R3", "R3", "R4", "R4", "R5", "R5"]})
    returns = returned_lines(orders, ledger)
    assert returns.to_dict("records") == [
        {"sku": "A", "reference": "R3", "received_at": pd.Timestamp("2026-11-18 10:00"),
         "booked_at": pd.Timestamp("2026-11-18 15:00")},
        {"sku": "SET1", "reference": "R4", "received_at": pd.Timestamp("2026-11-18 11:00"),
         "booked_at": pd.Timestamp("2026-11-20 07:00")},
        {"sku": "B", "reference": "R5", "received_at": pd.Timestamp("2026-11-19 12:00"), "booked_at": NAT},
    ]


def test_costs_come_from_the_master_and_a_set_without_one_costs_its_components():
    items = pd.DataFrame({"sku": ["A", "B", "C", "D", "SET1", "SET2", "SET3"],
                          "unit_cost": [100, 0, None, 50, None, 999, 0]})
    bom = pd.DataFrame({"set_sku": ["SET1", "SET1", "SET2", "SET3", "SET3"],
                        "component_sku": ["A", "D", "A", "A", "C"], "quantity": [2, 1, 1, 1, 1]})
    costs = unit_costs(items, bom)
    assert costs.values.tolist() == [["A", 100], ["D", 50], ["SET2", 999], ["SET1", 250]]  # SET3: C has no cost


def test_a_master_without_a_cost_column_records_no_items():
    pulled = PulledForKpi(AT, pd.DataFrame({"sku": ["A"]}), None, pd.DataFrame({"sku": ["A"], "quantity": [1]}),
                          pd.DataFrame({"sku": ["A"], "on_hand": [2]}), _orders([]), pd.Series(dtype="str"),
                          pd.DataFrame(columns=["sku", "kind", "quantity", "at", "reference"]))
    frames = kpi_frames(pulled)
    assert sorted(frames) == ["orders", "returns", "stock_history"]
    assert frames["stock_history"][["sku", "on_hand", "sellable"]].values.tolist() == [["A", 2, 1]]
    assert frames["orders"].empty and frames["returns"].empty
