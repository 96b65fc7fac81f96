"""A shop's workbook as it stands after ``zaiko-xl pull``, made from the sample shop (tests only).

The pulled sheets (RMS在庫, 倉庫在庫 with their codes matched, 受注, 入荷予定) and the shop's own
sheets (商品マスタ, 対応表, セット構成, 社内台帳 brought forward) of a planted sample shop, written
into a copy of the template with ``create_workbook``, the way a first set-up is written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from zaiko_xl.adapters.columns import BOM, INBOUND, ITEMS, LEDGER, MAPPING, ORDERS, RMS_STOCK, WAREHOUSE, Sheet
from zaiko_xl.adapters.workbook_file import create_workbook
from zaiko_xl.domain.reconcile_codes import with_matches
from zaiko_xl.domain.reconcile_inputs import SourceFrames
from zaiko_xl.sample_shop import generate
from zaiko_xl.sample_shop.discrepancies import plant
from zaiko_xl.sample_shop.window import recent_window


def planted_window(skus: int, seed: int, share: float = 0.08):
    """(the shop as its workbook holds it, the planted truth) of a generated shop."""
    shop, truth = plant(generate(skus, seed), seed=seed + 50, share=share)
    return recent_window(shop), truth


def pulled_sheets(shop) -> dict[str, pd.DataFrame]:
    """Sheet name -> rows, as pull (and the shop) would have filled them."""
    frames = with_matches(SourceFrames(shop.items, shop.warehouse, shop.rms_stock, shop.ledger, shop.orders,
                                       shop.inbound, shop.bom, shop.set_rules, shop.mapping))
    exact = {"code": lambda f: f["sku"], "match": "exact"}
    bom = shop.bom.merge(shop.set_rules, on="set_sku", how="left")
    return {spec.name: _fields(spec, frame) for spec, frame in (
        (ITEMS, shop.items), (MAPPING, shop.mapping), (BOM, bom), (LEDGER, shop.ledger),
        (RMS_STOCK, frames.rms_stock), (WAREHOUSE, frames.warehouse),
        (ORDERS, shop.orders.assign(**exact)), (INBOUND, shop.inbound.assign(**exact)))}


def _fields(spec: Sheet, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[:, [f for f in spec.fields if f in frame.columns]].reset_index(drop=True)


def pulled_workbook(template: Path, path: Path, shop) -> Path:
    """A new workbook at ``path`` holding ``shop``'s pulled and own sheets."""
    return create_workbook(template, path, pulled_sheets(shop))
