"""The statistics of ``domain.demand`` from a sparse daily history (only days with sales).

A shop with 100,000 SKUs sells most of them on few days: a dense ``(SKU, day)`` matrix is
mostly zeros and costs hundreds of MB. ``DailyTotals`` keeps the non-zero days only, and
``demand_stats_sparse`` computes exactly the numbers ``demand.demand_stats`` computes on the
dense matrix (same windows, exclusions, blending and seasonality; the tests compare both).
Zero days enter through counts: a mean is a sum over sale days divided by the kept days,
and the sample variance adds the zero days' squared deviations as (kept − sale days)·mean².
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zaiko_xl.domain.demand import DEFAULT_OPTIONS, DEMAND_COLUMNS, YEAR_DAYS, DemandOptions, shrunk_index
from zaiko_xl.domain.rowcheck import RowErrors


@dataclass(frozen=True)
class DailyTotals:
    """Units per (row, day) on days with demand; day 0 is the oldest day, ``n_days - 1`` yesterday."""

    row: np.ndarray  # int64, one entry per (row, day) pair, pairs unique
    day: np.ndarray  # int64
    qty: np.ndarray  # float64
    n_rows: int
    n_days: int

    @classmethod
    def from_lines(cls, row: np.ndarray, day: np.ndarray, qty: np.ndarray, n_rows: int, n_days: int) -> DailyTotals:
        """Sum order lines (any number per row and day) into daily totals."""
        flat = row.astype(np.int64) * n_days + day.astype(np.int64)
        keys, inverse = np.unique(flat, return_inverse=True)
        totals = np.bincount(inverse, weights=qty.astype(np.float64), minlength=len(keys))
        nonzero = totals != 0
        return cls(keys[nonzero] // n_days, keys[nonzero] % n_days, totals[nonzero], n_rows, n_days)

    def to_dense(self) -> np.ndarray:
        dense = np.zeros((self.n_rows, self.n_days))
        dense[self.row, self.day] = self.qty
        return dense

    def row_sums(self, first_day: int = 0) -> np.ndarray:
        """Units per row from ``first_day`` to the end."""
        pick = self.day >= first_day
        return np.bincount(self.row[pick], weights=self.qty[pick], minlength=self.n_rows)


class _Kept:
    """Which days count: not globally excluded and not excluded for that row."""

    def __init__(self, n_rows: int, n_days: int, excluded_days: np.ndarray | None,
                 excluded_pairs: tuple[np.ndarray, np.ndarray] | None) -> None:
        self.n_rows = n_rows
        self.global_ = np.zeros(n_days, bool) if excluded_days is None else np.asarray(excluded_days, bool)
        self.cum = np.concatenate([[0], np.cumsum(~self.global_)])  # kept days before index
        rows, days = (np.empty(0, np.int64), np.empty(0, np.int64)) if excluded_pairs is None else excluded_pairs
        pairs = pd.DataFrame({"r": rows, "d": days}).drop_duplicates()
        pairs = pairs[(pairs["d"] >= 0) & (pairs["d"] < n_days)]
        pairs = pairs[~self.global_[pairs["d"].to_numpy()]]
        self.pair_row, self.pair_day = pairs["r"].to_numpy(np.int64), pairs["d"].to_numpy(np.int64)

    def entry_mask(self, row: np.ndarray, day: np.ndarray) -> np.ndarray:
        keep = ~self.global_[day]
        if self.pair_row.size:
            keep &= ~pd.MultiIndex.from_arrays([row, day]).isin(
                pd.MultiIndex.from_arrays([self.pair_row, self.pair_day]))
        return keep

    def count(self, lo: int, hi: np.ndarray | int) -> np.ndarray:
        """Kept days per row in [lo, hi) (``hi`` per row or one number)."""
        hi = np.broadcast_to(np.asarray(hi, np.int64), (self.n_rows,))
        total = (self.cum[hi] - self.cum[lo]).astype(np.float64)
        inside = (self.pair_day >= lo) & (self.pair_day < hi[self.pair_row])
        return total - np.bincount(self.pair_row[inside], minlength=self.n_rows)


def demand_stats_sparse(totals: DailyTotals, excluded_days: np.ndarray | None = None,
                        excluded_pairs: tuple[np.ndarray, np.ndarray] | None = None, *,
                        options: DemandOptions = DEFAULT_OPTIONS,
                        season_days: np.ndarray | int = 28) -> tuple[pd.DataFrame, RowErrors]:
    """``demand.demand_stats`` on a sparse history (same frame, same row errors).

    Args:
        totals: the sparse daily history.
        excluded_days: ``(n_days,)`` booleans, True = dropped for every row (sale calendar).
        excluded_pairs: ``(rows, days)`` dropped for one row each (a flagged spike).
        options: windows, blending weight and seasonality switches.
        season_days: length of "the same period" per row (or one number).
    """
    n, days = totals.n_rows, totals.n_days
    kept = _Kept(n, days, excluded_days, excluded_pairs)
    keep = kept.entry_mask(totals.row, totals.day)
    annual = min(options.annual_days, days)
    mean, count, std = _window_stats(totals, keep, kept, days - annual)
    recent_lo = days - min(options.recent_days, annual)
    recent_count = kept.count(recent_lo, days)
    recent_pick = keep & (totals.day >= recent_lo)
    with np.errstate(invalid="ignore", divide="ignore"):
        recent = np.bincount(totals.row[recent_pick], weights=totals.qty[recent_pick], minlength=n) / recent_count
    recent = np.where(recent_count > 0, recent, mean)
    blended = options.recent_weight * recent + (1 - options.recent_weight) * mean
    index = _seasonal_index(totals, keep, kept, season_days, options)
    frame = pd.DataFrame({"days_used": count.astype(np.int64), "days_excluded": (annual - count).astype(np.int64),
                          "annual_mean": mean, "recent_mean": recent, "std": std, "seasonal_index": index,
                          "demand_mean": blended * index, "demand_std": std * index if options.scale_std else std})
    errors = RowErrors(n)
    errors.flag(count == 0, "E264", "history")
    frame.loc[~errors.ok, ["annual_mean", "recent_mean", "std", "demand_mean", "demand_std"]] = np.nan
    return frame[list(DEMAND_COLUMNS)], errors


def _window_stats(totals: DailyTotals, keep: np.ndarray, kept: _Kept, lo: int) -> tuple[np.ndarray, ...]:
    """Mean, kept-day count and sample std per row over [lo, end) (two passes, zero days by count)."""
    n = totals.n_rows
    pick = keep & (totals.day >= lo)
    count = kept.count(lo, totals.n_days)
    rows, qty = totals.row[pick], totals.qty[pick]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, np.bincount(rows, weights=qty, minlength=n) / np.maximum(count, 1), np.nan)
    dev = qty - mean[rows]
    sale_days = np.bincount(rows, minlength=n)
    squares = np.bincount(rows, weights=dev * dev, minlength=n) + (count - sale_days) * np.nan_to_num(mean) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.where(count >= 2, np.sqrt(np.maximum(squares, 0.0) / np.maximum(count - 1, 1)), 0.0)
    return mean, count, std


def _seasonal_index(totals: DailyTotals, keep: np.ndarray, kept: _Kept, season_days: np.ndarray | int,
                    options: DemandOptions) -> np.ndarray:
    n, days = totals.n_rows, totals.n_days
    if not options.seasonality or days < YEAR_DAYS:
        return np.ones(n)
    lo = days - YEAR_DAYS
    seen = keep if options.season_skips_excluded else np.ones(len(keep), bool)
    counter = kept if options.season_skips_excluded else _Kept(n, days, None, None)
    width = np.clip(np.broadcast_to(np.asarray(season_days, np.int64), (n,)), 1, YEAR_DAYS)
    base_pick = keep & (totals.day >= lo)
    same_pick = seen & (totals.day >= lo) & (totals.day < lo + width[totals.row])
    with np.errstate(invalid="ignore", divide="ignore"):
        base = np.bincount(totals.row[base_pick], weights=totals.qty[base_pick], minlength=n) / kept.count(lo, days)
    same_sum = np.bincount(totals.row[same_pick], weights=totals.qty[same_pick], minlength=n)
    return shrunk_index(same_sum, base * counter.count(lo, lo + width), options.season_prior_units)
