"""The operations tables of the one journal: migration from older journals, write probe, run log order."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pandas as pd
import pytest

from zaiko_xl.adapters.journal_schema import MIGRATIONS, check_writable, connect
from zaiko_xl.adapters.journal_sqlite import SqliteReconcileHistory
from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.adapters.ops_journal import opened
from zaiko_xl.adapters.ops_state_sqlite import SqliteRunLog
from zaiko_xl.domain.runs import Outcome, RunRecord
from zaiko_xl.errors import JournalTooNew, JournalUnreadable

AT = datetime(2026, 11, 20, 9, 0, 0)
OPS_TABLES = {"kpi_skus", "kpi_labels", "kpi_order_numbers", "kpi_stock_days", "kpi_order_days", "kpi_sync_days",
              "kpi_api_calls", "kpi_reconcile", "kpi_returns", "kpi_item_costs", "kpi_baseline", "ops_runs",
              "notify_deliveries", "notify_sends"}
RECONCILE_ONLY = MIGRATIONS[0][2]  # the schema of a journal written before the ops tables joined it
OPS_MIGRATION = next(v for v, description, _ in MIGRATIONS if description == "kpi history, runs and notifications")


def _tables(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _reconcile_only_journal(path) -> None:
    """A journal as the reconcile-only zaiko-xl left it, with one pull in it."""
    with sqlite3.connect(path) as conn:
        conn.executescript("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                           "applied_at TEXT NOT NULL);" + RECONCILE_ONLY)
        conn.execute("INSERT INTO schema_version VALUES (1, 'reconcile history', '2026-11-01T09:00:00')")
        conn.execute("INSERT INTO reconcile_run (run_id, at, as_of, sku_count, summary_json) "
                     "VALUES ('r1', '2026-11-01T09:00', '2026-11-01T09:00', 3, '{}')")
        conn.execute("INSERT INTO reconcile_suggestion VALUES ('A', 5, 1)")


def test_a_reconcile_only_journal_gains_the_ops_tables_and_keeps_its_pulls(tmp_path):
    path = tmp_path / "j.sqlite"
    _reconcile_only_journal(path)
    SqliteRunLog(path).record_run(RunRecord("p1", "pull", AT, AT, Outcome.OK))
    assert _tables(path) >= OPS_TABLES
    with sqlite3.connect(path) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == [v for v, _, _ in MIGRATIONS]
    assert SqliteReconcileHistory(path).previous(3).last_suggested.to_dict("records") == [{"sku": "A", "suggested": 5}]
    assert SqliteRunLog(path).last_success(("pull",)) == AT


def test_a_journal_with_the_old_ops_version_row_is_taken_over_without_losing_history(tmp_path):
    path = tmp_path / "j.sqlite"
    _reconcile_only_journal(path)
    with sqlite3.connect(path) as conn:  # what the separate ops schema wrote before the unification
        conn.executescript("CREATE TABLE schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL, "
                           "updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);"
                           "INSERT INTO schema_versions (component, version) VALUES ('ops', 1);"
                           "CREATE TABLE kpi_skus (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE);"
                           "CREATE TABLE kpi_item_costs (sku_id INTEGER PRIMARY KEY, unit_cost INTEGER NOT NULL);"
                           "INSERT INTO kpi_skus VALUES (1, 'A'); INSERT INTO kpi_item_costs VALUES (1, 120);")
    costs = SqliteKpiStore(path).kpi_inputs(AT.date(), AT.date(), 3).items
    assert costs.astype({"sku": str}).to_dict("records") == [{"sku": "A", "unit_cost": 120}]
    assert "schema_versions" not in _tables(path) and _tables(path) >= OPS_TABLES


def test_the_ops_migration_is_applied_once(tmp_path):
    path = tmp_path / "j.sqlite"
    for _ in range(3):
        SqliteKpiStore(path).record("items", pd.DataFrame({"sku": ["A"], "unit_cost": [1]}))
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT version FROM schema_version WHERE version = ?", (OPS_MIGRATION,)).fetchall()
    assert rows == [(OPS_MIGRATION,)]


def test_a_newer_journal_is_refused_by_the_ops_tables_too(tmp_path):
    path = tmp_path / "j.sqlite"
    connect(path).execute("INSERT INTO schema_version VALUES (999, 'future', '2030-01-01')")
    with pytest.raises(JournalTooNew), opened(path):
        pass


def test_the_write_probe_leaves_nothing_behind(tmp_path):
    path = tmp_path / "j.sqlite"
    check_writable(path)
    assert "zaiko_write_probe" not in _tables(path) and _tables(path) >= OPS_TABLES


def test_a_journal_that_cannot_be_opened_is_not_writable(tmp_path):
    (tmp_path / "j.sqlite").mkdir()  # (file permissions do not stop root, so a folder stands in for a locked file)
    with pytest.raises(JournalUnreadable, match="unable to open database file"):
        check_writable(tmp_path / "j.sqlite")


def test_a_failed_write_leaves_the_journal_as_it_was(tmp_path):
    path = tmp_path / "j.sqlite"
    log = SqliteRunLog(path)
    with pytest.raises(RuntimeError), opened(path) as conn:
        conn.execute("INSERT INTO ops_runs VALUES ('x', 'pull', 0, 0, 'ok', '', '', '')")
        raise RuntimeError("boom")
    assert log.last_runs() == []


def test_the_latest_run_of_a_command_wins_even_within_one_second(tmp_path):
    log = SqliteRunLog(tmp_path / "j.sqlite")
    log.record_run(RunRecord("a", "sync", AT, AT, Outcome.FAILED, "E301"))
    log.record_run(RunRecord("b", "sync", AT, AT, Outcome.OK))
    log.record_run(RunRecord("c", "pull", AT, AT, Outcome.OK))
    assert [(r.command, r.run_id) for r in log.last_runs()] == [("pull", "c"), ("sync", "b")]
    assert log.last_success(("push", "sync")) == AT
    assert log.first_attempt(("push",)) is None
