"""The sample shop's calendar: sale windows, demand factors per day, shipping and supplier days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import jpholiday
import numpy as np
import pandas as pd

from zaiko_xl.domain.suppliers import closed_dates, parse_closed_periods

SALE_MONTHS = (3, 6, 9, 12)  # 楽天スーパーSALE: the 4th 20:00 to the 11th 01:59
WEEKDAY_FACTOR = np.array([1.0, 0.95, 0.95, 0.95, 1.0, 1.15, 1.2])  # Monday first
YEARLY_GROWTH = 0.15
CHANNELS = ("rakuten", "yahoo", "amazon")
CHANNEL_SHARE = np.array([0.7, 0.2, 0.1])


@dataclass(frozen=True)
class ShopCalendar:
    """Day 0 is ``first``; ``days`` runs past ``as_of`` by ``ahead`` days for forward planning."""

    first: date
    as_of: datetime
    days: pd.DatetimeIndex
    sale: pd.DataFrame  # name, start, end (inclusive days, midnight)

    @classmethod
    def build(cls, as_of: datetime, history_days: int = 730, ahead: int = 120) -> ShopCalendar:
        first = as_of.date() - timedelta(days=history_days)
        days = pd.date_range(first, periods=history_days + 1 + ahead, freq="D", unit="ns")
        return cls(first, as_of, days, sale_windows(first, as_of.date() + timedelta(days=365)))

    @property
    def history(self) -> int:
        """Number of days up to and including the ``as_of`` day."""
        return (self.as_of.date() - self.first).days + 1

    def channel_factor(self) -> np.ndarray:
        """(channels, days): sale and 5/0-day multipliers of each channel."""
        day = self.days.day.to_numpy()
        month = self.days.month.to_numpy()
        in_sale_month = np.isin(month, SALE_MONTHS)
        rakuten = np.ones(len(self.days))
        rakuten[np.isin(day, (5, 10, 15, 20, 25, 30))] = 1.2
        rakuten[in_sale_month & (day == 4)] = 1.8
        rakuten[in_sale_month & (day >= 5) & (day <= 10)] = 3.0
        rakuten[in_sale_month & (day == 11)] = 1.3
        yahoo = np.where(in_sale_month & (day >= 4) & (day <= 11), 1.2, 1.0)
        return np.vstack([rakuten, yahoo, np.ones(len(self.days))])

    def base_factor(self) -> np.ndarray:
        """(days,): weekday pattern times growth."""
        weekday = WEEKDAY_FACTOR[self.days.day_of_week.to_numpy()]
        return weekday * (1 + YEARLY_GROWTH * np.arange(len(self.days)) / 365)

    def season(self, peak_day: int, amplitude: float) -> np.ndarray:
        doy = self.days.day_of_year.to_numpy()
        return 1 + amplitude * np.cos(2 * np.pi * (doy - peak_day) / 365.25)

    def shipping_day_after(self) -> np.ndarray:
        """For each day index, the first warehouse working day at or after it (no Sundays, 1/1-1/3)."""
        works = (self.days.day_of_week.to_numpy() != 6) & ~((self.days.month == 1) & (self.days.day <= 3))
        nxt = np.full(len(self.days), len(self.days) - 1)
        idx = np.flatnonzero(works)
        pos = np.searchsorted(idx, np.arange(len(self.days)))
        ok = pos < len(idx)
        nxt[ok] = idx[pos[ok]]
        return nxt

    def arrival_table(self, suppliers: pd.DataFrame) -> np.ndarray:
        """(suppliers, days): day index of arrival for a PO placed on each day (business days)."""
        dates = self.days.to_numpy().astype("datetime64[D]")
        table = np.empty((len(suppliers), len(dates)), dtype=np.int64)
        for i, (lead, closed) in enumerate(zip(suppliers["lead_time_days"], suppliers["closed"], strict=True)):
            calendar = _business_days(self.first, closed)
            arrive = np.busday_offset(dates, int(lead), roll="forward", busdaycal=calendar)
            table[i] = (arrive - dates[0]).astype(np.int64)
        return table

    def supplier_works(self, suppliers: pd.DataFrame) -> np.ndarray:
        """(suppliers, days): whether a supplier takes orders that day."""
        dates = self.days.to_numpy().astype("datetime64[D]")
        return np.vstack([np.is_busday(dates, busdaycal=_business_days(self.first, c)) for c in suppliers["closed"]])


@lru_cache(maxsize=4096)
def _business_days(first: date, closed: str) -> np.busdaycalendar:
    """Weekdays without Japanese public holidays and the supplier's closed periods."""
    return np.busdaycalendar(holidays=_holidays(first) + closed_dates(parse_closed_periods(closed)))


@lru_cache(maxsize=8)
def _holidays(first: date) -> list[date]:
    return [d for d, _ in jpholiday.between(first, first + timedelta(days=365 * 4))]


def sale_windows(first: date, last: date) -> pd.DataFrame:
    """楽天スーパーSALE windows overlapping ``first``..``last``: name, start, end (inclusive days)."""
    rows = []
    for year in range(first.year, last.year + 1):
        for month in SALE_MONTHS:
            start, end = date(year, month, 4), date(year, month, 10)
            if end >= first and start <= last:
                rows.append((f"楽天スーパーSALE {year}年{month}月", start, end))
    frame = pd.DataFrame(rows, columns=["name", "start", "end"])
    return frame.astype({"start": "datetime64[ns]", "end": "datetime64[ns]"})
