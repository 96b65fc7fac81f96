"""Composition root: the one place that builds real adapters from settings.

Entry points call ``build_*`` here and hand the result to a service; tests build services
with fakes instead. No module-level clients or settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from zaiko_xl.adapters.journal_pulls import SqlitePullJournal
    from zaiko_xl.adapters.journal_sqlite import SqliteReconcileHistory
    from zaiko_xl.adapters.kpi_files import KpiFiles
    from zaiko_xl.adapters.kpi_store_sqlite import SqliteKpiStore
    from zaiko_xl.adapters.notify_smtp import SmtpNotifier
    from zaiko_xl.adapters.ops_state_sqlite import SqliteNotifyState, SqliteRunLog
    from zaiko_xl.adapters.rms_health import RmsHealth
    from zaiko_xl.adapters.rms_http import HttpRmsClient
    from zaiko_xl.adapters.source_watch import SqliteSourceWatch
    from zaiko_xl.adapters.template_build import VbaModule
    from zaiko_xl.adapters.workbook_file import WorkbookFile
    from zaiko_xl.config import Settings
    from zaiko_xl.domain.notify import NotifyPolicy
    from zaiko_xl.domain.reconcile import ReconcileParams
    from zaiko_xl.ports import (
        ApiProbe,
        FrameSink,
        HolidaySource,
        LicenseSource,
        Notifier,
        OrderHistorySource,
        ReorderSink,
        ReorderSource,
        RmsCsvSink,
        RunLock,
        StockTableSource,
        Workbook,
    )
    from zaiko_xl.services.doctor import DoctorInputs
    from zaiko_xl.services.kpi import KpiOptions
    from zaiko_xl.services.notify import HealthAlerts, KpiAlerts
    from zaiko_xl.services.pull import PullOptions, PullSources
    from zaiko_xl.services.push import PushDeps, PushOptions
    from zaiko_xl.services.reorder import ReorderParams
    from zaiko_xl.services.sync import SyncOptions, SyncPorts


def build_file_sources(settings: Settings, *, workbook: Path | None = None,
                       ledger_frame: pd.DataFrame | None = None) -> dict[str, Any]:
    """The file ports of ``pull``, as keyword arguments of ``services.ingest.pull_files``.

    Args:
        settings: the loaded settings.
        workbook: the workbook (``--workbook``); defaults to ``[workbook] path``.
        ledger_frame: the ledger sheet as read by an Excel entry point from the open workbook.
    """
    from zaiko_xl.adapters.file_sources import (
        FileLedgerSource,
        FileOrderExportSource,
        FileTableSource,
        FileWarehouseSource,
        FrameLedgerSource,
    )
    from zaiko_xl.adapters.tabular import EXCEL_SUFFIXES

    book = workbook or settings.resolve(settings.workbook.path)
    wh, led, orders, inbound = settings.warehouse, settings.ledger, settings.orders, settings.inbound
    if ledger_frame is not None:
        ledger: Any = FrameLedgerSource(ledger_frame, workbook=book.name, sheet=led.sheet, columns=led.columns)
    elif led.file is not None:
        path = settings.resolve(led.file)
        sheet = led.sheet if path.suffix.lower() in EXCEL_SUFFIXES else None
        ledger = FileLedgerSource(path, sheet=sheet, columns=led.columns, encoding=led.encoding)
    else:  # the workbook's own ledger sheet: a new workbook's empty sheet is an empty ledger
        ledger = FileLedgerSource(book, sheet=led.sheet, columns=led.columns, empty_ok=True)
    return {
        "warehouse": FileWarehouseSource(settings.resolve(wh.file), preset=wh.preset, columns=wh.columns,
                                         encoding=wh.encoding, sheet=wh.sheet),
        "ledger": ledger,
        "orders": [FileOrderExportSource(settings.resolve(p), preset=orders.other_channel_preset,
                                         columns=orders.other_channel_columns) for p in orders.other_channel_files],
        "inbound": None if inbound.file is None else FileTableSource(
            "inbound", settings.resolve(inbound.file), sheet=inbound.sheet, columns=inbound.columns,
            encoding=inbound.encoding),
    }


@contextmanager
def pull_sources(settings: Settings, workbook: Path, *, ledger_frame: pd.DataFrame | None = None,
                 **rms_options: Any) -> Iterator[PullSources]:
    """Every source of ``pull`` (the RMS client is closed when the block ends).

    Args:
        settings: the loaded settings.
        workbook: the shop's workbook (its ledger sheet is read unless ``[ledger] file`` is set).
        ledger_frame: the ledger sheet as an Excel entry point read it from the open workbook.
        rms_options: passed to ``build_rms_client`` (tests).
    """
    from zaiko_xl.services.pull import PullSources

    files = build_file_sources(settings, workbook=workbook, ledger_frame=ledger_frame)
    with build_rms_client(settings, **rms_options) as rms:
        yield PullSources(rms_inventory=rms, rms_orders=rms, rms_license=rms, warehouse=files["warehouse"],
                          ledger=files["ledger"], other_orders=files["orders"], inbound=files["inbound"])


def pull_options(settings: Settings, workbook: Path, now: datetime | None = None) -> PullOptions:
    """How this pull runs: its time (now, JST), a new run id, the lookback window, the license warning."""
    import uuid

    from zaiko_xl.services.pull import PullOptions

    moment = now or jst_now()
    return PullOptions(now=moment, run_id=f"pull-{moment:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}",
                       workbook=workbook.name, lookback_days=settings.orders.lookback_days,
                       warn_days=settings.rms.license_warn_days, include_shipped=settings.orders.include_shipped,
                       find_unlisted=settings.rms.find_unlisted)


def pull_journal(settings: Settings) -> SqlitePullJournal:
    """The journal's record of pulls (SQLite file at ``journal.path``)."""
    from zaiko_xl.adapters.journal_pulls import SqlitePullJournal

    return SqlitePullJournal(settings.resolve(settings.journal.path))


def workbook_file(settings: Settings, path: Path | None = None) -> WorkbookFile:
    """The shop's workbook as a file (WorkbookSource + WorkbookSink), with the backup policy.

    ``path`` (e.g. ``--workbook``) is taken as given; without it, ``workbook.path`` of the
    settings, resolved from the folder of zaiko.toml. Backups go beside the workbook.
    """
    from zaiko_xl.adapters.workbook_file import WorkbookFile

    target = path if path is not None else settings.resolve(settings.workbook.path)
    return WorkbookFile(target, backup_dir=target.parent / settings.workbook.backup_dir,
                        backups=settings.workbook.backups)


def writable_workbook(settings: Settings, path: Path | None = None) -> WorkbookFile:
    """``workbook_file``, refused at once (E501) while Excel has it open, before any other work is done."""
    from zaiko_xl.adapters.workbook_file import ensure_unlocked

    book = workbook_file(settings, path)
    ensure_unlocked(book.path)
    return book


def template_path() -> Path:
    """The workbook template shipped in the package (a copy of workbook/template.xlsm; ``template build`` makes both)."""
    from importlib.resources import files

    return Path(str(files("zaiko_xl.resources").joinpath(TEMPLATE_RESOURCE)))


def install_template(built: Path) -> Path:
    """Copy a freshly built template into the package (``zaiko_xl/resources/template.xlsm``); returns the copy."""
    import shutil

    target = template_path()
    if built.resolve() != target.resolve():
        shutil.copyfile(built, target)
    return target


def build_template(out: Path, modules: Sequence[VbaModule]) -> Path:
    """Build workbook/template.xlsm (sheets from adapters/columns.py, the given VBA modules)."""
    from zaiko_xl import __version__
    from zaiko_xl.adapters.template_build import build_template as build

    return build(out, modules, version=__version__)


@lru_cache(maxsize=1)
def holiday_source() -> HolidaySource:
    """Japanese public holidays (jpholiday), shared by the UDFs and the reorder command."""
    from zaiko_xl.adapters.jp_holidays import JpHolidaySource

    return JpHolidaySource()


def reorder_params(settings: Settings) -> ReorderParams:
    """The reorder service's rules from the ``[reorder]`` and ``[sale]`` settings."""
    from zaiko_xl.domain.demand import DemandOptions
    from zaiko_xl.services.reorder import ReorderParams

    r = settings.reorder
    windows = tuple((w.start, w.end) for w in settings.sale.windows) if r.exclude_sale_windows else ()
    return ReorderParams(
        review_days=r.review_period_days, service_type=r.service_type, service_level=r.service_level,
        tier_levels=dict(r.tier_service_levels), tier_cutoffs=tuple(r.tier_cutoffs), order_rule=r.order_rule,
        lot=r.lot, cover_days=r.cover_days, fixed_lot=r.fixed_lot, order_cost=r.order_cost_yen,
        holding_rate=r.holding_rate_per_year, stockout_cost_share=r.stockout_cost_share,
        demand=DemandOptions(annual_days=r.annual_days, recent_days=r.recent_days, recent_weight=r.recent_weight,
                             seasonality=r.seasonality, scale_std=r.scale_std_by_season,
                             season_prior_units=r.season_prior_units),
        season_min_days=r.season_min_days, sale_windows=windows, excluded_dates=tuple(r.excluded_dates),
        weekend_days=tuple(r.weekend_days))


def build_reorder(settings: Settings, book: Workbook, workbook: Path) -> tuple[ReorderSource, ReorderSink]:
    """The reorder ports on a workbook: its sheets in, 発注 / 発注書 back, purchase-order CSVs into
    ``[reorder] out_dir`` (relative: beside the workbook).

    Args:
        settings: the loaded settings.
        book: the workbook as a port (``workbook_file(...)`` in batch runs, the open book in Excel).
        workbook: the workbook's path (names it in messages; the CSV folder is beside it).
    """
    from zaiko_xl.adapters.reorder_workbook import WorkbookReorderSink, WorkbookReorderSource

    folder = settings.reorder.out_dir if settings.reorder.out_dir.is_absolute() else workbook.parent / settings.reorder.out_dir
    return WorkbookReorderSource(book, workbook.name), WorkbookReorderSink(book, str(workbook), folder)


def build_order_history(settings: Settings) -> OrderHistorySource | None:
    """The order lines recorded in the journal (the KPI store), for the reorder's demand history;
    None when there is no journal yet (reading never creates one)."""
    path = journal_path(settings)
    return build_kpi_store(settings) if path.exists() else None


_JST = timezone(timedelta(hours=9))
TEMPLATE_RESOURCE = "template.xlsm"


def jst_now() -> datetime:
    """Now in JST, timezone-naive, whole seconds (the clock entry points hand to services)."""
    return datetime.now(_JST).replace(tzinfo=None, microsecond=0)


def build_rms_client(settings: Settings, *, journal_calls: bool = False, run_id: str = "",
                     **options: Any) -> HttpRmsClient:
    """The RMS client (RmsInventory + RmsOrders + RmsLicense ports) from Settings.rms.

    ``journal_calls``: keep every HTTP attempt in the journal when the client closes (the
    ``api_calls`` KPI input; batch commands that talk to RMS turn it on, tagged with ``run_id``).
    ``options`` pass through to ``HttpRmsClient.connect`` (tests: clock, rng, page_size,
    search_cap). Raises MissingSecret (E104) when a credential is not set.
    """
    from zaiko_xl.adapters.rms_http import HttpRmsClient

    if journal_calls:
        from zaiko_xl.adapters.api_call_log import JournalCallLog

        options["call_log"] = JournalCallLog(build_kpi_store(settings), jst_now, run_id)

    rms = settings.rms
    secret = settings.require_secret("rms.service_secret").get_secret_value()
    key = settings.require_secret("rms.license_key").get_secret_value()
    rates = {"read": rms.rate_get_per_s, "write": rms.rate_write_per_s, "single": rms.rate_write_per_s,
             "order": rms.rate_order_per_s, "license": rms.rate_order_per_s}
    return HttpRmsClient.connect(
        rms.base_url, secret, key, timeout_s=rms.timeout_s, rates=rates, retry_budget_s=rms.retry_budget_s,
        retry_base_s=rms.retry_base_s, retry_cap_s=rms.retry_cap_s, retry_max_attempts=rms.retry_max_attempts,
        settle_s=rms.settle_s, order_version=rms.order_version, **options,
    )


def build_stock_table(path: Path, sheet: str | None = None) -> StockTableSource:
    """A stock table file (CSV or XLSX) as the StockTableSource port."""
    from zaiko_xl.adapters.stock_table import FileStockTable

    return FileStockTable(path, sheet)


def build_rms_csv_sink(path: Path) -> RmsCsvSink:
    """The CP932/CRLF RMS bulk-edit CSV writer."""
    from zaiko_xl.adapters.rms_csv import Cp932CsvSink

    return Cp932CsvSink(path)


def reconcile_params(settings: Settings) -> ReconcileParams:
    """Reconciliation tunables from the settings (buffer from [push])."""
    from zaiko_xl.domain.reconcile import ReconcileParams

    rc = settings.reconcile
    return ReconcileParams(tolerance=rc.tolerance, tolerance_by_group=dict(rc.tolerance_by_group),
                           buffer=settings.push.buffer, delay_max_pulls=rc.delay_max_pulls)


def reconcile_history(settings: Settings) -> SqliteReconcileHistory:
    """The journal's reconcile history (SQLite file at ``journal.path``)."""
    from zaiko_xl.adapters.journal_sqlite import SqliteReconcileHistory

    return SqliteReconcileHistory(settings.resolve(settings.journal.path), keep_pulls=settings.reconcile.keep_pulls)


def build_reconcile(settings: Settings, book: Workbook, name: str) -> dict[str, Any]:
    """The ports and rules of ``services.reconcile.reconcile`` on a workbook, as keyword arguments.

    Args:
        settings: the loaded settings (tolerances per item group, buffer, journal path, ledger file).
        book: the workbook: a ``WorkbookFile`` (CLI) or the open book (button).
        name: the workbook's file name, for messages.

    Returns:
        ``sources``, ``sheet``, ``history``, ``params``, ``kpi`` (the KPI store in the journal),
        ``watch`` (the update latency).
    """
    from zaiko_xl.adapters.file_sources import FileLedgerSource
    from zaiko_xl.adapters.reconcile_sheets import WorkbookComparisonSheet, WorkbookReconcileSources
    from zaiko_xl.adapters.tabular import EXCEL_SUFFIXES

    led = settings.ledger
    ledger = None
    if led.file is not None:  # the ledger is a file of its own; else the workbook's 社内台帳 sheet
        path = settings.resolve(led.file)
        sheet = led.sheet if path.suffix.lower() in EXCEL_SUFFIXES else None
        ledger = FileLedgerSource(path, sheet=sheet, columns=led.columns, encoding=led.encoding)
    return {"sources": WorkbookReconcileSources(book, name, ledger), "sheet": WorkbookComparisonSheet(book),
            "history": reconcile_history(settings), "params": reconcile_params(settings),
            "kpi": build_kpi_store(settings), "watch": build_source_watch(settings)}


def new_run_id(kind: str, now: datetime) -> str:
    """A run id for the journal: ``<kind>-<yyyymmdd-hhmmss>-<4 hex>`` (unique even within one second)."""
    import secrets

    return f"{kind}-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


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


def build_source_watch(settings: Settings) -> SqliteSourceWatch:
    """The update-latency watch (last source numbers, open changes) in the journal."""
    from zaiko_xl.adapters.source_watch import SqliteSourceWatch

    return SqliteSourceWatch(journal_path(settings))


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


# ---------------------------------------------------------------- RMS health (doctor, health notices)
DOCTOR_TIMEOUT_S = 10.0  # a health check answers quickly or counts as unreachable
DOCTOR_ATTEMPTS = 2
DOCTOR_RETRY_BUDGET_S = 5.0


def _rms_health(settings: Settings, now: datetime | None = None) -> RmsHealth | None:
    """RmsHealth on a quick-failing client; None while a credential is missing."""
    if any(_secret(settings, section, field) is None for section, field, _env, _user in _RMS_SECRETS.values()):
        return None
    from zaiko_xl.adapters.rms_health import RmsHealth

    rms = settings.rms
    quick = settings.model_copy(update={"rms": rms.model_copy(update={
        "timeout_s": min(rms.timeout_s, DOCTOR_TIMEOUT_S), "retry_budget_s": min(rms.retry_budget_s, DOCTOR_RETRY_BUDGET_S),
        "retry_max_attempts": min(rms.retry_max_attempts, DOCTOR_ATTEMPTS)})})
    return RmsHealth(lambda: build_rms_client(quick), now or jst_now())


def build_license_source(settings: Settings) -> LicenseSource | None:
    """The license key's expiry through the RMS client (license.expiryDate.get); None without credentials."""
    return _rms_health(settings)


def build_api_probe(settings: Settings, now: datetime | None = None) -> ApiProbe | None:
    """One harmless call per RMS function (``adapters/rms_health.py``); None without credentials."""
    return _rms_health(settings, now)


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
        channel_problems=problems, license=build_license_source(settings), api=build_api_probe(settings, now),
        functions=tuple(settings.doctor.functions), health=FileHealthProbe(book, journal_path(settings)),
        runs=build_run_log(settings), today=today, now=now, warn_days=settings.rms.license_warn_days,
        last_run_max=timedelta(hours=settings.doctor.last_run_max_hours),
        watch=build_source_watch(settings) if journal_path(settings).exists() else None,
        pending_max=timedelta(hours=settings.doctor.pending_max_hours))


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


def build_pull_sink(workbook: Path) -> FrameSink:
    """Where `zaiko-xl pull` puts the RMS frames for now: ``<workbook>-rms.xlsx`` beside the workbook."""
    from zaiko_xl.adapters.pull_files import XlsxPullSink

    return XlsxPullSink.beside(workbook)


def build_push_deps(settings: Settings, progress: Any = None, run_id: str = "") -> PushDeps:
    """RMS (one request per batch), the journal, the run lock, the clock and the update-latency
    watch for the push services. Every RMS call is journaled (``api_calls``, tagged ``run_id``) as the
    client closes: close it (``with deps.rms.client:``)."""
    import time

    from zaiko_xl.adapters.push_journal import SqlitePushJournal
    from zaiko_xl.adapters.rms_batch import HttpRmsStockWriter
    from zaiko_xl.ports import NullProgress
    from zaiko_xl.services.push import PushDeps

    journal_path = settings.resolve(settings.journal.path)
    client = build_rms_client(settings, journal_calls=True, run_id=run_id)
    return PushDeps(rms=HttpRmsStockWriter(client), journal=SqlitePushJournal(journal_path),
                    lock=build_run_lock(settings), now=jst_now, sleep=time.sleep, progress=progress or NullProgress(),
                    watch=build_source_watch(settings))


def build_run_lock(settings: Settings) -> RunLock:
    """The lock file beside the journal (``<journal>.lock``)."""
    from zaiko_xl.adapters.run_lock import FileRunLock

    journal_path = settings.resolve(settings.journal.path)
    return FileRunLock(journal_path.with_name(journal_path.name + ".lock"),
                       stale_after=timedelta(minutes=settings.push.lock_stale_min))


def push_options(settings: Settings, *, confirmed: bool = False) -> PushOptions:
    """Guard limits, batch size and settling from Settings.push / Settings.rms."""
    from zaiko_xl.domain.guards import GuardLimits
    from zaiko_xl.services.push import PushOptions

    push = settings.push
    limits = GuardLimits(
        max_zero_share=push.max_zero_share, max_total_change_share=push.max_total_change_share,
        max_sku_change=push.max_sku_change, hard_max_zero_share=push.hard_max_zero_share,
        hard_max_total_change_share=push.hard_max_total_change_share, hard_max_sku_change=push.hard_max_sku_change,
        max_pull_age_min=push.max_pull_age_min)
    return PushOptions(limits=limits, batch_size=push.batch_size, settle_s=max(settings.rms.settle_s,
                                                                               settings.rms.timeout_s),
                       confirmed=confirmed)


def build_sync(settings: Settings, workbook: Path | None = None, progress: Any = None, run_id: str = "") -> tuple[
        SyncPorts, PushDeps, SyncOptions]:
    """The sync's ports (workbook, files, RMS orders, memory), the push deps and the options."""
    from dataclasses import replace

    from zaiko_xl.adapters.rms_batch import HttpRmsStockWriter
    from zaiko_xl.adapters.sheet_cache import CachedSheets
    from zaiko_xl.adapters.sync_state import SqliteSyncState
    from zaiko_xl.domain.model import AllocationRule, Channel
    from zaiko_xl.domain.push_plan import PlanPolicy
    from zaiko_xl.services.sync import SyncOptions, SyncPorts

    deps = build_push_deps(settings, progress, run_id)
    client = deps.rms.client  # one HTTP client for stock and orders
    files = build_file_sources(settings, workbook=workbook)
    book = workbook_file(settings, workbook)
    journal = settings.resolve(settings.journal.path)
    ports = SyncPorts(book=CachedSheets(book, book.path, journal.parent), warehouse=files["warehouse"],
                      other_orders=files["orders"], orders=client,
                      state=SqliteSyncState(journal))
    push = settings.push
    rules = tuple(AllocationRule(Channel(r.channel), share=r.share, cap=r.cap, priority=r.priority,
                                 zero_below=r.zero_below) for r in push.channels)
    options = SyncOptions(
        push=replace(push_options(settings), confirmed=False),
        policy=PlanPolicy(buffer=push.buffer, channels=rules, backorder_quantity=push.backorder_quantity),
        kind_by_group=dict(push.kind_by_group), interval_s=push.sync_interval_s, full_every=push.full_sync_every,
        lookback=timedelta(days=settings.orders.lookback_days),
        sale_windows=tuple((w.start, w.end) for w in settings.sale.windows),
        sale_lookback=timedelta(hours=settings.sale.rate_lookback_h), sale_factor=settings.sale.buffer_factor)
    assert isinstance(deps.rms, HttpRmsStockWriter)
    return ports, deps, options
