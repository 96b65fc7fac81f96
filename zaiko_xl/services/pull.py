"""`zaiko-xl pull` and the 在庫取込 button: every source into the workbook, in one atomic write.

The order of work; nothing is written unless every step succeeds:

1. the journal is opened (a broken journal stops the run before any work);
2. local inputs: the master sheets of the workbook (商品マスタ, 対応表, セット構成) and the files
   (warehouse, ledger, other channels' orders, inbound); the problems of all of them come back
   together in one report (E210);
3. RMS (``services.pull_rms``): license, stock of the master's RMS keys (every SKU by range when
   the master names none), with ``find_unlisted`` a range sweep of every SKU with stock, orders
   of the lookback window;
4. every code resolved to ``sku`` (``domain.pull_match``); the swept SKUs the master does not
   name become problem rows of 照合結果 (``domain.pull_unlisted``), never pulled rows; a quantity
   too crowded to list is a warning (E313);
5. one ``write_sheets`` call: RMS在庫, 受注, 倉庫在庫, 入荷予定, 照合結果 and the status cells of 操作
   (pull time, license expiry and warning);
6. the pull is recorded in the journal (push's stale-pull guard and reconcile read it);
7. with a ``KpiRecorder``, the pull's numbers go into the KPI history (``services.pull_kpi``: stock
   per SKU for the pull's day, order lines, returns, unit costs); a failure there is a warning of
   the report (E703), never an error: the sheets are written by then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pandas as pd

from zaiko_xl.domain.pull_match import (
    Master,
    Pulled,
    PullSource,
    ResolvedPull,
    empty_inbound,
    empty_orders,
    resolve_pull,
    rms_keys_to_pull,
)
from zaiko_xl.domain.pull_run import PullRun, as_of_times, recent_inbound, recent_orders, source_runs
from zaiko_xl.domain.pull_unlisted import quantity_list, unlisted_stock, with_unlisted
from zaiko_xl.domain.rms import RMS_STOCK_COLUMNS, LicenseLevel, LicenseStatus
from zaiko_xl.errors import CrowdedQuantitySkipped, InputError, ZaikoError
from zaiko_xl.ports import (
    KpiRecorder,
    LedgerSource,
    NullProgress,
    OrderExportSource,
    Progress,
    PullJournal,
    RmsInventory,
    RmsLicense,
    RmsOrders,
    SheetUpdate,
    TableSource,
    WarehouseSource,
    Workbook,
)
from zaiko_xl.services.ingest import FilePull, combine_input_errors, pull_files
from zaiko_xl.services.pull_kpi import KpiRecording, pulled_for_kpi, record_pull_kpis
from zaiko_xl.services.pull_rms import RmsPullResult, pull_rms

ACTION = "在庫取込"
MASTER_LABEL = "シート読込 / reading sheets"
MATCH_LABEL = "照合・書込 / matching, writing"
MASTER_SHEETS = ("items", "mapping", "bom")
PULLED_SHEETS = ("rms_stock", "orders", "warehouse", "inbound")


@dataclass(frozen=True)
class PullSources:
    """The ports a pull reads (bootstrap builds them from the settings)."""

    rms_inventory: RmsInventory
    rms_orders: RmsOrders
    rms_license: RmsLicense
    warehouse: WarehouseSource
    ledger: LedgerSource
    other_orders: Sequence[OrderExportSource] = ()
    inbound: TableSource | None = None


@dataclass(frozen=True)
class PullOptions:
    now: datetime  # JST, naive: the pull's time
    run_id: str
    workbook: str  # the workbook's file name (journal, messages)
    lookback_days: int = 60  # orders ordered, and inbound received, this many days back
    warn_days: int = 14  # license warning from this many days before expiry
    include_shipped: bool = False  # shipped order lines too (RMS and other channels)
    find_unlisted: bool = True  # sweep RMS for SKUs with stock that the master does not name ([rms] find_unlisted)


@dataclass(frozen=True)
class PullReport:
    """What a pull did, for the CLI table, the button's message and tests."""

    run: PullRun
    license: LicenseStatus
    report: pd.DataFrame  # the 照合結果 rows
    warnings: tuple[ZaikoError, ...]  # input warnings of the files (E22x), quantities the sweep skipped (E313)
    rows: dict[str, int]  # sheet key -> data rows written
    previous: PullRun | None  # the pull before this one
    kpi: KpiRecording | None = None  # what went into the KPI history (None: no recorder given)
    unlisted: int = 0  # RMS SKUs with stock that the master does not name (照合結果 rows, problem ``unlisted``)

    @property
    def problems(self) -> int:
        return int((self.report["problem"] != "").sum())

    def summary(self) -> tuple[str, str]:
        """The one-line result in Japanese and English (status cell, button message)."""
        stock, orders, wh = (self.rows.get(k, 0) for k in ("rms_stock", "orders", "warehouse"))
        ja_unlisted = f" (うち商品マスタにない RMS の SKU {self.unlisted:,} 件)" if self.unlisted else ""
        en_unlisted = f" ({self.unlisted:,} of them RMS SKUs not in 商品マスタ)" if self.unlisted else ""
        return (f"取込完了: RMS在庫 {stock:,} SKU・受注 {orders:,} 行・倉庫在庫 {wh:,} 行、"
                f"要確認 {self.problems:,} 件{ja_unlisted}、注意 {len(self.warnings):,} 件",
                f"Pulled {stock:,} RMS SKUs, {orders:,} order lines, {wh:,} warehouse rows; "
                f"{self.problems:,} to check{en_unlisted}, {len(self.warnings):,} warnings")


def pull_workbook(workbook: Workbook, sources: PullSources, journal: PullJournal, options: PullOptions,
                  progress: Progress | None = None, kpi: KpiRecorder | None = None) -> PullReport:
    """Pull every source into the workbook's own sheets at once, journal the pull, record the KPI history.

    ``kpi``: where the pull's numbers go for the KPIs (None: nothing is recorded). Its failure is
    ``report.kpi.problem`` (E703), not an error.

    Raises:
        InputError: a master sheet or an input file is bad (every problem listed; nothing written).
        ApiError: RMS failed, or the license key cannot be used (nothing written).
        StateError: the workbook is open in Excel (E501) or the journal is unusable (nothing written).
    """
    progress = progress or NullProgress()
    previous = journal.last_pull()
    master, files = _read_local(workbook, sources, progress)
    keys, refused = rms_keys_to_pull(master)
    rms = pull_rms(inventory=sources.rms_inventory, orders=sources.rms_orders, license=sources.rms_license,
                   now=options.now, lookback_days=options.lookback_days, warn_days=options.warn_days,
                   keys=keys or None, include_shipped=options.include_shipped,
                   find_unlisted=options.find_unlisted, progress=progress)
    progress.update(MATCH_LABEL, 0, 2)
    unlisted, skipped = _unlisted(master, rms)
    resolved = with_unlisted(resolve_pull(master, _pulled(files, rms, refused, options)), unlisted)
    run = _run(resolved, files, rms, options, len(skipped))
    progress.update(MATCH_LABEL, 1, 2)
    rows = {key: len(resolved.sheets[key]) for key in PULLED_SHEETS} | {"match_report": len(resolved.report)}
    report = PullReport(run, rms.license, resolved.report, files.warnings + skipped, rows, previous,
                        unlisted=len(unlisted))
    workbook.write_sheets(_updates(resolved, report, options))
    journal.record_pull(run)
    if kpi is not None:
        report = replace(report, kpi=record_pull_kpis(kpi, pulled_for_kpi(master, resolved, rms.orders, options.now)))
    progress.update(MATCH_LABEL, 2, 2)
    return report


def _read_local(workbook: Workbook, sources: PullSources, progress: Progress) -> tuple[Master, FilePull]:
    """The master sheets and the files; every problem of every one of them in one error."""
    failures: list[InputError] = []
    frames: dict[str, pd.DataFrame] = {}
    for done, name in enumerate(MASTER_SHEETS):
        progress.update(MASTER_LABEL, done, len(MASTER_SHEETS))
        try:
            frames[name] = workbook.read_sheet(name)
        except InputError as exc:
            failures.append(exc)
    progress.update(MASTER_LABEL, len(MASTER_SHEETS), len(MASTER_SHEETS))
    files = FilePull()
    try:
        files = pull_files(warehouse=sources.warehouse, ledger=sources.ledger, orders=sources.other_orders,
                           inbound=sources.inbound, progress=progress)
    except InputError as exc:
        failures.append(exc)
    if failures:
        raise combine_input_errors(failures)
    return Master(frames["items"], frames["mapping"], frames["bom"]), files


def _unlisted(master: Master, rms: RmsPullResult) -> tuple[pd.DataFrame, tuple[ZaikoError, ...]]:
    """The swept RMS SKUs with stock the master does not name, and the warning of quantities too crowded to list."""
    if rms.sweep is None:
        return unlisted_stock(pd.DataFrame(columns=list(RMS_STOCK_COLUMNS)), master), ()
    crowded = rms.sweep.crowded
    skipped = (CrowdedQuantitySkipped(quantity=quantity_list(crowded)),) if crowded else ()
    return unlisted_stock(rms.sweep.stock, master), skipped


def _pulled(files: FilePull, rms: RmsPullResult, refused: pd.DataFrame, options: PullOptions) -> Pulled:
    since = options.now - timedelta(days=options.lookback_days)
    other = files.orders.frame if files.orders is not None else empty_orders()
    inbound = files.inbound.frame if files.inbound is not None else empty_inbound()
    warehouse, ledger = files.warehouse, files.ledger
    assert warehouse is not None and ledger is not None  # PullSources always has both
    return Pulled(rms_stock=rms.stock, rms_orders=rms.orders, warehouse=warehouse.frame, ledger=ledger.frame,
                  other_orders=recent_orders(other, since, include_shipped=options.include_shipped),
                  inbound=recent_inbound(inbound, since), rms_missing=rms.missing, refused=refused,
                  warehouse_code_kind=warehouse.code_kind)


def _run(resolved: ResolvedPull, files: FilePull, rms: RmsPullResult, options: PullOptions,
         rms_warnings: int = 0) -> PullRun:
    tables = {PullSource.WAREHOUSE.value: files.warehouse, PullSource.LEDGER.value: files.ledger,
              PullSource.OTHER_ORDERS.value: files.orders, PullSource.INBOUND.value: files.inbound}
    present = {source: table for source, table in tables.items() if table is not None}
    names = {PullSource.RMS_STOCK.value: "RMS", PullSource.RMS_ORDERS.value: "RMS"}
    names |= {source: table.source for source, table in present.items()}
    if resolved.counts.loc[PullSource.BOM.value, "rows"]:
        names[PullSource.BOM.value] = f"{options.workbook} [セット構成]"
    warnings = {source: len(table.warnings) for source, table in present.items()}
    warnings[PullSource.RMS_STOCK.value] = rms_warnings
    as_of = as_of_times(options.now, {source: table.frame for source, table in present.items()})
    runs = source_runs(resolved.counts, names, warnings, as_of)
    return PullRun(options.run_id, options.now, options.workbook, rms.license.level.value, rms.license.expiry, runs)


def _updates(resolved: ResolvedPull, report: PullReport, options: PullOptions) -> dict[str, SheetUpdate]:
    """Every sheet and cell of the pull, for one ``write_sheets`` call."""
    at = {"updated_at": options.now}
    updates = {key: SheetUpdate(rows=resolved.sheets[key], cells=at) for key in PULLED_SHEETS}
    grid = {f"summary.{source}.{column}": int(value)
            for source, row in resolved.counts.iterrows() for column, value in row.items()}
    updates["match_report"] = SheetUpdate(rows=resolved.report, cells={**at, **grid})
    license = report.license
    warn = license.level in (LicenseLevel.WARNING, LicenseLevel.UNKNOWN)
    updates["dashboard"] = SheetUpdate(cells={
        "status": " / ".join(report.summary()), "last_run": f"{options.now:%Y-%m-%d %H:%M} {ACTION}",
        "last_pull": options.now, "license_expiry": license.expiry.date() if license.expiry else None,
        "license_warning": license.render() if warn else None})
    return updates
