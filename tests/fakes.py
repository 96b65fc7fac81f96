"""Working in-memory fakes of the ports (one per port); tests assert on their end state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from zaiko_xl.adapters.columns import Owner, sheet
from zaiko_xl.ports import SheetUpdate


class FakeWorkbook:
    """The Workbook port in memory: sheets by name -> rows and named cells.

    Like the real workbook it refuses to write the user's sheets and unknown columns or cells,
    and reads back what was written with the index starting at the sheet's first data row.
    Seed the user's sheets with ``user_rows``.
    """

    def __init__(self, user_rows: Mapping[str, pd.DataFrame] | None = None) -> None:
        self.rows: dict[str, pd.DataFrame] = {sheet(k).name: v.copy() for k, v in (user_rows or {}).items()}
        self.cells: dict[str, dict[str, Any]] = {}
        self.writes = 0

    def read_sheet(self, name: str) -> pd.DataFrame:
        spec = sheet(name)
        rows = self.rows.get(spec.name, pd.DataFrame(columns=list(spec.fields)))
        out = rows.reindex(columns=list(spec.fields)).reset_index(drop=True)
        out.index = pd.Index(range(spec.first_data_row, spec.first_data_row + len(out)), name="row")
        return out

    def read_cells(self, name: str) -> dict[str, Any]:
        spec = sheet(name)
        return {field: self.cells.get(spec.name, {}).get(field) for field in spec.cell_refs()}

    def write_sheets(self, updates: Mapping[str, SheetUpdate | pd.DataFrame]) -> None:
        for name, value in updates.items():
            spec = sheet(name)
            if spec.owner is not Owner.ZAIKO:
                raise ValueError(f"sheet {spec.name} belongs to the user; zaiko-xl never writes it")
            update = value if isinstance(value, SheetUpdate) else SheetUpdate(rows=value)
            unknown = set(update.cells) - set(spec.cell_refs())
            if update.rows is not None:
                unknown |= set(update.rows.columns) - set(spec.fields)
                self.rows[spec.name] = update.rows.copy()
            if unknown:
                raise ValueError(f"not on sheet {spec.name}: {sorted(unknown)}")
            self.cells.setdefault(spec.name, {}).update(update.cells)
        self.writes += 1
