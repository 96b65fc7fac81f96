"""The sheets of workbook/template.xlsm, written with XlsxWriter from the table in ``columns.py``.

Per sheet: Japanese name and headers, widths, number formats per column (the batch writer
reuses these column styles for the rows it writes), freeze panes, a filter, print setup and
named ranges; on 在庫比較 the highlights per cause (conditional formats), the ○ list for 反映
and the protection of computed columns; on 操作 the buttons; on KPI the charts; and the
``xlwings.conf`` sheet that tells Excel which Python to run. No VBA here (see template_build).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from zaiko_xl.adapters.columns import (
    BUTTONS,
    CAUSE_LABELS,
    CAUSES_HIGHLIGHTED,
    DASHBOARD,
    KPI,
    MATCH_LABELS,
    MATCH_LEGEND,
    MATCH_REPORT,
    RECONCILE,
    SHEETS,
    TICK,
    XLWINGS_CONF,
    Column,
    Grid,
    Kind,
    Owner,
    Sheet,
    column_letter,
    split_ref,
)
from zaiko_xl.domain.model import RMS_MAX_STOCK, MovementKind

FIXED_TIME = datetime(2026, 1, 1)  # document properties: a fixed date keeps the build reproducible
CAUSE_FILLS = {"delay": "#FFF2CC", "split": "#F8CBAD", "notation": "#E4DFEC", "set": "#DDEBF7",
               "pending": "#E2EFDA", "unknown": "#FF9B9B"}
TAB_COLORS = {Owner.ZAIKO: "#2F75B5", Owner.USER: "#548235"}
NUM_FORMATS = {Kind.TEXT: "@", Kind.INT: "#,##0", Kind.FLOAT: "#,##0.00", Kind.PERCENT: "0.0%",
               Kind.DATE: "yyyy/mm/dd", Kind.DATETIME: "yyyy/mm/dd hh:mm", Kind.BOOL: "@"}
PROTECTION = {"autofilter": True, "sort": True, "format_columns": True, "format_rows": True,
              "select_locked_cells": True, "select_unlocked_cells": True}
# xlwings.conf: key, value, explanation. Keys start at A1 with no gap (xlwings reads A1 down).
XLWINGS_SETTINGS = (
    ("Interpreter_Win", r"%LOCALAPPDATA%\zaiko-xl\venv\Scripts\pythonw.exe",
     "zaiko-xl を入れた Python (pythonw.exe) の場所 / the Python that has zaiko-xl installed"),
    ("UDF Modules", "zaiko_xl.entrypoints.excel_udfs", "ZAIKO_ 関数の Python モジュール / module of the ZAIKO_ functions"),
    ("Use UDF Server", "False", "True にするとボタンの起動が速くなります / True starts buttons faster (one shared Python)"),
    ("Show Console", "False", "True にすると Python のコンソールを表示 / show the Python console (troubleshooting)"),
)


class Formats:
    """Cell formats, made once per workbook."""

    def __init__(self, wb: Workbook) -> None:
        self._wb = wb
        self._cache: dict[tuple[Any, ...], Format] = {}
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.label = wb.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        self.note = wb.add_format({"font_color": "#595959", "text_wrap": True, "valign": "vcenter"})
        self.warning = wb.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
        self.edited = wb.add_format({"bold": True, "font_color": "#1F4E79"})
        self.caption = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "border": 1,
                                      "bg_color": "#D9E1F2"})

    def get(self, key: tuple[Any, ...], **props: Any) -> Format:
        if key not in self._cache:
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]

    def column(self, col: Column, protect: bool) -> Format:
        unlocked = col.editable or not protect
        num_format = col.number_format or NUM_FORMATS[col.kind]
        props: dict[str, Any] = {"num_format": num_format, "locked": not unlocked}
        if col.kind is Kind.BOOL:
            props["align"] = "center"
        return self.get(("col", col.kind, num_format, unlocked), **props)

    def value(self, kind: Kind, align: str = "left") -> Format:
        return self.get(("value", kind, align), num_format=NUM_FORMATS[kind], border=1, align=align)

    def header(self, owner: Owner, editable: bool) -> Format:
        fill = "#FFE699" if editable else ("#DDEBF7" if owner is Owner.ZAIKO else "#E2EFDA")
        return self.get(("header", owner, editable), bold=True, bg_color=fill, border=1, text_wrap=True,
                        valign="vcenter", align="center")

    def cause(self, cause: str) -> Format:
        """A grid label of one cause: its highlight colour, bold, boxed."""
        return self.get(("cause", cause), bg_color=CAUSE_FILLS.get(cause, "#FFFFFF"), bold=True, border=1,
                        align="center")

    def highlight(self, cause: str) -> Format:
        """The conditional fill of a row with this cause (fill only, so numbers keep their look)."""
        return self.get(("highlight", cause), bg_color=CAUSE_FILLS[cause])


def write_book(target: BinaryIO, *, version: str) -> None:
    """Write every sheet of the template (no VBA) into ``target`` (an .xlsx package)."""
    wb = xlsxwriter.Workbook(target, {"in_memory": True})
    wb.set_properties({"title": "zaiko-xl", "subject": "楽天市場 在庫管理 / stock control",
                       "author": "zaiko-xl", "company": "", "created": FIXED_TIME})
    wb.set_calc_mode("auto")
    # No full recalculation on load: the batch writer stores every formula's value, so a viewer without
    # the ZAIKO_ functions (LibreOffice, Excel without Python) shows those values instead of #VALUE!;
    # Excel still recalculates a formula when a person edits one of its inputs.
    wb.calc_on_load = False
    fmt = Formats(wb)
    for spec in SHEETS:
        ws = wb.add_worksheet(spec.name)
        ws.set_tab_color(TAB_COLORS.get(spec.owner, "#7F7F7F") if spec is not XLWINGS_CONF else "#7F7F7F")
        if spec is DASHBOARD:
            _dashboard(wb, ws, fmt, version)
        elif spec is XLWINGS_CONF:
            _xlwings_conf(ws, fmt)
        else:
            _table_sheet(wb, ws, spec, fmt)
    wb.close()


# ---------------------------------------------------------------- 操作
def _dashboard(wb: Workbook, ws: Worksheet, fmt: Formats, version: str) -> None:
    ws.set_column("A:A", 2)
    ws.set_column("B:B", 34)
    ws.set_column("C:C", 86)
    ws.write("B1", DASHBOARD.title, fmt.title)
    ws.write("B2", "ボタンを押すと処理が始まります。結果は各シートに書き込まれます。"
                   " / Press a button; the results go to the sheets.")
    for i, button in enumerate(BUTTONS):
        row = 3 + 2 * i  # 0-based: rows 4, 6, 8, ... with a thin spacer row between
        ws.set_row(row, 34)
        ws.set_row(row + 1, 8)
        ws.write(row, 1, button.caption, fmt.caption)  # under the button: shows in print and if macros are off
        ws.insert_button(row, 1, {"macro": button.macro, "caption": button.caption, "width": 150, "height": 30,
                                  "x_offset": 4, "y_offset": 2})
        ws.write(row, 2, button.description, fmt.note)
    _named_cells(wb, ws, DASHBOARD, fmt)
    cells = {c.field: c for c in DASHBOARD.cells}
    ws.write(cells["template_version"].ref, version, fmt.value(Kind.TEXT))
    ws.conditional_format(cells["license_warning"].ref, {"type": "no_blanks", "format": fmt.warning})
    steps = ("使い方 / How to use",
             "1. 在庫取込 → 2. 差異チェック → 3.「在庫比較」で確定在庫を確認・修正し、反映に ○",
             "4. RMSへ反映 (送信前に内容を確認します) → 5. 発注計算 → 6. KPI更新",
             "1. Pull → 2. Reconcile → 3. review 確定在庫 on 在庫比較 and tick 反映 → 4. Push (asks first) → 5. Reorder → 6. KPIs",
             "黄色の見出しの列は編集できます。他の列は次回の実行で上書きされます。/ Yellow headers: you may edit; other columns are rewritten.")
    first = split_ref(DASHBOARD.cells[-1].ref)[0] + 2
    for i, text in enumerate(steps):
        ws.write(first + i - 1, 1, text, fmt.label if i == 0 else None)
    _print_setup(ws, DASHBOARD, landscape=True)
    ws.hide_gridlines(2)


def _named_cells(wb: Workbook, ws: Worksheet, spec: Sheet, fmt: Formats) -> None:
    for cell in spec.cells:
        ws.write(cell.label_ref, cell.label, fmt.label)
        if cell.kind is Kind.DATETIME and spec is not DASHBOARD:  # beside narrow number columns: span 3
            row, col = split_ref(cell.ref)
            ws.merge_range(row - 1, col, row - 1, col + 2, None, fmt.value(cell.kind))
        else:
            ws.write_blank(cell.ref, None, fmt.value(cell.kind))
        wb.define_name(f"zaiko_{spec.key}_{cell.field}", f"={_quoted(spec.name)}!{_absolute(cell.ref)}")


# ---------------------------------------------------------------- sheets with a table
def _table_sheet(wb: Workbook, ws: Worksheet, spec: Sheet, fmt: Formats) -> None:
    if spec.title:
        ws.write(0, 0, spec.title, fmt.title)
    _named_cells(wb, ws, spec, fmt)
    for grid in spec.grids:
        _grid(ws, grid, fmt)
    header = spec.header_row - 1
    last_col = len(spec.columns) - 1
    for j, col in enumerate(spec.columns):
        ws.set_column(j, j, col.width, fmt.column(col, spec.protect))
        ws.write(header, j, col.header, fmt.header(spec.owner, col.editable and spec.owner is Owner.ZAIKO))
    ws.set_row(header, 45 if any(" / " in c.header for c in spec.columns) else 30)  # bilingual: 3 lines
    ws.freeze_panes(spec.header_row, spec.freeze_cols)
    ws.autofilter(header, 0, header + spec.max_rows, last_col)
    _validations(ws, spec)
    if spec is RECONCILE:
        _highlights(ws, spec, fmt)
    if spec is MATCH_REPORT:
        _match_legend(ws, spec, fmt)
    if "match" in spec.fields and spec.owner is Owner.ZAIKO:
        _match_highlights(ws, spec, fmt)
    if spec is KPI:
        _kpi_charts(wb, ws, spec)
    if spec.protect:
        ws.protect("", PROTECTION)
    name = _quoted(spec.name)
    wb.define_name(f"zaiko_{spec.key}_header", f"={name}!$A${spec.header_row}:${column_letter(last_col)}${spec.header_row}")
    _print_setup(ws, spec, landscape=len(spec.columns) > 6)


def _grid(ws: Worksheet, grid: Grid, fmt: Formats) -> None:
    row0, col0 = split_ref(grid.corner)
    ws.write(row0 - 1, col0, grid.title, fmt.label)
    for j, (field, label) in enumerate(grid.columns, start=1):
        ws.write(row0 - 1, col0 + j, label, fmt.cause(field) if field in CAUSE_LABELS else fmt.label)
    for i, (field, label) in enumerate(grid.rows, start=1):
        ws.write(row0 - 1 + i, col0, label, fmt.cause(field) if field in CAUSE_LABELS else fmt.label)
        for j in range(1, len(grid.columns) + 1):
            ws.write_blank(row0 - 1 + i, col0 + j, None, fmt.value(grid.kind, "center"))


def _validations(ws: Worksheet, spec: Sheet) -> None:
    first, last = spec.header_row, spec.header_row + spec.max_rows - 1  # 0-based rows of the data area
    for j, col in enumerate(spec.columns):
        if col.kind is Kind.BOOL and (col.editable or spec.owner is Owner.USER):
            ws.data_validation(first, j, last, j, {
                "validate": "list", "source": [TICK], "ignore_blank": True,
                "input_title": col.header, "input_message": f"{TICK} を選ぶ / choose {TICK}",
                "error_title": col.header, "error_message": f"{TICK} または空欄 / {TICK} or blank"})
        elif col.field == "confirmed":
            ws.data_validation(first, j, last, j, {
                "validate": "integer", "criteria": "between", "minimum": 0, "maximum": RMS_MAX_STOCK,
                "error_title": col.header, "error_message": f"0〜{RMS_MAX_STOCK:,} の整数 / a whole number 0-{RMS_MAX_STOCK}"})
        elif col.field == "kind" and spec.owner is Owner.USER:
            ws.data_validation(first, j, last, j, {"validate": "list", "source": [k.value for k in MovementKind]})


def _highlights(ws: Worksheet, spec: Sheet, fmt: Formats) -> None:
    """One fill per cause over whole rows; bold 確定在庫 where a person changed the suggestion."""
    first, last = spec.header_row, spec.header_row + spec.max_rows - 1
    cause = f"${spec.letter('cause')}{spec.first_data_row}"
    for key in CAUSES_HIGHLIGHTED:
        ws.conditional_format(first, 0, last, len(spec.columns) - 1, {
            "type": "formula", "criteria": f'={cause}="{CAUSE_LABELS[key]}"', "format": fmt.highlight(key)})
    confirmed, suggested = (f"${spec.letter(f)}{spec.first_data_row}" for f in ("confirmed", "suggested"))
    j = spec.fields.index("confirmed")
    ws.conditional_format(first, j, last, j, {
        "type": "formula", "criteria": f'=AND({confirmed}<>"",{confirmed}<>{suggested})', "format": fmt.edited})


def _match_highlights(ws: Worksheet, spec: Sheet, fmt: Formats) -> None:
    """Rows matched only by normalisation in the 表記揺れ colour; unmatched rows (and 照合結果's problems) in 不明's."""
    first, last = spec.header_row, spec.header_row + spec.max_rows - 1
    match = f"${spec.letter('match')}{spec.first_data_row}"
    trouble = f'{match}="{MATCH_LABELS["unmatched"]}"'
    if "problem" in spec.fields:
        trouble = f'OR({trouble},${spec.letter("problem")}{spec.first_data_row}<>"")'
    ws.conditional_format(first, 0, last, len(spec.columns) - 1, {
        "type": "formula", "criteria": f"={trouble}", "format": fmt.highlight("unknown"), "stop_if_true": True})
    ws.conditional_format(first, 0, last, len(spec.columns) - 1, {
        "type": "formula", "criteria": f'={match}="{MATCH_LABELS["normalised"]}"', "format": fmt.highlight("notation")})


def _match_legend(ws: Worksheet, spec: Sheet, fmt: Formats) -> None:
    """The meaning of each kind of row, above the table (one merged, wrapped line each)."""
    first = spec.header_row - len(MATCH_LEGEND) - 2  # 0-based: a blank row above the header
    ws.write(first - 1, 0, "見方 / How to read", fmt.label)
    for i, text in enumerate(MATCH_LEGEND):
        ws.set_row(first + i, 30)
        ws.merge_range(first + i, 0, first + i, len(spec.columns) - 1, text, fmt.note)


def _kpi_charts(wb: Workbook, ws: Worksheet, spec: Sheet) -> None:
    name = _quoted(spec.name)
    first, last = spec.first_data_row, spec.first_data_row + spec.max_rows - 1
    dates = f"={name}!$A${first}:$A${last}"
    trend = wb.add_chart({"type": "line"})
    for field in ("stockout_rate", "cancel_rate"):
        letter = spec.letter(field)
        trend.add_series({"name": f"={name}!${letter}${spec.header_row}", "categories": dates,
                          "values": f"={name}!${letter}${first}:${letter}${last}", "marker": {"type": "circle"}})
    trend.set_title({"name": "欠品率・受注後キャンセル率 / Stockout and cancel rates"})
    trend.set_y_axis({"num_format": "0%"})
    trend.set_x_axis({"date_axis": True, "num_format": "m/d", "num_font": {"rotation": -45}})
    trend.show_blanks_as("gap")
    ws.insert_chart("M2", trend, {"x_scale": 1.4, "y_scale": 1.1})
    grid = spec.grids[0]
    row0, col0 = split_ref(grid.corner)
    labels = f"={name}!${column_letter(col0)}${row0 + 1}:${column_letter(col0)}${row0 + len(grid.rows)}"
    bars = wb.add_chart({"type": "column"})
    bars.add_series({"name": "件数 / SKUs", "categories": labels,
                     "values": f"={name}!${column_letter(col0 + 1)}${row0 + 1}:${column_letter(col0 + 1)}${row0 + len(grid.rows)}",
                     "points": [{"fill": {"color": CAUSE_FILLS[c]}, "border": {"color": "#7F7F7F"}} for c, _ in grid.rows]})
    bars.set_title({"name": "原因別の差異 / Discrepancies by cause"})
    bars.set_legend({"none": True})
    ws.insert_chart("M20", bars, {"x_scale": 1.4, "y_scale": 1.1})


# ---------------------------------------------------------------- xlwings.conf and helpers
def _xlwings_conf(ws: Worksheet, fmt: Formats) -> None:
    ws.set_column("A:A", 20)
    ws.set_column("B:B", 56)
    ws.set_column("C:C", 2)
    ws.set_column("D:D", 80)
    for i, (key, value, note) in enumerate(XLWINGS_SETTINGS):
        ws.write_string(i, 0, key)
        ws.write_string(i, 1, value)
        ws.write_string(i, 3, note, fmt.note)
    ws.write_string(len(XLWINGS_SETTINGS) + 1, 3, "このシートは xlwings の設定です。A 列の名前は変えないでください。"
                    " / xlwings settings: keep the names in column A.", fmt.note)


def _print_setup(ws: Worksheet, spec: Sheet, *, landscape: bool) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.hide_gridlines(0)
    ws.set_header(f"&L{spec.name}&R&D")
    ws.set_footer("&C&P / &N")
    if spec.header_row:
        ws.repeat_rows(spec.header_row - 1)


def _quoted(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _absolute(ref: str) -> str:
    row, col = split_ref(ref)
    return f"${column_letter(col)}${row}"

