"""`zaiko-xl sync` from the command line: one cycle, the lock, exit codes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.processes import interruptible
from tests.push_workbook_setup import template
from tests.sandbox_server import running_sandbox
from tests.sync_setup import build, expected
from zaiko_xl.adapters.run_lock import FileRunLock
from zaiko_xl.bootstrap import jst_now
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sandbox():
    with running_sandbox(skus=5) as sb:
        yield sb


@pytest.fixture
def shop(sandbox, tmp_path, monkeypatch):
    for name, value in sandbox.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ZAIKO_RMS_SETTLE_S", "0")
    monkeypatch.setenv("ZAIKO_RMS_RATE_ORDER_PER_S", "1000")
    monkeypatch.setenv("ZAIKO_RMS_RATE_GET_PER_S", "1000")
    monkeypatch.setenv("ZAIKO_RMS_RATE_WRITE_PER_S", "1000")
    shop, _audit = build(sandbox.server.state, tmp_path, template(tmp_path), skus=30, seed=8,
                         stamp=f"{jst_now():%Y-%m-%d %H:%M:%S}")
    return shop


def test_sync_once_pushes_the_warehouse_and_says_what_it_did(sandbox, shop):
    result = runner.invoke(app, ["sync", "--once", "--workbook", str(shop.workbook)])
    assert result.exit_code == 0, result.output
    assert "(全件 / full): SKU 30 件、RMS 読込 30 件" in result.output
    stock = sandbox.stock()
    assert {k: stock[k] for k in shop.physical} == expected(sandbox.server.state, shop)


def test_a_sync_while_another_run_holds_the_lock_exits_7(shop):
    with FileRunLock(shop.folder / "zaiko-journal.sqlite.lock").hold("push (zaiko.xlsm)"):
        result = runner.invoke(app, ["sync", "--once", "--workbook", str(shop.workbook)])
    assert result.exit_code == 7
    assert "E502 別の zaiko-xl の実行中です" in result.output and "push (zaiko.xlsm)" in result.output


def _sync_runs(journal: Path) -> list[tuple[str, str]]:
    if not journal.exists():
        return []
    with closing(sqlite3.connect(journal)) as conn:
        try:
            return conn.execute("SELECT outcome, error_code FROM ops_runs WHERE command = 'sync' "
                                "ORDER BY started_at").fetchall()
        except sqlite3.OperationalError:  # the schema is not there yet
            return []


def test_a_sync_loop_records_every_cycle_while_it_runs_and_stops_on_ctrl_c(shop):
    journal = shop.folder / "zaiko-journal.sqlite"
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"}
    loop = interruptible([sys.executable, "-m", "zaiko_xl", "sync", "--interval", "5", "--workbook",
                             str(shop.workbook)], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        deadline = time.monotonic() + 60
        while len(_sync_runs(journal)) < 2 and time.monotonic() < deadline and loop.poll() is None:
            time.sleep(0.2)
        runs = _sync_runs(journal)
        assert loop.poll() is None, loop.stdout.read() if loop.stdout else ""  # still looping
    finally:
        loop.send_signal(signal.SIGINT)
        output, _ = loop.communicate(timeout=30)
    assert runs[:2] == [("ok", ""), ("ok", "")], output
    assert loop.returncode == 130, output
    assert output.count("同期 / sync ") >= 2
