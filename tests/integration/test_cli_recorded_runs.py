"""Batch commands record each run in the journal (ops_runs) and notify a failed run once."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.reconcile_workbook import planted_window, pulled_workbook
from tests.servers import WebhookReceiver
from zaiko_xl.adapters.ops_state_sqlite import SqliteRunLog
from zaiko_xl.adapters.workbook_file import lock_file
from zaiko_xl.domain.runs import Outcome
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def shop():
    return planted_window(40, 5)[0]


@pytest.fixture
def book(built_template: Path, tmp_path: Path, shop) -> Path:
    return pulled_workbook(built_template, tmp_path / "zaiko.xlsm", shop)


def _reconcile(book: Path, shop, env: dict[str, str] | None = None):
    as_of = pd.Timestamp(shop.as_of)
    return runner.invoke(app, ["reconcile", "--workbook", str(book), "--as-of", f"{as_of:%Y-%m-%d %H:%M}"],
                         env=env)


def _runs(book: Path):
    return SqliteRunLog(book.parent / "zaiko-journal.sqlite").last_runs()


def test_a_good_reconcile_is_recorded_ok_under_its_run_id(book, shop):
    result = _reconcile(book, shop)
    assert result.exit_code == 0, result.output
    [run] = _runs(book)
    assert (run.command, run.outcome, run.error_code) == ("reconcile", Outcome.OK, "")
    assert run.run_id.startswith("reconcile-") and run.finished_at >= run.started_at


def test_a_locked_workbook_is_recorded_failed_with_its_code_and_notified_once(book, shop):
    receiver = WebhookReceiver()
    try:
        lock_file(book).write_bytes(b"owner")
        env = {"ZAIKO_NOTIFY_WEBHOOK_URL": receiver.url()}
        assert _reconcile(book, shop, env).exit_code == 7
        [run] = _runs(book)
        assert (run.command, run.outcome, run.error_code) == ("reconcile", Outcome.FAILED, "E501")
        assert run.message_ja.startswith(f"ブック {book} は Excel で開かれています")
        assert [json.loads(r.body)["key"] for r in receiver.requests] == ["run_failed:reconcile"]
        lock_file(book).unlink()
        assert _reconcile(book, shop, env).exit_code == 0
        assert [(r.command, r.outcome) for r in _runs(book)] == [("reconcile", Outcome.OK)]  # the latest per command
        assert [json.loads(r.body)["status"] for r in receiver.requests] == ["open", "resolved"]
    finally:
        receiver.stop()
