"""Hand-built ``reconcile_input`` rows: one agreeing single SKU, changed field by field."""

from __future__ import annotations

import pandas as pd

from zaiko_xl.domain.reconcile_inputs import SourceFrames

AS_OF = pd.Timestamp("2026-11-25 12:00")
RMS_T = pd.Timestamp("2026-11-25 09:00")
WH_T = pd.Timestamp("2026-11-25 11:30")


def single(sku: str = "SKU-1", **changes) -> dict:
    """An agreeing single: on hand 30, allocated 10 -> RMS shows 20."""
    row = {"sku": sku, "name": f"商品 {sku}", "group": "goods", "is_set": False, "orphan": "",
           "wh_on_hand": 30, "wh_reserved": 4, "wh_available": 26, "wh_updated_at": WH_T,
           "wh_match": "exact", "wh_code": sku, "rms_quantity": 20, "rms_updated": RMS_T,
           "rms_match": "exact", "rms_code": f"{sku.lower()}:v1", "ledger_match": "exact",
           "ledger_balance": 30, "allocated": 10, "moved_after_wh": 0, "moved_after_rms": 0,
           "inbound_after_rms": 0, "alloc_change_after_rms": 0, "orders_after_rms": 0,
           "pending_inbound": 0, "pending_returns": 0, "pending_cancels": 0}
    row.update(changes)
    return row


def frame(*rows: dict) -> pd.DataFrame:
    df = pd.DataFrame(list(rows))
    for col in ("wh_updated_at", "rms_updated"):
        df[col] = pd.to_datetime(df[col])
    return df


def frames_of(shop) -> SourceFrames:
    """The reconciliation frames of a sample shop."""
    return SourceFrames(shop.items, shop.warehouse, shop.rms_stock, shop.ledger, shop.orders, shop.inbound,
                        shop.bom, shop.set_rules, getattr(shop, "mapping", None))
