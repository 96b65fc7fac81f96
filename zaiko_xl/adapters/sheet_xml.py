"""SpreadsheetML text of one worksheet part: split it, update a few cells, write new data rows.

Only ``<sheetData>`` and ``<dimension>`` of zaiko-xl's own sheets change; everything else in
the part (columns and their styles, views, conditional formats, validation, protection,
drawings) is kept as text. Strings are written inline (``t="inlineStr"``) so that
``sharedStrings.xml`` stays untouched, and every written cell takes the style of its column
(``<col style>``), which the template sets (number formats, locked/unlocked).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from zaiko_xl.adapters.columns import Column, Kind, Sheet, column_letter, split_ref
from zaiko_xl.adapters.sheet_frames import display_columns, formula_template

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_ROW = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.S)
_ROW_START = re.compile(r'<row\b[^>]*?\br="(\d+)"')
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_COL = re.compile(r"<col\b([^>]*?)/>")
_DIMENSION = re.compile(r'<dimension ref="([^"]*)"\s*/>')
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


@dataclass(frozen=True, slots=True)
class SheetParts:
    """A worksheet part cut around its data rows."""

    before: str  # up to and including ``<sheetData>``
    head: str  # rows above the data area (titles, labels, header): kept
    data: str  # the old data rows: replaced
    after: str  # from ``</sheetData>`` to the end


def split(xml: str, first_data_row: int | None) -> SheetParts:
    """Cut a worksheet part at ``<sheetData>`` and at the first row >= ``first_data_row``."""
    open_at = xml.find("<sheetData")
    if open_at < 0:
        raise ValueError("worksheet part has no <sheetData>")
    tag_end = xml.index(">", open_at) + 1
    if xml[tag_end - 2] == "/":  # <sheetData/>
        return SheetParts(xml[:open_at] + "<sheetData>", "", "", "</sheetData>" + xml[tag_end:])
    close_at = xml.index("</sheetData>", tag_end)
    inner = xml[tag_end:close_at]
    cut = len(inner)
    if first_data_row is not None:
        for found in _ROW_START.finditer(inner):
            if int(found.group(1)) >= first_data_row:
                cut = found.start()
                break
    return SheetParts(xml[:tag_end], inner[:cut], inner[cut:], xml[close_at:])


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
        return f'<c r="{ref}"{s}><v>{_number(value)}</v></c>'
    if isinstance(value, datetime | date):
        return f'<c r="{ref}"{s}><v>{_number(excel_serial(value))}</v></c>'
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def excel_serial(value: datetime | date) -> float:
    """A date or naive datetime as an Excel serial number (1900 date system)."""
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("Asia/Tokyo").tz_localize(None)
    return (stamp - EXCEL_EPOCH) / pd.Timedelta(days=1)


def _number(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def escape(text: str) -> str:
    """Text for an XML element: &, <, > escaped, characters XML forbids dropped, ``_xHHHH_`` kept literal."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in text:
        text = _ESCAPED_LOOKALIKE.sub(r"_x005F_\1", text)
    return _ILLEGAL.sub("", text)


# ---------------------------------------------------------------- the data rows
def data_rows(spec: Sheet, frame: pd.DataFrame, col_styles: Mapping[int, str],
              chunk_rows: int = 20_000) -> Iterator[bytes]:
    """``<row>`` elements for ``frame`` starting at the sheet's first data row, in UTF-8 chunks."""
    shown = display_columns(spec, frame)
    first = spec.first_data_row
    for start in range(0, len(frame), chunk_rows):
        stop = min(start + chunk_rows, len(frame))
        numbers = [str(r) for r in range(first + start, first + stop)]
        columns = [_column_cells(spec, i, col, shown[col.field][start:stop], numbers, col_styles.get(i, ""))
                   for i, col in enumerate(spec.columns)]
        rows = [f'<row r="{r}">{"".join(cells)}</row>'
                for r, cells in zip(numbers, zip(*columns, strict=True), strict=True)]
        yield "".join(rows).encode("utf-8")


def _column_cells(spec: Sheet, index: int, col: Column, values: np.ndarray, rows: list[str], style: str) -> list[str]:
    """One column's cells (``""`` for a blank) for the given rows."""
    head = f'<c r="{column_letter(index)}'
    s = f' s="{style}"' if style else ""
    if col.formula:
        template = formula_template(spec, col.formula)
        return [f'{head}{r}"{s}{_formula_body(template.format(r=r), v)}' for r, v in zip(rows, values, strict=True)]
    if col.kind in (Kind.DATE, Kind.DATETIME):
        values = _serials(values)
    texts = _number_texts(values)
    if texts is not None:  # every value is a number or blank: the fast path
        return [f'{head}{r}"{s}><v>{t}</v></c>' if t else "" for r, t in zip(rows, texts, strict=True)]
    return [_any_cell(head + r + '"' + s, v) for r, v in zip(rows, values, strict=True)]


def _number_texts(values: np.ndarray) -> list[str] | None:
    """Cell texts when every value is a finite number or None; otherwise None."""
    if not all(v is None or (isinstance(v, int | float | np.number) and not isinstance(v, bool | np.bool_))
               for v in values):
        return None
    numbers = np.array([np.nan if v is None else v for v in values], dtype=float)
    finite = np.isfinite(numbers)
    whole = finite & (numbers == np.round(numbers)) & (np.abs(numbers) < 1e15)
    texts = np.full(len(numbers), "", dtype=object)
    texts[whole] = numbers[whole].astype(np.int64).astype(str)
    fraction = finite & ~whole
    texts[fraction] = [repr(float(x)) for x in numbers[fraction]]
    return texts.tolist()


def _any_cell(open_cell: str, value: object) -> str:
    """A cell of any value (``open_cell`` is ``<c r="A1" s="1"`` without the closing ``>``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return f'{open_cell} t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    if isinstance(value, bool | np.bool_):
        return f'{open_cell} t="b"><v>{int(value)}</v></c>'
    number = float(value)  # type: ignore[arg-type]
    return f"{open_cell}><v>{_number(number)}</v></c>" if math.isfinite(number) else ""


def _formula_body(formula: str, cached: object) -> str:
    """The rest of a formula cell after ``<c r=.. s=..``: formula plus its cached value."""
    if isinstance(cached, str):
        return f' t="str"><f>{escape(formula)}</f><v>{escape(cached)}</v></c>'
    if cached is None or isinstance(cached, bool | np.bool_) or not math.isfinite(float(cached)):  # type: ignore[arg-type]
        return f"><f>{escape(formula)}</f></c>"
    return f"><f>{escape(formula)}</f><v>{_number(cached)}</v></c>"


def _serials(values: np.ndarray) -> np.ndarray:
    """Dates and datetimes as Excel serial numbers; text stays text, blanks stay None."""
    out = values.copy()
    is_time = np.array([isinstance(v, datetime | date | np.datetime64) for v in values], dtype=bool)
    if is_time.any():
        stamps = pd.to_datetime(pd.Series(values[is_time], dtype=object), utc=False)
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_convert("Asia/Tokyo").dt.tz_localize(None)
        out[is_time] = ((stamps - EXCEL_EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    return out
