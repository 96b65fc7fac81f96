"""The journal's SQLite schema: the one place where its tables are created and migrated.

The journal is one SQLite file beside the workbook (``Settings.journal.path``), shared by
reconciliation (tables ``reconcile_*``), pulls (``pull_*``), the KPI history (``kpi_*``), the run log
(``ops_runs``), notification state (``notify_*``) and pushes (``push_*``). ``schema_version``
lists every applied migration. To change the schema, append a migration to ``MIGRATIONS``
(never edit an applied one); ``connect`` applies what is missing, in one transaction each.

Times in the ``kpi_*``, ``ops_*`` and ``notify_*`` tables are integers (JST-naive epoch seconds;
days as epoch days): fast to load in bulk and to compare.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from zaiko_xl.errors import JournalTooNew, JournalUnreadable

# (version, description, SQL script); append only.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "reconcile history", """
        CREATE TABLE reconcile_run (
            seq          INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id       TEXT NOT NULL UNIQUE,
            at           TEXT NOT NULL,          -- ISO time the run was made (JST)
            as_of        TEXT NOT NULL,          -- ISO time the numbers are as of (JST)
            sku_count    INTEGER NOT NULL,
            summary_json TEXT NOT NULL           -- counts per cause, units at risk
        );
        CREATE TABLE reconcile_difference (      -- rows of a run whose cause is not 一致
            seq          INTEGER NOT NULL REFERENCES reconcile_run(seq) ON DELETE CASCADE,
            sku          TEXT NOT NULL,
            cause        TEXT NOT NULL,          -- final cause label (遅延 分断 表記揺れ セット 未反映 不明)
            raw_cause    TEXT NOT NULL,          -- cause before the persistence rule
            kind         TEXT NOT NULL,          -- the rule that fired
            diff_rms     INTEGER,
            diff_ledger  INTEGER,
            suggested    INTEGER,
            lag_since    TEXT,                   -- for 遅延: RMS's last update or the warehouse file's time
            PRIMARY KEY (seq, sku)
        ) WITHOUT ROWID;
        CREATE TABLE reconcile_suggestion (      -- the latest suggestion per SKU (hand-edit detection)
            sku          TEXT PRIMARY KEY,
            suggested    INTEGER,
            seq          INTEGER NOT NULL
        ) WITHOUT ROWID;
    """),
    (2, "pull history", """
        CREATE TABLE pull_run (                  -- one row per pull into the workbook
            seq            INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id         TEXT NOT NULL UNIQUE,
            at             TEXT NOT NULL,        -- ISO time of the pull (JST): RMS was read then
            workbook       TEXT NOT NULL,        -- the workbook's file name
            license_level  TEXT NOT NULL,        -- ok | warning | unknown (expired/rejected keys stop a pull)
            license_expiry TEXT                  -- ISO time (JST), NULL when unknown
        );
        CREATE TABLE pull_source (               -- per source of a pull: rows, matches, as-of time
            seq            INTEGER NOT NULL REFERENCES pull_run(seq) ON DELETE CASCADE,
            source         TEXT NOT NULL,        -- rms_stock rms_orders warehouse ledger other_orders inbound bom
            name           TEXT NOT NULL,        -- file name, 'book [sheet]' or 'RMS'
            rows           INTEGER NOT NULL,
            exact          INTEGER NOT NULL,
            mapping        INTEGER NOT NULL,
            normalised     INTEGER NOT NULL,
            unmatched      INTEGER NOT NULL,
            problems       INTEGER NOT NULL,     -- rows of 照合結果 with a problem
            warnings       INTEGER NOT NULL,     -- input warnings (E22x)
            as_of          TEXT,                 -- ISO time the source's numbers are as of (JST)
            PRIMARY KEY (seq, source)
        ) WITHOUT ROWID;
    """),
    (3, "push runs", """
        CREATE TABLE push_run (
            run_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,                 -- push | sync | rollback
            source TEXT NOT NULL,               -- the workbook, 'sync', or the run rolled back
            state TEXT NOT NULL,                -- running | done | unsettled | failed | refused
            created_at TEXT NOT NULL,
            pulled_at TEXT,
            finished_at TEXT,
            rollback_of TEXT,                   -- the run this run undoes
            total_skus INTEGER NOT NULL DEFAULT 0,
            total_units_before INTEGER NOT NULL DEFAULT 0,
            summary TEXT NOT NULL DEFAULT '{}'  -- JSON
        );
        CREATE TABLE push_batch (
            run_id TEXT NOT NULL REFERENCES push_run(run_id),
            batch_no INTEGER NOT NULL,
            mode TEXT NOT NULL,                 -- RELATIVE | ABSOLUTE
            state TEXT NOT NULL,                -- planned | sending | applied | unknown | failed
            attempts INTEGER NOT NULL DEFAULT 0,
            sent_at TEXT,
            done_at TEXT,
            detail TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (run_id, batch_no)
        );
        CREATE TABLE push_item (
            run_id TEXT NOT NULL REFERENCES push_run(run_id),
            seq INTEGER NOT NULL,
            batch_no INTEGER NOT NULL,
            sku TEXT NOT NULL,
            manage_number TEXT NOT NULL,
            variant_id TEXT NOT NULL,
            before INTEGER,                     -- RMS value at the pull (NULL: no stock record)
            target INTEGER NOT NULL,
            delta INTEGER NOT NULL,             -- the delta sent (clamped at the pre-read into 0..99999)
            mode TEXT NOT NULL,
            why TEXT NOT NULL DEFAULT '',
            pre INTEGER,                        -- RMS value read right before the request
            pre_updated TEXT,                   -- RMS's "updated" of that read (settling compares it)
            post INTEGER,                       -- RMS value read back to settle an unknown outcome
            outcome TEXT,                       -- applied | not_applied | unknown | failed | skipped
            PRIMARY KEY (run_id, seq)
        );
        CREATE INDEX push_item_batch ON push_item (run_id, batch_no);
        CREATE INDEX push_run_state ON push_run (state, created_at);
        CREATE TABLE push_sync_state (          -- what a sync cycle leaves for the next one
            key TEXT PRIMARY KEY,               -- read_at | cycle
            value TEXT NOT NULL
        );
        CREATE TABLE push_sync_target (         -- the RMS target each SKU was last synced to
            sku TEXT PRIMARY KEY,
            target INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE push_sync_line (           -- RMS order lines open (or shipped, not yet in the warehouse file)
            order_number TEXT NOT NULL,
            sku TEXT NOT NULL,
            quantity INTEGER NOT NULL,
            status TEXT NOT NULL,
            ordered_at TEXT,
            changed_at TEXT,
            PRIMARY KEY (order_number, sku)
        ) WITHOUT ROWID;
    """),
    (4, "kpi history, runs and notifications", """
        -- IF NOT EXISTS: journals of development builds before the schema was unified have some of these
        -- tables (their row tables kpi_stock_history, kpi_order_lines, kpi_sync_events are left unused)
        CREATE TABLE IF NOT EXISTS kpi_skus (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS kpi_labels (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS kpi_order_numbers (id INTEGER PRIMARY KEY, order_number TEXT NOT NULL UNIQUE);
        -- day chunks (adapters/kpi_chunks.py): one row per JST epoch day, data = packed numpy columns
        CREATE TABLE kpi_stock_days (day INTEGER PRIMARY KEY, rows INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE TABLE kpi_order_days (day INTEGER PRIMARY KEY, rows INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE TABLE kpi_sync_days (day INTEGER PRIMARY KEY, rows INTEGER NOT NULL, data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS kpi_api_calls (
            id INTEGER PRIMARY KEY, at INTEGER NOT NULL, function TEXT NOT NULL, status INTEGER NOT NULL,
            error_code TEXT NOT NULL, attempt INTEGER NOT NULL, run_id TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS kpi_api_calls_at ON kpi_api_calls (at);
        CREATE TABLE IF NOT EXISTS kpi_reconcile (
            run_id TEXT NOT NULL, at INTEGER NOT NULL, cause TEXT NOT NULL, skus INTEGER NOT NULL,
            PRIMARY KEY (run_id, cause));
        CREATE TABLE IF NOT EXISTS kpi_returns (
            sku_id INTEGER NOT NULL, reference TEXT NOT NULL, received_at INTEGER NOT NULL, booked_at INTEGER,
            PRIMARY KEY (sku_id, reference, received_at));
        CREATE TABLE IF NOT EXISTS kpi_item_costs (sku_id INTEGER PRIMARY KEY, unit_cost INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS kpi_baseline (       -- the KPIs before go-live, frozen once
            kpi TEXT NOT NULL, days TEXT NOT NULL, value REAL, numerator REAL, denominator REAL,
            go_live TEXT NOT NULL, captured_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (kpi, days));
        CREATE TABLE IF NOT EXISTS ops_runs (
            run_id TEXT PRIMARY KEY, command TEXT NOT NULL, started_at INTEGER NOT NULL, finished_at INTEGER,
            outcome TEXT NOT NULL, error_code TEXT NOT NULL, message_ja TEXT NOT NULL, message_en TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ops_runs_command ON ops_runs (command, started_at);
        CREATE TABLE IF NOT EXISTS notify_deliveries (   -- one row per incident occurrence and channel
            key TEXT NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL, opened_at INTEGER NOT NULL,
            last_sent INTEGER, sends INTEGER NOT NULL, resolved_at INTEGER, title_ja TEXT NOT NULL,
            title_en TEXT NOT NULL, PRIMARY KEY (key, channel, opened_at));
        CREATE TABLE IF NOT EXISTS notify_sends (
            id INTEGER PRIMARY KEY, key TEXT NOT NULL, channel TEXT NOT NULL, at INTEGER NOT NULL,
            ok INTEGER NOT NULL, detail TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS notify_sends_at ON notify_sends (channel, at);
        DROP TABLE IF EXISTS schema_versions;            -- the ops tables' own version row, now replaced
    """),
    (5, "update latency: last source numbers and open changes", """
        -- domain/sync_latency.py: the number each SKU had at its source when last seen, and the
        -- changes RMS does not show yet (closed ones move to the kpi_sync_days chunks)
        CREATE TABLE kpi_source_value (
            sku TEXT NOT NULL, source TEXT NOT NULL, value INTEGER NOT NULL,
            changed_at INTEGER,                 -- JST-naive epoch seconds of the last change; NULL: unknown
            PRIMARY KEY (sku, source)
        ) WITHOUT ROWID;
        CREATE TABLE kpi_open_change (
            sku TEXT NOT NULL, source TEXT NOT NULL, changed_at INTEGER NOT NULL,
            PRIMARY KEY (sku, source, changed_at)
        ) WITHOUT ROWID;
    """),
)


def connect(path: Path) -> sqlite3.Connection:
    """Open (or create) the journal and bring its schema up to date (autocommit: BEGIN/COMMIT yourself)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)  # explicit BEGIN/COMMIT below
    except (sqlite3.Error, OSError) as exc:
        raise JournalUnreadable(journal=str(path), detail=str(exc)) from exc
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, path)
    except sqlite3.Error as exc:
        conn.close()
        raise JournalUnreadable(journal=str(path), detail=str(exc)) from exc
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    """One connection to the journal for a ``with`` block; sqlite errors become JournalUnreadable (E505)."""
    conn = connect(path)
    try:
        yield conn
    except sqlite3.Error as exc:
        raise JournalUnreadable(journal=str(path), detail=str(exc)) from exc
    finally:
        conn.close()


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                 "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)")
    current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
    known = MIGRATIONS[-1][0]
    if current > known:
        raise JournalTooNew(journal=str(path), found=current, known=known)
    for version, description, script in MIGRATIONS:
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                         (version, description, datetime.now().isoformat(timespec="seconds")))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit on its own)."""
    cleaned = "\n".join(line.split("--")[0] for line in script.splitlines())
    return [s.strip() for s in cleaned.split(";") if s.strip()]


def check_writable(path: Path) -> None:
    """Open the journal and write inside a transaction that is rolled back (nothing stays).

    Raises:
        JournalUnreadable (E505): the file cannot be opened, migrated or written.
        JournalTooNew (E504): a newer zaiko-xl made it.
    """
    conn = connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("UPDATE schema_version SET applied_at = applied_at")
            conn.execute("CREATE TABLE zaiko_write_probe (x INTEGER)")
        finally:
            conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise JournalUnreadable(journal=str(path), detail=str(exc)) from exc
    finally:
        conn.close()
