"""Supplier closed periods in their one-cell text form."""

from datetime import date

import pytest

from zaiko_xl.domain.model import ClosedPeriod
from zaiko_xl.domain.suppliers import closed_dates, format_closed_periods, parse_closed_periods

TEXT = "2025-12-29..2026-01-04 年末年始; 2026-08-13..2026-08-16 お盆"


def test_closed_periods_round_trip_through_text():
    periods = parse_closed_periods(TEXT)
    assert periods == (ClosedPeriod(date(2025, 12, 29), date(2026, 1, 4), "年末年始"),
                       ClosedPeriod(date(2026, 8, 13), date(2026, 8, 16), "お盆"))
    assert format_closed_periods(periods) == TEXT


def test_closed_dates_lists_every_day_once():
    days = closed_dates(parse_closed_periods("2026-01-01..2026-01-03; 2026-01-03..2026-01-04 重複"))
    assert days == [date(2026, 1, d) for d in (1, 2, 3, 4)]


@pytest.mark.parametrize("text", ["", None, " ; "])
def test_empty_text_means_no_closed_days(text):
    assert parse_closed_periods(text) == ()


@pytest.mark.parametrize(("text", "message"), [
    ("12/29-1/4", "not a closed period"),
    ("2026-01-05..2026-01-04", "ends before it starts"),
])
def test_bad_closed_periods_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_closed_periods(text)
