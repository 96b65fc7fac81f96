"""A standalone KPI workbook (.xlsx) with native Excel charts, written with XlsxWriter.

The same frames, headers and charts as the KPI sheets of the shop's workbook
(``domain/kpi_sheet.py``), for mailing or archiving. The file is written to a temporary name
and moved into place (never half written).
"""

from __future__ import annotations

import math
import os
from datetime import date
from pathlib import Path

import pandas as pd
import xlsxwriter
import xlsxwriter.chart

from zaiko_xl.adapters.sheet_spec import split_ref
from zaiko_xl.domain.kpi_sheet import CHARTS, SHEET_COLUMNS, SUMMARY_SHEET, ChartSpec, KpiColumn
from zaiko_xl.errors import UnreadableFile, where

FORMATS = {"int": "#,##0", "float": "#,##0.00", "percent": "0.00%", "date": "yyyy-mm-dd", "text": "@"}
HEADER_ROW = 0  # headers in row 1, data from row 2


def write_kpi_workbook(path: Path, sheets: dict[str, pd.DataFrame], notes: list[str]) -> Path:
    """Write ``sheets`` (fields of ``SHEET_COLUMNS``; KPI first) and the charts; ``notes`` under the KPI table."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        book = xlsxwriter.Workbook(tmp, {"strings_to_numbers": False})
        formats = {kind: book.add_format({"num_format": fmt}) for kind, fmt in FORMATS.items()}
        formats["head"] = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7",
                                           "border": 1})
        formats["note"] = book.add_format({"italic": True})
        for name, frame in sheets.items():
            _write_sheet(book.add_worksheet(name), SHEET_COLUMNS[name], frame, formats)
        summary = book.get_worksheet_by_name(SUMMARY_SHEET)
        for row, note in enumerate(notes, start=len(sheets[SUMMARY_SHEET]) + 2):
            summary.write_string(row, 0, note, formats["note"])
        for spec in CHARTS:
            _insert_chart(book, summary, spec, sheets[spec.sheet], len(sheets[SUMMARY_SHEET]) + len(notes) + 3)
        book.close()
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UnreadableFile(**where(file=str(path)), detail=exc.strerror or str(exc)) from exc
    return path


def _write_sheet(sheet, columns: tuple[KpiColumn, ...], frame: pd.DataFrame, formats: dict) -> None:
    sheet.set_row(HEADER_ROW, 32)
    for j, column in enumerate(columns):
        sheet.write_string(HEADER_ROW, j, column.header, formats["head"])
        sheet.set_column(j, j, column.width)
        for i, value in enumerate(frame[column.field].tolist(), start=HEADER_ROW + 1):
            _write_cell(sheet, i, j, value, formats[column.kind], column.kind)
    sheet.freeze_panes(HEADER_ROW + 1, 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)


def _write_cell(sheet, row: int, col: int, value, fmt, kind: str) -> None:
    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))) or value is pd.NaT:
        sheet.write_blank(row, col, None)
    elif kind == "date" and isinstance(value, date):
        sheet.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), fmt)
    elif kind == "text":
        sheet.write_string(row, col, str(value))
    else:
        sheet.write_number(row, col, float(value), fmt)


def _filled(frame: pd.DataFrame, field: str) -> int:
    values = frame[field]
    present = (values.notna() & (values.astype(object) != "")).to_numpy()
    return int(present.nonzero()[0][-1]) + 1 if present.any() else 0


def _insert_chart(book: xlsxwriter.Workbook, target, spec: ChartSpec, frame: pd.DataFrame, first_row: int) -> None:
    rows = _filled(frame, spec.categories)
    if not rows:
        return
    fields = [c.field for c in SHEET_COLUMNS[spec.sheet]]
    first, last, cat = HEADER_ROW + 1, HEADER_ROW + rows, fields.index(spec.categories)
    series = [([spec.sheet, HEADER_ROW, fields.index(f)], [spec.sheet, first, cat, last, cat],
               [spec.sheet, first, fields.index(f), last, fields.index(f)]) for f in spec.series]
    row, col = split_ref(spec.anchor)
    target.insert_chart(first_row + row - CHART_ROW, col, native_chart(book, spec, series), CHART_SIZE)


CHART_ROW = 24  # the KPI sheet's charts start on this row (kpi_sheet.CHARTS anchors)
CHART_SIZE = {"x_scale": 1.32, "y_scale": 1.2}


def native_chart(book: xlsxwriter.Workbook, spec: ChartSpec, series: list[tuple]) -> xlsxwriter.chart.Chart:
    """A KPI chart as both the template and the standalone workbook draw it; ``series``: (name, categories,
    values) references in any form XlsxWriter takes."""
    chart = book.add_chart({"type": spec.kind})
    for name, categories, values in series:
        chart.add_series({"name": name, "categories": categories, "values": values,
                          **({"marker": {"type": "circle", "size": 3}} if spec.kind == "line" else {})})
    chart.set_title({"name": spec.title, "name_font": {"size": 10}})
    if spec.kind == "line":
        # a category axis: one label per week or month (a date axis would tick every day)
        chart.set_x_axis({"text_axis": True, "num_format": "yyyy/mm/dd", "num_font": {"rotation": -45}})
        chart.set_y_axis({"num_format": spec.number_format, "min": 0})
    else:  # horizontal bars: the value axis runs across, the first (largest) cause on top
        chart.set_x_axis({"num_format": spec.number_format, "min": 0})
        chart.set_y_axis({"reverse": True})
    chart.set_legend({"position": "bottom"})
    chart.show_blanks_as("gap")
    return chart
