"""The operations tables of the SQLite journal: KPI history (``kpi_*``), runs (``ops_runs``) and
notification state (``notify_*``), with their schema version.

The journal file is shared with reconciliation and the push journal; each part keeps its own
tables and its own row in ``schema_versions`` (component ``ops`` here). Times are stored as
integers: JST-naive epoch seconds, days as JST-naive epoch days (fast to load in bulk).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from zaiko_xl.errors import OpsJournalError

COMPONENT = "ops"
SCHEMA_VERSION = 1
_EPOCH = datetime(1970, 1, 1)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_versions (
    component TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS kpi_skus (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS kpi_stock_history (
    sku_id INTEGER NOT NULL, day INTEGER NOT NULL, on_hand INTEGER NOT NULL, sellable INTEGER NOT NULL,
    PRIMARY KEY (sku_id, day)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kpi_order_lines (
    order_number TEXT NOT NULL, sku_id INTEGER NOT NULL, n INTEGER NOT NULL, channel TEXT NOT NULL,
    quantity INTEGER NOT NULL, status TEXT NOT NULL, ordered_at INTEGER NOT NULL, changed_at INTEGER,
    cancel_reason TEXT NOT NULL, PRIMARY KEY (order_number, sku_id, n));
CREATE INDEX IF NOT EXISTS kpi_order_lines_at ON kpi_order_lines (ordered_at);
CREATE TABLE IF NOT EXISTS kpi_api_calls (
    id INTEGER PRIMARY KEY, at INTEGER NOT NULL, function TEXT NOT NULL, status INTEGER NOT NULL,
    error_code TEXT NOT NULL, attempt INTEGER NOT NULL, run_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS kpi_api_calls_at ON kpi_api_calls (at);
CREATE TABLE IF NOT EXISTS kpi_sync_events (
    sku_id INTEGER NOT NULL, source TEXT NOT NULL, changed_at INTEGER NOT NULL, shown_at INTEGER,
    PRIMARY KEY (sku_id, source, changed_at));
CREATE INDEX IF NOT EXISTS kpi_sync_events_at ON kpi_sync_events (changed_at);
CREATE TABLE IF NOT EXISTS kpi_reconcile (
    run_id TEXT NOT NULL, at INTEGER NOT NULL, cause TEXT NOT NULL, skus INTEGER NOT NULL,
    PRIMARY KEY (run_id, cause));
CREATE TABLE IF NOT EXISTS kpi_returns (
    sku_id INTEGER NOT NULL, reference TEXT NOT NULL, received_at INTEGER NOT NULL, booked_at INTEGER,
    PRIMARY KEY (sku_id, reference, received_at));
CREATE TABLE IF NOT EXISTS kpi_item_costs (sku_id INTEGER PRIMARY KEY, unit_cost INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS kpi_baseline (
    kpi TEXT NOT NULL, days TEXT NOT NULL, value REAL, numerator REAL, denominator REAL, go_live TEXT NOT NULL,
    captured_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (kpi, days));
CREATE TABLE IF NOT EXISTS ops_runs (
    run_id TEXT PRIMARY KEY, command TEXT NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER,
    outcome TEXT NOT NULL, error_code TEXT NOT NULL, message_ja TEXT NOT NULL, message_en TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS ops_runs_command ON ops_runs (command, started_at);
CREATE TABLE IF NOT EXISTS notify_deliveries (
    key TEXT NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL, opened_at INTEGER NOT NULL,
    last_sent INTEGER, sends INTEGER NOT NULL, resolved_at INTEGER, title_ja TEXT NOT NULL, title_en TEXT NOT NULL,
    PRIMARY KEY (key, channel, opened_at));
CREATE TABLE IF NOT EXISTS notify_sends (
    id INTEGER PRIMARY KEY, key TEXT NOT NULL, channel TEXT NOT NULL, at INTEGER NOT NULL, ok INTEGER NOT NULL,
    detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS notify_sends_at ON notify_sends (channel, at);
"""


def _fail(path: Path, exc: Exception) -> OpsJournalError:
    return OpsJournalError(journal=str(path), detail=str(exc))


@contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection with the ops schema in place; commits on success, rolls back on error."""
    try:
        conn = sqlite3.connect(path, timeout=30)
    except sqlite3.Error as exc:
        raise _fail(path, exc) from exc
    try:
        with conn:
            _ensure_schema(conn, path)
            yield conn
    except sqlite3.Error as exc:
        raise _fail(path, exc) from exc
    finally:
        conn.close()


def _ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    conn.executescript(_SCHEMA)
    row = conn.execute("SELECT version FROM schema_versions WHERE component = ?", (COMPONENT,)).fetchone()
    if row is None:
        conn.execute("INSERT INTO schema_versions (component, version) VALUES (?, ?)", (COMPONENT, SCHEMA_VERSION))
    elif row[0] > SCHEMA_VERSION:
        raise OpsJournalError(journal=str(path),
                              detail=f"schema {COMPONENT} v{row[0]} is newer than this zaiko-xl (v{SCHEMA_VERSION})")


def check_writable(path: Path) -> None:
    """Open the journal, write inside a transaction and roll it back (nothing stays)."""
    with opened(path) as conn:
        conn.execute("SAVEPOINT probe")
        conn.execute("UPDATE schema_versions SET updated_at = updated_at WHERE component = ?", (COMPONENT,))
        conn.execute("CREATE TABLE ops_write_probe (x INTEGER)")
        conn.execute("ROLLBACK TO probe")
        conn.execute("RELEASE probe")


def to_seconds(moment: datetime | None) -> int | None:
    """JST-naive datetime -> epoch seconds (as if UTC; only differences and order matter)."""
    return None if moment is None else int((moment - _EPOCH).total_seconds())


def from_seconds(value: int | None) -> datetime | None:
    return None if value is None else _EPOCH + timedelta(seconds=value)
