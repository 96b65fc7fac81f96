"""Plant discrepancies with a known cause into a consistent sample shop.

``plant(shop, seed, share)`` perturbs a shop that satisfies data-contracts §3 and returns
the new shop plus a *truth* frame: one row per master SKU (and per planted orphan code)
with the cause reconciliation should find (``cause``: the ``Cause`` label), the planted
``plant`` kind and the planted ``delta``. Untouched SKUs are ``一致``, except SKUs whose
warehouse code is already drifted in the shop (``表記揺れ``, plant ``baseline_drift``).

Plants (each on SKUs no other plant touches; all but the set plants on singles that no
set uses, so one plant never changes another SKU's numbers):

============================  ==========  ===================================================
plant                         cause       what changes
============================  ==========  ===================================================
``delay_order``               遅延        an unshipped Yahoo order after RMS's last update
``delay_inbound``             遅延        inbound received (WMS row + ledger) after RMS's last update
``split_rms``                 分断        RMS off by ±2..9, nothing pending
``split_ledger``              分断        a ledger 棚卸調整 ±2..9 the warehouse never saw
``notation_normalised``       表記揺れ    the warehouse code respelt (全角, ー, case, spaces)
``notation_unmatched``        表記揺れ    the warehouse code changed so nothing matches it
``set_over``                  セット      a set's RMS number above what its components allow
``set_double``                セット      a component single shows the units given to sets
``pending_inbound``           未反映      inbound in the WMS (and RMS), not booked in the ledger
``pending_return``            未反映      a shipped order returned, 返品 not booked
``pending_cancel``            未反映      a shipped order cancelled, キャンセル戻し not booked
``unknown``                   不明        RMS and ledger both off by unrelated amounts
============================  ==========  ===================================================

Times: orders, receipts and returns are planted in the hours before RMS's last update
(recent, so a window of the last days, ``sample_shop.window``, keeps them) and move the
warehouse row's time (``updated_at``: its numbers are as of its last movement). Ledger-only
adjustments lie before the warehouse row's time (the WMS should have seen them).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from zaiko_xl.domain.allocation import open_allocations
from zaiko_xl.domain.bom import explode_bom
from zaiko_xl.domain.reconcile import Cause
from zaiko_xl.domain.sku import normalise_code

PLANTS: dict[str, Cause] = {
    "delay_order": Cause.DELAY, "delay_inbound": Cause.DELAY, "split_rms": Cause.SPLIT,
    "split_ledger": Cause.SPLIT, "notation_normalised": Cause.NOTATION, "notation_unmatched": Cause.NOTATION,
    "set_over": Cause.SET, "set_double": Cause.SET, "pending_inbound": Cause.PENDING,
    "pending_return": Cause.PENDING, "pending_cancel": Cause.PENDING, "unknown": Cause.UNKNOWN,
}
_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
_MIN = pd.Timedelta(minutes=1)


def plant(shop: Any, seed: int, share: float = 0.05, kinds: tuple[str, ...] = tuple(PLANTS)) -> tuple[Any, pd.DataFrame]:
    """Perturb ``share`` of the SKUs of a consistent ``shop`` (at least one per kind).

    Args:
        shop: any object with the data-contracts frames as attributes (``items``, ``bom``,
            ``set_rules``, ``warehouse``, ``rms_stock``, ``ledger``, ``orders``, ``inbound``)
            and ``as_of``; it is not changed.
        seed: random seed; the same seed gives the same plants.
        share: the part of the SKUs to perturb, spread evenly over ``kinds``.
        kinds: which plants to use (keys of ``PLANTS``).

    Returns:
        ``(new_shop, truth)``; truth columns: ``sku``, ``cause``, ``plant``, ``delta``.
    """
    p = _Planter(shop, np.random.default_rng(seed))
    per_kind = max(1, round(share * len(p.items) / max(1, len(kinds))))
    for kind in kinds:
        for sku in p.take(kind, per_kind):
            getattr(p, kind)(sku)
    return p.result(shop)


class _Planter:
    def __init__(self, shop: Any, rng: np.random.Generator) -> None:
        self.rng = rng
        self.f = {name: getattr(shop, name).copy() for name in
                  ("items", "bom", "set_rules", "warehouse", "rms_stock", "ledger", "orders", "inbound")}
        self.items = self.f["items"]
        self.as_of = pd.Timestamp(getattr(shop, "as_of", None) or self.f["rms_stock"]["updated"].max())
        self.truth: list[tuple[str, str, str, int]] = []
        self.extra: dict[str, list[dict]] = {"ledger": [], "orders": [], "inbound": []}
        self._n = 0
        self._index_rows()

    def _index_rows(self) -> None:
        items, wh, rms = self.items, self.f["warehouse"], self.f["rms_stock"]
        self.wh_row = pd.Series(wh.index, index=wh["warehouse_code"].astype(str))
        self.wh_row = self.wh_row[~self.wh_row.index.duplicated()]
        rkey = rms["manage_number"].astype(str) + ":" + rms["variant_id"].astype(str)
        ikey = items["manage_number"].astype(str) + ":" + items["variant_id"].astype(str)
        self.rms_row = pd.Series(rms.index, index=rkey).reindex(ikey.to_numpy())
        self.rms_row.index = items["sku"].astype(str).to_numpy()
        self.wh_code = pd.Series(items["warehouse_code"].astype(str).to_numpy(), index=items["sku"].astype(str))
        leaves = explode_bom(self.f["bom"]) if not self.f["bom"].empty else pd.DataFrame(
            {"set_sku": [], "component_sku": [], "quantity": []})
        self.leaves = leaves.astype({"set_sku": str, "component_sku": str})
        self.used = set(self.leaves["component_sku"])
        self.recipes = set(self.leaves["set_sku"])
        self.free = [s for s, is_set in zip(items["sku"].astype(str), items["is_set"], strict=True)
                     if not is_set and s not in self.used and self.wh_code[s] in self.wh_row.index
                     and not pd.isna(self.rms_row.get(s))]
        self.rng.shuffle(self.free)
        self.taken: set[str] = set()

    # ---------------------------------------------------------------- choosing SKUs
    def take(self, kind: str, count: int) -> list[str]:
        pool = {"set_over": self._sets, "set_double": self._components}.get(kind, lambda: self.free)()
        ok = [s for s in pool if s not in self.taken and self._fits(kind, s)][:count]
        self.taken.update(ok)
        return ok

    def _sets(self) -> list[str]:
        return [s for s in sorted(self.recipes) if not pd.isna(self.rms_row.get(s))]

    def _components(self) -> list[str]:
        comps = sorted(self.used - set(self.recipes))
        return [c for c in comps if self.wh_code.get(c) in self.wh_row.index and not pd.isna(self.rms_row.get(c))]

    def _fits(self, kind: str, sku: str) -> bool:
        rms_t = self._rms("updated", sku)
        if kind == "delay_order":
            return self._rms("quantity", sku) >= 1 and rms_t < self.as_of - 2 * _MIN
        if kind == "delay_inbound":
            return rms_t < self.as_of - 2 * _MIN
        if kind == "set_double":
            return self._double_units(sku) > 0
        return True

    # ---------------------------------------------------------------- helpers
    def _rms(self, col: str, sku: str) -> Any:
        return self.f["rms_stock"].at[self.rms_row[sku], col]

    def _wh(self, col: str, sku: str) -> Any:
        return self.f["warehouse"].at[self.wh_row[self.wh_code[sku]], col]

    def _add_rms(self, sku: str, delta: int) -> None:
        self.f["rms_stock"].at[self.rms_row[sku], "quantity"] = int(self._rms("quantity", sku)) + delta

    def _add_wh(self, sku: str, delta: int) -> None:
        row = self.wh_row[self.wh_code[sku]]
        for col in ("on_hand", "available"):
            self.f["warehouse"].at[row, col] = int(self.f["warehouse"].at[row, col]) + delta

    def _ref(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}-{self._n:05d}"

    def _ledger(self, sku: str, kind: str, qty: int, at: pd.Timestamp, ref: str) -> None:
        self.extra["ledger"].append({"sku": sku, "kind": kind, "quantity": qty, "at": at, "reference": ref})

    def _order(self, sku: str, qty: int, status: str, ordered: pd.Timestamp, changed: pd.Timestamp | None) -> str:
        number = self._ref("PLANT-ORD")
        self.extra["orders"].append({"order_number": number, "channel": "yahoo", "sku": sku, "quantity": qty,
                                     "status": status, "ordered_at": ordered, "changed_at": changed})
        return number

    def _before_both(self, sku: str) -> pd.Timestamp:
        return min(self._rms("updated", sku), self._wh("updated_at", sku)) - 10 * _MIN

    def _recent(self, sku: str) -> pd.Timestamp:
        """A moment in the hours before RMS's last update (goods that arrive then: see ``_arrived``)."""
        return (self._rms("updated", sku) - int(self.rng.integers(10, 120)) * _MIN).floor("s")

    def _arrived(self, sku: str, at: pd.Timestamp) -> None:
        """Goods reached the warehouse at ``at``: its row's numbers are as of then (or later)."""
        row = self.wh_row[self.wh_code[sku]]
        self.f["warehouse"].at[row, "updated_at"] = max(pd.Timestamp(self._wh("updated_at", sku)), at)

    def _small(self) -> int:
        return int(self.rng.integers(2, 10)) * int(self.rng.choice([-1, 1]))

    def _mark(self, sku: str, kind: str, delta: int) -> None:
        self.truth.append((sku, PLANTS[kind].value, kind, delta))

    def _sellable(self, sku: str) -> int:
        """On hand minus open allocations (of the shop as given; may be negative)."""
        if not hasattr(self, "_alloc"):
            self._alloc = open_allocations(self.f["orders"], self.f["bom"])
        return int(self._wh("on_hand", sku)) - int(self._alloc.get(sku, 0))

    def _double_units(self, sku: str) -> int:
        """Units the set rule gives to sets from this component (consistent shop, no buffer)."""
        return max(0, self._sellable(sku) - int(self._rms("quantity", sku)))

    # ---------------------------------------------------------------- the plants
    def delay_order(self, sku: str) -> None:
        rms_t = self._rms("updated", sku)
        qty = int(min(self._rms("quantity", sku), self.rng.integers(1, 6)))
        self._order(sku, qty, "unshipped", rms_t + (self.as_of - rms_t) / 2, None)
        self._mark(sku, "delay_order", -qty)

    def delay_inbound(self, sku: str) -> None:
        """Received after RMS's last update; the warehouse row (and its time) and the ledger have it."""
        rms_t = self._rms("updated", sku)
        at = (rms_t + (self.as_of - rms_t) / 2).floor("s")
        qty, ref = int(self.rng.integers(5, 30)), self._ref("PLANT-PO")
        self._inbound(sku, qty, at, ref)
        self._ledger(sku, "入荷", qty, at, ref)
        self._add_wh(sku, qty)
        self._arrived(sku, at)
        self._mark(sku, "delay_inbound", qty)

    def split_rms(self, sku: str) -> None:
        delta = self._small()
        delta = abs(delta) if self._rms("quantity", sku) + delta < 0 else delta
        self._add_rms(sku, delta)
        self._mark(sku, "split_rms", delta)

    def split_ledger(self, sku: str) -> None:
        delta = self._small()
        self._ledger(sku, "棚卸調整", delta, self._before_both(sku), self._ref("PLANT-ADJ"))
        self._mark(sku, "split_ledger", delta)

    def notation_normalised(self, sku: str) -> None:
        code = self.wh_code[sku]
        variants = [code.translate(_FULLWIDTH), code.replace("-", "ー"), code.swapcase(), f" {code} "]
        new = [v for v in variants if v != code][int(self.rng.integers(0, 3))]
        self.f["warehouse"].at[self.wh_row[code], "warehouse_code"] = new
        self._mark(sku, "notation_normalised", 0)

    def notation_unmatched(self, sku: str) -> None:
        code = self.wh_code[sku]
        new = f"{code}-旧"
        assert normalise_code(new) != normalise_code(code)
        self.f["warehouse"].at[self.wh_row[code], "warehouse_code"] = new
        self._mark(sku, "notation_unmatched", 0)
        self.truth.append((new, Cause.NOTATION.value, "notation_unmatched", 0))

    def set_over(self, sku: str) -> None:
        delta = int(self.rng.integers(1, 6))
        self._add_rms(sku, delta)
        self._mark(sku, "set_over", delta)

    def set_double(self, sku: str) -> None:
        delta = self._double_units(sku)
        self._add_rms(sku, delta)
        self._mark(sku, "set_double", delta)

    def pending_inbound(self, sku: str) -> None:
        qty, at = int(self.rng.integers(5, 30)), self._recent(sku)
        before = self._sellable(sku)
        self._inbound(sku, qty, at, self._ref("PLANT-PO"))
        self._add_wh(sku, qty)
        self._arrived(sku, at)
        self._add_rms(sku, max(0, before + qty) - max(0, before))  # RMS shows the new units (from 0 up)
        self._mark(sku, "pending_inbound", qty)

    def pending_return(self, sku: str, status: str = "returned", kind: str = "pending_return") -> None:
        back, qty = self._recent(sku), int(self.rng.integers(1, 4))
        number = self._order(sku, qty, status, back - 120 * _MIN, back)
        self._arrived(sku, back)  # out and back: on hand unchanged, the row's time moves
        self._ledger(sku, "出荷", qty, back - 60 * _MIN, number)
        self._mark(sku, kind, qty)

    def pending_cancel(self, sku: str) -> None:
        self.pending_return(sku, "cancelled", "pending_cancel")

    def unknown(self, sku: str) -> None:
        ledger_delta, rms_delta = self._small(), self._small()
        rms_delta = abs(rms_delta) if self._rms("quantity", sku) + rms_delta < 0 else rms_delta
        self._ledger(sku, "棚卸調整", ledger_delta, self._before_both(sku), self._ref("PLANT-ADJ"))
        self._add_rms(sku, rms_delta)
        self._mark(sku, "unknown", rms_delta)

    def _inbound(self, sku: str, qty: int, at: pd.Timestamp, ref: str) -> None:
        self.extra["inbound"].append({"sku": sku, "quantity": qty, "expected_on": at.normalize(),
                                      "supplier": "", "reference": ref, "received_at": at})

    # ---------------------------------------------------------------- the result
    def result(self, shop: Any) -> tuple[Any, pd.DataFrame]:
        frames = dict(self.f)
        for name, rows in self.extra.items():
            if rows:
                added = pd.DataFrame(rows).astype({c: frames[name][c].dtype for c in rows[0]
                                                   if c in frames[name] and frames[name][c].dtype.kind == "M"})
                frames[name] = pd.concat([frames[name], added], ignore_index=True)
        return _replace(shop, frames), self._truth()

    def _truth(self) -> pd.DataFrame:
        planted = pd.DataFrame(self.truth, columns=["sku", "cause", "plant", "delta"])
        rest = self.items.loc[~self.items["sku"].astype(str).isin(planted["sku"]), ["sku", "is_set"]]
        drifted = ~rest["is_set"].astype(bool) & ~rest["sku"].map(self.wh_code).isin(self.wh_row.index)
        others = pd.DataFrame({"sku": rest["sku"].astype(str),
                               "cause": np.where(drifted, Cause.NOTATION.value, Cause.AGREE.value),
                               "plant": np.where(drifted, "baseline_drift", ""), "delta": 0})
        return pd.concat([planted, others], ignore_index=True)


def _replace(shop: Any, frames: dict[str, pd.DataFrame]) -> Any:
    if dataclasses.is_dataclass(shop) and not isinstance(shop, type):
        return dataclasses.replace(shop, **frames)
    new = copy.copy(shop)
    for name, frame in frames.items():
        setattr(new, name, frame)
    return new
