"""Two years of daily order lines, drawn vectorised (numpy), never row by row.

Expected lines per day and category are the base rate times the weekday pattern, growth,
the category's season and each channel's sale factor; counts are Poisson. Each line then
picks a SKU of its category by popularity, an order time and a quantity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from zaiko_xl.sample_shop.calendar import CHANNEL_SHARE, ShopCalendar
from zaiko_xl.sample_shop.catalog import CATEGORIES, Catalog

SET_SEASON = (355, 0.5)  # sets are gifts: December peak
HOUR_WEIGHT = np.array([2, 1, 1, 0.5, 0.5, 0.5, 1, 2, 3, 4, 4, 4, 6, 5, 4, 4, 4, 4, 5, 6, 8, 9, 8, 5], dtype=float)
QUANTITY_P = (0.85, 0.10, 0.05)  # 1, 2, 3 units per line
MEAN_QUANTITY = float(np.dot(QUANTITY_P, (1, 2, 3)))
NANOS_PER_DAY = 86_400 * 10**9


def base_lines_per_day(skus: int) -> float:
    """Order lines per day at factor 1: 100 for 500 SKUs, growing less than linearly (long tail)."""
    return 100.0 * (skus / 500) ** 0.6


@dataclass(frozen=True)
class Lines:
    """Order lines sorted by order time; ``order`` numbers the orders per channel."""

    day: np.ndarray  # day index
    sku: np.ndarray  # index into items
    channel: np.ndarray  # index into CHANNELS
    quantity: np.ndarray
    ordered_at: np.ndarray  # datetime64[ns]
    order: np.ndarray  # order index (unique; lines of one order share it)


def category_factors(cal: ShopCalendar) -> np.ndarray:
    """(categories + sets, days): season x weekday x growth (without channel factors)."""
    seasons = [cal.season(c.peak_day, c.amplitude) for c in CATEGORIES] + [cal.season(*SET_SEASON)]
    return np.vstack(seasons) * cal.base_factor()


def sku_rates(catalog: Catalog, skus: int) -> np.ndarray:
    """Expected order lines per day of each item at factor 1 (sets included, own lines only)."""
    share = catalog.popularity / catalog.popularity.sum()
    return base_lines_per_day(skus) * share


def draw_lines(catalog: Catalog, cal: ShopCalendar, rng: np.random.Generator) -> Lines:
    """Every order line from the first day up to ``cal.as_of``."""
    rates = sku_rates(catalog, len(catalog.items))
    n_cat = len(CATEGORIES) + 1
    cat_rate = np.bincount(catalog.category, weights=rates, minlength=n_cat)
    days = cal.history
    expected = (category_factors(cal)[:, :days, None] * cal.channel_factor()[None, :, :days].transpose(0, 2, 1)
                * cat_rate[:, None, None] * CHANNEL_SHARE[None, None, :])  # (cat, day, channel)
    counts = rng.poisson(expected).ravel()
    cell = np.repeat(np.arange(counts.size), counts)
    cat, day, channel = np.unravel_index(cell, expected.shape)
    sku = _pick_skus(catalog, rates, cat, rng)
    ordered_at = _order_times(cal, day, rng)
    keep = ordered_at <= np.datetime64(cal.as_of, "ns")
    quantity = 1 + np.searchsorted(np.cumsum(QUANTITY_P), rng.random(len(cell)) * 0.999999)
    return _group_orders(day[keep], sku[keep], channel[keep], quantity[keep], ordered_at[keep], rng)


def _pick_skus(catalog: Catalog, rates: np.ndarray, cat: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    sku = np.empty(len(cat), dtype=np.int64)
    u = rng.random(len(cat))
    for k in range(len(CATEGORIES) + 1):
        members = np.flatnonzero(catalog.category == k)
        hit = cat == k
        if not hit.any():
            continue
        cum = np.cumsum(rates[members])
        sku[hit] = members[np.minimum(np.searchsorted(cum, u[hit] * cum[-1], side="right"), len(members) - 1)]
    return sku


def _order_times(cal: ShopCalendar, day: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    hour = np.searchsorted(np.cumsum(HOUR_WEIGHT), rng.random(len(day)) * HOUR_WEIGHT.sum(), side="right")
    seconds = np.minimum(hour, 23) * 3600 + rng.integers(0, 3600, size=len(day))
    start = cal.days.to_numpy()[day]
    return start + (seconds * 10**9).astype("timedelta64[ns]")


def _group_orders(day, sku, channel, quantity, ordered_at, rng) -> Lines:
    """Sort by channel and time; about one line in five joins the previous order of its channel."""
    by = np.lexsort((ordered_at, channel))
    day, sku, channel, quantity, ordered_at = day[by], sku[by], channel[by], quantity[by], ordered_at[by]
    new = rng.random(len(day)) < 0.8
    if len(day):
        new[0] = True
        new[1:] |= (channel[1:] != channel[:-1]) | (day[1:] != day[:-1])
    first = np.maximum.accumulate(np.where(new, np.arange(len(day)), 0))
    ordered_at = ordered_at[first]  # lines of one order share its time
    order = np.cumsum(new) - 1
    by = np.argsort(ordered_at, kind="stable")
    return Lines(day[by], sku[by], channel[by], quantity[by].astype(np.int64), ordered_at[by], order[by])
