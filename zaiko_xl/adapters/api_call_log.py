"""Every HTTP attempt of the RMS client, kept in the journal as the ``api_calls`` KPI input.

Attempts are collected in memory while a command runs and written in one transaction when the
client closes (``HttpRmsClient.close``), and along the way once a minute or every 1,000 attempts
(a `sync --interval` loop keeps its client open for days). A journal that cannot be written must never fail the
command that talked to RMS: the problem is logged and the attempts are dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import pandas as pd

from zaiko_xl.errors import ZaikoError
from zaiko_xl.ports import KpiRecorder

log = logging.getLogger("zaiko_xl")


class JournalCallLog:
    """The RMS client's CallLog on a KpiRecorder; ``now`` gives JST-naive times, ``run_id`` tags the rows."""

    def __init__(self, recorder: KpiRecorder, now: Callable[[], datetime], run_id: str = "", *,
                 flush_after: timedelta = timedelta(minutes=1), flush_rows: int = 1000) -> None:
        self.recorder, self.now, self.run_id = recorder, now, run_id
        self.flush_after, self.flush_rows = flush_after, flush_rows
        self.rows: list[tuple[datetime, str, int, str, int]] = []

    def add(self, function: str, status: int, error_code: str, attempt: int) -> None:
        at = self.now()
        self.rows.append((at, function, status, error_code, attempt))
        if len(self.rows) >= self.flush_rows or at - self.rows[0][0] >= self.flush_after:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        frame = pd.DataFrame(self.rows, columns=["at", "function", "status", "error_code", "attempt"])
        try:
            self.recorder.record("api_calls", frame.assign(run_id=self.run_id))
        except ZaikoError as exc:
            log.warning("could not keep %d RMS call(s) in the journal: %s", len(self.rows), exc.render("en"))
        self.rows = []
