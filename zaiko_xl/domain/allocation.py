"""Open allocations (引当): units promised to unshipped orders of every channel.

From the orders frame (data-contracts.md §2): lines with status ``unshipped``, of every
channel, with set lines exploded to their leaf components. ``A(sku)`` is what the
warehouse still has to ship, so sellable stock is ``on_hand - A - buffer``.
"""

from __future__ import annotations

import pandas as pd

from zaiko_xl.domain.bom import explode_order_lines
from zaiko_xl.domain.model import OrderStatus


def open_allocations(orders: pd.DataFrame, bom: pd.DataFrame | None = None,
                     channels: tuple[str, ...] | None = None) -> pd.Series:
    """Units allocated to unshipped order lines, per leaf SKU.

    Args:
        orders: the orders frame (``sku``, ``quantity``, ``status``, ``channel``).
        bom: set structure (nested or exploded); set lines are exploded to components.
        channels: only these channels (default: all).

    Returns:
        int64 Series ``sku`` -> allocated units, sorted; SKUs with nothing open are absent.
    """
    open_lines = orders[orders["status"] == OrderStatus.UNSHIPPED.value]
    if channels is not None:
        open_lines = open_lines[open_lines["channel"].isin(channels)]
    if bom is not None and not bom.empty:
        open_lines = explode_order_lines(open_lines, bom)
    totals = open_lines["quantity"].astype("int64").groupby(open_lines["sku"].to_numpy(), sort=True).sum()
    return totals.astype("int64").rename_axis("sku").rename("allocated")
