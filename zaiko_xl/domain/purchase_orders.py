"""Purchase-order drafts per supplier from a replenishment plan, and CSV-safe text.

A draft line is one SKU with an order quantity > 0 and no error. Lines of one supplier share
the purchase-order number ``PO-<order date>-<supplier>``. Nothing is sent anywhere: a person
checks the drafts, then sends them to the supplier.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from zaiko_xl.domain.reorder_layout import PURCHASE_ORDER_COLUMNS, field_names

PO_COLUMNS = field_names(PURCHASE_ORDER_COLUMNS)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def purchase_order_drafts(plan: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """One row per SKU to order, grouped by supplier (``PO_COLUMNS``).

    Args:
        plan: the replenishment plan (``sku``, ``name``, ``jan``, ``supplier``, ``supplier_name``,
            ``order_qty``, ``case_pack``, ``unit_cost``, ``arrival``, ``supplier_note``, ``error_code``).
        as_of: the order date.
    """
    qty = plan["order_qty"].fillna(0).to_numpy(dtype=np.int64)
    rows = plan[(qty > 0) & (plan["error_code"] == "")]
    if rows.empty:
        return pd.DataFrame({c: [] for c in PO_COLUMNS})
    quantity = rows["order_qty"].astype(np.int64)
    drafts = pd.DataFrame({
        "po_number": "PO-" + as_of.strftime("%Y%m%d") + "-" + rows["supplier"].astype(str),
        "supplier": rows["supplier"], "supplier_name": rows["supplier_name"], "sku": rows["sku"],
        "name": rows["name"], "jan": rows["jan"], "quantity": quantity,
        "case_pack": rows["case_pack"].astype(np.int64), "unit_cost": rows["unit_cost"],
        "amount": quantity * rows["unit_cost"], "order_date": as_of,
        "expected_on": pd.to_datetime(rows["arrival"]).dt.date, "note": rows["supplier_note"],
    })
    return drafts.sort_values(["supplier", "sku"], kind="stable").reset_index(drop=True)[list(PO_COLUMNS)]


def csv_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
