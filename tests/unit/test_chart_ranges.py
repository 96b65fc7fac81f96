"""Chart series follow the rows written: the chart XML of the file writer and Excel's SERIES formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zaiko_xl.adapters.chart_ranges import TableFill, refit_chart_xml, refit_series_formula, table_fill
from zaiko_xl.adapters.columns import KPI_CAUSES, KPI_TREND

TREND = TableFill(first_row=5, filled={0: 3, 1: 2}, text_columns=frozenset())
CAUSES = TableFill(first_row=5, filled={0: 2, 1: 2, 3: 4}, text_columns=frozenset({0, 3}))
TABLES = {"KPI推移": TREND, "KPI原因": CAUSES}


def _series(cat: str, val: str, cat_kind: str = "numRef") -> str:
    return (f"<c:ser><c:idx val=\"0\"/><c:tx><c:strRef><c:f>{val.split('!')[0]}!$B$4</c:f></c:strRef></c:tx>"
            f"<c:cat><c:{cat_kind}><c:f>{cat}</c:f><c:numCache><c:ptCount val=\"1\"/></c:numCache></c:{cat_kind}>"
            f"</c:cat><c:val><c:numRef><c:f>{val}</c:f><c:numCache><c:ptCount val=\"1\"/></c:numCache></c:numRef>"
            "</c:val></c:ser>")


def test_a_series_on_a_written_table_covers_the_rows_its_categories_fill():
    xml = "<c:chart>" + _series("'KPI推移'!$A$5:$A$5", "'KPI推移'!$B$5:$B$5") + "<c:valAx/></c:chart>"
    fitted = refit_chart_xml(xml, TABLES)
    assert "<c:cat><c:numRef><c:f>'KPI推移'!$A$5:$A$7</c:f></c:numRef></c:cat>" in fitted
    assert "<c:val><c:numRef><c:f>'KPI推移'!$B$5:$B$7</c:f></c:numRef></c:val>" in fitted  # blanks at the end: gaps
    assert "numCache" not in fitted and "<c:f>'KPI推移'!$B$4</c:f>" in fitted and fitted.endswith("<c:valAx/></c:chart>")


def test_text_categories_become_a_string_reference_and_each_chart_keeps_its_own_length():
    xml = _series("'KPI原因'!$A$5:$A$5", "'KPI原因'!$B$5:$B$5") + _series("'KPI原因'!$D$5:$D$40", "'KPI原因'!$E$5:$E$40")
    fitted = refit_chart_xml(xml, TABLES)
    assert "<c:cat><c:strRef><c:f>'KPI原因'!$A$5:$A$6</c:f></c:strRef></c:cat>" in fitted
    assert "<c:f>'KPI原因'!$E$5:$E$8</c:f>" in fitted  # the difference causes fill four rows


def test_ranges_elsewhere_and_charts_of_other_sheets_are_left_alone():
    for xml in (_series("'KPI推移'!$A$4:$A$9", "'KPI推移'!$B$4:$B$9"), _series("'在庫比較'!$A$8:$A$9", "'在庫比較'!$B$8:$B$9"),
                _series("'KPI推移'!$A$5:$C$9", "'KPI推移'!$B$5:$B$9")):
        assert refit_chart_xml(xml, TABLES) == xml


def test_an_empty_table_leaves_one_blank_point():
    empty = {"KPI推移": TableFill(5, {0: 0, 1: 0})}
    assert "<c:f>'KPI推移'!$B$5:$B$5</c:f>" in refit_chart_xml(_series("'KPI推移'!$A$5:$A$60", "'KPI推移'!$B$5:$B$60"),
                                                                empty)


def test_excel_series_formulas_are_refitted_the_same_way():
    formula = "=SERIES('KPI推移'!$B$4,'KPI推移'!$A$5:$A$60,'KPI推移'!$B$5:$B$60,1)"
    assert refit_series_formula(formula, TABLES) == "=SERIES('KPI推移'!$B$4,'KPI推移'!$A$5:$A$7,'KPI推移'!$B$5:$B$7,1)"
    other = "=SERIES(\"a, b\",'発注'!$A$5:$A$9,'発注'!$B$5:$B$9,2)"
    assert refit_series_formula(other, TABLES) == other
    assert refit_series_formula("=SUM(A1:A3)", TABLES) == "=SUM(A1:A3)"


def test_the_fill_of_a_table_is_the_last_non_blank_row_of_each_column():
    trend = pd.DataFrame({"period": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-03-16"]),
                          "stockout_rate": [0.1, np.nan, np.nan]})
    fill = table_fill(KPI_TREND, trend)
    assert (fill.first_row, fill.filled[0], fill.filled[1], fill.filled[2]) == (5, 3, 1, 0)
    causes = pd.DataFrame({"cancel_cause": ["在庫切れ / stockout", None], "diff_cause": ["a", ""]})
    fill = table_fill(KPI_CAUSES, causes)
    assert (fill.filled[0], fill.filled[3]) == (1, 1) and {0, 3, 6} <= fill.text_columns
