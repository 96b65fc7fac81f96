"""`zaiko-xl demo` end to end in a temporary folder."""

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from zaiko_xl.entrypoints.cli import app

runner = CliRunner()
SHEETS = ["商品マスタ", "倉庫在庫", "RMS在庫", "受注", "社内台帳", "対応表", "セット構成"]


def test_demo_writes_the_shop_files_and_a_workbook_and_prints_a_summary(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--skus", "120", "--seed", "7"])
    assert result.exit_code == 0, result.output
    for text in ["SKU 数 / SKUs", "120", "drifted warehouse codes", "unmatched 0", "zaiko-demo.xlsx"]:
        assert text in result.output
    for name in ["warehouse.csv", "ledger.csv", "other_channel_orders.csv", "inbound.csv", "items.csv",
                 "mapping.csv", "bom.csv", "suppliers.csv"]:
        assert (out / "shop" / name).stat().st_size > 0, name
    book = openpyxl.load_workbook(out / "zaiko-demo.xlsx", read_only=True)
    assert book.sheetnames == SHEETS
    header = next(book["倉庫在庫"].iter_rows(max_row=1, values_only=True))
    assert header == ("商品コード", "実在庫数", "引当数", "有効在庫数", "ロケーション", "ロット", "賞味期限", "最終更新日時")
    assert book["商品マスタ"].max_row == 121
    book.close()
    warehouse = pd.read_csv(out / "shop" / "warehouse.csv", encoding="cp932", dtype=str, keep_default_na=False)
    items = pd.read_csv(out / "shop" / "items.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert (~warehouse["商品コード"].isin(items["倉庫コード"])).any()  # drifted codes are in the file


def test_demo_workbook_freezes_and_filters_the_header_row(tmp_path):
    out = tmp_path / "demo"
    assert runner.invoke(app, ["demo", "--out", str(out), "--skus", "30"]).exit_code == 0
    book = openpyxl.load_workbook(out / "zaiko-demo.xlsx")
    for name in SHEETS:
        assert book[name].freeze_panes == "A2", name
        assert book[name].auto_filter.ref.startswith("A1:"), name


def test_demo_refuses_a_size_outside_the_range_with_a_usage_error(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--skus", "5"])
    assert result.exit_code == 2
    assert not any(tmp_path.iterdir())
