"""The push journal on SQLite (``push_*`` tables of the journal file; schema in journal_schema).

Every call is one transaction, committed with ``synchronous=FULL`` before it returns: when
the service has recorded ``sending`` and then dies, the journal says ``sending``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pandas as pd

from zaiko_xl.adapters.journal_schema import connect
from zaiko_xl.domain.push_run import BatchState, RunHeader, RunKind, RunRecord, RunState

_ITEM_COLUMNS = ("seq", "batch_no", "sku", "manage_number", "variant_id", "before", "target", "delta", "mode",
                 "why", "pre", "pre_updated", "post", "outcome")
_UPDATABLE = ("batch_no", "pre", "pre_updated", "post", "delta", "outcome")
_OPEN_STATES = (RunState.RUNNING.value, RunState.UNSETTLED.value)


class SqlitePushJournal:
    """The PushJournal port on the journal file (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def create(self, header: RunHeader, items: pd.DataFrame) -> None:
        """Journal a new run with its items (``seq``, ``batch_no`` and the plan columns)."""
        batches = items.groupby("batch_no", sort=True)["mode"].first()
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO push_run (run_id, kind, source, state, created_at, pulled_at, rollback_of, total_skus,"
                " total_units_before, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (header.run_id, header.kind.value, header.source, header.state.value, _iso(header.created_at),
                 _iso(header.pulled_at), header.rollback_of, header.total_skus, header.total_units_before,
                 json.dumps(header.summary, ensure_ascii=False)))
            if header.state is not RunState.REFUSED:  # a refused run keeps its plan for the record, no batches
                conn.executemany("INSERT INTO push_batch (run_id, batch_no, mode, state) VALUES (?, ?, ?, ?)",
                                 [(header.run_id, int(no), mode, BatchState.PLANNED.value)
                                  for no, mode in batches.items()])
            rows = items.reindex(columns=list(_ITEM_COLUMNS)).astype(object).where(items.notna(), None)
            conn.executemany(
                f"INSERT INTO push_item (run_id, {', '.join(_ITEM_COLUMNS)}) VALUES (?{', ?' * len(_ITEM_COLUMNS)})",
                [(header.run_id, *_plain(row)) for row in rows.itertuples(index=False, name=None)])

    def load(self, run_id: str | None = None) -> RunRecord | None:
        """A run with its items and batches; ``None`` = the latest interrupted run, else the latest
        unsettled one (or None)."""
        conn = self._connection()
        if run_id is None:
            row = conn.execute(f"SELECT * FROM push_run WHERE state IN ({', '.join('?' * len(_OPEN_STATES))}) "
                               "ORDER BY state = ? DESC, created_at DESC, rowid DESC LIMIT 1",
                               (*_OPEN_STATES, RunState.RUNNING.value)).fetchone()
        else:
            row = conn.execute("SELECT * FROM push_run WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        header = _header(row)
        items = pd.read_sql_query("SELECT * FROM push_item WHERE run_id = ? ORDER BY seq", conn,
                                  params=(header.run_id,), dtype={"before": "Int64", "pre": "Int64", "post": "Int64"})
        batches = pd.read_sql_query("SELECT * FROM push_batch WHERE run_id = ? ORDER BY batch_no", conn,
                                    params=(header.run_id,))
        undo = conn.execute("SELECT run_id FROM push_run WHERE rollback_of = ? AND state != ? ORDER BY created_at "
                            "LIMIT 1", (header.run_id, RunState.REFUSED.value)).fetchone()
        return RunRecord(header=header, items=items.drop(columns="run_id"), batches=batches.drop(columns="run_id"),
                         rolled_back_by=undo[0] if undo else None)

    def update_batch(self, run_id: str, batch_no: int, state: BatchState, *, at: datetime,
                     items: pd.DataFrame | None = None, mode: str | None = None, detail: str | None = None,
                     sent: bool = False) -> None:
        """Set a batch's state (creating the batch when ``mode`` is given) and update its items.

        Args:
            run_id: the run.
            batch_no: the batch.
            state: its new state.
            at: now (``sent_at`` when ``sent``, else ``done_at``).
            items: ``seq`` plus any of ``batch_no``, ``pre``, ``post``, ``outcome`` to store.
            mode: create the batch with this mode if it does not exist.
            detail: a note (error code, settlement reason).
            sent: the request is about to leave: count an attempt and stamp ``sent_at``.
        """
        with self._transaction() as conn:
            if mode is not None:
                conn.execute("INSERT OR IGNORE INTO push_batch (run_id, batch_no, mode, state) VALUES (?, ?, ?, ?)",
                             (run_id, batch_no, mode, state.value))
            if items is not None and not items.empty:
                _update_items(conn, run_id, items)
            stamp = "sent_at = ?, attempts = attempts + 1" if sent else "done_at = ?"
            conn.execute(f"UPDATE push_batch SET state = ?, {stamp}, detail = COALESCE(?, detail) "
                         "WHERE run_id = ? AND batch_no = ?", (state.value, _iso(at), detail, run_id, batch_no))

    def finish(self, run_id: str, state: RunState, *, at: datetime, summary: dict) -> None:
        """Close a run (or mark it unsettled / refused) with its summary."""
        with self._transaction() as conn:
            conn.execute("UPDATE push_run SET state = ?, finished_at = ?, summary = ? WHERE run_id = ?",
                         (state.value, _iso(at), json.dumps(summary, ensure_ascii=False, default=str), run_id))

    # ------------------------------------------------------------------ plumbing
    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = connect(self.path)
            self._conn.execute("PRAGMA journal_mode=WAL")  # readers (Excel, reconcile) do not block a push
            self._conn.execute("PRAGMA synchronous=FULL")  # a committed batch state survives a crash
            self._conn.row_factory = sqlite3.Row
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _update_items(conn: sqlite3.Connection, run_id: str, items: pd.DataFrame) -> None:
    columns = [c for c in _UPDATABLE if c in items.columns]
    rows = items[["seq", *columns]].astype(object).where(items[["seq", *columns]].notna(), None)
    conn.executemany(f"UPDATE push_item SET {', '.join(f'{c} = ?' for c in columns)} WHERE run_id = ? AND seq = ?",
                     [(*_plain(row[1:]), run_id, int(row[0])) for row in rows.itertuples(index=False, name=None)])


def _plain(values: tuple) -> tuple:
    """numpy scalars -> Python ones (sqlite3 stores numpy ints as blobs otherwise)."""
    return tuple(v.item() if hasattr(v, "item") else v for v in values)


def _header(row: sqlite3.Row) -> RunHeader:
    return RunHeader(
        run_id=row["run_id"], kind=RunKind(row["kind"]), source=row["source"], state=RunState(row["state"]),
        created_at=datetime.fromisoformat(row["created_at"]), pulled_at=_time(row["pulled_at"]),
        rollback_of=row["rollback_of"], total_skus=row["total_skus"], total_units_before=row["total_units_before"],
        finished_at=_time(row["finished_at"]), summary=json.loads(row["summary"] or "{}"))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
