"""ReconcileHistory on the SQLite journal: each pull's differences and the last suggestions.

A run's pull time goes into its ``summary_json`` (no schema change); ``previous`` gives back one
run per pull (``domain.reconcile_run.one_run_per_pull``).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pandas as pd

from zaiko_xl.adapters.journal_schema import connect
from zaiko_xl.domain.reconcile_run import DIFFERENCE_COLUMNS, PullHistory, ReconcileRun, one_run_per_pull
from zaiko_xl.errors import JournalUnreadable


class SqliteReconcileHistory:
    """The ``ReconcileHistory`` port on the journal file; keeps the last ``keep_pulls`` pulls."""

    def __init__(self, path: Path, keep_pulls: int = 20) -> None:
        self.path, self.keep_pulls = path, keep_pulls

    def previous(self, pulls: int, current: datetime | None = None) -> PullHistory:
        """Differences of the last ``pulls`` pulls but ``current`` (the latest run of each, ``one_run_per_pull``)."""
        with self._open() as conn:
            runs = [(seq, _pulled_at(summary)) for seq, summary in
                    conn.execute("SELECT seq, summary_json FROM reconcile_run").fetchall()]
            index = {seq: i for i, seq in enumerate(one_run_per_pull(runs, pulls, current))}
            rows = conn.execute(
                f"SELECT seq, {', '.join(DIFFERENCE_COLUMNS)} FROM reconcile_difference "
                f"WHERE seq >= ?", (min(index) if index else 0,)).fetchall() if index else []
            last = conn.execute("SELECT sku, suggested FROM reconcile_suggestion").fetchall()
        diffs = pd.DataFrame(rows, columns=["seq", *DIFFERENCE_COLUMNS])
        diffs.insert(0, "run_index", diffs.pop("seq").map(index))
        diffs["lag_since"] = pd.to_datetime(diffs["lag_since"])
        suggested = pd.DataFrame(last, columns=["sku", "suggested"]).astype({"suggested": "Int64"})
        return PullHistory(differences=diffs.dropna(subset=["run_index"]), last_suggested=suggested)

    def record(self, run: ReconcileRun) -> None:
        summary = run.summary
        payload = json.dumps({"counts": summary.counts, "oversell_units": summary.oversell_units,
                              "lost_sale_units": summary.lost_sale_units, "edited": summary.edited,
                              "units": summary.units,
                              "pulled_at": run.pulled_at.isoformat() if run.pulled_at else None},
                             ensure_ascii=False)
        with self._open() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                seq = conn.execute(
                    "INSERT INTO reconcile_run (run_id, at, as_of, sku_count, summary_json) VALUES (?, ?, ?, ?, ?)",
                    (run.run_id, run.at.isoformat(), summary.as_of.isoformat(), summary.skus, payload)).lastrowid
                conn.executemany(f"INSERT INTO reconcile_difference (seq, {', '.join(DIFFERENCE_COLUMNS)}) "
                                 f"VALUES (?{', ?' * len(DIFFERENCE_COLUMNS)})", _rows(seq, run.differences))
                conn.execute("DELETE FROM reconcile_suggestion")
                conn.executemany("INSERT OR REPLACE INTO reconcile_suggestion VALUES (?, ?, ?)",
                                 ((s, v, seq) for s, v in _rows(None, run.suggestions)))
                conn.execute("DELETE FROM reconcile_run WHERE seq <= ?", (seq - self.keep_pulls,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _open(self) -> _Connection:
        return _Connection(self.path)


class _Connection:
    """``with`` block around one journal connection; sqlite errors become JournalUnreadable."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> sqlite3.Connection:
        self.conn = connect(self.path)
        return self.conn

    def __exit__(self, kind, exc, tb) -> bool:
        self.conn.close()
        if isinstance(exc, sqlite3.Error):
            raise JournalUnreadable(journal=str(self.path), detail=str(exc)) from exc
        return False


def _rows(seq: int | None, frame: pd.DataFrame):
    """Plain Python tuples (None for NA, ISO text for times), ``seq`` first when given."""
    cols = []
    for name in frame.columns:
        col = frame[name]
        if col.dtype.kind == "M":
            cols.append([None if pd.isna(v) else pd.Timestamp(v).isoformat() for v in col])
        else:
            cols.append([None if v is pd.NA or (isinstance(v, float) and v != v) else
                         (int(v) if hasattr(v, "__index__") and not isinstance(v, bool) else v)
                         for v in col.astype(object)])
    rows = zip(*cols, strict=True)
    return ((seq, *r) for r in rows) if seq is not None else rows


def _pulled_at(summary_json: str) -> datetime | None:
    """The pull time a run recorded in its summary (runs of earlier versions have none)."""
    value = json.loads(summary_json).get("pulled_at")
    return datetime.fromisoformat(value) if value else None
