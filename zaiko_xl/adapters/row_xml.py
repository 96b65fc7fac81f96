"""SpreadsheetML ``<row>`` elements for a table, built column by column (100,000 rows in about a second).

Each column is prepared once as numbers (ints, floats, dates as Excel serials), text (escaped
in one pass over the whole column) or mixed values; rows are then joined in chunks, so a
large table streams into the zip writer without being held twice in memory. Blank values
write no cell at all (the column style still applies in Excel). Strings are inline, so the
shared-string table of the workbook is never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import pandas as pd

from zaiko_xl.adapters.columns import Column, Kind, Sheet, column_letter
from zaiko_xl.adapters.sheet_frames import array_formula, display_columns
from zaiko_xl.adapters.sheet_xml import EXCEL_EPOCH, escape, excel_serial, number_text

_SEPARATOR = "\x1f"  # joins a column's strings for one escaping pass; not allowed in XML, so never kept
_EDGE_SPACE = re.compile("(?:^|\x1f)\\s|\\s(?:\x1f|$)")
_ILLEGAL_BUT_SEPARATOR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1e\ufffe\uffff]")  # ILLEGAL_XML less the separator


@dataclass(frozen=True, slots=True)
class _Prepared:
    mode: str  # "number" | "text" | "mixed" | "formula" | "blank"
    values: np.ndarray | list[str | None] | None


def data_rows(spec: Sheet, frame: pd.DataFrame, col_styles: Mapping[int, str],
              chunk_rows: int = 20_000) -> Iterator[bytes]:
    """``<row>`` elements for ``frame`` from the sheet's first data row on, as UTF-8 chunks."""
    shown = display_columns(spec, frame)
    prepared = [_prepare(col, frame[col.field] if col.field in frame.columns else None, shown[col.field])
                for col in spec.columns]
    formulas = [array_formula(spec, col.formula, len(frame)) if col.formula else None for col in spec.columns]
    first = spec.first_data_row
    for start in range(0, len(frame), chunk_rows):
        stop = min(start + chunk_rows, len(frame))
        rows = [str(r) for r in range(first + start, first + stop)]
        columns = [_cells(prep, start, stop, rows, column_letter(i), col_styles.get(i, ""), formulas[i])
                   for i, prep in enumerate(prepared)]
        yield "".join([f'<row r="{r}">{"".join(cells)}</row>'
                       for r, cells in zip(rows, zip(*columns, strict=True), strict=True)]).encode("utf-8")


def _prepare(col: Column, series: pd.Series | None, shown: np.ndarray) -> _Prepared:
    """Decide once per column how its cells are written."""
    if col.formula:
        return _Prepared("formula", shown)
    if series is None:
        return _Prepared("blank", None)
    if not col.labels and col.kind is not Kind.BOOL:
        if col.kind in (Kind.DATE, Kind.DATETIME) and pd.api.types.is_datetime64_any_dtype(series):
            return _Prepared("number", _serial_array(series))
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            return _Prepared("number", series.to_numpy(dtype=float, na_value=np.nan))
    if all(v is None or type(v) is str for v in shown):
        return _Prepared("text", _escape_column(list(shown)))
    if col.kind in (Kind.DATE, Kind.DATETIME):
        shown = np.array([excel_serial(v) if isinstance(v, datetime | date) else v for v in shown], dtype=object)
    return _Prepared("mixed", shown)


def _cells(prep: _Prepared, start: int, stop: int, rows: list[str], letter: str, style: str,
           formula: tuple[str, str] | None) -> list[str]:
    s = f' s="{style}"' if style else ""
    head = f'<c r="{letter}'
    if prep.mode == "blank":
        return [""] * len(rows)
    values = prep.values[start:stop]  # type: ignore[index]
    if prep.mode == "number":
        texts = _number_texts(values)  # type: ignore[arg-type]
        return [f'{head}{r}"{s}><v>{t}</v></c>' if t else "" for r, t in zip(rows, texts, strict=True)]
    if prep.mode == "text":
        return [f'{head}{r}"{s} t="inlineStr"><is>{t}</is></c>' if t is not None else ""
                for r, t in zip(rows, values, strict=True)]
    if prep.mode == "formula" and formula is not None:
        cells = [f'{head}{r}"{s}{_cached_body(v)}' for r, v in zip(rows, values, strict=True)]
        if start == 0 and cells:  # the top cell holds the array formula of the whole column
            text, ref = formula
            tag = f'<f t="array" ref="{ref}">{escape(text)}</f>'
            cells[0] = f'{head}{rows[0]}"{s}{_cached_body(values[0], tag)}'
        return cells
    return [_mixed_cell(f'{head}{r}"{s}', v) for r, v in zip(rows, values, strict=True)]


def _number_texts(numbers: np.ndarray) -> list[str]:
    """Shortest text of each number ("" for NaN); whole numbers without a decimal point."""
    numbers = np.asarray(numbers, dtype=float)
    finite = np.isfinite(numbers)
    whole = finite & (numbers == np.round(numbers)) & (np.abs(numbers) < 1e15)
    texts = np.full(len(numbers), "", dtype=object)
    texts[whole] = numbers[whole].astype(np.int64).astype(str)
    fraction = finite & ~whole
    texts[fraction] = [repr(float(x)) for x in numbers[fraction]]
    return texts.tolist()


def _escape_column(values: list[str | None]) -> list[str | None]:
    """``<t>`` elements of a column of strings, escaped in one pass (None stays None)."""
    present = [v for v in values if v is not None]
    joined = _SEPARATOR.join(present)
    if present and joined.count(_SEPARATOR) == len(present) - 1:
        escaped = _ILLEGAL_BUT_SEPARATOR.sub("", escape(joined, keep_illegal=True)).split(_SEPARATOR)
    else:  # a value holds the separator itself: escape one by one
        escaped = [escape(v) for v in present]
    if _EDGE_SPACE.search(joined):  # some value starts or ends with a space: Excel keeps it only when told
        wrapped = [f'<t xml:space="preserve">{t}</t>' if v != v.strip() else f"<t>{t}</t>"
                   for v, t in zip(present, escaped, strict=True)]
    else:
        wrapped = [f"<t>{t}</t>" for t in escaped]
    if len(wrapped) == len(values):
        return list(wrapped)
    it = iter(wrapped)
    return [None if v is None else next(it) for v in values]


def _mixed_cell(open_cell: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'{open_cell} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
    if isinstance(value, bool | np.bool_):
        return f'{open_cell} t="b"><v>{int(value)}</v></c>'
    text = number_text(value)
    return f"{open_cell}><v>{text}</v></c>" if text else ""


def _cached_body(cached: object, formula: str = "") -> str:
    """The rest of a cell of an array formula's range after ``<c r=.. s=..``: the formula (top cell
    only) and the cached value (a number, or text such as ``#E261 ...``; "" stays an empty text)."""
    if cached is None or isinstance(cached, str):
        return f' t="str">{formula}<v>{escape(cached or "")}</v></c>'
    text = "" if isinstance(cached, bool | np.bool_) else number_text(cached)
    return f">{formula}<v>{text}</v></c>" if text else f' t="str">{formula}<v></v></c>'


def _serial_array(series: pd.Series) -> np.ndarray:
    stamps = series
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("Asia/Tokyo").dt.tz_localize(None)
    return ((stamps - EXCEL_EPOCH) / pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)

