"""The RMSへ反映 button end to end, as far as Linux can run it: the button's own function on a real
workbook file (the Workbook port), the stand-in book for Excel's alerts, and the RMS sandbox over
loopback. Plan -> question -> send only after OK; Cancel sends nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.push_workbook_setup import ROOMY, settings_file, shop_stock
from tests.unit.test_excel_entrypoints import FakeApp, FakeBook
from zaiko_xl.adapters.push_journal import SqlitePushJournal
from zaiko_xl.adapters.workbook_file import WorkbookFile
from zaiko_xl.domain.push_run import RunState
from zaiko_xl.entrypoints import excel_macros
from zaiko_xl.entrypoints.excel_io import excel_run
from zaiko_xl.ports import SheetUpdate


@pytest.fixture
def shop_book(push_shop_book):
    return push_shop_book(seed=11)


def _press(path: Path, app: FakeApp) -> WorkbookFile:
    """Press RMSへ反映 on the workbook at ``path`` (the stand-in book answers the question with ``app``)."""
    book = FakeBook(path.parent)
    book.app = app
    workbook = WorkbookFile(path, backups=0)
    with excel_run(book, "RMSへ反映") as run:
        run.workbook = workbook  # the file adapter plays the open book (xlwings needs Excel)
        excel_macros.confirmed_push(run)
    return workbook


def _changes(shop) -> dict:
    return {k: v for k, v in shop.target.items() if shop.before[k] != v}


def test_ok_sends_the_plan_the_person_was_shown_and_journals_it(push_sandbox, shop_book):
    shop, _audit, path = shop_book
    app = FakeApp("ok")
    workbook = _press(path, app)
    question, report = app.alerts[0], app.alerts[-1]
    changes = _changes(shop)
    up = sum(v - (shop.before[k] or 0) for k, v in changes.items() if v > (shop.before[k] or 0))
    down = sum((shop.before[k] or 0) - v for k, v in changes.items() if v < (shop.before[k] or 0))
    assert question["buttons"] == "ok_cancel" and f"RMS の在庫を {len(changes)} SKU 変更します" in question["prompt"]
    assert f"増やす数量 +{up:,} 個、減らす数量 -{down:,} 個" in question["prompt"]
    assert f"Change RMS stock of {len(changes)} SKUs" in question["prompt"]
    assert shop_stock(push_sandbox, shop) == shop.target
    run_id = report["prompt"].split("実行 ID ")[1].split(")")[0]
    record = SqlitePushJournal(path.parent / "zaiko-journal.sqlite").load(run_id)
    assert record.header.state is RunState.DONE and (record.items["outcome"] == "applied").sum() == len(changes)
    assert report["prompt"].startswith(f"反映 {len(changes)} SKU、失敗 0、未確定 0 (実行 ID {run_id})")
    assert workbook.read_cells("操作")["status"] == report["prompt"]
    assert set(workbook.read_sheet("反映計画")["status"]) == {"sent"}


def test_cancel_sends_nothing_but_leaves_the_plan_on_its_sheet(push_sandbox, shop_book):
    shop, _audit, path = shop_book
    app = FakeApp("cancel")
    workbook = _press(path, app)
    assert shop_stock(push_sandbox, shop) == shop.before
    assert app.alerts[-1]["prompt"] == excel_macros.CANCELLED
    assert SqlitePushJournal(path.parent / "zaiko-journal.sqlite").load(None) is None
    plan = workbook.read_sheet("反映計画")
    assert len(plan) == len(_changes(shop)) and set(plan["status"]) == {"planned"}


class EditingApp(FakeApp):
    """Answers OK after the 在庫比較 sheet changed under the question (a plan the person did not see)."""

    def __init__(self, path: Path) -> None:
        super().__init__("ok")
        self.path = path

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None) -> Any:
        if buttons == "ok_cancel":
            book = WorkbookFile(self.path, backups=0)
            rows = book.read_sheet("在庫比較")
            rows.loc[rows.index[0], "confirmed"] = int(rows["confirmed"].iloc[0]) + 7
            book.write_sheets({"reconcile": SheetUpdate(rows=rows)})
        return super().alert(prompt, title, buttons, mode)


def test_a_plan_that_changed_after_the_question_is_not_sent(push_sandbox, shop_book):
    shop, _audit, path = shop_book
    app = EditingApp(path)
    _press(path, app)
    assert shop_stock(push_sandbox, shop) == shop.before
    assert app.alerts[-1]["mode"] == "critical"
    assert app.alerts[-1]["prompt"].startswith("E405 確認した後で反映計画が変わったため送信していません")


def test_past_a_hard_limit_nobody_is_asked_and_nothing_is_sent(push_sandbox, shop_book):
    shop, _audit, path = shop_book
    settings_file(path.parent, max_sku_change=1, hard_max_sku_change=2, **ROOMY)
    app = FakeApp("ok")
    _press(path, app)
    assert [a["buttons"] for a in app.alerts] == ["ok"]  # the error only, no question
    assert app.alerts[0]["prompt"].startswith("E403 安全装置の上限を超えているため送信しません")
    assert shop_stock(push_sandbox, shop) == shop.before
