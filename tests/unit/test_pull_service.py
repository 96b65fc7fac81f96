"""services.pull.pull_workbook with fakes: one write of every sheet, or nothing at all; the journal."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pandas as pd
import pytest

from tests.fakes import (
    FakeKpiRecorder,
    FakeLedgerSource,
    FakeOrderExportSource,
    FakeProgress,
    FakePullJournal,
    FakeRmsInventory,
    FakeRmsLicense,
    FakeRmsOrders,
    FakeTableSource,
    FakeWarehouseSource,
    FakeWorkbook,
    table,
)
from zaiko_xl.errors import (
    BadValue,
    CrowdedQuantitySkipped,
    DuplicateRowMerged,
    InputProblems,
    JournalUnreadable,
    KpiNotRecorded,
    LicenseExpired,
    where,
)
from zaiko_xl.services import workbook_buttons
from zaiko_xl.services.pull import MATCH_LABEL, PullOptions, PullSources, pull_workbook
from zaiko_xl.services.pull_kpi import KpiRecording

NOW = datetime(2026, 11, 20, 10, 0)
OPTIONS = PullOptions(now=NOW, run_id="pull-1", workbook="zaiko.xlsm", lookback_days=30, warn_days=14)
ITEMS = pd.DataFrame({"sku": ["A-1", "B-2"], "manage_number": ["a", "b"], "variant_id": ["A-1", "2"],
                      "warehouse_code": ["A-1", "OLD-B"], "jan": [None, None]})
MERGED = DuplicateRowMerged(row_first=2, **where(file="wh.csv", row=3, column="商品コード"))


def _line(number, progress, when, variant="A-1"):
    return {"order_number": number, "channel": "rakuten", "manage_number": "a", "variant_id": variant,
            "merchant_defined_sku_id": "", "item_number": "", "quantity": 1,
            "status": "unshipped" if progress < 900 else "cancelled", "order_progress": progress,
            "ordered_at": when, "changed_at": None}


def _sources(**parts) -> PullSources:
    base = {
        "rms_inventory": FakeRmsInventory({("a", "A-1"): 5, ("b", "2"): 7}, updated=datetime(2026, 11, 20, 9, 0)),
        "rms_orders": FakeRmsOrders([_line("R1", 300, datetime(2026, 11, 19)), _line("R0", 300, datetime(2026, 9, 1))]),
        "rms_license": FakeRmsLicense(datetime(2026, 11, 28, 23, 59, 59)),
        "warehouse": FakeWarehouseSource(table("warehouse", [
            {"warehouse_code": "a-1 ", "on_hand": 4, "updated_at": datetime(2026, 11, 19, 18, 0)},
            {"warehouse_code": "OLD-B", "on_hand": 9, "updated_at": datetime(2026, 11, 19, 17, 0)}], "wh.csv",
            (MERGED,))),
        "ledger": FakeLedgerSource(table("ledger", [{"sku": "A-1", "kind": "入荷", "quantity": 4,
                                                     "at": datetime(2026, 11, 1)}], "zaiko.xlsm [社内台帳]")),
        "other_orders": [FakeOrderExportSource(table("orders", [
            {"order_number": "Y1", "channel": "yahoo", "sku": "B-2", "quantity": 1, "status": "unshipped",
             "ordered_at": datetime(2026, 11, 18), "changed_at": pd.NaT},
            {"order_number": "Y0", "channel": "yahoo", "sku": "B-2", "quantity": 1, "status": "shipped",
             "ordered_at": datetime(2026, 11, 18), "changed_at": pd.NaT}], "yahoo.csv"))],
        "inbound": FakeTableSource(table("inbound", [
            {"sku": "B-2", "quantity": 12, "expected_on": datetime(2026, 11, 25), "supplier": "S1",
             "reference": "PO-1", "received_at": pd.NaT}], "inbound.csv")),
    }
    return PullSources(**{**base, **parts})


def test_one_write_fills_every_pulled_sheet_the_report_and_the_dashboard_and_the_journal_keeps_it():
    book, journal, progress = FakeWorkbook({"items": ITEMS}), FakePullJournal(), FakeProgress()
    report = pull_workbook(book, _sources(), journal, OPTIONS, progress)
    assert book.writes == 1
    assert book.rows["RMS在庫"][["sku", "match"]].values.tolist() == [["A-1", "exact"], ["B-2", "mapping"]]
    assert book.rows["倉庫在庫"][["sku", "match"]].values.tolist() == [["A-1", "normalised"], ["B-2", "mapping"]]
    assert book.rows["受注"]["order_number"].tolist() == ["Y1", "R1"]  # R0 is older than 30 days, Y0 shipped
    assert book.rows["入荷予定"]["reference"].tolist() == ["PO-1"]
    assert book.rows["照合結果"]["code"].tolist() == ["a-1 ", "b:2", "OLD-B"]
    cells = book.cells["操作"]
    assert cells["last_pull"] == NOW and cells["license_expiry"] == datetime(2026, 11, 28).date()
    assert cells["license_warning"] == report.license.render() and "残り 8 日" in cells["license_warning"]
    assert cells["status"] == " / ".join(report.summary()) and cells["last_run"] == "2026-11-20 10:00 在庫取込"
    assert book.cells["照合結果"]["summary.warehouse.normalised"] == 1 and book.cells["RMS在庫"]["updated_at"] == NOW
    assert journal.runs == [report.run] and report.run.source("warehouse").warnings == 1
    assert report.run.source("warehouse").as_of == datetime(2026, 11, 19, 18, 0)
    assert report.warnings == (MERGED,) and report.rows == {"rms_stock": 2, "orders": 2, "warehouse": 2,
                                                             "inbound": 1, "match_report": 3}
    assert progress.updates[-1] == (MATCH_LABEL, 2, 2)


def test_the_master_names_the_rms_keys_and_without_any_every_sku_is_swept_by_range():
    with_keys, without = _sources(), _sources(rms_inventory=FakeRmsInventory({("a", "A-1"): 5}))
    pull_workbook(FakeWorkbook({"items": ITEMS}), with_keys, FakePullJournal(), replace(OPTIONS, find_unlisted=False))
    assert with_keys.rms_inventory.range_calls == []
    report = pull_workbook(FakeWorkbook(), without, FakePullJournal(), OPTIONS)
    assert without.rms_inventory.range_calls == [(0, 99_999)] and report.rows["rms_stock"] == 1  # no second sweep


def test_with_keys_the_pull_sweeps_the_skus_in_stock_and_reports_those_the_master_does_not_name():
    rms = FakeRmsInventory({("a", "A-1"): 5, ("b", "2"): 7, ("x", "Extra-1"): 3, ("x", "zero"): 0, ("a", "a-1"): 2},
                           updated=datetime(2026, 11, 20, 9, 0))
    book, journal = FakeWorkbook({"items": ITEMS}), FakePullJournal()
    report = pull_workbook(book, _sources(rms_inventory=rms), journal, OPTIONS)
    assert rms.range_calls == [(1, 99_999)]
    sheet = book.rows["照合結果"]
    assert sheet["code"].tolist()[:2] == ["a:a-1", "x:Extra-1"]  # variantId case matters; x:zero has no stock
    assert sheet["problem"].tolist()[:2] == ["unlisted", "unlisted"] and sheet["sku"].isna().tolist()[:2] == [True] * 2
    assert sheet["detail"].iloc[1] == (
        "商品マスタにない RMS の SKU です (商品管理番号 x・SKU管理番号 Extra-1、RMS在庫 3)。RMS はこの在庫数で販売を続けます。"
        "商品マスタに追加するか、販売しない SKU なら RMS で在庫を 0 にしてください / RMS SKU not in 商品マスタ (manageNumber x, "
        "variantId Extra-1, RMS stock 3); RMS keeps selling it. Add it to 商品マスタ, or set its stock to 0 on RMS if it "
        "is not for sale.")
    assert book.rows["RMS在庫"][["manage_number", "variant_id"]].values.tolist() == [["a", "A-1"], ["b", "2"]]
    assert report.unlisted == 2 and report.problems == 2 and report.rows["rms_stock"] == 2
    assert journal.runs[0].source("rms_stock").problems == 2
    assert book.cells["照合結果"]["summary.rms_stock.problems"] == 2
    ja, en = report.summary()
    assert "要確認 2 件 (うち商品マスタにない RMS の SKU 2 件)、注意 1 件" in ja
    assert "2 to check (2 of them RMS SKUs not in 商品マスタ), 1 warnings" in en


def test_a_quantity_too_crowded_to_list_is_a_warning_and_the_pull_goes_on():
    crowded = {("z", f"v{i}"): 1 for i in range(1001)}
    rms = FakeRmsInventory({("a", "A-1"): 5, ("b", "2"): 7, ("x", "extra"): 2, **crowded})
    book = FakeWorkbook({"items": ITEMS})
    report = pull_workbook(book, _sources(rms_inventory=rms), FakePullJournal(), OPTIONS)
    skipped = report.warnings[-1]
    assert isinstance(skipped, CrowdedQuantitySkipped) and skipped.render() == (
        "E313 在庫数 1 は RMS にそれぞれ 1000 件を超える SKU があり範囲取得で一覧できないため、その在庫数の商品マスタにない SKU は"
        "確認できませんでした (取込は続行)。 その在庫数の SKU がすべて商品マスタにあるか、RMS の商品一覧で確認してください。 / "
        "RMS has more than 1000 SKUs at each of the stock values 1, too many for its range query; SKUs at those "
        "values were not checked against 商品マスタ (the pull went on). Check in RMS's item list that the SKUs at "
        "those stock values are all in 商品マスタ.")
    assert report.unlisted == 1 and book.rows["照合結果"]["code"].iloc[0] == "x:extra"
    assert report.run.source("rms_stock").warnings == 1 and len(report.warnings) == 2


def test_the_button_message_counts_the_unlisted_skus():
    rms = FakeRmsInventory({("a", "A-1"): 5, ("b", "2"): 7, ("x", "extra"): 2})
    summary = workbook_buttons.pull(FakeWorkbook({"items": ITEMS}), FakeProgress(), _sources(rms_inventory=rms),
                                    FakePullJournal(), OPTIONS)
    assert "(うち商品マスタにない RMS の SKU 1 件)" in summary.render()


def test_a_bad_file_stops_the_pull_before_rms_is_asked_and_nothing_is_written():
    problems = InputProblems(file="wh.csv", count=1, problems=[BadValue(
        value="十", detail_ja="数値ではありません", detail_en="not a number", **where(file="wh.csv", row=2, column="実在庫数"))])
    sources = _sources(warehouse=FakeWarehouseSource(error=problems))
    book, journal = FakeWorkbook({"items": ITEMS}), FakePullJournal()
    with pytest.raises(InputProblems) as caught:
        pull_workbook(book, sources, journal, OPTIONS)
    assert caught.value is problems
    assert book.writes == 0 and journal.runs == [] and sources.rms_orders.searches == []


def test_an_unusable_license_writes_nothing():
    sources = _sources(rms_license=FakeRmsLicense(datetime(2026, 11, 19, 23, 59, 59)))
    book, journal = FakeWorkbook({"items": ITEMS}), FakePullJournal()
    with pytest.raises(LicenseExpired):
        pull_workbook(book, sources, journal, OPTIONS)
    assert book.writes == 0 and journal.runs == []


def test_the_previous_pull_comes_back_with_the_report():
    journal = FakePullJournal()
    first = pull_workbook(FakeWorkbook({"items": ITEMS}), _sources(), journal, OPTIONS)
    second = pull_workbook(FakeWorkbook({"items": ITEMS}), _sources(), journal,
                           PullOptions(now=NOW, run_id="pull-2", workbook="zaiko.xlsm"))
    assert first.previous is None and second.previous == first.run and len(journal.runs) == 2


def test_the_button_reports_the_pull_and_the_license_warning():
    summary = workbook_buttons.pull(FakeWorkbook({"items": ITEMS}), FakeProgress(), _sources(), FakePullJournal(),
                                    OPTIONS)
    assert summary.message_ja.startswith("取込完了: RMS在庫 2 SKU・受注 2 行・倉庫在庫 2 行、要確認 0 件、注意 1 件\n")
    assert summary.message_ja.endswith("RMS で新しいキーを発行してください。")
    assert summary.message_en.endswith("issue a new key in RMS.")


def test_with_a_recorder_the_pull_records_its_day_its_order_lines_and_the_master_costs():
    items = ITEMS.assign(unit_cost=[120, 300])
    recorder, book = FakeKpiRecorder(), FakeWorkbook({"items": items})
    cancelled = {**_line("R2", 900, datetime(2026, 11, 18), variant="A-1"), "changed_at": datetime(2026, 11, 19),
                 "cancel_reason": "stockout"}
    sources = _sources(rms_orders=FakeRmsOrders([_line("R1", 300, datetime(2026, 11, 19)), cancelled]))
    report = pull_workbook(book, sources, FakePullJournal(), OPTIONS, kpi=recorder)
    (stock,), (orders,), (costs,), (returns,) = (recorder.frames[n] for n in ("stock_history", "orders", "items",
                                                                               "returns"))
    assert stock.values.tolist() == [["A-1", pd.Timestamp("2026-11-20"), 4, 5], ["B-2", pd.Timestamp("2026-11-20"), 9, 7]]
    assert orders[["order_number", "channel", "sku", "status", "cancel_reason"]].values.tolist() == [
        ["R2", "rakuten", "A-1", "cancelled", "stockout"], ["Y1", "yahoo", "B-2", "unshipped", ""],
        ["R1", "rakuten", "A-1", "unshipped", ""]]
    assert costs.values.tolist() == [["A-1", 120], ["B-2", 300]] and returns.empty
    assert report.kpi == KpiRecording({"items": 2, "stock_history": 2, "orders": 3, "returns": 0})
    assert book.writes == 1


def test_a_recording_failure_is_a_warning_of_the_pull_whose_sheets_and_journal_are_written():
    failure = JournalUnreadable(journal="zaiko-journal.sqlite", detail="database is locked")
    recorder, book, journal = FakeKpiRecorder(fail=("orders",), error=failure), FakeWorkbook({"items": ITEMS}), \
        FakePullJournal()
    report = pull_workbook(book, _sources(), journal, OPTIONS, kpi=recorder)
    assert book.writes == 1 and journal.runs == [report.run] and sorted(recorder.frames) == ["returns", "stock_history"]
    problem = report.kpi.problem
    assert problem.code == "E703" and report.kpi.rows == {"stock_history": 2, "returns": 0}
    assert problem.render() == (
        "E703 取込は完了しました (シートは書き込み済み) が、KPI 履歴 (orders) を記録できませんでした: E505 ジャーナル "
        "zaiko-journal.sqlite を読み書きできません: database is locked " + JournalUnreadable.hint_ja + " "
        + KpiNotRecorded.hint_ja + " / The pull is done (its sheets are written), but the KPI history (orders) was not "
        "recorded: E505 Cannot read or write the journal zaiko-journal.sqlite: database is locked "
        + JournalUnreadable.hint_en + " " + KpiNotRecorded.hint_en)
    summary = workbook_buttons.pull(FakeWorkbook({"items": ITEMS}), FakeProgress(), _sources(), FakePullJournal(),
                                    OPTIONS, FakeKpiRecorder(fail=("orders",), error=failure))
    assert summary.message_ja.endswith(f"\n{problem.code} {problem.message('ja')}")
    assert summary.message_en.endswith(f"\n{problem.code} {problem.message('en')}")


def test_without_a_recorder_nothing_is_recorded():
    assert pull_workbook(FakeWorkbook({"items": ITEMS}), _sources(), FakePullJournal(), OPTIONS).kpi is None


def test_the_cli_shows_a_recording_failure_after_the_summary(tmp_path):
    import io

    from rich.console import Console

    from zaiko_xl.entrypoints.pull_view import render_workbook_pull

    failure = JournalUnreadable(journal="zaiko-journal.sqlite", detail="disk I/O error")
    report = pull_workbook(FakeWorkbook({"items": ITEMS}), _sources(), FakePullJournal(), OPTIONS,
                           kpi=FakeKpiRecorder(fail=("stock_history",), error=failure))
    console = Console(file=io.StringIO(), width=1000)
    render_workbook_pull(report, tmp_path / "zaiko.xlsm", console)
    lines = console.file.getvalue().splitlines()
    assert lines[-2] == report.kpi.problem.render() and lines[-2].startswith("E703 取込は完了しました")
    assert lines[-1] == f"書き込み先 / written to: {tmp_path / 'zaiko.xlsm'}"
