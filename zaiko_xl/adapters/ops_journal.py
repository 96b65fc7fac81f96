"""Connections for the operations tables of the journal (``kpi_*``, ``ops_runs``, ``notify_*``).

The schema lives in ``journal_schema`` (migration 2); this module opens the journal with it in
place and converts times. Times are stored as integers: JST-naive epoch seconds, days as
JST-naive epoch days (fast to load in bulk).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from zaiko_xl.adapters.journal_schema import check_writable, connect
from zaiko_xl.errors import JournalUnreadable

__all__ = ["check_writable", "from_seconds", "opened", "to_seconds"]
_EPOCH = datetime(1970, 1, 1)


@contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    """One transaction on the journal (schema up to date): committed on success, rolled back on error.

    Raises:
        JournalUnreadable (E505), JournalTooNew (E504).
    """
    conn = connect(path)
    try:
        conn.execute("BEGIN")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        raise JournalUnreadable(journal=str(path), detail=str(exc)) from exc
    finally:
        conn.close()


def to_seconds(moment: datetime | None) -> int | None:
    """JST-naive datetime -> epoch seconds (as if UTC; only differences and order matter)."""
    return None if moment is None else int((moment - _EPOCH).total_seconds())


def from_seconds(value: int | None) -> datetime | None:
    return None if value is None else _EPOCH + timedelta(seconds=value)
