"""`zaiko-xl pull`, `export-rms-csv` and `sandbox` end to end: exact messages, exit codes, files read back."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import openpyxl
import pytest
from typer.testing import CliRunner

from zaiko_xl.bootstrap import jst_now
from zaiko_xl.entrypoints.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _pull(sandbox, tmp_path, **env):
    fast = {"ZAIKO_RMS_RATE_ORDER_PER_S": "1000", "ZAIKO_RMS_RATE_GET_PER_S": "1000", "ZAIKO_RMS_RETRY_BASE_S": "0.01"}
    return runner.invoke(app, ["pull", "--workbook", str(tmp_path / "shop.xlsm")],
                         env={**sandbox.env(), **fast, **env})


def test_pull_writes_rms_stock_and_orders_beside_the_workbook(rms_sandbox, tmp_path):
    expiry = (jst_now() + timedelta(days=40)).replace(hour=23, minute=59, second=59)
    rms_sandbox.set_license(expiry)
    number = rms_sandbox.place_order(("zk-00001", "zk-00001", 1))
    result = _pull(rms_sandbox, tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (f"RMS ライセンスキーの期限: {expiry:%Y-%m-%d %H:%M} (残り 40 日) / "
                        f"RMS license key valid until {expiry:%Y-%m-%d %H:%M} (40 days left)")
    assert lines[1] == "RMS在庫 / RMS stock: 50 SKU"
    assert lines[-1] == f"書き込み先 / written to: {tmp_path / 'shop-rms.xlsx'}"
    book = openpyxl.load_workbook(tmp_path / "shop-rms.xlsx", read_only=True)
    stock_rows = list(book["RMS在庫"].iter_rows(values_only=True))
    assert stock_rows[0] == ("商品管理番号", "SKU管理番号", "在庫数", "更新日時")
    assert {(m, v): q for m, v, q, _ in stock_rows[1:]} == rms_sandbox.stock()
    order_rows = list(book["受注"].iter_rows(values_only=True))
    assert order_rows[0][0] == "受注番号" and number in {row[0] for row in order_rows[1:]}
    assert not (tmp_path / "shop.xlsm").exists()  # the user's workbook is never touched


def test_pull_warns_when_the_license_expires_soon(rms_sandbox, tmp_path):
    expiry = (jst_now() + timedelta(days=5)).replace(hour=23, minute=59, second=59)
    rms_sandbox.set_license(expiry)
    result = _pull(rms_sandbox, tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        f"警告 / Warning RMS ライセンスキーの期限まで残り 5 日です ({expiry:%Y-%m-%d %H:%M})。RMS で新しいキーを発行してください。 / "
        f"The RMS license key expires in 5 days ({expiry:%Y-%m-%d %H:%M}); issue a new key in RMS.")


def test_pull_with_a_rejected_key_stops_with_exit_code_5_and_says_how_to_renew(rms_sandbox, tmp_path):
    rms_sandbox.set_license(rejected=True)
    result = _pull(rms_sandbox, tmp_path)
    assert result.exit_code == 5
    assert result.output.startswith(
        "エラー / Error E310 RMS がライセンスキーを受け付けません (license.expiryDate.get, HTTP 401, GA0001)。")
    assert "「ライセンスキー発行」を押して新しいキーを発行し" in result.output
    assert rms_sandbox.license_key not in result.output
    assert not (tmp_path / "shop-rms.xlsx").exists()


def test_pull_without_credentials_says_which_variable_to_set(rms_sandbox, tmp_path):
    result = _pull(rms_sandbox, tmp_path, ZAIKO_RMS_LICENSE_KEY="")
    assert result.exit_code == 3
    assert result.output.startswith("エラー / Error E104 rms.license_key が設定されていません。")


def test_export_rms_csv_writes_cp932_crlf_and_every_value_reads_back(tmp_path):
    source = tmp_path / "stock.csv"
    source.write_text("商品管理番号（商品URL）,SKU管理番号,在庫数\nTShirt-Basic,Red-M,12\nmug-300,mug-300,40\n"
                      "tshirt-basic,Red-L,0\n", encoding="utf-8")
    out = tmp_path / "normal-item.csv"
    result = runner.invoke(app, ["export-rms-csv", "--from", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{out} を作成しました (2 商品, 3 SKU)。")
    data = out.read_bytes()
    assert data.count(b"\r\n") == 6 and b"\n" not in data.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(data.decode("cp932"), newline="")))
    assert rows == [["商品管理番号（商品URL）", "SKU管理番号", "在庫数"],
                    ["tshirt-basic", "", ""], ["tshirt-basic", "Red-M", "12"], ["tshirt-basic", "Red-L", "0"],
                    ["mug-300", "", ""], ["mug-300", "mug-300", "40"]]
    assert data.startswith('"商品管理番号（商品URL）","SKU管理番号","在庫数"\r\n'.encode("cp932"))


def test_export_rms_csv_reads_the_pull_output_sheet(rms_sandbox, tmp_path):
    assert _pull(rms_sandbox, tmp_path).exit_code == 0
    out = tmp_path / "normal-item.csv"
    result = runner.invoke(app, ["export-rms-csv", "--from", str(tmp_path / "shop-rms.xlsx"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("cp932"), newline="")))
    assert {(m, v): int(q) for m, v, q in rows[1:] if v} == rms_sandbox.stock()


def test_export_rms_csv_with_bad_rows_lists_them_and_writes_nothing(tmp_path):
    source = tmp_path / "stock.csv"
    source.write_bytes("商品管理番号,SKU管理番号,在庫数\nmug,mug,-1\nmug,赤,1\n".encode("cp932"))
    out = tmp_path / "normal-item.csv"
    result = runner.invoke(app, ["export-rms-csv", "--from", str(source), "--out", str(out)])
    assert result.exit_code == 4
    assert result.output.splitlines() == [
        f"エラー / Error E210 {source} に 2 件の問題があります。何も取り込んでいません。 / {source} has 2 problem(s); "
        "nothing was imported.",
        f"  - E205 ファイル {source} 2行目 列「在庫数」: 値「-1」は使えません (在庫数 -1 は 0〜99999 の範囲外です)。 / "
        f"file {source}, row 2, column '在庫数': value '-1' is not allowed (quantity -1 is outside 0..99999).",
        f"  - E205 ファイル {source} 3行目 列「SKU管理番号」: 値「赤」は使えません (variantId に使えない文字「赤」があります "
        f"(使える文字: a-z A-Z 0-9 - _))。 / file {source}, row 3, column 'SKU管理番号': value '赤' is not allowed "
        "(variantId contains characters RMS refuses: '赤' (allowed: a-z A-Z 0-9 - _)).",
    ]
    assert not out.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT")
def test_the_sandbox_command_serves_prints_demo_credentials_and_stops_on_ctrl_c():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZAIKO_")} | {"PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "zaiko_xl", "sandbox", "--port", "0", "--skus", "20",
                             "--orders-per-min", "0"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        banner = [proc.stdout.readline() for _ in range(7)]
        assert banner[0].startswith("RMS サンドボックス起動 / RMS sandbox running at http://127.0.0.1:")
        assert "  ZAIKO_RMS_SERVICE_SECRET=SP123456_sandbox-demo-secret\n" in banner
        assert "  ZAIKO_RMS_LICENSE_KEY=SL123456_sandbox-demo-license\n" in banner
        base_url = banner[0].rsplit(" ", 1)[-1].strip()
        assert httpx.get(base_url + "/_sandbox/state", params={"inventory": False}).json()["skus"] == 20
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=15)
    assert code == 0


def test_demo_starts_the_sandbox_and_pulls_from_it(tmp_path):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--skus", "20", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "RMS在庫 / RMS stock: 20 SKU" in result.output.splitlines()
    book = openpyxl.load_workbook(tmp_path / "zaiko-rms.xlsx", read_only=True)
    assert book.sheetnames == ["RMS在庫", "受注"] and book["RMS在庫"].max_row == 21


def test_the_sandbox_banner_never_prints_credentials_taken_from_the_environment():
    from rich.console import Console

    from zaiko_xl.entrypoints.rms_output import sandbox_banner
    from zaiko_xl.sandbox.config import SandboxConfig
    from zaiko_xl.sandbox.seed import build_state
    from zaiko_xl.sandbox.server import SandboxServer

    config = SandboxConfig.from_env({"ZAIKO_RMS_SERVICE_SECRET": "SPreal-secret", "ZAIKO_RMS_LICENSE_KEY": "SLreal-key"})
    server = SandboxServer(build_state(config, skus=5, seed=1))
    console = Console(record=True, width=200)
    sandbox_banner(server, console)
    server.stop()
    text = console.export_text()
    assert "SPreal-secret" not in text and "SLreal-key" not in text
    assert "accepting the credentials from ZAIKO_RMS_SERVICE_SECRET / ZAIKO_RMS_LICENSE_KEY" in text
