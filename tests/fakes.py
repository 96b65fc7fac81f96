"""Working in-memory fakes, one per port (tests assert on their end state)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.rms import StockChange, UpsertMode
from zaiko_xl.errors import ApiRejected, RmsSkuRejected, WriteOutcomeUnknown


class FakeRmsStock:
    """RmsStockWriter in memory: a stock dict, a script of what each send does, and hooks.

    ``script`` entries (one per ``send_batch``, then "ok"): ``"ok"``; ``"lost"`` (timed out
    before RMS applied it: unknown, not applied); ``"late"`` (applied, then the answer was
    lost: unknown, applied); ``"reject:<manage:variant>"`` (RMS refuses that SKU, nothing
    applied); ``"refuse"`` (a 400 for the whole request). ``between`` runs before every call,
    e.g. to place orders while the push runs.
    """

    def __init__(self, stock: dict[str, int], script: Sequence[str] = (),
                 between: Callable[[FakeRmsStock], None] | None = None) -> None:
        self.stock = dict(stock)
        self.script = list(script)
        self.between = between
        self.sent: list[tuple[str, list[tuple[str, int]]]] = []
        self.applied: list[tuple[str, str, int]] = []  # (key, mode, quantity) of every write RMS applied

    def get_stock(self, keys: Sequence[RmsSkuKey]) -> pd.DataFrame:
        self._tick()
        rows = [(k.manage_number, k.variant_id, self.stock[str(k)], "2026-05-01T10:00:00+09:00")
                for k in keys if str(k) in self.stock]
        return pd.DataFrame(rows, columns=["manage_number", "variant_id", "quantity", "updated"])

    def send_batch(self, changes: Sequence[StockChange], mode: UpsertMode) -> None:
        self._tick()
        action = self.script.pop(0) if self.script else "ok"
        self.sent.append((action, [(str(c.key), c.quantity) for c in changes]))
        if action.startswith("reject:"):
            raise RmsSkuRejected(sku=action.split(":", 1)[1], endpoint="inventories.bulk.upsert", status=400,
                                 rms_code="IE0002", detail="refused")
        if action == "refuse":
            raise ApiRejected(endpoint="inventories.bulk.upsert", status=400, rms_code="GE0011", detail="refused")
        if action == "lost":
            raise WriteOutcomeUnknown(endpoint="inventories.bulk.upsert", sku=str(changes[0].key), detail="timeout")
        if action == "partial":  # RMS applied the first 3 SKUs only, and the answer was lost
            changes = changes[:3]
        for change in changes:
            key = str(change.key)
            self.stock[key] = change.quantity if mode is UpsertMode.ABSOLUTE else self.stock[key] + change.quantity
            self.applied.append((key, mode.value, change.quantity))
        if action in ("late", "partial"):
            raise WriteOutcomeUnknown(endpoint="inventories.bulk.upsert", sku=str(changes[0].key), detail="timeout")

    def order(self, key: str, units: int = 1) -> None:
        """A shopper buys (or, with negative units, a cancel gives back)."""
        self.stock[key] -= units

    def _tick(self) -> None:
        if self.between is not None:
            self.between(self)


class FakeClock:
    """now() advances only when someone sleeps."""

    def __init__(self, start: pd.Timestamp | None = None) -> None:
        self.current = (start or pd.Timestamp("2026-05-01 10:00:00")).to_pydatetime()
        self.slept = 0.0

    def now(self):
        return self.current

    def sleep(self, seconds: float) -> None:
        from datetime import timedelta

        self.slept += seconds
        self.current += timedelta(seconds=seconds)
