"""Ports: the small interfaces services use to reach the outside world.

Each port has one to three methods. Real adapters live in ``zaiko_xl.adapters``; working
in-memory fakes in ``tests/fakes.py``. Add a port here when a service needs a new kind of
outside thing; keep the domain types in the signatures.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from zaiko_xl.domain.kpi import KpiInputs
    from zaiko_xl.domain.kpi_result import KpiResult
    from zaiko_xl.domain.notify import Delivery, Notice
    from zaiko_xl.domain.runs import RunRecord


class Progress(Protocol):
    """Reports progress of a long operation (rich in the CLI, the status bar in Excel)."""

    def update(self, label: str, done: int, total: int | None = None) -> None: ...


class NullProgress:
    """Progress that shows nothing (tests, UDFs)."""

    def update(self, label: str, done: int, total: int | None = None) -> None:
        return None


# ---------------------------------------------------------------- KPIs, runs, notifications, doctor (issue 9)
class KpiSource(Protocol):
    """The KPI input frames (docs/data-contracts.md section 5) recorded for a period."""

    def kpi_inputs(self, start: date, end: date, lead_days: int) -> KpiInputs:
        """Frames for ``start``..``end``; orders from ``lead_days`` earlier (the demand window)."""
        ...


class KpiRecorder(Protocol):
    """Keeps the KPI history (pull, push and reconcile call it; see data-contracts section 5)."""

    def record(self, frame_name: str, frame: pd.DataFrame) -> int:
        """Store rows of one KPI input frame; returns how many rows were new or changed."""
        ...


class BaselineStore(Protocol):
    """The baseline (導入前の基準値) frozen at the first report after go-live."""

    def load_baseline(self) -> tuple[date, pd.DataFrame] | None:
        """The go-live date it was frozen for and its rows (kpi, days, value, numerator, denominator)."""
        ...

    def save_baseline(self, go_live: date, rows: pd.DataFrame) -> None: ...


class RunLog(Protocol):
    """Outcomes of batch runs (pull, push, sync ...): doctor and notifications read them."""

    def record_run(self, run: RunRecord) -> None: ...

    def last_runs(self) -> list[RunRecord]:
        """The latest run of each command."""
        ...

    def last_success(self, commands: tuple[str, ...]) -> datetime | None: ...

    def first_attempt(self, commands: tuple[str, ...]) -> datetime | None: ...


class Notifier(Protocol):
    """One notification channel (a webhook, e-mail). ``send`` raises NotifyFailed."""

    channel: str

    def send(self, notice: Notice) -> None: ...


class NotifyState(Protocol):
    """What each channel was told about each incident (for de-duplication and throttling)."""

    def deliveries(self, channel: str) -> dict[str, Delivery]: ...

    def save_delivery(self, delivery: Delivery) -> None: ...

    def log_send(self, channel: str, key: str, at: datetime, ok: bool, detail: str) -> None: ...

    def sent_since(self, channel: str, since: datetime) -> int: ...


class LicenseSource(Protocol):
    """Hook for the RMS client's license port (license.expiryDate.get)."""

    def license_expiry(self) -> date: ...


class ApiProbe(Protocol):
    """Hook for the RMS client: call one API function cheaply; raise ApiError when it fails."""

    def probe(self, function: str) -> None: ...


class HealthProbe(Protocol):
    """Local checks of `zaiko-xl doctor`: raise a ZaikoError (with its fix hint) when not fine."""

    def check_workbook_unlocked(self) -> bool:
        """False when the workbook does not exist; raises WorkbookLocked when it is open in Excel."""
        ...

    def check_journal_writable(self) -> None: ...


class KpiReportFiles(Protocol):
    """Renders a KPI result: the HTML page and the standalone KPI workbook."""

    def html(self, result: KpiResult, path: Path) -> Path: ...

    def html_text(self, result: KpiResult) -> str: ...

    def workbook(self, result: KpiResult, path: Path) -> Path: ...


class ReportMailer(Protocol):
    """Sends one e-mail (text, with an optional HTML alternative) to the configured recipients."""

    def send_mail(self, subject: str, text: str, html: str | None = None) -> None: ...
