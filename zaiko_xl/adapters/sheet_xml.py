"""SpreadsheetML text of one worksheet part: split it, update a few cells, write new data rows.

Only ``<sheetData>`` and ``<dimension>`` of zaiko-xl's own sheets change; everything else in
the part (columns and their styles, views, conditional formats, validation, protection,
drawings) is kept as text. Strings are written inline (``t="inlineStr"``) so that
``sharedStrings.xml`` stays untouched, and every written cell takes the style of its column
(``<col style>``), which the template sets (number formats, locked/unlocked).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from zaiko_xl.adapters.columns import column_letter, split_ref
from zaiko_xl.adapters.xlsx_package import text_of

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_ROW = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_ROW_START = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_COL = re.compile(r"<col\b([^>]*?)/>")
_VALUE = re.compile(r"<v>([^<]*)</v>")
_DIMENSION = re.compile(r'<dimension ref="([^"]*)"\s*/>')
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


@dataclass(frozen=True, slots=True)
class SheetParts:
    """A worksheet part cut around its data rows."""

    before: str  # up to and including ``<sheetData>``
    head: str  # rows above the data area (titles, labels, header): kept
    data: bytes  # the old data rows, still encoded (large): replaced, or kept as they are
    after: str  # from ``</sheetData>`` to the end


def split(xml: bytes, first_data_row: int | None) -> SheetParts:
    """Cut a worksheet part at ``<sheetData>`` and at the first row >= ``first_data_row``.

    Works on bytes so that the (possibly large) old data rows are never decoded.
    """
    open_at = xml.find(b"<sheetData")
    if open_at < 0:
        raise ValueError("worksheet part has no <sheetData>")
    tag_end = xml.index(b">", open_at) + 1
    if xml[tag_end - 2:tag_end - 1] == b"/":  # <sheetData/>
        return SheetParts(xml[:open_at].decode() + "<sheetData>", "", b"", "</sheetData>" + xml[tag_end:].decode())
    close_at = xml.rindex(b"</sheetData>")
    cut = close_at
    if first_data_row is not None:
        for found in _ROW_START.finditer(xml, tag_end, close_at):
            if int(found.group(1)) >= first_data_row:
                cut = found.start()
                break
    return SheetParts(xml[:tag_end].decode(), xml[tag_end:cut].decode(), xml[cut:close_at], xml[close_at:].decode())


def column_styles(before: str) -> dict[int, str]:
    """0-based column index -> style index, from the ``<col>`` elements."""
    styles: dict[int, str] = {}
    for found in _COL.finditer(before):
        attrs = dict(_ATTR.findall(found.group(1)))
        if "style" in attrs:
            for col in range(int(attrs["min"]) - 1, int(attrs["max"])):
                styles[col] = attrs["style"]
    return styles


def with_dimension(before: str, last_row: int, last_col: int) -> str:
    """Set ``<dimension>`` to A1 .. the last written cell."""
    ref = f"A1:{column_letter(max(last_col, 0))}{max(last_row, 1)}"
    if _DIMENSION.search(before):
        return _DIMENSION.sub(f'<dimension ref="{ref}"/>', before, count=1)
    return before


def last_head_cell(head: str) -> tuple[int, int]:
    """(last row, last 0-based column) used in the head rows."""
    last_row, last_col = 0, 0
    for row in _ROW.finditer(head):
        last_row = max(last_row, int(dict(_ATTR.findall(row.group(1))).get("r", 0)))
        for cell in _CELL.finditer(row.group(2) or ""):
            ref = dict(_ATTR.findall(cell.group(1))).get("r")
            if ref:
                last_col = max(last_col, split_ref(ref)[1])
    return last_row, last_col


def row_texts(head: str, row_no: int, shared_string: Callable[[int], str]) -> dict[int, str]:
    """0-based column -> displayed text of the cells of one head row (e.g. the table header)."""
    for row in _ROW.finditer(head):
        if dict(_ATTR.findall(row.group(1))).get("r") != str(row_no):
            continue
        texts: dict[int, str] = {}
        for cell in _CELL.finditer(row.group(2) or ""):
            attrs, body = dict(_ATTR.findall(cell.group(1))), cell.group(2) or ""
            value = _VALUE.search(body)
            kind = attrs.get("t", "n")
            if kind == "s" and value:
                text = shared_string(int(value.group(1)))
            elif kind == "inlineStr":
                text = text_of(body)
            else:
                text = html.unescape(value.group(1)) if value else ""
            texts[split_ref(attrs["r"])[1]] = text
        return texts
    return {}


# ---------------------------------------------------------------- cells above the table
def update_head(head: str, values: Mapping[str, object], col_styles: Mapping[int, str]) -> str:
    """Set single cells (``{"F4": "OK"}``) in the head rows, keeping each cell's style."""
    by_row: dict[int, dict[int, object]] = {}
    for ref, value in values.items():
        row, col = split_ref(ref)
        by_row.setdefault(row, {})[col] = value
    out: list[str] = []
    for found in _ROW.finditer(head):
        attrs = found.group(1)
        row_no = int(dict(_ATTR.findall(attrs))["r"])
        for missing in sorted(r for r in by_row if r < row_no):
            out.append(_row_xml(missing, "", {}, by_row.pop(missing), col_styles))
        if row_no in by_row:
            out.append(_row_xml(row_no, attrs, _cells_of(found.group(2) or ""), by_row.pop(row_no), col_styles))
        else:
            out.append(found.group(0))
    out.extend(_row_xml(r, "", {}, by_row[r], col_styles) for r in sorted(by_row))
    return "".join(out)


def _cells_of(body: str) -> dict[int, tuple[str, str]]:
    cells: dict[int, tuple[str, str]] = {}
    for found in _CELL.finditer(body):
        attrs = dict(_ATTR.findall(found.group(1)))
        cells[split_ref(attrs["r"])[1]] = (attrs.get("s", ""), found.group(0))
    return cells


def _row_xml(row: int, attrs: str, cells: dict[int, tuple[str, str]], values: dict[int, object],
             col_styles: Mapping[int, str]) -> str:
    for col, value in values.items():
        style = cells[col][0] if col in cells else col_styles.get(col, "")
        cells[col] = (style, _single_cell(f"{column_letter(col)}{row}", style, value))
    body = "".join(xml for _, (_, xml) in sorted(cells.items()))
    open_tag = f"<row{attrs}>" if attrs else f'<row r="{row}">'
    return f"{open_tag}{body}</row>"


def _single_cell(ref: str, style: str, value: object) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, bool | np.bool_):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | np.integer | np.floating):
        return f'<c r="{ref}"{s}><v>{number_text(value)}</v></c>'
    if isinstance(value, datetime | date):
        return f'<c r="{ref}"{s}><v>{number_text(excel_serial(value))}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def excel_serial(value: datetime | date) -> float:
    """A date or naive datetime as an Excel serial number (1900 date system)."""
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("Asia/Tokyo").tz_localize(None)
    return (stamp - EXCEL_EPOCH) / pd.Timedelta(days=1)


def number_text(value: object) -> str:
    """A number as cell text ("" for NaN and infinities); whole numbers without a decimal point."""
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return ""
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def escape(text: str, keep_illegal: bool = False) -> str:
    """Text for an XML element: &, <, > escaped, ``_xHHHH_`` kept literal, characters XML forbids dropped."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in text:
        text = _ESCAPED_LOOKALIKE.sub(r"_x005F_\1", text)
    return text if keep_illegal else ILLEGAL_XML.sub("", text)
