"""Excel ranges <-> columns for the ZAIKO_ functions (array in, array out).

xlwings hands a UDF a scalar for one cell, a list for a single row or column, and a list of
lists for a block (``ndim=2`` always gives a list of lists). Every argument is read as a
column of rows; a single cell is broadcast to every row. Results go back as a column
(``[[v], [v], ...]``), or as a scalar when every argument was a single value.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from zaiko_xl.domain.formula_columns import Col, parse_numbers, parse_texts
from zaiko_xl.domain.rowcheck import RowErrors
from zaiko_xl.errors import RangeShapeMismatch

EXCEL_EPOCH = np.datetime64("1899-12-30", "D")  # serial 1 = 1900-01-01 (1900 date system)
_TRUE_TEXTS = {"1", "true", "x", "y", "yes", "除外", "○", "〇"}


class Rows:
    """One argument as rows of cells (``cells``: the first cell of each row)."""

    __slots__ = ("_value", "cells", "scalar")

    def __init__(self, value: Any, cells: list[Any], scalar: bool) -> None:
        self._value, self.cells, self.scalar = value, cells, scalar

    @property
    def block(self) -> list[list[Any]]:
        """Every cell of each row."""
        if self.scalar:
            return [[self._value]]
        return [list(r) if isinstance(r, (list, tuple)) else [r] for r in self._value]


def rows(value: Any) -> Rows:
    """Read a UDF argument (scalar, list, list of lists, numpy array) as rows."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        return Rows(value, [value], True)
    if value and isinstance(value[0], (list, tuple)):
        if all(len(r) == 1 for r in (value[0], value[-1])):
            try:  # the usual single-column range: one C-level pass
                return Rows(value, np.array(value, dtype=object).reshape(len(value)).tolist(), False)
            except ValueError:
                pass
        return Rows(value, [r[0] if r else None for r in value], False)
    return Rows(value, list(value), False)


class Args:
    """The column arguments of one call, broadcast to a common row count."""

    def __init__(self, *values: Any) -> None:
        self.rows = [rows(v) for v in values]
        self.scalar = all(r.scalar for r in self.rows)
        lengths = {len(r.cells) for r in self.rows if len(r.cells) != 1}
        self.n = lengths.pop() if len(lengths) == 1 else (1 if not lengths else -1)

    @property
    def mismatch(self) -> bool:
        return self.n < 0

    def _cells(self, i: int) -> list[Any]:
        cells = self.rows[i].cells
        return cells * self.n if len(cells) == 1 else cells

    def number(self, i: int) -> Col:
        cells = self.rows[i].cells
        if len(cells) == 1:  # one cell for every row: parse once
            one = parse_numbers(cells)
            return Col(np.full(self.n, one.values[0]), np.full(self.n, one.empty[0]))
        return parse_numbers(cells)

    def text(self, i: int) -> np.ndarray:
        cells = self.rows[i].cells
        if len(cells) == 1:
            return np.full(self.n, parse_texts(cells)[0], dtype=object)
        return parse_texts(cells)

    def empty(self, i: int) -> np.ndarray:
        """True where the argument's cell is empty."""
        cells = self.rows[i].cells
        mask = np.fromiter((v is None or (isinstance(v, str) and not v.strip()) for v in cells), bool, len(cells))
        return np.full(self.n, mask[0]) if len(cells) == 1 else mask

    def shaped(self, values: list[Any]) -> Any:
        """A scalar for scalar calls, else a column ``[[v], ...]``."""
        if self.scalar:
            return values[0]
        column = np.empty((len(values), 1), dtype=object)
        column[:, 0] = values
        return column.tolist()

    def mismatch_result(self) -> Any:
        """Every cell says that the ranges differ in length."""
        text = "#" + RangeShapeMismatch().render()
        longest = max(len(r.cells) for r in self.rows)
        return text if self.scalar else [[text] for _ in range(longest)]


def to_date(v: Any) -> np.datetime64:
    """A cell as a day: date/datetime, an Excel serial number or ISO text; NaT otherwise."""
    if isinstance(v, datetime):
        return np.datetime64(v.date(), "D")
    if isinstance(v, date):
        return np.datetime64(v, "D")
    if isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) and v >= 1:
        return EXCEL_EPOCH + np.timedelta64(int(v), "D")
    if isinstance(v, str) and v.strip():
        try:
            return np.datetime64(v.strip().replace("/", "-")[:10], "D")
        except ValueError:
            return np.datetime64("NaT")
    return np.datetime64("NaT")


def dates(args: Args, i: int, name: str, errors: RowErrors) -> np.ndarray:
    """Days per row (E270 where the cell is not a date)."""
    cells = args._cells(i)
    if all(v is None or isinstance(v, date) for v in cells):  # what xlwings gives for date cells: fast path
        out = pd.DatetimeIndex(cells).values.astype("datetime64[D]")
    else:
        out = np.array([to_date(v) for v in cells], dtype="datetime64[D]")
    errors.flag(np.isnat(out), "E270", name)
    return out


def number_block(block: list[list[Any]]) -> tuple[np.ndarray, np.ndarray]:
    """A block of cells as floats (NaN where not a number) and its empty mask (ragged rows padded)."""
    width = max((len(r) for r in block), default=0)
    cols = [parse_numbers(list(r) + [None] * (width - len(r))) for r in block]
    values = np.array([c.values for c in cols], dtype=float).reshape(len(block), width)
    empty = np.array([c.empty for c in cols], dtype=bool).reshape(len(block), width)
    return values, empty


def scalar_number(value: Any, default: float) -> float:
    """One optional number (omitted or empty gives ``default``; text gives NaN)."""
    col = parse_numbers([rows(value).cells[0]])
    return default if col.empty[0] else float(col.values[0])


def flag_block(value: Any, n: int, width: int) -> np.ndarray:
    """Flags (1/TRUE/x/除外 = yes) as an ``(n, width)`` mask; a single row applies to every row."""
    if value is None:
        return np.zeros((n, width), bool)
    block = rows(value).block
    flags = np.zeros((len(block), width), bool)
    for i, r in enumerate(block):
        for j, v in enumerate(r[:width]):
            flags[i, j] = v.strip().lower() in _TRUE_TEXTS if isinstance(v, str) else bool(v) and v == v
    if len(block) == 1:
        return np.broadcast_to(flags, (n, width))
    return flags if len(block) == n else np.zeros((n, width), bool)
