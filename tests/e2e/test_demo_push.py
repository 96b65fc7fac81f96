"""`zaiko-xl demo` ends by pushing: 反映 ticked on the delayed / pending rows of 在庫比較, the push
journaled against the demo's sandbox (stopped when the demo ends, so the journal is the witness)."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from typer.testing import CliRunner

from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.adapters.push_journal import SqlitePushJournal
from zaiko_xl.adapters.workbook_file import WorkbookFile, read_sheet
from zaiko_xl.domain.push_run import RunState
from zaiko_xl.entrypoints import demo
from zaiko_xl.entrypoints.cli import app
from zaiko_xl.entrypoints.demo_sync import DELIVERY_ROWS
from zaiko_xl.ports import SheetUpdate

runner = CliRunner()
CAUSES = ["delay", "pending", "ok", "split", "delay", "pending", "ok", "delay", "notation", "pending"]


def _stand_in_reconcile(run: demo.DemoRun) -> None:
    """Fills 在庫比較 from the pulled RMS在庫 (used only while this branch has no reconcile step)."""
    book = WorkbookFile(run.workbook, backups=0)
    rms = read_sheet(run.workbook, "RMS在庫").head(len(CAUSES))
    quantity = rms["quantity"].astype(int).to_numpy()
    off = [0 if c == "ok" else 3 + i for i, c in enumerate(CAUSES)]
    book.write_sheets({"reconcile": SheetUpdate(rows=pd.DataFrame({
        "sku": rms["sku"].to_numpy(), "rms_quantity": quantity, "cause": CAUSES,
        "suggested": quantity + off, "difference": off}))})


@pytest.fixture
def steps(monkeypatch):
    """The demo's steps, with a stand-in for reconcile right after the pull when the branch has none."""
    labels = [label for label, _ in demo.STEPS]
    if not any("reconcile" in label for label in labels):
        at = next(i for i, label in enumerate(labels) if "pull" in label) + 1
        monkeypatch.setattr(demo, "STEPS", [*demo.STEPS[:at], ("差異チェック (代役) / reconcile (stand-in)",
                                                                _stand_in_reconcile), *demo.STEPS[at:]])
    assert any(step is demo.push_step for _, step in demo.STEPS)
    return demo.STEPS


def _run_ids(journal, kind: str = "push") -> list[str]:
    with sqlite3.connect(journal) as db:
        return [row[0] for row in db.execute("SELECT run_id FROM push_run WHERE kind = ?", (kind,))]


def test_the_demo_pushes_the_ticked_delayed_and_pending_rows_and_journals_the_run(tmp_path, steps):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--skus", "60"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    sheet = read_sheet(out / "zaiko.xlsm", "在庫比較")
    ticked = sheet[sheet["push"].fillna(False).astype(bool)]
    assert len(ticked) > 0 and set(ticked["cause"]) <= {"delay", "pending"}
    runs = _run_ids(out / "zaiko-journal.sqlite")
    assert len(runs) == 1
    record = SqlitePushJournal(out / "zaiko-journal.sqlite").load(runs[0])
    assert record.header.state is RunState.DONE and record.header.kind.value == "push"
    assert sorted(record.items.loc[record.items["outcome"] == "applied", "sku"]) == sorted(ticked["sku"])
    assert f"送信 sent {len(ticked)} SKU, 状態 state done, 実行 ID run {runs[0]}" in result.output
    assert f"rollback {runs[0]} (デモでは取り消しません / the demo does not roll back)" in result.output
    plan = read_sheet(out / "zaiko.xlsm", "反映計画")
    assert set(plan["status"]) == {"sent"} and len(plan) == len(ticked)
    _check_the_sync_step(out, result.output)


def _check_the_sync_step(out, output: str) -> None:
    """The delivery the sync step books is journaled from the WMS time to the time RMS accepted it."""
    journal = out / "zaiko-journal.sqlite"
    sync_runs = _run_ids(journal, "sync")
    assert len(sync_runs) == 1 and SqlitePushJournal(journal).load(sync_runs[0]).header.state is RunState.DONE
    warehouse = pd.read_csv(out / "shop" / "warehouse.csv", encoding="cp932", dtype=str)
    stamps = pd.to_datetime(warehouse["最終更新日時"])
    events = SqliteKpiStore(journal).kpi_inputs(stamps.max().date(), stamps.max().date(), 0).sync_events
    assert 0 < len(events) <= DELIVERY_ROWS and events["shown_at"].notna().all()
    assert set(events["changed_at"]) <= set(stamps)  # the WMS's own times
    latency = (events["shown_at"] - events["changed_at"]).dt.total_seconds() / 60
    assert latency.between(0, 20).all()  # stamped up to 15 minutes before the step, shown during it
    assert f"{len(events)} 件 seen, {len(events)} 件 shown" in output


def test_with_an_empty_reconciliation_the_demo_says_there_is_nothing_to_push(tmp_path, monkeypatch):
    monkeypatch.setattr(demo, "STEPS", [s for s in demo.STEPS if "reconcile" not in s[0] and "reorder" not in s[0]])
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "--out", str(out), "--skus", "20"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert "在庫比較に反映する行がありません / nothing to push" in result.output
    assert not (out / "zaiko-journal.sqlite").exists() or not _run_ids(out / "zaiko-journal.sqlite")
