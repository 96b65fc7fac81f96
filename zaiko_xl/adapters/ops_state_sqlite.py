"""Run log and notification state in the SQLite journal (tables ``ops_runs``, ``notify_*``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from zaiko_xl.adapters.ops_journal import from_seconds, opened, to_seconds
from zaiko_xl.domain.notify import Delivery
from zaiko_xl.domain.runs import Outcome, RunRecord


class SqliteRunLog:
    """The RunLog port."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def record_run(self, run: RunRecord) -> None:
        with opened(self.path) as conn:
            conn.execute("INSERT OR REPLACE INTO ops_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (run.run_id, run.command, to_seconds(run.started_at), to_seconds(run.finished_at),
                          run.outcome.value, run.error_code, run.message_ja, run.message_en))

    def last_runs(self) -> list[RunRecord]:
        with opened(self.path) as conn:
            rows = conn.execute(  # the latest run per command; runs within one second: the later recorded
                "SELECT * FROM ops_runs r WHERE rowid = (SELECT rowid FROM ops_runs s WHERE s.command = r.command "
                "ORDER BY started_at DESC, rowid DESC LIMIT 1) ORDER BY command").fetchall()
        return [RunRecord(r[0], r[1], from_seconds(r[2]), from_seconds(r[3]), Outcome(r[4]), r[5], r[6], r[7])
                for r in rows]

    def last_success(self, commands: tuple[str, ...]) -> datetime | None:
        marks = ",".join("?" * len(commands))
        with opened(self.path) as conn:
            row = conn.execute(f"SELECT MAX(finished_at) FROM ops_runs WHERE outcome = 'ok' AND command IN ({marks})",
                               commands).fetchone()
        return from_seconds(row[0])

    def first_attempt(self, commands: tuple[str, ...]) -> datetime | None:
        marks = ",".join("?" * len(commands))
        with opened(self.path) as conn:
            row = conn.execute(f"SELECT MIN(started_at) FROM ops_runs WHERE command IN ({marks})", commands).fetchone()
        return from_seconds(row[0])


class SqliteNotifyState:
    """The NotifyState port: one row per incident occurrence and channel, plus a send log."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def deliveries(self, channel: str) -> dict[str, Delivery]:
        """The open record of each incident, or its latest closed one."""
        with opened(self.path) as conn:
            rows = conn.execute("SELECT * FROM notify_deliveries WHERE channel = ? ORDER BY opened_at",
                                (channel,)).fetchall()
        latest = {}
        for r in rows:
            latest[r[0]] = Delivery(r[0], r[1], r[2], from_seconds(r[3]), from_seconds(r[4]), r[5],
                                    from_seconds(r[6]), r[7], r[8])
        return latest

    def save_delivery(self, delivery: Delivery) -> None:
        d = delivery
        with opened(self.path) as conn:
            conn.execute("INSERT OR REPLACE INTO notify_deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (d.key, d.channel, d.kind, to_seconds(d.opened_at), to_seconds(d.last_sent), d.sends,
                          to_seconds(d.resolved_at), d.title_ja, d.title_en))

    def log_send(self, channel: str, key: str, at: datetime, ok: bool, detail: str) -> None:
        with opened(self.path) as conn:
            conn.execute("INSERT INTO notify_sends (key, channel, at, ok, detail) VALUES (?, ?, ?, ?, ?)",
                         (key, channel, to_seconds(at), int(ok), detail))

    def sent_since(self, channel: str, since: datetime) -> int:
        with opened(self.path) as conn:
            row = conn.execute("SELECT COUNT(*) FROM notify_sends WHERE channel = ? AND at >= ? AND ok = 1",
                               (channel, to_seconds(since))).fetchone()
        return int(row[0])
