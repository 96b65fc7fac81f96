"""`zaiko-xl push` and `zaiko-xl rollback` on a real workbook against the sandbox: messages, exit codes."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.push_workbook_setup import ROOMY, settings_file, shop_stock, workbook_for
from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.adapters.source_watch import SqliteSourceWatch
from zaiko_xl.adapters.workbook_file import WorkbookFile
from zaiko_xl.bootstrap import jst_now
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()


@pytest.fixture
def shop_book(push_shop_book):
    return push_shop_book(seed=5)


def test_dry_run_shows_the_plan_writes_the_sheet_and_sends_nothing(push_sandbox, shop_book):
    shop, _audit, book = shop_book
    result = runner.invoke(app, ["push", "--workbook", str(book), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "反映計画 / push plan" in result.output and "--dry-run: 送信していません。/ Nothing was sent." in result.output
    assert shop_stock(push_sandbox, shop) == shop.before
    sheet = WorkbookFile(book).read_sheet("反映計画")
    assert len(sheet) == sum(1 for k in shop.target if shop.before[k] != shop.target[k])
    assert set(sheet["status"]) == {"planned"}


def test_yes_pushes_and_rollback_restores_exactly(push_sandbox, shop_book):
    shop, _audit, book = shop_book
    result = runner.invoke(app, ["push", "--workbook", str(book), "--yes"])
    assert result.exit_code == 0, result.output
    assert shop_stock(push_sandbox, shop) == shop.target
    run_id = result.output.split("zaiko-xl rollback ")[1].split()[0]
    assert set(WorkbookFile(book).read_sheet("反映計画")["status"]) == {"sent"}
    undo = runner.invoke(app, ["--config", str(book.parent / "zaiko.toml"), "rollback", run_id, "--yes"])
    assert undo.exit_code == 0, undo.output
    assert shop_stock(push_sandbox, shop) == {k: v if v is not None else 0 for k, v in shop.before.items()}
    again = runner.invoke(app, ["--config", str(book.parent / "zaiko.toml"), "rollback", run_id, "--yes"])
    assert again.exit_code == 7 and "E521" in again.output


def test_a_tripped_guard_refuses_with_the_numbers_and_exit_6(push_sandbox, shop_book):
    shop, _audit, book = shop_book
    settings_file(book.parent, max_sku_change=3, **ROOMY)
    result = runner.invoke(app, ["push", "--workbook", str(book)])
    assert result.exit_code == 6
    assert "E401 安全装置が作動しました: 1 SKU の変化が上限 3 個を超える SKU が" in result.output
    assert "would move by more than 3 units (e.g." in result.output
    assert shop_stock(push_sandbox, shop) == shop.before


def test_without_yes_a_run_that_cannot_ask_sends_nothing(push_sandbox, shop_book):
    shop, _audit, book = shop_book
    result = runner.invoke(app, ["push", "--workbook", str(book)])
    assert result.exit_code == 6
    assert "E404 反映は確認されなかったため送信していません" in result.output
    assert shop_stock(push_sandbox, shop) == shop.before


def test_a_stale_pull_is_refused(push_sandbox, shop_book, push_template):
    shop, _audit, book = shop_book
    workbook_for(shop, book.parent, push_template, pulled_at=jst_now() - timedelta(minutes=45))
    result = runner.invoke(app, ["push", "--workbook", str(book), "--yes"])
    assert result.exit_code == 6
    assert "E402 取込データが古すぎます (45 分前、上限 30 分)" in result.output


def test_resume_with_nothing_to_resume_says_so(shop_book):
    _shop, _audit, book = shop_book
    result = runner.invoke(app, ["push", "--workbook", str(book), "--resume"])
    assert result.exit_code == 0
    assert "再開する反映はありません。/ No interrupted push to resume." in result.output


def test_a_second_run_while_one_holds_the_lock_exits_7(shop_book):
    from zaiko_xl.adapters.run_lock import FileRunLock

    _shop, _audit, book = shop_book
    with FileRunLock(book.parent / "zaiko-journal.sqlite.lock").hold("sync"):
        result = runner.invoke(app, ["push", "--workbook", str(book), "--yes"])
    assert result.exit_code == 7
    assert "E502 別の zaiko-xl の実行中です (PID" in result.output and "sync" in result.output


def test_a_push_closes_the_open_changes_of_the_skus_it_applied(push_sandbox, shop_book):
    shop, _audit, book = shop_book
    watch = SqliteSourceWatch(book.parent / "zaiko-journal.sqlite")
    skus = [f"{m.upper()}-{v}" for m, v in shop.target]
    looked = jst_now().replace(microsecond=0) - timedelta(minutes=30)
    seen = pd.DataFrame({"sku": skus, "source": "warehouse", "value": 1, "changed_at": pd.NaT})
    watch.observe(seen, looked)
    watch.observe(seen.assign(value=2), looked + timedelta(minutes=1))  # a change seen for every SKU
    before = jst_now().replace(microsecond=0)
    result = runner.invoke(app, ["push", "--workbook", str(book), "--yes"])
    assert result.exit_code == 0, result.output
    moved = {f"{m.upper()}-{v}" for (m, v), t in shop.target.items() if shop.before[(m, v)] != t}
    still_open = set(watch.open_changes()["sku"])
    assert moved and still_open == set(skus) - moved  # SKUs the push did not touch wait for a reconcile
    events = SqliteKpiStore(book.parent / "zaiko-journal.sqlite").kpi_inputs(looked.date(), jst_now().date(), 0)
    closed = events.sync_events[events.sync_events["shown_at"].notna()]
    assert set(closed["sku"].astype(str)) == moved
    assert closed["shown_at"].between(pd.Timestamp(before), pd.Timestamp(jst_now())).all()
    calls = events.api_calls  # the push's own RMS calls, tagged with its run
    assert "inventories.bulk.upsert" in set(calls["function"].astype(str))
    assert all(run.startswith("push-") for run in calls["run_id"].astype(str))
