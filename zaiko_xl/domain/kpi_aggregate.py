"""KPI values for groups of days (phase x normal/sale days, weeks, months). Pure.

Input: the per-day parts (one row per day), delay events (``DelayEvents``) and cause
counts (``t``, ``kpi``, ``cause``, ``count``); a group code per day says which group each day
belongs to (-1: none). Output: one row per group and KPI with ``value``, ``numerator`` and
``denominator`` (their meaning per KPI is in ``zaiko_xl.domain.kpi``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zaiko_xl.domain.kpi_daily import DelayEvents

QUANTILES = (0.5, 0.95)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def delay_quantiles(events: DelayEvents, day_group: np.ndarray, n_groups: int) -> np.ndarray:
    """Median and 95th percentile of the finished delays per group of days; NaN for an empty group.

    Percentiles interpolate linearly between ranks (Excel PERCENTILE.INC). The value of rank k in a
    group is found exactly by bisection over all delays: the count of a group's delays <= x is a
    ``searchsorted`` in each of its days' sorted runs.
    """
    member = day_group >= 0
    size = np.bincount(day_group[member], weights=events.done_per_day[member], minlength=n_groups).astype(np.int64)
    out = np.full((n_groups, len(QUANTILES)), np.nan)
    groups = np.flatnonzero(size > 0)
    if not len(groups):
        return out
    pos = np.array(QUANTILES)[None, :] * (size[groups, None] - 1)  # groups x quantiles
    below = np.floor(pos).astype(np.int64)
    above = np.minimum(below + 1, size[groups, None] - 1)
    target_group = np.repeat(groups, 2 * len(QUANTILES))
    ranks = np.stack([below, above], axis=2).reshape(-1)
    found = _rank_values(events, day_group, target_group, ranks).reshape(len(groups), len(QUANTILES), 2)
    out[groups] = found[..., 0] + (pos - below) * (found[..., 1] - found[..., 0])
    return out


def _rank_values(events: DelayEvents, day_group: np.ndarray, target_group: np.ndarray,
                 ranks: np.ndarray) -> np.ndarray:
    """The delay of 0-based rank ``ranks[i]`` among the delays of group ``target_group[i]``."""
    days_sorted = np.argsort(day_group, kind="stable")
    days_sorted = days_sorted[day_group[days_sorted] >= 0]
    per_group = np.bincount(day_group[days_sorted], minlength=int(target_group.max()) + 1)
    first = np.cumsum(per_group) - per_group
    n_days = per_group[target_group]
    pair_target = np.repeat(np.arange(len(ranks)), n_days)
    offset = np.arange(len(pair_target)) - np.repeat(np.cumsum(n_days) - n_days, n_days)
    pair_day = days_sorted[first[target_group][pair_target] + offset]
    lo, hi = np.zeros(len(ranks), dtype=np.int64), np.full(len(ranks), len(events.ordered) - 1)
    while np.any(lo < hi):
        mid = (lo + hi) // 2
        query = pair_day * events.span + (events.ordered[mid][pair_target] - events.low)
        at_most = np.searchsorted(events.by_day, query, side="right") - events.day_start[pair_day]
        enough = np.bincount(pair_target, weights=at_most, minlength=len(ranks)) >= ranks + 1
        hi, lo = np.where(enough, mid, hi), np.where(enough, lo, mid + 1)
    return events.ordered[lo]


def _sums(daily: pd.DataFrame, day_group: np.ndarray, n_groups: int) -> dict[str, np.ndarray]:
    member = day_group >= 0
    sums = {col: np.bincount(day_group[member], weights=daily[col].to_numpy(float)[member], minlength=n_groups)
            for col in daily.columns}
    sums["n_days"] = np.bincount(day_group[member], minlength=n_groups).astype(float)
    return sums


def _delay_rows(events: DelayEvents, day_group: np.ndarray, n_groups: int,
                keys: tuple[str, str, str]) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Median, p95 (of finished events) and the count still pending, keyed by ``keys``."""
    q = delay_quantiles(events, day_group, n_groups)
    member = day_group >= 0
    n_done = np.bincount(day_group[member], weights=events.done_per_day[member], minlength=n_groups)
    open_group = day_group[events.open_t]
    pending = np.bincount(open_group[open_group >= 0], minlength=n_groups).astype(float)
    nan = np.full(n_groups, np.nan)
    median_key, p95_key, pending_key = keys
    return {median_key: (q[:, 0], nan, n_done), p95_key: (q[:, 1], nan, n_done),
            pending_key: (pending, pending, n_done + pending)}


def aggregate(daily: pd.DataFrame, delays: dict[str, DelayEvents], day_group: np.ndarray,
              n_groups: int) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """KPI key -> (value, numerator, denominator), each an array over the groups."""
    s = _sums(daily, day_group, n_groups)
    years = s["n_days"] / 365.0
    cogs_per_year = _ratio(s["sold_value"], years)
    average_stock = _ratio(s["on_hand_value"], s["n_days"])
    rows = {
        "stockout_rate": (s["stockout_sku_days"], s["demand_sku_days"]),
        "stock_cancel_rate": (s["stock_cancel_orders"], s["orders"]),
        "stock_diffs": (s["diff_skus"], s["reconcile_runs"]),
        "api_errors": (s["api_errors"], s["n_days"]),
        "api_retries": (s["api_retries"], s["n_days"]),
        "turnover": (cogs_per_year, average_stock),
    }
    out = {key: (_ratio(num, den), num, den) for key, (num, den) in rows.items()}
    out.update(_delay_rows(delays["sync"], day_group, n_groups,
                           ("sync_latency_median_min", "sync_latency_p95_min", "sync_pending")))
    out.update(_delay_rows(delays["returns"], day_group, n_groups,
                           ("return_delay_median_h", "return_delay_p95_h", "returns_pending")))
    return out


def cause_totals(causes: pd.DataFrame, day_group: np.ndarray) -> pd.DataFrame:
    """Cause counts summed per group: ``group``, ``kpi``, ``cause``, ``count``."""
    group = day_group[causes["t"].to_numpy()] if len(causes) else np.zeros(0, dtype=np.int64)
    frame = causes.assign(group=group).loc[group >= 0]
    totals = frame.groupby(["group", "kpi", "cause"], sort=True)["count"].sum().reset_index()
    return totals.astype({"count": np.int64})
