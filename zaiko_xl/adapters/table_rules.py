"""Rules across the cells of a row or across rows, per table kind, applied after conversion.

Each rule reports through the validator's ``Report`` (problems are fatal, warnings are not)
and returns the frame it was given, possibly with derived columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from zaiko_xl.adapters.cells import is_blank
from zaiko_xl.adapters.schemas import TableSchema
from zaiko_xl.domain.model import MovementKind, OrderStatus
from zaiko_xl.errors import AvailableMismatch, DuplicateRowMerged, DuplicateSku, OverAllocated

if TYPE_CHECKING:
    from zaiko_xl.adapters.validate import Report


def apply_rules(schema: TableSchema, values: pd.DataFrame, report: Report) -> pd.DataFrame:
    """Run the rules of the schema's kind (if any) on converted values (index = row numbers)."""
    rule = {"warehouse": _warehouse, "ledger": _ledger, "orders": _orders}.get(schema.kind)
    return rule(values, report) if rule else values


def _warehouse(values: pd.DataFrame, report: Report) -> pd.DataFrame:
    """``reserved`` absent -> 0; ``available`` blank -> on hand - reserved; warn when they disagree."""
    if "on_hand" not in values:
        return values
    if "reserved" not in values:
        values["reserved"] = 0
    expected = values["on_hand"] - values["reserved"]
    given = values["available"] if "available" in values else pd.Series(float("nan"), index=values.index)
    over = values["reserved"] > values["on_hand"]
    for row in over[over].index:
        report.warn(OverAllocated, int(row), "reserved", reserved=int(values.at[row, "reserved"]),
                    on_hand=int(values.at[row, "on_hand"]))
    mismatch = given.notna() & expected.notna() & (given != expected)
    for row in mismatch[mismatch].index:
        report.warn(AvailableMismatch, int(row), "available", available=int(given[row]), expected=int(expected[row]))
    values["available"] = given.fillna(expected)
    return values


def _ledger(values: pd.DataFrame, report: Report) -> pd.DataFrame:
    """Only 交換 and 棚卸調整 carry a sign; every other movement's quantity is 0 or more."""
    if "kind" not in values or "quantity" not in values:
        return values
    signed = {MovementKind.EXCHANGE.value, MovementKind.STOCKTAKE.value}
    negative = ~values["kind"].isin(signed) & (values["quantity"] < 0)
    for row in negative[negative].index:
        report.bad_value(int(row), "quantity", int(values.at[row, "quantity"]), "positive_for_kind",
                         kind=values.at[row, "kind"])
    return values


def _orders(values: pd.DataFrame, report: Report) -> pd.DataFrame:
    """``changed_at`` is empty (NaT) while a line is unshipped."""
    if "changed_at" in values and "status" in values:
        values["changed_at"] = values["changed_at"].where(values["status"] != OrderStatus.UNSHIPPED.value)
    return values


def merge_duplicates(frame: pd.DataFrame, schema: TableSchema, report: Report) -> pd.DataFrame:
    """Rows with the same key: those that agree merge into the first (warning), others are fatal (E206)."""
    key = [k for k in schema.key if k in frame]
    if not key or not len(frame):
        return frame
    keyed = frame[~is_blank(frame[key[0]])]
    repeated = keyed[keyed.duplicated(subset=key, keep=False)]
    compared = [c for c in schema.compare if c in frame] or list(frame.columns)
    drop: list[int] = []
    for _, group in repeated.groupby(key, sort=False, dropna=False):
        first = group.index[0]
        for row in group.index[1:]:
            if group.loc[row, compared].equals(group.loc[first, compared]):
                report.warn(DuplicateRowMerged, int(row), key[0], row_first=int(first))
                drop.append(row)
            else:
                report.problem(DuplicateSku, int(row), key[0], sku=str(group.at[row, key[0]]),
                               detail_ja=f"{first}行目と値が異なります", detail_en=f"its values differ from row {first}")
    return frame.drop(index=drop)
