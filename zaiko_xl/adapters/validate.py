"""The one validator: RawTable + TableSchema -> contract frame and warnings, or every problem at once.

CSV files, XLSX sheets and DataFrames of the live workbook all end here, so they get the same
header mapping and the same row-numbered, bilingual messages. Fatal problems are collected
for the whole table and raised together as :class:`InputProblems` (nothing is imported);
warnings travel with the frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from zaiko_xl.adapters.cells import (
    EXCEL_ERRORS,
    REASONS,
    Parsed,
    check_range,
    is_blank,
    lookup_in,
    parse_choice,
    parse_datetime,
    parse_flag,
    parse_number,
    to_text,
)
from zaiko_xl.adapters.headers import HeaderMatch, find_header
from zaiko_xl.adapters.schemas import Field, TableSchema
from zaiko_xl.adapters.table_rules import apply_rules, merge_duplicates
from zaiko_xl.adapters.tabular import RawTable
from zaiko_xl.errors import (
    BadValue,
    DuplicateHeader,
    EmptyCell,
    EmptyFile,
    ExcelErrorValue,
    InputError,
    InputProblems,
    InputWarning,
    MissingColumn,
    PresetMismatch,
    RowTooLong,
)

_MAX_SHOWN_VALUE = 40


class Report:
    """Collects the problems and warnings of one table, each with its row and header text."""

    def __init__(self, raw: RawTable, header: HeaderMatch, schema: TableSchema) -> None:
        self.raw, self.header, self.schema = raw, header, schema
        self.problems: list[tuple[tuple[int, int], InputError]] = []
        self.warnings: list[tuple[tuple[int, int], InputWarning]] = []

    def _place(self, row: int | None, field: str | None) -> tuple[tuple[int, int], dict[str, str]]:
        position = self.header.positions.get(field, -1) if field else -1
        column = self.header.texts[position] if position >= 0 else None
        return (row or 0, position), self.raw.place(row=row, column=column)

    def problem(self, cls: type[InputError], row: int | None, field: str | None = None, **context: object) -> None:
        key, place = self._place(row, field)
        self.problems.append((key, cls(**place, **context)))

    def warn(self, cls: type[InputWarning], row: int | None, field: str | None = None, **context: object) -> None:
        key, place = self._place(row, field)
        self.warnings.append((key, cls(**place, **context)))

    def bad_value(self, row: int, field: str, value: object, reason: str, **fill: object) -> None:
        ja, en = REASONS[reason]
        shown = str(value) if len(str(value)) <= _MAX_SHOWN_VALUE else str(value)[:_MAX_SHOWN_VALUE] + "…"
        self.problem(BadValue, row, field, value=shown, detail_ja=ja.format(**fill), detail_en=en.format(**fill))

    def raise_if_failed(self) -> None:
        if self.problems:
            found = [p for _, p in sorted(self.problems, key=lambda item: item[0])]
            raise InputProblems(file=self.raw.source, count=len(found), problems=found)

    def sorted_warnings(self) -> tuple[InputWarning, ...]:
        return tuple(w for _, w in sorted(self.warnings, key=lambda item: item[0]))


def validate(raw: RawTable, schema: TableSchema, *, alternatives: Sequence[tuple[str, TableSchema]] = (),
             preset: str = "", preset_setting: str = "") -> tuple[pd.DataFrame, tuple[InputWarning, ...]]:
    """Check and convert a raw table to its contract frame.

    Args:
        raw: every cell of the table.
        schema: the fields, with the headers of the chosen preset and zaiko.toml overrides.
        alternatives: (name, schema) of other presets, suggested when they fit and ``schema`` does not.
        preset: the name of the chosen preset (for the suggestion message).
        preset_setting: the zaiko.toml key that chooses it, e.g. ``warehouse.preset``.

    Returns:
        The frame (contract columns and dtypes, rows in file order) and the warnings.

    Raises:
        EmptyFile: the table has a header but no data rows.
        InputProblems: every fatal problem of the table (E204, E205, E206, E207, E208, E211, E214).
    """
    header, better = find_header(raw.cells, schema, [s for _, s in alternatives])
    report = Report(raw, header, schema)
    if better is not None:
        name = next(n for n, s in alternatives if s is better)
        section, _, key = preset_setting.rpartition(".")
        report.problem(PresetMismatch, header.row, preset=preset, suggested=name, section=section, key=key)
        report.raise_if_failed()
    body = _data_rows(raw.cells, header.row)
    if body.empty:
        raise EmptyFile(**raw.place())
    body = _check_columns(report, body)
    values = pd.DataFrame({f.name: _convert(body, f, report) for f in schema.fields if f.name in header.positions},
                          index=body.index)
    frame = apply_rules(schema, values, report)
    frame = merge_duplicates(frame, schema, report)
    report.raise_if_failed()
    return _assemble(frame, schema), report.sorted_warnings()


def _data_rows(cells: pd.DataFrame, header_row: int) -> pd.DataFrame:
    """The rows below the header that hold anything."""
    body = cells.loc[cells.index > header_row]
    if body.empty:
        return body
    blank = is_blank(body.iloc[:, 0]).to_numpy().copy()
    for position in range(1, body.shape[1]):  # only rows still blank so far are looked at again
        if not blank.any():
            break
        blank[blank] = is_blank(body.iloc[blank, position]).to_numpy()
    return body.loc[~blank]


def _check_columns(report: Report, body: pd.DataFrame) -> pd.DataFrame:
    """Report missing and doubled columns and rows longer than the header; returns the rows to convert."""
    header = report.header
    for name in header.missing:
        report.problem(MissingColumn, header.row, None, column_name=report.schema.get(name).headers[0],
                       **MissingColumn.REMAP_HINT)
    for name in header.doubles:
        report.warn(DuplicateHeader, header.row, name, used=header.texts[header.positions[name]])
    if not report.raw.delimited:
        return body
    width = max((i for i, t in enumerate(header.texts) if t.strip()), default=-1) + 1
    too_long = _data_rows(body.iloc[:, width:], 0) if body.shape[1] > width else body.iloc[:0]
    for row, cells in too_long.iterrows():  # its cells are shifted: report the row once, not each cell
        report.problem(RowTooLong, int(row), None, value=next(str(v) for v in cells if str(v).strip()))
    return body.drop(index=too_long.index)


def _convert(body: pd.DataFrame, field: Field, report: Report) -> pd.Series:
    cells = body[report.header.positions[field.name]]
    fallback = report.schema.get(field.fallback) if field.fallback else None
    if fallback is not None and fallback.name in report.header.positions:
        cells = cells.where(~is_blank(cells), body[report.header.positions[fallback.name]])
    errors = cells.isin(EXCEL_ERRORS)
    for row in errors[errors].index:
        report.problem(ExcelErrorValue, int(row), field.name, value=cells[row])
    if errors.any():
        cells = cells.mask(errors, "")
    blank = is_blank(cells)
    parsed = _parse(cells, field, blank)
    if field.required:
        for row in blank[blank & ~errors].index:
            report.problem(EmptyCell, int(row), field.name)
    allowed = "、".join(_first_label_per_value(field.choices))
    for row, reason in parsed.reasons.dropna().items():
        report.bad_value(int(row), field.name, to_text(cells[[row]], strip=False).iloc[0], reason, allowed=allowed)
    values = parsed.values
    if field.default is not None and blank.any():
        values = values.where(~blank, field.default)
    return values


def _first_label_per_value(choices: Mapping[str, str]) -> list[str]:
    first: dict[str, str] = {}
    for label, value in choices.items():
        if label != "*":
            first.setdefault(value, label)
    return list(first.values())


def _parse(cells: pd.Series, field: Field, blank: pd.Series) -> Parsed:
    no_reasons = pd.Series(None, index=cells.index, dtype=object)
    if field.kind in ("int", "float"):
        parsed = parse_number(cells, integer=field.kind == "int", blank=blank)
        return check_range(parsed, minimum=field.minimum, maximum=field.maximum)
    if field.kind == "datetime":
        return parse_datetime(cells, blank=blank)
    if field.kind == "choice":
        return parse_choice(cells, lookup_in(field.choices))
    if field.kind == "flag":
        return parse_flag(cells)
    return Parsed(to_text(cells, strip=field.kind != "code"), no_reasons)


def empty_frame(schema: TableSchema) -> pd.DataFrame:
    """A table of the schema's kind with no rows (contract columns and dtypes)."""
    return _assemble(pd.DataFrame(), schema)


def _assemble(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Contract columns in order, absent optional columns filled, contract dtypes."""
    out = {}
    for name in schema.columns:
        field = schema.get(name)
        column = frame[name] if name in frame else pd.Series(_absent(field), index=frame.index, dtype=object)
        out[name] = _typed(column, field)
    return pd.DataFrame(out).reset_index(drop=True)


def _absent(field: Field) -> object:
    """The value of every row when an optional column is not in the table."""
    if field.default is not None:
        return field.default
    return "" if field.kind in ("code", "text", "choice") else None


def _typed(column: pd.Series, field: Field) -> pd.Series:
    if field.kind == "int":
        numbers = pd.to_numeric(column, errors="coerce")
        return numbers.astype("int64") if numbers.notna().all() else numbers.astype("Int64")
    if field.kind == "float":
        return pd.to_numeric(column, errors="coerce").astype("float64")
    if field.kind == "datetime":
        return pd.to_datetime(column, errors="coerce").astype("datetime64[ns]")
    if field.kind == "flag":
        return column.fillna(False).astype(bool)
    return column.fillna("").astype(str)
