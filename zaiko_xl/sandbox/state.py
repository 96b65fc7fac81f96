"""The simulated shop: stock records and orders, changed only under one lock.

Stock is keyed by (lower-case manageNumber, case-sensitive variantId). An order takes its
units from stock when it is placed and gives them back when it is cancelled, if the
SKU's ``restock_on_cancel`` is set (assumed RMS behaviour, rms-api.md §10). Shipping does
not touch stock; a return (cancel after shipping) does not restock either: the goods come
back to the warehouse, and the shop decides.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from zaiko_xl.sandbox.config import LICENSE_DAYS, SandboxConfig, jst_now
from zaiko_xl.sandbox.faults import FaultPlan, RateLimiter

Key = tuple[str, str]


@dataclass
class Record:
    quantity: int
    created: datetime
    updated: datetime
    restock_on_cancel: bool = True


@dataclass(frozen=True)
class Line:
    manage_number: str
    variant_id: str
    units: int


@dataclass
class SimOrder:
    number: str
    progress: int
    ordered_at: datetime
    lines: list[Line]
    shipped_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: int | None = None  # RMS changeReasonDetail of the cancel (None: 2 after shipping, else 1)


class OutOfStock(Exception):
    """An order asked for more units than the SKU has."""


@dataclass
class Counters:
    """Per-function request statistics, for tests and drills."""

    requests: Counter = field(default_factory=Counter)
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    faults: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    writes_applied: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {"requests": dict(self.requests), "statuses": {f: dict(c) for f, c in self.statuses.items()},
                "faults": {f: dict(c) for f, c in self.faults.items()}, "writes_applied": dict(self.writes_applied)}


class SandboxState:
    """Everything the simulated RMS knows. Call mutating methods with ``lock`` held."""

    def __init__(self, config: SandboxConfig, now: Callable[[], datetime] = jst_now) -> None:
        self.config = config
        self.now = now
        self.lock = threading.RLock()
        self.inventory: dict[Key, Record] = {}
        self.products: dict[str, dict[str, None]] = defaultdict(dict)  # manageNumber -> variantIds in order
        self.orders: dict[str, SimOrder] = {}
        self.faults = FaultPlan()
        self.limiter = RateLimiter()
        self.counters = Counters()
        self._serial = 0
        self.started = now()
        if config.license_expiry is None:
            config.license_expiry = (self.started + timedelta(days=LICENSE_DAYS)).replace(hour=23, minute=59, second=59)

    # ------------------------------------------------------------ stock
    def set_stock(self, rows: Iterable[tuple[str, str, int]], *, at: datetime | None = None) -> None:
        """Create or overwrite records (seed, control endpoint, ABSOLUTE writes)."""
        at = at or self.now()
        for manage_number, variant_id, quantity in rows:
            key = (manage_number.lower(), variant_id)
            record = self.inventory.get(key)
            if record is None:
                self.inventory[key] = Record(int(quantity), at, at)
                self.products[key[0]][variant_id] = None
            else:
                record.quantity, record.updated = int(quantity), at

    def clear(self) -> None:
        self.inventory.clear()
        self.products.clear()
        self.orders.clear()
        self._serial = 0

    # ------------------------------------------------------------ orders
    def next_order_number(self, at: datetime) -> str:
        self._serial += 1
        return f"{self.config.shop_id}-{at:%Y%m%d}-{self._serial:010d}"

    def place_order(self, lines: list[Line], at: datetime | None = None, progress: int = 100) -> SimOrder:
        """Take the units from stock (all lines or none) and record the order."""
        at = at or self.now()
        for line in lines:
            record = self.inventory.get((line.manage_number, line.variant_id))
            if record is None or record.quantity < line.units:
                raise OutOfStock(f"{line.manage_number}:{line.variant_id}")
        for line in lines:
            record = self.inventory[(line.manage_number, line.variant_id)]
            record.quantity -= line.units
            record.updated = self.now()
        order = SimOrder(self.next_order_number(at), progress, at, lines)
        self.orders[order.number] = order
        return order

    def add_history(self, order: SimOrder) -> None:
        """A past order from the seed: recorded without touching stock (the seed's stock is net)."""
        self._serial = max(self._serial, int(order.number.rsplit("-", 1)[-1]))
        self.orders[order.number] = order

    def cancel_order(self, number: str, *, after_shipping: bool = False, reason: int | None = None) -> SimOrder:
        """Cancel an order (``reason``: RMS changeReasonDetail, e.g. 8 out of stock; default 1 customer)."""
        order = self.orders[number]
        if order.progress == 900:
            return order
        order.cancel_reason = reason if reason is not None else order.cancel_reason
        if not after_shipping:
            for line in order.lines:
                record = self.inventory.get((line.manage_number, line.variant_id))
                if record is not None and record.restock_on_cancel:
                    record.quantity += line.units
                    record.updated = self.now()
        order.progress, order.cancelled_at = 900, self.now()
        return order

    def ship_order(self, number: str) -> SimOrder:
        order = self.orders[number]
        if order.progress < 500:
            order.progress, order.shipped_at = 500, self.now()
        return order

    def return_order(self, number: str) -> SimOrder:
        """A cancel after shipping (返品): status 900 with a shipping time, no restock."""
        order = self.ship_order(number)
        return self.cancel_order(order.number, after_shipping=True)

    def open_orders(self) -> list[str]:
        return [n for n, o in self.orders.items() if o.progress < 500]
