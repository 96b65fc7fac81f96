"""Notification use cases: tell every channel about each incident once, remind, resolve, throttle.

Callers: `zaiko-xl doctor --notify` (license, stalled sync, failed runs), `zaiko-xl kpi --notify`
(KPI thresholds) and the end of every batch run (``notify_run``). State lives behind the
NotifyState port (the SQLite journal); secrets are scrubbed from every text before it leaves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from zaiko_xl.domain import notify as n
from zaiko_xl.domain.kpi import DEFINITIONS
from zaiko_xl.domain.kpi_result import KpiResult
from zaiko_xl.domain.runs import PUSH_COMMANDS, RunRecord
from zaiko_xl.errors import ApiError, NotifyFailed, NotifyNotConfigured
from zaiko_xl.ports import LicenseSource, Notifier, NotifyState, RunLog


@dataclass
class NotifyOutcome:
    sent: list[tuple[str, str, str]] = field(default_factory=list)  # channel, incident key, status
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # channel, incident key, message
    held: int = 0  # held back by the throttle until the next run


def notify(active: list[n.Incident], scope: tuple[str, ...], *, notifiers: Sequence[Notifier], state: NotifyState,
           now: datetime, policy: n.NotifyPolicy, secrets: Sequence[str] = ()) -> NotifyOutcome:
    """Send what each channel has not been told yet (or must be reminded of, or is now over)."""
    clean = [n.scrub_incident(i, list(secrets)) for i in active]
    outcome = NotifyOutcome()
    for notifier in notifiers:
        channel = notifier.channel
        sent_last_hour = state.sent_since(channel, now - timedelta(hours=1))
        chosen = n.plan(clean, scope, state.deliveries(channel), channel, now, policy, sent_last_hour)
        outcome.held += chosen.held
        for record in chosen.close:
            state.save_delivery(record)
        for notice, record in chosen.send:
            try:
                notifier.send(notice)
            except NotifyFailed as exc:
                message = n.scrub(exc.render(), list(secrets))
                state.log_send(channel, record.key, now, False, message)
                outcome.failed.append((channel, record.key, message))
            else:
                state.save_delivery(record)
                state.log_send(channel, record.key, now, True, notice.status)
                outcome.sent.append((channel, record.key, notice.status))
    return outcome


def health_incidents(*, runs: RunLog, license_source: LicenseSource | None, today: date, now: datetime,
                     warn_days: int, stall: timedelta, pilot: bool) -> tuple[list[n.Incident], tuple[str, ...]]:
    """Incidents of the periodic health check and the scope they cover.

    Without a license source the license incident is neither raised nor resolved. In pilot mode
    nothing is pushed by design, so a stalled sync is not an incident.
    """
    active = n.run_incidents(runs.last_runs())
    scope: tuple[str, ...] = (n.RUN_FAILED + ":", n.GUARD + ":", n.STALLED)
    if not pilot:
        stalled = n.stall_incident(runs.last_success(PUSH_COMMANDS), runs.first_attempt(PUSH_COMMANDS), now, stall)
        active += [stalled] if stalled else []
    if license_source is not None:
        scope += (n.LICENSE,)
        try:
            found = n.license_incident(license_source.license_expiry(), today, warn_days)
        except ApiError as exc:
            found = n.Incident(n.LICENSE, n.LICENSE, n.Severity.WARNING, "ライセンスキーの期限を確認できません",
                               "Cannot check the license key's expiry", exc.message("ja"), exc.message("en"))
        active += [found] if found else []
    return active, scope


def notify_run(run: RunRecord, *, notifiers: Sequence[Notifier], state: NotifyState, now: datetime,
               policy: n.NotifyPolicy, secrets: Sequence[str] = ()) -> NotifyOutcome:
    """At the end of a batch run: a failure is told at once; a success settles earlier failures."""
    return notify(n.run_incidents([run]), n.run_scope(run.command), notifiers=notifiers, state=state, now=now,
                  policy=policy, secrets=secrets)


@dataclass(frozen=True)
class KpiAlerts:
    """Where and how KPI threshold incidents go."""

    thresholds: dict[str, float]
    notifiers: Sequence[Notifier]
    state: NotifyState
    now: datetime
    policy: n.NotifyPolicy
    secrets: Sequence[str] = ()


def notify_kpis(result: KpiResult, alerts: KpiAlerts) -> NotifyOutcome:
    """KPIs of the latest trend period worse than their thresholds are incidents; better ones resolve."""
    if not alerts.notifiers:
        raise NotifyNotConfigured()
    definitions = {d.key: (d.name_ja, d.name_en, d.unit, d.lower_is_better) for d in DEFINITIONS}
    incidents = n.kpi_incidents(result.latest(), alerts.thresholds, definitions)
    return notify(incidents, n.KPI_SCOPE, notifiers=alerts.notifiers, state=alerts.state, now=alerts.now,
                  policy=alerts.policy, secrets=alerts.secrets)


@dataclass(frozen=True)
class HealthAlerts:
    """Where the periodic health check looks and where its incidents go."""

    runs: RunLog
    license_source: LicenseSource | None
    notifiers: Sequence[Notifier]
    state: NotifyState
    now: datetime
    policy: n.NotifyPolicy
    warn_days: int
    stall: timedelta
    pilot: bool
    secrets: Sequence[str] = ()


def notify_health(alerts: HealthAlerts) -> NotifyOutcome:
    """License expiry, stalled sync and failed runs: tell each channel once per incident."""
    if not alerts.notifiers:
        raise NotifyNotConfigured()
    active, scope = health_incidents(runs=alerts.runs, license_source=alerts.license_source, today=alerts.now.date(),
                                     now=alerts.now, warn_days=alerts.warn_days, stall=alerts.stall, pilot=alerts.pilot)
    return notify(active, scope, notifiers=alerts.notifiers, state=alerts.state, now=alerts.now, policy=alerts.policy,
                  secrets=alerts.secrets)
