"""Column layouts (presets) of warehouse stock exports, chosen with ``[warehouse] preset``.

``generic`` is zaiko-xl's own layout (the sample shop writes it). The others are
REPRESENTATIVE shapes of exports seen from Japanese WMS / 3PL / OMS systems, assembled from
the vocabulary those systems use publicly (品番, 引当済数, フリー在庫数, 良品在庫数, 引当可能数,
出荷期限日, 棚番...). They are not certified against any vendor's file: a real export whose
headers differ is mapped with ``[warehouse.columns]`` in zaiko.toml, field by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from zaiko_xl.adapters.schemas import WAREHOUSE, TableSchema


@dataclass(frozen=True)
class WarehousePreset:
    """A layout: accepted headers per field, and what the code column holds."""

    name: str
    title_ja: str
    title_en: str
    headers: Mapping[str, tuple[str, ...]]
    code_kind: str = "code"  # "jan" when rows are keyed by JAN instead of the product code

    def schema(self) -> TableSchema:
        return WAREHOUSE.with_headers(self.headers)


PRESETS: dict[str, WarehousePreset] = {p.name: p for p in (
    WarehousePreset(
        "generic", "zaiko-xl 標準", "zaiko-xl standard",
        {"warehouse_code": ("商品コード",), "on_hand": ("実在庫数",), "reserved": ("引当数",),
         "available": ("有効在庫数",), "location": ("ロケーション",), "lot": ("ロット",),
         "expiry": ("賞味期限",), "updated_at": ("最終更新日時",)},
    ),
    WarehousePreset(
        "hinban", "品番・フリー在庫型 (3PL の在庫一覧に多い形)", "part-number layout with free stock (common 3PL list)",
        {"warehouse_code": ("品番",), "on_hand": ("在庫数",), "reserved": ("引当済数", "引当数"),
         "available": ("フリー在庫数", "フリー在庫"), "location": ("ロケーション", "棚番"),
         "lot": ("ロットNo", "ロット番号", "ロット"), "expiry": ("賞味期限", "消費期限"),
         "updated_at": ("更新日時", "在庫日時")},
    ),
    WarehousePreset(
        "sku", "SKUコード・現在庫型 (OMS/WMS の SKU 在庫)", "SKU-code layout with current stock (OMS/WMS)",
        {"warehouse_code": ("SKUコード", "SKU"), "on_hand": ("現在庫", "現在庫数"),
         "reserved": ("出荷引当", "出荷引当数"), "available": ("有効在庫", "有効在庫数"),
         "location": ("棚番", "ロケーション名"), "lot": ("ロット番号",),
         "expiry": ("出荷期限日", "使用期限"), "updated_at": ("最終更新", "更新日時")},
    ),
    WarehousePreset(
        "jan", "JANコード・良品在庫型", "JAN-keyed layout with good-stock counts",
        {"warehouse_code": ("JANコード", "JAN"), "on_hand": ("良品在庫数", "良品数"),
         "reserved": ("引当数", "引当済数"), "available": ("引当可能数",),
         "location": ("ロケーション名", "ロケーション"), "lot": ("ロット",),
         "expiry": ("賞味期限", "使用期限"), "updated_at": ("在庫日時", "データ作成日時")},
        code_kind="jan",
    ),
)}
