"""The demo's KPI step: two years of the sample shop through the journal into the KPI sheets and the HTML report."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timedelta

import pandas as pd
import pytest
from rich.console import Console

from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.adapters.workbook_file import read_cells, read_sheet
from zaiko_xl.domain.kpi import KpiCalendar, KpiInputs, compute_kpis
from zaiko_xl.entrypoints.demo import run_demo
from zaiko_xl.sample_shop.kpi_history import kpi_history

AS_OF = datetime(2026, 11, 16, 10, 0)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    console = Console(file=io.StringIO(), width=200)
    run = run_demo(out=out, skus=60, seed=3, console=console, as_of=AS_OF)
    return run, console.file.getvalue()


def test_the_journal_gives_the_kpis_the_shop_history_gives_directly(demo):
    run, _ = demo
    result = run.facts["kpi"]
    cal = result.report.calendar
    assert (cal.start, cal.end) == (AS_OF.date() - timedelta(days=729), AS_OF.date())
    direct = compute_kpis(KpiInputs(**kpi_history(run.shop)), KpiCalendar(cal.start, cal.end, None, cal.sale_windows))
    for key in ("stockout_rate", "stock_cancel_rate", "turnover", "return_delay_median_h"):
        assert result.report.value(key) == pytest.approx(direct.value(key), nan_ok=True), key
    assert 0 < result.report.value("stockout_rate") < 0.2 and result.report.value("stock_cancel_rate") > 0


def test_the_kpi_sheets_of_the_demo_workbook_are_filled_and_charted(demo):
    run, output = demo
    book = run.workbook
    assert any(line.startswith("│ KPI シート / KPI sheets") and book.name in line for line in output.splitlines())
    summary = read_sheet(book, "KPI").set_index("kpi")
    assert summary.loc["stockout_rate", "all"] == pytest.approx(100 * run.facts["kpi"].report.value("stockout_rate"))
    weeks = read_sheet(book, "KPI推移")
    assert 104 <= len(weeks) <= 106 and read_cells(book, "KPI")["baseline"] == "履歴から / from history"
    with zipfile.ZipFile(book) as zf:
        refs = {r for n in zf.namelist() if n.startswith("xl/charts/") for r in re.findall(r"<c:f>(.*?)</c:f>",
                                                                                         zf.read(n).decode())}
    assert f"'KPI推移'!$A$5:$A${4 + len(weeks)}" in refs


def test_the_summary_has_the_headline_kpis_and_the_html_report_is_beside_the_workbook(demo):
    run, output = demo
    for text in ("欠品率 / stockout rate", "受注後キャンセル率 / cancellations for missing stock", "在庫回転",
                 "KPI レポート / KPI report", "kpi-report.html"):
        assert text in output
    html = (run.out / "kpi-report.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 4


def test_a_second_run_into_the_same_folder_starts_a_fresh_journal(demo):
    run, _ = demo
    again = run_demo(out=run.out, skus=60, seed=3, console=Console(file=io.StringIO()), as_of=AS_OF)
    assert again.facts["kpi"].report.value("stockout_rate") == pytest.approx(run.facts["kpi"].report.value("stockout_rate"))


def test_the_pull_records_its_own_day_and_the_sample_history_the_days_before_with_no_line_twice(demo):
    run, output = demo
    store = SqliteKpiStore(run.out / "zaiko-journal.sqlite")
    day = run.facts["pull"].run.at.date()
    assert "KPI 履歴 (取込日) / KPI history (pull day)" in output and f"{day:%Y-%m-%d}: 在庫 stock" in output
    history = store.kpi_inputs(day, day, 0).stock_history
    now = history.assign(sku=history["sku"].astype(str)).sort_values("day").drop_duplicates("sku", keep="last")
    rms, wh = (read_sheet(run.workbook, name) for name in ("RMS在庫", "倉庫在庫"))
    sellable = rms.loc[rms["sku"].notna()].groupby("sku")["quantity"].sum()
    on_hand = wh.loc[wh["sku"].notna()].groupby("sku")["on_hand"].sum()
    pulled = pd.DataFrame({"on_hand": on_hand, "sellable": sellable}).fillna(0).astype("int64")
    assert now.set_index("sku").loc[pulled.index, ["on_hand", "sellable"]].equals(pulled)
    start, end = AS_OF.date() - timedelta(days=729), AS_OF.date()
    orders = run.shop.orders
    in_period = orders.loc[(orders["ordered_at"].dt.date >= start) & (orders["ordered_at"].dt.date <= end)]
    assert len(store.kpi_inputs(start, end, 0).orders) == len(in_period)  # the pull's copies replaced, none added
