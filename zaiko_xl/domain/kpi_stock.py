"""Stock-history parts of the KPIs: demand and stockout SKU-days, on-hand value per day. Pure.

``stock_history`` holds one row per SKU per day on which its end-of-day numbers changed;
values hold until the SKU's next row. Rows before the period carry their values into it
(the last one counts). Work is done on intervals of days per SKU (sorted boundary sweeps),
so time and memory grow with the number of rows, not with SKUs x days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class DayAxis:
    """The measured days: ``days`` calendar days from ``start`` (numpy day precision)."""

    start: np.datetime64
    days: int

    def index(self, times: pd.Series) -> np.ndarray:
        """Day index of each time (may fall outside 0..days-1; NaT gives a very negative number)."""
        nanos = times.to_numpy(dtype="datetime64[ns]").view(np.int64)
        return (nanos - self.start.astype("datetime64[ns]").view(np.int64)) // 86_400_000_000_000


@dataclass(frozen=True)
class History:
    """Stock history reduced to one change row per (SKU code, day index), sorted by code then day."""

    skus: pd.Index  # code -> sku
    code: np.ndarray
    day: np.ndarray
    on_hand: np.ndarray
    sellable: np.ndarray
    first_of_sku: np.ndarray  # bool: the SKU's first row


@dataclass(frozen=True)
class StockDays:
    demand: np.ndarray  # per day: SKU-days with demand
    stockout: np.ndarray  # per day: SKU-days with demand and nothing sellable
    stockout_by_sku: pd.DataFrame  # sku, stockout_days, demand_days (whole period)


def label_codes(skus: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer code per row and the code -> sku index (categoricals need no hashing; -1: empty)."""
    if isinstance(skus.dtype, pd.CategoricalDtype):
        return skus.cat.codes.to_numpy().astype(np.int64), pd.Index(skus.cat.categories)
    codes, uniques = pd.factorize(skus, sort=False)
    return codes.astype(np.int64), pd.Index(uniques)


def codes_in(skus: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each row's SKU in ``index`` (-1 when absent)."""
    if isinstance(skus.dtype, pd.CategoricalDtype):
        lookup = np.append(index.get_indexer(skus.cat.categories), -1)  # code -1 (empty) -> -1
        return lookup[skus.cat.codes.to_numpy().astype(np.int64)]
    return index.get_indexer(skus)


def _sorted_positions(major: np.ndarray, minor: np.ndarray, minor_span: int) -> np.ndarray:
    """Row positions ordered by (major, minor, position): one sort of packed int64 keys (stable).

    Input already in that order (as the journal store returns it) is recognised and not sorted.
    """
    n = len(major)
    packed = major * minor_span + minor
    if n < 2 or bool(np.all(packed[1:] >= packed[:-1])):
        return np.arange(n)  # (callers may compare with arange to skip gathers)
    key = packed * n + np.arange(n)
    key.sort()
    return key % n


def reduce_history(history: pd.DataFrame, axis: DayAxis) -> History:
    """Codes, clipped day indexes, the last row per (SKU, day), sorted."""
    codes, skus = label_codes(history["sku"])
    day = np.clip(axis.index(history["day"]), 0, None)
    on_hand = history["on_hand"].to_numpy(np.int64)
    sellable = history["sellable"].to_numpy(np.int64)
    keep = (day < axis.days) & (codes >= 0)
    if not keep.all():
        codes, day, on_hand, sellable = codes[keep], day[keep], on_hand[keep], sellable[keep]
    order = _sorted_positions(codes, day, axis.days)
    if not np.array_equal(order, np.arange(len(order))):
        codes, day, on_hand, sellable = codes[order], day[order], on_hand[order], sellable[order]
    last = np.ones(len(codes), dtype=bool)
    last[:-1] = (codes[1:] != codes[:-1]) | (day[1:] != day[:-1])
    if not last.all():
        codes, day, on_hand, sellable = codes[last], day[last], on_hand[last], sellable[last]
    first = np.ones(len(codes), dtype=bool)
    first[1:] = codes[1:] != codes[:-1]
    return History(skus, codes, day, on_hand, sellable, first)


def on_hand_value_per_day(hist: History, unit_cost: np.ndarray, days: int) -> np.ndarray:
    """Sum over SKUs of on-hand units x unit cost at the end of each day (float64, length ``days``)."""
    previous = np.zeros(len(hist.on_hand), dtype=np.int64)
    previous[1:] = hist.on_hand[:-1]
    previous[hist.first_of_sku] = 0
    change = (hist.on_hand - previous) * unit_cost[hist.code]
    return np.cumsum(np.bincount(hist.day, weights=change, minlength=days)[:days])


def stockout_days(hist: History, codes: np.ndarray, order_day: np.ndarray, axis: DayAxis,
                  window: int) -> StockDays:
    """SKU-days with demand, and those with nothing sellable, per day (and per SKU).

    ``codes`` are the order lines' SKU codes in ``hist.skus`` (-1: no stock history). Works on
    intervals [start, end) of days, never on a dense SKU x day table.
    """
    n = len(hist.skus)
    demand = _demand_intervals(hist, codes, order_day, axis, window)
    stockout = _stockout_intervals(hist, axis.days)
    both = _intersection(demand, stockout)
    by_sku = pd.DataFrame({"sku": hist.skus, "stockout_days": _length_per_sku(both, n),
                           "demand_days": _length_per_sku(demand, n)})
    return StockDays(_count_per_day(demand, axis.days), _count_per_day(both, axis.days), by_sku)


Intervals = tuple[np.ndarray, np.ndarray, np.ndarray]  # code, start, end (exclusive); disjoint per code


def _demand_intervals(hist: History, codes: np.ndarray, order_day: np.ndarray, axis: DayAxis,
                      window: int) -> Intervals:
    """Per SKU, the union of [order day, order day + window) over its orders, from its first history day."""
    keep = np.flatnonzero((codes >= 0) & (order_day > -window) & (order_day < axis.days))
    order = keep[_sorted_positions(codes[keep], order_day[keep] + window, axis.days + window)]
    code, day = codes[order], order_day[order]
    new_run = np.ones(len(code), dtype=bool)
    new_run[1:] = (code[1:] != code[:-1]) | (day[1:] - day[:-1] > window)
    run_end = np.ones(len(code), dtype=bool)
    run_end[:-1] = new_run[1:]
    first_day = np.full(len(hist.skus), axis.days, dtype=np.int64)
    first_day[hist.code[hist.first_of_sku]] = hist.day[hist.first_of_sku]
    start = np.maximum(day[new_run], first_day[code[new_run]])
    end = np.minimum(day[run_end] + window, axis.days)
    valid = start < end
    return code[new_run][valid], start[valid], end[valid]


def _stockout_intervals(hist: History, days: int) -> Intervals:
    """Per SKU, the days from each change row showing nothing sellable until the SKU's next row."""
    next_day = np.full(len(hist.day), days, dtype=np.int64)
    same = ~hist.first_of_sku[1:]
    next_day[:-1][same] = hist.day[1:][same]
    zero = hist.sellable <= 0
    return hist.code[zero], hist.day[zero], next_day[zero]


def _intersection(a: Intervals, b: Intervals) -> Intervals:
    """Per code, the days inside an interval of ``a`` and one of ``b`` (a sweep over sorted boundaries)."""
    code = np.concatenate([a[0], a[0], b[0], b[0]])
    pos = np.concatenate([a[1], a[2], b[1], b[2]])
    in_a = np.concatenate([np.ones(len(a[0])), -np.ones(len(a[0])), np.zeros(2 * len(b[0]))]).astype(np.int64)
    in_b = np.concatenate([np.zeros(2 * len(a[0])), np.ones(len(b[0])), -np.ones(len(b[0]))]).astype(np.int64)
    span = int(pos.max()) + 1 if len(pos) else 1
    order = _sorted_positions(code, pos, span)
    code, pos = code[order], pos[order]
    inside = (np.cumsum(in_a[order]) > 0) & (np.cumsum(in_b[order]) > 0)  # state after each boundary
    last_here = np.ones(len(pos), dtype=bool)  # the last boundary at its (code, day)
    last_here[:-1] = (code[1:] != code[:-1]) | (pos[1:] != pos[:-1])
    code, pos, inside = code[last_here], pos[last_here], inside[last_here]
    # states are 0 at the end of every code, so an "inside" boundary is always followed by one of the same code
    starts = np.flatnonzero(inside)
    return code[starts], pos[starts], pos[starts + 1]


def _count_per_day(intervals: Intervals, days: int) -> np.ndarray:
    _, start, end = intervals
    change = np.bincount(start, minlength=days + 1)[:days + 1] - np.bincount(end, minlength=days + 1)[:days + 1]
    return np.cumsum(change)[:days]


def _length_per_sku(intervals: Intervals, n: int) -> np.ndarray:
    code, start, end = intervals
    return np.bincount(code, weights=end - start, minlength=n).astype(np.int64)
