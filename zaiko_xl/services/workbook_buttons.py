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

from zaiko_xl.domain.reconcile import ReconcileParams
from zaiko_xl.domain.rms import LicenseLevel
from zaiko_xl.errors import NotBuiltYet
from zaiko_xl.ports import ComparisonSheet, Progress, PullJournal, ReconcileHistory, ReconcileSources, Workbook
from zaiko_xl.services.pull import PullOptions, PullSources, pull_workbook
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


@dataclass(frozen=True, slots=True)
class PushPlanSummary:
    """The push plan as a person confirms it before anything is sent."""

    changes: int  # SKUs whose RMS stock changes
    to_zero: int  # of which become 0
    units_before: int
    units_after: int
    run_id: str  # the journaled plan that ``send_push`` sends

    def question(self) -> str:
        return (f"RMS の在庫を {self.changes} SKU 変更します (うち 0 にする SKU: {self.to_zero})。\n"
                f"合計 {self.units_before:,} → {self.units_after:,} 個。内容は「反映計画」シートで確認できます。\n"
                "送信してよろしいですか?\n\n"
                f"Change RMS stock of {self.changes} SKUs ({self.to_zero} to zero); "
                f"total {self.units_before:,} -> {self.units_after:,} units. See the sheet 反映計画. Send now?")


def pull(workbook: Workbook, progress: Progress, sources: PullSources, journal: PullJournal,
         options: PullOptions) -> RunSummary:
    """在庫取込: RMS stock and orders, the files and the master sheets into the pulled sheets (``pull_workbook``)."""
    report = pull_workbook(workbook, sources, journal, options, progress)
    ja, en = report.summary()
    if report.license.level in (LicenseLevel.WARNING, LicenseLevel.UNKNOWN):
        ja, en = f"{ja}\n{report.license.message('ja')}", f"{en}\n{report.license.message('en')}"
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


def plan_push(workbook: Workbook, progress: Progress) -> PushPlanSummary:
    """RMSへ反映, step 1: build and journal the plan from 確定在庫 + 反映, write 反映計画; send nothing."""
    raise NotBuiltYet(command="RMSへ反映 / push")


def send_push(workbook: Workbook, plan: PushPlanSummary, progress: Progress) -> RunSummary:
    """RMSへ反映, step 2: send the confirmed plan (guarded, journaled, resumable)."""
    raise NotBuiltYet(command="RMSへ反映 / push")


def kpi(workbook: Workbook, progress: Progress) -> RunSummary:
    """KPI更新: compute the KPIs and write the KPI sheet."""
    raise NotBuiltYet(command="KPI更新 / kpi")
