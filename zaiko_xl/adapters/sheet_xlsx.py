"""Write ``SheetContent`` sheets to a new standalone .xlsx with XlsxWriter (atomic).

Formula columns become one legacy array formula (``{=...}``) over their data range, with the
cached value of every cell written, so any viewer shows the numbers and Excel recalculates
them live. Text is always written as text (a name starting with "=" stays a name). This
writes zaiko-xl's own output files only; the user's workbook is updated by the batch writer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from zaiko_xl.domain.sheet_cells import Cell, SheetContent


def write_sheets_xlsx(path: Path, sheets: Sequence[SheetContent]) -> Path:
    """Write the sheets into ``path`` (replaced atomically; nothing half written on failure)."""
    import xlsxwriter

    tmp = path.with_name(f".{path.name}.tmp")
    try:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                              "strings_to_urls": False})
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7"})
        formats: dict[str | None, Any] = {None: None}
        for sheet in sheets:
            _write_sheet(book, sheet, header, formats)
        book.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _write_sheet(book: Any, sheet: SheetContent, header: Any, formats: dict[str | None, Any]) -> None:
    ws = book.add_worksheet(sheet.name)
    ws.freeze_panes(sheet.header_row + 1, 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # print: all columns on one page width
    ws.repeat_rows(sheet.header_row)
    ws.set_row(sheet.header_row, 45)
    for j, column in enumerate(sheet.columns):
        ws.set_column(j, j, column.width)
    if sheet.n_rows:
        ws.autofilter(sheet.header_row, 0, sheet.header_row + sheet.n_rows, len(sheet.columns) - 1)
    for cell in sheet.cells():
        fmt = header if cell.row == sheet.header_row else _format(book, formats, cell.number_format)
        _write_cell(ws, cell, fmt)


def _format(book: Any, formats: dict[str | None, Any], number_format: str | None) -> Any:
    if number_format not in formats:
        formats[number_format] = book.add_format({"num_format": number_format})
    return formats[number_format]


def _write_cell(ws: Any, cell: Cell, fmt: Any) -> None:
    value = cell.value
    if cell.formula is not None and cell.array_ref is not None:
        ws.write_array_formula(cell.array_ref, "{" + cell.formula + "}", fmt, "" if value is None else value)
    elif value is None or value == "":
        ws.write_blank(cell.row, cell.col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(cell.row, cell.col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(cell.row, cell.col, value, fmt)
    elif isinstance(value, (date, datetime)):
        ws.write_datetime(cell.row, cell.col, datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_string(cell.row, cell.col, str(value), fmt)
