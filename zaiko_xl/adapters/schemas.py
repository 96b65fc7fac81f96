"""What each input table must hold: fields, accepted Japanese/English headers, kinds and rules.

The English field names are the frame columns of ``docs/data-contracts.md``; the headers are
what users and other systems write. The first header of a field is the one shown in error
messages and written by zaiko-xl itself. Headers match after NFKC, case folding and removing
spaces, so ``商品コード``, ``商品ｺｰﾄﾞ`` and ``商品 コード`` are one header.
Warehouse and order-export layouts of other systems are in ``wms_presets`` / ``order_presets``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from zaiko_xl.domain.model import RMS_MAX_STOCK, MovementKind

Kind = Literal["code", "text", "int", "float", "datetime", "choice", "flag"]


@dataclass(frozen=True)
class Field:
    """One column of an input table.

    Attributes:
        name: the frame column (English).
        headers: accepted header texts, the first one is shown to users.
        kind: how cells convert (``code`` keeps inner spaces and case as written).
        required: the column must exist; its cells must not be blank.
        minimum, maximum: allowed range of numbers (None: unbounded).
        choices: label -> value for ``choice`` fields (matched after NFKC, case-insensitive).
        default: the value of a blank cell or an absent column (None: NaN/NaT/'' by kind).
        fallback: another field whose cell is used where this one is blank.
    """

    name: str
    headers: tuple[str, ...]
    kind: Kind = "text"
    required: bool = False
    minimum: int | None = 0
    maximum: int | None = RMS_MAX_STOCK
    choices: Mapping[str, str] = field(default_factory=dict)
    default: object = None
    fallback: str | None = None


@dataclass(frozen=True)
class TableSchema:
    """An input table: its fields, output columns, duplicate key and where to map headers."""

    kind: str
    fields: tuple[Field, ...]
    columns: tuple[str, ...]
    key: tuple[str, ...] = ()  # rows with equal keys are duplicates
    compare: tuple[str, ...] = ()  # duplicates that agree on these merge, others are fatal (empty: all columns)
    section: str = ""  # zaiko.toml section whose ``columns`` table maps headers

    def get(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def with_headers(self, headers: Mapping[str, tuple[str, ...]]) -> TableSchema:
        """The same schema with the accepted headers of some fields replaced."""
        unknown = set(headers) - {f.name for f in self.fields}
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        return replace(self, fields=tuple(replace(f, headers=headers.get(f.name, f.headers)) for f in self.fields))


_MONEY = {"minimum": 0, "maximum": None, "default": 0}

WAREHOUSE = TableSchema(
    kind="warehouse", section="warehouse", key=("warehouse_code", "location", "lot"),
    compare=("on_hand", "reserved", "available"),
    columns=("warehouse_code", "on_hand", "reserved", "available", "location", "lot", "expiry", "updated_at"),
    fields=(
        Field("warehouse_code", ("商品コード",), "code", required=True),
        Field("on_hand", ("実在庫数",), "int", required=True),
        Field("reserved", ("引当数",), "int", default=0),
        Field("available", ("有効在庫数",), "int", minimum=None),
        Field("location", ("ロケーション",)),
        Field("lot", ("ロット",)),
        Field("expiry", ("賞味期限",), "datetime"),
        Field("updated_at", ("最終更新日時",), "datetime"),
    ),
)

_KIND_LABELS = {k.value: k.value for k in MovementKind} | {
    "入庫": "入荷", "出庫": "出荷", "返品入庫": "返品", "キャンセル": "キャンセル戻し", "キャンセル戻り": "キャンセル戻し",
    "棚卸": "棚卸調整", "棚卸し調整": "棚卸調整", "在庫調整": "棚卸調整",
}

LEDGER = TableSchema(
    kind="ledger", section="ledger",
    columns=("sku", "kind", "quantity", "at", "reference"),
    fields=(
        Field("at", ("日時", "日付", "処理日時"), "datetime", required=True),
        Field("kind", ("種別", "区分"), "choice", required=True, choices=_KIND_LABELS),
        Field("sku", ("コード", "商品コード", "自社コード"), "code", required=True),
        Field("quantity", ("数量",), "int", required=True, minimum=-RMS_MAX_STOCK),
        Field("reference", ("伝票番号", "備考番号")),
    ),
)

ORDERS = TableSchema(
    kind="orders", section="orders",
    columns=("order_number", "channel", "sku", "quantity", "status", "ordered_at", "changed_at"),
    fields=(
        Field("order_number", ("受注番号", "注文番号"), required=True),
        Field("channel", ("チャネル", "モール", "販売チャネル")),
        Field("sku", ("商品コード", "SKUコード"), "code", required=True, fallback="alt_code"),
        Field("alt_code", (), "code"),  # the code where ``sku`` is blank (Yahoo!: ItemId where SubCode is blank)
        Field("quantity", ("数量", "個数"), "int", required=True),
        Field("status", ("ステータス", "状態", "受注ステータス"), required=True),
        Field("ordered_at", ("注文日時", "受注日時"), "datetime", required=True),
        Field("changed_at", ("更新日時", "変更日時"), "datetime"),
    ),
)

INBOUND = TableSchema(
    kind="inbound", section="inbound",
    columns=("sku", "quantity", "expected_on", "supplier", "reference", "received_at"),
    fields=(
        Field("sku", ("商品コード", "自社コード"), "code", required=True),
        Field("quantity", ("数量", "入荷予定数", "発注数"), "int", required=True),
        Field("expected_on", ("入荷予定日",), "datetime", required=True),
        Field("supplier", ("仕入先", "仕入先コード")),
        Field("reference", ("発注番号", "伝票番号")),
        Field("received_at", ("入荷日", "入荷日時"), "datetime"),
    ),
)

ITEMS = TableSchema(
    kind="items", section="items", key=("sku",),
    columns=("sku", "manage_number", "variant_id", "warehouse_code", "jan", "name", "variant_label", "group",
             "supplier", "alt_supplier", "unit_cost", "price", "is_set"),
    fields=(
        Field("sku", ("自社コード", "商品コード"), "code", required=True),
        Field("manage_number", ("商品管理番号", "商品管理番号（商品URL）"), "code"),
        Field("variant_id", ("SKU管理番号",), "code"),
        Field("warehouse_code", ("倉庫コード",), "code"),
        Field("jan", ("JANコード", "JAN"), "code"),
        Field("name", ("商品名",)),
        Field("variant_label", ("バリエーション", "サイズ・色")),
        Field("group", ("グループ", "分類", "カテゴリ")),
        Field("supplier", ("仕入先", "仕入先コード")),
        Field("alt_supplier", ("代替仕入先",)),
        Field("unit_cost", ("原価", "仕入単価"), "int", **_MONEY),
        Field("price", ("販売価格", "売価"), "int", **_MONEY),
        Field("is_set", ("セット", "セット商品"), "flag"),
    ),
)

MAPPING = TableSchema(
    kind="mapping", section="mapping", key=("sku",),
    columns=("sku", "manage_number", "variant_id", "warehouse_code", "jan"),
    fields=tuple(f for f in ITEMS.fields if f.name in ("sku", "manage_number", "variant_id", "warehouse_code", "jan")),
)

BOM = TableSchema(
    kind="bom", section="bom", key=("set_sku", "component_sku"),
    columns=("set_sku", "component_sku", "quantity"),
    fields=(
        Field("set_sku", ("セット商品コード", "セットコード"), "code", required=True),
        Field("component_sku", ("構成品コード", "構成商品コード"), "code", required=True),
        Field("quantity", ("数量", "構成数"), "int", required=True, minimum=1),
    ),
)

SET_RULES = TableSchema(
    kind="set_rules", section="set_rules", key=("set_sku",),
    columns=("set_sku", "priority", "cap"),
    fields=(
        Field("set_sku", ("セット商品コード", "セットコード"), "code", required=True),
        Field("priority", ("優先順位", "優先度"), "int", required=True),
        Field("cap", ("上限数", "上限"), "int"),
    ),
)

SUPPLIERS = TableSchema(
    kind="suppliers", section="suppliers", key=("supplier",),
    columns=("supplier", "name", "lead_time_days", "lead_time_std_days", "moq", "case_pack", "closed"),
    fields=(
        Field("supplier", ("仕入先コード", "仕入先"), "code", required=True),
        Field("name", ("仕入先名",)),
        Field("lead_time_days", ("リードタイム(日)", "リードタイム", "納期(日)"), "int", required=True, maximum=365),
        Field("lead_time_std_days", ("リードタイムのばらつき(日)", "リードタイム標準偏差"), "float", maximum=365, default=0.0),
        Field("moq", ("最小発注数", "最小ロット"), "int", minimum=1, maximum=None, default=1),
        Field("case_pack", ("入数", "ケース入数"), "int", minimum=1, maximum=None, default=1),
        Field("closed", ("休業期間", "休業日")),
    ),
)

SCHEMAS: dict[str, TableSchema] = {s.kind: s for s in (WAREHOUSE, LEDGER, ORDERS, INBOUND, ITEMS, MAPPING, BOM,
                                                      SET_RULES, SUPPLIERS)}

