"""Per-day parts of the KPIs from orders, API calls, reconcile runs and delay events. Pure.

Every function returns arrays of one value per measured day (index 0 = the first day) and,
where a KPI has causes, a small frame ``t, kpi, cause, count`` (one row per day and cause).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zaiko_xl.domain.kpi_stock import DayAxis, label_codes

SOLD_STATUSES = ("unshipped", "shipped")
STOCKOUT_REASON = "stockout"


def _per_day(day: np.ndarray, days: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Sum (or count) per day index; ``day`` must lie in 0..days-1."""
    return np.bincount(day, weights=weights, minlength=days)[:days]


def _cause_counts(day: np.ndarray, cause: np.ndarray, kpi: str, days: int,
                  weights: np.ndarray | None = None) -> pd.DataFrame:
    inside = (day >= 0) & (day < days)
    frame = pd.DataFrame({"t": day[inside], "cause": cause[inside],
                          "count": 1 if weights is None else weights[inside]})
    counts = frame.groupby(["t", "cause"], sort=True)["count"].sum().reset_index()
    counts.insert(1, "kpi", kpi)
    return counts


def order_parts(orders: pd.DataFrame, order_day: np.ndarray, axis: DayAxis, unit_cost: np.ndarray,
                with_reasons: bool) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Orders, orders cancelled for missing stock and cost of units sold, per order day.

    ``unit_cost`` is aligned with the order lines. An order counts once, on the day it was placed;
    cancel causes count orders (an order with two reasons counts under both).
    """
    inside = np.flatnonzero((order_day >= 0) & (order_day < axis.days))
    day = order_day[inside]
    numbers = label_codes(orders["order_number"])[0]
    number = numbers[inside]
    day_of_order = np.full(number.max() + 1 if len(number) else 0, -1, dtype=np.int64)
    day_of_order[number] = day
    sold = orders["status"].isin(SOLD_STATUSES).to_numpy()[inside]
    quantity = orders["quantity"].to_numpy(np.int64)[inside]
    parts = {"orders": _per_day(day_of_order[day_of_order >= 0], axis.days),
             "sold_value": _per_day(day, axis.days, np.where(sold, quantity * unit_cost[inside], 0.0))}
    cancelled = inside[(orders["status"] == "cancelled").to_numpy()[inside]]
    if with_reasons:
        reason = orders["cancel_reason"].iloc[cancelled].fillna("").to_numpy(dtype=object)
    else:
        reason = np.full(len(cancelled), "", dtype=object)
    reason = np.where(reason == "", "unknown", reason)
    pairs = pd.DataFrame({"order": numbers[cancelled], "cause": reason})
    pairs = pairs.drop_duplicates()
    pair_day = day_of_order[pairs["order"].to_numpy()]
    causes = _cause_counts(pair_day, pairs["cause"].to_numpy(), "stock_cancel_rate", axis.days)
    stock = pairs.loc[pairs["cause"] == STOCKOUT_REASON, "order"].to_numpy()
    per_day = _per_day(day_of_order[stock], axis.days).astype(float)
    parts["stock_cancel_orders"] = per_day if with_reasons else np.full(axis.days, np.nan)
    return parts, causes


def api_parts(calls: pd.DataFrame, axis: DayAxis) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """API calls, failed calls and retries per day; failures by RMS error code or HTTP status."""
    day = axis.index(calls["at"])
    inside = (day >= 0) & (day < axis.days)
    calls, day = calls.loc[inside], day[inside]
    status = calls["status"].to_numpy(np.int64)
    failed = (status == 0) | (status >= 400)
    retry = calls["attempt"].to_numpy(np.int64) >= 2
    code = calls["error_code"].fillna("").to_numpy(dtype=object)
    label = np.where(code != "", code, np.where(status == 0, "no response", np.char.add("HTTP ", status.astype(str))))
    parts = {"api_calls": _per_day(day, axis.days), "api_errors": _per_day(day[failed], axis.days),
             "api_retries": _per_day(day[retry], axis.days)}
    return parts, _cause_counts(day[failed], label[failed], "api_errors", axis.days)


def reconcile_parts(results: pd.DataFrame, axis: DayAxis) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Reconcile runs and SKUs with a difference per day (a run is counted on the day it ran)."""
    day = axis.index(results["at"])
    results = results.loc[(day >= 0) & (day < axis.days)]
    run_day = axis.index(results.groupby("run_id", sort=False)["at"].min())
    differing = results.loc[results["cause"].fillna("") != ""]
    diff_day = axis.index(differing["at"])
    skus = differing["skus"].to_numpy(np.int64)
    parts = {"reconcile_runs": _per_day(run_day, axis.days), "diff_skus": _per_day(diff_day, axis.days, skus)}
    return parts, _cause_counts(diff_day, differing["cause"].to_numpy(dtype=object), "stock_diffs", axis.days, skus)


@dataclass(frozen=True)
class DelayEvents:
    """Events begun in the period, arranged for exact grouped percentiles.

    ``by_day`` holds ``t * span + (delay - low)`` of the finished events sorted ascending, so each
    day's delays form one sorted run starting at ``day_start[t]`` (``span`` exceeds the range of
    delays, so days never mix). ``ordered`` holds every finished delay ascending.
    """

    open_t: np.ndarray  # day of each event not finished yet
    by_day: np.ndarray
    day_start: np.ndarray  # length days + 1
    ordered: np.ndarray
    low: float
    span: float

    @property
    def done_per_day(self) -> np.ndarray:
        return np.diff(self.day_start)


def delay_events(frame: pd.DataFrame, begin: str, end: str, axis: DayAxis, unit_seconds: float) -> DelayEvents:
    """Delays (``end - begin`` in the unit) of the events begun in the period; NaT ends are open."""
    day = axis.index(frame[begin])
    delay = frame[end].to_numpy("datetime64[ns]") - frame[begin].to_numpy("datetime64[ns]")
    inside = (day >= 0) & (day < axis.days)
    done = inside & ~np.isnat(delay)
    value = delay[done].astype(np.int64) / (unit_seconds * 1e9)
    low = float(value.min()) if len(value) else 0.0
    span = (float(value.max()) - low) * (1 + 1e-9) + 1.0 if len(value) else 1.0
    by_day = np.sort(day[done] * span + (value - low))
    day_start = np.searchsorted(by_day, np.arange(axis.days + 1) * span)
    return DelayEvents(day[inside & ~done], by_day, day_start, np.sort(value), low, span)
