"""`zaiko-xl pull` finds the RMS SKUs with stock that 商品マスタ does not name (the real sandbox, the CLI).

The sandbox is seeded from the small sample shop whose sheets make up the workbook; a few SKUs
are added on RMS only. Those with stock must come out on 照合結果 as マスタ外 and in the CLI
output, never on RMS在庫; one at 0 must not. A quantity that more than 1000 SKUs share is a
warning (E313), and the pull still succeeds.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.pull_shop import ShopFolder, shop_folder, small_shop
from zaiko_xl.adapters.journal_pulls import SqlitePullJournal
from zaiko_xl.adapters.workbook_file import read_cells, read_sheet
from zaiko_xl.config import load_settings
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()
EXTRA = [("new-item", "NEW-1", 6), ("new-item", "NEW-2", 0), ("sk-0001", "sk-0001-s", 3)]  # the master has SK-0001-S


@pytest.fixture(scope="module")
def shop():
    return small_shop(skus=30, seed=8)


@pytest.fixture
def folder(shop, rms_sandbox, tmp_path) -> ShopFolder:
    folder = shop_folder(tmp_path, rms_sandbox, shop)
    rms_sandbox.set_stock(EXTRA)
    return folder


def _pull(folder: ShopFolder, sandbox, **env: str):
    return runner.invoke(app, ["pull", "--workbook", str(folder.workbook)], env={**folder.env(sandbox), **env})


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("│")[1:-1]]


def test_rms_skus_with_stock_that_the_master_lacks_are_reported_and_not_pulled(folder, rms_sandbox):
    result = _pull(folder, rms_sandbox)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    master_keys = len(folder.shop.items)
    rms_row = next(_cells(line) for line in lines if line.startswith("│ RMS在庫"))
    assert rms_row[:2] == ["RMS在庫", str(master_keys)] and rms_row[6:8] == ["2", "0"]
    orders, wh = len(read_sheet(folder.workbook, "受注")), len(folder.shop.warehouse)
    summary = (f"取込完了: RMS在庫 {master_keys} SKU・受注 {orders} 行・倉庫在庫 {wh} 行、要確認 2 件 "
               "(うち商品マスタにない RMS の SKU 2 件)、注意 0 件 / "
               f"Pulled {master_keys} RMS SKUs, {orders} order lines, {wh} warehouse rows; 2 to check "
               "(2 of them RMS SKUs not in 商品マスタ), 0 warnings")
    assert summary in lines and read_cells(folder.workbook, "操作")["status"] == summary
    assert ("在庫のある RMS の SKU 2 件が商品マスタにありません (RMS は販売を続けます)。照合結果シートの「マスタ外」を見て、"
            "商品マスタに追加するか RMS で在庫を 0 にしてください / 2 RMS SKUs with stock are not in 商品マスタ (RMS keeps "
            "selling them); see 'マスタ外' on the 照合結果 sheet and add them to 商品マスタ or set them to 0 on RMS") in lines

    report = read_sheet(folder.workbook, "照合結果").fillna({"problem": ""})
    unlisted = report[report["problem"] == "unlisted"]
    assert unlisted["code"].tolist() == ["new-item:NEW-1", "sk-0001:sk-0001-s"]
    assert unlisted["source"].tolist() == ["rms_stock"] * 2 and unlisted["sku"].isna().all()
    assert unlisted["detail"].iloc[0] == (
        "商品マスタにない RMS の SKU です (商品管理番号 new-item・SKU管理番号 NEW-1、RMS在庫 6)。RMS はこの在庫数で販売を続けます。"
        "商品マスタに追加するか、販売しない SKU なら RMS で在庫を 0 にしてください / RMS SKU not in 商品マスタ (manageNumber "
        "new-item, variantId NEW-1, RMS stock 6); RMS keeps selling it. Add it to 商品マスタ, or set its stock to 0 on RMS "
        "if it is not for sale.")
    assert read_cells(folder.workbook, "照合結果")["summary.rms_stock.problems"] == 2

    stock = read_sheet(folder.workbook, "RMS在庫")
    pulled = set(zip(stock["manage_number"], stock["variant_id"], strict=True))
    assert pulled.isdisjoint((m, v) for m, v, _ in EXTRA) and len(stock) == master_keys
    journal = SqlitePullJournal(folder.folder / load_settings(folder.config).journal.path)
    assert journal.last_pull().source("rms_stock").problems == 2


def test_find_unlisted_false_skips_the_sweep(folder, rms_sandbox):
    before = rms_sandbox.counters()
    result = _pull(folder, rms_sandbox, ZAIKO_RMS_FIND_UNLISTED="false")
    assert result.exit_code == 0, result.output
    assert "unlisted" not in set(read_sheet(folder.workbook, "照合結果")["problem"].dropna())
    assert "マスタ外" not in result.output
    assert _range_calls(rms_sandbox.counters()) == _range_calls(before)


def test_a_quantity_more_than_1000_skus_share_is_a_warning_and_the_pull_succeeds(folder, rms_sandbox):
    rms_sandbox.set_stock([("bulk-item", f"b-{i:04d}", 7) for i in range(1001)])
    result = _pull(folder, rms_sandbox)
    assert result.exit_code == 0, result.output
    warning = ("  - E313 在庫数 7 は RMS にそれぞれ 1000 件を超える SKU があり範囲取得で一覧できないため、その在庫数の商品マスタにない SKU は"
               "確認できませんでした (取込は続行)。 その在庫数の SKU がすべて商品マスタにあるか、RMS の商品一覧で確認してください。 / "
               "RMS has more than 1000 SKUs at each of the stock values 7, too many for its range query; SKUs at those "
               "values were not checked against 商品マスタ (the pull went on). Check in RMS's item list that the SKUs at "
               "those stock values are all in 商品マスタ.")
    lines = result.output.splitlines()
    assert warning in lines
    rms_row = next(_cells(line) for line in lines if line.startswith("│ RMS在庫"))
    assert rms_row[6:8] == ["2", "1"]  # the two unlisted SKUs at other quantities are still found; one warning
    report = read_sheet(folder.workbook, "照合結果").fillna({"problem": ""})
    assert report.loc[report["problem"] == "unlisted", "code"].tolist() == ["new-item:NEW-1", "sk-0001:sk-0001-s"]


def _range_calls(counters: dict) -> int:
    return counters["requests"].get("inventories.bulk.get.range", 0)
