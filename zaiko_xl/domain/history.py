"""Order lines -> a daily demand matrix and a stock position per SKU (vectorised)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from zaiko_xl.domain.demand_sparse import DailyTotals
from zaiko_xl.domain.reorder_frames import DEMAND_STATUSES, OPEN_STATUS
from zaiko_xl.domain.set_demand import explode_set_lines


def daily_totals(orders: pd.DataFrame, bom: pd.DataFrame | None, skus: pd.Index, as_of: date,
                 days: int) -> tuple[DailyTotals, date]:
    """Units demanded per SKU and calendar day over the ``days`` days before ``as_of`` (sparse).

    Cancelled lines are not demand; set lines count for their components. Lines of SKUs not
    in ``skus`` are ignored. Row ``i`` of the result is ``skus[i]``; day 0 is ``as_of - days``.

    Returns:
        The daily totals and the date of day 0.
    """
    first = as_of - timedelta(days=days)
    lines = orders.loc[orders["status"].isin(DEMAND_STATUSES), ["sku", "quantity", "ordered_at"]]
    day = (pd.to_datetime(lines["ordered_at"]).to_numpy().astype("datetime64[D]")
           - np.datetime64(first, "D")).astype(np.int64)
    inside = (day >= 0) & (day < days)
    lines = explode_set_lines(lines.loc[inside].assign(_day=day[inside]), bom)
    row = skus.get_indexer(lines["sku"])
    keep = row >= 0
    qty = pd.to_numeric(lines["quantity"], errors="coerce").fillna(0).to_numpy(dtype=float)
    totals = DailyTotals.from_lines(row[keep], lines["_day"].to_numpy()[keep], qty[keep], len(skus), days)
    return totals, first


def daily_history(orders: pd.DataFrame, bom: pd.DataFrame | None, skus: pd.Index, as_of: date,
                  days: int) -> tuple[np.ndarray, date]:
    """``daily_totals`` as a dense ``(len(skus), days)`` matrix (small shops, tests)."""
    totals, first = daily_totals(orders, bom, skus, as_of, days)
    return totals.to_dense(), first


def stock_position(skus: pd.Index, stock: pd.DataFrame, orders: pd.DataFrame, inbound: pd.DataFrame | None,
                   bom: pd.DataFrame | None) -> pd.DataFrame:
    """``on_hand``, ``on_order`` (pending inbound) and ``backorders`` (unshipped order units) per SKU."""
    open_lines = explode_set_lines(orders.loc[orders["status"] == OPEN_STATUS, ["sku", "quantity"]], bom)
    pending = (inbound.loc[inbound["received_at"].isna(), ["sku", "quantity"]] if inbound is not None
               else pd.DataFrame({"sku": [], "quantity": []}))
    return pd.DataFrame({
        "on_hand": _per_sku(stock, "on_hand", skus),
        "on_order": _per_sku(pending, "quantity", skus),
        "backorders": _per_sku(open_lines, "quantity", skus),
    }, index=skus)


def _per_sku(frame: pd.DataFrame, column: str, skus: pd.Index) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce")
    # min_count=1: a SKU whose only value is not a number stays NaN (an error), not 0
    return values.groupby(frame["sku"]).sum(min_count=1).reindex(skus, fill_value=0).to_numpy(dtype=float)
