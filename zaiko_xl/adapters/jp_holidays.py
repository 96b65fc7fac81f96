"""Japanese public holidays (国民の祝日, 振替休日, 国民の休日) from jpholiday.

jpholiday computes the holidays from the law, including the equinox days; the result for a
year is cached for the life of the process (the first call for a year takes a few ms).
The domain receives the dates as plain values (``BusinessCalendar``), never this adapter.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache


class JpHolidaySource:
    """The ``HolidaySource`` port on jpholiday."""

    def holidays(self, first: date, last: date) -> tuple[date, ...]:
        """Every Japanese public holiday from ``first`` to ``last`` (inclusive), in order."""
        days: list[date] = []
        for year in range(first.year, last.year + 1):
            days.extend(d for d in _year(year) if first <= d <= last)
        return tuple(days)


@lru_cache(maxsize=128)
def _year(year: int) -> tuple[date, ...]:
    import jpholiday

    return tuple(sorted(d for d, _name in jpholiday.year_holidays(year)))
