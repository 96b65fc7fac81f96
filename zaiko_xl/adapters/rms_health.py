"""The RMS side of `zaiko-xl doctor`: the license key's expiry and one harmless call per RMS function.

Each probe is a call that cannot change anything on RMS: a read of a SKU no shop has, a
one-record order search of the last hour, a getOrder of an order number that cannot exist, a
bulk-upsert with an empty list (RMS must refuse it with HTTP 400 before writing anything; that
refusal proves the function is enabled and answering). A probe raises the RMS client's typed
error (E301 unreachable, E310 key refused, E311 function not enabled, ...) when it fails.
Every call opens its own client (the doctor runs once; nothing stays open), through the same
transport as every other command, so credentials never leave the Authorization header.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date, datetime, timedelta

from zaiko_xl.adapters import rms_endpoints as ep
from zaiko_xl.adapters.rms_frames import order_api_time
from zaiko_xl.adapters.rms_http import HttpRmsClient
from zaiko_xl.domain.model import RMS_MAX_STOCK, RmsSkuKey
from zaiko_xl.errors import ApiRejected, RangeTooCrowded, UnknownRmsFunction

PROBE_SKU = RmsSkuKey("zaiko-xl-doctor", "probe")  # valid codes that no shop uses
PROBE_ORDER = "000000-00000000-0000000000"  # shaped like an order number; never issued


def _bulk_get(client: HttpRmsClient, now: datetime) -> None:
    client.get_stock([PROBE_SKU])


def _range_get(client: HttpRmsClient, now: datetime) -> None:
    with suppress(RangeTooCrowded):  # it answered: too many SKUs hold the maximum, which is fine here
        client.get_range(RMS_MAX_STOCK, RMS_MAX_STOCK)


def _bulk_upsert(client: HttpRmsClient, now: datetime) -> None:
    try:  # sent as a read: an empty list writes nothing, so a 5xx may be retried
        client.transport.call(ep.BULK_UPSERT, body={"inventories": []})
    except ApiRejected as exc:
        if exc.context.get("status") != 400:
            raise


def _search_order(client: HttpRmsClient, now: datetime) -> None:
    body = {"dateType": 1, "startDatetime": order_api_time(now - timedelta(hours=1)),
            "endDatetime": order_api_time(now), "PaginationRequestModel": {"requestRecordsAmount": 1, "requestPage": 1}}
    client.transport.call(ep.SEARCH_ORDER, body=body)


def _get_order(client: HttpRmsClient, now: datetime) -> None:
    client.transport.call(ep.GET_ORDER, body={"orderNumberList": [PROBE_ORDER], "version": 10})


def _license(client: HttpRmsClient, now: datetime) -> None:
    client.expiry()


PROBES: dict[str, Callable[[HttpRmsClient, datetime], None]] = {
    ep.BULK_GET.function: _bulk_get, ep.RANGE_GET.function: _range_get, ep.BULK_UPSERT.function: _bulk_upsert,
    ep.SEARCH_ORDER.function: _search_order, ep.GET_ORDER.function: _get_order,
    ep.LICENSE_EXPIRY.function: _license,
}


class RmsHealth:
    """The LicenseSource and ApiProbe ports on the RMS client.

    Args:
        connect: opens a client (``bootstrap`` passes one with short timeouts and few retries).
        now: the current JST time (the order search looks at the hour before it).
    """

    def __init__(self, connect: Callable[[], HttpRmsClient], now: datetime) -> None:
        self._connect = connect
        self._now = now

    def license_expiry(self) -> date:
        with self._connect() as client:
            return client.expiry().date()

    def probe(self, function: str) -> None:
        call = PROBES.get(function)
        if call is None:
            raise UnknownRmsFunction(function=function, known=", ".join(PROBES))
        with self._connect() as client:
            call(client, self._now)
