"""RMS bulk-edit ``normal-item.csv`` (SKU format, rms-api.md §7.1): the rows of a stock-only file.

A product-level row (商品管理番号 set, SKU管理番号 empty) comes before that product's SKU
rows; stock (在庫数) is absolute (the CSV has no relative mode). Whether RMS needs the
product rows in a stock-only file is not known: the safe reading is to include them.
"""

from __future__ import annotations

from collections.abc import Iterable

NORMAL_ITEM_FILE = "normal-item.csv"
NORMAL_ITEM_HEADER = ("商品管理番号（商品URL）", "SKU管理番号", "在庫数")


def normal_item_rows(stock: Iterable[tuple[str, str, int]]) -> list[tuple[str, str, str]]:
    """Product row + SKU rows per manageNumber, products in first-seen order, SKUs in given order."""
    products: dict[str, list[tuple[str, int]]] = {}
    for manage_number, variant_id, quantity in stock:
        products.setdefault(manage_number, []).append((variant_id, quantity))
    rows: list[tuple[str, str, str]] = []
    for manage_number, skus in products.items():
        rows.append((manage_number, "", ""))
        rows.extend((manage_number, variant_id, str(quantity)) for variant_id, quantity in skus)
    return rows
