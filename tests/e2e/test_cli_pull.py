"""`zaiko-xl pull --workbook W` end to end: exact messages and exit codes, the workbook read back.

The sandbox is seeded from the small sample shop whose sheets and files make up the shop folder
(tests/pull_shop.py); errors must leave the workbook byte-identical and RMS unasked.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.pull_shop import ShopFolder, plant_codes, shop_folder, small_shop
from zaiko_xl.adapters.journal_pulls import SqlitePullJournal
from zaiko_xl.adapters.workbook_file import read_cells, read_sheet
from zaiko_xl.bootstrap import jst_now
from zaiko_xl.config import load_settings
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def planted_shop():
    return plant_codes(small_shop(skus=30, seed=8))


@pytest.fixture
def folder(planted_shop, rms_sandbox, tmp_path) -> ShopFolder:
    return shop_folder(tmp_path, rms_sandbox, planted_shop[0])


def _pull(folder: ShopFolder, sandbox, **env: str):
    return runner.invoke(app, ["pull", "--workbook", str(folder.workbook)], env={**folder.env(sandbox), **env})


def _journal(folder: ShopFolder) -> SqlitePullJournal:
    return SqlitePullJournal(folder.folder / load_settings(folder.config).journal.path)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("│")[1:-1]]


def test_pull_fills_the_workbook_and_prints_a_row_per_source(folder, rms_sandbox, planted_shop):
    expiry = (jst_now() + timedelta(days=40)).replace(hour=23, minute=59, second=59)
    rms_sandbox.set_license(expiry)
    result = _pull(folder, rms_sandbox)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (f"RMS ライセンスキーの期限: {expiry:%Y-%m-%d %H:%M} (残り 40 日) / "
                        f"RMS license key valid until {expiry:%Y-%m-%d %H:%M} (40 days left)")
    shop, wh = folder.shop, folder.shop.warehouse
    skus = set(shop.items["sku"])
    aliases = (set(shop.items["warehouse_code"].dropna()) | set(shop.mapping["warehouse_code"].dropna())) - skus
    exact, mapping = int(wh["warehouse_code"].isin(skus).sum()), int(wh["warehouse_code"].isin(aliases).sum())
    row = next(_cells(line) for line in lines if line.startswith("│ 倉庫在庫"))
    assert row == ["倉庫在庫", str(len(wh)), str(exact), str(mapping), str(len(wh) - exact - mapping - 1), "1", "3", "0",
                   f"{wh['updated_at'].max():%m-%d %H:%M}"]
    rms_row = next(_cells(line) for line in lines if line.startswith("│ RMS在庫"))
    assert rms_row[:2] == ["RMS在庫", str(len(rms_sandbox.stock()))] and rms_row[6] == "2"
    assert lines[-4] == ("ファイル / files: other_channel_orders.csv, warehouse.csv, zaiko.xlsm [社内台帳], inbound.csv, "
                         "zaiko.xlsm [セット構成]")
    orders = read_sheet(folder.workbook, "受注")
    skus = len(rms_sandbox.stock())
    assert lines[-3] == (f"取込完了: RMS在庫 {skus} SKU・受注 {len(orders)} 行・倉庫在庫 {len(wh)} 行、要確認 5 件、注意 0 件 / "
                         f"Pulled {skus} RMS SKUs, {len(orders)} order lines, {len(wh)} warehouse rows; 5 to check, 0 warnings")
    assert lines[-2] == ("照合結果シートで要確認のコードを見て、対応表を直してください / "
                         "see the 照合結果 sheet and fix 対応表 for the codes to check")
    assert lines[-1] == f"書き込み先 / written to: {folder.workbook}"
    assert read_cells(folder.workbook, "操作")["status"] == lines[-3]
    assert _journal(folder).last_pull().source("warehouse").rows == len(wh)


def test_pull_warns_in_the_output_and_the_status_cell_when_the_license_expires_soon(folder, rms_sandbox):
    expiry = (jst_now() + timedelta(days=5)).replace(hour=23, minute=59, second=59)
    rms_sandbox.set_license(expiry)
    result = _pull(folder, rms_sandbox)
    assert result.exit_code == 0, result.output
    warning = (f"RMS ライセンスキーの期限まで残り 5 日です ({expiry:%Y-%m-%d %H:%M})。RMS で新しいキーを発行してください。 / "
               f"The RMS license key expires in 5 days ({expiry:%Y-%m-%d %H:%M}); issue a new key in RMS.")
    assert result.output.splitlines()[0] == f"警告 / Warning {warning}"
    cells = read_cells(folder.workbook, "操作")
    assert cells["license_warning"] == warning and cells["license_expiry"] == expiry.date()


def test_a_bad_warehouse_file_lists_every_problem_and_writes_nothing(folder, rms_sandbox):
    path = folder.folder / "shop" / "warehouse.csv"
    lines = path.read_bytes().decode("cp932").split("\r\n")
    first, third = lines[1].split(","), lines[3].split(",")
    first[2], third[2] = "十", "-4"  # 実在庫数
    lines[1], lines[3] = ",".join(first), ",".join(third)
    path.write_bytes("\r\n".join(lines).encode("cp932"))
    before = folder.workbook.read_bytes()
    result = _pull(folder, rms_sandbox)
    assert result.exit_code == 4
    assert result.output.splitlines() == [
        "エラー / Error E210 warehouse.csv に 2 件の問題があります。何も取り込んでいません。 / warehouse.csv has 2 problem(s); "
        "nothing was imported.",
        "  - E205 ファイル warehouse.csv 2行目 列「実在庫数」: 値「十」は使えません (数値ではありません)。 / "
        "file warehouse.csv, row 2, column '実在庫数': value '十' is not allowed (not a number).",
        "  - E205 ファイル warehouse.csv 4行目 列「実在庫数」: 値「-4」は使えません (マイナスの値は使えません)。 / "
        "file warehouse.csv, row 4, column '実在庫数': value '-4' is not allowed (negative values are not allowed).",
    ]
    assert folder.workbook.read_bytes() == before and not (folder.folder / "zaiko-backups").exists()
    assert _journal(folder).last_pull() is None and rms_sandbox.counters()["requests"] == {}


def test_problems_of_the_master_sheets_and_of_the_files_come_in_one_report(planted_shop, rms_sandbox, tmp_path):
    import dataclasses

    import pandas as pd

    shop = planted_shop[0]
    doubled = dataclasses.replace(shop, items=pd.concat([shop.items, shop.items.iloc[[3]]], ignore_index=True))
    folder = shop_folder(tmp_path, rms_sandbox, shop, sheets_of=doubled)
    (folder.folder / "shop" / "other_channel_orders.csv").write_text("注文番号,商品コード\r\n1,A\r\n", encoding="utf-8")
    before = folder.workbook.read_bytes()
    result = _pull(folder, rms_sandbox)
    assert result.exit_code == 4
    sku, row = shop.items.iloc[3]["sku"], len(shop.items) + 2
    lines = result.output.splitlines()
    assert lines[0] == ("エラー / Error E210 zaiko.xlsm, other_channel_orders.csv に 4 件の問題があります。何も取り込んでいません。 / "
                        "zaiko.xlsm, other_channel_orders.csv has 4 problem(s); nothing was imported.")
    assert lines[1] == (f"  - E206 ファイル zaiko.xlsm シート「商品マスタ」 {row}行目 列「商品コード」: コード「{sku}」が重複しています "
                        f"(5行目と同じです)。 / file zaiko.xlsm, sheet '商品マスタ', row {row}, column '商品コード': "
                        f"code '{sku}' appears more than once (same as row 5).")
    assert [line.split("「")[1].split("」")[0] for line in lines[2:]] == ["数量", "ステータス", "注文日時"]
    assert all(line.startswith("  - E204 ファイル other_channel_orders.csv 1行目: 必須の列") for line in lines[2:])
    assert folder.workbook.read_bytes() == before and rms_sandbox.counters()["requests"] == {}


def test_a_workbook_open_in_excel_is_refused_before_anything_is_read(folder, rms_sandbox):
    lock = folder.workbook.with_name("~$zaiko.xlsm")
    lock.write_bytes(b"owner")
    before = folder.workbook.read_bytes()
    result = _pull(folder, rms_sandbox)
    assert result.exit_code == 7
    assert result.output.splitlines() == [
        f"エラー / Error E501 ブック {folder.workbook} は Excel で開かれています (~$zaiko.xlsm があります)。閉じてから再実行してください。 / "
        f"Workbook {folder.workbook} is open in Excel (~$zaiko.xlsm exists). Close it and run again."]
    assert folder.workbook.read_bytes() == before and rms_sandbox.counters()["requests"] == {}


def test_a_rejected_license_key_stops_the_pull_and_writes_nothing(folder, rms_sandbox):
    rms_sandbox.set_license(rejected=True)
    before = folder.workbook.read_bytes()
    result = _pull(folder, rms_sandbox)
    assert result.exit_code == 5
    assert result.output.startswith(
        "エラー / Error E310 RMS がライセンスキーを受け付けません (license.expiryDate.get, HTTP 401, GA0001)。")
    assert "「ライセンスキー発行」を押して新しいキーを発行し" in result.output
    assert rms_sandbox.license_key not in result.output
    assert folder.workbook.read_bytes() == before and _journal(folder).last_pull() is None


def test_pull_without_credentials_says_which_variable_to_set(folder, rms_sandbox):
    result = _pull(folder, rms_sandbox, ZAIKO_RMS_LICENSE_KEY="")
    assert result.exit_code == 3
    assert result.output.startswith("エラー / Error E104 rms.license_key が設定されていません。")


def test_export_rms_csv_reads_the_pulled_rms_sheet_of_the_workbook(folder, rms_sandbox, tmp_path):
    import csv
    import io

    assert _pull(folder, rms_sandbox).exit_code == 0
    out = tmp_path / "normal-item.csv"
    result = runner.invoke(app, ["export-rms-csv", "--from", str(folder.workbook), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("cp932"), newline="")))
    assert {(m, v): int(q) for m, v, q in rows[1:] if v} == rms_sandbox.stock()


def test_the_readme_shows_a_real_pull_session():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "$ zaiko-xl pull --workbook zaiko.xlsm" in readme and "書き込み先 / written to:" in readme
