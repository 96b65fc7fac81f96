"""The RMSへ反映 button: a dry run the person reads, then the send they confirmed.

Both steps call ``push_workbook``, the service behind ``zaiko-xl push --workbook``. Between them
the person reads the question (Excel's alert is modal, so the book cannot change meanwhile);
``send_push`` plans again and sends only when that plan is the one the person confirmed (its
fingerprint), so a confirmation never covers a different plan. The confirmation counts like
``--yes``: it passes the soft guards, never a hard limit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

import pandas as pd

from zaiko_xl.domain.guards import GuardTrip, enforce
from zaiko_xl.errors import PushPlanChanged
from zaiko_xl.ports import Workbook
from zaiko_xl.services.push import Preview, PushDeps, PushOptions, PushResult
from zaiko_xl.services.push_workbook import push_workbook


@dataclass(frozen=True, slots=True)
class PushPlanSummary:
    """The push plan as a person confirms it before anything is sent."""

    changes: int  # SKUs whose RMS stock changes
    up: int  # of which go up
    down: int  # of which go down
    to_zero: int  # of which become 0
    units_up: int  # units added over all SKUs
    units_down: int  # units taken away over all SKUs
    units_before: int
    units_after: int
    trips: tuple[GuardTrip, ...]  # soft guards the person's OK passes (hard ones stop in plan_push)
    fingerprint: str  # identifies the plan the person saw

    def question(self) -> str:
        """The OK/Cancel question (Japanese, then English)."""
        ja = [f"RMS の在庫を {self.changes} SKU 変更します (増 {self.up} / 減 {self.down}、うち 0 にする SKU: "
              f"{self.to_zero})。",
              f"増やす数量 +{self.units_up:,} 個、減らす数量 -{self.units_down:,} 個、"
              f"合計 {self.units_before:,} → {self.units_after:,} 個。内容は「反映計画」シートで確認できます。"]
        en = [f"Change RMS stock of {self.changes} SKUs ({self.up} up, {self.down} down, {self.to_zero} to zero); "
              f"+{self.units_up:,} / -{self.units_down:,} units, total {self.units_before:,} -> "
              f"{self.units_after:,}. See the sheet 反映計画."]
        ja += [f"安全装置 (要確認): {t.detail_ja}" for t in self.trips]
        en += [f"Safety guard (needs your OK): {t.detail_en}" for t in self.trips]
        return "\n".join([*ja, "送信してよろしいですか?", "", *en, "Send now?"])


def plan_fingerprint(plan: pd.DataFrame) -> str:
    """A short hash of what a plan would send (SKU, key, target, delta, mode)."""
    columns = ["sku", "manage_number", "variant_id", "target", "delta", "mode"]
    text = plan.loc[:, columns].astype(str).sort_values("sku").to_csv(index=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plan_summary(shown: Preview) -> PushPlanSummary:
    """The counts of a preview, for the question."""
    counts, delta = shown.counts, shown.plan["delta"]
    return PushPlanSummary(
        changes=counts["skus"], up=counts["up"], down=counts["down"], to_zero=counts["to_zero"],
        units_up=int(delta[delta > 0].sum()), units_down=int(-delta[delta < 0].sum()),
        units_before=counts["units_before"], units_after=counts["units_after"], trips=tuple(shown.trips),
        fingerprint=plan_fingerprint(shown.plan))


def plan_push(book: Workbook, deps: PushDeps, options: PushOptions, *, source: str) -> PushPlanSummary:
    """RMSへ反映, step 1: the dry run (反映計画 written, nothing sent) and its summary.

    Raises:
        GuardHardLimit: the plan is past a hard limit; nobody may confirm it, so nobody is asked.
        and what ``push_workbook`` raises when planning (BadValue on a ticked row, SheetMissing).
    """
    shown = push_workbook(book, deps, replace(options, confirmed=False), source=source, dry_run=True).preview
    enforce([t for t in shown.trips if t.hard], confirmed=True)
    return plan_summary(shown)


def send_push(book: Workbook, plan: PushPlanSummary, deps: PushDeps, options: PushOptions, *,
              source: str) -> tuple[str, str]:
    """RMSへ反映, step 2: send the plan the person confirmed (guarded, journaled, resumable).

    Returns:
        What the button reports (Japanese, English): the run's counts, its ID and how to undo it.

    Raises:
        PushPlanChanged: the workbook now gives a different plan; nothing was sent.
        and what ``push_workbook`` raises (hard limit, stale pull, lock, unfinished run).
    """
    def same_plan(shown: Preview) -> bool:
        if plan_fingerprint(shown.plan) != plan.fingerprint:
            raise PushPlanChanged(count=len(shown.plan))
        return True

    done = push_workbook(book, deps, replace(options, confirmed=False), source=source, confirm=same_plan)
    if done.result is None:
        return NOTHING_TO_SEND
    ja, en = result_message(done.result)
    if done.sheet_note:
        ja, en = f"{ja}\n「反映計画」シートは更新できませんでした: {done.sheet_note}", f"{en}\nThe sheet 反映計画 was not updated."
    return ja, en


NOTHING_TO_SEND = ("RMS と違う確定在庫はありません。送信するものはありません。", "Nothing differs from RMS; nothing to send.")


def result_message(result: PushResult) -> tuple[str, str]:
    """A run's outcome in one short paragraph per language."""
    counts, unknown = result.counts, len(result.unknown)
    ja = (f"反映 {counts.get('applied', 0):,} SKU、失敗 {counts.get('failed', 0):,}、未確定 {unknown:,} "
          f"(実行 ID {result.run_id})。取り消すには: zaiko-xl rollback {result.run_id}")
    en = (f"{counts.get('applied', 0):,} SKUs applied, {counts.get('failed', 0):,} failed, {unknown:,} unknown "
          f"(run {result.run_id}). To undo: zaiko-xl rollback {result.run_id}")
    if unknown:
        ja, en = f"{ja}\n未確定の SKU は zaiko-xl push --resume で確定します。", f"{en}\nSettle them with zaiko-xl push --resume."
    return ja, en
