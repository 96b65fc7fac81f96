"""`zaiko-xl reorder --workbook W`: the workbook's sheets in, 発注 / 発注書 back into it, PO CSVs beside it."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.reorder_shop import daily_orders, items, suppliers
from zaiko_xl.adapters.columns import REORDER
from zaiko_xl.adapters.workbook_file import create_workbook, lock_file, read_sheet
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()
LAST_DAY = date(2026, 12, 24)


def _shop_sheets(**changes: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """A two-SKU shop: S1 closes for 年末年始 from 12/29, so A-1 (4 left, 3 a day) goes to S2."""
    orders = pd.concat([daily_orders("A-1", [3] * 400, LAST_DAY), daily_orders("B-2", [1] * 400, LAST_DAY)])
    sheets = {
        "商品マスタ": items(("A-1", "S1", "S2", 120, 400, False), ("B-2", "S1", "", 80, 200, False)),
        "仕入先": suppliers(("S1", 2, 0.5, 0, 6), ("S2", 3, 0.0, 0, 1)).assign(
            closed=["2026-12-29..2027-01-04 年末年始", ""]),
        "受注": orders.reset_index(drop=True),
        "倉庫在庫": pd.DataFrame({"warehouse_code": ["a-1", "A-1", "B-2", "Z-9"], "on_hand": [3, 1, 100, 7],
                              "sku": ["A-1", "A-1", "B-2", ""]}),  # Z-9 matched no SKU: left out
        "入荷予定": pd.DataFrame({"sku": ["B-2", "B-2"], "quantity": [50, 20],
                              "expected_on": [pd.Timestamp("2026-12-28")] * 2,
                              "received_at": [pd.NaT, pd.Timestamp("2026-12-20 10:00")]}),
        "セット構成": pd.DataFrame({"set_sku": ["SET-1"], "component_sku": ["B-2"], "quantity": [2]}),
    }
    return sheets | changes


def _workbook(template: Path, folder: Path, **changes: pd.DataFrame) -> Path:
    return create_workbook(template, folder / "shop.xlsm", _shop_sheets(**changes))


def test_reorder_reads_the_workbook_and_writes_both_sheets_and_the_purchase_order_csv(built_template, tmp_path):
    book = _workbook(built_template, tmp_path)
    before = {name: read_sheet(book, name) for name in ("商品マスタ", "受注")}
    result = runner.invoke(app, ["reorder", "--workbook", str(book), "--as-of", "2026-12-25"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == ("発注計算 / replenishment plan 2026-12-25: SKU 2, 発注あり / to order 1, "
                                             "問題 / problems 0")
    po = tmp_path / "発注書CSV" / "PO-20261225-S2.csv"
    assert f"書き出し / wrote {book}" in result.output and f"書き出し / wrote {po}" in result.output
    assert sorted(p.name for p in po.parent.iterdir()) == ["PO-20261225-S2.csv"]
    lines = pd.read_csv(po, encoding="cp932", dtype=str)
    assert lines[["発注番号", "商品コード", "納品予定日"]].values.tolist() == [["PO-20261225-S2", "A-1", "2026-12-30"]]
    plan = read_sheet(book, "発注").set_index("sku")
    assert plan.loc["A-1", "on_hand"] == 4 and plan.loc["B-2", "on_order"] == 50  # summed; received line left out
    assert plan.loc["A-1", "supplier"] == "S2" and plan.loc["A-1", "order_qty"] == int(lines["数量"].iat[0])
    drafts = read_sheet(book, "発注書")
    assert drafts[["po_number", "sku"]].values.tolist() == [["PO-20261225-S2", "A-1"]]
    sheet = openpyxl.load_workbook(book)["発注"]
    letter = REORDER.letter("safety_stock")
    assert sheet[f"{letter}5"].value.text.startswith(f"=ZAIKO_SAFETY_STOCK({REORDER.letter('demand_mean')}5:")
    assert sheet[f"{letter}5"].value.ref == f"{letter}5:{letter}6"
    for name, frame in before.items():  # the user's and the pulled sheets are untouched
        pd.testing.assert_frame_equal(read_sheet(book, name), frame)


def test_settings_change_the_rules(built_template, tmp_path):
    book = _workbook(built_template, tmp_path)
    (tmp_path / "zaiko.toml").write_text("[reorder]\nreview_period_days = 0\nlot = \"cover\"\ncover_days = 10\n"
                                         "out_dir = \"po\"\n", encoding="utf-8")
    result = runner.invoke(app, ["reorder", "-w", str(book), "--as-of", "2026-12-25"])
    assert result.exit_code == 0, result.output
    plan = read_sheet(book, "発注")
    assert plan["review_days"].tolist() == [0, 0] and plan["reorder_point"].notna().all()  # continuous
    assert (tmp_path / "po" / "PO-20261225-S2.csv").exists()


def test_a_short_order_history_is_not_read_as_days_without_sales(built_template, tmp_path):
    """60 days of 3 a day pulled: the mean is 3, not 60 × 3 / 365."""
    recent = daily_orders("A-1", [3] * 60, LAST_DAY).assign(channel="rakuten")
    other = daily_orders("B-2", [1] * 400, LAST_DAY).assign(channel="yahoo")  # another channel, longer
    book = _workbook(built_template, tmp_path, 受注=pd.concat([recent, other], ignore_index=True))
    result = runner.invoke(app, ["reorder", "-w", str(book), "--as-of", "2026-12-25"])
    assert result.exit_code == 0, result.output
    plan = read_sheet(book, "発注").set_index("sku")
    assert plan.loc["A-1", "annual_mean"] == pytest.approx(3.0) and plan.loc["B-2", "annual_mean"] == pytest.approx(1.0)


def test_a_bad_closed_period_exits_4_naming_sheet_row_and_column(built_template, tmp_path):
    bad = _shop_sheets()["仕入先"].assign(closed=["12/29-1/4", ""])
    book = _workbook(built_template, tmp_path, 仕入先=bad)
    result = runner.invoke(app, ["reorder", "--workbook", str(book), "--as-of", "2026-12-25"])
    assert result.exit_code == 4
    assert result.output == (
        "エラー / Error E205 ファイル shop.xlsm シート「仕入先」 2行目 列「休業期間」: 値「12/29-1/4」は使えません "
        "(「2026-12-29..2027-01-04 年末年始; 2027-08-13..2027-08-16 お盆」の形で)。 / file shop.xlsm, sheet '仕入先', row 2, "
        "column '休業期間': value '12/29-1/4' is not allowed (write it as '2026-12-29..2027-01-04 年末年始; "
        "2027-08-13..2027-08-16 お盆').\n")
    assert not (tmp_path / "発注書CSV").exists()


def test_rows_that_cannot_be_planned_are_listed_with_their_sku_and_the_rest_is_written(built_template, tmp_path):
    master = _shop_sheets()["商品マスタ"]
    master.loc[1, "supplier"] = "S7"  # not on 仕入先
    book = _workbook(built_template, tmp_path, 商品マスタ=master)
    result = runner.invoke(app, ["reorder", "--workbook", str(book), "--as-of", "2026-12-25"])
    assert result.exit_code == 0, result.output
    assert ("  - SKU B-2: E271 SKU B-2 の仕入先「S7」が仕入先一覧にありません / SKU B-2: supplier 'S7' is not in the "
            "supplier list\n") in result.output
    assert (tmp_path / "発注書CSV" / "PO-20261225-S2.csv").exists()
    rows = list(openpyxl.load_workbook(book, data_only=True)["発注"].iter_rows(min_row=5, values_only=True))
    b2 = dict(zip(REORDER.fields, rows[1], strict=True))
    assert b2["sku"] == "B-2" and b2["error"].startswith("#E271 SKU B-2 の仕入先「S7」")
    assert b2["order_qty"] == "#E261 「order_up_to」が空か数値でない / 'order_up_to' is empty or not a number"


def test_a_workbook_open_in_excel_is_not_written(built_template, tmp_path):
    book = _workbook(built_template, tmp_path)
    lock_file(book).write_text("", encoding="utf-8")
    stamp = book.stat().st_mtime_ns
    result = runner.invoke(app, ["reorder", "--workbook", str(book), "--as-of", "2026-12-25"])
    assert result.exit_code == 7 and "E501" in result.output
    assert book.stat().st_mtime_ns == stamp and not (tmp_path / "発注書CSV").exists()


def test_a_missing_workbook_exits_4_with_the_file_named(tmp_path):
    result = runner.invoke(app, ["reorder", "--workbook", str(tmp_path / "shop.xlsm"), "--as-of", "2026-12-25"])
    assert result.exit_code == 4
    assert str(tmp_path / "shop.xlsm") in result.output and "E201" in result.output




def _uneven_year() -> pd.DataFrame:
    """400 days of A and B with quantities that vary (spread, seasonality and the recent mean all count)."""
    a = daily_orders("A-1", [(i * 7) % 5 + (3 if i % 90 < 20 else 0) for i in range(400)], LAST_DAY)
    b = daily_orders("B-2", [(i * 3) % 4 for i in range(400)], LAST_DAY).assign(channel="yahoo")
    return pd.concat([a, b], ignore_index=True)


def _reorder_folder(template: Path, folder: Path, orders: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """`zaiko-xl reorder` on a workbook in ``folder`` whose 受注 sheet holds ``orders``: 発注 and the PO file."""
    book = create_workbook(template, folder / "shop.xlsm", _shop_sheets(受注=orders.reset_index(drop=True)))
    result = runner.invoke(app, ["reorder", "-w", str(book), "--as-of", "2026-12-25"])
    assert result.exit_code == 0, result.output
    return read_sheet(book, "発注"), (folder / "発注書CSV" / "PO-20261225-S2.csv").read_text(encoding="cp932")


def test_a_30_day_sheet_with_the_year_before_in_the_journal_plans_as_a_whole_year_on_the_sheet(built_template, tmp_path):
    from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore

    year = _uneven_year()
    recent = year["ordered_at"].dt.date > LAST_DAY - timedelta(days=30)
    whole, whole_po = _reorder_folder(built_template, tmp_path / "whole", year)
    split_folder = tmp_path / "split"
    SqliteKpiStore(split_folder / "zaiko-journal.sqlite").record("orders", year.loc[~recent])
    split, split_po = _reorder_folder(built_template, split_folder, year.loc[recent])
    pd.testing.assert_frame_equal(split, whole)
    assert split["seasonal_index"].ne(1.0).all()  # a year known: 30 days alone would give no seasonal index
    assert split_po == whole_po
    assert len(read_sheet(split_folder / "shop.xlsm", "受注")) == int(recent.sum())  # the sheet keeps its 30 days
