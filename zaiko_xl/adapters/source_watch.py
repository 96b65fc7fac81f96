"""The SourceWatch port on the journal: last source numbers, open changes, and their KPI events.

Each call is one transaction: the watch tables (``kpi_source_value``, ``kpi_open_change``) and
the KPI ``sync_events`` chunks change together, so a killed run never records a change twice
or loses one.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from zaiko_xl.adapters import kpi_history_write as hw
from zaiko_xl.adapters.kpi_chunks import Codes
from zaiko_xl.adapters.ops_journal import opened
from zaiko_xl.domain import sync_latency as latency

_NAT = np.iinfo(np.int64).min


class SqliteSourceWatch:
    """SourceWatch over one journal file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def observe(self, seen: pd.DataFrame, at: datetime) -> pd.DataFrame:
        """Remember the numbers ``seen`` (``VALUE_COLUMNS``); returns the changes opened."""
        if seen.empty:
            return _events()
        with opened(self.path) as conn:
            last = _last_values(conn, seen["source"].unique().tolist())
            found = latency.observe(last, seen, at)
            conn.executemany("INSERT OR REPLACE INTO kpi_source_value VALUES (?, ?, ?, ?)", zip(
                found.values["sku"], found.values["source"], found.values["value"].tolist(),
                _seconds(found.values["changed_at"]), strict=True))
            conn.executemany("INSERT OR IGNORE INTO kpi_open_change VALUES (?, ?, ?)", zip(
                found.opened["sku"], found.opened["source"], _seconds(found.opened["changed_at"]), strict=True))
            _record(conn, found.opened)
        return found.opened

    def shown(self, shown: pd.DataFrame) -> pd.DataFrame:
        """Close the open changes of the SKUs RMS shows (``sku``, ``shown_at``); returns them."""
        if shown.empty:
            return _events()
        with opened(self.path) as conn:
            waiting = _open_changes(conn)
            closed = latency.close(waiting, shown)
            conn.executemany("DELETE FROM kpi_open_change WHERE sku = ? AND source = ? AND changed_at = ?", zip(
                closed["sku"], closed["source"], _seconds(closed["changed_at"]), strict=True))
            _record(conn, closed)
        return closed

    def open_changes(self) -> pd.DataFrame:
        """The changes RMS does not show yet (``EVENT_COLUMNS``, ``shown_at`` NaT)."""
        with opened(self.path) as conn:
            return _open_changes(conn)


def _record(conn: sqlite3.Connection, events: pd.DataFrame) -> None:
    if not events.empty:
        hw.record_sync(conn, Codes(conn, "kpi_skus", "sku"), Codes(conn, "kpi_labels", "label"), events)


def _last_values(conn: sqlite3.Connection, sources: list[str]) -> pd.DataFrame:
    marks = ",".join("?" * len(sources))
    rows = conn.execute(f"SELECT sku, source, value, changed_at FROM kpi_source_value WHERE source IN ({marks})",
                        sources).fetchall()
    frame = pd.DataFrame.from_records(rows, columns=list(latency.VALUE_COLUMNS))
    return frame.assign(value=frame["value"].astype("int64"), changed_at=_times(frame["changed_at"]))


def _open_changes(conn: sqlite3.Connection) -> pd.DataFrame:
    rows = conn.execute("SELECT sku, source, changed_at FROM kpi_open_change").fetchall()
    frame = pd.DataFrame.from_records(rows, columns=["sku", "source", "changed_at"])
    return frame.assign(changed_at=_times(frame["changed_at"]), shown_at=pd.Series(pd.NaT, index=frame.index,
                                                                                   dtype="datetime64[ns]"))


def _events() -> pd.DataFrame:
    return pd.DataFrame({"sku": pd.Series(dtype=object), "source": pd.Series(dtype=object),
                         "changed_at": pd.Series(dtype="datetime64[ns]"), "shown_at": pd.Series(dtype="datetime64[ns]")})


def _seconds(times: pd.Series) -> list[int | None]:
    return [None if s == _NAT else int(s) for s in hw.epoch_seconds(times).tolist()]


def _times(seconds: pd.Series) -> pd.Series:
    values = pd.array(seconds, dtype="Int64").to_numpy(dtype=np.int64, na_value=_NAT)
    return pd.Series(values.view("datetime64[s]").astype("datetime64[ns]"), index=seconds.index)
