"""The columns of the 発注 (replenishment) and 発注書 (purchase-order draft) sheets: the one definition.

``adapters/columns.py`` builds the workbook's sheets from these tuples (headers, kinds,
widths, number formats, which inputs a person may edit) and ``services/reorder_sheet.py``
fills them; the template is rebuilt from them. A column with a ``formula`` is one array
formula over the column's data rows: each ``{field}`` stands for the data range of that
column (``E5:E504``), so Excel calls a ZAIKO_ function once per column, and the batch writer
stores the value Python computed for every cell (the file shows numbers before any recalc).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LayoutColumn:
    """One column: English field, header (Japanese / English), kind, width, format, formula."""

    field: str
    header: str
    kind: str = "text"  # text | int | float | percent | date (adapters.sheet_spec.Kind values)
    width: float = 9
    number_format: str | None = None  # None: the kind's format
    editable: bool = False  # an input a person may change; the formulas recalculate
    formula: str | None = None


def _input(field: str, header: str, kind: str = "float", width: float = 9, fmt: str | None = None) -> LayoutColumn:
    return LayoutColumn(field, header, kind, width, fmt, editable=True)


REORDER_COLUMNS: tuple[LayoutColumn, ...] = (
    LayoutColumn("sku", "商品コード / SKU", width=16),
    LayoutColumn("name", "商品名 / name", width=24),
    LayoutColumn("supplier", "仕入先 / supplier", width=10),
    LayoutColumn("tier", "重要度 / tier", width=7),
    _input("demand_mean", "日販 d / daily demand", fmt="0.00"),
    _input("demand_std", "日販σ / daily std", fmt="0.00"),
    _input("lead_time", "LT日数 L / lead time", fmt="0"),
    _input("lead_time_std", "LTσ / lead time std", fmt="0.0"),
    _input("review_days", "発注間隔 R / review days", "int", 9, "0"),
    _input("service_level", "目標 / target", "percent", 8, "0.0%"),
    _input("service_type", "目標の種類 / target type", "text", 10),
    _input("lot", "ロット Q / lot", fmt="0.0"),
    _input("on_hand", "手持在庫 / on hand", "int", 9, "#,##0"),
    _input("on_order", "発注残 / on order", "int", 9, "#,##0"),
    _input("backorders", "受注残 / backorders", "int", 9, "#,##0"),
    _input("moq", "最小発注数 / MOQ", "int", 9, "#,##0"),
    _input("case_pack", "入数 / case pack", "int", 7, "#,##0"),
    _input("order_rule", "発注方式 / order rule", "text", 11),
    LayoutColumn("safety_stock", "安全在庫 / safety stock", "float", 9, "0.0", formula=(
        "=ZAIKO_SAFETY_STOCK({demand_mean},{demand_std},{lead_time},{lead_time_std},{service_level},{review_days},"
        "{service_type},{lot},{moq})")),
    LayoutColumn("reorder_point", "発注点 / reorder point", "float", 9, "0.0",
                 formula="=ZAIKO_REORDER_POINT({demand_mean},{lead_time},{safety_stock},{review_days})"),
    LayoutColumn("order_up_to", "補充点 / order-up-to", "float", 9, "0.0",
                 formula="=ZAIKO_ORDER_UP_TO({demand_mean},{lead_time},{safety_stock},{review_days},{lot})"),
    LayoutColumn("inventory_position", "在庫ポジション / position", "float", 9, "#,##0",
                 formula="={on_hand}+{on_order}-{backorders}"),
    LayoutColumn("order_qty", "発注数 / order qty", "int", 9, "#,##0", formula=(
        "=ZAIKO_ORDER_QTY({inventory_position},{reorder_point},{order_up_to},{moq},{case_pack},{review_days},"
        "{order_rule},{lot})")),
    LayoutColumn("unit_cost", "単価 / unit cost", "int", 9, "#,##0"),
    LayoutColumn("recent_mean", "直近日販 / recent mean", "float", 9, "0.00"),
    LayoutColumn("annual_mean", "年間日販 / annual mean", "float", 9, "0.00"),
    LayoutColumn("seasonal_index", "季節指数 / season index", "float", 9, "0.00"),
    LayoutColumn("days_excluded", "除外日数 / days excluded", "int", 9, "0"),
    LayoutColumn("lead_time_bdays", "LT営業日 / lead time bdays", "int", 9, "0"),
    LayoutColumn("arrival", "納品予定日 / expected on", "date", 11),
    LayoutColumn("preferred_supplier", "優先仕入先 / preferred", width=10),
    LayoutColumn("supplier_note", "備考 / note", width=30),
    LayoutColumn("error", "エラー / error", width=40),
)

PURCHASE_ORDER_COLUMNS: tuple[LayoutColumn, ...] = (
    LayoutColumn("po_number", "発注番号 / PO number", width=22),
    LayoutColumn("supplier", "仕入先コード / supplier", width=11),
    LayoutColumn("supplier_name", "仕入先名 / supplier name", width=20),
    LayoutColumn("sku", "商品コード / SKU", width=16),
    LayoutColumn("name", "商品名 / name", width=26),
    LayoutColumn("jan", "JAN", width=15),
    LayoutColumn("quantity", "数量 / quantity", "int", 9, "#,##0"),
    LayoutColumn("case_pack", "入数 / case pack", "int", 7, "#,##0"),
    LayoutColumn("unit_cost", "単価 / unit cost", "int", 9, "#,##0"),
    LayoutColumn("amount", "金額 / amount", "int", 11, "#,##0"),
    LayoutColumn("order_date", "発注日 / order date", "date", 11),
    LayoutColumn("expected_on", "納品予定日 / expected on", "date", 11),
    LayoutColumn("note", "備考 / note", width=30),
)


def field_names(columns: tuple[LayoutColumn, ...]) -> tuple[str, ...]:
    return tuple(c.field for c in columns)
