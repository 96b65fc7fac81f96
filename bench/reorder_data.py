"""The reorder service's inputs from a sample shop (``zaiko_xl.sample_shop.generate``), as the
workbook would hold them after ``zaiko-xl pull``: warehouse codes resolved to ``sku``, closed
days parsed from the suppliers' ``closed`` text, every order line of two years."""

from __future__ import annotations

import pandas as pd

from zaiko_xl.domain.reorder_frames import ReorderInputs
from zaiko_xl.domain.sku import match_warehouse_codes
from zaiko_xl.domain.suppliers import parse_closed_periods
from zaiko_xl.sample_shop import SampleShop


def shop_inputs(shop: SampleShop) -> ReorderInputs:
    """The frames ``plan_reorder`` reads, from the sample shop."""
    leaf = shop.items.loc[~shop.items["is_set"].astype(bool)]
    match = match_warehouse_codes(shop.warehouse["warehouse_code"], leaf["sku"], shop.mapping).resolved
    stock = pd.DataFrame({"sku": match["sku"], "on_hand": shop.warehouse["on_hand"]}).dropna(subset=["sku"])
    closures = pd.DataFrame([(code, p.start, p.end, p.label) for code, text in zip(shop.suppliers["supplier"],
                                                                                  shop.suppliers["closed"], strict=True)
                             for p in parse_closed_periods(text)], columns=["supplier", "start", "end", "label"])
    return ReorderInputs(items=shop.items, suppliers=shop.suppliers, stock=stock.groupby("sku", as_index=False).sum(),
                         orders=shop.orders, inbound=shop.inbound, bom=shop.bom, supplier_closures=closures)
