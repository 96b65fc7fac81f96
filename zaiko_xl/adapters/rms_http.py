"""The RMS client adapter: implements the RmsInventory, RmsOrders and RmsLicense ports over httpx.

Build it with ``HttpRmsClient.connect(...)`` (bootstrap does, from Settings.rms); it owns one
pooled httpx.Client. Every call goes through ``RmsTransport`` (pacing, retries, typed
errors); writes through ``Upserter`` (the unknown-outcome rule). Secrets stay in the
Authorization header and the license query string, never in errors or logs.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

import httpx
import pandas as pd

from zaiko_xl.adapters import rms_endpoints as ep
from zaiko_xl.adapters.rms_frames import parse_license_time, stock_frame
from zaiko_xl.adapters.rms_orders import OrderSearch, get_orders
from zaiko_xl.adapters.rms_pacing import Clock, Pacer, RetryPolicy, SystemClock
from zaiko_xl.adapters.rms_transport import RmsTransport, esa_header
from zaiko_xl.adapters.rms_upsert import Snapshot, Upserter
from zaiko_xl.adapters.rms_wire import ExpiryWire, InventoriesWire, InventoryWire, VariantListWire
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.rms import StockChange, UpsertMode, UpsertReport
from zaiko_xl.domain.rms_codes import is_valid_key, key_problem, manage_number_problem, normalise_manage_number
from zaiko_xl.errors import ApiRejected, InvalidRmsCode, RangeTooCrowded


class CallLog(Protocol):
    """Where the client's HTTP attempts go (adapters/api_call_log.py keeps them in the journal)."""

    def add(self, function: str, status: int, error_code: str, attempt: int) -> None: ...

    def flush(self) -> None: ...


class HttpRmsClient:
    """RMS over HTTP. Use as a context manager, or call ``close()``."""

    def __init__(self, transport: RmsTransport, client: httpx.Client, *, license_key: str, settle_s: float,
                 policy: RetryPolicy, clock: Clock, order_version: int = 10, page_size: int = ep.SEARCH_PAGE_MAX,
                 search_cap: int = ep.SEARCH_RESULT_CAP, call_log: CallLog | None = None) -> None:
        self.transport = transport
        self._client = client
        self._call_log = call_log
        self._license_key = license_key
        self._order_version = order_version
        self._orders = OrderSearch(transport, page_size=page_size, cap=search_cap)
        upsert_args = {"settle_s": settle_s, "policy": policy, "clock": clock, "read": self.snapshots}
        self._bulk = Upserter(transport, ep.BULK_UPSERT, self._send_bulk, batch_size=ep.BULK_UPSERT_MAX, **upsert_args)
        self._single = Upserter(transport, ep.PUT_ONE, self._send_one, batch_size=1, **upsert_args)

    @classmethod
    def connect(cls, base_url: str, service_secret: str, license_key: str, *, timeout_s: float = 30.0,
                rates: dict[str, float], retry_budget_s: float, retry_base_s: float = 1.0, retry_cap_s: float = 30.0,
                retry_max_attempts: int = 6, settle_s: float = 2.0, order_version: int = 10,
                clock: Clock | None = None, rng: random.Random | None = None, call_log: CallLog | None = None,
                **options: int) -> HttpRmsClient:
        """A client with one pacer per family (``rates``: family -> requests per second).

        ``call_log`` hears of every HTTP attempt and is flushed when the client closes.
        """
        logging.getLogger("httpx").setLevel(logging.WARNING)  # httpx logs URLs; the license URL has the key
        clock = clock or SystemClock()
        client = httpx.Client(base_url=base_url, timeout=timeout_s,
                              headers={"Authorization": esa_header(service_secret, license_key)})
        pacers = {family: Pacer(rate, clock) for family, rate in rates.items()}
        policy = RetryPolicy(retry_budget_s, retry_base_s, retry_cap_s, retry_max_attempts, rng or random.Random())
        transport = RmsTransport(client, pacers, policy, clock, call_log.add if call_log is not None else None)
        return cls(transport, client, license_key=license_key, settle_s=settle_s, policy=policy, clock=clock,
                   order_version=order_version, call_log=call_log, **options)

    def close(self) -> None:
        self._client.close()
        if self._call_log is not None:
            self._call_log.flush()

    def __enter__(self) -> HttpRmsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ RmsInventory
    def get_stock(self, keys: Sequence[RmsSkuKey]) -> pd.DataFrame:
        # one frame per chunk: the parsing happens while the pacer would wait anyway
        frames = [stock_frame(records) for records in self._bulk_get_chunks(keys)]
        return pd.concat(frames, ignore_index=True) if frames else stock_frame([])

    def get_range(self, min_quantity: int, max_quantity: int) -> pd.DataFrame:
        params = {"minQuantity": str(min_quantity), "maxQuantity": str(max_quantity)}
        try:
            reply = self.transport.call(ep.RANGE_GET, params=params)
        except ApiRejected as exc:
            if exc.context.get("rms_code") == "IE0116":
                raise RangeTooCrowded(quantity=_window(min_quantity, max_quantity)) from exc
            raise
        return stock_frame(reply.parse(InventoriesWire).inventories)

    def upsert(self, changes: Sequence[StockChange], mode: UpsertMode) -> UpsertReport:
        return self._bulk.run(_folded(changes), UpsertMode(mode))

    # ------------------------------------------------------------ single SKU, variant lists
    def get_one(self, key: RmsSkuKey) -> pd.DataFrame:
        """One SKU's stock via inventories.variants.get (empty frame if RMS has no record)."""
        key = _checked([key])[0]
        try:
            reply = self.transport.call(ep.GET_ONE, manage_number=key.manage_number, variant_id=key.variant_id)
        except ApiRejected as exc:
            if exc.context.get("status") == 404:
                return stock_frame([])
            raise
        return stock_frame([reply.parse(InventoryWire)])

    def put_one(self, change: StockChange, mode: UpsertMode) -> UpsertReport:
        """One SKU's write via inventories.variants.upsert (PUT), same unknown-outcome rule."""
        return self._single.run(_folded([change]), UpsertMode(mode))

    def variant_ids(self, manage_number: str) -> list[str]:
        """The variantIds of one product (Inventory API 2.1 variant-lists)."""
        manage_number = normalise_manage_number(manage_number)
        problem = manage_number_problem(manage_number)
        if problem:
            raise InvalidRmsCode(sku=manage_number, detail_ja=problem.detail_ja, detail_en=problem.detail_en, count=1)
        reply = self.transport.call(ep.VARIANT_LISTS, manage_number=manage_number)
        return reply.parse(VariantListWire).variant_list

    # ------------------------------------------------------------ RmsOrders, RmsLicense
    def search(self, start: datetime, end: datetime, progress: Sequence[int]) -> list[str]:
        return self._orders.search(start, end, progress)

    def get(self, order_numbers: Sequence[str]) -> pd.DataFrame:
        return get_orders(self.transport, order_numbers, self._order_version)

    def expiry(self) -> datetime:
        reply = self.transport.call(ep.LICENSE_EXPIRY, params={"licenseKey": self._license_key})
        return parse_license_time(reply.parse(ExpiryWire).expiry_date)

    # ------------------------------------------------------------ helpers
    def snapshots(self, keys: Sequence[RmsSkuKey]) -> dict[RmsSkuKey, Snapshot]:
        """(quantity, updated) per SKU that RMS has a record of (used to settle unknown writes)."""
        return {RmsSkuKey(r.manage_number, r.variant_id): (r.quantity, r.updated)
                for records in self._bulk_get_chunks(keys) for r in records}

    def _bulk_get_chunks(self, keys: Sequence[RmsSkuKey]) -> Iterator[list[InventoryWire]]:
        """bulk-get in chunks of 1000 (keys checked and de-duplicated first); the records per chunk."""
        wanted = list(dict.fromkeys(_checked(keys)))
        for start in range(0, len(wanted), ep.BULK_GET_MAX):
            chunk = wanted[start:start + ep.BULK_GET_MAX]
            body = {"inventories": [{"manageNumber": k.manage_number, "variantId": k.variant_id} for k in chunk]}
            yield self.transport.call(ep.BULK_GET, body=body).parse(InventoriesWire).inventories

    def _send_bulk(self, changes: Sequence[StockChange], mode: UpsertMode) -> None:
        body = {"inventories": [{"manageNumber": c.key.manage_number, "variantId": c.key.variant_id,
                                 "mode": mode.value, "quantity": c.quantity} for c in changes]}
        self.transport.call(ep.BULK_UPSERT, body=body, write=True)

    def _send_one(self, changes: Sequence[StockChange], mode: UpsertMode) -> None:
        (change,) = changes
        self.transport.call(ep.PUT_ONE, body={"mode": mode.value, "quantity": change.quantity}, write=True,
                            manage_number=change.key.manage_number, variant_id=change.key.variant_id)


def _fold(key: RmsSkuKey) -> RmsSkuKey:
    return RmsSkuKey(normalise_manage_number(key.manage_number), key.variant_id)


def _folded(changes: Sequence[StockChange]) -> list[StockChange]:
    return [StockChange(_fold(c.key), c.quantity) for c in changes]


def _checked(keys: Sequence[RmsSkuKey]) -> list[RmsSkuKey]:
    """Keys as RMS stores them; E307 (nothing sent) if any would be refused."""
    folded, problems = [], []
    for key in keys:
        manage_number = key.manage_number.lower()
        if manage_number != key.manage_number:
            key = RmsSkuKey(manage_number, key.variant_id)
        if not is_valid_key(manage_number, key.variant_id) and (problem := key_problem(key)):
            problems.append((key, problem))
        folded.append(key)
    if problems:
        key, first = problems[0]
        raise InvalidRmsCode(sku=str(key), detail_ja=first.detail_ja, detail_en=first.detail_en,
                             count=len(problems), skus=[str(k) for k, _ in problems])
    return folded


def _window(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}..{high}"

