"""Push from the workbook: the 在庫比較 decisions -> a plan; the plan and its outcome -> 反映計画.

The plan's RMS keys and ``before`` values come from the RMS stock as pulled (sheet
``rms_stock``: the value each SKU had at the pull, so ``delta = 確定在庫 - that value``); SKUs
RMS has no record of take their keys from the item master (written ABSOLUTE). The pull time
is the ``rms_stock`` sheet's update time (the stale-pull guard reads it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

import pandas as pd

from zaiko_xl.domain.push_plan import plan_from_confirmed
from zaiko_xl.domain.push_run import Outcome, RunKind
from zaiko_xl.errors import BadValue, InputError, ZaikoError
from zaiko_xl.ports import SheetUpdate, Workbook, WorkbookSource
from zaiko_xl.services.push import (
    PlanContext,
    Preview,
    PushDeps,
    PushOptions,
    PushResult,
    confirmed_by,
    preview,
    send,
)

# outcome -> the 状態 labels of the 反映計画 sheet (adapters/columns.py PUSH_STATUS_LABELS)
_STATUS = {Outcome.APPLIED.value: "sent", Outcome.FAILED.value: "failed", Outcome.SKIPPED.value: "skipped"}


@dataclass(frozen=True)
class WorkbookPlan:
    plan: pd.DataFrame
    context: PlanContext


def plan_from_workbook(book: WorkbookSource, source: str) -> WorkbookPlan:
    """The push plan of the workbook's ticked 在庫比較 rows.

    Raises:
        BadValue: a ticked row without a valid 確定在庫, or without an RMS key anywhere.
    """
    decisions = book.read_sheet("reconcile")
    rms = book.read_sheet("rms_stock")
    rms = rms[rms["sku"].notna()].drop_duplicates("sku", keep="first").set_index("sku")
    rows = pd.DataFrame({
        "sku": decisions["sku"].astype(str).to_numpy(), "row": decisions.index.to_numpy(),
        "confirmed": decisions["confirmed"].to_numpy(), "push": decisions["push"].fillna(False).to_numpy(dtype=bool),
    })
    rows["manage_number"] = rows["sku"].map(rms["manage_number"])
    rows["variant_id"] = rows["sku"].map(rms["variant_id"])
    rows["rms"] = pd.array(rows["sku"].map(rms["quantity"]), dtype="Int64")
    rows = _keys_from_items(book, rows)
    _check_keys(rows)
    pulled_at = book.read_cells("rms_stock").get("updated_at")
    context = PlanContext(RunKind.PUSH, source, pulled_at if isinstance(pulled_at, datetime) else None,
                          total_skus=len(rows), total_units_before=int(rms["quantity"].fillna(0).sum()))
    return WorkbookPlan(plan=plan_from_confirmed(rows), context=context)


def plan_sheet(plan: pd.DataFrame, outcomes: pd.Series | None = None) -> dict[str, SheetUpdate]:
    """The 反映計画 sheet: before, after, change, reason and status per planned SKU.

    Args:
        plan: the plan.
        outcomes: ``sku`` -> outcome of the run's items (None: a preview, every row "planned").
    """
    status = pd.Series("planned", index=plan.index)
    if outcomes is not None:
        status = plan["sku"].map(outcomes).map(_STATUS).fillna("planned")
    rows = pd.DataFrame({
        "sku": plan["sku"], "manage_number": plan["manage_number"], "variant_id": plan["variant_id"],
        "before": plan["before"], "after": plan["target"], "change": plan["delta"], "reason": plan["why"],
        "status": status,
    })
    return {"push_plan": SheetUpdate(rows=rows)}


def _keys_from_items(book: WorkbookSource, rows: pd.DataFrame) -> pd.DataFrame:
    missing = rows["manage_number"].isna() & rows["push"]
    if not missing.any():
        return rows
    try:
        items = book.read_sheet("items")
    except InputError:
        return rows  # no item master: _check_keys names the row
    items = items[items["sku"].notna()].drop_duplicates("sku").set_index("sku")
    for column in ("manage_number", "variant_id"):
        found = rows["sku"].map(items[column]).astype(object)
        rows[column] = rows[column].astype(object).where(~missing, found)
    return rows


def _check_keys(rows: pd.DataFrame) -> None:
    bad = rows["push"] & (rows["manage_number"].isna() | rows["variant_id"].isna())
    if bad.any():
        first = rows[bad].iloc[0]
        raise BadValue(where_ja=f"シート「在庫比較」{first['row']}行目 列「商品コード」",
                       where_en=f"sheet '在庫比較', row {first['row']}, column '商品コード'", value=first["sku"],
                       detail_ja="RMS在庫にも商品マスタにも商品管理番号と SKU管理番号がありません",
                       detail_en="neither RMS在庫 nor 商品マスタ gives its manageNumber and variantId")


@dataclass(frozen=True)
class WorkbookPush:
    """What ``push --workbook`` did: the preview, and the run (None for a dry run)."""

    preview: Preview
    result: PushResult | None
    sheet_note: str = ""  # why the 反映計画 sheet could not be updated, if it could not


def push_workbook(book: Workbook, deps: PushDeps, options: PushOptions, *, source: str, dry_run: bool = False,
                  confirm: Callable[[Preview], bool] | None = None) -> WorkbookPush:
    """Plan from the workbook, show it on 反映計画, ask, send, and record the outcome there.

    Args:
        book: the workbook (read: 在庫比較, RMS在庫, 商品マスタ; written: 反映計画).
        deps, options: as for ``services.push.send``; ``options.confirmed`` means --yes.
        source: the workbook's name, for the journal.
        dry_run: stop after the preview.
        confirm: asks a person (the Excel button, an interactive terminal); None when nobody can
            be asked, then only ``options.confirmed`` lets the plan go.

    Raises:
        ConfirmationNeeded: nobody confirmed a plan that changes something.
        and whatever ``services.push.send`` raises (guards, stale pull, lock, unfinished run).
    """
    planned = plan_from_workbook(book, source)
    shown = preview(planned.plan, planned.context, options.limits)
    book.write_sheets(plan_sheet(planned.plan))
    if dry_run or planned.plan.empty:
        return WorkbookPush(shown, None)
    confirmed = confirmed_by(shown, options, confirm)
    result = send(planned.plan, planned.context, deps, replace(options, confirmed=confirmed))
    try:
        if deps.watch is not None:
            deps.watch.shown(result.shown())  # RMS shows the applied SKUs' confirmed numbers
        book.write_sheets(plan_sheet(planned.plan, result.outcomes()))
    except ZaikoError as exc:  # the push is done; a workbook opened meanwhile must not hide that
        return WorkbookPush(shown, result, sheet_note=exc.render())
    return WorkbookPush(shown, result)
