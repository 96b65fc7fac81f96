"""The column math behind the ZAIKO_ functions, shared by the UDFs and the 発注 sheet builder.

A UDF parses its cells into ``Col`` (floats + which cells were empty), calls one of the
``*_column`` functions and shows the result; the sheet builder calls the same functions on
the values it writes, so the cached values in the file are exactly what the UDFs compute.
Empty optional cells take their default; an empty required cell or text where a number
belongs is E261; the first problem of a row wins (arguments in order).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from zaiko_xl.domain import replenish as rp
from zaiko_xl.domain.rowcheck import RowErrors

DEFAULT_SERVICE_LEVEL = 0.95


class Col(NamedTuple):
    """Numbers of one argument per row: NaN where empty or not a number; ``empty`` marks empty cells."""

    values: np.ndarray
    empty: np.ndarray


def _is_empty(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def parse_numbers(cells: Sequence[Any]) -> Col:
    """Cells (numbers, numeric text, None, "", text) -> ``Col``; inf counts as not a number."""
    cells = list(cells)
    try:
        values = np.array(cells, dtype=float)
    except (TypeError, ValueError):
        values = np.array([_to_float(v) for v in cells], dtype=float)
    if np.isnan(values).any():
        empty = np.fromiter((_is_empty(v) for v in cells), bool, len(cells))
    else:
        empty = np.zeros(len(cells), bool)
    return Col(np.where(np.isfinite(values), values, np.nan), empty)


def _to_float(v: Any) -> float:
    if _is_empty(v):
        return float("nan")
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def parse_texts(cells: Sequence[Any]) -> np.ndarray:
    """Cells as stripped text (``""`` for empty)."""
    return np.array(["" if _is_empty(v) else str(v).strip() for v in cells], dtype=object)


def required(col: Col, name: str, errors: RowErrors) -> np.ndarray:
    errors.flag(np.isnan(col.values), "E261", name)
    return col.values


def optional(col: Col, name: str, errors: RowErrors, default: float) -> np.ndarray:
    values = np.where(col.empty, default, col.values)
    errors.flag(np.isnan(values), "E261", name)
    return values


def all_empty(*cols: Col) -> np.ndarray:
    """Rows where every given argument is empty (the unused tail of a whole-column range)."""
    blank = np.ones(len(cols[0].empty), bool)
    for col in cols:
        blank &= col.empty
    return blank


def safety_stock_column(demand_mean: Col, demand_std: Col, lead_time: Col, lead_time_std: Col, service_level: Col,
                        review_days: Col, service_type: np.ndarray, lot: Col,
                        moq: Col | None = None) -> tuple[np.ndarray, RowErrors]:
    """ZAIKO_SAFETY_STOCK: SS per row (cycle or fill-rate target; the MOQ only matters for a fill rate)."""
    errors = RowErrors(len(demand_mean.values))
    frame = pd.DataFrame({
        "demand_mean": required(demand_mean, "demand_mean", errors),
        "demand_std": required(demand_std, "demand_std", errors),
        "lead_time": required(lead_time, "lead_time", errors),
        "lead_time_std": optional(lead_time_std, "lead_time_std", errors, 0.0),
        "service_level": optional(service_level, "service_level", errors, DEFAULT_SERVICE_LEVEL),
        "review_days": optional(review_days, "review_days", errors, 0.0),
        "lot": optional(lot, "lot", errors, 0.0), "service_type": service_type,
        "moq": optional(moq, "moq", errors, 0.0) if moq is not None else 0.0})
    plan, policy_errors = rp.plan_policy(frame)
    errors.merge(policy_errors)
    return plan["safety_stock"].to_numpy(), errors


def level_column(kind: str, demand_mean: Col, lead_time: Col, safety_stock: Col, review_days: Col,
                 lot: Col | None = None) -> tuple[np.ndarray, RowErrors]:
    """ZAIKO_REORDER_POINT (``kind="reorder_point"``) or ZAIKO_ORDER_UP_TO (``"order_up_to"``)."""
    errors = RowErrors(len(demand_mean.values))
    d = required(demand_mean, "demand_mean", errors)
    lt = required(lead_time, "lead_time", errors)
    ss = required(safety_stock, "safety_stock", errors)
    r = optional(review_days, "review_days", errors, 0.0)
    q = optional(lot, "lot", errors, 0.0) if lot is not None else np.zeros_like(d)
    for name, values in (("demand_mean", d), ("lead_time", lt), ("safety_stock", ss), ("review_days", r), ("lot", q)):
        errors.flag(values < 0, "E262", name)
    if kind == "reorder_point":
        return rp.reorder_point(d, lt, ss, r), errors
    return rp.order_up_to_level(d, lt, ss, r, q), errors


def order_qty_column(position: Col, reorder_point: Col, order_up_to: Col, moq: Col, case_pack: Col,
                     review_days: Col, order_rule: np.ndarray, lot: Col) -> tuple[np.ndarray, RowErrors]:
    """ZAIKO_ORDER_QTY: the rounded order quantity per row (a blank ROP is right when R > 0)."""
    errors = RowErrors(len(position.values))
    ip = required(position, "inventory_position", errors)
    review = optional(review_days, "review_days", errors, 0.0)
    rop = reorder_point.values
    errors.flag(np.isnan(rop) & ~(review > 0), "E261", "reorder_point")
    up_to = required(order_up_to, "order_up_to", errors)
    moq_ = optional(moq, "moq", errors, 0.0)
    pack = optional(case_pack, "case_pack", errors, 1.0)
    lot_ = optional(lot, "lot", errors, 0.0)
    rule = rp.normalise_choice(order_rule, rp.ORDER_RULES, "order_up_to")
    errors.require_whole(moq_, "moq", 0)
    errors.require_whole(pack, "case_pack", 1)
    errors.flag(review < 0, "E262", "review_days")
    errors.flag(lot_ < 0, "E262", "lot")
    errors.flag(np.equal(rule, None), "E266", "order_rule", choices="order_up_to / fixed_lot")
    errors.flag((rule == "fixed_lot") & (review == 0) & ~(lot_ > 0), "E274", "lot")
    raw, _ = rp.raw_order_quantity(ip, rop, up_to, review, lot_, rule == "fixed_lot")
    qty = rp.round_order_quantity(np.where(errors.ok, raw, 0.0), moq_, pack)
    return qty.astype(float), errors


def shown_values(values: np.ndarray, errors: RowErrors, blank: np.ndarray) -> list[Any]:
    """What each cell shows: the number, ``#E2xx ...`` on error rows, "" on blank or NaN rows."""
    out: list[Any] = np.asarray(values, dtype=float).tolist()
    texts = errors.texts() if not errors.ok.all() else None
    for i, v in enumerate(out):
        if blank[i]:
            out[i] = ""
        elif texts is not None and texts[i]:
            out[i] = texts[i]
        elif v != v:
            out[i] = ""
    return out
