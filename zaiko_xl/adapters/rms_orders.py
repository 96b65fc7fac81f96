"""Order API: searchOrder over split windows and pages, getOrder in batches (rms-api.md §5).

* Windows: at most 63 days each (safe reading: strictly shorter, 63 days minus one second),
  consecutive and not overlapping (second resolution, both ends inclusive).
* A window whose ``totalRecordsAmount`` reaches the 15,000 cap is halved until it fits
  (safe reading: ``>=`` because a capped total may be reported as exactly 15,000).
* Pages of up to 1000, ascending by order time. Orders can change status while we page,
  which shifts later pages; when the total differs between the first and the last page
  the window is searched again (up to 3 times; then the union of all tries is used).
* getOrder: 100 numbers a call, ``version`` >= 7 (10 by default) so lines carry SkuModelList.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pandas as pd

from zaiko_xl.adapters.rms_endpoints import GET_ORDER, GET_ORDER_MAX, SEARCH_ORDER, SEARCH_PAGE_MAX, SEARCH_RESULT_CAP
from zaiko_xl.adapters.rms_frames import order_api_time, order_lines_frame
from zaiko_xl.adapters.rms_transport import RmsTransport
from zaiko_xl.adapters.rms_wire import GetOrderWire, OrderWire, SearchOrderWire
from zaiko_xl.errors import ApiBadResponse, ApiRejected

MAX_WINDOW = timedelta(days=63) - timedelta(seconds=1)
_SECOND = timedelta(seconds=1)
_DRIFT_RETRIES = 3


def windows(start: datetime, end: datetime, span: timedelta = MAX_WINDOW) -> list[tuple[datetime, datetime]]:
    """Consecutive inclusive windows [a, b] of at most ``span`` covering [start, end]."""
    start, end = start.replace(microsecond=0), end.replace(microsecond=0)
    out = []
    while start <= end:
        stop = min(end, start + span)
        out.append((start, stop))
        start = stop + _SECOND
    return out


class OrderSearch:
    """searchOrder with automatic window splitting and paging."""

    def __init__(self, transport: RmsTransport, *, page_size: int = SEARCH_PAGE_MAX,
                 cap: int = SEARCH_RESULT_CAP, date_type: int = 1) -> None:
        self._transport = transport
        self._page_size = min(page_size, SEARCH_PAGE_MAX)
        self._cap = cap
        self._date_type = date_type
        self.windows_searched = 0

    def search(self, start: datetime, end: datetime, progress: Sequence[int]) -> list[str]:
        found: dict[str, None] = {}
        for a, b in windows(start, end):
            found.update(dict.fromkeys(self._window(a, b, list(progress))))
        return list(found)

    def _window(self, start: datetime, end: datetime, progress: list[int]) -> list[str]:
        union: dict[str, None] = {}
        for _ in range(_DRIFT_RETRIES):
            self.windows_searched += 1
            first = self._page(start, end, progress, 1)
            total = _total(first)
            if total >= self._cap and end > start:
                middle = start + (end - start) / 2
                middle = middle.replace(microsecond=0)
                return self._window(start, middle, progress) + self._window(middle + _SECOND, end, progress)
            numbers, last_total = list(first.order_numbers or []), total
            pages = (first.pagination.total_pages if first.pagination else None) or 1
            for page in range(2, pages + 1):
                reply = self._page(start, end, progress, page)
                numbers.extend(reply.order_numbers or [])
                last_total = _total(reply)
            union.update(dict.fromkeys(numbers))
            if last_total == total and len(set(numbers)) == total:
                return numbers
        return list(union)

    def _page(self, start: datetime, end: datetime, progress: list[int], page: int) -> SearchOrderWire:
        body = {"dateType": self._date_type, "startDatetime": order_api_time(start),
                "endDatetime": order_api_time(end), "orderProgressList": progress,
                "PaginationRequestModel": {"requestRecordsAmount": self._page_size, "requestPage": page,
                                           "SortModelList": [{"sortColumn": 1, "sortDirection": 1}]}}
        reply = self._transport.call(SEARCH_ORDER, body=body).parse(SearchOrderWire)
        _raise_on_error_messages(reply, SEARCH_ORDER.function)
        return reply


def _total(reply: SearchOrderWire) -> int:
    return (reply.pagination.total_records_amount if reply.pagination else None) or 0


def _raise_on_error_messages(reply: SearchOrderWire | GetOrderWire, function: str) -> None:
    errors = [m for m in reply.messages if m.message_type == "ERROR"]
    if errors:
        first = errors[0]
        detail = "; ".join(f"{m.order_number + ': ' if m.order_number else ''}{m.message}" for m in errors)
        raise ApiRejected(endpoint=function, status=200, rms_code=first.message_code, detail=detail,
                          errors=[(m.message_code, m.message, m.order_number or "") for m in errors])


def get_orders(transport: RmsTransport, order_numbers: Sequence[str], version: int,
               batch: int = GET_ORDER_MAX) -> pd.DataFrame:
    """Order lines of these orders (getOrder, ``batch`` numbers a call), raw RMS codes kept."""
    wanted = list(dict.fromkeys(order_numbers))
    orders: list[OrderWire] = []
    for start in range(0, len(wanted), batch):
        chunk = wanted[start:start + batch]
        reply = transport.call(GET_ORDER, body={"orderNumberList": chunk, "version": version}).parse(GetOrderWire)
        _raise_on_error_messages(reply, GET_ORDER.function)
        got = reply.orders or []
        missing = set(chunk) - {o.order_number for o in got}
        if missing:
            raise ApiBadResponse(endpoint=GET_ORDER.function,
                                 detail=f"orders not returned: {', '.join(sorted(missing)[:5])}")
        orders.extend(got)
    return order_lines_frame(orders)
