"""The push reliability scenario, shared by the tests and the benchmark.

A shop of N SKUs is loaded into the sandbox: per SKU a physical stock ``P``, some open
orders ``A0``, an RMS value ``R0 <= P - A0`` (nothing is oversold to begin with), a buffer
``B`` and the confirmed target ``T = P - A0 - B`` (the 確定在庫 a person would tick). A few
SKUs have no RMS record yet (written ABSOLUTE). The plan is pushed while the sandbox's
shopper places and cancels orders and faults are injected.

What "right" means, per SKU, from the sandbox audit (``zaiko_xl.sandbox.audit``):

* ``L = quantity + sold`` (units shown + units sold and not cancelled) never changes by an
  order or a cancel, only by our write. Expected at the end: ``L = T + A0`` for a planned
  SKU (its delta applied exactly once), ``L = R0 + A0`` for the others.
  ``L - expected == -delta`` is a **lost** update, ``+delta`` a **doubled** one;
* ``writes`` (applied stock writes) is exactly 1 for a planned SKU, 0 otherwise;
* **oversold** units: ``max(0, peak L - P)`` (the shop could have to deliver more than it has).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import pandas as pd

from zaiko_xl.sandbox.audit import StockAudit
from zaiko_xl.sandbox.state import Line, SandboxState

Key = tuple[str, str]
UPSERT_FAULTS = ("5xx", "429", "timeout", "drop", "drop_after_write")
READ_FAULTS = ("5xx", "429", "drop")


@dataclass
class Shop:
    physical: dict[Key, int] = field(default_factory=dict)
    open_before: dict[Key, int] = field(default_factory=dict)
    before: dict[Key, int | None] = field(default_factory=dict)
    target: dict[Key, int] = field(default_factory=dict)

    def rows(self) -> pd.DataFrame:
        """The 在庫比較 rows a person confirmed: every SKU ticked (反映)."""
        keys = list(self.target)
        return pd.DataFrame({
            "sku": [f"{m.upper()}-{v}" for m, v in keys], "manage_number": [m for m, _ in keys],
            "variant_id": [v for _, v in keys], "rms": pd.array([self.before[k] for k in keys], dtype="Int64"),
            "confirmed": [self.target[k] for k in keys], "push": True, "row": range(8, 8 + len(keys))})


@dataclass
class Verdict:
    checked: int
    planned: int
    oversold_units: int
    lost: int
    doubled: int
    mismatched: int
    write_count_errors: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not (self.oversold_units or self.lost or self.doubled or self.mismatched or self.write_count_errors)


def build_shop(skus: int, seed: int, new_share: float = 0.01) -> Shop:
    rng = random.Random(seed)
    shop = Shop()
    for i in range(skus):
        key = (f"rel-{i // 20:05d}", f"v{i:06d}")
        open_units, buffer = rng.choice((0, 0, 0, 1, 2)), rng.randint(0, 3)
        physical = open_units + buffer + rng.randint(5, 40)
        before = None if rng.random() < new_share else rng.randint(0, physical - open_units)
        shop.physical[key], shop.open_before[key], shop.before[key] = physical, open_units if before is not None else 0, before
        shop.target[key] = physical - shop.open_before[key] - buffer
    return shop


def load(state: SandboxState, shop: Shop) -> StockAudit:
    """Put the shop into the sandbox (in-process) and start an audit."""
    with state.lock:
        state.clear()
        state.set_stock([(m, v, q + shop.open_before[(m, v)]) for (m, v), q in shop.before.items() if q is not None])
        for key, units in shop.open_before.items():
            if units:
                state.place_order([Line(key[0], key[1], units)])
    audit = StockAudit(state).attach()
    audit.start()
    return audit


def fault_rules(rate: float) -> list[dict]:
    """``rate`` of bulk-upserts and bulk-gets fail, spread over every kind."""
    upsert = [{"function": "inventories.bulk.upsert", "kind": k, "rate": rate / len(UPSERT_FAULTS)}
              for k in UPSERT_FAULTS]
    reads = [{"function": "inventories.bulk.get", "kind": k, "rate": rate / len(READ_FAULTS)} for k in READ_FAULTS]
    return upsert + reads


def verify(shop: Shop, audit: StockAudit) -> Verdict:
    report = audit.report()
    oversold = lost = doubled = mismatched = write_errors = planned = 0
    problems: list[str] = []
    for key, target in shop.target.items():
        before, open_units = shop.before[key], shop.open_before[key]
        delta = target - (before or 0)
        is_planned = before is None or delta != 0
        planned += is_planned
        entry = report.get(key)
        if entry is None:
            mismatched += 1
            problems.append(f"{key}: no record")
            continue
        oversold += max(0, entry.peak - shop.physical[key])
        expected = target + open_units if is_planned else (before or 0) + open_units
        gap = entry.quantity + entry.sold - expected
        if gap:
            kind = "lost" if gap == -delta else "doubled" if gap == delta else "mismatch"
            lost, doubled, mismatched = lost + (kind == "lost"), doubled + (kind == "doubled"), mismatched + (
                kind == "mismatch")
            problems.append(f"{key}: {kind} (L {entry.quantity + entry.sold}, expected {expected}, delta {delta})")
        if entry.writes != int(is_planned):
            write_errors += 1
            problems.append(f"{key}: {entry.writes} writes applied")
    return Verdict(len(shop.target), planned, oversold, lost, doubled, mismatched, write_errors, problems[:20])
