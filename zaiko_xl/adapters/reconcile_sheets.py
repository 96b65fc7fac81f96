"""Reconciliation on the shop's workbook: the pulled and the user's sheets in, 在庫比較 out.

``WorkbookReconcileSources`` (port ``ReconcileSources``) reads what ``zaiko-xl pull`` wrote
(RMS在庫, 倉庫在庫, 受注, 入荷予定: codes already matched, ``sku`` + ``match``) and the shop's
own sheets (商品マスタ, 対応表, セット構成, and 社内台帳 unless the ledger is a file of its own).
``WorkbookComparisonSheet`` (port ``ComparisonSheet``) reads the person's decisions back from
在庫比較 and writes the new rows and the summary block in one save. Both work on any
``Workbook`` port: the file in batch runs (``WorkbookFile``), the open book behind a button.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from zaiko_xl.adapters.columns import (
    BOM,
    CAUSE_LABELS,
    INBOUND,
    ITEMS,
    LEDGER,
    MAPPING,
    ORDERS,
    RECONCILE,
    RMS_STOCK,
    WAREHOUSE,
    grid_cells,
)
from zaiko_xl.domain.model import MovementKind
from zaiko_xl.domain.reconcile_inputs import SourceFrames
from zaiko_xl.domain.reconcile_run import ReconcileSummary
from zaiko_xl.errors import BadValue, InputProblems, SheetMissing, where
from zaiko_xl.ports import LedgerSource, SheetUpdate, Workbook, WorkbookSource

_CAUSE_KEY = {label: key for key, label in CAUSE_LABELS.items()}  # 遅延 -> delay
_KINDS = frozenset(k.value for k in MovementKind)
_INTS = {"warehouse": ("on_hand", "reserved", "available"), "rms_stock": ("quantity",),
         "orders": ("quantity",), "inbound": ("quantity",), "ledger": ("quantity",)}
MAX_REPORTED = 500


@dataclass(frozen=True)
class WorkbookReconcileSources:
    """``ReconcileSources`` on the workbook's sheets.

    Args:
        book: the workbook (file or open book).
        name: its file name, for messages.
        ledger: the ledger when it is a file of its own (``[ledger] file``); None: the 社内台帳 sheet.
    """

    book: WorkbookSource
    name: str
    ledger: LedgerSource | None = None

    def load(self) -> SourceFrames:
        items = self.book.read_sheet(ITEMS.name).reset_index(drop=True)
        bom_rows = self.book.read_sheet(BOM.name).reset_index(drop=True)
        frames = {key: _whole_numbers(self.book.read_sheet(spec.name).reset_index(drop=True), key)
                  for key, spec in (("warehouse", WAREHOUSE), ("rms_stock", RMS_STOCK), ("orders", ORDERS),
                                    ("inbound", INBOUND))}
        pulled_at = self.book.read_cells(RMS_STOCK.name).get("updated_at")  # pull writes the pull time there
        return SourceFrames(items=items.assign(is_set=items["is_set"].fillna(False).astype(bool)),
                            bom=_bom(bom_rows), set_rules=_set_rules(bom_rows), mapping=self._mapping(),
                            ledger=self._ledger(), pulled_at=pulled_at if isinstance(pulled_at, datetime) else None,
                            **frames)

    def _mapping(self) -> pd.DataFrame | None:
        try:
            return self.book.read_sheet(MAPPING.name).reset_index(drop=True)
        except SheetMissing:
            return None  # a shop without a mapping sheet matches by the item master alone

    def _ledger(self) -> pd.DataFrame:
        if self.ledger is not None:
            return self.ledger.read_ledger().frame.reset_index(drop=True)
        rows = self.book.read_sheet(LEDGER.name)
        _check_kinds(rows, self.name)
        return _whole_numbers(rows.reset_index(drop=True), "ledger")


def _bom(rows: pd.DataFrame) -> pd.DataFrame:
    bom = rows.loc[:, ["set_sku", "component_sku", "quantity"]]
    return bom.astype({"set_sku": "str", "component_sku": "str", "quantity": "int64"})


def _set_rules(rows: pd.DataFrame) -> pd.DataFrame:
    """セット構成's priority and cap: one value per set, written on any of its rows (the first one counts)."""
    by_set = rows.groupby("set_sku", sort=True)
    rules = pd.DataFrame({"priority": by_set["priority"].first(), "cap": by_set["cap"].first()})
    rules = rules.reset_index().astype({"set_sku": "str"})
    rules["cap"] = pd.to_numeric(rules["cap"]).astype("Int64")
    return rules


def _whole_numbers(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Blank quantity cells count as 0 (the sheets hold whole numbers)."""
    return frame.assign(**{c: pd.to_numeric(frame[c]).fillna(0).astype("int64") for c in _INTS[key]})


def _check_kinds(rows: pd.DataFrame, file: str) -> None:
    """Every 区分 of 社内台帳 is one of the six movement kinds; each other value is named by row."""
    bad = rows[~rows["kind"].isin(_KINDS)]
    if bad.empty:
        return
    header = LEDGER.column("kind").header
    problems = [BadValue(**where(file, LEDGER.name, int(row), header), value=value,
                         detail_ja="区分は 入荷 出荷 返品 キャンセル戻し 交換 棚卸調整 のどれか",
                         detail_en="the kind must be one of 入荷 出荷 返品 キャンセル戻し 交換 棚卸調整")
                for row, value in bad["kind"].items()]
    if len(problems) == 1:
        raise problems[0]
    raise InputProblems(file=file, count=len(problems), problems=problems[:MAX_REPORTED])


@dataclass(frozen=True)
class WorkbookComparisonSheet:
    """``ComparisonSheet`` on 在庫比較: decisions read back, rows and summary written in one save."""

    book: Workbook

    def read_decisions(self) -> pd.DataFrame:
        rows = self.book.read_sheet(RECONCILE.name)
        return pd.DataFrame({"sku": rows["sku"].astype("str").to_numpy(),
                             "confirmed": _int64(rows["confirmed"]), "push": rows["push"].fillna(False).astype(bool),
                             "suggested": _int64(rows["suggested"])})

    def write(self, rows: pd.DataFrame, summary: ReconcileSummary) -> None:
        frame = rows.assign(cause=rows["cause"].map(_CAUSE_KEY).fillna(rows["cause"]))
        self.book.write_sheets({RECONCILE.name: SheetUpdate(rows=frame, cells=summary_cells(summary))})


def summary_cells(summary: ReconcileSummary) -> dict[str, object]:
    """The 在庫比較 summary block: per cause (and in total) the SKUs and the units RMS is off by."""
    counts = {_CAUSE_KEY[label]: n for label, n in summary.counts.items()}
    units = {_CAUSE_KEY[label]: n for label, n in summary.units.items()}
    values = {"count": {**counts, "total": sum(counts.values())}, "units": {**units, "total": sum(units.values())}}
    return grid_cells(RECONCILE.grids[0], values)


def _int64(values: pd.Series) -> np.ndarray:
    return pd.array(pd.to_numeric(values, errors="coerce").round(), dtype="Int64")
