"""The one place that creates and migrates the journal's SQLite schema.

Every feature that keeps tables in the journal (``reconcile_*``, ``push_*``, ...) adds its
ordered list of migrations to ``MIGRATIONS`` under its own part name; the version table
``journal_schema`` records how far each part has been migrated, so parts evolve
independently and merging two parts is adding one entry. Migrations only ever append.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from zaiko_xl.errors import StateError

_PUSH_V1 = """
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
    delta INTEGER NOT NULL,
    mode TEXT NOT NULL,
    why TEXT NOT NULL DEFAULT '',
    pre INTEGER,                        -- RMS value read right before the request
    post INTEGER,                       -- RMS value read back to settle an unknown outcome
    outcome TEXT,                       -- applied | not_applied | unknown | failed | skipped
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX push_item_batch ON push_item (run_id, batch_no);
CREATE INDEX push_run_state ON push_run (state, created_at);
"""

# part -> ordered migrations (version n = the first n scripts applied)
MIGRATIONS: dict[str, list[str]] = {
    "push": [_PUSH_V1],
}


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the journal and bring every part's schema up to date.

    Durable settings: WAL, ``synchronous=FULL`` (a committed batch state survives a crash),
    a busy timeout for a second reader (the Excel button while a sync runs).

    Raises:
        StateError: the file is not a journal SQLite can open.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise StateError(detail=f"journal {path}: {exc}") from exc
    return conn


def migrate(conn: sqlite3.Connection) -> dict[str, int]:
    """Apply the missing migrations of every part; returns part -> version.

    Each part migrates inside one ``BEGIN IMMEDIATE`` transaction that re-reads its version,
    so two processes opening a new journal at once do not both create the tables.
    """
    conn.execute("CREATE TABLE IF NOT EXISTS journal_schema ("
                 "part TEXT PRIMARY KEY, version INTEGER NOT NULL, migrated_at TEXT NOT NULL)")
    versions: dict[str, int] = {}
    for part, scripts in MIGRATIONS.items():
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT version FROM journal_schema WHERE part = ?", (part,)).fetchone()
            have = row[0] if row else 0
            for statement in (s for script in scripts[have:] for s in _statements(script)):
                conn.execute(statement)
            if len(scripts) > have:
                conn.execute("INSERT INTO journal_schema (part, version, migrated_at) VALUES (?, ?, ?) "
                             "ON CONFLICT(part) DO UPDATE SET version = excluded.version, "
                             "migrated_at = excluded.migrated_at", (part, len(scripts), datetime.now().isoformat()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        versions[part] = max(have, len(scripts))
    return versions


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (no semicolons inside our DDL strings)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
