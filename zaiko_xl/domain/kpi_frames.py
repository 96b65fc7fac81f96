"""Column contracts of the KPI input frames (docs/data-contracts.md, section 5). Pure.

``check_frame`` coerces a frame to its contract (datetime64 for times, int64 for counts,
str for labels) and raises ``KpiInputInvalid`` naming the frame and column when it cannot.
Optional columns are filled with their neutral value when absent. Text columns keep their dtype
(categorical text is fastest at 100,000 SKUs); an empty text cell matches no label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from zaiko_xl.errors import KpiInputInvalid

TIME, INT, TEXT = "time", "int", "text"


@dataclass(frozen=True)
class FrameContract:
    name: str
    required: dict[str, str]
    optional: dict[str, str]


STOCK_HISTORY = FrameContract("stock_history", {"sku": TEXT, "day": TIME, "on_hand": INT, "sellable": INT}, {})
ORDERS = FrameContract(
    "orders",
    {"order_number": TEXT, "sku": TEXT, "quantity": INT, "status": TEXT, "ordered_at": TIME},
    {"channel": TEXT, "changed_at": TIME, "cancel_reason": TEXT},
)
API_CALLS = FrameContract(
    "api_calls", {"at": TIME, "function": TEXT, "status": INT},
    {"error_code": TEXT, "attempt": INT, "run_id": TEXT},
)
SYNC_EVENTS = FrameContract("sync_events", {"sku": TEXT, "changed_at": TIME, "shown_at": TIME}, {"source": TEXT})
RECONCILE_RESULTS = FrameContract("reconcile_results", {"run_id": TEXT, "at": TIME, "cause": TEXT, "skus": INT}, {})
RETURNS = FrameContract("returns", {"sku": TEXT, "received_at": TIME, "booked_at": TIME}, {"reference": TEXT})
ITEM_COSTS = FrameContract("items", {"sku": TEXT, "unit_cost": INT}, {})

_NEUTRAL = {TIME: pd.NaT, INT: 0, TEXT: ""}


def check_frame(frame: pd.DataFrame | None, contract: FrameContract) -> pd.DataFrame:
    """The frame with its contract's columns in contract dtypes (an empty frame for None)."""
    columns = {**contract.required, **contract.optional}
    if frame is None:
        return pd.DataFrame({c: _empty(kind) for c, kind in columns.items()})
    out = {}
    for column, kind in columns.items():
        if column in frame.columns:
            out[column] = _coerce(frame[column], kind, contract.name, column)
        elif column in contract.required:
            raise KpiInputInvalid(frame=contract.name, detail_ja=f"必須の列「{column}」がありません",
                                  detail_en=f"required column '{column}' is missing")
        else:
            out[column] = pd.Series(_NEUTRAL[kind], index=frame.index, dtype=_empty(kind).dtype)
    checked = pd.DataFrame(out, index=frame.index, copy=False)
    return checked if isinstance(checked.index, pd.RangeIndex) else checked.reset_index(drop=True)


def has_column(frame: pd.DataFrame | None, column: str) -> bool:
    return frame is not None and column in frame.columns


def _empty(kind: str) -> pd.Series:
    dtype = {TIME: "datetime64[ns]", INT: "int64", TEXT: object}[kind]
    return pd.Series([], dtype=dtype)


def _coerce(values: pd.Series, kind: str, frame: str, column: str) -> pd.Series:
    try:
        if kind == TIME:
            return pd.to_datetime(values).astype("datetime64[ns]")
        if kind == INT:
            if values.isna().any():
                raise ValueError("empty cells")
            return values.astype(np.int64)
        # text stays as given (categoricals are fastest); empty cells stay NaN and never match a label
        if isinstance(values.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(values.dtype) \
                or values.dtype == object:
            return values
        return values.astype(str)
    except (ValueError, TypeError) as exc:
        raise KpiInputInvalid(frame=frame, detail_ja=f"列「{column}」の値を読めません ({exc})",
                              detail_en=f"cannot read the values of column '{column}' ({exc})") from exc
