"""Cell conversion: what counts as a number, a date, a blank; what is refused and why."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from zaiko_xl.adapters.cells import (
    check_range,
    is_blank,
    lookup_in,
    parse_choice,
    parse_datetime,
    parse_flag,
    parse_number,
    to_text,
)


@pytest.mark.parametrize(("cell", "value"), [
    ("12", 12), (" 12 ", 12), ("１２", 12), ("1,234", 1234), ("１，２３４", 1234), ("12.0", 12), ("-3", -3),
    ("－３", -3), ("−3", -3), ("▲5", -5), ("△ 5", -5), (7, 7), (7.0, 7), (np.int64(9), 9), ("1,234,567", 1234567),
])
def test_numbers_in_every_usual_notation_are_accepted(cell, value):
    parsed = parse_number(pd.Series([cell], dtype=object))
    assert parsed.values[0] == value and pd.isna(parsed.reasons[0])


@pytest.mark.parametrize(("cell", "reason"), [
    ("abc", "not_a_number"), ("十二", "not_a_number"), ("12個", "not_a_number"), ("1,23", "not_a_number"),
    ("12.5", "not_integer"), (12.5, "not_integer"), (True, "not_a_number"), ("inf", "not_a_number"),
])
def test_words_and_fractions_are_refused_with_a_reason(cell, reason):
    parsed = parse_number(pd.Series([cell], dtype=object))
    assert parsed.reasons[0] == reason and pd.isna(parsed.values[0])


def test_a_fraction_is_fine_where_a_float_is_wanted():
    parsed = parse_number(pd.Series(["1.5"], dtype=object), integer=False)
    assert parsed.values[0] == 1.5 and pd.isna(parsed.reasons[0])


def test_blank_cells_have_no_value_and_no_reason():
    parsed = parse_number(pd.Series(["", "  ", None, np.nan], dtype=object))
    assert parsed.values.isna().all() and parsed.reasons.isna().all()


def _reasons(parsed) -> list[str | None]:
    return [r if isinstance(r, str) else None for r in parsed.reasons]


def test_the_range_check_names_negative_too_small_and_too_large():
    parsed = parse_number(pd.Series(["-1", "0", "100000", "5"], dtype=object))
    assert _reasons(check_range(parsed, minimum=0, maximum=99_999)) == ["negative", None, "too_large", None]
    assert _reasons(check_range(parsed, minimum=1, maximum=None)) == ["too_small", "too_small", None, None]


@pytest.mark.parametrize(("cell", "stamp"), [
    ("2025/01/05", "2025-01-05"), ("2025-1-5 9:05", "2025-01-05 09:05"), ("2025年1月5日", "2025-01-05"),
    ("20250105", "2025-01-05"), ("2025.01.05", "2025-01-05"), ("２０２５／０１／０５", "2025-01-05"),
    ("2025-01-05T10:00:00+00:00", "2025-01-05 19:00"), ("2025-01-05T10:00:00Z", "2025-01-05 19:00"),
    ("2025-01-05T10:00:00+09:00", "2025-01-05 10:00"), ("2025/01/05 10時30分", "2025-01-05 10:30"),
    (dt.date(2024, 1, 1), "2024-01-01"), (dt.datetime(2024, 1, 1, 8), "2024-01-01 08:00"),
    (45293.5, "2024-01-02 12:00"),
])
def test_dates_in_every_usual_notation_become_naive_jst(cell, stamp):
    parsed = parse_datetime(pd.Series([cell], dtype=object))
    assert parsed.values[0] == pd.Timestamp(stamp) and pd.isna(parsed.reasons[0])
    assert str(parsed.values.dtype) == "datetime64[ns]"


@pytest.mark.parametrize("cell", ["昨日", "2025-02-30", "2025/13/01", "12:00"])
def test_impossible_dates_are_refused(cell):
    assert parse_datetime(pd.Series([cell], dtype=object)).reasons[0] == "not_a_date"


def test_a_csv_column_of_one_layout_converts_in_one_pass():
    cells = pd.Series(["2025-11-20 09:00:00"] * 3 + ["2025/11/21"], dtype="str")
    assert parse_datetime(cells).values.tolist()[-1] == pd.Timestamp("2025-11-21")


def test_text_keeps_codes_as_written_but_drops_the_point_zero_of_numbers():
    cells = pd.Series([" A-1 ", 4901234567894.0, None, 12, True], dtype=object)
    assert to_text(cells, strip=False).tolist() == [" A-1 ", "4901234567894", "", "12", "TRUE"]
    assert to_text(cells).tolist()[0] == "A-1"


def test_blank_means_none_nan_empty_or_only_spaces():
    cells = pd.Series([None, np.nan, "", "  ", "\u3000", "0", 0], dtype=object)
    assert is_blank(cells).tolist() == [True, True, True, True, True, False, False]


def test_choices_match_after_nfkc_and_case_folding_with_a_fallback():
    lookup = lookup_in({"Shipped": "shipped", "ｷｬﾝｾﾙ": "cancelled", "*": "other"})
    parsed = parse_choice(pd.Series(["SHIPPED", "キャンセル", "何か"], dtype=object), lookup)
    assert parsed.values.tolist() == ["shipped", "cancelled", "other"]


def test_an_unknown_choice_without_fallback_is_refused():
    parsed = parse_choice(pd.Series(["移動"], dtype=object), lookup_in({"入荷": "入荷"}))
    assert parsed.reasons[0] == "unknown_value"


def test_flags_read_marks_and_words():
    parsed = parse_flag(pd.Series(["○", "", "×", "1", "TRUE", "はい", "maybe"], dtype=object))
    assert parsed.values.tolist()[:6] == [True, False, False, True, True, True]
    assert parsed.reasons.tolist()[-1] == "not_a_flag"
