"""What a shop's workbook holds of its history: the last days, with the ledger brought forward.

Two years of movements do not fit a sheet (nor does a shop keep them there). A workbook's
ledger (社内台帳) starts with a balance brought forward (繰越) per SKU and lists the
movements since; the orders sheet holds what was ordered since (plus lines still
unshipped), the inbound sheet what is pending or was received since. Reconciling the
window gives the same numbers as reconciling the whole history (a test holds it).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pandas as pd

from zaiko_xl.domain.ledger import carry_forward
from zaiko_xl.domain.model import OrderStatus

DEFAULT_DAYS = 60


def recent_window(shop: Any, days: int = DEFAULT_DAYS) -> Any:
    """The shop's frames as its workbook would hold the last ``days`` days (a new shop; ``shop`` is unchanged).

    - ledger: ``domain.ledger.carry_forward``: one ``棚卸調整`` row per SKU carrying the balance
      of every movement before the cut (at the SKU's last movement before it), then every
      movement at or after the cut;
    - orders: lines ordered at or after the cut, and older lines still unshipped;
    - inbound: rows still pending or received at or after the cut.

    Args:
        shop: a dataclass with ``as_of`` and the frames ``ledger``, ``orders``, ``inbound``.
        days: the window.
    """
    cut = pd.Timestamp(shop.as_of) - timedelta(days=days)
    orders, inbound = shop.orders, shop.inbound
    window = carry_forward(shop.ledger, cut.to_pydatetime()).sort_values("at", kind="stable", ignore_index=True)
    recent_orders = orders[(orders["ordered_at"] >= cut) | (orders["status"] == OrderStatus.UNSHIPPED.value)]
    recent_inbound = inbound[inbound["received_at"].isna() | (inbound["received_at"] >= cut)]
    return dataclasses.replace(shop, ledger=window, orders=recent_orders.reset_index(drop=True),
                               inbound=recent_inbound.reset_index(drop=True))
