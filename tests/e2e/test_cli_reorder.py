"""`zaiko-xl reorder`: CSV inputs beside the workbook -> 発注.xlsx + purchase-order CSVs; exact errors."""

from datetime import date

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from tests.reorder_shop import daily_orders, items, suppliers
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()


def _write_shop(folder):
    orders = pd.concat([daily_orders("A-1", [3] * 400, date(2026, 12, 24)),
                        daily_orders("B-2", [1] * 400, date(2026, 12, 24))])
    items(("A-1", "S1", "S2", 120, 400, False), ("B-2", "S1", "", 80, 200, False)).to_csv(
        folder / "items.csv", index=False, encoding="cp932")
    suppliers(("S1", 2, 0.5, 0, 6), ("S2", 3, 0.0, 0, 1)).to_csv(folder / "suppliers.csv", index=False)
    pd.DataFrame({"sku": ["A-1", "B-2"], "on_hand": [4, 100]}).to_csv(folder / "stock.csv", index=False)
    orders.to_csv(folder / "orders.csv", index=False)
    pd.DataFrame({"supplier": ["S1"], "start": ["2026-12-29"], "end": ["2027-01-04"], "label": ["年末年始"]}).to_csv(
        folder / "supplier_closures.csv", index=False, encoding="cp932")


def test_reorder_plans_from_the_csv_files_beside_the_workbook(tmp_path):
    _write_shop(tmp_path)
    result = runner.invoke(app, ["reorder", "--workbook", str(tmp_path / "shop.xlsm"), "--as-of", "2026-12-25"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == ("発注計算 / replenishment plan 2026-12-25: SKU 2, 発注あり / to order 1, "
                                             "問題 / problems 0")
    out = tmp_path / "zaiko-reorder"
    assert sorted(p.name for p in out.iterdir()) == ["PO-20261225-S2.csv", "発注.xlsx"]
    po = pd.read_csv(out / "PO-20261225-S2.csv", encoding="cp932", dtype=str)
    assert po[["発注番号", "商品コード", "納品予定日"]].values.tolist() == [["PO-20261225-S2", "A-1", "2026-12-30"]]
    book = openpyxl.load_workbook(out / "発注.xlsx")
    assert book.sheetnames == ["発注", "発注書"]
    assert book["発注"]["S2"].value.text.startswith("=ZAIKO_SAFETY_STOCK(E2:E3,")
    assert f"書き出し / wrote {out / '発注.xlsx'}" in result.output


def test_settings_change_the_rules(tmp_path):
    _write_shop(tmp_path)
    (tmp_path / "zaiko.toml").write_text("[reorder]\nreview_period_days = 0\nlot = \"cover\"\ncover_days = 10\n"
                                         "out_dir = \"out\"\n", encoding="utf-8")
    result = runner.invoke(app, ["reorder", "-w", str(tmp_path / "shop.xlsm"), "--as-of", "2026-12-25"])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "out" / "発注.xlsx", data_only=True)["発注"]
    assert sheet["I2"].value == 0 and isinstance(sheet["T2"].value, float)  # continuous: a reorder point


def test_a_missing_input_file_exits_4_with_the_file_named(tmp_path):
    result = runner.invoke(app, ["reorder", "--workbook", str(tmp_path / "shop.xlsm"), "--as-of", "2026-12-25"])
    assert result.exit_code == 4
    assert result.output.strip() == (f"エラー / Error E201 ファイル {tmp_path / 'items.csv'} を読めません: "
                                     f"No such file or directory / Cannot read file {tmp_path / 'items.csv'}: "
                                     "No such file or directory")


def test_rows_that_cannot_be_planned_are_listed_with_their_sku_and_the_rest_is_written(tmp_path):
    _write_shop(tmp_path)
    (tmp_path / "stock.csv").write_text("sku,on_hand\nA-1,4\nB-2,\n", encoding="utf-8")  # B-2: empty cell
    suppliers(("S1", 2, 0.5, 0, 6), ("S2", 3, 0.0, 0, 1)).to_csv(tmp_path / "suppliers.csv", index=False)
    result = runner.invoke(app, ["reorder", "--workbook", str(tmp_path / "shop.xlsm"), "--as-of", "2026-12-25"])
    assert result.exit_code == 0, result.output
    assert "  - SKU B-2: E261 「on_hand」が空か数値でない / 'on_hand' is empty or not a number" in result.output
    assert (tmp_path / "zaiko-reorder" / "PO-20261225-S2.csv").exists()


def test_bad_values_exit_4_listing_every_problem(tmp_path):
    _write_shop(tmp_path)
    (tmp_path / "stock.csv").write_text("sku,on_hand\nA-1,four\nB-2,\n", encoding="utf-8")
    result = runner.invoke(app, ["reorder", "--workbook", str(tmp_path / "shop.xlsm"), "--as-of", "2026-12-25"])
    assert result.exit_code == 4
    assert f"E210 {tmp_path / 'stock.csv'} に 1 件の問題があります。何も取り込んでいません。" in result.output
    assert "row 2, column 'on_hand': value 'four' is not allowed" in result.output
    assert not (tmp_path / "zaiko-reorder").exists()
