"""Demand statistics from a daily history, vectorised over SKUs.

A history is a matrix ``(n_sku, n_days)`` of units per calendar day; its last column is the
day before ``as_of`` (today is never in the history: it is not over yet). Conventions
(``reference/replenishment.md``):

- mean and **sample** standard deviation (ddof = 1; 0 when fewer than 2 days) over the
  *annual window* (the last ``annual_days`` days) after dropping the days the user marked
  as excluded (sale days flagged per SKU or from the sale calendar); nothing is dropped
  automatically;
- blending: d = w·recent_mean + (1 − w)·annual_mean (recent = the last ``recent_days`` days);
- seasonality: I = (U + K) / (E + K), where U is what sold in "the same period" last year
  (the ``season_days`` days starting 365 days before ``as_of``: what happened a year ago
  over the coming days), E what last year's normal rate (mean over the days the mean d
  uses, excluded days left out) would have sold there, and K = ``season_prior_units``.
  Without K this is the classic ratio same-period mean ÷ annual mean; K keeps a slow
  seller's index near 1 (a few units say nothing about its season). I = 1 when E is 0 or
  the history is shorter than 365 days. d ← d·I, and σ ← σ·I only when ``scale_std`` is
  set. The same period sees every day unless ``season_skips_excluded`` is set: a sale that
  recurs every year is part of the season, so the index brings it back into d.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from zaiko_xl.domain.rowcheck import RowErrors

YEAR_DAYS = 365
_CHUNK_ROWS = 8192  # rows per block: bounds the temporary memory for 100,000 SKUs

DEMAND_COLUMNS = ("days_used", "days_excluded", "annual_mean", "recent_mean", "std", "seasonal_index",
                  "demand_mean", "demand_std")


@dataclass(frozen=True)
class DemandOptions:
    """How the daily history becomes d (mean per day) and σ (std per day)."""

    annual_days: int = YEAR_DAYS  # the window of mean and std
    recent_days: int = 28  # the window of the recent mean
    recent_weight: float = 0.5  # w in d = w·recent + (1 − w)·annual
    seasonality: bool = True  # multiply by last year's same-period index
    scale_std: bool = False  # also scale σ by the index (constant coefficient of variation)
    season_skips_excluded: bool = False  # drop excluded days from the same period too
    season_prior_units: float = 10.0  # K: the index is (units + K) / (expected units + K)


DEFAULT_OPTIONS = DemandOptions()


def history_window_days(options: DemandOptions) -> int:
    """Days of history the statistics can use: the annual window, and a year for seasonality."""
    return max(options.annual_days, YEAR_DAYS if options.seasonality else 0)


def day_mask(first_day: date, n_days: int, periods: Iterable[tuple[date, date]] = (),
             dates: Iterable[date] = ()) -> np.ndarray:
    """Boolean mask over ``n_days`` days from ``first_day``: True on listed days/periods (inclusive)."""
    days = np.datetime64(first_day, "D") + np.arange(n_days)
    mask = np.zeros(n_days, dtype=bool)
    for start, end in periods:
        mask |= (days >= np.datetime64(start, "D")) & (days <= np.datetime64(end, "D"))
    listed = np.array([np.datetime64(d, "D") for d in dates], dtype="datetime64[D]")
    if listed.size:
        mask |= np.isin(days, listed)
    return mask


def demand_stats(history: np.ndarray, excluded: np.ndarray | None = None, *,
                 options: DemandOptions = DEFAULT_OPTIONS,
                 season_days: np.ndarray | int = 28) -> tuple[pd.DataFrame, RowErrors]:
    """Mean and std per SKU, blended and seasonal, with the values behind them.

    Args:
        history: ``(n_sku, n_days)`` units per day, oldest first, last column = yesterday.
        excluded: None, ``(n_days,)`` (the same days for every SKU) or ``(n_sku, n_days)``
            booleans: True drops that day from the statistics.
        options: windows, blending weight and seasonality switches.
        season_days: length of "the same period" (per SKU or one number), usually the
            protection interval L + R.

    Returns:
        A frame (one row per SKU, columns ``DEMAND_COLUMNS``) and the row errors: E264 where
        no day is left in the annual window (those rows are NaN).
    """
    history = np.asarray(history)
    n, total_days = history.shape
    season = np.broadcast_to(np.asarray(season_days, dtype=np.int64), (n,))
    parts = [_block(history[lo:lo + _CHUNK_ROWS], _rows(excluded, lo, lo + _CHUNK_ROWS, total_days),
                    season[lo:lo + _CHUNK_ROWS], options) for lo in range(0, n, _CHUNK_ROWS)]
    cols = {name: np.concatenate([p[name] for p in parts]) if parts else np.empty(0) for name in DEMAND_COLUMNS}
    frame = pd.DataFrame(cols)
    errors = RowErrors(n)
    errors.flag(frame["days_used"].to_numpy() == 0, "E264", "history")
    frame.loc[~errors.ok, ["annual_mean", "recent_mean", "std", "demand_mean", "demand_std"]] = np.nan
    return frame, errors


def _rows(excluded: np.ndarray | None, lo: int, hi: int, total_days: int) -> np.ndarray | None:
    if excluded is None:
        return None
    excluded = np.asarray(excluded, dtype=bool)
    if excluded.shape[-1] != total_days:
        raise ValueError(f"excluded has {excluded.shape[-1]} days, history has {total_days}")
    return excluded if excluded.ndim == 1 else excluded[lo:hi]


def _masked_mean(x: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    count = keep.sum(axis=1, dtype=np.float64)
    total = np.where(keep, x, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan), count


def _block(history: np.ndarray, excluded: np.ndarray | None, season: np.ndarray,
           options: DemandOptions) -> dict[str, np.ndarray]:
    total_days = history.shape[1]
    annual = min(options.annual_days, total_days)
    x = history[:, total_days - annual:].astype(np.float64)
    excl = np.zeros((1, annual), bool) if excluded is None else np.atleast_2d(excluded)[:, total_days - annual:]
    keep = np.broadcast_to(~excl, x.shape)
    mean, count = _masked_mean(x, keep)
    dev = np.where(keep, x - mean[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.where(count >= 2, np.sqrt((dev * dev).sum(axis=1) / np.maximum(count - 1, 1)), 0.0)
    recent_n = min(options.recent_days, annual)
    recent, recent_count = _masked_mean(x[:, annual - recent_n:], keep[:, annual - recent_n:])
    recent = np.where(recent_count > 0, recent, mean)  # no usable recent day: the annual mean stands in
    blended = options.recent_weight * recent + (1 - options.recent_weight) * mean
    index = _seasonal_index(history, excluded, season, options)
    demand_std = std * index if options.scale_std else std
    return {"days_used": count.astype(np.int64), "days_excluded": (annual - count).astype(np.int64),
            "annual_mean": mean, "recent_mean": recent, "std": std, "seasonal_index": index,
            "demand_mean": blended * index, "demand_std": demand_std}


def _seasonal_index(history: np.ndarray, excluded: np.ndarray | None, season: np.ndarray,
                    options: DemandOptions) -> np.ndarray:
    rows, total_days = history.shape
    if not options.seasonality or total_days < YEAR_DAYS:
        return np.ones(rows)
    year = history[:, total_days - YEAR_DAYS:].astype(np.float64)
    kept = np.ones((1, YEAR_DAYS), bool) if excluded is None else ~np.atleast_2d(excluded)[:, total_days - YEAR_DAYS:]
    kept = np.broadcast_to(kept, year.shape)
    everything = np.ones(year.shape, bool)
    seen = kept if options.season_skips_excluded else everything
    base, _ = _masked_mean(year, kept)  # the days the mean d uses: a normal day's rate last year
    width = np.clip(season, 1, YEAR_DAYS)
    span = int(width.max()) if rows else 1
    sums = np.cumsum(np.where(seen[:, :span], year[:, :span], 0.0), axis=1)
    counts = np.cumsum(seen[:, :span], axis=1)
    pick = (width - 1)[:, None]
    same_sum = np.take_along_axis(sums, pick, axis=1)[:, 0]
    same_count = np.take_along_axis(counts, pick, axis=1)[:, 0]
    return shrunk_index(same_sum, base * same_count, options.season_prior_units)


def shrunk_index(units: np.ndarray, expected: np.ndarray, prior_units: float) -> np.ndarray:
    """(units + K) / (expected + K): last year's same period against its normal rate, pulled toward 1.

    ``units`` sold in the same period last year, ``expected`` what a normal day's rate would
    have sold there, K = ``prior_units``: a SKU that sold a few units gets an index near 1
    (its seasonality is noise), a SKU that sold hundreds gets its own. 1 where nothing is known.
    """
    units, expected = np.asarray(units, float), np.asarray(expected, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = (units + prior_units) / (expected + prior_units)
    return np.where((expected > 0) & np.isfinite(index), index, 1.0)
