"""`zaiko-xl sync` from the command line: one cycle, the lock, exit codes."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.push_workbook_setup import template
from tests.sandbox_server import running_sandbox
from tests.sync_setup import build, expected
from zaiko_xl.adapters.run_lock import FileRunLock
from zaiko_xl.bootstrap import jst_now
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()


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
