"""Cell values read from a sheet (python-calamine or xlwings) converted to one column kind.

Each converter takes an object array of cell values (None where the cell is blank or holds an
Excel error) and the mask of cells to convert, and returns the converted column and the mask of
cells it could not convert. Common cases run vectorised; only unusual cells (text in a number
column, 全角 digits, dates typed as text) go through the slower path one by one.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import numpy as np
import pandas as pd

from zaiko_xl.adapters.columns import TICK, Kind

EXCEL_ERRORS = frozenset({"#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!",
                          "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
TRUE_WORDS = frozenset({TICK, "〇", "o", "✓", "✔", "レ", "1", "true", "yes", "y", "はい", "済"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "いいえ", "-", "×"})
_EPOCH = pd.Timestamp("1899-12-30")

Converted = tuple[pd.Series, np.ndarray]


def numbers(values: np.ndarray, good: np.ndarray) -> Converted:
    if set(map(type, values)) <= {float, int, type(None)}:  # the usual column: numbers and blanks only
        out = values.astype(float)
        return pd.Series(out), good & np.isnan(out)
    plain = np.fromiter((type(v) in (int, float) for v in values), dtype=bool, count=len(values))
    out = np.full(len(values), np.nan)
    out[plain] = values[plain].astype(float)
    for i in np.flatnonzero(good & ~plain):  # text (全角 digits, 1,200, 95%), bools, dates: one by one
        out[i] = _number_from(values[i])
    return pd.Series(out), good & np.isnan(out)


def _number_from(value: object) -> float:
    if not isinstance(value, str):
        return np.nan
    cleaned = unicodedata.normalize("NFKC", value).strip().replace(",", "")
    scale = 1.0
    if cleaned.endswith("%"):
        cleaned, scale = cleaned[:-1], 0.01
    try:
        return float(cleaned) * scale
    except ValueError:
        return np.nan


def ints(values: np.ndarray, good: np.ndarray) -> Converted:
    floats, bad = numbers(values, good)
    number = floats.to_numpy()
    fractional = ~np.isnan(number) & (number != np.round(number))
    whole = pd.Series(np.where(fractional, np.nan, number))
    return (whole.astype("Int64") if whole.isna().any() else whole.astype("int64")), bad | fractional


def times(values: np.ndarray, good: np.ndarray) -> Converted:
    plain = np.fromiter((isinstance(v, datetime | date) for v in values), dtype=bool, count=len(values))
    stamps = pd.Series(pd.NaT, index=range(len(values)), dtype="datetime64[ns]")
    if plain.any():
        stamps[plain] = pd.to_datetime(pd.Series(values[plain]), errors="coerce").to_numpy()
    for i in np.flatnonzero(good & ~plain):
        stamps.iloc[i] = _time_from(values[i])
    return stamps, good & stamps.isna().to_numpy()


def _time_from(value: object) -> pd.Timestamp:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 2_958_466:
        return (_EPOCH + pd.Timedelta(days=float(value))).round("s")  # an unformatted Excel date serial
    try:
        return pd.Timestamp(unicodedata.normalize("NFKC", str(value)).strip())
    except (ValueError, TypeError):
        return pd.NaT


def dates(values: np.ndarray, good: np.ndarray) -> Converted:
    stamps, bad = times(values, good)
    return stamps.dt.normalize(), bad


def bools(values: np.ndarray, good: np.ndarray) -> Converted:
    flags = [_flag(v) for v in values]
    unknown = np.fromiter((f is None for f in flags), dtype=bool, count=len(flags))
    return pd.Series([bool(f) for f in flags], dtype=bool), good & unknown


def _flag(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        word = str(int(value)) if float(value).is_integer() else str(value)
    else:
        word = unicodedata.normalize("NFKC", str(value)).strip().casefold()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def texts(values: np.ndarray, good: np.ndarray) -> Converted:
    out = [v if v is None or type(v) is str else as_text(v) for v in values]
    return pd.Series(out, dtype="str").where(pd.notna(pd.Series(out, dtype=object)), None), np.zeros(len(out), bool)


def as_text(value: object) -> str:
    """A value in a text column as text: 12345.0 (a code Excel stored as a number) -> "12345"."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


CONVERTERS = {Kind.TEXT: texts, Kind.INT: ints, Kind.FLOAT: numbers, Kind.PERCENT: numbers,
              Kind.DATE: dates, Kind.DATETIME: times, Kind.BOOL: bools}
EXPECTED = {
    Kind.TEXT: ("文字", "text"),
    Kind.INT: ("整数を入力してください", "expected a whole number"),
    Kind.FLOAT: ("数値を入力してください", "expected a number"),
    Kind.PERCENT: ("数値または % を入力してください", "expected a number or a percentage"),
    Kind.DATE: ("日付を入力してください (例 2026/11/26)", "expected a date, e.g. 2026-11-26"),
    Kind.DATETIME: ("日時を入力してください (例 2026/11/26 10:00)", "expected a date and time, e.g. 2026-11-26 10:00"),
    Kind.BOOL: (f"{TICK} または空欄にしてください", f"expected {TICK} or blank"),
}
