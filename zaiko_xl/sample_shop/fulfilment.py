"""What happens to each order line after it is placed (drawn up front, vectorised).

Shipping: lines ordered before noon ship the same working day, others the next (no
Sundays, no 1/1-1/3); during a sale some lines wait one more day. Events after the order:
the customer cancels before shipping, returns the goods (返品), refuses the parcel
(it comes back: キャンセル戻し), or exchanges a size (交換).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from zaiko_xl.sample_shop.calendar import ShopCalendar
from zaiko_xl.sample_shop.demand import Lines

NONE, CANCEL, RETURN, REFUSED, EXCHANGE = 0, 1, 2, 3, 4
EVENT_P = ((CANCEL, 0.02), (RETURN, 0.015), (REFUSED, 0.003), (EXCHANGE, 0.005))
HOUR = 3600 * 10**9
SECOND = 10**9


@dataclass(frozen=True)
class Fulfilment:
    """Per line: when it ships, which event follows and when; plus its stock units."""

    ship_day: np.ndarray
    ship_at: np.ndarray  # datetime64[ns]
    event: np.ndarray  # NONE / CANCEL / RETURN / REFUSED / EXCHANGE
    event_day: np.ndarray
    event_at: np.ndarray  # datetime64[ns]; for CANCEL: the moment the customer cancels
    units: Units


@dataclass(frozen=True)
class Units:
    """Lines exploded to stock units: a single line is one unit row, a set line one per component."""

    line: np.ndarray
    sku: np.ndarray
    quantity: np.ndarray


def draw_fulfilment(lines: Lines, cal: ShopCalendar, set_parts: SetParts, sibling: np.ndarray,
                    rng: np.random.Generator) -> Fulfilment:
    n = len(lines.day)
    hour = ((lines.ordered_at - cal.days.to_numpy()[lines.day]) // HOUR).astype(np.int64)
    next_ship = cal.shipping_day_after()
    ship_day = next_ship[np.minimum(lines.day + (hour >= 12), len(cal.days) - 1)]
    busy = cal.channel_factor()[0][ship_day] >= 3.0
    late = busy & (rng.random(n) < 0.3)
    ship_day[late] = next_ship[np.minimum(ship_day[late] + 1, len(cal.days) - 1)]
    days = cal.days.to_numpy()
    ship_at = days[ship_day] + (15 * HOUR + SECOND * rng.integers(0, 3 * 3600, size=n)).astype("timedelta64[ns]")
    event = _events(lines, set_parts, sibling, rng)
    delay = np.select([event == RETURN, event == REFUSED, event == EXCHANGE],
                      [rng.integers(5, 15, size=n), rng.integers(4, 9, size=n), rng.integers(5, 11, size=n)], 0)
    event_day = np.minimum(ship_day + delay, len(days) - 1)
    event_at = days[event_day] + (13 * HOUR + SECOND * rng.integers(0, 2 * 3600, size=n)).astype("timedelta64[ns]")
    cancel = event == CANCEL
    span = (ship_at[cancel] - lines.ordered_at[cancel]).astype(np.int64)
    offset = (span * rng.random(int(cancel.sum()))) // SECOND * SECOND
    event_at[cancel] = lines.ordered_at[cancel] + offset.astype(np.int64).astype("timedelta64[ns]")
    event_day[cancel] = lines.day[cancel]
    return Fulfilment(ship_day, ship_at, event, event_day, event_at, explode_units(lines, set_parts))


def _events(lines: Lines, set_parts: SetParts, sibling: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    u = rng.random(len(lines.day))
    bounds = np.cumsum([p for _, p in EVENT_P])
    event = np.where(u < bounds[-1], np.searchsorted(bounds, u, side="right") + 1, NONE)
    no_swap = set_parts.is_set[lines.sku] | (sibling[lines.sku] < 0)
    event[(event == EXCHANGE) & no_swap] = RETURN  # sets and one-variant products are returned instead
    return event


@dataclass(frozen=True)
class SetParts:
    """Leaf components of every set item, as index arrays (CSR: ``start[i]:start[i+1]``)."""

    is_set: np.ndarray
    start: np.ndarray
    component: np.ndarray
    quantity: np.ndarray


def explode_units(lines: Lines, parts: SetParts) -> Units:
    line_ids = np.arange(len(lines.sku))
    width = parts.start[lines.sku + 1] - parts.start[lines.sku]
    width = np.where(parts.is_set[lines.sku], width, 1)
    line = np.repeat(line_ids, width)
    offset = np.arange(len(line)) - np.repeat(np.cumsum(width) - width, width)
    sku = lines.sku[line]
    is_set = parts.is_set[sku]
    at = parts.start[sku[is_set]] + offset[is_set]
    quantity = lines.quantity[line].copy()
    sku = sku.copy()
    sku[is_set] = parts.component[at]
    quantity[is_set] *= parts.quantity[at]
    return Units(line, sku, quantity)
