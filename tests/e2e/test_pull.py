"""The whole pull against the RMS sandbox over loopback: real files, the real workbook, the real journal.

The sandbox is seeded from the same small sample shop whose master sheets fill the workbook, so
RMS's codes are the shop's; the planted code problems (tests/pull_shop.py) must come out resolved
or reported on 照合結果, and every pulled sheet read back with calamine must hold the expected rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from tests.pull_shop import ShopFolder, plant_codes, shop_folder, small_shop
from tests.workbook_fixtures import sheet_part, stored
from zaiko_xl import bootstrap
from zaiko_xl.adapters.columns import SOURCE_LABELS
from zaiko_xl.adapters.workbook_file import read_cells, read_sheet
from zaiko_xl.config import load_settings
from zaiko_xl.sandbox.config import jst_now
from zaiko_xl.services.pull import PullReport, pull_workbook


@pytest.fixture(scope="module")
def planted_shop():
    return plant_codes(small_shop())


@pytest.fixture(scope="module")
def pulled(planted_shop, rms_sandbox_session, tmp_path_factory) -> tuple[ShopFolder, PullReport, dict]:
    """One pull for the tests that only read its result; the sandbox's state right after it is the oracle."""
    rms_sandbox_session.reset()
    folder = shop_folder(tmp_path_factory.mktemp("pull"), rms_sandbox_session, planted_shop[0])
    BEFORE[folder.workbook] = stored(folder.workbook)
    report = _pull(folder, rms_sandbox_session)
    return folder, report, rms_sandbox_session.state()


BEFORE: dict = {}  # workbook -> its stored zip members before the pull


def _pull(folder: ShopFolder, sandbox) -> PullReport:
    settings = folder.settings(sandbox)
    with bootstrap.pull_sources(settings, folder.workbook) as sources:
        return pull_workbook(bootstrap.writable_workbook(settings, folder.workbook), sources,
                             bootstrap.pull_journal(settings), bootstrap.pull_options(settings, folder.workbook))


def test_rms_stock_is_the_sandbox_stock_with_every_sku_resolved(pulled):
    folder, _, rms = pulled
    sheet = read_sheet(folder.workbook, "RMS在庫")
    assert {(m, v): q for m, v, q in _rows(sheet, "manage_number", "variant_id", "quantity")} \
        == {(r["manageNumber"], r["variantId"]): r["quantity"] for r in rms["inventory"]}
    items = folder.shop.items.assign(key=lambda f: f["manage_number"].str.lower() + ":" + f["variant_id"])
    expected_sku = dict(zip(items["key"], items["sku"], strict=True))
    keys = sheet["manage_number"] + ":" + sheet["variant_id"]
    assert sheet["sku"].tolist() == keys.map(expected_sku).tolist()
    by_shop_code = sheet["variant_id"].isin(items["sku"])  # variantId is the shop code: exact; else via 対応表
    assert sheet["match"].tolist() == by_shop_code.map({True: "exact", False: "mapping"}).tolist()
    renamed = folder.shop.mapping.dropna(subset=["variant_id"]).query("variant_id != sku")
    assert (sheet["match"] == "mapping").sum() == len(renamed) > 0


def test_warehouse_rows_are_the_file_rows_with_drifted_and_mapped_codes_resolved(pulled, planted_shop):
    folder, _, _ = pulled
    _, planted = planted_shop
    sheet = read_sheet(folder.workbook, "倉庫在庫").set_index("warehouse_code")
    assert len(sheet) == len(folder.shop.warehouse)
    assert sheet["on_hand"].sum() == folder.shop.warehouse["on_hand"].sum()
    for code, sku in planted.normalised.items():
        assert (sheet.at[code, "sku"], sheet.at[code, "match"]) == (sku, "normalised")
    for code, sku in planted.mapping.items():
        assert (sheet.at[code, "sku"], sheet.at[code, "match"]) == (sku, "mapping")
    legacy = folder.shop.items.dropna(subset=["warehouse_code"]).query("warehouse_code != sku")
    for code, sku in zip(legacy["warehouse_code"], legacy["sku"], strict=True):
        if code in sheet.index:  # legacy WMS codes of 商品マスタ / 対応表
            assert (sheet.at[code, "sku"], sheet.at[code, "match"]) == (sku, "mapping")
    assert sheet.at[planted.unmatched, "match"] == "unmatched" and pd.isna(sheet.at[planted.unmatched, "sku"])
    assert (sheet["match"] == "unmatched").sum() == 1


def test_orders_hold_the_rms_orders_and_the_other_channel_lines_of_the_window_resolved(pulled):
    folder, report, rms = pulled
    since = report.run.at - timedelta(days=60)
    sheet = read_sheet(folder.workbook, "受注")
    rakuten, other = sheet[sheet["channel"] == "rakuten"], sheet[sheet["channel"] != "rakuten"]
    statuses = {progress: "unshipped" for progress in (100, 200, 300, 400, 800)}
    want_rms = sorted(
        (o["orderNumber"], f"{li['manageNumber']}:{li['variantId']}", li["units"],
         statuses.get(o["orderProgress"], "returned" if o["shippedAt"] else "cancelled"))
        for o in rms["orders"]
        if o["orderProgress"] in (*statuses, 900) and since <= datetime.fromisoformat(o["orderDatetime"][:19])
        for li in o["lines"])
    assert _rows(rakuten, "order_number", "code", "quantity", "status") == want_rms
    items = folder.shop.items
    owner = dict(zip(items["manage_number"] + ":" + items["variant_id"], items["sku"], strict=True))
    assert rakuten["sku"].tolist() == rakuten["code"].map(owner).tolist()
    orders = folder.shop.orders
    want = orders[(orders["channel"] != "rakuten") & (orders["ordered_at"] >= pd.Timestamp(since))
                  & (orders["status"] != "shipped")]
    columns = ("order_number", "sku", "quantity", "status", "channel")
    assert _rows(other, *columns) == _rows(want, *columns)
    assert (other["code"] == other["sku"]).all() and set(sheet["match"]) <= {"exact", "mapping"}
    assert len(sheet) == report.rows["orders"] > len(rakuten) > 0


def test_inbound_holds_pending_lines_and_recent_receipts(pulled):
    folder, report, _ = pulled
    inbound = folder.shop.inbound
    since = pd.Timestamp(report.run.at - timedelta(days=60))
    expected = inbound[inbound["received_at"].isna() | (inbound["received_at"] >= since)]
    sheet = read_sheet(folder.workbook, "入荷予定")
    assert sorted(sheet["reference"] + "/" + sheet["sku"]) == sorted(expected["reference"] + "/" + expected["sku"])
    assert sheet["quantity"].sum() == expected["quantity"].sum() and set(sheet["match"]) == {"exact"}


def test_the_match_report_lists_every_planted_problem_and_every_inexact_match(pulled, planted_shop):
    folder, report, _ = pulled
    _, planted = planted_shop
    sheet = read_sheet(folder.workbook, "照合結果").fillna({"problem": ""})
    by_code = sheet.set_index(["source", "code"])
    assert by_code.loc[("warehouse", planted.unmatched), "problem"] == "unmatched"
    first, second, sku = planted.collision
    for code in (first, second):
        assert by_code.loc[("warehouse", code), "problem"] == "collision"
        assert by_code.loc[("warehouse", code), "sku"] == sku
        assert by_code.loc[("warehouse", code), "detail"].startswith(f"同じ SKU のコード: {', '.join(sorted((first, second)))}")
    assert by_code.loc[("rms_stock", planted.refused), "problem"] == "refused"
    assert "variantId" in by_code.loc[("rms_stock", planted.refused), "detail"]
    assert by_code.loc[("rms_stock", planted.missing), "problem"] == "missing"
    for code, sku in {**planted.normalised, **planted.mapping}.items():
        assert by_code.loc[("warehouse", code), "sku"] == sku
    problems = sheet[sheet["problem"] != ""]
    assert len(problems) == 5 == report.problems  # unmatched, two collided codes, refused, missing
    assert list(problems["problem"]) == ["refused", "collision", "collision", "unmatched", "missing"]
    cells = read_cells(folder.workbook, "照合結果")
    counts = {s.source: s for s in report.run.sources}
    assert cells["summary.warehouse.rows"] == counts["warehouse"].rows == len(folder.shop.warehouse)
    assert cells["summary.warehouse.normalised"] == counts["warehouse"].normalised
    assert cells["summary.warehouse.unmatched"] == 1 and cells["summary.warehouse.problems"] == 3
    assert cells["summary.rms_stock.problems"] == 2 and set(SOURCE_LABELS) >= set(counts)


def test_the_pull_is_journaled_and_shown_on_the_dashboard(pulled):
    folder, report, _ = pulled
    last = bootstrap.pull_journal(load_settings(folder.config)).last_pull()  # a new connection to the file
    assert last == report.run
    assert [s.source for s in last.sources] == ["rms_stock", "rms_orders", "other_orders", "warehouse", "ledger",
                                                "inbound", "bom"]
    warehouse = last.source("warehouse")
    assert warehouse.name == "warehouse.csv" and warehouse.as_of == folder.shop.warehouse["updated_at"].max()
    assert last.source("ledger").as_of == folder.shop.ledger["at"].max()
    assert last.source("rms_stock").as_of == report.run.at and abs(report.run.at - jst_now()) < timedelta(minutes=5)
    cells = read_cells(folder.workbook, "操作")
    assert cells["last_pull"] == report.run.at and cells["license_warning"] is None
    assert cells["license_expiry"] == report.license.expiry.date()
    assert cells["status"] == " / ".join(report.summary()) and cells["last_run"].endswith(" 在庫取込")
    assert read_cells(folder.workbook, "RMS在庫")["updated_at"] == report.run.at


def test_a_second_pull_replaces_the_rows_and_keeps_the_previous_pull_in_the_journal(planted_shop, rms_sandbox,
                                                                                     tmp_path):
    folder = shop_folder(tmp_path, rms_sandbox, planted_shop[0])
    first = _pull(folder, rms_sandbox)
    rms_sandbox.set_stock([("zz-0002", "ZZ-0002", 7)])  # the missing SKU now has a record
    second = _pull(folder, rms_sandbox)
    assert second.previous == first.run and second.run.run_id != first.run.run_id
    sheet = read_sheet(folder.workbook, "RMS在庫")
    assert len(sheet) == len(rms_sandbox.stock()) and sheet.set_index("sku").at["ZZ-0002", "quantity"] == 7
    assert "missing" not in set(read_sheet(folder.workbook, "照合結果")["problem"].dropna())


def test_only_zaiko_xls_pulled_sheets_and_the_dashboard_change(pulled):
    folder, _, _ = pulled
    before, after = BEFORE[folder.workbook], stored(folder.workbook)
    changed = {name for name in before if before[name] != after.get(name)}
    assert set(after) == set(before)
    assert changed == {sheet_part(folder.workbook, name) for name in
                       ("操作", "RMS在庫", "倉庫在庫", "受注", "入荷予定", "照合結果")}
    items = read_sheet(folder.workbook, "商品マスタ")  # the shop's own sheets, VBA and buttons: byte for byte
    assert items["sku"].tolist() == folder.shop.items["sku"].tolist()


def _rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    """The rows of some columns as plain tuples, sorted (order-free comparison)."""
    return sorted(frame[list(columns)].itertuples(index=False, name=None))
