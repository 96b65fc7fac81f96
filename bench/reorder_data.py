"""Seeded synthetic shops for the reorder benchmarks (pure numpy/pandas).

Until ``zaiko_xl.sample_shop.generate`` is on this branch, this makes the frames the reorder
service reads: a long-tailed catalogue (most SKUs sell a few units a month, a few sell
dozens a day), two years of order lines with a weekly pattern and four sale spikes a year,
some set products, five suppliers with closures, stock and pending inbound.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from zaiko_xl.domain.reorder_frames import ReorderInputs

SALE_STARTS = ((3, 4), (6, 4), (9, 4), (12, 4))  # (month, day) of the four 楽天スーパーSALE a year, 7 days each


def sale_days(first: date, days: int, length: int = 7) -> np.ndarray:
    """True on the days of the sale windows between ``first`` and ``first + days``."""
    stamps = pd.date_range(first, periods=days)
    mask = np.zeros(days, bool)
    for year in range(first.year, (first + timedelta(days=days)).year + 1):
        for month, day in SALE_STARTS:
            start = pd.Timestamp(year, month, day)
            mask |= (stamps >= start) & (stamps < start + pd.Timedelta(days=length))
    return mask


def synthetic_shop(n_skus: int, *, days: int = 730, lines_per_day: float = 2700, as_of: date = date(2026, 11, 26),
                   seed: int = 1) -> ReorderInputs:
    """A shop of ``n_skus`` stocked SKUs (+1 % sets) with ``days`` of order history before ``as_of``."""
    rng = np.random.default_rng(seed)
    skus = np.array([f"SKU{i:06d}" for i in range(n_skus)], dtype=object)
    weight = rng.lognormal(0.0, 1.6, n_skus)
    n_sets = max(1, n_skus // 100)
    sets = np.array([f"SET{i:05d}" for i in range(n_sets)], dtype=object)
    first = as_of - timedelta(days=days)
    day_factor = np.where(sale_days(first, days), 4.0, 1.0) * np.where(
        pd.date_range(first, periods=days).dayofweek >= 5, 1.3, 1.0)
    lines_per_day_arr = rng.poisson(lines_per_day * day_factor / day_factor.mean())
    total = int(lines_per_day_arr.sum())
    day_of_line = np.repeat(np.arange(days), lines_per_day_arr)
    catalogue = np.concatenate([skus, sets])
    pick = np.concatenate([weight, np.full(n_sets, weight.mean())])
    sku_of_line = catalogue[rng.choice(len(catalogue), size=total, p=pick / pick.sum())]
    stamps = (np.datetime64(first, "s") + day_of_line.astype("timedelta64[D]")
              + rng.integers(0, 86_400, total).astype("timedelta64[s]"))
    status = np.where(day_of_line >= days - 2, "unshipped", np.where(rng.random(total) < 0.03, "cancelled", "shipped"))
    orders = pd.DataFrame({"order_number": np.arange(total), "channel": "rakuten", "sku": sku_of_line,
                           "quantity": rng.choice([1, 1, 1, 1, 2, 3], size=total), "status": status,
                           "ordered_at": stamps.astype("datetime64[ns]")})
    return ReorderInputs(items=_items(rng, skus, sets), suppliers=_suppliers(), stock=_stock(rng, skus, weight),
                         orders=orders, inbound=_inbound(rng, skus), bom=_bom(rng, skus, sets),
                         supplier_closures=_closures(as_of))


def _items(rng: np.random.Generator, skus: np.ndarray, sets: np.ndarray) -> pd.DataFrame:
    n = len(skus)
    cost = rng.integers(200, 8000, n)
    supplier = np.array([f"S{k}" for k in rng.integers(1, 6, n)], dtype=object)
    alternative = np.where(rng.random(n) < 0.3, np.where(supplier == "S1", "S2", "S1"), "")
    stocked = pd.DataFrame({"sku": skus, "name": "商品 " + pd.Series(skus), "supplier": supplier,
                            "alt_supplier": alternative, "unit_cost": cost, "price": cost * 3, "is_set": False,
                            "jan": ""})
    set_rows = pd.DataFrame({"sku": sets, "name": "セット " + pd.Series(sets), "supplier": "", "alt_supplier": "",
                             "unit_cost": 0, "price": 9000, "is_set": True, "jan": ""})
    return pd.concat([stocked, set_rows], ignore_index=True)


def _suppliers() -> pd.DataFrame:
    return pd.DataFrame({"supplier": ["S1", "S2", "S3", "S4", "S5"], "name": ["一番商事", "二葉物産", "三河屋", "四国製作所",
                                                                             "五十鈴"],
                         "lead_time_days": [3, 5, 7, 10, 4], "lead_time_std_days": [0.5, 1.0, 2.0, 3.0, 1.0],
                         "moq": [0, 10, 0, 50, 0], "case_pack": [1, 6, 12, 1, 1]})


def _closures(as_of: date) -> pd.DataFrame:
    year = as_of.year
    return pd.DataFrame({"supplier": ["S1", "S2", "S3", "S3"],
                         "start": [date(year, 12, 28), date(year, 12, 29), date(year, 8, 12), date(year, 12, 27)],
                         "end": [date(year + 1, 1, 4), date(year + 1, 1, 5), date(year, 8, 16), date(year + 1, 1, 6)],
                         "label": ["年末年始", "年末年始", "お盆", "年末年始"]})


def _stock(rng: np.random.Generator, skus: np.ndarray, weight: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"sku": skus, "on_hand": rng.poisson(weight * 10)})


def _inbound(rng: np.random.Generator, skus: np.ndarray) -> pd.DataFrame:
    pick = rng.choice(len(skus), size=len(skus) // 20, replace=False)
    return pd.DataFrame({"sku": skus[pick], "quantity": rng.integers(6, 60, len(pick)),
                         "received_at": pd.NaT, "supplier": "S1"})


def _bom(rng: np.random.Generator, skus: np.ndarray, sets: np.ndarray) -> pd.DataFrame:
    components = rng.choice(len(skus), size=(len(sets), 2), replace=True)
    return pd.DataFrame({"set_sku": np.repeat(sets, 2), "component_sku": skus[components.ravel()],
                         "quantity": rng.integers(1, 3, 2 * len(sets))})
