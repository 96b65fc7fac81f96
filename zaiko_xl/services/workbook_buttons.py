"""The one service call behind each workbook button (and its CLI command), as far as it is built.

The features behind the buttons are built in parallel: pull (issues 3 and 4), reconcile (6),
reorder (7), push (8), KPIs (9). Until a feature's own service exists on this branch, its
function here raises NotBuiltYet, so that every button is wired end to end and says clearly
what is missing. When a service lands, replace the body with a call into it (keep the
signature, or change it here and in ``entrypoints/excel_macros.py`` together).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from zaiko_xl.domain.notify import format_value
from zaiko_xl.domain.reconcile import ReconcileParams
from zaiko_xl.domain.rms import LicenseLevel
from zaiko_xl.ports import (
    BaselineStore,
    ComparisonSheet,
    KpiRecorder,
    KpiSource,
    Progress,
    PullJournal,
    ReconcileHistory,
    ReconcileSources,
    Workbook,
)
from zaiko_xl.services import push_button
from zaiko_xl.services.kpi import KpiOptions, refresh_kpis
from zaiko_xl.services.pull import PullOptions, PullSources, pull_workbook
from zaiko_xl.services.push import PushDeps, PushOptions
from zaiko_xl.services.push_button import NOTHING_TO_SEND, PushPlanSummary
from zaiko_xl.services.reconcile import reconcile as reconcile_service
from zaiko_xl.services.reorder import ReorderResult

RECONCILE_LABEL = "差異チェック / reconcile"


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a button reports when it is done (status cell and a short message)."""

    message_ja: str
    message_en: str

    def render(self) -> str:
        return f"{self.message_ja} / {self.message_en}"


def pull(workbook: Workbook, progress: Progress, sources: PullSources, journal: PullJournal,
         options: PullOptions, kpi: KpiRecorder | None = None) -> RunSummary:
    """在庫取込: RMS stock and orders, the files and the master sheets into the pulled sheets (``pull_workbook``),
    and the pull's numbers into the KPI history (``kpi``); a KPI recording failure is told, not raised."""
    report = pull_workbook(workbook, sources, journal, options, progress, kpi)
    ja, en = report.summary()
    if report.license.level in (LicenseLevel.WARNING, LicenseLevel.UNKNOWN):
        ja, en = f"{ja}\n{report.license.message('ja')}", f"{en}\n{report.license.message('en')}"
    if report.kpi is not None and report.kpi.problem is not None:
        problem = report.kpi.problem
        ja, en = f"{ja}\n{problem.code} {problem.message('ja')}", f"{en}\n{problem.code} {problem.message('en')}"
    return RunSummary(ja, en)


def reconcile(sources: ReconcileSources, sheet: ComparisonSheet, history: ReconcileHistory, *,
              params: ReconcileParams, as_of: datetime, run_id: str, progress: Progress) -> RunSummary:
    """差異チェック: compare, classify, write 在庫比較 (keeping hand edits); the service of `zaiko-xl reconcile`."""
    progress.update(RECONCILE_LABEL, 0, 1)
    report = reconcile_service(sources, sheet, history, params=params, as_of=as_of, run_id=run_id)
    progress.update(RECONCILE_LABEL, 1, 1)
    s = report.summary
    return RunSummary(
        f"在庫比較を更新しました: {s.skus:,} SKU、差異 {s.differing:,} 件、リスク数量 {s.units_at_risk:,} 個"
        f"、手修正を保持 {s.edited:,} 件",
        f"在庫比較 updated: {s.skus:,} SKUs, {s.differing:,} differing, {s.units_at_risk:,} units at risk, "
        f"{s.edited:,} hand edits kept")


def reorder_summary(result: ReorderResult) -> RunSummary:
    """発注計算 (``services.reorder.run_reorder``, the service the CLI calls too): what the button reports."""
    summary = result.summary()
    orders = summary["suppliers"]
    amount = sum(row["amount"] for row in orders)  # type: ignore[union-attr]
    return RunSummary(
        f"発注 {summary['to_order']} SKU、発注書 {len(orders)} 件 (合計 {amount:,.0f} 円)、問題 {summary['problems']} 件",
        f"{summary['to_order']} SKUs to order, {len(orders)} purchase orders ({amount:,.0f} yen), "
        f"{summary['problems']} problems")


def plan_push(workbook: Workbook, deps: PushDeps, options: PushOptions, *, source: str) -> PushPlanSummary:
    """RMSへ反映, step 1: the dry run of ``push_workbook`` (反映計画 written, nothing sent) and its counts."""
    return push_button.plan_push(workbook, deps, options, source=source)


def send_push(workbook: Workbook, plan: PushPlanSummary, deps: PushDeps, options: PushOptions, *,
              source: str) -> RunSummary:
    """RMSへ反映, step 2 (after ``plan_push`` and the person's OK): the guarded, journaled send."""
    return RunSummary(*push_button.send_push(workbook, plan, deps, options, source=source))


NOTHING_TO_PUSH = RunSummary(*NOTHING_TO_SEND)


def kpi(workbook: Workbook, source: KpiSource, options: KpiOptions, progress: Progress,
        baseline: BaselineStore | None = None) -> RunSummary:
    """KPI更新: compute the KPIs and write the KPI sheets (the same service as `zaiko-xl kpi`)."""
    progress.update("KPI", 0, 1)
    result = refresh_kpis(source, options, workbook, baseline)
    progress.update("KPI", 1, 1)
    stockout = result.report.value("stockout_rate")
    cancel = result.report.value("stock_cancel_rate")
    cal = result.report.calendar
    return RunSummary(f"KPI を更新しました ({cal.start}〜{cal.end}): 欠品率 {format_value(stockout, '%')}、"
                      f"受注後キャンセル率 {format_value(cancel, '%')}",
                      f"KPIs updated ({cal.start} to {cal.end}): stockout rate {format_value(stockout, '%')}, "
                      f"cancellations for missing stock {format_value(cancel, '%')}")
