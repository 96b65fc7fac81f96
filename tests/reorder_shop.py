"""A tiny hand-made shop for the reorder tests (frames as in docs/data-contracts.md).

Replace with ``zaiko_xl.sample_shop.generate`` once it is on this branch for the bigger tests;
these frames stay small so every number can be checked by hand.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from zaiko_xl.domain.reorder_frames import ReorderInputs


def daily_orders(sku: str, units_per_day: list[int], last_day: date, status: str = "shipped") -> pd.DataFrame:
    """One order line per day with units > 0, ending on ``last_day`` (oldest first)."""
    first = last_day - timedelta(days=len(units_per_day) - 1)
    rows = [(f"{sku}-{i}", "rakuten", sku, q, status, datetime.combine(first + timedelta(days=i), datetime.min.time())
             + timedelta(hours=10)) for i, q in enumerate(units_per_day) if q > 0]
    return pd.DataFrame(rows, columns=["order_number", "channel", "sku", "quantity", "status", "ordered_at"])


def items(*rows: tuple) -> pd.DataFrame:
    """(sku, supplier, alt_supplier, unit_cost, price, is_set) rows."""
    frame = pd.DataFrame(rows, columns=["sku", "supplier", "alt_supplier", "unit_cost", "price", "is_set"])
    return frame.assign(name=frame["sku"] + " 商品", jan="")


def suppliers(*rows: tuple) -> pd.DataFrame:
    """(supplier, lead_time_days, lead_time_std_days, moq, case_pack) rows."""
    frame = pd.DataFrame(rows, columns=["supplier", "lead_time_days", "lead_time_std_days", "moq", "case_pack"])
    return frame.assign(name=frame["supplier"] + "商店")


def shop(orders: pd.DataFrame, item_rows: list[tuple], supplier_rows: list[tuple], on_hand: dict[str, int],
         **frames: pd.DataFrame) -> ReorderInputs:
    stock = pd.DataFrame({"sku": list(on_hand), "on_hand": list(on_hand.values())})
    return ReorderInputs(items=items(*item_rows), suppliers=suppliers(*supplier_rows), stock=stock, orders=orders,
                         **frames)
