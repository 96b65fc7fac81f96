"""The operations tables of the journal: schema version, write probe, run log order."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from zaiko_xl.adapters.ops_journal import SCHEMA_VERSION, check_writable, opened
from zaiko_xl.adapters.ops_state_sqlite import SqliteRunLog
from zaiko_xl.domain.runs import Outcome, RunRecord
from zaiko_xl.errors import OpsJournalError

AT = datetime(2026, 11, 20, 9, 0, 0)


def test_the_schema_version_is_recorded_and_a_newer_one_is_refused(tmp_path):
    path = tmp_path / "j.sqlite"
    with opened(path):
        pass
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version FROM schema_versions WHERE component = 'ops'").fetchone() == (SCHEMA_VERSION,)
        conn.execute("UPDATE schema_versions SET version = ? WHERE component = 'ops'", (SCHEMA_VERSION + 1,))
    newer = f"schema ops v{SCHEMA_VERSION + 1} is newer than this zaiko-xl"
    with pytest.raises(OpsJournalError, match=newer), opened(path):
        pass


def test_the_write_probe_leaves_nothing_behind(tmp_path):
    path = tmp_path / "j.sqlite"
    check_writable(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'ops_write_probe'").fetchone() is None


def test_a_journal_that_cannot_be_opened_is_not_writable(tmp_path):
    (tmp_path / "j.sqlite").mkdir()  # (file permissions do not stop root, so a folder stands in for a locked file)
    with pytest.raises(OpsJournalError, match="unable to open database file"):
        check_writable(tmp_path / "j.sqlite")


def test_the_latest_run_of_a_command_wins_even_within_one_second(tmp_path):
    log = SqliteRunLog(tmp_path / "j.sqlite")
    log.record_run(RunRecord("a", "sync", AT, AT, Outcome.FAILED, "E301"))
    log.record_run(RunRecord("b", "sync", AT, AT, Outcome.OK))
    log.record_run(RunRecord("c", "pull", AT, AT, Outcome.OK))
    assert [(r.command, r.run_id) for r in log.last_runs()] == [("pull", "c"), ("sync", "b")]
    assert log.last_success(("push", "sync")) == AT
    assert log.first_attempt(("push",)) is None
