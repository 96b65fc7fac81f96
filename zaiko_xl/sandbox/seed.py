"""Seed data for the sandbox: stock rows + past orders, from one function, ``build_state``.

``seed_state`` takes plain rows, so the data can come from anywhere. Today it comes from
the small built-in ``demo_shop``; to seed from the sample shop instead, replace the one
marked line in ``seed_data`` with
``rows, history = from_sample_shop(generate(skus, seed))``
(``from zaiko_xl.sample_shop import generate``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from zaiko_xl.sandbox.config import SandboxConfig, jst_now
from zaiko_xl.sandbox.state import Line, SandboxState, SimOrder

StockRow = tuple[str, str, int]
_RMS_ORDER_NUMBER = re.compile(r"\d{6}-\d{8}-\d{10}")  # shop id - order date - serial
_PROGRESS = {"unshipped": 300, "shipped": 500, "cancelled": 900, "returned": 900}
_OPENNESS = {"unshipped": 0, "shipped": 1, "returned": 2, "cancelled": 3}  # an order's status on RMS: its most open line
# the KPI cancel reason of a seed line -> RMS changeReasonDetail (8 out of stock, 1 customer cancel, 4 unpaid, 10 shop)
_REASON_DETAIL = {"stockout": 8, "customer": 1, "payment": 4, "shop": 10}
_COLORS = ("red", "blue", "black", "white", "navy", "gray", "beige", "green")
_SIZES = ("S", "M", "L", "XL", "F")


@dataclass(frozen=True)
class SeedOrder:
    """One past order line; lines with the same ``group`` form one order."""

    group: str
    manage_number: str
    variant_id: str
    units: int
    ordered_at: datetime
    status: str  # unshipped | shipped | cancelled | returned
    changed_at: datetime | None = None
    cancel_reason: str = ""  # of a cancelled line: stockout | customer | payment | shop ("" customer)


def seed_state(state: SandboxState, rows: Iterable[StockRow], history: Iterable[SeedOrder]) -> SandboxState:
    """Replace the state's stock and orders. The rows are the stock *after* the history."""
    with state.lock:
        state.clear()
        state.set_stock(rows, at=state.now() - timedelta(hours=1))
        groups: dict[str, list[SeedOrder]] = {}
        for line in sorted(history, key=lambda o: (o.ordered_at, o.group)):
            groups.setdefault(line.group, []).append(line)
        for lines in groups.values():
            first = lines[0]
            # An order number already in RMS's form (the sample shop's) is kept: the shop's ledger books
            # shipments and returns by it. Other groups get the sandbox's next number.
            number = first.group if _RMS_ORDER_NUMBER.fullmatch(first.group) else state.next_order_number(first.ordered_at)
            order = SimOrder(number, _PROGRESS[first.status], first.ordered_at,
                             [Line(o.manage_number.lower(), o.variant_id, o.units) for o in lines])
            if first.status in ("shipped", "returned"):
                order.shipped_at = first.changed_at or first.ordered_at + timedelta(days=1)
            if first.status in ("cancelled", "returned"):
                order.cancelled_at = first.changed_at or first.ordered_at + timedelta(days=2)
            if first.status == "cancelled":
                order.cancel_reason = _REASON_DETAIL.get(first.cancel_reason)
            state.add_history(order)
    return state


def seed_data(skus: int, seed: int, now: datetime | None = None) -> tuple[list[StockRow], list[SeedOrder]]:
    """The seed rows and history (the one place that chooses where seed data comes from)."""
    return demo_shop(skus, seed, now or jst_now())  # seed source: switch to the sample shop here


def build_state(config: SandboxConfig, *, skus: int, seed: int, now: datetime | None = None) -> SandboxState:
    """A new sandbox state seeded with ``skus`` SKUs."""
    return seed_state(SandboxState(config), *seed_data(skus, seed, now))


def demo_shop(skus: int, seed: int, now: datetime) -> tuple[list[StockRow], list[SeedOrder]]:
    """A small built-in shop: products of 1-6 SKUs and 90 days of orders, deterministic per seed."""
    rng = random.Random(seed)
    rows: list[StockRow] = []
    product = 0
    while len(rows) < skus:
        product += 1
        manage_number = f"zk-{product:05d}"
        count = min(rng.choice((1, 1, 2, 3, 4, 6)), skus - len(rows))
        variants = [manage_number] if count == 1 else _variant_ids(rng, count)
        for variant_id in variants:
            quantity = 0 if rng.random() < 0.08 else min(99_999, int(rng.expovariate(1 / 40)))
            rows.append((manage_number, variant_id, quantity))
    return rows, _history(rng, rows, now)


def _variant_ids(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{c}-{s}" for c in rng.sample(_COLORS, 3) for s in _SIZES]
    return rng.sample(pairs, count)


def _history(rng: random.Random, rows: list[StockRow], now: datetime) -> list[SeedOrder]:
    history = []
    for n in range(max(20, len(rows) // 4)):
        manage_number, variant_id, _ = rows[rng.randrange(len(rows))]
        ordered_at = (now - timedelta(seconds=rng.uniform(60, 90 * 86400))).replace(microsecond=0)
        age_days = (now - ordered_at).days
        roll = rng.random()
        status = ("cancelled" if roll < 0.05 else "returned" if roll < 0.07 and age_days > 3
                  else "unshipped" if age_days < 3 else "shipped")
        history.append(SeedOrder(f"o{n}", manage_number, variant_id, rng.choice((1, 1, 1, 2, 3)), ordered_at, status))
    return history


def from_sample_shop(shop: Any) -> tuple[list[StockRow], list[SeedOrder]]:
    """Rows and history from ``zaiko_xl.sample_shop.generate(...)`` (frames per docs/data-contracts.md).

    RMS keeps one status per order, the sample shop one per line: an order whose lines differ
    is seeded with the lines of its most open status only (unshipped, then shipped, returned,
    cancelled), which is what RMS shows of it; the other lines' stock moves are in the shop's
    ledger and warehouse already. A cancelled order carries its lines' ``cancel_reason`` to RMS
    as the changeReasonDetail (stockout 8, customer 1).
    """
    stock = shop.rms_stock
    rows = list(zip(stock["manage_number"], stock["variant_id"], stock["quantity"].astype(int), strict=True))
    codes = shop.items.set_index("sku")[["manage_number", "variant_id"]]
    orders = shop.orders[shop.orders["channel"] == "rakuten"].join(codes, on="sku")
    rank = orders["status"].map(_OPENNESS).fillna(len(_OPENNESS))
    orders = orders[rank == rank.groupby(orders["order_number"]).transform("min")]
    if "cancel_reason" not in orders:
        orders = orders.assign(cancel_reason="")
    history = [SeedOrder(str(o.order_number), o.manage_number, o.variant_id, int(o.quantity),
                         _plain_time(o.ordered_at), str(o.status), _plain_time(o.changed_at),
                         o.cancel_reason if isinstance(o.cancel_reason, str) else "")
               for o in orders.itertuples(index=False) if isinstance(o.manage_number, str)]
    return rows, history


def _plain_time(value: Any) -> Any:
    """A pandas Timestamp as datetime; NaT/None as None."""
    if value is None or value != value:  # NaT is not equal to itself
        return None
    return value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
