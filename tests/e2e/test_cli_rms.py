"""`export-rms-csv`, `sandbox` and the demo's RMS step end to end (`pull`: test_cli_pull.py)."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.processes import interruptible
from zaiko_xl.entrypoints.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


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
    proc = interruptible([sys.executable, "-m", "zaiko_xl", "sandbox", "--port", "0", "--skus", "20",
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


def test_demo_starts_the_sandbox_and_pulls_from_it_into_its_workbook(tmp_path):
    from zaiko_xl.adapters.workbook_file import read_sheet
    from zaiko_xl.sample_shop import generate

    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--skus", "20", "--seed", "3"])
    assert result.exit_code == 0, result.output
    rms = generate(skus=20, seed=3).rms_stock
    assert any(line.startswith("│ RMS在庫 / RMS stock") and f"│ {len(rms)} SKU" in line for line in result.output.splitlines())
    stock = read_sheet(tmp_path / "zaiko.xlsm", "RMS在庫")
    pairs = sorted(zip(stock["manage_number"], stock["variant_id"], strict=True))
    assert pairs == sorted(zip(rms["manage_number"], rms["variant_id"], strict=True))
    assert stock["sku"].notna().all() and not list(tmp_path.glob("*-rms.xlsx"))


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
