"""Composition root: the one place that builds real adapters from settings.

Entry points call ``build_*`` here and hand the result to a service; tests build services
with fakes instead. No module-level clients or settings.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from zaiko_xl.adapters.journal_sqlite import SqliteReconcileHistory
    from zaiko_xl.adapters.rms_http import HttpRmsClient
    from zaiko_xl.adapters.template_build import VbaModule
    from zaiko_xl.adapters.workbook_file import WorkbookFile
    from zaiko_xl.config import Settings
    from zaiko_xl.domain.reconcile import ReconcileParams
    from zaiko_xl.ports import FrameSink, RmsCsvSink, RunLock, StockTableSource
    from zaiko_xl.services.push import PushDeps, PushOptions
    from zaiko_xl.services.sync import SyncOptions, SyncPorts

_JST = timezone(timedelta(hours=9))


def jst_now() -> datetime:
    """Now in JST, timezone-naive, whole seconds (the clock entry points hand to services)."""
    return datetime.now(_JST).replace(tzinfo=None, microsecond=0)


def build_rms_client(settings: Settings, **options: Any) -> HttpRmsClient:
    """The RMS client (RmsInventory + RmsOrders + RmsLicense ports) from Settings.rms.

    ``options`` pass through to ``HttpRmsClient.connect`` (tests: clock, rng, page_size,
    search_cap). Raises MissingSecret (E104) when a credential is not set.
    """
    from zaiko_xl.adapters.rms_http import HttpRmsClient

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


def build_pull_sink(workbook: Path) -> FrameSink:
    """Where `zaiko-xl pull` puts the RMS frames for now: ``<workbook>-rms.xlsx`` beside the workbook."""
    from zaiko_xl.adapters.pull_files import XlsxPullSink

    return XlsxPullSink.beside(workbook)


def build_stock_table(path: Path, sheet: str | None = None) -> StockTableSource:
    """A stock table file (CSV or XLSX) as the StockTableSource port."""
    from zaiko_xl.adapters.stock_table import FileStockTable

    return FileStockTable(path, sheet)


def build_rms_csv_sink(path: Path) -> RmsCsvSink:
    """The CP932/CRLF RMS bulk-edit CSV writer."""
    from zaiko_xl.adapters.rms_csv import Cp932CsvSink

    return Cp932CsvSink(path)


def build_push_deps(settings: Settings, progress: Any = None) -> PushDeps:
    """RMS (one request per batch), the journal, the run lock and the clock for the push services."""
    import time

    from zaiko_xl.adapters.push_journal import SqlitePushJournal
    from zaiko_xl.adapters.rms_batch import HttpRmsStockWriter
    from zaiko_xl.ports import NullProgress
    from zaiko_xl.services.push import PushDeps

    journal_path = settings.resolve(settings.journal.path)
    return PushDeps(rms=HttpRmsStockWriter(build_rms_client(settings)), journal=SqlitePushJournal(journal_path),
                    lock=build_run_lock(settings), now=jst_now, sleep=time.sleep, progress=progress or NullProgress())


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


def workbook_file(settings: Settings, path: Path | None = None) -> WorkbookFile:
    """The shop's workbook as a file (WorkbookSource + WorkbookSink), with the backup policy.

    ``path`` (e.g. ``--workbook``) is taken as given; without it, ``workbook.path`` of the
    settings, resolved from the folder of zaiko.toml. Backups go beside the workbook.
    """
    from zaiko_xl.adapters.workbook_file import WorkbookFile

    target = path if path is not None else settings.resolve(settings.workbook.path)
    return WorkbookFile(target, backup_dir=target.parent / settings.workbook.backup_dir,
                        backups=settings.workbook.backups)


def build_template(out: Path, modules: Sequence[VbaModule]) -> Path:
    """Build workbook/template.xlsm (sheets from adapters/columns.py, the given VBA modules)."""
    from zaiko_xl import __version__
    from zaiko_xl.adapters.template_build import build_template as build

    return build(out, modules, version=__version__)


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
        FileWarehouseSource,
        FrameLedgerSource,
    )
    from zaiko_xl.adapters.tabular import EXCEL_SUFFIXES

    book = workbook or settings.resolve(settings.workbook.path)
    wh, led, orders = settings.warehouse, settings.ledger, settings.orders
    if ledger_frame is not None:
        ledger: Any = FrameLedgerSource(ledger_frame, workbook=book.name, sheet=led.sheet, columns=led.columns)
    elif led.file is not None:
        path = settings.resolve(led.file)
        sheet = led.sheet if path.suffix.lower() in EXCEL_SUFFIXES else None
        ledger = FileLedgerSource(path, sheet=sheet, columns=led.columns, encoding=led.encoding)
    else:
        ledger = FileLedgerSource(book, sheet=led.sheet, columns=led.columns)
    return {
        "warehouse": FileWarehouseSource(settings.resolve(wh.file), preset=wh.preset, columns=wh.columns,
                                         encoding=wh.encoding, sheet=wh.sheet),
        "ledger": ledger,
        "orders": [FileOrderExportSource(settings.resolve(p), preset=orders.other_channel_preset,
                                         columns=orders.other_channel_columns) for p in orders.other_channel_files],
    }


def build_sync(settings: Settings, workbook: Path | None = None, progress: Any = None) -> tuple[
        SyncPorts, PushDeps, SyncOptions]:
    """The sync's ports (workbook, files, RMS orders, memory), the push deps and the options."""
    from dataclasses import replace

    from zaiko_xl.adapters.rms_batch import HttpRmsStockWriter
    from zaiko_xl.adapters.sheet_cache import CachedSheets
    from zaiko_xl.adapters.sync_state import SqliteSyncState
    from zaiko_xl.domain.model import AllocationRule, Channel
    from zaiko_xl.domain.push_plan import PlanPolicy
    from zaiko_xl.services.sync import SyncOptions, SyncPorts

    deps = build_push_deps(settings, progress)
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
