"""REPLACE with ``sample_shop.generate``: a small consistent shop for reconciliation work.

A stand-in until the real generator lands on this branch. It produces the frames of
data-contracts §2 satisfying the consistency equations of §3 at ``as_of`` for every SKU,
with the warehouse file's codes drifted for about 5% of rows (they match after
normalisation). Vectorised, so 100,000 SKUs take a second or two.

Timeline: every event lies in [as_of - 30 days, as_of - 1 h]; the warehouse file is
exported at ``as_of - 30 min``; RMS's last update of each SKU lies in
[as_of - 50 min, as_of - 5 min] (so about half of them are older than the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from zaiko_xl.domain._reconcile_standins import allot_sets, explode_bom

AS_OF = datetime(2026, 11, 25, 12, 0)
_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


@dataclass(frozen=True)
class StandinShop:
    items: pd.DataFrame
    bom: pd.DataFrame
    set_rules: pd.DataFrame
    warehouse: pd.DataFrame
    rms_stock: pd.DataFrame
    ledger: pd.DataFrame
    orders: pd.DataFrame
    inbound: pd.DataFrame
    as_of: datetime


def consistent_shop(n_skus: int = 200, seed: int = 1, as_of: datetime = AS_OF, *,
                    set_share: float = 0.05, drift: float = 0.05) -> StandinShop:
    """A consistent shop of ``n_skus`` SKUs (``set_share`` of them sets, some nested; ``drift`` of
    the warehouse codes respelt)."""
    rng = np.random.default_rng(seed)
    t = pd.Timestamp(as_of)
    n_sets = max(2, round(n_skus * set_share)) if set_share > 0 else 0
    singles = np.array([f"SKU-{i:06d}" for i in range(n_skus - n_sets)], dtype=object)
    sets = np.array([f"SET-{j:05d}" for j in range(n_sets)], dtype=object)
    bom, set_rules = _bom(rng, singles, sets)
    items = _items(rng, singles, sets)
    orders = _orders(rng, singles, sets, t)
    lines = _leaf_lines(orders, bom)
    inbound = _inbound(rng, singles, t)
    ledger, on_hand, allocated = _ledger(rng, singles, lines, inbound, t)
    warehouse = _warehouse(rng, singles, on_hand, allocated, t, drift)
    sellable = pd.Series(on_hand - allocated, index=singles).reindex(items["sku"]).fillna(0).to_numpy()
    units = allot_sets(items["sku"], sellable, bom, set_rules).units
    rms = pd.DataFrame({"manage_number": items["manage_number"], "variant_id": items["variant_id"],
                        "quantity": units.astype(np.int64),
                        "updated": t - pd.to_timedelta(rng.integers(5 * 60, 50 * 60, len(items)), unit="s")})
    return StandinShop(items, bom, set_rules, warehouse, rms, ledger, orders, inbound, as_of)


def _bom(rng: np.random.Generator, singles: np.ndarray, sets: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows: list[tuple[str, str, int]] = []
    for j, s in enumerate(sets):
        for c in rng.choice(singles, size=int(rng.integers(2, 4)), replace=False):
            rows.append((s, c, int(rng.integers(1, 3))))
        if j % 10 == 9:  # every tenth set nests the set before it
            rows.append((s, sets[j - 1], 1))
    bom = pd.DataFrame(rows, columns=["set_sku", "component_sku", "quantity"]).astype({"quantity": np.int64})
    caps = pd.array([None if rng.random() < 0.7 else int(rng.integers(1, 6)) for _ in sets], dtype="Int64")
    rules = pd.DataFrame({"set_sku": sets, "priority": rng.integers(1, 4, len(sets)), "cap": caps})
    return bom, rules


def _items(rng: np.random.Generator, singles: np.ndarray, sets: np.ndarray) -> pd.DataFrame:
    sku = np.concatenate([singles, sets])
    return pd.DataFrame({
        "sku": sku, "manage_number": [s.lower() for s in sku], "variant_id": "v1", "warehouse_code": sku,
        "jan": "", "name": [f"商品 {s}" for s in sku], "variant_label": "",
        "group": rng.choice(np.array(["apparel", "food", "goods"], dtype=object), len(sku)),
        "supplier": "S1", "alt_supplier": "", "unit_cost": 500, "price": 1200,
        "is_set": np.r_[np.zeros(len(singles), bool), np.ones(len(sets), bool)]})


def _orders(rng: np.random.Generator, singles: np.ndarray, sets: np.ndarray, t: pd.Timestamp) -> pd.DataFrame:
    counts = np.r_[rng.poisson(3, len(singles)), rng.poisson(1, len(sets))]
    sku = np.repeat(np.concatenate([singles, sets]), counts)
    n = len(sku)
    status = rng.choice(np.array(["unshipped", "shipped", "cancelled", "returned"], dtype=object), n,
                        p=[0.2, 0.65, 0.1, 0.05])
    ordered = t - pd.Timedelta(days=30) + pd.to_timedelta(rng.integers(0, 30 * 86400 - 7200, n), unit="s")
    changed = ordered + pd.to_timedelta(rng.integers(1800, 3600, n), unit="s")
    return pd.DataFrame({"order_number": [f"ORD-{i:07d}" for i in range(n)],
                         "channel": rng.choice(np.array(["rakuten", "yahoo", "amazon"], dtype=object), n),
                         "sku": sku, "quantity": rng.integers(1, 3, n), "status": status, "ordered_at": ordered,
                         "changed_at": pd.Series(changed).where(status != "unshipped")})


def _leaf_lines(orders: pd.DataFrame, bom: pd.DataFrame) -> pd.DataFrame:
    if bom.empty:
        return orders.copy()
    rec = pd.DataFrame([(s, c, q) for s, parts in explode_bom(bom).items() for c, q in parts.items()],
                       columns=["sku", "leaf", "per"])
    sets = orders.merge(rec, on="sku")
    sets = sets.assign(sku=sets["leaf"], quantity=sets["quantity"] * sets["per"]).drop(columns=["leaf", "per"])
    return pd.concat([orders[~orders["sku"].isin(rec["sku"])], sets], ignore_index=True)


def _inbound(rng: np.random.Generator, singles: np.ndarray, t: pd.Timestamp) -> pd.DataFrame:
    sku = np.repeat(singles, rng.poisson(1, len(singles)))
    n = len(sku)
    received = t - pd.Timedelta(days=30) + pd.to_timedelta(rng.integers(0, 30 * 86400 - 3600, n), unit="s")
    open_po = rng.random(n) < 0.15  # ordered from the supplier, not received yet
    return pd.DataFrame({"sku": sku, "quantity": rng.integers(10, 50, n),
                         "expected_on": (received + pd.Timedelta(days=3)).normalize(), "supplier": "S1",
                         "reference": [f"PO-{i:07d}" for i in range(n)],
                         "received_at": pd.Series(received).where(~open_po)})


def _ledger(rng: np.random.Generator, singles: np.ndarray, lines: pd.DataFrame, inbound: pd.DataFrame,
            t: pd.Timestamp) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    idx = pd.Index(singles)
    pos = idx.get_indexer(lines["sku"])
    qty = lines["quantity"].to_numpy(dtype=np.int64)
    shipped = lines["status"].isin(["shipped", "returned"]).to_numpy()
    returned = (lines["status"] == "returned").to_numpy()
    unshipped = (lines["status"] == "unshipped").to_numpy()
    n = len(singles)
    allocated = np.bincount(pos[unshipped], qty[unshipped], n).astype(np.int64)
    out = np.bincount(pos[shipped], qty[shipped], n).astype(np.int64)
    back = np.bincount(pos[returned], qty[returned], n).astype(np.int64)
    got = inbound[inbound["received_at"].notna()]
    recv = np.bincount(idx.get_indexer(got["sku"]), got["quantity"], n).astype(np.int64)
    opening = out + allocated + rng.integers(0, 60, n)
    on_hand = opening + recv - out + back
    ship_at = lines["ordered_at"] + pd.Timedelta(minutes=15)
    frames = [
        pd.DataFrame({"sku": singles, "kind": "棚卸調整", "quantity": opening, "at": t - pd.Timedelta(days=31),
                      "reference": "OPENING"}),
        pd.DataFrame({"sku": got["sku"], "kind": "入荷", "quantity": got["quantity"], "at": got["received_at"],
                      "reference": got["reference"]}),
        pd.DataFrame({"sku": lines["sku"][shipped], "kind": "出荷", "quantity": qty[shipped],
                      "at": ship_at[shipped], "reference": lines["order_number"][shipped]}),
        pd.DataFrame({"sku": lines["sku"][returned], "kind": "返品", "quantity": qty[returned],
                      "at": lines["changed_at"][returned], "reference": lines["order_number"][returned]}),
    ]
    ledger = pd.concat(frames, ignore_index=True).sort_values("at", kind="stable", ignore_index=True)
    return ledger, on_hand, allocated


def _warehouse(rng: np.random.Generator, singles: np.ndarray, on_hand: np.ndarray, allocated: np.ndarray,
               t: pd.Timestamp, drift: float) -> pd.DataFrame:
    reserved = np.floor(allocated * rng.random(len(singles))).astype(np.int64)
    codes = singles.copy()
    for i in np.flatnonzero(rng.random(len(singles)) < drift):
        codes[i] = _drift(str(codes[i]), int(rng.integers(0, 4)))
    return pd.DataFrame({"warehouse_code": codes, "on_hand": on_hand, "reserved": reserved,
                         "available": on_hand - reserved, "location": "A-01", "lot": "", "expiry": pd.NaT,
                         "updated_at": t - timedelta(minutes=30)})


def _drift(code: str, how: int) -> str:
    """A spelling of ``code`` that matches only after normalisation."""
    return [code.translate(_FULLWIDTH), code.replace("-", "ー"), code.lower(), f" {code} "][how]
