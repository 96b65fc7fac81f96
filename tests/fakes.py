"""Working in-memory fakes, one per port (tests assert on their end state, never on call order)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from zaiko_xl.domain.notify import Delivery, Notice
from zaiko_xl.domain.runs import Outcome, RunRecord
from zaiko_xl.errors import ZaikoError


# ---------------------------------------------------------------- operations (issue 9)
@dataclass
class FakeLicenseSource:
    expiry: date | None = None
    error: ZaikoError | None = None

    def license_expiry(self) -> date:
        if self.error is not None:
            raise self.error
        assert self.expiry is not None
        return self.expiry


@dataclass
class FakeApiProbe:
    failing: dict[str, ZaikoError] = field(default_factory=dict)
    probed: list[str] = field(default_factory=list)

    def probe(self, function: str) -> None:
        self.probed.append(function)
        if function in self.failing:
            raise self.failing[function]


@dataclass
class FakeHealthProbe:
    workbook_exists: bool = True
    workbook_error: ZaikoError | None = None
    journal_error: ZaikoError | None = None

    def check_workbook_unlocked(self) -> bool:
        if self.workbook_error is not None:
            raise self.workbook_error
        return self.workbook_exists

    def check_journal_writable(self) -> None:
        if self.journal_error is not None:
            raise self.journal_error


@dataclass
class FakeRunLog:
    runs: list[RunRecord] = field(default_factory=list)

    def record_run(self, run: RunRecord) -> None:
        self.runs = [r for r in self.runs if r.run_id != run.run_id] + [run]

    def last_runs(self) -> list[RunRecord]:
        latest: dict[str, RunRecord] = {}
        for run in sorted(self.runs, key=lambda r: r.started_at):
            latest[run.command] = run
        return sorted(latest.values(), key=lambda r: r.command)

    def last_success(self, commands: tuple[str, ...]) -> datetime | None:
        done = [r.finished_at for r in self.runs if r.command in commands and r.outcome is Outcome.OK and r.finished_at]
        return max(done, default=None)

    def first_attempt(self, commands: tuple[str, ...]) -> datetime | None:
        return min((r.started_at for r in self.runs if r.command in commands), default=None)


@dataclass
class FakeNotifyState:
    records: dict[tuple[str, str], Delivery] = field(default_factory=dict)
    sends: list[tuple[str, str, datetime, bool, str]] = field(default_factory=list)

    def deliveries(self, channel: str) -> dict[str, Delivery]:
        return {key: d for (key, ch), d in self.records.items() if ch == channel}

    def save_delivery(self, delivery: Delivery) -> None:
        self.records[(delivery.key, delivery.channel)] = delivery

    def log_send(self, channel: str, key: str, at: datetime, ok: bool, detail: str) -> None:
        self.sends.append((channel, key, at, ok, detail))

    def sent_since(self, channel: str, since: datetime) -> int:
        return sum(1 for ch, _, at, ok, _ in self.sends if ch == channel and ok and at >= since)


@dataclass
class FakeNotifier:
    channel: str = "fake"
    notices: list[Notice] = field(default_factory=list)
    error: ZaikoError | None = None

    def send(self, notice: Notice) -> None:
        if self.error is not None:
            raise self.error
        self.notices.append(notice)
