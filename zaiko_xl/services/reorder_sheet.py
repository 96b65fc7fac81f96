"""The 発注 (replenishment) and 発注書 (purchase-order draft) sheets as data.

The 発注 sheet holds per SKU the inputs (values computed by the plan) and, for safety stock,
reorder point, order-up-to level, inventory position and order quantity, one array formula
per column calling the ZAIKO_ functions. Cached values are computed here with the same code
the functions run (``domain.formula_columns``), so the file shows numbers in any viewer and
Excel recalculates live when a person edits an input. Headers: Japanese / English.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from zaiko_xl.domain import formula_columns as fc
from zaiko_xl.domain.purchase_orders import PO_COLUMNS
from zaiko_xl.domain.sheet_cells import SheetColumn, SheetContent

REORDER_SHEET = "発注"
PO_SHEET = "発注書"

# key, header, number format, width
_INPUTS = (
    ("sku", "商品コード / SKU", None, 16), ("name", "商品名 / name", None, 24),
    ("supplier", "仕入先 / supplier", None, 10), ("tier", "重要度 / tier", None, 6),
    ("demand_mean", "日販 d / daily demand", "0.00", 9), ("demand_std", "日販σ / daily std", "0.00", 9),
    ("lead_time", "LT日数 L / lead time days", "0", 8), ("lead_time_std", "LTσ / lead time std", "0.0", 8),
    ("review_days", "発注間隔 R / review days", "0", 8), ("service_level", "サービス率 / service level", "0.0%", 8),
    ("service_type", "目標の種類 / target type", None, 9), ("lot", "ロット Q / lot", "0", 8),
    ("on_hand", "手持在庫 / on hand", "0", 8), ("on_order", "発注残 / on order", "0", 8),
    ("backorders", "受注残 / backorders", "0", 8), ("moq", "最小発注数 / MOQ", "0", 8),
    ("case_pack", "入数 / case pack", "0", 6), ("order_rule", "発注方式 / order rule", None, 11),
)
_FORMULAS = (
    ("safety_stock", "安全在庫 / safety stock", "0.0",
     "=ZAIKO_SAFETY_STOCK({demand_mean},{demand_std},{lead_time},{lead_time_std},{service_level},{review_days},"
     "{service_type},{lot})"),
    ("reorder_point", "発注点 / reorder point", "0.0",
     "=ZAIKO_REORDER_POINT({demand_mean},{lead_time},{safety_stock},{review_days})"),
    ("order_up_to", "補充点 / order-up-to level", "0.0",
     "=ZAIKO_ORDER_UP_TO({demand_mean},{lead_time},{safety_stock},{review_days},{lot})"),
    ("inventory_position", "在庫ポジション / inventory position", "0", "={on_hand}+{on_order}-{backorders}"),
    ("order_qty", "発注数 / order qty", "0",
     "=ZAIKO_ORDER_QTY({inventory_position},{reorder_point},{order_up_to},{moq},{case_pack},{review_days},"
     "{order_rule},{lot})"),
)
_INFO = (
    ("unit_cost", "単価 / unit cost", "#,##0", 9), ("recent_mean", "直近日販 / recent mean", "0.00", 9),
    ("annual_mean", "年間日販 / annual mean", "0.00", 9), ("seasonal_index", "季節指数 / seasonal index", "0.00", 8),
    ("days_excluded", "除外日数 / excluded days", "0", 8), ("lead_time_bdays", "LT営業日 / lead time bdays", "0", 8),
    ("arrival", "納品予定日 / expected on", "yyyy-mm-dd", 11),
    ("preferred_supplier", "優先仕入先 / preferred supplier", None, 10), ("supplier_note", "備考 / note", None, 30),
    ("error", "エラー / error", None, 40),
)
PO_HEADERS = {
    "po_number": "発注番号 / PO number", "supplier": "仕入先コード / supplier", "supplier_name": "仕入先名 / supplier name",
    "sku": "商品コード / SKU", "name": "商品名 / name", "jan": "JAN", "quantity": "数量 / quantity",
    "case_pack": "入数 / case pack", "unit_cost": "単価 / unit cost", "amount": "金額 / amount",
    "order_date": "発注日 / order date", "expected_on": "納品予定日 / expected on", "note": "備考 / note",
}


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
    cost = plan["service_type"].astype(str) == "cost"
    shown = plan.assign(service_level=np.where(cost, plan["service_target"], plan["service_level"]),
                        service_type=np.where(cost, "cycle", plan["service_type"].astype(str)))
    keys = [k for k, *_ in _INPUTS] + [k for k, *_ in _INFO]
    return {k: [_cell(v) for v in shown[k].tolist()] for k in keys}


def _formula_values(v: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """What the five formula columns compute from the input values (the cached values)."""
    num = {k: fc.parse_numbers(vals) for k, vals in v.items() if k not in ("sku", "name", "supplier", "tier")}
    txt = {k: fc.parse_texts(v[k]) for k in ("service_type", "order_rule")}
    out: dict[str, list[Any]] = {}
    ss, err = fc.safety_stock_column(num["demand_mean"], num["demand_std"], num["lead_time"], num["lead_time_std"],
                                     num["service_level"], num["review_days"], txt["service_type"], num["lot"])
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


def reorder_sheet(plan: pd.DataFrame) -> SheetContent:
    """The 発注 sheet of a plan: inputs, five formula columns with cached values, then context."""
    values = _inputs(plan)
    values.update(_formula_values(values))
    columns = [SheetColumn(k, h, tuple(values[k]), None, f, w) for k, h, f, w in _INPUTS]
    columns += [SheetColumn(k, h, tuple(values[k]), formula, f, 10) for k, h, f, formula in _FORMULAS]
    columns += [SheetColumn(k, h, tuple(values[k]), None, f, w) for k, h, f, w in _INFO]
    return SheetContent(REORDER_SHEET, tuple(columns))


def purchase_order_sheet(drafts: pd.DataFrame) -> SheetContent:
    """The 発注書 sheet: every draft line (values only)."""
    formats = {"quantity": "0", "case_pack": "0", "unit_cost": "#,##0", "amount": "#,##0",
               "order_date": "yyyy-mm-dd", "expected_on": "yyyy-mm-dd"}
    return SheetContent(PO_SHEET, tuple(
        SheetColumn(k, PO_HEADERS[k], tuple(_cell(v) for v in drafts[k].tolist()), None, formats.get(k), 12)
        for k in PO_COLUMNS))


def purchase_order_tables(drafts: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """One table per purchase order (``PO-<date>-<supplier>``) with Japanese headers, for CSV files."""
    tables = []
    for number, lines in drafts.groupby("po_number", sort=True):
        table = lines[list(PO_COLUMNS)].rename(columns={k: v.split(" / ")[0] for k, v in PO_HEADERS.items()})
        tables.append((str(number), table.reset_index(drop=True)))
    return tables
