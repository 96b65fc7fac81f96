"""`zaiko-xl demo` end to end in a temporary folder."""

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from zaiko_xl.adapters.workbook_file import read_sheet
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()


def test_demo_writes_the_shop_files_and_a_workbook_and_prints_a_summary(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--skus", "120", "--seed", "7"])
    assert result.exit_code == 0, result.output
    for text in ["SKU 数 / SKUs", "120", "drifted warehouse codes", "unmatched 0", "zaiko-demo.xlsm",
                 "発注する SKU / SKUs to order", "発注金額 / total amount"]:
        assert text in result.output
    for name in ["warehouse.csv", "ledger.csv", "other_channel_orders.csv", "inbound.csv", "items.csv",
                 "mapping.csv", "bom.csv", "suppliers.csv"]:
        assert (out / "shop" / name).stat().st_size > 0, name
    book = out / "zaiko-demo.xlsm"
    assert len(read_sheet(book, "商品マスタ")) == 120
    warehouse = pd.read_csv(out / "shop" / "warehouse.csv", encoding="cp932", dtype=str, keep_default_na=False)
    items = pd.read_csv(out / "shop" / "items.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert (~warehouse["商品コード"].isin(items["倉庫コード"])).any()  # drifted codes are in the file


def test_the_demo_reorder_step_fills_both_sheets_and_writes_one_csv_per_purchase_order(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--skus", "60", "--seed", "3"])
    assert result.exit_code == 0, result.output
    book = out / "zaiko-demo.xlsm"
    plan = openpyxl.load_workbook(book, read_only=True, data_only=True)["発注"]
    rows = [r for r in plan.iter_rows(min_row=5, values_only=True) if r[0]]
    drafts = read_sheet(book, "発注書")
    assert len(rows) == 60 - round(60 * 0.06) and len(drafts) > 0  # every single SKU planned; sets are not bought
    files = sorted((out / "発注書CSV").iterdir())
    assert [f.stem for f in files] == sorted(drafts["po_number"].unique())
    assert f"│ {len(files)}: SUP00" in result.output  # purchase orders per supplier in the summary


def test_demo_refuses_a_size_outside_the_range_with_a_usage_error(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--skus", "5"])
    assert result.exit_code == 2
    assert not any(tmp_path.iterdir())
