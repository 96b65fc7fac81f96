"""Composition root: the one place that builds real adapters from settings.

Entry points call ``build_*`` here and hand the result to a service; tests build services
with fakes instead. No module-level clients or settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from zaiko_xl.adapters.journal_pulls import SqlitePullJournal
    from zaiko_xl.adapters.journal_sqlite import SqliteReconcileHistory
    from zaiko_xl.adapters.rms_http import HttpRmsClient
    from zaiko_xl.adapters.template_build import VbaModule
    from zaiko_xl.adapters.workbook_file import WorkbookFile
    from zaiko_xl.config import Settings
    from zaiko_xl.domain.reconcile import ReconcileParams
    from zaiko_xl.ports import HolidaySource, ReorderSink, ReorderSource, RmsCsvSink, StockTableSource, Workbook
    from zaiko_xl.services.pull import PullOptions, PullSources
    from zaiko_xl.services.reorder import ReorderParams


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
                       warn_days=settings.rms.license_warn_days, include_shipped=settings.orders.include_shipped)


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
                             seasonality=r.seasonality, scale_std=r.scale_std_by_season),
        season_min_days=r.season_min_days, sale_windows=windows, excluded_dates=tuple(r.excluded_dates),
        weekend_days=tuple(r.weekend_days))


def build_reorder(settings: Settings, workbook: Path) -> tuple[ReorderSource, ReorderSink]:
    """CSV inputs (``[reorder] data_dir``, default the workbook's folder) and file outputs (``out_dir``)."""
    from zaiko_xl.adapters.reorder_files import CsvReorderSource, FileReorderSink

    data_dir = settings.resolve(settings.reorder.data_dir) if settings.reorder.data_dir else workbook.parent
    return CsvReorderSource(data_dir), FileReorderSink(settings.resolve(settings.reorder.out_dir))


_JST = timezone(timedelta(hours=9))
TEMPLATE_RESOURCE = "template.xlsm"


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
        ``sources``, ``sheet``, ``history``, ``params``.
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
            "history": reconcile_history(settings), "params": reconcile_params(settings)}


def new_run_id(kind: str, now: datetime) -> str:
    """A run id for the journal: ``<kind>-<yyyymmdd-hhmmss>-<4 hex>`` (unique even within one second)."""
    import secrets

    return f"{kind}-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
