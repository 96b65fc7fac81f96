"""The jpholiday adapter: the holidays the lead-time tests rely on, substitute and sandwiched days included."""

from datetime import date

from tests.unit.test_leadtime import HOLIDAYS_2026
from zaiko_xl.adapters.jp_holidays import JpHolidaySource


def test_the_holidays_used_by_the_lead_time_tests_are_japanese_public_holidays():
    found = set(JpHolidaySource().holidays(date(2026, 1, 1), date(2027, 12, 31)))
    assert set(HOLIDAYS_2026) <= found


def test_substitute_and_sandwiched_holidays_are_included():
    days = JpHolidaySource().holidays(date(2026, 5, 1), date(2026, 9, 30))
    assert date(2026, 5, 6) in days  # 振替休日 for 憲法記念日 on a Sunday
    assert date(2026, 9, 22) in days  # 国民の休日 between 敬老の日 and 秋分の日
    assert date(2026, 5, 2) not in days  # a plain Saturday is not a holiday


def test_the_range_is_inclusive_and_ordered():
    days = JpHolidaySource().holidays(date(2026, 5, 3), date(2026, 5, 5))
    assert days == (date(2026, 5, 3), date(2026, 5, 4), date(2026, 5, 5))
