"""Business-day lead times: weekends, Golden Week, 年末年始, お盆, supplier closures, calendar limits."""

from datetime import date

import numpy as np
import pytest

from zaiko_xl.domain.leadtime import BusinessCalendar, business_day_lead_times, closed_days, grouped_lead_times
from zaiko_xl.domain.model import ClosedPeriod

# Japanese public holidays used below (as jpholiday gives them; checked in tests/integration/test_jp_holidays.py)
HOLIDAYS_2026 = (date(2026, 4, 29), date(2026, 5, 3), date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6),
                 date(2026, 8, 11), date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 23), date(2027, 1, 1),
                 date(2027, 1, 11))
CALENDAR = BusinessCalendar(date(2026, 1, 1), date(2027, 12, 31), HOLIDAYS_2026)


def lead(order: date, n: int, calendar: BusinessCalendar = CALENDAR):
    result = business_day_lead_times(np.array([order], dtype="datetime64[D]"), np.array([n], float), calendar)
    return result.days[0], result.arrival[0].astype(object), result.errors.code[0]


def test_plain_week_skips_the_weekend():
    assert lead(date(2026, 6, 5), 1)[:2] == (3.0, date(2026, 6, 8))  # Friday -> Monday
    assert lead(date(2026, 6, 1), 5)[:2] == (7.0, date(2026, 6, 8))  # Monday + 5 -> next Monday


def test_an_order_on_a_saturday_counts_from_the_next_business_day():
    assert lead(date(2026, 6, 6), 1)[:2] == (2.0, date(2026, 6, 8))


def test_zero_business_days_is_the_same_day():
    assert lead(date(2026, 6, 6), 0)[:2] == (0.0, date(2026, 6, 6))


def test_golden_week_2026():
    """Ordered Tue 4/28 with 3 business days: 4/29 昭和の日, 4/30 (1), 5/1 (2), 5/2-5/6 weekend,
    憲法記念日, みどりの日, こどもの日, 振替休日, then 5/7 (3): 9 calendar days."""
    assert lead(date(2026, 4, 28), 3) == (9.0, date(2026, 5, 7), "")


def test_silver_week_sandwiched_holiday():
    """2026-09-22 is a 国民の休日 between 敬老の日 and 秋分の日: Fri 9/18 + 1 business day = Thu 9/24."""
    assert lead(date(2026, 9, 18), 1)[:2] == (6.0, date(2026, 9, 24))


def test_nenmatsu_nenshi_closure_of_the_supplier():
    """Supplier closed 12/29-1/4; Fri 12/25 + 2: Mon 12/28 (1), closed, 1/5 (2) = 11 days."""
    closed = CALENDAR.with_closures([ClosedPeriod(date(2026, 12, 29), date(2027, 1, 4), "年末年始")])
    assert lead(date(2026, 12, 25), 2, closed)[:2] == (11.0, date(2027, 1, 5))
    assert lead(date(2026, 12, 25), 2)[:2] == (4.0, date(2026, 12, 29))  # without the closure


def test_obon_closure_and_yama_no_hi():
    """Closed 8/12-8/16 (お盆) and 8/11 山の日: Mon 8/10 + 2 -> 8/17 (1), 8/18 (2)."""
    closed = CALENDAR.with_closures([ClosedPeriod(date(2026, 8, 12), date(2026, 8, 16), "お盆")])
    assert lead(date(2026, 8, 10), 2, closed)[:2] == (8.0, date(2026, 8, 18))


def test_closed_days_lists_every_day_of_each_period():
    days = closed_days([ClosedPeriod(date(2026, 12, 30), date(2027, 1, 2))])
    assert days == (date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2))


def test_a_lead_time_past_the_calendar_is_an_error_not_a_guess():
    days, arrival, code = lead(date(2027, 12, 28), 5)
    assert code == "E265" and np.isnan(days) and arrival is None
    assert lead(date(2025, 12, 31), 1)[2] == "E265"  # the order date itself is outside


def test_bad_inputs_are_row_errors():
    result = business_day_lead_times(np.array(["2026-06-01", "NaT", "2026-06-01", "2026-06-01"], "datetime64[D]"),
                                     np.array([2, 2, -1, 1.5]), CALENDAR)
    assert result.errors.code.tolist() == ["", "E270", "E269", "E269"]
    assert result.days[0] == 2.0 and np.isnan(result.days[1:]).all()


def test_weekend_days_are_configurable():
    six_days = BusinessCalendar(date(2026, 1, 1), date(2026, 12, 31), (), weekend_days=(6,))
    assert lead(date(2026, 6, 5), 1, six_days)[:2] == (1.0, date(2026, 6, 6))  # Saturday is worked


def test_grouped_lead_times_use_each_suppliers_calendar():
    calendars = {"S1": CALENDAR.with_closures([ClosedPeriod(date(2026, 6, 8), date(2026, 6, 12))])}
    result = grouped_lead_times(np.array(["2026-06-05"] * 3, "datetime64[D]"), np.array([1.0, 1.0, 1.0]),
                                np.array(["S1", "S2", None], dtype=object), calendars, CALENDAR)
    assert result.days.tolist() == [10.0, 3.0, 3.0]


@pytest.mark.parametrize("n", [1, 20, 200])
def test_lead_times_agree_with_walking_the_calendar_day_by_day(n):
    start = date(2026, 3, 2)
    day, count, offdays = np.datetime64(start), 0, set(np.array(HOLIDAYS_2026, "datetime64[D]").tolist())
    while count < n:
        day += 1
        if day.astype(object).weekday() < 5 and day.astype(object) not in offdays:
            count += 1
    assert lead(start, n)[1] == day.astype(object)
