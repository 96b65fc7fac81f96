"""The vocabulary of the sheet table in ``columns.py``: sheets, columns, named cells, A1 references."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Owner(StrEnum):
    ZAIKO = "zaiko"
    USER = "user"


class Kind(StrEnum):
    """How a column's values are stored and read back."""

    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    PERCENT = "percent"  # a float shown as a percentage
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"  # shown as ○ / blank (see TICK)


TICK = "○"  # what a ticked BOOL cell shows (data validation offers it as the only choice)
MAX_ROWS = 200_000  # data rows that formats, validation and highlights cover (100,000 SKUs + room)

@dataclass(frozen=True, slots=True)
class Column:
    """One column of a sheet's table.

    Attributes:
        field: English name used in DataFrames (docs/data-contracts.md).
        header: Japanese header shown in the sheet.
        kind: storage kind; decides number formats and how values are read back.
        width: column width in Excel characters.
        required: reading fails (E204/E205) when the header or a value is missing.
        editable: people may edit it in a zaiko-owned sheet (the cell is unlocked).
        keep: a hand edit survives the next write; with ``baseline``, a value counts as a hand
            edit only when it differs from the baseline column of the same row.
        baseline: field holding the value zaiko-xl suggested (e.g. ``suggested`` for ``confirmed``).
        formula: one array formula over the column's data rows, with ``{field}`` placeholders
            for the data range of another column (``"={on_hand}+{on_order}"`` -> ``=M5:M9+N5:N9``),
            so a ZAIKO_ function is called once per column; the DataFrame column holds the
            cached value of every cell.
        number_format: Excel number format of the column (None: the kind's format).
        labels: stored value -> text shown in the sheet (e.g. cause ``delay`` -> ``遅延``); read back reversed.
        aliases: other headers accepted when reading a user's sheet.
    """

    field: str
    header: str
    kind: Kind = Kind.TEXT
    width: float = 12
    required: bool = False
    editable: bool = False
    keep: bool = False
    baseline: str | None = None
    formula: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    number_format: str | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    """A single named value above a table (status, last run, ...), with its label to the left."""

    field: str
    label: str
    ref: str  # the value cell, e.g. "F5"; the label goes into ``label_ref``
    label_ref: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True, slots=True)
class Grid:
    """A small fixed table above the main one (e.g. counts per cause).

    Cell names are ``"<key>.<row field>.<column field>"``; ``grid_cells`` flattens a DataFrame
    (index = row fields, columns = column fields) into them.
    """

    key: str
    corner: str  # top-left cell (holds ``title``); row labels below it, column labels to its right
    title: str
    rows: tuple[tuple[str, str], ...]  # (field, label)
    columns: tuple[tuple[str, str], ...]
    kind: Kind = Kind.INT


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet of the workbook."""

    key: str  # English name used in code
    name: str  # the sheet's (Japanese) name in the workbook
    title: str  # shown in A1 of zaiko-owned sheets (Japanese / English)
    owner: Owner
    columns: tuple[Column, ...]
    header_row: int = 4  # 1-based Excel row of the table header (0: no table); data starts below it
    key_field: str | None = None  # identifies a row across runs (for ``keep`` columns)
    cells: tuple[Cell, ...] = ()
    grids: tuple[Grid, ...] = ()
    max_rows: int = MAX_ROWS
    protect: bool = False  # lock the computed columns (editable ones stay open)
    freeze_cols: int = 1
    unique_key: bool = False  # reading refuses a ``key_field`` value that appears twice (E206)

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    def column(self, field_name: str) -> Column:
        for col in self.columns:
            if col.field == field_name:
                return col
        raise KeyError(f"{self.name} has no column {field_name!r}")

    def letter(self, field_name: str) -> str:
        """Excel column letter of a field (A, B, ...)."""
        return column_letter(self.fields.index(field_name))

    def cell_refs(self) -> dict[str, tuple[str, Kind]]:
        """Every named cell above the table: name -> (cell reference, kind)."""
        refs = {c.field: (c.ref, c.kind) for c in self.cells}
        for grid in self.grids:
            row0, col0 = split_ref(grid.corner)
            for i, (row_field, _) in enumerate(grid.rows, start=1):
                for j, (col_field, _) in enumerate(grid.columns, start=1):
                    refs[f"{grid.key}.{row_field}.{col_field}"] = (cell_ref(row0 + i, col0 + j), grid.kind)
        return refs


def grid_cells(grid: Grid, values: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    """Named cells of a grid from ``{row field: {column field: value}}`` (``DataFrame.to_dict("index")``)."""
    return {f"{grid.key}.{r}.{c}": v for r, row in values.items() for c, v in row.items()}


def normalise_header(text: object) -> str:
    """Header text compared loosely: NFKC (全角/半角), no spaces, case-folded."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


# ---------------------------------------------------------------- A1 references
def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters -> 0-based column index (A -> 0)."""
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def split_ref(ref: str) -> tuple[int, int]:
    """``"F5"`` -> (row 5, column index 5); rows are 1-based, columns 0-based."""
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters):]), column_index(letters)


def cell_ref(row: int, col: int) -> str:
    """(1-based row, 0-based column) -> ``"F5"``."""
    return f"{column_letter(col)}{row}"

