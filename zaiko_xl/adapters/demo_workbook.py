"""A first demo workbook (XlsxWriter): the sample shop's sheets with Japanese headers.

Stop-gap until the real template and batch writer exist; it lives in this one module so it
can be replaced whole. Each sheet has a frozen, filtered header row. The file is written to
a temporary name beside the target and moved into place (never half written).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

RECENT_DAYS = 60
_EXCEL_EPOCH = np.datetime64("1899-12-30", "ns")
_DAY_NS = 86_400 * 10**9


@dataclass(frozen=True)
class SheetSpec:
    name: str
    headers: dict[str, str]  # frame column -> Japanese header


ITEMS = SheetSpec("商品マスタ", {"sku": "自社コード", "manage_number": "商品管理番号", "variant_id": "SKU管理番号",
                             "warehouse_code": "倉庫コード", "jan": "JANコード", "name": "商品名",
                             "variant_label": "バリエーション", "group": "分類", "supplier": "仕入先",
                             "alt_supplier": "代替仕入先", "unit_cost": "原価", "price": "売価", "is_set": "セット"})
WAREHOUSE = SheetSpec("倉庫在庫", {"warehouse_code": "商品コード", "on_hand": "実在庫数", "reserved": "引当数",
                               "available": "有効在庫数", "location": "ロケーション", "lot": "ロット",
                               "expiry": "賞味期限", "updated_at": "最終更新日時"})
RMS = SheetSpec("RMS在庫", {"manage_number": "商品管理番号", "variant_id": "SKU管理番号", "quantity": "在庫数",
                          "updated": "更新日時"})
ORDERS = SheetSpec("受注", {"order_number": "注文番号", "channel": "チャネル", "sku": "自社コード", "quantity": "数量",
                          "status": "状態", "ordered_at": "注文日時", "changed_at": "更新日時"})
LEDGER = SheetSpec("社内台帳", {"at": "日時", "sku": "自社コード", "kind": "区分", "quantity": "数量",
                            "reference": "伝票番号"})
MAPPING = SheetSpec("対応表", {"sku": "自社コード", "manage_number": "商品管理番号", "variant_id": "SKU管理番号",
                            "warehouse_code": "倉庫コード", "jan": "JANコード"})
BOM = SheetSpec("セット構成", {"set_sku": "セット商品コード", "component_sku": "構成品コード", "quantity": "数量",
                            "priority": "優先順位", "cap": "上限数"})
STATUS_JA = {"unshipped": "未発送", "shipped": "発送済", "cancelled": "キャンセル", "returned": "返品"}


def write_demo_workbook(path: Path, *, items: pd.DataFrame, warehouse: pd.DataFrame, rms_stock: pd.DataFrame,
                        orders: pd.DataFrame, ledger: pd.DataFrame, mapping: pd.DataFrame, bom: pd.DataFrame,
                        set_rules: pd.DataFrame, as_of: datetime) -> Path:
    """Write the demo workbook; orders and ledger keep their last ``RECENT_DAYS`` days.

    Returns:
        ``path``.
    """
    since = pd.Timestamp(as_of - timedelta(days=RECENT_DAYS))
    recent_orders = orders[orders["ordered_at"] >= since].assign(status=lambda f: f["status"].map(STATUS_JA))
    sheets = [(ITEMS, items.assign(is_set=items["is_set"].map({True: "○", False: ""}))),
              (WAREHOUSE, warehouse), (RMS, rms_stock), (ORDERS, recent_orders),
              (LEDGER, ledger[ledger["at"] >= since]), (MAPPING, mapping),
              (BOM, bom.merge(set_rules, on="set_sku", how="left"))]
    path = Path(path)
    temp = path.with_name(f".~{path.name}.tmp")
    try:
        _write(temp, sheets)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return path


def _write(path: Path, sheets: list[tuple[SheetSpec, pd.DataFrame]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": False, "nan_inf_to_errors": False})
    try:
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        stamp = book.add_format({"num_format": "yyyy/mm/dd hh:mm"})
        for spec, frame in sheets:
            sheet = book.add_worksheet(spec.name)
            for col, (column, title) in enumerate(spec.headers.items()):
                sheet.write(0, col, title, header)
                values, fmt = _cells(frame[column], stamp)
                sheet.write_column(1, col, values, fmt)
                sheet.set_column(col, col, _width(title, values))
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, len(frame), len(spec.headers) - 1)
    finally:
        book.close()


def _cells(column: pd.Series, stamp) -> tuple[list, object]:
    """Cell values of a column (datetimes as Excel serial numbers, missing as blank)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        ns = column.to_numpy("datetime64[ns]")
        serial = (ns - _EXCEL_EPOCH).astype(np.int64) / _DAY_NS
        return [None if missing else v for v, missing in zip(serial.tolist(), np.isnat(ns), strict=True)], stamp
    if pd.api.types.is_integer_dtype(column) and column.isna().any():
        return [None if pd.isna(v) else int(v) for v in column], None
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.tolist(), None
    return [None if pd.isna(v) else str(v) for v in column.tolist()], None


def _width(title: str, values: list) -> float:
    sample = [len(str(v)) for v in values[:200] if v is not None]
    return min(40, max([len(title) * 2 + 2, *[n + 2 for n in sample]]))
