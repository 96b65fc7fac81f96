"""The sample shop as the files a shop really has (formats: docs/data-contracts.md §5).

``warehouse.csv`` is a WMS export: CP932 (Shift_JIS), CRLF, Japanese headers. Every other
file is UTF-8 with BOM (Excel opens it correctly), CRLF. Headers here are those of the
outside systems, not zaiko-xl's own sheets. Files are written to a temporary folder first
and moved into place, so an interrupted run leaves nothing half written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from zaiko_xl.domain.sku import match_warehouse_codes
from zaiko_xl.sample_shop.shop import SampleShop

DATETIME = "%Y/%m/%d %H:%M:%S"
DATE = "%Y/%m/%d"
BOM_UTF8 = "utf-8-sig"

WAREHOUSE_HEADERS = {"warehouse_code": "商品コード", "name": "商品名", "on_hand": "実在庫数", "reserved": "引当数",
                     "available": "有効在庫数", "location": "ロケーション", "lot": "ロット", "expiry": "賞味期限",
                     "updated_at": "最終更新日時"}
LEDGER_HEADERS = {"at": "日時", "sku": "商品コード", "kind": "区分", "quantity": "数量", "reference": "伝票番号"}
ORDER_HEADERS = {"order_number": "注文番号", "channel": "チャネル", "sku": "商品コード", "quantity": "数量",
                 "status": "ステータス", "ordered_at": "注文日時", "changed_at": "更新日時"}
CHANNEL_LABELS = {"yahoo": "Yahoo!ショッピング", "amazon": "Amazon", "rakuten": "楽天市場", "other": "その他"}
STATUS_LABELS = {"unshipped": "未発送", "shipped": "発送済", "cancelled": "キャンセル", "returned": "返品"}
INBOUND_HEADERS = {"reference": "発注番号", "sku": "商品コード", "quantity": "数量", "ordered_on": "発注日",
                   "expected_on": "入荷予定日", "supplier": "仕入先コード", "received_at": "入荷日時"}
ITEM_HEADERS = {"sku": "自社コード", "manage_number": "商品管理番号", "variant_id": "SKU管理番号",
                "warehouse_code": "倉庫コード", "jan": "JANコード", "name": "商品名", "variant_label": "バリエーション",
                "group": "分類", "supplier": "仕入先コード", "alt_supplier": "代替仕入先コード", "unit_cost": "原価",
                "price": "売価", "is_set": "セット商品"}
MAPPING_HEADERS = {k: ITEM_HEADERS[k] for k in ("sku", "manage_number", "variant_id", "warehouse_code", "jan")}
BOM_HEADERS = {"set_sku": "セット商品コード", "component_sku": "構成品コード", "quantity": "数量"}
SET_RULE_HEADERS = {"set_sku": "セット商品コード", "priority": "優先順位", "cap": "上限数"}
SUPPLIER_HEADERS = {"supplier": "仕入先コード", "name": "仕入先名", "lead_time_days": "リードタイム(営業日)",
                    "lead_time_std_days": "リードタイムのばらつき(日)", "moq": "最小発注数", "case_pack": "入数",
                    "closed": "休業期間"}
ASSIGNMENT_HEADERS = {"sku": "自社コード", "preferred": "主仕入先コード", "alternative": "代替仕入先コード",
                      "unit_cost": "原価", "alt_unit_cost": "代替原価"}
SALE_HEADERS = {"name": "名称", "start": "開始日", "end": "終了日"}


def write_files(shop: SampleShop, folder: Path) -> dict[str, Path]:
    """Write every file of the shop into ``folder`` (created if needed).

    Returns:
        File name (e.g. ``"warehouse.csv"``) -> its path.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    frames = _frames(shop)
    staging = Path(tempfile.mkdtemp(prefix=".zaiko-sample-", dir=folder))
    try:
        for name, (frame, encoding) in frames.items():  # datetimes not yet text are written as DATETIME
            frame.to_csv(staging / name, index=False, encoding=encoding, lineterminator="\r\n", date_format=DATETIME)
        paths = {}
        for name in frames:
            os.replace(staging / name, folder / name)
            paths[name] = folder / name
        return paths
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _frames(shop: SampleShop) -> dict[str, tuple[pd.DataFrame, str]]:
    return {
        "warehouse.csv": (_warehouse(shop), "cp932"),
        "ledger.csv": (shop.ledger[list(LEDGER_HEADERS)].rename(columns=LEDGER_HEADERS), BOM_UTF8),
        "other_channel_orders.csv": (_other_orders(shop), BOM_UTF8),
        "inbound.csv": (_dates(shop.inbound, dates=["ordered_on", "expected_on"], datetimes=["received_at"])[
            list(INBOUND_HEADERS)].rename(columns=INBOUND_HEADERS), BOM_UTF8),
        "items.csv": (shop.items.assign(is_set=shop.items["is_set"].astype(int)).rename(columns=ITEM_HEADERS),
                      BOM_UTF8),
        "mapping.csv": (shop.mapping.rename(columns=MAPPING_HEADERS), BOM_UTF8),
        "bom.csv": (shop.bom.rename(columns=BOM_HEADERS), BOM_UTF8),
        "set_rules.csv": (shop.set_rules.rename(columns=SET_RULE_HEADERS), BOM_UTF8),
        "suppliers.csv": (shop.suppliers.rename(columns=SUPPLIER_HEADERS), BOM_UTF8),
        "assignments.csv": (shop.assignments.rename(columns=ASSIGNMENT_HEADERS), BOM_UTF8),
        "sale_calendar.csv": (_dates(shop.sale_days, dates=["start", "end"]).rename(columns=SALE_HEADERS), BOM_UTF8),
    }


def _warehouse(shop: SampleShop) -> pd.DataFrame:
    leaf = shop.items[~shop.items["is_set"]]
    resolved = match_warehouse_codes(shop.warehouse["warehouse_code"], leaf["sku"], shop.mapping).resolved
    names = resolved["sku"].map(pd.Series(leaf["name"].to_numpy(), index=leaf["sku"].to_numpy()))
    frame = _dates(shop.warehouse.assign(name=names), dates=["expiry"], datetimes=["updated_at"])
    return frame[list(WAREHOUSE_HEADERS)].rename(columns=WAREHOUSE_HEADERS)


def _other_orders(shop: SampleShop) -> pd.DataFrame:
    orders = shop.orders[shop.orders["channel"] != "rakuten"]
    frame = orders.assign(channel=orders["channel"].map(CHANNEL_LABELS), status=orders["status"].map(STATUS_LABELS))
    return frame[list(ORDER_HEADERS)].rename(columns=ORDER_HEADERS)


def _dates(frame: pd.DataFrame, dates: tuple[str, ...] | list[str] = (),
           datetimes: tuple[str, ...] | list[str] = ()) -> pd.DataFrame:
    """Date and time columns as the text Japanese systems write (empty when missing)."""
    out = frame.copy()
    for column, fmt in [*((c, DATE) for c in dates), *((c, DATETIME) for c in datetimes)]:
        out[column] = frame[column].dt.strftime(fmt).fillna("")
    return out
