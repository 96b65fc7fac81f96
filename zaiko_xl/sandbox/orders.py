"""RakutenPay Order API behaviour of the sandbox: searchOrder and getOrder (rms-api.md §5, §8.7).

Errors come in the ``MessageModelList`` envelope with HTTP 400. Codes ``_009``, ``_010``,
``_011`` are RMS's; the ``SANDBOX_*`` codes are invented (RMS's own are not known).
"""

from __future__ import annotations

import math
import re
import zlib
from datetime import datetime, timedelta
from typing import Any

from zaiko_xl.sandbox.state import SandboxState, SimOrder

_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0900$")
MAX_WINDOW = timedelta(days=63)
HORIZON = timedelta(days=730)
PAGE_MAX, GET_MAX = 1000, 100
_SEARCH = "ORDER_EXT_API_SEARCH_ORDER"
CUSTOMER_REASONS = (1, 2, 3, 4, 5, 6)  # changeReasonDetail of changeReason 1 (customer); the rest are the shop's


class OrderFailure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.body = {"MessageModelList": [{"messageType": "ERROR", "messageCode": code, "message": message}],
                     "orderNumberList": None, "PaginationResponseModel": None}


def order_time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%S") + "+0900"


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str) or not _TIME.match(value):
        raise OrderFailure(f"{_SEARCH}_ERROR_011", "startDatetime/endDatetime must look like 2024-05-01T00:00:00+0900.")
    return datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")


def _order_moment(order: SimOrder, date_type: int) -> datetime | None:
    """The time a dateType searches by (1 order, 4/5 shipping; others fall back to the order time)."""
    return order.shipped_at if date_type in (4, 5) else order.ordered_at


def search(state: SandboxState, body: Any) -> tuple[int, Any]:
    if not isinstance(body, dict):
        raise OrderFailure("SANDBOX_BODY_MISSING", "Request body is missing.")
    date_type = body.get("dateType")
    if date_type not in (1, 2, 3, 4, 5, 6):
        raise OrderFailure(f"{_SEARCH}_ERROR_009", "dateType is mandatory (1-6).")
    if not body.get("startDatetime") or not body.get("endDatetime"):
        raise OrderFailure(f"{_SEARCH}_ERROR_010", "startDatetime and endDatetime are mandatory.")
    start, end = _parse_time(body["startDatetime"]), _parse_time(body["endDatetime"])
    if end < start or end - start > MAX_WINDOW:
        raise OrderFailure("SANDBOX_SEARCH_WINDOW_TOO_LONG", "endDatetime must be within 63 days after startDatetime.")
    if start < state.now() - HORIZON:
        raise OrderFailure("SANDBOX_SEARCH_TOO_OLD", "startDatetime must be within 730 days.")
    paging = body.get("PaginationRequestModel") or {}
    size, page = paging.get("requestRecordsAmount", 30), paging.get("requestPage", 1)
    if not isinstance(size, int) or not 1 <= size <= PAGE_MAX or not isinstance(page, int) or page < 1:
        raise OrderFailure("SANDBOX_PAGE_INVALID", f"requestRecordsAmount must be 1-{PAGE_MAX}, requestPage >= 1.")
    wanted = set(body.get("orderProgressList") or range(100, 1000, 100))
    hits = [(m, o.number) for o in state.orders.values()
            if o.progress in wanted and (m := _order_moment(o, date_type)) is not None and start <= m <= end]
    hits.sort(reverse=(_direction(paging) == 2))
    return 200, _search_page([n for _, n in hits], size, page, state.config.search_cap)


def _direction(paging: dict[str, Any]) -> int:
    sorts = paging.get("SortModelList") or [{}]
    return sorts[0].get("sortDirection", 1)


def _search_page(numbers: list[str], size: int, page: int, cap: int) -> dict[str, Any]:
    if not numbers:
        return {"MessageModelList": [{"messageType": "INFO", "messageCode": f"{_SEARCH}_INFO_102",
                                      "message": "No orders found."}],
                "orderNumberList": [], "PaginationResponseModel": None}
    reachable = numbers[:cap]  # later orders cannot be reached; totalRecordsAmount stays true
    return {"MessageModelList": [{"messageType": "INFO", "messageCode": f"{_SEARCH}_INFO_101", "message": "Success."}],
            "orderNumberList": reachable[(page - 1) * size: page * size],
            "PaginationResponseModel": {"totalRecordsAmount": len(numbers),
                                        "totalPages": math.ceil(len(reachable) / size), "requestPage": page}}


def get(state: SandboxState, body: Any) -> tuple[int, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("orderNumberList"), list) or not body["orderNumberList"]:
        raise OrderFailure("SANDBOX_ORDER_NUMBERS_MISSING", "orderNumberList is mandatory.")
    numbers, version = body["orderNumberList"], body.get("version")
    if len(numbers) > GET_MAX:
        raise OrderFailure("SANDBOX_TOO_MANY_ORDER_NUMBERS", f"At most {GET_MAX} order numbers per call.")
    if not isinstance(version, int) or not 1 <= version <= 10:
        raise OrderFailure("SANDBOX_VERSION_REQUIRED", "version is mandatory (1-10).")
    messages, models = [], []
    for number in numbers:
        order = state.orders.get(number)
        if order is None:
            messages.append({"messageType": "ERROR", "messageCode": "SANDBOX_ORDER_NOT_FOUND",
                             "message": "Order not found.", "orderNumber": number})
        else:
            models.append(order_json(order, version))
    messages.insert(0, {"messageType": "INFO", "messageCode": "ORDER_EXT_API_GET_ORDER_INFO_101", "message": "Success."})
    return 200, {"MessageModelList": messages, "version": version, "OrderModelList": models}


def order_json(order: SimOrder, version: int) -> dict[str, Any]:
    items = []
    for i, line in enumerate(order.lines):
        item = {"itemDetailId": i + 1, "itemId": zlib.crc32(line.manage_number.encode()) % 10**8,
                "itemName": line.manage_number, "itemNumber": line.manage_number.upper(),
                "manageNumber": line.manage_number, "price": 1000, "priceTaxIncl": 1000, "units": line.units,
                "inventoryType": 1, "restoreInventoryFlag": 0, "deleteItemFlag": 0}
        if version >= 7:
            item["SkuModelList"] = [{"variantId": line.variant_id, "merchantDefinedSkuId": "",
                                     "skuInfo": f"SKU:{line.variant_id}"}]
        items.append(item)
    reasons = []
    if order.cancelled_at is not None:
        stamp = order_time(order.cancelled_at)
        detail = order.cancel_reason if order.cancel_reason is not None else 2 if order.shipped_at else 1
        reasons.append({"changeId": 1, "changeType": 2, "changeTypeDetail": 0,
                        "changeReason": 1 if detail in CUSTOMER_REASONS else 0, "changeReasonDetail": detail,
                        "changeApplyDatetime": stamp, "changeFixDatetime": stamp, "changeCmplDatetime": stamp})
    return {"orderNumber": order.number, "orderProgress": order.progress, "orderType": 1,
            "orderDatetime": order_time(order.ordered_at), "shippingCmplRptDatetime": order_time(order.shipped_at),
            "PackageModelList": [{"basketId": 1, "ItemModelList": items}], "ChangeReasonModelList": reasons}
