"""RMS wire models -> domain frames (``rms_stock`` and raw-coded order lines), and RMS time formats.

Every time in a frame is JST and timezone-naive (docs/data-contracts.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone

import pandas as pd

from zaiko_xl.adapters.rms_wire import InventoryWire, OrderWire
from zaiko_xl.domain.model import Channel, OrderStatus
from zaiko_xl.domain.rms import CANCEL_CHANGE_TYPES, RMS_ORDER_COLUMNS, RMS_STOCK_COLUMNS, cancel_reason, order_status

JST = timezone(timedelta(hours=9))
_CANCEL_DONE = (1, 2)  # changeType: cancel fixed, cancel done


def order_api_time(moment: datetime) -> str:
    """A JST-naive time in the Order API's format: ``YYYY-MM-DDThh:mm:ss+0900`` (no colon)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + "+0900"


def parse_order_time(value: str | None) -> datetime | None:
    """``2024-05-01T21:14:09+0900`` -> JST-naive datetime; None stays None."""
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z").astimezone(JST).replace(tzinfo=None)


def parse_license_time(value: str) -> datetime:
    """License expiry comes without an offset and means JST (rms-api.md §1)."""
    moment = datetime.fromisoformat(value)
    return moment.astimezone(JST).replace(tzinfo=None) if moment.tzinfo else moment


def empty_stock_frame() -> pd.DataFrame:
    return stock_frame([])


def stock_frame(records: Iterable[InventoryWire]) -> pd.DataFrame:
    """``rms_stock``: manage_number, variant_id, quantity (int64), updated (JST-naive)."""
    rows = [(r.manage_number, r.variant_id, r.quantity, r.updated) for r in records]
    frame = pd.DataFrame(rows, columns=list(RMS_STOCK_COLUMNS))
    frame["quantity"] = frame["quantity"].astype("int64")
    frame["updated"] = _jst_naive(frame["updated"])
    return frame


def _jst_naive(values: pd.Series) -> pd.Series:
    """ISO 8601 with offset (``+09:00``) -> JST-naive datetime64[ns]; missing -> NaT."""
    parsed = pd.to_datetime(values, utc=True, format="ISO8601")
    return parsed.dt.tz_convert("Asia/Tokyo").dt.tz_localize(None).astype("datetime64[ns]")


def order_lines_frame(orders: Sequence[OrderWire]) -> pd.DataFrame:
    """One row per order line; lines removed from the order (deleteItemFlag=1) are left out."""
    rows = []
    for order in orders:
        shipped_at = parse_order_time(order.shipping_cmpl_rpt_datetime)
        status = order_status(order.order_progress, shipped=shipped_at is not None)
        ordered_at = parse_order_time(order.order_datetime)
        changed_at = _changed_at(order, status, shipped_at)
        reason = _cancel_reason(order) if status is OrderStatus.CANCELLED else ""
        for package in order.packages:
            for item in package.items:
                if item.delete_item_flag == 1:
                    continue
                sku = item.skus[0] if item.skus else None
                rows.append((order.order_number, Channel.RAKUTEN.value, item.manage_number,
                             (sku.variant_id if sku else None) or "", (sku.merchant_defined_sku_id if sku else None) or "",
                             item.item_number or "", item.units, status.value, order.order_progress,
                             ordered_at, changed_at, reason))
    frame = pd.DataFrame(rows, columns=list(RMS_ORDER_COLUMNS))
    for column in ("quantity", "order_progress"):
        frame[column] = frame[column].astype("int64")
    for column in ("ordered_at", "changed_at"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def _cancel_reason(order: OrderWire) -> str:
    """The reason of a cancelled order's cancel (its most final cancel entry; the last of equals); "" unknown."""
    cancels = [c for c in order.change_reasons or () if c.change_type in CANCEL_CHANGE_TYPES]
    if not cancels:
        return ""
    final = max(enumerate(cancels), key=lambda pair: (-CANCEL_CHANGE_TYPES.index(pair[1].change_type), pair[0]))[1]
    return cancel_reason(final.change_reason_detail)


def _changed_at(order: OrderWire, status: OrderStatus, shipped_at: datetime | None) -> datetime | None:
    """Shipping report time for shipped orders; the cancel's completion (or fix) time for
    cancelled and returned ones; None (NaT) while unshipped or when RMS gives no time."""
    if status is OrderStatus.SHIPPED:
        return shipped_at
    if status is OrderStatus.UNSHIPPED:
        return None
    times = [parse_order_time(c.change_cmpl_datetime or c.change_fix_datetime)
             for c in order.change_reasons or () if c.change_type in _CANCEL_DONE]
    times = [t for t in times if t is not None]
    return max(times) if times else None
