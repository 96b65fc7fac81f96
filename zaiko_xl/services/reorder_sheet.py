"""The rows of the 発注 (replenishment) and 発注書 (purchase-order draft) sheets.

The 発注 sheet holds per SKU the inputs (values computed by the plan) and, for safety stock,
reorder point, order-up-to level, inventory position and order quantity, one array formula
per column calling the ZAIKO_ functions (columns and formulas: ``domain/reorder_layout.py``).
The cached values are computed here with the same code the functions run
(``domain.formula_columns``), so the file shows numbers in any viewer and Excel recalculates
live when a person edits an input.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from zaiko_xl.domain import formula_columns as fc
from zaiko_xl.domain.purchase_orders import PO_COLUMNS
from zaiko_xl.domain.reorder_layout import PURCHASE_ORDER_COLUMNS, REORDER_COLUMNS

REORDER_SHEET = "発注"
PO_SHEET = "発注書"
_TEXT_INPUTS = ("sku", "name", "supplier", "tier", "service_type", "order_rule")
_CSV_HEADERS = {c.field: c.header.split(" / ")[0] for c in PURCHASE_ORDER_COLUMNS}


def _cell(value: Any) -> Any:
    """A plan value as a cell value: None for NaN/NA, plain Python numbers, dates as dates."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else pd.Timestamp(value).date()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _inputs(plan: pd.DataFrame) -> dict[str, list[Any]]:
    """The value columns of the 発注 sheet (a cost target is shown as the cycle level it works out to)."""
    cost = plan["service_type"].astype(str) == "cost"
    shown = plan.assign(service_level=np.where(cost, plan["service_target"], plan["service_level"]),
                        service_type=np.where(cost, "cycle", plan["service_type"].astype(str)))
    return {c.field: [_cell(v) for v in shown[c.field].tolist()] for c in REORDER_COLUMNS if c.formula is None}


def _formula_values(v: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """What the five formula columns compute from the input values (the cached values)."""
    num = {k: fc.parse_numbers(vals) for k, vals in v.items() if k not in _TEXT_INPUTS}
    txt = {k: fc.parse_texts(v[k]) for k in ("service_type", "order_rule")}
    out: dict[str, list[Any]] = {}
    ss, err = fc.safety_stock_column(num["demand_mean"], num["demand_std"], num["lead_time"], num["lead_time_std"],
                                     num["service_level"], num["review_days"], txt["service_type"], num["lot"],
                                     num["moq"])
    main = fc.all_empty(num["demand_mean"], num["demand_std"], num["lead_time"])
    out["safety_stock"] = fc.shown_values(ss, err, main)
    ss_col = fc.parse_numbers(out["safety_stock"])
    blank = fc.all_empty(num["demand_mean"], num["lead_time"], ss_col)
    for key in ("reorder_point", "order_up_to"):
        lot = num["lot"] if key == "order_up_to" else None
        values, err = fc.level_column(key, num["demand_mean"], num["lead_time"], ss_col, num["review_days"], lot)
        out[key] = fc.shown_values(values, err, blank)
    ip = sum(np.nan_to_num(num[k].values) * s for k, s in (("on_hand", 1), ("on_order", 1), ("backorders", -1)))
    out["inventory_position"] = [float(x) for x in ip]
    ip_col, rop_col, s_col = (fc.parse_numbers(out[k]) for k in ("inventory_position", "reorder_point", "order_up_to"))
    qty, err = fc.order_qty_column(ip_col, rop_col, s_col, num["moq"], num["case_pack"], num["review_days"],
                                   txt["order_rule"], num["lot"])
    out["order_qty"] = fc.shown_values(qty, err, fc.all_empty(ip_col, s_col))
    return out


def reorder_rows(plan: pd.DataFrame) -> pd.DataFrame:
    """The rows of the 発注 sheet (``reorder_layout.REORDER_COLUMNS``): the inputs, the cached values
    of the formula columns (computed by the same code the ZAIKO_ functions run), then context."""
    values = _inputs(plan)
    values.update(_formula_values(values))
    return pd.DataFrame({c.field: pd.Series(values[c.field], dtype=object) for c in REORDER_COLUMNS},
                        index=pd.RangeIndex(len(plan)))


def purchase_order_rows(drafts: pd.DataFrame) -> pd.DataFrame:
    """The rows of the 発注書 sheet: every draft line."""
    return drafts[list(PO_COLUMNS)].reset_index(drop=True)


def purchase_order_tables(drafts: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """One table per purchase order (``PO-<date>-<supplier>``) with Japanese headers, for CSV files."""
    tables = []
    for number, lines in drafts.groupby("po_number", sort=True):
        table = lines[list(PO_COLUMNS)].rename(columns=_CSV_HEADERS)
        tables.append((str(number), table.reset_index(drop=True)))
    return tables
