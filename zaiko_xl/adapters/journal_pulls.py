"""PullJournal on the SQLite journal: every pull's time, license and per-source counts and as-of times."""

from __future__ import annotations

from dataclasses import astuple, fields
from datetime import datetime
from pathlib import Path

from zaiko_xl.adapters.journal_schema import opened
from zaiko_xl.domain.pull_match import PullSource
from zaiko_xl.domain.pull_run import PullRun, SourceRun

_SOURCE_FIELDS = tuple(f.name for f in fields(SourceRun))
_ORDER = {s.value: i for i, s in enumerate(PullSource)}


class SqlitePullJournal:
    """The ``PullJournal`` port on the journal file; keeps the last ``keep`` pulls."""

    def __init__(self, path: Path, keep: int = 200) -> None:
        self.path, self.keep = path, keep

    def record_pull(self, run: PullRun) -> None:
        with opened(self.path) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                seq = conn.execute(
                    "INSERT INTO pull_run (run_id, at, workbook, license_level, license_expiry) VALUES (?, ?, ?, ?, ?)",
                    (run.run_id, run.at.isoformat(), run.workbook, run.license_level, _iso(run.license_expiry)),
                ).lastrowid
                conn.executemany(
                    f"INSERT INTO pull_source (seq, {', '.join(_SOURCE_FIELDS)}) VALUES (?{', ?' * len(_SOURCE_FIELDS)})",
                    [(seq, *astuple(s)[:-1], _iso(s.as_of)) for s in run.sources])
                conn.execute("DELETE FROM pull_run WHERE seq <= ?", (seq - self.keep,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def last_pull(self) -> PullRun | None:
        with opened(self.path) as conn:
            head = conn.execute("SELECT seq, run_id, at, workbook, license_level, license_expiry FROM pull_run "
                                "ORDER BY seq DESC LIMIT 1").fetchone()
            if head is None:
                return None
            rows = conn.execute(f"SELECT {', '.join(_SOURCE_FIELDS)} FROM pull_source WHERE seq = ?",
                                (head[0],)).fetchall()
        sources = sorted((SourceRun(*row[:-1], as_of=_time(row[-1])) for row in rows),
                         key=lambda s: _ORDER.get(s.source, len(_ORDER)))
        return PullRun(head[1], datetime.fromisoformat(head[2]), head[3], head[4], _time(head[5]), tuple(sources))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
