"""DataFrames <-> sheet cell values, by the table in ``columns.py``; shared by the file and the live Excel layers.

Writing: ``display_columns`` turns a frame with English field names into the values a sheet
shows (labels such as 遅延 for ``delay``, ○ for a tick, blanks as None).
Reading: ``frame_from_rows`` maps the header row to fields, converts each column to its kind
and reports every bad cell (Excel error values such as #N/A, text in a number column, a blank
required cell) with its sheet, row and column, in one error; nothing is returned half read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd

from zaiko_xl.adapters.columns import TICK, Column, Kind, Sheet, column_letter, normalise_header
from zaiko_xl.domain.edits import carry_hand_edits
from zaiko_xl.errors import BadValue, InputProblems, MissingColumn, ZaikoError, where

EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
TRUE_WORDS = frozenset({TICK, "〇", "o", "✓", "✔", "レ", "1", "true", "yes", "y", "はい", "済"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "いいえ", "-", "×"})
MAX_REPORTED = 500  # problems listed one by one; the count covers all of them
HEADER_SCAN_ROWS = 20  # a user's sheet may have a title above its header


# ---------------------------------------------------------------- writing
def display_columns(spec: Sheet, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """field -> object array of what each cell shows (None for blank), for every column of ``spec``."""
    unknown = [c for c in frame.columns if c not in spec.fields]
    if unknown:
        raise ValueError(f"columns not on sheet {spec.name}: {unknown}; add them to adapters/columns.py")
    n = len(frame)
    return {col.field: _display(col, frame[col.field]) if col.field in frame.columns else np.full(n, None, dtype=object)
            for col in spec.columns}


def _display(col: Column, series: pd.Series) -> np.ndarray:
    values = series.to_numpy(dtype=object, na_value=None)
    values[pd.isna(series).to_numpy()] = None
    if col.labels:
        labels = col.labels
        values = np.array([labels.get(v, v) if isinstance(v, str) else v for v in values], dtype=object)
    if col.kind is Kind.BOOL:
        return np.array([_tick(v) for v in values], dtype=object)
    if col.kind is Kind.TEXT:
        return np.array([v if v is None or isinstance(v, str) else _as_text(v) for v in values], dtype=object)
    return values


def formula_template(spec: Sheet, formula: str) -> str:
    """``=F({on_hand})`` -> ``F(D{r})``: placeholders become same-row references; ``{r}`` is the row."""
    text = formula.removeprefix("=").replace("{", "{{").replace("}", "}}")
    for i, name in enumerate(spec.fields):
        text = text.replace("{{" + name + "}}", f"{column_letter(i)}{{r}}")
    return text


def excel_rows(spec: Sheet, frame: pd.DataFrame) -> list[list[object]]:
    """Rows of plain Python values for the live workbook (xlwings): formulas as ``=...`` text."""
    shown = display_columns(spec, frame)
    columns: list[list[object]] = []
    for col in spec.columns:
        values = [_plain(v) for v in shown[col.field]]
        if col.formula:
            template = formula_template(spec, col.formula)
            values = ["=" + template.format(r=spec.first_data_row + i) for i in range(len(frame))]
        columns.append(values)
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def with_hand_edits(spec: Sheet, rows: pd.DataFrame, read_old: Callable[[], pd.DataFrame]) -> tuple[pd.DataFrame, int]:
    """``rows`` with the hand edits of the sheet's ``keep`` columns carried over from ``read_old()``."""
    kept = {c.field: c.baseline for c in spec.columns if c.keep}
    if not kept or spec.key_field is None:
        return rows, 0
    return carry_hand_edits(rows, read_old(), spec.key_field, kept)


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _tick(value: object) -> str | None:
    if isinstance(value, str):
        return value or None
    return TICK if value is not None and bool(value) else None


def _as_text(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


# ---------------------------------------------------------------- reading
def frame_from_rows(spec: Sheet, rows: Sequence[Sequence[object]], *, file: str, first_row: int = 1) -> pd.DataFrame:
    """The sheet's table as a DataFrame (English field names; index = Excel row numbers).

    Args:
        spec: the sheet.
        rows: cell values row by row, the first being Excel row ``first_row``; Excel error cells
            hold their error text (``"#N/A"``).
        file: the workbook's name, for messages.
        first_row: Excel row number of ``rows[0]``.

    Raises:
        MissingColumn, BadValue: one problem; InputProblems (E210): several, each listed.
    """
    header_at, positions, problems = _locate_header(spec, rows, file=file, first_row=first_row)
    body = [list(r) for r in rows[header_at + 1:]]
    excel_rows = np.arange(len(body)) + first_row + header_at + 1
    raw = pd.DataFrame(body, dtype=object) if body else pd.DataFrame()
    out: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.field not in positions or positions[col.field] >= raw.shape[1]:
            out[col.field] = pd.Series([None] * len(body), dtype=object)
            continue
        cells = raw[positions[col.field]].reset_index(drop=True)
        out[col.field] = _convert(col, cells, problems, spec=spec, file=file, excel_rows=excel_rows)
    frame = pd.DataFrame(out)
    frame.index = pd.Index(excel_rows, name="row")
    if problems:
        _raise(problems, file)
    present = [c.field for c in spec.columns if c.field in positions]
    return frame.loc[frame[present].notna().any(axis=1)] if present else frame.iloc[0:0]


def _locate_header(spec: Sheet, rows: Sequence[Sequence[object]], *, file: str,
                   first_row: int) -> tuple[int, dict[str, int], list[ZaikoError]]:
    """Index of the header row within ``rows``, field -> column index, and missing-column problems."""
    wanted = {col.field: {normalise_header(h) for h in (col.header, *col.aliases)} for col in spec.columns}
    fixed = spec.header_row - first_row
    candidates = [fixed] if spec.title else range(min(len(rows), HEADER_SCAN_ROWS))
    best, best_found = max(0, fixed), {}
    for i in candidates:
        if i < 0 or i >= len(rows):
            continue
        found = _match_headers(rows[i], wanted)
        if len(found) > len(best_found):
            best, best_found = i, found
    problems: list[ZaikoError] = [
        MissingColumn(**where(file, spec.name, first_row + best), column_name=col.header)
        for col in spec.columns if col.required and col.field not in best_found
    ]
    return best, best_found, problems


def _match_headers(row: Sequence[object], wanted: dict[str, set[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, text in enumerate(row):
        key = normalise_header(text) if text not in (None, "") else ""
        for field, names in wanted.items():
            if key in names and field not in found:
                found[field] = j
    return found


def _convert(col: Column, cells: pd.Series, problems: list[ZaikoError], *, spec: Sheet, file: str,
             excel_rows: np.ndarray) -> pd.Series:
    blank = cells.isna() | cells.map(lambda v: isinstance(v, str) and not v.strip())
    errors = cells.isin(EXCEL_ERRORS) & ~blank
    good = ~blank & ~errors
    if col.labels:
        back = {shown: stored for stored, shown in col.labels.items()}
        cells = cells.map(lambda v: back.get(v, v) if isinstance(v, str) else v)
    values, bad = _CONVERTERS[col.kind](cells.where(good, None), good)
    for i in np.flatnonzero(errors.to_numpy()):
        _add(problems, file, spec, excel_rows[i], col, cells.iloc[i], "Excel のエラー値", "an Excel error value")
    for i in np.flatnonzero(bad.to_numpy()):
        _add(problems, file, spec, excel_rows[i], col, cells.iloc[i], *_EXPECTED[col.kind])
    if col.required:
        for i in np.flatnonzero(blank.to_numpy()):
            _add(problems, file, spec, excel_rows[i], col, "", "空欄は使えません", "must not be blank")
    return values


def _add(problems: list[ZaikoError], file: str, spec: Sheet, row: int, col: Column, value: object,
         ja: str, en: str) -> None:
    problems.append(BadValue(**where(file, spec.name, int(row), col.header), value=value, detail_ja=ja, detail_en=en))


def _raise(problems: list[ZaikoError], file: str) -> None:
    if len(problems) == 1:
        raise problems[0]
    raise InputProblems(file=file, count=len(problems), problems=problems[:MAX_REPORTED])


# Each converter takes the cells (None where blank or error) and the mask of cells to convert;
# it returns the converted column and the mask of cells it could not convert.
def _numbers(cells: pd.Series, good: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = cells.map(lambda v: _clean_number_text(v) if isinstance(v, str) else v)
    text = text.map(lambda v: None if isinstance(v, bool) else v)
    numbers = pd.to_numeric(text, errors="coerce")
    return numbers.astype(float), good & numbers.isna()


def _clean_number_text(text: str) -> object:
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    if cleaned.endswith("%"):
        try:
            return float(cleaned[:-1]) / 100
        except ValueError:
            return cleaned
    return cleaned


def _ints(cells: pd.Series, good: pd.Series) -> tuple[pd.Series, pd.Series]:
    numbers, bad = _numbers(cells, good)
    fractional = numbers.notna() & (numbers != numbers.round())
    bad = bad | fractional
    whole = numbers.where(~fractional)
    values = whole.astype("Int64") if whole.isna().any() else whole.astype("int64")
    return values, bad


def _times(cells: pd.Series, good: pd.Series) -> tuple[pd.Series, pd.Series]:
    def one(value: object) -> object:
        if value is None or isinstance(value, datetime | date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 2_958_466:
            return (pd.Timestamp("1899-12-30") + pd.Timedelta(days=float(value))).round("s")
        try:
            return pd.Timestamp(unicodedata.normalize("NFKC", str(value)).strip())
        except (ValueError, TypeError):
            return pd.NaT

    stamps = pd.to_datetime(cells.map(one), errors="coerce")
    return stamps.astype("datetime64[ns]"), good & stamps.isna()


def _dates(cells: pd.Series, good: pd.Series) -> tuple[pd.Series, pd.Series]:
    stamps, bad = _times(cells, good)
    return stamps.dt.normalize(), bad


def _bools(cells: pd.Series, good: pd.Series) -> tuple[pd.Series, pd.Series]:
    def one(value: object) -> object:
        if value is None or isinstance(value, bool):
            return bool(value)
        word = unicodedata.normalize("NFKC", str(value)).strip().casefold()
        if isinstance(value, int | float):
            word = str(int(value)) if float(value).is_integer() else word
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None

    flags = cells.map(one)
    return flags.fillna(False).astype(bool), good & flags.isna()


def _texts(cells: pd.Series, good: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = cells.map(lambda v: v if v is None or isinstance(v, str) else _as_text(v))
    return text.astype("str").where(text.notna(), None), good & False


_CONVERTERS = {
    Kind.TEXT: _texts, Kind.INT: _ints, Kind.FLOAT: _numbers, Kind.PERCENT: _numbers,
    Kind.DATE: _dates, Kind.DATETIME: _times, Kind.BOOL: _bools,
}
_EXPECTED = {
    Kind.TEXT: ("文字", "text"),
    Kind.INT: ("整数を入力してください", "expected a whole number"),
    Kind.FLOAT: ("数値を入力してください", "expected a number"),
    Kind.PERCENT: ("数値または % を入力してください", "expected a number or a percentage"),
    Kind.DATE: ("日付を入力してください (例 2026/11/26)", "expected a date, e.g. 2026-11-26"),
    Kind.DATETIME: ("日時を入力してください (例 2026/11/26 10:00)", "expected a date and time, e.g. 2026-11-26 10:00"),
    Kind.BOOL: (f"{TICK} または空欄にしてください", f"expected {TICK} or blank"),
}
