"""Incidents worth telling someone about, and when to tell them. Pure.

An *incident* has a stable ``key`` (one per problem: ``license_expiry``, ``run_failed:sync``,
``kpi:stockout_rate`` ...). Each channel is told about an incident once when it opens, again
after ``renotify`` while it stays open, and once more when it is over (resolved), if wished.
A channel never sends more than ``max_per_hour`` notices per hour; the rest wait for the
next run (nothing is dropped). The *scope* of a check (key prefixes) decides whether an
incident's absence means "resolved": a doctor run covers license, stall and run outcomes, a
KPI run the thresholds, the end of a sync run that command's own outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal

from zaiko_xl.domain.runs import Outcome, RunRecord

LICENSE, STALLED, RUN_FAILED, GUARD, KPI = "license_expiry", "sync_stalled", "run_failed", "guard_tripped", "kpi"
HEALTH_SCOPE = (LICENSE, STALLED, RUN_FAILED + ":", GUARD + ":")  # what `zaiko-xl doctor` checks
KPI_SCOPE = (KPI + ":",)


def run_scope(command: str) -> tuple[str, ...]:
    """The incidents the end of one run of ``command`` settles."""
    return (f"{RUN_FAILED}:{command}", f"{GUARD}:{command}")
MASK = "********"


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Incident:
    key: str
    kind: str
    severity: Severity
    title_ja: str
    title_en: str
    detail_ja: str = ""
    detail_en: str = ""
    hint_ja: str = ""
    hint_en: str = ""


@dataclass(frozen=True)
class Notice:
    incident: Incident
    status: Literal["open", "reminder", "resolved"]
    at: datetime


@dataclass(frozen=True)
class Delivery:
    """What one channel was told about one incident (persisted per key and channel)."""

    key: str
    channel: str
    kind: str
    opened_at: datetime
    last_sent: datetime | None = None
    sends: int = 0
    resolved_at: datetime | None = None  # set when the incident is over; a new occurrence opens a new record
    title_ja: str = ""  # the incident's title when it was last sent (for the resolved notice)
    title_en: str = ""


@dataclass(frozen=True)
class NotifyPolicy:
    renotify: timedelta = timedelta(hours=24)
    max_per_hour: int = 10
    send_resolved: bool = True


# ---------------------------------------------------------------- detectors
def license_incident(expiry: date, today: date, warn_days: int) -> Incident | None:
    """Warn from ``warn_days`` before the RMS license key expires; critical from 3 days and after."""
    left = (expiry - today).days
    if left > warn_days:
        return None
    severity = Severity.CRITICAL if left <= 3 else Severity.WARNING
    if left < 0:
        ja, en = f"RMS のライセンスキーの期限が切れています ({expiry})", f"The RMS license key expired on {expiry}"
    else:
        ja, en = (f"RMS のライセンスキーはあと {left} 日で期限切れです ({expiry})",
                  f"The RMS license key expires in {left} day(s) ({expiry})")
    return Incident(LICENSE, LICENSE, severity, ja, en,
                    hint_ja="RMS で新しいライセンスキーを発行し、ZAIKO_RMS_LICENSE_KEY かキーリングに設定してください。",
                    hint_en="Issue a new key in RMS and set it in ZAIKO_RMS_LICENSE_KEY or the keyring.")


def stall_incident(last_success: datetime | None, watching_since: datetime | None, now: datetime,
                   stall: timedelta) -> Incident | None:
    """No successful push for ``stall`` (counted from the first push attempt when none succeeded)."""
    since = last_success or watching_since
    if since is None or now - since < stall:
        return None
    minutes = int((now - since).total_seconds() // 60)
    ja = f"RMS への反映が {minutes} 分間成功していません (最後の成功: {last_success or 'なし'})"
    en = f"No successful push to RMS for {minutes} minutes (last success: {last_success or 'none'})"
    return Incident(STALLED, STALLED, Severity.CRITICAL, ja, en,
                    hint_ja="zaiko-xl doctor で原因を確認してください。API 停止時は zaiko-xl export-rms-csv で手動更新できます。",
                    hint_en="Run `zaiko-xl doctor`; if the API is down, `zaiko-xl export-rms-csv` allows a manual upload.")


def run_incidents(latest: list[RunRecord]) -> list[Incident]:
    """A failed or guard-stopped latest run of a command is an incident until a later run succeeds."""
    found = []
    for run in latest:
        if run.outcome not in (Outcome.FAILED, Outcome.GUARD_TRIPPED):
            continue
        kind = GUARD if run.outcome is Outcome.GUARD_TRIPPED else RUN_FAILED
        what_ja = "安全装置が作動して停止しました" if kind == GUARD else "失敗しました"
        what_en = "was stopped by a safety guard" if kind == GUARD else "failed"
        found.append(Incident(f"{kind}:{run.command}", kind, Severity.CRITICAL,
                              f"zaiko-xl {run.command} が{what_ja} ({run.error_code})",
                              f"zaiko-xl {run.command} {what_en} ({run.error_code})",
                              f"{run.message_ja} (実行 {run.run_id}, {run.started_at:%Y-%m-%d %H:%M})",
                              f"{run.message_en} (run {run.run_id}, {run.started_at:%Y-%m-%d %H:%M})"))
    return found


def kpi_incidents(values: dict[str, float], thresholds: dict[str, float],
                  definitions: dict[str, tuple[str, str, str, bool]]) -> list[Incident]:
    """A KPI worse than its threshold. ``definitions``: key -> (name_ja, name_en, unit, lower_is_better)."""
    found = []
    for key, limit in sorted(thresholds.items()):
        value = values.get(key)
        if key not in definitions or value is None or value != value:  # unknown key or NaN: not measured
            continue
        name_ja, name_en, unit, lower_is_better = definitions[key]
        if (value > limit) if lower_is_better else (value < limit):
            shown, bound = format_value(value, unit), format_value(limit, unit)
            found.append(Incident(f"{KPI}:{key}", KPI, Severity.WARNING, f"{name_ja}が {shown} です (基準 {bound})",
                                  f"{name_en} is {shown} (threshold {bound})"))
    return found


def format_value(value: float, unit: str) -> str:
    if value != value:
        return "-"
    if unit == "%":
        return f"{value * 100:.2f}%"
    whole = float(value).is_integer() or abs(value) >= 100
    return f"{value:,.0f} {unit}" if whole else f"{value:,.2f} {unit}"


# ---------------------------------------------------------------- policy
@dataclass(frozen=True)
class ChannelPlan:
    send: list[tuple[Notice, Delivery]]  # each notice with the record to keep once it is sent
    close: list[Delivery]  # incidents over that need no notice (never told, or resolved notices off)
    held: int  # notices the throttle holds back until the next run


def plan(active: list[Incident], scope: tuple[str, ...], deliveries: dict[str, Delivery], channel: str,
         now: datetime, policy: NotifyPolicy, sent_last_hour: int) -> ChannelPlan:
    """What one channel should send now. Records change only when a notice was really sent.

    ``scope``: key prefixes this check covers; an open incident in scope that is not active is over.
    """
    send: list[tuple[Notice, Delivery]] = []
    close: list[Delivery] = []
    for incident in active:
        record = deliveries.get(incident.key)
        if record is None or record.resolved_at is not None:
            record = Delivery(incident.key, channel, incident.kind, now)
        if record.last_sent is None or now - record.last_sent >= policy.renotify:
            status = "open" if record.last_sent is None else "reminder"
            kept = replace(record, last_sent=now, sends=record.sends + 1, title_ja=incident.title_ja,
                           title_en=incident.title_en)
            send.append((Notice(incident, status, now), kept))
    active_keys = {i.key for i in active}
    for record in deliveries.values():
        covered = any(record.key.startswith(prefix) for prefix in scope)
        if record.key in active_keys or not covered or record.resolved_at is not None:
            continue
        closed = replace(record, resolved_at=now)
        if policy.send_resolved and record.last_sent is not None:
            send.append((Notice(_resolved(record), "resolved", now), closed))
        else:
            close.append(closed)
    rank = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}
    send.sort(key=lambda item: rank[item[0].incident.severity])
    budget = max(policy.max_per_hour - sent_last_hour, 0)
    return ChannelPlan(send[:budget], close, max(len(send) - budget, 0))


def _resolved(record: Delivery) -> Incident:
    return Incident(record.key, record.kind, Severity.INFO, f"解消しました: {record.title_ja or record.key}",
                    f"Resolved: {record.title_en or record.key}")


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` with every secret value (4+ characters) replaced by a mask."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def scrub_incident(incident: Incident, secrets: list[str]) -> Incident:
    fields = ("title_ja", "title_en", "detail_ja", "detail_en", "hint_ja", "hint_en")
    return replace(incident, **{f: scrub(getattr(incident, f), secrets) for f in fields})


def notice_text(notice: Notice) -> tuple[str, str]:
    """Subject and body (Japanese, then English) of a notice, for every channel."""
    i = notice.incident
    tag = {"open": "", "reminder": "[再通知 / reminder] ", "resolved": "[解消 / resolved] "}[notice.status]
    level = {Severity.CRITICAL: "重大", Severity.WARNING: "警告", Severity.INFO: "情報"}[i.severity]
    subject = f"[zaiko-xl {level}/{i.severity.value}] {tag}{i.title_ja}"
    lines = [i.title_ja, i.detail_ja, i.hint_ja, "", i.title_en, i.detail_en, i.hint_en, "",
             f"{notice.at:%Y-%m-%d %H:%M} JST  key={i.key}"]
    return subject, "\n".join(line for k, line in enumerate(lines) if line or k in (3, 7))
