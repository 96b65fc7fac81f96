"""`zaiko-xl doctor`: one line per check, exit 9 when a check fails, secrets never shown; recorded runs."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.servers import WebhookReceiver
from zaiko_xl.adapters.ops_state_sqlite import SqliteRunLog
from zaiko_xl.bootstrap import jst_now
from zaiko_xl.config import load_settings
from zaiko_xl.domain.runs import Outcome, RunRecord
from zaiko_xl.entrypoints.cli import app
from zaiko_xl.entrypoints.runs import recorded_run
from zaiko_xl.errors import ApiUnavailable

runner = CliRunner()
CHECKS = 3 + 1 + 6 + 4  # config, credentials, notifications; license; six RMS functions; workbook, journal, last run,
#   changes not yet on RMS


@pytest.fixture
def sandbox_env(rms_sandbox) -> dict[str, str]:
    """zaiko-xl pointed at the sandbox (base URL and credentials)."""
    return rms_sandbox.env()


def _shows_no_secret(output: str, env: dict[str, str]) -> bool:
    return env["ZAIKO_RMS_SERVICE_SECRET"] not in output and env["ZAIKO_RMS_LICENSE_KEY"] not in output


@pytest.fixture
def shop(tmp_path: Path, sandbox_env) -> Path:
    (tmp_path / "zaiko.toml").write_text('[notify]\nsmtp_host = "127.0.0.1"\nmail_from = "z@example.jp"\n'
                                         'mail_to = ["a@example.jp"]\n', encoding="utf-8")
    (tmp_path / "zaiko.xlsm").write_bytes(b"PK")
    (tmp_path / ".env.json").write_text(json.dumps(sandbox_env))
    now = jst_now()
    SqliteRunLog(tmp_path / "zaiko-journal.sqlite").record_run(RunRecord("r0", "pull", now, now, Outcome.OK))
    return tmp_path


def _doctor(shop: Path, *args: str, env: dict | None = None):
    base = json.loads((shop / ".env.json").read_text())
    return runner.invoke(app, ["doctor", "--workbook", str(shop / "zaiko.xlsm"), *args], env={**base, **(env or {})})


def test_a_healthy_shop_passes_with_exit_0_and_no_secret_shown(shop):
    result = _doctor(shop)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"OK 設定ファイル / configuration: {shop / 'zaiko.toml'} を読み込みました / {shop / 'zaiko.toml'} loaded"
    assert lines[1] == ("OK RMS の資格情報 / RMS credentials: サービスシークレットとライセンスキーがあります (値は表示しません) / "
                        "service secret and license key are set (values not shown)")
    assert "OK ブック / workbook: Excel で開かれていません / not open in Excel" in lines
    assert "OK ジャーナル / journal: 書き込めます / writable" in lines
    assert lines[3].startswith("OK ライセンスキーの期限 / license key expiry: 期限 ")
    assert ("OK RMS API の接続 inventories.bulk.get.range / RMS API reachability inventories.bulk.get.range: "
            "応答あり / reachable") in lines
    assert sum(line.startswith("OK RMS API の接続") for line in lines) == 6
    assert _shows_no_secret(result.output, json.loads((shop / ".env.json").read_text()))


def test_a_rejected_key_fails_with_a_fix_and_never_shows_the_key(shop, rms_sandbox):
    rms_sandbox.set_license(jst_now() + timedelta(days=30), rejected=True)
    result = _doctor(shop)
    assert result.exit_code == 9
    lines = result.output.splitlines()
    at = lines.index(next(line for line in lines if line.startswith("失敗 ライセンスキーの期限")))
    assert lines[at] == ("失敗 ライセンスキーの期限 / license key expiry: RMS がライセンスキーを受け付けません "
                         "(license.expiryDate.get, HTTP 401, GA0001)。期限切れ、または新しいキーの発行で無効になった可能性が"
                         "あります。 / RMS does not accept the license key (license.expiryDate.get, HTTP 401, GA0001); "
                         "it has expired or was replaced by a newly issued key.")
    assert lines[at + 1].startswith("     対処 / fix: ")
    assert lines[at + 2] == ("未確認 RMS API の接続 / RMS API reachability: RMS がキーを受け付けないため未確認 (上の行を参照) / "
                             "not checked: RMS refuses the key (see above)")
    assert "E730 点検 9 件のうち 1 件が失敗しました: license" in result.output
    assert _shows_no_secret(result.output, json.loads((shop / ".env.json").read_text()))


def test_a_workbook_open_in_excel_fails_with_exit_9(shop):
    (shop / "~$zaiko.xlsm").write_bytes(b"")
    result = _doctor(shop)
    assert result.exit_code == 9
    assert (f"失敗 ブック / workbook: ブック {shop / 'zaiko.xlsm'} は Excel で開かれています (~$zaiko.xlsm があります)。"
            "閉じてから再実行してください。") in result.output
    assert f"E730 点検 {CHECKS} 件のうち 1 件が失敗しました: workbook" in result.output


def test_broken_settings_are_the_first_failed_check_not_a_crash(shop):
    (shop / "zaiko.toml").write_text("[push]\nbufer = 3\n", encoding="utf-8")
    result = _doctor(shop)
    assert result.exit_code == 9
    assert result.output.splitlines()[0] == (f"失敗 設定ファイル / configuration: 設定ファイル {shop / 'zaiko.toml'} に"
                                             f"不明な項目「push.bufer」があります。 / Unknown setting 'push.bufer' in "
                                             f"{shop / 'zaiko.toml'}.")
    assert "未確認 ブック / workbook: 設定を読めないため未確認 / not checked: no settings" in result.output


def test_a_failed_run_is_notified_once_and_resolved_by_the_next_good_run(shop):
    receiver = WebhookReceiver()
    env = {"ZAIKO_NOTIFY_WEBHOOK_URL": receiver.url()}
    try:
        settings = load_settings(shop / "zaiko.toml", notify={"webhook_url": receiver.url()})
        with pytest.raises(ApiUnavailable), recorded_run(settings, "sync"):
            raise ApiUnavailable(endpoint="inventories.bulk.upsert", detail="timeout")
        assert [json.loads(r.body)["key"] for r in receiver.requests] == ["run_failed:sync"]  # told at once
        failing = _doctor(shop, "--notify", env=env)
        assert failing.exit_code == 9
        assert "失敗 最後の実行 / last run: zaiko-xl sync が失敗しています" in failing.output
        assert len(receiver.requests) == 1  # the doctor run does not repeat it
        with recorded_run(settings, "sync"):
            pass
        statuses = [json.loads(r.body)["status"] for r in receiver.requests]
        assert statuses == ["open", "resolved"]
        final = _doctor(shop, "--notify", env=env)
        assert final.exit_code == 0, final.output
        assert len(receiver.requests) == 2
    finally:
        receiver.stop()


def test_doctor_notify_without_any_channel_says_so(tmp_path, sandbox_env):
    (tmp_path / "zaiko.toml").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["--config", str(tmp_path / "zaiko.toml"), "doctor", "--notify"], env=sandbox_env)
    assert result.exit_code == 9
    assert "E710 通知先が設定されていません。" in result.output
