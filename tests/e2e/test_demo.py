"""`zaiko-xl demo` end to end in a temporary folder: the shop's files, the workbook made from the
packaged template with the shop's own sheets, the pull into it, zaiko.toml."""

import re

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from tests.unit.test_console_width import assert_no_row_wrapped
from tests.workbook_fixtures import COMMITTED_TEMPLATE, sheet_part, stored
from zaiko_xl.adapters.columns import SHEETS
from zaiko_xl.adapters.workbook_file import read_sheet
from zaiko_xl.config import load_settings
from zaiko_xl.entrypoints import demo
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()
FILLED = ("操作", "在庫比較", "反映計画", "RMS在庫", "倉庫在庫", "受注", "入荷予定", "照合結果", "発注", "発注書", "KPI", "KPI推移",
          "KPI原因", "社内台帳", "商品マスタ", "対応表", "セット構成", "仕入先")


def test_demo_writes_the_shop_files_and_a_workbook_and_prints_a_summary(tmp_path):
    out = tmp_path / "demo"
    # as in `zaiko-xl demo > log.txt` or a CI log: stdout is no terminal and COLUMNS is not set
    result = runner.invoke(app, ["demo", "--out", str(out), "--skus", "120", "--seed", "7"], env={"COLUMNS": None})
    assert result.exit_code == 0, result.output
    assert_no_row_wrapped(result.output)
    # the demo plants one discrepancy of each kind: one warehouse code is changed so that nothing matches it;
    # the sandbox lists two SKUs 商品マスタ lacks (to check: 1 + 2)
    for text in ["SKU 数 / SKUs", "120", "drifted warehouse codes", "unmatched 1", "zaiko.xlsm", "要確認 to check 3",
                 "RMS SKUs not in 商品マスタ",
                 "planted discrepancies", "在庫比較 / reconciliation", "発注する SKU / SKUs to order",
                 "発注金額 / total amount"]:
        assert text in result.output
    found = re.search(r"(\d+) / (\d+) 正しい原因 / right cause", result.output)
    # the sandbox's shopper orders and cancels while the demo runs: a live event on a planted SKU may
    # change what its cause should be, so one may differ
    assert found and int(found[1]) >= int(found[2]) - 1 and int(found[2]) >= 10
    for name in ["warehouse.csv", "ledger.csv", "other_channel_orders.csv", "inbound.csv", "items.csv",
                 "mapping.csv", "bom.csv", "suppliers.csv"]:
        assert (out / "shop" / name).stat().st_size > 0, name
    book = out / "zaiko.xlsm"
    assert len(read_sheet(book, "商品マスタ")) == 120
    warehouse = pd.read_csv(out / "shop" / "warehouse.csv", encoding="cp932", dtype=str, keep_default_na=False)
    items = pd.read_csv(out / "shop" / "items.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    pulled = read_sheet(book, "倉庫在庫")
    assert pulled["warehouse_code"].tolist() == warehouse["商品コード"].tolist()  # drifted codes kept as written
    drifted = ~pulled["warehouse_code"].isin(items["倉庫コード"])
    assert drifted.any() and set(pulled.loc[drifted, "match"]) == {"normalised", "unmatched"}
    unmatched = pulled[pulled["match"] == "unmatched"]
    assert len(unmatched) == 1 and unmatched["warehouse_code"].str.endswith("-旧").all() and unmatched["sku"].isna().all()
    report = read_sheet(book, "照合結果")
    listed_only = report[report["code"].astype(str).str.startswith("zk-new-2611:")]
    assert sorted(listed_only["code"]) == sorted(f"{m}:{v}" for m, v, _q in demo.LISTED_ONLY_ON_RMS)  # found on RMS
    assert listed_only["sku"].isna().all()
    compared = read_sheet(book, "在庫比較")
    assert len(compared) == 120 + 1 and {"delay", "split", "notation", "set", "pending", "unknown"} <= set(compared["cause"])
    settings = load_settings(out / "zaiko.toml")
    assert settings.warehouse.file.as_posix() == "shop/warehouse.csv" and settings.ledger.sheet == "社内台帳"
    assert settings.inbound.file.as_posix() == "shop/inbound.csv" and settings.rms.base_url == "http://127.0.0.1:8765"


def test_the_demo_reorder_step_fills_both_sheets_and_writes_one_csv_per_purchase_order(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--skus", "60", "--seed", "3"])
    assert result.exit_code == 0, result.output
    book = out / "zaiko.xlsm"
    plan = openpyxl.load_workbook(book, read_only=True, data_only=True)["発注"]
    rows = [r for r in plan.iter_rows(min_row=5, values_only=True) if r[0]]
    drafts = read_sheet(book, "発注書")
    assert len(rows) == 60 - round(60 * 0.06) and len(drafts) > 0  # every single SKU planned; sets are not bought
    files = sorted((out / "発注書CSV").iterdir())
    assert [f.stem for f in files] == sorted(drafts["po_number"].unique())
    assert f"│ {len(files)}: SUP00" in result.output  # purchase orders per supplier in the summary
    # 受注 holds the last 60 days; the year before comes from the journal (seasonal indexes need a year)
    ordered = read_sheet(book, "受注")["ordered_at"]
    assert (ordered.max() - ordered.min()).days <= 60
    assert read_sheet(book, "発注")["seasonal_index"].ne(1.0).any()  # 60 days alone give every SKU index 1


def test_the_demo_workbook_is_the_template_with_the_shops_sheets_filled(tmp_path):
    out = tmp_path / "demo"
    assert runner.invoke(app, ["demo", "--out", str(out), "--skus", "30"]).exit_code == 0
    book = out / "zaiko.xlsm"
    template, made = stored(COMMITTED_TEMPLATE), stored(book)
    assert set(made) == set(template)
    changed = {name for name in made if made[name] != template[name]}
    charts = {name for name in made if name.startswith("xl/charts/chart")}  # the KPI charts refit to the rows written
    assert changed == {sheet_part(book, name) for name in FILLED} | charts  # VBA, buttons, styles: byte for byte
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(book)) as opened:
        assert opened.sheet_names == [s.name for s in SHEETS]
    assert len(read_sheet(book, "仕入先")) > 0 and len(read_sheet(book, "セット構成")) > 0


def test_running_the_demo_again_sets_the_earlier_workbook_aside(tmp_path):
    out = tmp_path / "demo"
    assert runner.invoke(app, ["demo", "--out", str(out), "--skus", "20"]).exit_code == 0
    first = (out / "zaiko.xlsm").read_bytes()
    result = runner.invoke(app, ["demo", "--out", str(out), "--skus", "20"])
    assert result.exit_code == 0, result.output
    kept = list((out / "zaiko-earlier-demos").glob("zaiko.*.xlsm"))
    assert any(path.read_bytes() == first for path in kept)


def test_demo_refuses_a_size_outside_the_range_with_a_usage_error(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--skus", "5"])
    assert result.exit_code == 2
    assert not any(tmp_path.iterdir())
