"""The reorder ports on the shop's workbook: inputs from its sheets, the plan back into it.

Inputs (docs/data-contracts.md §2, §7): 商品マスタ (item master), 仕入先 (suppliers; the
``closed`` text parsed into ``supplier_closures``), セット構成 (set structure), and what
``zaiko-xl pull`` wrote: 受注 (order lines of every channel, ``sku`` resolved), 倉庫在庫
(warehouse rows, summed per ``sku``) and 入荷予定 (inbound; lines not received are on order).
Rows whose code matched no SKU (blank ``sku``) are left out. The order history starts at
the latest of each channel's first order on 受注 (before it, a channel's orders were not
pulled: those days are unknown, not days without sales). The reorder service joins the
journal's older order lines to these (``services.reorder_history``).

Output: the 発注 and 発注書 sheets in one atomic save of the workbook (``WorkbookSink``), and
one Shift_JIS (CP932) CSV per purchase order in a folder beside the workbook. Every CSV is
encoded before anything is written, so a character CP932 cannot hold stops the run with
nothing written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from zaiko_xl.adapters.columns import BOM, INBOUND, ITEMS, ORDERS, SUPPLIERS, WAREHOUSE
from zaiko_xl.adapters.po_csv import cp932_csv_bytes, write_cp932_csv
from zaiko_xl.domain.order_history import channel_first_days, history_start
from zaiko_xl.domain.reorder_frames import ReorderInputs
from zaiko_xl.domain.suppliers import parse_closed_periods
from zaiko_xl.errors import BadValue, InputProblems, where
from zaiko_xl.ports import SheetUpdate, WorkbookSink, WorkbookSource


class WorkbookReorderSource:
    """The ``ReorderSource`` port on the workbook's sheets (a file, or the open book in Excel)."""

    def __init__(self, book: WorkbookSource, file: str) -> None:
        self.book, self.file = book, file

    def load(self) -> ReorderInputs:
        suppliers = self.book.read_sheet(SUPPLIERS.name)
        orders = _resolved(self.book.read_sheet(ORDERS.name))
        warehouse = _resolved(self.book.read_sheet(WAREHOUSE.name))
        stock = warehouse.groupby("sku", as_index=False)["on_hand"].sum(min_count=1)
        return ReorderInputs(
            items=self.book.read_sheet(ITEMS.name), suppliers=suppliers, stock=stock, orders=orders,
            inbound=_resolved(self.book.read_sheet(INBOUND.name)), bom=self.book.read_sheet(BOM.name),
            supplier_closures=closures(suppliers, self.file), history_start=history_start(channel_first_days(orders)))


def _resolved(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows whose code was matched to a SKU."""
    sku = frame["sku"].fillna("").astype(str).str.strip()
    return frame.loc[sku != ""].assign(sku=sku[sku != ""])


def closures(suppliers: pd.DataFrame, file: str) -> pd.DataFrame:
    """The ``supplier_closures`` frame from the suppliers' ``closed`` text; every bad cell at once.

    Raises:
        BadValue: one cell is not ``YYYY-MM-DD..YYYY-MM-DD 名前; ...``; InputProblems (E210): several.
    """
    rows, problems = [], []
    column = SUPPLIERS.column("closed").header
    for excel_row, code, text in zip(suppliers.index, suppliers["supplier"], suppliers["closed"], strict=True):
        try:
            periods = parse_closed_periods(None if pd.isna(text) else str(text))
        except ValueError:
            problems.append(BadValue(**where(file, SUPPLIERS.name, int(excel_row), column), value=text,
                                     detail_ja="「2026-12-29..2027-01-04 年末年始; 2027-08-13..2027-08-16 お盆」の形で",
                                     detail_en="write it as '2026-12-29..2027-01-04 年末年始; 2027-08-13..2027-08-16 お盆'"))
            continue
        rows += [(str(code).strip(), p.start, p.end, p.label) for p in periods]
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputProblems(file=file, count=len(problems), problems=problems)
    return pd.DataFrame(rows, columns=["supplier", "start", "end", "label"])


class WorkbookReorderSink:
    """The ``ReorderSink`` port: 発注 and 発注書 into the workbook, purchase-order CSVs into ``folder``."""

    def __init__(self, book: WorkbookSink, label: str, folder: Path) -> None:
        self.book, self.label, self.folder = book, label, folder

    def write(self, sheets: Mapping[str, pd.DataFrame], purchase_orders: Sequence[tuple[str, pd.DataFrame]]) -> list[str]:
        files = {self.folder / (re.sub(r'[\\/:*?"<>|\s]+', "_", name) + ".csv"): table
                 for name, table in purchase_orders}
        for path, table in files.items():  # every file is checked before anything is written
            cp932_csv_bytes(table, path)
        self.book.write_sheets({name: SheetUpdate(rows=rows) for name, rows in sheets.items()})
        if files:
            self.folder.mkdir(parents=True, exist_ok=True)
        for path, table in files.items():
            write_cp932_csv(path, table)
        return [self.label, *(str(p) for p in files)]
