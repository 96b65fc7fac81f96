"""The ZAIKO_ Excel functions, called directly (xlwings' decorators are no-ops on Linux)."""

import inspect
import math
import re
from datetime import date, datetime

import pytest

from zaiko_xl.entrypoints import excel_udfs as udf
from zaiko_xl.entrypoints.excel_udfs import (
    ZAIKO_COST_SERVICE_LEVEL,
    ZAIKO_DEMAND_STATS,
    ZAIKO_EOQ,
    ZAIKO_LEADTIME_BDAYS,
    ZAIKO_ORDER_QTY,
    ZAIKO_ORDER_UP_TO,
    ZAIKO_REORDER_POINT,
    ZAIKO_SAFETY_STOCK,
)

Z95 = 1.6448536269514722


def col(*values):
    """A column range as xlwings passes it with ndim=2."""
    return [[v] for v in values]


def flat(result):
    return [row[0] for row in result]


# ---------------------------------------------------------------- the contract of every function
@pytest.mark.parametrize("func", udf.UDFS, ids=lambda f: f.__name__)
def test_each_function_is_prefixed_and_documented_in_both_languages_within_255_characters(func):
    doc = inspect.getdoc(func)
    assert func.__name__.startswith("ZAIKO_") and func.__name__.isupper()
    assert len(doc) <= 255, len(doc)
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", doc) and re.search(r"[A-Za-z]{3,} [a-z]{2,} [a-z]{2,}", doc)


def test_xlwings_is_told_which_arguments_are_ranges():
    """Under xlwings' real decorators (as ``template build`` and Excel run them), every argument of
    the column functions arrives 2-D, and only ZAIKO_DEMAND_STATS's two tuning values stay scalar."""
    from zaiko_xl.entrypoints.excel_vba import _fresh_module, _xlwings_udf_api

    with _xlwings_udf_api():
        module = _fresh_module("zaiko_xl.entrypoints.excel_udfs")
    for func in udf.UDFS:
        declared = {a["name"]: a["options"].get("ndim") for a in getattr(module, func.__name__).__xlfunc__["args"]}
        scalar = {"recent_days", "recent_weight"} if func is ZAIKO_DEMAND_STATS else set()
        assert declared == {name: None if name in scalar else 2 for name in inspect.signature(func).parameters}


def test_a_scalar_call_returns_a_scalar_and_a_column_call_returns_a_column():
    assert ZAIKO_SAFETY_STOCK(10, 3, 5, 0, 0.95) == pytest.approx(Z95 * 3 * math.sqrt(5))
    result = ZAIKO_SAFETY_STOCK(col(10, 20), col(3, 0), col(5, 5), 0, 0.95)
    assert result == [[pytest.approx(Z95 * 3 * math.sqrt(5))], [0.0]]


def test_single_cells_are_broadcast_and_1d_lists_are_columns():
    assert flat(ZAIKO_REORDER_POINT([10, 20], 5, col(1.0, 2.0))) == [51.0, 102.0]


def test_ranges_of_different_lengths_say_so_in_every_cell():
    result = ZAIKO_SAFETY_STOCK(col(1, 2), col(1, 2, 3), 5)
    assert result == [["#E268 範囲の行数が不一致 / the ranges differ in row count"]] * 3


def test_bad_rows_show_a_short_error_and_the_other_rows_are_computed():
    result = flat(ZAIKO_SAFETY_STOCK(col(10, "abc", -1, 10, 10, 10), col(3, 3, 3, 3, 3, 3), col(5, 5, 5, 5, 5, 5),
                                     0, col(0.95, 0.95, 0.95, 1.5, 0, 0.95), 0, col("cycle", "", "", "", "", "often")))
    assert result[0] == pytest.approx(Z95 * 3 * math.sqrt(5))
    assert result[1] == "#E261 「demand_mean」が空か数値でない / 'demand_mean' is empty or not a number"
    assert result[2] == "#E262 「demand_mean」が負の値 / 'demand_mean' is negative"
    assert result[3] == "#E263 「service_level」は0より大きく1未満に / 'service_level' must be in (0, 1)"
    assert result[4].startswith("#E263 ")
    assert result[5] == "#E266 「service_type」の値が不明 (cycle / fill_rate / cost) / 'service_type': unknown value (cycle / fill_rate / cost)"
    assert all(len(r) <= 120 for r in result[1:])


def test_unused_rows_of_a_whole_column_range_stay_empty():
    result = flat(ZAIKO_SAFETY_STOCK(col(10, None, ""), col(3, None, None), col(5, None, None)))
    assert result[1:] == ["", ""]


def test_safety_stock_defaults_and_fill_rate():
    continuous = ZAIKO_SAFETY_STOCK(10, 3, 5)  # sigma_L 0, 95 %, continuous, cycle
    periodic = ZAIKO_SAFETY_STOCK(10, 3, 5, 1, 0.9, 7)
    fill = ZAIKO_SAFETY_STOCK(50, 100, 1, 0, 0.99, 0, "fill_rate", 455.2796208651397)
    assert continuous == pytest.approx(Z95 * 3 * math.sqrt(5))
    assert periodic == pytest.approx(1.2815515655446004 * math.sqrt(12 * 9 + 100))
    assert fill == pytest.approx(130.0, abs=1e-7)  # G(1.3) = Q(1 - beta)/sigma_X
    assert ZAIKO_SAFETY_STOCK(50, 100, 1, 0, 0.99, 0, "充足率").startswith("#E267 ")


def test_reorder_point_is_blank_in_periodic_review_and_order_up_to_adds_the_lot_or_review():
    assert flat(ZAIKO_REORDER_POINT(col(10, 10), 5, col(11.0, 17.0), col(0, 7))) == [61.0, ""]
    assert flat(ZAIKO_ORDER_UP_TO(col(10, 10), 5, col(11.0, 17.0), col(0, 7), col(20, 20))) == [81.0, 137.0]
    assert ZAIKO_REORDER_POINT(10, 5, "#E261 ...") .startswith("#E261 「safety_stock」")


def test_order_quantity_trigger_moq_case_pack_and_rules():
    result = flat(ZAIKO_ORDER_QTY(col(61, 61.5, 40, 100, 0), col(61, 61, "", 61, 61), col(81, 81, 137, 81, 81),
                                  col(0, 0, 0, 0, 1000), col(1, 1, 12, 1, 24), col(0, 0, 7, 0, 0)))
    assert result == [20.0, 0.0, 108.0, 0.0, 1008.0]  # inclusive trigger; R > 0 always; MOQ then pack
    assert ZAIKO_ORDER_QTY(10, 20, 45, 0, 1, 0, "lot", 25) == 25.0
    assert ZAIKO_ORDER_QTY(10, 20, 45, 0, 1, 0, "ロット").startswith("#E274 ")
    assert ZAIKO_ORDER_QTY(10, "", 45).startswith("#E261 「reorder_point」")
    assert ZAIKO_ORDER_QTY(10, 20, 45, 0, 2.5).startswith("#E269 「case_pack」は1以上の整数に")


def test_business_day_lead_time_with_golden_week_and_a_suppliers_nenmatsu_closure():
    closed = [["S1", date(2026, 12, 29), date(2027, 1, 4)], ["", None, None]]
    result = flat(ZAIKO_LEADTIME_BDAYS(col(date(2026, 4, 28), datetime(2026, 12, 25, 9, 30), date(2026, 12, 25),
                                           "2026-06-05", 46181.0, "next week", None),
                                       col(3, 2, 2, 1, 1, 1, None), closed, col("S1", "S1", "S2", "", "", "", "")))
    # 46181 = Excel serial of 2026-06-08 (Monday)
    assert result[:5] == [9.0, 11.0, 4.0, 3.0, 1.0]
    assert result[5] == "#E270 「order_date」が日付でない / 'order_date' is not a date"
    assert result[6] == ""


def test_closed_days_for_every_supplier_as_one_or_two_columns():
    assert ZAIKO_LEADTIME_BDAYS(date(2026, 8, 10), 2, [[date(2026, 8, 12), date(2026, 8, 16)]]) == 8.0
    assert ZAIKO_LEADTIME_BDAYS(date(2026, 8, 10), 2, [[date(2026, 8, 12)], [date(2026, 8, 13)]]) == 7.0


def test_lead_time_past_the_calendar_and_bad_business_days():
    assert ZAIKO_LEADTIME_BDAYS(date(2026, 6, 1), 600).startswith("#E265 ")
    assert ZAIKO_LEADTIME_BDAYS(date(2026, 6, 1), -2).startswith("#E269 ")
    assert ZAIKO_LEADTIME_BDAYS(date(2026, 6, 1), "abc").startswith("#E261 ")


def test_demand_stats_per_row_with_excluded_days_and_blending():
    history = [[1, 2, 3, 4], [0, 0, 10, 0], [None, None, None, None], [1, "a", 2, 3], [None, -1, 1, 1]]
    result = ZAIKO_DEMAND_STATS(history, [[0, 0, 1, 0]])
    assert result[0] == [pytest.approx(7 / 3), pytest.approx(1.5275252316519468), 3.0]
    assert result[1] == [0.0, 0.0, 3.0]
    assert result[2] == ["", "", ""]
    assert result[3][0].startswith("#E261 ") and result[3][1:] == ["", ""]
    assert result[4][0].startswith("#E262 ")
    blended = ZAIKO_DEMAND_STATS([[2, 2, 2, 10]], None, 1, 0.5)
    assert blended == [[pytest.approx(0.5 * 10 + 0.5 * 4), pytest.approx(4.0), 4.0]]


def test_demand_stats_with_everything_excluded_or_bad_options():
    assert ZAIKO_DEMAND_STATS([[1, 2]], [["除外", "x"]])[0][0].startswith("#E264 ")
    assert ZAIKO_DEMAND_STATS([[1, 2]], None, 0)[0][0].startswith("#E269 「recent_days」")
    assert ZAIKO_DEMAND_STATS([[1, 2], [3, 4]], [[0, 1], [0, 0], [1, 1]])[0][0].startswith("#E268 ")


def test_cost_service_level_and_eoq():
    """FoSCT Example 4.3 (alpha = 0.70 / 0.88) and Example 3.1 (EOQ 304.0467800264368 for 1300/yr)."""
    assert ZAIKO_COST_SERVICE_LEVEL(0.18, 0.70) == pytest.approx(0.7954545454545454)
    assert ZAIKO_COST_SERVICE_LEVEL(0, 0).startswith("#E263 ")
    assert ZAIKO_EOQ(1300 / 365, 8, 0.225) == pytest.approx(304.0467800264368)
    assert ZAIKO_EOQ(1, 8, 0).startswith("#E275 ")


def test_the_readme_examples_give_the_values_the_readme_shows():
    readme = (__import__("pathlib").Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    examples = {
        "`=ZAIKO_SAFETY_STOCK(10,3,5,0,0.95)` → 11.03": round(ZAIKO_SAFETY_STOCK(10, 3, 5, 0, 0.95), 2) == 11.03,
        "`=ZAIKO_REORDER_POINT(10,5,11.03)` → 61.03": round(ZAIKO_REORDER_POINT(10, 5, 11.03), 2) == 61.03,
        "`=ZAIKO_ORDER_UP_TO(10,5,17.09,7)` → 137.09": round(ZAIKO_ORDER_UP_TO(10, 5, 17.09, 7), 2) == 137.09,
        '`=ZAIKO_ORDER_QTY(40,"",137.09,0,12,7)` → 108': ZAIKO_ORDER_QTY(40, "", 137.09, 0, 12, 7) == 108,
        "`=ZAIKO_LEADTIME_BDAYS(DATE(2026,4,28),3)` → 9": ZAIKO_LEADTIME_BDAYS(date(2026, 4, 28), 3) == 9,
        "`=ZAIKO_COST_SERVICE_LEVEL(0.18,0.70)` → 0.795": round(ZAIKO_COST_SERVICE_LEVEL(0.18, 0.70), 3) == 0.795,
        "`=ZAIKO_EOQ(1300/365,8,0.225)` → 304.05": round(ZAIKO_EOQ(1300 / 365, 8, 0.225), 2) == 304.05,
    }
    for text, holds in examples.items():
        assert text in readme and holds, text
