"""Lead times in calendar days: directly, or as N business days after an order date.

A business day is not a weekend day (default Saturday and Sunday), not a Japanese public
holiday and not a day the supplier is closed (年末年始, お盆). The holidays are *given*: an
adapter computes them (jpholiday) for a known range of dates, so this module stays pure and
deterministic. A result outside that range is an error (E265), never a silent guess.

The lead time of an order placed on day D with N business days is the number of calendar
days from D to the N-th business day strictly after D (N = 0: the same day, 0 days).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from zaiko_xl.domain.model import ClosedPeriod
from zaiko_xl.domain.rowcheck import RowErrors

_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class BusinessCalendar:
    """Working days between ``first_day`` and ``last_day`` (inclusive), where holidays are known.

    Attributes:
        first_day: first date the holiday list covers.
        last_day: last date the holiday list covers; a delivery after it is an error.
        closed: public holidays and company closures (any order, duplicates allowed).
        weekend_days: weekday numbers that are never worked (Monday = 0).
    """

    first_day: date
    last_day: date
    closed: tuple[date, ...] = ()
    weekend_days: tuple[int, ...] = (5, 6)
    _cal: np.busdaycalendar = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        weekmask = [0 if day in self.weekend_days else 1 for day in range(7)]
        holidays = np.array(sorted(set(self.closed)), dtype="datetime64[D]")
        object.__setattr__(self, "_cal", np.busdaycalendar(weekmask=weekmask, holidays=holidays))

    def with_closures(self, periods: Iterable[ClosedPeriod]) -> BusinessCalendar:
        """The same calendar with a supplier's closed periods added."""
        return BusinessCalendar(self.first_day, self.last_day, self.closed + closed_days(periods), self.weekend_days)

    def is_business_day(self, days: np.ndarray) -> np.ndarray:
        return np.is_busday(np.asarray(days, dtype="datetime64[D]"), busdaycal=self._cal)

    @property
    def numpy_calendar(self) -> np.busdaycalendar:
        return self._cal


def closed_days(periods: Iterable[ClosedPeriod]) -> tuple[date, ...]:
    """Every date of the given closed periods (start and end included)."""
    days: list[date] = []
    for period in periods:
        span = np.arange(np.datetime64(period.start, "D"), np.datetime64(period.end, "D") + 1)
        days.extend(d.item() for d in span)
    return tuple(days)


@dataclass(frozen=True)
class LeadTimes:
    """Calendar-day lead times with their arrival dates and per-row errors."""

    days: np.ndarray  # float, NaN on error rows
    arrival: np.ndarray  # datetime64[D], NaT on error rows
    errors: RowErrors


def business_day_lead_times(order_dates: np.ndarray, business_days: np.ndarray,
                            calendar: BusinessCalendar, *, date_column: str = "order_date",
                            days_column: str = "business_days") -> LeadTimes:
    """Calendar days from each order date to its N-th business day after it.

    Args:
        order_dates: ``datetime64[D]`` per row (NaT = missing: E270).
        business_days: N per row (float; NaN: E261, fraction or < 0: E269).
        calendar: the working calendar; dates outside its range give E265.
        date_column, days_column: names used in the row errors.
    """
    dates = np.asarray(order_dates, dtype="datetime64[D]")
    n_days = np.asarray(business_days, dtype=float)
    dates, n_days = np.broadcast_arrays(dates, n_days)
    errors = RowErrors(len(dates))
    errors.flag(np.isnat(dates), "E270", date_column)
    errors.require_whole(n_days, days_column, 0)
    first, last = np.datetime64(calendar.first_day, "D"), np.datetime64(calendar.last_day, "D")
    errors.flag(~np.isnat(dates) & ((dates < first) | (dates > last)), "E265", date_column)
    ok = errors.ok
    safe_dates = np.where(ok, dates, first)
    safe_n = np.where(ok, n_days, 0).astype(np.int64)
    arrival = np.busday_offset(safe_dates, safe_n, roll="backward", busdaycal=calendar.numpy_calendar)
    arrival = np.where(safe_n == 0, safe_dates, arrival)
    errors.flag(ok & (arrival > last), "E265", days_column)
    ok = errors.ok
    days = np.where(ok, (arrival - safe_dates).astype(np.int64), np.nan).astype(float)
    return LeadTimes(days=days, arrival=np.where(ok, arrival, np.datetime64("NaT")), errors=errors)


def grouped_lead_times(order_dates: np.ndarray, business_days: np.ndarray, groups: np.ndarray,
                       calendars: Mapping[str, BusinessCalendar], default: BusinessCalendar) -> LeadTimes:
    """Business-day lead times where each row uses its group's calendar (e.g. per supplier)."""
    dates = np.asarray(order_dates, dtype="datetime64[D]")
    n_days = np.asarray(business_days, dtype=float)
    n = max(dates.size, n_days.size, np.size(groups))
    dates, n_days = np.broadcast_to(dates, (n,)), np.broadcast_to(n_days, (n,))
    keys = pd.Series(np.broadcast_to(np.asarray(groups, dtype=object), (n,))).fillna("").astype(str)
    codes, uniques = pd.factorize(keys)
    if len(uniques) == 1:
        return business_day_lead_times(dates, n_days, calendars.get(uniques[0], default))
    days = np.full(n, np.nan)
    arrival = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    errors = RowErrors(n)
    for k, key in enumerate(uniques):
        rows = np.flatnonzero(codes == k)
        part = business_day_lead_times(dates[rows], n_days[rows], calendars.get(key, default))
        days[rows], arrival[rows] = part.days, part.arrival
        errors.put(rows, part.errors)
    return LeadTimes(days=days, arrival=arrival, errors=errors)
