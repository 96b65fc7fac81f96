"""Reads a stock table (manage_number, variant_id, quantity) from CSV or XLSX, for export-rms-csv.

Headers may be English (``manage_number``, ``variant_id``, ``quantity``) or Japanese as in
RMS and the workbook's RMS在庫 sheet (商品管理番号（商品URL）/商品管理番号, SKU管理番号, 在庫数); in
a workbook the header may sit below a title (the first of the top 20 rows naming every column). CSV may be
UTF-8 (with or without BOM) or Shift_JIS (CP932). Values are kept raw (text); the service
checks them and names the row and column of every problem.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from zaiko_xl.errors import EmptyFile, EncodingProblem, MissingColumn, UnreadableFile, where

COLUMNS = {
    "manage_number": ("manage_number", "商品管理番号（商品URL）", "商品管理番号"),
    "variant_id": ("variant_id", "SKU管理番号"),
    "quantity": ("quantity", "在庫数"),
}
PREFERRED_SHEET = "RMS在庫"
HEADER_SCAN_ROWS = 20


class FileStockTable:
    """The StockTableSource port on a .csv or .xlsx/.xlsm file."""

    def __init__(self, path: Path, sheet: str | None = None) -> None:
        self.path = path
        self.sheet = sheet

    def read(self) -> tuple[pd.DataFrame, str]:
        if not self.path.is_file():
            raise UnreadableFile(detail="file not found / ファイルがありません", **where(file=str(self.path)))
        raw, place = self._read_raw()
        if raw.empty:
            raise EmptyFile(**where(file=str(self.path), sheet=self.sheet))
        first = raw.attrs.get("first_row", 2)  # the Excel row of the first data row (header above it)
        table = pd.DataFrame({"row": range(first, len(raw) + first)})
        headers = {}
        for field, names in COLUMNS.items():
            found = next((n for n in names if n in raw.columns), None)
            if found is None:
                raise MissingColumn(column_name=" / ".join(names), **where(file=str(self.path), sheet=self.sheet))
            table[field] = raw[found].to_numpy()
            headers[field] = found
        table.attrs["headers"] = headers  # field -> the header as the user wrote it
        return table, place

    def _read_raw(self) -> tuple[pd.DataFrame, str]:
        if self.path.suffix.lower() in (".xlsx", ".xlsm"):
            return self._read_excel()
        data = self.path.read_bytes()
        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
            return frame.rename(columns=lambda c: str(c).strip()), str(self.path)
        raise EncodingProblem(**where(file=str(self.path)))

    def _read_excel(self) -> tuple[pd.DataFrame, str]:
        try:
            sheets = pd.read_excel(self.path, sheet_name=None, engine="calamine", header=None)
        except Exception as exc:  # calamine raises its own error types for damaged files
            raise UnreadableFile(detail=str(exc), **where(file=str(self.path))) from exc
        if self.sheet is None:
            self.sheet = PREFERRED_SHEET if PREFERRED_SHEET in sheets else next(iter(sheets))
        if self.sheet not in sheets:
            raise UnreadableFile(detail=f"no sheet '{self.sheet}' / シートがありません", **where(file=str(self.path)))
        cells = sheets[self.sheet]
        at = _header_row(cells)
        frame = cells.iloc[at + 1:].reset_index(drop=True)
        frame.columns = [str(c).strip() for c in cells.iloc[at]]
        frame.attrs["first_row"] = at + 2
        return frame, f"{self.path} [{self.sheet}]"


def _header_row(cells: pd.DataFrame) -> int:
    """The first row (0-based) naming every column; the first row when none does (MissingColumn follows)."""
    for i in range(min(HEADER_SCAN_ROWS, len(cells))):
        texts = {str(v).strip() for v in cells.iloc[i] if pd.notna(v)}
        if all(texts & set(names) for names in COLUMNS.values()):
            return i
    return 0
