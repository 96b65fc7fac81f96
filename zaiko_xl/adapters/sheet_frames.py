"""DataFrames <-> sheet cell values, by the table in ``columns.py``; shared by the file and the live Excel layers.

Writing: ``display_columns`` turns a frame with English field names into the values a sheet
shows (labels such as 遅延 for ``delay``, ○ for a tick, blanks as None).
Reading: ``frame_from_rows`` maps the header row to fields, converts each column to its kind
and reports every bad cell (Excel error values such as #N/A, text in a number column, a blank
required cell) with its sheet, row and column, in one error; nothing is returned half read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from zaiko_xl.adapters.cell_values import CONVERTERS, EXCEL_ERRORS, EXPECTED, as_text
from zaiko_xl.adapters.columns import TICK, Column, Kind, Owner, Sheet, column_letter, normalise_header, sheet
from zaiko_xl.domain.edits import carry_hand_edits
from zaiko_xl.errors import BadValue, DuplicateSku, InputProblems, MissingColumn, TableTooLarge, ZaikoError, where
from zaiko_xl.ports import SheetUpdate

MAX_REPORTED = 500  # problems listed one by one; the count covers all of them
HEADER_SCAN_ROWS = 20  # a user's sheet may have a title above its header
_ERROR_CODE = dict.fromkeys(EXCEL_ERRORS, 2)
Problem = tuple[int, int, ZaikoError]  # (Excel row, column index, error): reported in sheet order


# ---------------------------------------------------------------- writing
def resolve_update(name: str, value: SheetUpdate | pd.DataFrame, *,
                   allow_user_sheets: bool = False) -> tuple[Sheet, SheetUpdate]:
    """The sheet and its update, checked against columns.py before anything is written.

    ``allow_user_sheets`` is only for filling a brand-new workbook (``create_workbook``).

    Raises:
        ValueError: a sheet the user owns, or a column or cell name not on the sheet (a bug in the caller).
        TableTooLarge: more rows than the sheet's formats, validation and highlights cover.
    """
    spec = sheet(name)
    if spec.owner is not Owner.ZAIKO and not allow_user_sheets:
        raise ValueError(f"sheet {spec.name} belongs to the user; zaiko-xl never writes it")
    update = value if isinstance(value, SheetUpdate) else SheetUpdate(rows=value)
    unknown = sorted(set(update.cells) - set(spec.cell_refs()))
    if update.rows is not None:
        unknown += [c for c in update.rows.columns if c not in spec.fields]
        if len(update.rows) > spec.max_rows:
            raise TableTooLarge(sheet=spec.name, rows=len(update.rows), limit=spec.max_rows)
    if unknown:
        raise ValueError(f"not on sheet {spec.name}: {unknown}; names are in adapters/columns.py")
    return spec, update


def display_columns(spec: Sheet, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """field -> object array of what each cell shows (None for blank), for every column of ``spec``."""
    n = len(frame)
    return {col.field: _display(col, frame[col.field]) if col.field in frame.columns else np.full(n, None, dtype=object)
            for col in spec.columns}


def _display(col: Column, series: pd.Series) -> np.ndarray:
    values = series.to_numpy(dtype=object, na_value=None).copy()
    values[pd.isna(series).to_numpy()] = None
    if col.labels:
        labels = col.labels
        values = np.array([labels.get(v, v) if isinstance(v, str) else v for v in values], dtype=object)
    if col.kind is Kind.BOOL:
        return np.array([_tick(v) for v in values], dtype=object)
    if col.kind is Kind.TEXT:
        return np.array([v if v is None or isinstance(v, str) else as_text(v) for v in values], dtype=object)
    return values


def array_formula(spec: Sheet, formula: str, rows: int) -> tuple[str, str]:
    """A column's array formula over ``rows`` data rows: (``ZAIKO_F(E5:E9,...)`` without ``=``, its range).

    Each ``{field}`` becomes the data range of that column; the range is the formula column's own.
    """
    first, last = spec.first_data_row, spec.first_data_row + max(rows, 1) - 1
    ranges = {name: f"{column_letter(i)}{first}:{column_letter(i)}{last}" for i, name in enumerate(spec.fields)}
    text = formula.removeprefix("=").format_map(ranges)
    own = next(c.field for c in spec.columns if c.formula == formula)
    return text, ranges[own]


def excel_rows(spec: Sheet, frame: pd.DataFrame) -> list[list[object]]:
    """Rows of plain Python values for the live workbook (xlwings); formula columns hold their cached
    values (``array_formulas`` gives the formulas to set over them)."""
    shown = display_columns(spec, frame)
    columns = [[_plain(v) for v in shown[col.field]] for col in spec.columns]
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def array_formulas(spec: Sheet, rows: int) -> list[tuple[str, str]]:
    """(range, ``=formula``) of every formula column for ``rows`` data rows (none without rows)."""
    if not rows:
        return []
    out = []
    for col in spec.columns:
        if col.formula:
            text, ref = array_formula(spec, col.formula, rows)
            out.append((ref, "=" + text))
    return out


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
    body = rows[header_at + 1:]
    row_numbers = np.arange(len(body)) + first_row + header_at + 1
    width = max((len(r) for r in body), default=0)
    if any(len(r) != width for r in body):
        body = [list(r) + [None] * (width - len(r)) for r in body]
    raw = np.empty((len(body), width), dtype=object)
    if body:
        raw[:] = body
    out: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.field not in positions or positions[col.field] >= width:
            out[col.field] = pd.Series([None] * len(body), dtype=object)
            continue
        cells = raw[:, positions[col.field]]
        out[col.field] = _convert(col, cells, problems, spec=spec, file=file, row_numbers=row_numbers)
    frame = pd.DataFrame(out)
    frame.index = pd.Index(row_numbers, name="row")
    if spec.unique_key and spec.key_field in positions:
        _check_unique(spec, frame, problems, file)
    if problems:
        _raise(problems, file)
    present = [c.field for c in spec.columns if c.field in positions]
    return frame.loc[frame[present].notna().any(axis=1)] if present else frame.iloc[0:0]


def _locate_header(spec: Sheet, rows: Sequence[Sequence[object]], *, file: str,
                   first_row: int) -> tuple[int, dict[str, int], list[Problem]]:
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
    problems: list[Problem] = [
        (first_row + best, -1, MissingColumn(**where(file, spec.name, first_row + best), column_name=col.header))
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


def _convert(col: Column, cells: np.ndarray, problems: list[Problem], *, spec: Sheet, file: str,
             row_numbers: np.ndarray) -> pd.Series:
    """One column to its kind; every error value, unconvertible value and missing required value is a problem."""
    blank, errors = _blank_and_errors(cells)
    good = ~blank & ~errors
    if col.labels:
        back = {shown: stored for stored, shown in col.labels.items()}
        cells = np.array([back.get(v, v) if type(v) is str else v for v in cells], dtype=object)
    usable = np.where(good, cells, None)
    values, bad = CONVERTERS[col.kind](usable, good)
    for i in np.flatnonzero(errors):
        _add(problems, file, spec, row_numbers[i], col, cells[i], "Excel のエラー値", "an Excel error value")
    for i in np.flatnonzero(bad):
        _add(problems, file, spec, row_numbers[i], col, cells[i], *EXPECTED[col.kind])
    if col.required:
        for i in np.flatnonzero(blank):
            _add(problems, file, spec, row_numbers[i], col, "", "空欄は使えません", "must not be blank")
    return values


def _check_unique(spec: Sheet, frame: pd.DataFrame, problems: list[Problem], file: str) -> None:
    """Every repeat of a key value (after the first) is a problem naming the row it repeats."""
    assert spec.key_field is not None
    keys = frame[spec.key_field]
    repeats = keys.notna() & keys.duplicated(keep="first")
    first_row = {key: row for row, key in zip(frame.index[::-1], keys[::-1], strict=True)}
    col = spec.column(spec.key_field)
    for row, key in zip(frame.index[repeats], keys[repeats], strict=True):
        error = DuplicateSku(**where(file, spec.name, int(row), col.header), sku=key,
                             detail_ja=f"{first_row[key]}行目と同じです", detail_en=f"same as row {first_row[key]}")
        problems.append((int(row), spec.fields.index(col.field), error))


def _blank_and_errors(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of blank cells (None, "", spaces) and of Excel error values, in one pass."""
    codes = np.fromiter(((1 if v is None else 0) if type(v) is not str
                         else 1 if not v or v.isspace() else _ERROR_CODE.get(v, 0) for v in cells),
                        dtype=np.int8, count=len(cells))
    return codes == 1, codes == 2


def _add(problems: list[Problem], file: str, spec: Sheet, row: int, col: Column, value: object,
         ja: str, en: str) -> None:
    error = BadValue(**where(file, spec.name, int(row), col.header), value=value, detail_ja=ja, detail_en=en)
    problems.append((int(row), spec.fields.index(col.field), error))


def _raise(problems: list[Problem], file: str) -> None:
    """One problem as itself; several as InputProblems (E210), in sheet order (row, then column)."""
    ordered = [error for _, _, error in sorted(problems, key=lambda p: (p[0], p[1]))]
    if len(ordered) == 1:
        raise ordered[0]
    raise InputProblems(file=file, count=len(ordered), problems=ordered[:MAX_REPORTED])
