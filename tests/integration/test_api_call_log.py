"""Every HTTP attempt of the RMS client lands in the journal as the api_calls KPI input (sandbox, loopback)."""

from __future__ import annotations

import logging
import random

from tests.fakes import FakeClock
from tests.integration.rms_helpers import keys_of
from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
from zaiko_xl.bootstrap import build_rms_client, jst_now
from zaiko_xl.config import load_settings


def _client(sandbox, journal, **options):
    settings = load_settings(None, rms=sandbox.rms_overrides(), journal={"path": str(journal)})
    return build_rms_client(settings, clock=FakeClock(), rng=random.Random(0), **options)


def test_each_attempt_and_its_retries_are_kept_when_the_client_closes(rms_sandbox, tmp_path):
    journal = tmp_path / "zaiko-journal.sqlite"
    rms_sandbox.set_faults({"function": "inventories.bulk.get", "kind": "5xx", "times": 1})
    with _client(rms_sandbox, journal, journal_calls=True, run_id="pull-1") as rms:
        rms.get_stock(keys_of(rms_sandbox)[:3])
        rms.expiry()
    today = jst_now().date()
    calls = SqliteKpiStore(journal).kpi_inputs(today, today, 0).api_calls
    rows = calls[["function", "status", "error_code", "attempt", "run_id"]].astype(str).values.tolist()
    assert rows == [["inventories.bulk.get", "500", "X0000", "1", "pull-1"],
                    ["inventories.bulk.get", "200", "", "2", "pull-1"],
                    ["license.expiryDate.get", "200", "", "1", "pull-1"]]
    assert calls["at"].dt.date.unique().tolist() == [today]


def test_without_the_option_nothing_is_journaled(rms_sandbox, tmp_path):
    with _client(rms_sandbox, tmp_path / "j.sqlite") as rms:
        rms.expiry()
    assert not (tmp_path / "j.sqlite").exists()


def test_a_journal_that_cannot_be_written_never_fails_the_command(rms_sandbox, tmp_path, caplog):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    with caplog.at_level(logging.WARNING, logger="zaiko_xl"), \
            _client(rms_sandbox, blocked / "j.sqlite", journal_calls=True) as rms:
        assert rms.expiry() is not None
    assert "could not keep 1 RMS call(s) in the journal" in caplog.text


def test_a_long_lived_client_journals_its_calls_along_the_way(tmp_path):
    from datetime import datetime, timedelta

    from zaiko_xl.adapters.api_call_log import JournalCallLog

    store, clock = SqliteKpiStore(tmp_path / "j.sqlite"), [datetime(2026, 11, 26, 9, 0)]
    log = JournalCallLog(store, lambda: clock[0], "sync-loop", flush_after=timedelta(minutes=1), flush_rows=3)

    def journaled() -> int:
        return len(store.kpi_inputs(clock[0].date(), clock[0].date(), 0).api_calls)

    log.add("inventories.bulk.get", 200, "", 1)
    clock[0] += timedelta(seconds=30)
    log.add("inventories.bulk.get", 200, "", 1)
    assert not (tmp_path / "j.sqlite").exists()  # kept in memory for now
    clock[0] += timedelta(seconds=31)
    log.add("inventories.bulk.upsert", 503, "X0000", 1)  # a minute after the first: written
    assert journaled() == 3 and log.rows == []
    for _ in range(3):
        log.add("inventories.bulk.get", 200, "", 1)  # 3 rows: written
    assert journaled() == 6
