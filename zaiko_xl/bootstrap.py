"""Composition root: the one place that builds real adapters from settings.

Entry points call ``build_*`` here and hand the result to a service; tests build services
with fakes instead. No module-level clients or settings.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zaiko_xl.adapters.kpi_files import KpiFiles
    from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
    from zaiko_xl.adapters.notify_smtp import SmtpNotifier
    from zaiko_xl.adapters.ops_state_sqlite import SqliteNotifyState, SqliteRunLog
    from zaiko_xl.config import Settings
    from zaiko_xl.domain.notify import NotifyPolicy
    from zaiko_xl.ports import ApiProbe, LicenseSource, Notifier
    from zaiko_xl.services.doctor import DoctorInputs
    from zaiko_xl.services.kpi import KpiOptions
    from zaiko_xl.services.notify import HealthAlerts, KpiAlerts

JST = timezone(timedelta(hours=9))  # Japan has no daylight saving time


def jst_now() -> datetime:
    """Now in JST, timezone-naive (the convention of every frame and journal row)."""
    return datetime.now(JST).replace(tzinfo=None)


def journal_path(settings: Settings) -> Path:
    return settings.resolve(settings.journal.path)


# ---------------------------------------------------------------- KPIs
def build_kpi_store(settings: Settings) -> SqliteKpiStore:
    from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore

    return SqliteKpiStore(journal_path(settings))


def kpi_options(settings: Settings, today: date) -> KpiOptions:
    from zaiko_xl.services.kpi import KpiOptions

    k = settings.kpi
    windows = tuple((w.start, w.end) for w in settings.sale.windows)
    return KpiOptions(today, k.history_days, k.go_live, windows, k.demand_window_days, k.trend)


def build_kpi_files() -> KpiFiles:
    from zaiko_xl.adapters.kpi_files import KpiFiles

    return KpiFiles()


# ---------------------------------------------------------------- runs and notifications
def build_run_log(settings: Settings) -> SqliteRunLog:
    from zaiko_xl.adapters.ops_state_sqlite import SqliteRunLog

    return SqliteRunLog(journal_path(settings))


def build_notify_state(settings: Settings) -> SqliteNotifyState:
    from zaiko_xl.adapters.ops_state_sqlite import SqliteNotifyState

    return SqliteNotifyState(journal_path(settings))


def notify_policy(settings: Settings) -> NotifyPolicy:
    from zaiko_xl.domain.notify import NotifyPolicy

    n = settings.notify
    return NotifyPolicy(timedelta(hours=n.renotify_hours), n.max_per_hour, n.send_resolved)


def secret_values(settings: Settings) -> list[str]:
    """Every configured secret, to scrub out of any text that leaves the machine."""
    from zaiko_xl.config import SECRETS

    values = []
    for section, field, _env, _user in SECRETS.values():
        secret = getattr(getattr(settings, section), field)
        if secret is not None and secret.get_secret_value():
            values.append(secret.get_secret_value())
    return values


def build_mailer(settings: Settings) -> SmtpNotifier | None:
    n = settings.notify
    if not n.smtp_host or not n.mail_to:
        return None
    from zaiko_xl.adapters.notify_smtp import SmtpNotifier

    password = n.smtp_password.get_secret_value() if n.smtp_password else None
    ca_file = settings.resolve(n.smtp_ca_file) if n.smtp_ca_file else None
    return SmtpNotifier(n.smtp_host, n.smtp_port, mail_from=n.mail_from or "", mail_to=n.mail_to, user=n.smtp_user,
                        password=password, starttls=n.smtp_starttls, ca_file=ca_file, timeout_s=n.smtp_timeout_s)


def build_notifiers(settings: Settings) -> list[Notifier]:
    """Every configured channel: the webhook (when its URL is set) and e-mail (when SMTP is set)."""
    n = settings.notify
    found: list[Notifier] = []
    if n.webhook_url is not None and n.webhook_url.get_secret_value():
        from zaiko_xl.adapters.notify_webhook import WebhookNotifier

        token = n.chatwork_token.get_secret_value() if n.chatwork_token else None
        found.append(WebhookNotifier(n.webhook_url.get_secret_value(), n.webhook_kind, token=token,
                                     timeout_s=n.webhook_timeout_s))
    mailer = build_mailer(settings)
    if mailer is not None:
        found.append(mailer)
    return found


def kpi_alerts(settings: Settings) -> KpiAlerts:
    from zaiko_xl.services.notify import KpiAlerts

    return KpiAlerts(dict(settings.notify.thresholds), build_notifiers(settings), build_notify_state(settings),
                     jst_now(), notify_policy(settings), secret_values(settings))


# ---------------------------------------------------------------- RMS hooks (the RMS client plugs in here)
def build_license_source(settings: Settings) -> LicenseSource | None:
    """The RMS client's license port (license.expiryDate.get). None until that client is on this branch."""
    return None


def build_api_probe(settings: Settings) -> ApiProbe | None:
    """The RMS client's cheap per-function probe. None until that client is on this branch."""
    return None


# ---------------------------------------------------------------- doctor
def doctor_inputs(config_file: Path, workbook: Path | None, *, today: date, now: datetime) -> DoctorInputs:
    """Everything `zaiko-xl doctor` checks; a settings file that does not load is the first failed check."""
    from zaiko_xl.adapters.health_probe import FileHealthProbe
    from zaiko_xl.config import load_settings
    from zaiko_xl.errors import ZaikoError
    from zaiko_xl.services.doctor import DoctorInputs

    try:
        settings = load_settings(config_file)
    except ZaikoError as exc:
        return DoctorInputs(config_error=exc, config_file=str(config_file), today=today, now=now)
    missing = tuple((name, env) for name, (section, field, env, _user) in _RMS_SECRETS.items()
                    if _secret(settings, section, field) is None)
    channels, problems = _channel_report(settings)
    book = workbook or settings.resolve(settings.workbook.path)
    return DoctorInputs(
        config_error=None, config_file=str(config_file), config_found=config_file.exists(),
        missing_secrets=missing, channels=channels,
        channel_problems=problems, license=build_license_source(settings), api=build_api_probe(settings),
        functions=tuple(settings.doctor.functions), health=FileHealthProbe(book, journal_path(settings)),
        runs=build_run_log(settings), today=today, now=now, warn_days=settings.rms.license_warn_days,
        last_run_max=timedelta(hours=settings.doctor.last_run_max_hours))


_RMS_SECRETS = {"rms.service_secret": ("rms", "service_secret", "ZAIKO_RMS_SERVICE_SECRET", ""),
                "rms.license_key": ("rms", "license_key", "ZAIKO_RMS_LICENSE_KEY", "")}


def _secret(settings: Settings, section: str, field: str) -> str | None:
    value = getattr(getattr(settings, section), field)
    return value.get_secret_value() if value is not None and value.get_secret_value() else None


def _channel_report(settings: Settings) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Configured channels (never their URL) and half-configured ones."""
    n, channels, problems = settings.notify, [], []
    if _secret(settings, "notify", "webhook_url"):
        channels.append(f"webhook:{n.webhook_kind}")
        if n.webhook_kind == "chatwork" and not _secret(settings, "notify", "chatwork_token"):
            problems.append(("Chatwork のトークン (ZAIKO_NOTIFY_CHATWORK_TOKEN) がありません",
                             "the Chatwork token (ZAIKO_NOTIFY_CHATWORK_TOKEN) is not set"))
    if n.smtp_host:
        channels.append(f"email {n.smtp_host}:{n.smtp_port} -> {len(n.mail_to)}")
        if not n.mail_to or not n.mail_from:
            problems.append(("メールの mail_from / mail_to がありません", "mail_from / mail_to are not set"))
        if n.smtp_user and not _secret(settings, "notify", "smtp_password"):
            problems.append(("SMTP のパスワード (ZAIKO_NOTIFY_SMTP_PASSWORD) がありません",
                             "the SMTP password (ZAIKO_NOTIFY_SMTP_PASSWORD) is not set"))
    return tuple(channels), tuple(problems)


def health_alerts(settings: Settings, *, now: datetime) -> HealthAlerts:
    from zaiko_xl.services.notify import HealthAlerts

    return HealthAlerts(build_run_log(settings), build_license_source(settings), build_notifiers(settings),
                        build_notify_state(settings), now, notify_policy(settings), settings.rms.license_warn_days,
                        timedelta(minutes=settings.notify.stall_minutes), settings.pilot.enabled,
                        secret_values(settings))
