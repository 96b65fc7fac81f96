"""The KPI sheets of the workbook from the hand-built history (test_kpi_domain), and the KPI更新 service."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from tests.fakes import FakeKpiStore, FakeProgress, FakeWorkbook
from tests.unit.test_kpi_domain import CALENDAR, _inputs
from zaiko_xl.adapters.columns import KPI, KPI_CAUSES, KPI_TREND
from zaiko_xl.domain.kpi import compute_kpis
from zaiko_xl.domain.kpi_result import build_result
from zaiko_xl.domain.kpi_sheet import CHARTS, SHEET_COLUMNS, kpi_sheets, summary_notes
from zaiko_xl.services import workbook_buttons
from zaiko_xl.services.kpi import KpiOptions, write_kpi_sheets

OPTIONS = KpiOptions(as_of=date(2026, 3, 11), history_days=10, go_live=date(2026, 3, 6),
                     sale_windows=CALENDAR.sale_windows, demand_window_days=3)


@pytest.fixture(scope="module")
def result():
    report = compute_kpis(_inputs(), CALENDAR)
    baseline = report.summary.loc[report.summary["phase"] == "baseline"].drop(columns="phase")
    return build_result(report, baseline, "history")


def test_the_workbook_sheets_have_exactly_the_columns_the_frames_fill(result):
    sheets = kpi_sheets(result)
    for spec in (KPI, KPI_TREND, KPI_CAUSES):
        assert list(sheets[spec.name].columns) == list(spec.fields) == [c.field for c in SHEET_COLUMNS[spec.name]]
    for chart in CHARTS:
        assert {chart.categories, *chart.series} <= set(sheets[chart.sheet].columns)


def test_the_summary_shows_per_cent_as_numbers_beside_their_unit(result):
    summary = kpi_sheets(result)["KPI"].set_index("kpi")
    assert summary.loc["stockout_rate", "unit"] == "%"
    assert summary.loc["stockout_rate", "baseline_normal"] == pytest.approx(100 * 5 / 9)
    assert summary.loc["stockout_rate", "live_sale"] == pytest.approx(100 * 2 / 3)
    assert np.isnan(summary.loc["stockout_rate", "baseline_sale"])  # no sale day before go-live
    assert summary.loc["stock_diffs", "all"] == pytest.approx(2.25)  # not a percentage: as it is
    assert summary.loc["stockout_rate", "kpi_name"] == "欠品率 / stockout rate"


def test_the_trend_has_one_row_per_week_with_normal_and_sale_days_apart(result):
    trend = kpi_sheets(result)["KPI推移"]
    assert trend["period"].dt.date.tolist() == [date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9)]
    assert trend["stockout_rate"].tolist() == pytest.approx([0.5, 4 / 9, 2 / 3])
    assert trend["stockout_rate_sale"].tolist()[2] == pytest.approx(2 / 3)
    assert np.isnan(trend["stockout_rate_sale"].tolist()[0])


def test_the_three_cause_tables_stand_side_by_side_largest_first(result):
    causes = kpi_sheets(result)["KPI原因"]
    cancel = causes[["cancel_cause", "cancel_baseline", "cancel_live"]].dropna()
    assert cancel.values.tolist() == [["在庫切れ / stockout", 2, 1], ["お客様都合 / customer", 1, 0]]
    diff = causes[["diff_cause", "diff_baseline", "diff_live"]].dropna()
    assert diff.values.tolist() == [["反映遅れ / sync delay", 3, 3], ["在庫分断 / split stock", 0, 2],
                                    ["SKU 表記ゆれ / SKU notation", 1, 0]]
    api = causes[["api_cause", "api_baseline", "api_live"]].dropna()
    assert api.values.tolist() == [["応答なし / no response", 0, 2], ["HTTP 429", 0, 1], ["X0000", 1, 0]]
    assert len(causes) == 3  # as long as the longest table; the shorter ones end in blanks


def test_write_kpi_sheets_fills_the_three_sheets_and_the_facts_above_the_table(result):
    book = FakeWorkbook()
    write_kpi_sheets(result, book)
    assert book.writes == 1  # one atomic write
    assert len(book.read_sheet("KPI")) == 12 and len(book.read_sheet("KPI推移")) == 3
    cells = book.read_cells("KPI")
    assert cells["period"] == "2026-03-01 – 2026-03-10 (直近 / latest 2026-03-09)"
    assert cells["go_live"] == "2026-03-06" and cells["baseline"] == "履歴から / from history"
    assert cells == {**cells, **summary_notes(result)}


def test_the_kpi_button_writes_the_sheets_and_says_what_it_found():
    book, store, progress = FakeWorkbook(), FakeKpiStore(_inputs()), FakeProgress()
    summary = workbook_buttons.kpi(book, store, OPTIONS, progress, store)
    assert summary.render() == ("KPI を更新しました (2026-03-01〜2026-03-10): 欠品率 50.00%、受注後キャンセル率 42.86% / "
                                "KPIs updated (2026-03-01 to 2026-03-10): stockout rate 50.00%, cancellations for "
                                "missing stock 42.86%")
    assert book.read_sheet("KPI").set_index("kpi").loc["stockout_rate", "live_normal"] == pytest.approx(0.0)
    assert store.baseline is not None and store.baseline[0] == date(2026, 3, 6)  # frozen after go-live


def test_the_kpi_button_on_an_empty_history_says_so():
    from zaiko_xl.errors import KpiNoData

    empty = FakeKpiStore(_inputs(stock_history=pd.DataFrame(columns=["sku", "day", "on_hand", "sellable"]),
                                 orders=pd.DataFrame(columns=["order_number", "sku", "quantity", "status",
                                                              "ordered_at"])))
    with pytest.raises(KpiNoData):
        workbook_buttons.kpi(FakeWorkbook(), empty, OPTIONS, FakeProgress())
