"""`zaiko-xl kpi`: JSON with stable keys, the terminal table, the report files, mail and notifications."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.servers import SmtpSink, WebhookReceiver
from tests.unit.test_kpi_domain import _inputs
from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()
SETTINGS = """
[kpi]
go_live = 2026-03-06
history_days = 10
demand_window_days = 3

[[sale.windows]]
name = "楽天スーパーSALE"
start = 2026-03-09
end = 2026-03-10
"""


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    (tmp_path / "zaiko.toml").write_text(SETTINGS, encoding="utf-8")
    store, inputs = SqliteKpiStore(tmp_path / "zaiko-journal.sqlite"), _inputs()
    for name in ("stock_history", "orders", "api_calls", "sync_events", "reconcile_results", "returns", "items"):
        store.record(name, getattr(inputs, name))
    return tmp_path


def _kpi(shop: Path, *args: str, env: dict | None = None):
    return runner.invoke(app, ["kpi", "--workbook", str(shop / "zaiko.xlsm"), "--as-of", "2026-03-11", *args], env=env)


def test_json_has_stable_keys_and_the_hand_computed_values(shop):
    result = _kpi(shop, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["version"], data["start"], data["end"], data["go_live"]) == (1, "2026-03-01", "2026-03-10", "2026-03-06")
    assert data["baseline_source"] == "frozen" and data["turnover_basis"] == "cost"
    stockout = data["kpis"]["stockout_rate"]
    assert set(stockout) == {"name_ja", "name_en", "unit", "lower_is_better", "baseline_normal", "baseline_sale",
                             "live_normal", "live_sale", "all", "latest"}
    assert stockout["baseline_normal"] == pytest.approx(5 / 9) and stockout["live_sale"] == pytest.approx(2 / 3)
    assert stockout["baseline_sale"] is None  # no sale day before go-live
    assert data["kpis"]["sync_latency_p95_min"]["all"] == pytest.approx(144.0)
    assert data["latest_period"] == "2026-03-09"
    assert {c["cause"] for c in data["causes"] if c["kpi"] == "stock_diffs"} == {"sync_delay", "split_stock",
                                                                                 "sku_notation"}
    assert data["top_stockouts"][0] == {"sku": "A", "stockout_days": 4, "demand_days": 8}


def test_the_terminal_table_shows_baseline_and_live(shop):
    result = _kpi(shop)
    assert result.exit_code == 0, result.output
    assert "欠品率" in result.output and "55.56%" in result.output and "66.67%" in result.output
    assert "基準値 / baseline: frozen" in result.output


def test_no_history_is_exit_9_with_a_hint(tmp_path):
    (tmp_path / "zaiko.toml").write_text(SETTINGS, encoding="utf-8")
    result = _kpi(tmp_path)
    assert result.exit_code == 9
    assert "E702 KPI を計算できる履歴がありません (期間 2026-03-01〜2026-03-10)。" in result.output
    assert "Run `zaiko-xl pull` daily to build the history" in result.output


def test_html_and_workbook_reports_are_written(shop):
    result = _kpi(shop, "--html", str(shop / "kpi.html"), "--xlsx", str(shop / "kpi.xlsx"))
    assert result.exit_code == 0, result.output
    html = (shop / "kpi.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 6 and "受注後キャンセルの原因" in html and "55.56%" in html
    book = openpyxl.load_workbook(shop / "kpi.xlsx")
    assert book.sheetnames == ["KPI", "KPI推移", "KPI原因"]
    assert len(book["KPI"]._charts) == 6
    assert book["KPI"]["A2"].value == "欠品率 / stockout rate"
    assert book["KPI"]["C2"].value == pytest.approx(5 / 9) and book["KPI"]["C2"].number_format == "0.00%"
    assert [c.value for c in book["KPI推移"]["A"]][1:] == [datetime(2026, 2, 23), datetime(2026, 3, 2),
                                                           datetime(2026, 3, 9)]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None, reason="needs LibreOffice")
def test_the_kpi_workbook_renders_in_libreoffice(shop, tmp_path):
    assert _kpi(shop, "--xlsx", str(shop / "kpi.xlsx")).exit_code == 0
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo'}"
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(shop / "kpi.xlsx")], check=True, capture_output=True, timeout=120)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", str(tmp_path / "kpi.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    assert (tmp_path / "page-1.png").stat().st_size > 10_000


def test_kpis_over_their_thresholds_are_notified_once(shop):
    (shop / "zaiko.toml").write_text(SETTINGS + '\n[notify.thresholds]\nstockout_rate = 0.5\nturnover = 10\n',
                                     encoding="utf-8")
    receiver = WebhookReceiver()
    try:
        env = {"ZAIKO_NOTIFY_WEBHOOK_URL": receiver.url()}
        first, second = _kpi(shop, "--notify", env=env), _kpi(shop, "--notify", env=env)
        assert first.exit_code == 0 and second.exit_code == 0, first.output
        keys = [json.loads(r.body)["key"] for r in receiver.requests]
        assert keys == ["kpi:stockout_rate"]  # latest week 03-09: 66.67% > 50%; turnover fine
        assert "通知しました / notified: webhook:generic kpi:stockout_rate (open)" in first.output
        assert "secret-token" not in first.output + second.output
    finally:
        receiver.stop()


def test_notify_without_a_channel_is_refused(shop):
    result = _kpi(shop, "--notify")
    assert result.exit_code == 9
    assert "E710 通知先が設定されていません。" in result.output


def test_the_report_is_mailed_with_an_html_part(shop):
    smtp = SmtpSink()
    try:
        (shop / "zaiko.toml").write_text(SETTINGS + f'\n[notify]\nsmtp_host = "127.0.0.1"\nsmtp_port = {smtp.port}\n'
                                         'mail_from = "zaiko@example.jp"\nmail_to = ["tenpo@example.jp"]\n',
                                         encoding="utf-8")
        result = _kpi(shop, "--mail")
        assert result.exit_code == 0, result.output
        assert len(smtp.messages) == 1
        mail = smtp.messages[0]
        assert mail["Subject"] == "zaiko-xl KPI レポート / KPI report 2026-03-01 - 2026-03-10"
        assert "欠品率 / stockout rate: 55.56% -> 0.00%" in mail.get_body(("plain",)).get_content()
        assert "<svg" in mail.get_body(("html",)).get_content()
    finally:
        smtp.stop()
