"""The sync's memory between cycles on the journal file (``push_sync_*`` tables)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pandas as pd

from zaiko_xl.adapters.journal_schema import connect
from zaiko_xl.domain.sync_plan import LINE_COLUMNS, SyncMemory


class SqliteSyncState:
    """The SyncState port: one transaction per save, so a killed cycle leaves the last one's memory."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> SyncMemory | None:
        conn = connect(self.path)
        try:
            state = dict(conn.execute("SELECT key, value FROM push_sync_state").fetchall())
            if "read_at" not in state:
                return None
            targets = pd.read_sql_query("SELECT sku, target FROM push_sync_target", conn)
            lines = pd.read_sql_query(f"SELECT {', '.join(LINE_COLUMNS)} FROM push_sync_line", conn)
        finally:
            conn.close()
        for column in ("ordered_at", "changed_at"):
            lines[column] = pd.to_datetime(lines[column])
        return SyncMemory(read_at=datetime.fromisoformat(state["read_at"]), cycle=int(state.get("cycle", 0)),
                          targets=pd.Series(targets["target"].to_numpy(dtype="int64"), index=targets["sku"].to_numpy()),
                          lines=lines)

    def save(self, memory: SyncMemory) -> None:
        conn = connect(self.path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                _replace(conn, memory)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()


def _replace(conn: sqlite3.Connection, memory: SyncMemory) -> None:
    conn.execute("DELETE FROM push_sync_state")
    conn.executemany("INSERT INTO push_sync_state VALUES (?, ?)",
                     [("read_at", memory.read_at.isoformat()), ("cycle", str(memory.cycle))])
    conn.execute("DELETE FROM push_sync_target")
    conn.executemany("INSERT INTO push_sync_target VALUES (?, ?)",
                     zip(memory.targets.index.astype(str), memory.targets.astype(int).tolist(), strict=True))
    conn.execute("DELETE FROM push_sync_line")
    lines = memory.lines.loc[:, list(LINE_COLUMNS)]
    rows = [(str(n), str(s), int(q), str(st), _iso(o), _iso(c)) for n, s, q, st, o, c in lines.itertuples(
        index=False, name=None)]
    conn.executemany(f"INSERT OR REPLACE INTO push_sync_line VALUES ({', '.join('?' * len(LINE_COLUMNS))})", rows)


def _iso(value: object) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat()
