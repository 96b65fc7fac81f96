"""An audit of the sandbox's stock, for reliability tests and drills (in-process only).

It wraps the state's mutating methods (no change to their code) and keeps, per SKU:

* ``writes``: how many stock writes (bulk-upsert elements, single PUTs) RMS applied;
* ``sold``: units of orders that are not cancelled (shipped ones included);
* ``peak``: the highest ``quantity + sold`` seen since ``start()``: the units the shop
  could ever have to deliver. A SKU is **oversold** when ``peak`` exceeds its physical
  stock; with RELATIVE pushes ``quantity + sold`` only changes when a write is applied,
  so ``peak`` also reveals a write applied twice even if something later lowered it.

Call every method with ``state.lock`` held, as the state's own methods are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from zaiko_xl.sandbox.state import Key, SandboxState


@dataclass
class SkuAudit:
    quantity: int
    sold: int
    peak: int
    writes: int = 0


@dataclass
class StockAudit:
    state: SandboxState
    skus: dict[Key, SkuAudit] = field(default_factory=dict)
    _sold: Counter = field(default_factory=Counter)

    def attach(self) -> StockAudit:
        """Wrap set_stock, place_order and cancel_order of the state (idempotent per state)."""
        state = self.state
        set_stock, place, cancel = state.set_stock, state.place_order, state.cancel_order

        def audited_set_stock(rows: Any, *, at: Any = None) -> None:
            rows = list(rows)
            set_stock(rows, at=at)
            for manage_number, variant_id, _quantity in rows:
                self._touch((manage_number.lower(), variant_id), write=True)

        def audited_place(lines: Any, at: Any = None, progress: int = 100) -> Any:
            order = place(lines, at, progress)
            for line in order.lines:
                self._sold[(line.manage_number, line.variant_id)] += line.units
                self._touch((line.manage_number, line.variant_id))
            return order

        def audited_cancel(number: str, *, after_shipping: bool = False, reason: int | None = None) -> Any:
            was = state.orders[number].progress
            order = cancel(number, after_shipping=after_shipping, reason=reason)
            if was != 900:
                for line in order.lines:
                    self._sold[(line.manage_number, line.variant_id)] -= line.units
                    self._touch((line.manage_number, line.variant_id))
            return order

        state.set_stock, state.place_order, state.cancel_order = audited_set_stock, audited_place, audited_cancel
        return self

    def start(self) -> None:
        """Measure from now: sold units from the current orders, peaks = the current exposure."""
        with self.state.lock:
            self._sold = Counter()
            for order in self.state.orders.values():
                if order.progress != 900:
                    for line in order.lines:
                        self._sold[(line.manage_number, line.variant_id)] += line.units
            self.skus = {}
            for key, record in self.state.inventory.items():
                exposure = record.quantity + self._sold[key]
                self.skus[key] = SkuAudit(record.quantity, self._sold[key], exposure)

    def report(self) -> dict[Key, SkuAudit]:
        """A copy of every SKU's audit, taken under the state lock."""
        with self.state.lock:
            return {k: SkuAudit(a.quantity, a.sold, a.peak, a.writes) for k, a in self.skus.items()}

    def _touch(self, key: Key, *, write: bool = False) -> None:
        record = self.state.inventory.get(key)
        if record is None:
            return
        audit = self.skus.setdefault(key, SkuAudit(record.quantity, self._sold[key], 0))
        audit.quantity, audit.sold = record.quantity, self._sold[key]
        audit.peak = max(audit.peak, audit.quantity + audit.sold)
        audit.writes += int(write)
