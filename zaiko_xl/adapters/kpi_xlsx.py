"""A standalone KPI workbook (.xlsx) with native Excel charts, written with XlsxWriter.

Draws the frames and the chart spec of ``domain/kpi_sheet.py``; the file is written to a
temporary name and moved into place (never half written). The KPI sheet of the main workbook
comes from the same frames through the workbook batch writer.
"""

from __future__ import annotations

import math
import os
from datetime import date
from pathlib import Path

import pandas as pd
import xlsxwriter

from zaiko_xl.domain.kpi import DEFINITIONS
from zaiko_xl.domain.kpi_sheet import CHARTS, SUMMARY_SHEET, ChartSpec, header, number_format
from zaiko_xl.errors import UnreadableFile, where

_UNIT_OF_COLUMN = {header(d.key, days): d.unit for d in DEFINITIONS for days in ("all", "normal", "sale")}


def write_kpi_workbook(path: Path, sheets: dict[str, pd.DataFrame], notes: list[str]) -> Path:
    """Write ``sheets`` (KPI sheet first) and the charts; ``notes`` go under the KPI table."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        book = xlsxwriter.Workbook(tmp, {"strings_to_numbers": False})
        formats = _formats(book)
        for name, frame in sheets.items():
            _write_sheet(book.add_worksheet(name), frame, formats, name == SUMMARY_SHEET)
        summary = book.get_worksheet_by_name(SUMMARY_SHEET)
        for row, note in enumerate(notes, start=len(sheets[SUMMARY_SHEET]) + 2):
            summary.write_string(row, 0, note, formats["note"])
        for spec in CHARTS:
            _insert_chart(book, summary, spec, sheets[spec.sheet])
        book.close()
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UnreadableFile(**where(file=str(path)), detail=exc.strerror or str(exc)) from exc
    return path


def _formats(book: xlsxwriter.Workbook) -> dict:
    return {"head": book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7",
                                     "border": 1}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}), "note": book.add_format({"italic": True}),
            **{unit: book.add_format({"num_format": number_format(unit)}) for unit in {d.unit for d in DEFINITIONS}},
            "int": book.add_format({"num_format": "#,##0"})}


def _write_sheet(sheet, frame: pd.DataFrame, formats: dict, per_row_unit: bool) -> None:
    sheet.set_row(0, 32)
    for col, name in enumerate(frame.columns):
        sheet.write_string(0, col, str(name), formats["head"])
        sheet.set_column(col, col, 15 if col else (46 if per_row_unit else 14))
    for row, record in enumerate(frame.itertuples(index=False), start=1):
        unit = record[1] if per_row_unit else None
        for col, value in enumerate(record):
            _write_cell(sheet, row, col, value, formats, unit or _UNIT_OF_COLUMN.get(frame.columns[col]))
    sheet.freeze_panes(1, 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 1 if per_row_unit else 0)  # the KPI sheet with its charts on one page


def _write_cell(sheet, row: int, col: int, value, formats: dict, unit: str | None) -> None:
    if isinstance(value, date):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), formats["date"])
    elif isinstance(value, bool) or value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, int):
        sheet.write_number(row, col, value, formats["int"])
    elif isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            sheet.write_blank(row, col, None)
        else:
            sheet.write_number(row, col, value, formats.get(unit) if unit else None)
    else:
        sheet.write_string(row, col, str(value))


def _insert_chart(book: xlsxwriter.Workbook, target, spec: ChartSpec, frame: pd.DataFrame) -> None:
    first, last = 1, len(frame)
    if spec.rows_where is not None:
        column, value = spec.rows_where
        rows = [i + 1 for i, v in enumerate(frame[column]) if v == value]
        if not rows:
            return
        first, last = rows[0], rows[-1]
    if last < first:
        return
    chart = book.add_chart({"type": spec.kind})
    cat = list(frame.columns).index(spec.categories)
    for series in spec.series:
        col = list(frame.columns).index(series.column)
        chart.add_series({"name": [spec.sheet, 0, col], "categories": [spec.sheet, first, cat, last, cat],
                          "values": [spec.sheet, first, col, last, col],
                          **({"marker": {"type": "circle", "size": 4}} if spec.kind == "line" else {})})
    chart.set_title({"name": spec.title, "name_font": {"size": 11}})
    chart.set_y_axis({"num_format": spec.number_format, "min": 0} if spec.kind == "line" else {})
    chart.set_x_axis({"num_format": spec.number_format, "min": 0} if spec.kind == "bar" else {"num_format": "mm/dd"})
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    target.insert_chart(spec.anchor, chart, {"x_scale": 1.35, "y_scale": 1.15})
