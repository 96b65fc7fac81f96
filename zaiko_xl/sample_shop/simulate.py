"""Day-by-day stock simulation: receipts, returns, exchanges, shipments, stocktakes, reorders.

One loop over days; every step inside a day is a numpy operation over all SKUs or over
that day's lines. Every movement is written to the ledger the moment it changes stock,
so the ledger balance equals the simulated stock at every time and never goes negative.
A line that cannot be shipped complete is cancelled (受注後キャンセル, out of stock).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from zaiko_xl.sample_shop.calendar import CHANNEL_SHARE, ShopCalendar
from zaiko_xl.sample_shop.demand import Lines
from zaiko_xl.sample_shop.fulfilment import EXCHANGE, HOUR, REFUSED, RETURN, SECOND, Fulfilment

INBOUND, SHIPMENT, RETURNED, CANCEL_BACK, SWAP, STOCKTAKE = range(6)  # MovementKind order
REVIEW_DAYS = 14
DELAYS = np.array([-1, 0, 0, 0, 0, 0, 1, 1, 2, 3])  # receipt vs expected day


@dataclass(frozen=True)
class Policy:
    """Per-SKU reorder inputs (aligned with items; sets carry zeros)."""

    leaf: np.ndarray  # bool: bought and stocked
    supplier: np.ndarray  # supplier index (-1 for sets)
    units_per_day: np.ndarray  # expected units per day at factor 1, set demand included
    category: np.ndarray
    demand_curve: np.ndarray  # (categories, days + 1): cumulative demand factor
    arrival: np.ndarray  # (suppliers, days): arrival day of a PO placed that day
    works: np.ndarray  # (suppliers, days)
    moq: np.ndarray  # per supplier
    pack: np.ndarray  # per supplier

    def forward(self, day: int, horizon: np.ndarray, sku: np.ndarray | None = None) -> np.ndarray:
        """Expected units of each SKU (or of ``sku`` only, aligned with ``horizon``) from ``day`` on."""
        rate, cat = (self.units_per_day, self.category) if sku is None else (self.units_per_day[sku],
                                                                            self.category[sku])
        end = np.minimum(day + horizon, self.demand_curve.shape[1] - 1)
        return rate * (self.demand_curve[cat, end] - self.demand_curve[cat, day])


@dataclass
class Journal:
    """Movements and purchase orders as they happen (lists of arrays, joined at the end)."""

    sku: list = field(default_factory=list)
    kind: list = field(default_factory=list)
    quantity: list = field(default_factory=list)
    at: list = field(default_factory=list)
    reference: list = field(default_factory=list)  # object arrays
    orders: list = field(default_factory=list)  # purchase-order tuples of arrays

    def book(self, kind: int, sku: np.ndarray, quantity: np.ndarray, at: np.ndarray, reference: np.ndarray) -> None:
        if len(sku):
            self.sku.append(sku)
            self.kind.append(np.full(len(sku), kind, dtype=np.int8))
            self.quantity.append(quantity.astype(np.int64))
            self.at.append(at.astype("datetime64[ns]"))
            self.reference.append(reference)


@dataclass
class Outcome:
    stock: np.ndarray  # at as_of
    shipped: np.ndarray  # bool per line
    out_of_stock: np.ndarray  # bool per line: cancelled at shipping time
    event_done: np.ndarray  # bool per line: its return / refusal / exchange happened by as_of
    swapped_to_return: np.ndarray  # bool per line: exchange became a return (sibling out of stock)
    journal: Journal


def demand_curve(cal: ShopCalendar, factors: np.ndarray) -> np.ndarray:
    """Cumulative daily demand factor per category, sales included (channel-weighted)."""
    sale_mix = (CHANNEL_SHARE[:, None] * cal.channel_factor()).sum(axis=0)
    per_day = factors * sale_mix
    return np.hstack([np.zeros((per_day.shape[0], 1)), np.cumsum(per_day, axis=1)])


class Simulation:
    """Runs the days from ``cal.first`` to ``cal.as_of``."""

    def __init__(self, cal: ShopCalendar, lines: Lines, ful: Fulfilment, policy: Policy, sibling: np.ndarray,
                 order_numbers: np.ndarray, rng: np.random.Generator) -> None:
        self.cal, self.lines, self.ful, self.policy, self.sibling = cal, lines, ful, policy, sibling
        self.refs, self.rng = order_numbers, rng
        self.as_of = np.datetime64(cal.as_of, "ns")
        self.days = cal.days.to_numpy()
        n_items, n_lines = len(policy.leaf), len(lines.day)
        self.stock = np.zeros(n_items, dtype=np.int64)
        self.on_order = np.zeros(n_items, dtype=np.int64)
        self.receipts: dict[int, list[tuple]] = defaultdict(list)
        self.out = Outcome(self.stock, np.zeros(n_lines, bool), np.zeros(n_lines, bool), np.zeros(n_lines, bool),
                           np.zeros(n_lines, bool), Journal())
        self._index_units()
        self._index_events()

    def run(self) -> Outcome:
        self._opening()
        for day in range(self.cal.history):
            self._receive(day)
            self._after_sale_events(day)
            self._ship(day)
            self._stocktake(day)
            self._reorder(day)
        return self.out

    # -------------------------------------------------------------- set-up
    def _index_units(self) -> None:
        u = self.ful.units
        candidate = (self.ful.event[u.line] != 1) & (self.ful.ship_at[u.line] <= self.as_of)
        order = np.flatnonzero(candidate)[np.argsort(self.ful.ship_day[u.line[candidate]], kind="stable")]
        self.unit_order = order
        self.unit_bounds = np.searchsorted(self.ful.ship_day[u.line[order]], np.arange(len(self.days) + 1))
        # units of each line, for returns: line -> slice of the line-sorted unit arrays
        self.line_bounds = np.searchsorted(u.line, np.arange(len(self.lines.day) + 1))

    def _index_events(self) -> None:
        kinds = np.isin(self.ful.event, (RETURN, REFUSED, EXCHANGE)) & (self.ful.event_at <= self.as_of)
        lines = np.flatnonzero(kinds)
        lines = lines[np.argsort(self.ful.event_day[lines], kind="stable")]
        self.event_lines = lines
        self.event_bounds = np.searchsorted(self.ful.event_day[lines], np.arange(len(self.days) + 1))

    def _opening(self) -> None:
        p = self.policy
        lead = p.arrival[np.maximum(p.supplier, 0), 0] + 30
        opening = np.where(p.leaf, np.ceil(p.forward(0, lead)).astype(np.int64) + 2, 0)
        sku = np.flatnonzero(opening > 0)
        self.stock[sku] = opening[sku]
        at = np.full(len(sku), self.days[0])
        self.out.journal.book(STOCKTAKE, sku, opening[sku], at, np.full(len(sku), "期首在庫", dtype=object))

    # -------------------------------------------------------------- one day
    def _receive(self, day: int) -> None:
        for sku, qty, at, ref in self.receipts.pop(day, []):
            np.add.at(self.stock, sku, qty)
            np.subtract.at(self.on_order, sku, qty)
            self.out.journal.book(INBOUND, sku, qty, at, ref)

    def _after_sale_events(self, day: int) -> None:
        lines = self.event_lines[self.event_bounds[day]:self.event_bounds[day + 1]]
        lines = lines[self.out.shipped[lines]]
        for kind, book_as in ((RETURN, RETURNED), (REFUSED, CANCEL_BACK)):
            back = lines[self.ful.event[lines] == kind]
            self._put_back(back, book_as)
        for line in lines[self.ful.event[lines] == EXCHANGE].tolist():
            self._exchange(line)
        self.out.event_done[lines] = True

    def _put_back(self, lines: np.ndarray, kind: int) -> None:
        if not len(lines):
            return
        u = self.ful.units
        idx = np.concatenate([np.arange(self.line_bounds[i], self.line_bounds[i + 1]) for i in lines.tolist()])
        np.add.at(self.stock, u.sku[idx], u.quantity[idx])
        self.out.journal.book(kind, u.sku[idx], u.quantity[idx], self.ful.event_at[u.line[idx]], self.refs[u.line[idx]])

    def _exchange(self, line: int) -> None:
        sku, other, qty = int(self.lines.sku[line]), int(self.sibling[self.lines.sku[line]]), int(self.lines.quantity[line])
        at, ref = self.ful.event_at[line], self.refs[line]
        self.stock[sku] += qty
        if self.stock[other] < qty:  # nothing to swap to: the customer returns it instead
            self.out.swapped_to_return[line] = True
            self.out.journal.book(RETURNED, np.array([sku]), np.array([qty]), np.array([at]), np.array([ref], object))
            return
        self.stock[other] -= qty
        sent = min(at + np.timedelta64(30, "m"), self.as_of)  # the replacement leaves 30 min later, never after as_of
        self.out.journal.book(SWAP, np.array([sku, other]), np.array([qty, -qty]), np.array([at, sent]),
                              np.array([ref, ref], dtype=object))

    def _ship(self, day: int) -> None:
        u = self.ful.units
        idx = self.unit_order[self.unit_bounds[day]:self.unit_bounds[day + 1]]
        if not len(idx):
            return
        sku, qty, line = u.sku[idx], u.quantity[idx], u.line[idx]
        by_sku = np.argsort(sku, kind="stable")
        s, q = sku[by_sku], qty[by_sku]
        first = np.r_[True, s[1:] != s[:-1]]
        before = (np.cumsum(q) - q)[first][np.cumsum(first) - 1]
        short = np.empty(len(idx), dtype=bool)
        short[by_sku] = np.cumsum(q) - before > self.stock[s]
        ok = ~np.isin(line, line[short])
        self.stock -= np.bincount(sku[ok], weights=qty[ok], minlength=len(self.stock)).astype(np.int64)
        self.out.shipped[line[ok]] = True
        self.out.out_of_stock[line[~ok]] = True
        self.out.journal.book(SHIPMENT, sku[ok], qty[ok], self.ful.ship_at[line[ok]], self.refs[line[ok]])

    def _stocktake(self, day: int) -> None:
        at = self.days[day] + np.timedelta64(19, "h")
        if self.days[day + 1].astype("datetime64[D]").item().day != 1 or at > self.as_of:
            return
        counted = np.flatnonzero(self.policy.leaf & (self.stock > 0) & (self.rng.random(len(self.stock)) < 0.01))
        delta = np.maximum(self.rng.choice([-2, -1, -1, 1], size=len(counted)), -self.stock[counted])
        counted, delta = counted[delta != 0], delta[delta != 0]
        self.stock[counted] += delta
        month = str(self.days[day].astype("datetime64[M]"))
        self.out.journal.book(STOCKTAKE, counted, delta, np.full(len(counted), at),
                              np.full(len(counted), f"棚卸 {month}", dtype=object))

    def _reorder(self, day: int) -> None:
        at = self.days[day] + np.timedelta64(17, "h")
        if at > self.as_of:
            return
        p = self.policy
        sup = np.maximum(p.supplier, 0)
        lead = p.arrival[sup, day] - day
        position = self.stock + self.on_order
        need = p.leaf & p.works[sup, day] & (position < 1.3 * p.forward(day, lead + 3) + 1)
        sku = np.flatnonzero(need)
        if not len(sku):
            return
        target = 1.3 * p.forward(day, lead[sku] + 3 + REVIEW_DAYS, sku) + 2
        pack, moq = p.pack[sup[sku]], p.moq[sup[sku]]
        qty = np.ceil(np.maximum(target - position[sku], moq) / pack).astype(np.int64) * pack
        self._place(day, sku, qty, sup[sku])

    def _place(self, day: int, sku: np.ndarray, qty: np.ndarray, sup: np.ndarray) -> None:
        expected = self.policy.arrival[sup, day]
        receive = np.maximum(day + 1, expected + self.rng.choice(DELAYS, size=len(sku)))
        at = self.days[np.minimum(receive, len(self.days) - 1)] + (
            10 * HOUR + SECOND * self.rng.integers(0, 2 * 3600, size=len(sku))).astype("timedelta64[ns]")
        stamp = str(self.days[day].astype("datetime64[D]")).replace("-", "")
        codes, at_code = np.unique(sup, return_inverse=True)
        ref = np.array([f"PO{stamp}-SUP{s + 1:03d}" for s in codes.tolist()], dtype=object)[at_code]
        self.on_order[sku] += qty
        self.out.journal.orders.append((sku, qty, np.full(len(sku), day), expected, sup, ref, at))
        arrived = (at <= self.as_of) & (receive < len(self.days))
        for d in np.unique(receive[arrived]).tolist():
            hit = arrived & (receive == d)
            self.receipts[d].append((sku[hit], qty[hit], at[hit], ref[hit]))
