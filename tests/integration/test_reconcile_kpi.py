"""`zaiko-xl reconcile` records the reconcile_results KPI frame (在庫差件数) in the journal's KPI store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.reconcile_workbook import planted_window, pulled_workbook
from zaiko_xl.adapters.columns import CAUSE_LABELS
from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.adapters.workbook_file import lock_file, read_cells
from zaiko_xl.domain.reconcile_run import ReconcileRun, ReconcileSummary, kpi_results
from zaiko_xl.entrypoints.cli import app

runner = CliRunner()
KPI_KEYS = {"delay": "sync_delay", "split": "split_stock", "notation": "sku_notation", "set": "set_product",
            "pending": "pending_movement", "unknown": "unknown"}


@pytest.fixture(scope="module")
def shop():
    return planted_window(60, 7)[0]


@pytest.fixture
def book(built_template: Path, tmp_path: Path, shop) -> Path:
    return pulled_workbook(built_template, tmp_path / "zaiko.xlsm", shop)


def _reconcile(book: Path, shop):
    return runner.invoke(app, ["reconcile", "--workbook", str(book), "--as-of", f"{pd.Timestamp(shop.as_of):%Y-%m-%d %H:%M}"])


def _results(book: Path, shop) -> pd.DataFrame:
    day = pd.Timestamp(shop.as_of).date()
    return SqliteKpiStore(book.parent / "zaiko-journal.sqlite").kpi_inputs(day, day, 0).reconcile_results


def test_each_difference_class_on_the_sheet_is_recorded_with_its_sku_count(book, shop):
    result = _reconcile(book, shop)
    assert result.exit_code == 0, result.output
    cells = read_cells(book, "在庫比較")
    expected = {KPI_KEYS[k]: cells[f"summary.count.{k}"] for k in KPI_KEYS if cells[f"summary.count.{k}"] > 0}
    assert expected  # the planted shop has differences
    recorded = _results(book, shop)
    assert dict(zip(recorded["cause"], recorded["skus"], strict=True)) == expected
    assert recorded["run_id"].nunique() == 1 and recorded["run_id"].iloc[0].startswith("reconcile-")
    assert (recorded["at"] == pd.Timestamp(f"{pd.Timestamp(shop.as_of):%Y-%m-%d %H:%M}")).all()
    assert set(CAUSE_LABELS) == {"ok", *KPI_KEYS}


def test_a_refused_reconcile_records_no_kpi_rows(book, shop):
    lock_file(book).write_bytes(b"owner")
    assert _reconcile(book, shop).exit_code == 7
    journal = book.parent / "zaiko-journal.sqlite"
    assert not journal.exists() or _results(book, shop).empty


def test_a_run_without_differences_is_one_row_with_no_cause():
    at = datetime(2026, 5, 1, 9, 30)
    summary = ReconcileSummary("r1", at, skus=5, counts={"一致": 5}, oversell_units=0, lost_sale_units=0)
    frame = kpi_results(ReconcileRun("r1", at, summary, pd.DataFrame(), pd.DataFrame()))
    assert frame.to_dict("records") == [{"run_id": "r1", "at": pd.Timestamp(at), "cause": "", "skus": 0}]
