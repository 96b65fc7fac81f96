"""Column layouts of other channels' order exports, chosen with ``[orders] other_channel_preset``.

``generic`` is a Japanese one-line-per-order-line CSV. ``yahoo`` follows the field names of
Yahoo!ショッピング's order data (OrderId, OrderTime, OrderStatus 1-5, ItemId/SubCode, Quantity);
``amazon`` the flat-file order report of Seller Central (amazon-order-id, purchase-date,
order-status/item-status, sku, quantity; tab-separated, times with a UTC offset). Both are
representative shapes, not certified exports: map differing headers in ``[orders.columns]``.
Every status maps to unshipped / shipped / cancelled / returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from zaiko_xl.adapters.schemas import ORDERS, TableSchema
from zaiko_xl.domain.model import Channel, OrderStatus

_U, _S, _C, _R = (s.value for s in (OrderStatus.UNSHIPPED, OrderStatus.SHIPPED, OrderStatus.CANCELLED,
                                    OrderStatus.RETURNED))

GENERIC_STATUSES = {
    **dict.fromkeys(("未出荷", "未発送", "出荷待ち", "発送待ち", "出荷準備中", "発送準備中", "新規受付", "新規", "受付", "注文確認", "注文確定",
                     "処理中", "保留", "入金待ち", "予約", "unshipped", "pending", "open"), _U),
    **dict.fromkeys(("出荷済", "出荷済み", "発送済", "発送済み", "出荷完了", "発送完了", "完了", "shipped",
                     "completed"), _S),
    **dict.fromkeys(("キャンセル", "キャンセル済", "キャンセル済み", "取消", "取り消し", "cancelled", "canceled"), _C),
    **dict.fromkeys(("返品", "返品済", "返品済み", "返品受付", "returned"), _R),
}
YAHOO_STATUSES = {"1": _U, "2": _U, "3": _U, "4": _C, "5": _S, "予約中": _U, "処理中": _U, "保留": _U,
                  "キャンセル": _C, "完了": _S, "返品": _R}
AMAZON_STATUSES = {
    **dict.fromkeys(("Pending", "Pending - Waiting for Pick Up", "Unshipped", "PartiallyShipped", "Shipping",
                     "InvoiceUnconfirmed"), _U),
    **dict.fromkeys(("Shipped", "Shipped - Delivered to Buyer", "Shipped - Picked Up", "Shipped - Out for Delivery",
                     "Shipped - Lost in Transit", "Shipped - Damaged", "Complete"), _S),
    **dict.fromkeys(("Cancelled", "Canceled", "Unfulfillable"), _C),
    **dict.fromkeys(("Shipped - Returning to Seller", "Shipped - Returned to Seller", "Shipped - Rejected by Buyer",
                     "Returned"), _R),
}
CHANNEL_LABELS = {
    **dict.fromkeys(("楽天", "楽天市場", "rakuten"), Channel.RAKUTEN.value),
    **dict.fromkeys(("yahoo", "yahoo!", "yahoo!ショッピング", "ヤフー", "ヤフーショッピング", "paypayモール"),
                    Channel.YAHOO.value),
    **dict.fromkeys(("amazon", "アマゾン", "amazon.co.jp"), Channel.AMAZON.value),
    "*": Channel.OTHER.value,
}


@dataclass(frozen=True)
class OrderPreset:
    """A layout: headers per field, status labels, and the channel its rows belong to."""

    name: str
    headers: Mapping[str, tuple[str, ...]]
    statuses: Mapping[str, str]
    channel: str = Channel.OTHER.value

    def schema(self) -> TableSchema:
        schema = ORDERS.with_headers(self.headers)
        fields = tuple(
            replace(f, choices=self.statuses, kind="choice") if f.name == "status"
            else replace(f, choices=CHANNEL_LABELS, kind="choice", default=self.channel) if f.name == "channel"
            else f
            for f in schema.fields)
        return replace(schema, fields=fields)


PRESETS: dict[str, OrderPreset] = {p.name: p for p in (
    OrderPreset("generic", {}, GENERIC_STATUSES),
    OrderPreset("yahoo", {"order_number": ("OrderId",), "channel": (), "sku": ("SubCode", "ItemId"),
                          "alt_code": ("ItemId",), "quantity": ("Quantity",), "status": ("OrderStatus",),
                          "ordered_at": ("OrderTime",), "changed_at": ("LastUpdateTime", "UpdateTime")},
                YAHOO_STATUSES, Channel.YAHOO.value),
    OrderPreset("amazon", {"order_number": ("amazon-order-id", "order-id"), "channel": (), "sku": ("sku",),
                           "quantity": ("quantity", "quantity-purchased"), "status": ("item-status", "order-status"),
                           "ordered_at": ("purchase-date",), "changed_at": ("last-updated-date",)},
                AMAZON_STATUSES, Channel.AMAZON.value),
)}
