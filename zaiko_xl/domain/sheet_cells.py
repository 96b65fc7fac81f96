"""A sheet as data: columns of cached values, some computed by one array formula each.

Writers (the workbook's batch writer, the standalone XlsxWriter adapter) turn a
``SheetContent`` into cells: a header row, then one row per record. A column with a
``formula`` is one array formula over its whole data range (top cell: the formula and its
``array_ref``; every cell: its cached value), so Excel calls a ZAIKO_ function once per
column and the file shows numbers before any recalculation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class SheetColumn:
    """One column: its key, header text, values per row and optional array formula template.

    ``formula`` uses ``{key}`` placeholders for the data ranges of other columns, e.g.
    ``=ZAIKO_REORDER_POINT({demand_mean},{lead_time},{safety_stock})``.
    """

    key: str
    header: str
    values: tuple[Any, ...]
    formula: str | None = None
    number_format: str | None = None
    width: float = 10.0


@dataclass(frozen=True)
class Cell:
    """One cell to write (0-based row/column). ``formula`` and ``array_ref`` only on a formula's top cell."""

    row: int
    col: int
    value: Any
    formula: str | None = None
    array_ref: str | None = None
    number_format: str | None = None


@dataclass(frozen=True)
class SheetContent:
    """A whole sheet: name, columns, and the row of the header (data follows it)."""

    name: str
    columns: tuple[SheetColumn, ...]
    header_row: int = 0

    @property
    def n_rows(self) -> int:
        return len(self.columns[0].values) if self.columns else 0

    def index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def data_range(self, key: str) -> str:
        """``E2:E31``: the data cells of a column (1-based rows as Excel shows them)."""
        letter = column_letter(self.index(key))
        first = self.header_row + 2
        return f"{letter}{first}:{letter}{first + max(self.n_rows, 1) - 1}"

    def formula(self, key: str) -> str | None:
        """The column's formula with every ``{key}`` replaced by that column's data range."""
        template = self.columns[self.index(key)].formula
        if template is None:
            return None
        return template.format_map({c.key: self.data_range(c.key) for c in self.columns})

    def cells(self) -> Iterator[Cell]:
        """Header cells, then every data cell (formula top cells carry the formula)."""
        for j, column in enumerate(self.columns):
            yield Cell(self.header_row, j, column.header)
        for j, column in enumerate(self.columns):
            formula = self.formula(column.key) if self.n_rows else None
            ref = self.data_range(column.key) if formula else None
            for i, value in enumerate(column.values):
                top = formula is not None and i == 0
                yield Cell(self.header_row + 1 + i, j, value, formula if top else None, ref if top else None,
                           column.number_format)
