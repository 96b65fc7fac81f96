"""Native charts follow the rows zaiko-xl writes: each series covers exactly the filled rows of its table.

A chart in the template points at a table of one of zaiko-xl's sheets (series ranges that start
on the table's first data row). After a write, ``refit_chart_xml`` (the file writer, per chart
part) and ``refit_series_formula`` (the live Excel path, per ``=SERIES(...)``) end every such
range on the last row that its *category* column fills, so a chart never shows empty slots
and never misses a row. Ranges elsewhere are left alone. Cached values of a refitted series are
dropped (Excel and LibreOffice read the cells when they open the file).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from zaiko_xl.adapters.sheet_spec import Kind, Sheet, column_index, column_letter

_REF = re.compile(r"^(?P<sheet>'(?:[^']|'')+'|[^'!]+)!\$(?P<col>[A-Z]+)\$(?P<first>\d+)(?::\$(?P<col2>[A-Z]+)\$(?P<last>\d+))?$")
_SERIES = re.compile(r"<c:ser>.*?</c:ser>", re.S)
_PART = re.compile(r"<c:(?P<tag>cat|val|xVal|yVal)>(?P<body>.*?)</c:(?P=tag)>", re.S)
_FORMULA = re.compile(r"<c:f>(.*?)</c:f>", re.S)


@dataclass(frozen=True)
class TableFill:
    """How far each column of a just-written table is filled."""

    first_row: int  # 1-based row of the first data row
    filled: dict[int, int]  # 0-based column -> rows from ``first_row`` to its last non-blank cell
    text_columns: frozenset[int] = field(default_factory=frozenset)


def table_fill(spec: Sheet, rows: pd.DataFrame) -> TableFill:
    """The fill of ``spec``'s table after writing ``rows`` (fields of columns.py)."""
    filled = {}
    for j, col in enumerate(spec.columns):
        if col.field not in rows.columns:
            filled[j] = 0
            continue
        values = rows[col.field]
        present = values.notna().to_numpy() & (values.astype(object) != "").to_numpy()
        hits = np.flatnonzero(present)
        filled[j] = int(hits[-1]) + 1 if len(hits) else 0
    text = frozenset(j for j, col in enumerate(spec.columns) if col.kind is Kind.TEXT or col.labels)
    return TableFill(spec.first_data_row, filled, text)


def _parse(ref: str) -> tuple[str, int, int, int] | None:
    """``'Sheet'!$B$5:$B$9`` -> (sheet, column index, first row, last row); None for anything else."""
    found = _REF.match(ref.strip())
    if found is None or (found["col2"] and found["col2"] != found["col"]):
        return None
    sheet = found["sheet"]
    if sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    first = int(found["first"])
    return sheet, column_index(found["col"]), first, int(found["last"] or first)


def _with_rows(ref: str, rows: int) -> str:
    sheet_part = ref.strip().split("!")[0]
    _, col, first, _ = _parse(ref)  # type: ignore[misc]
    letter = column_letter(col)
    return f"{sheet_part}!${letter}${first}:${letter}${first + max(rows, 1) - 1}"


def _fill_of(ref: str, tables: Mapping[str, TableFill]) -> tuple[int, bool] | None:
    """(filled rows, text column) when ``ref`` is a range of a written table starting on its first row."""
    parsed = _parse(ref)
    if parsed is None or parsed[0] not in tables:
        return None
    sheet, col, first, _ = parsed
    table = tables[sheet]
    if first != table.first_row:
        return None
    return table.filled.get(col, 0), col in table.text_columns


def refit_series_formula(formula: str, tables: Mapping[str, TableFill]) -> str:
    """``=SERIES(name, categories, values, order)`` with its ranges refitted (Excel's live charts)."""
    if not formula.startswith("=SERIES(") or not formula.endswith(")"):
        return formula
    args = _split_args(formula[len("=SERIES("):-1])
    if len(args) < 3:
        return formula
    rows = _fill_of(args[1], tables) if args[1].strip() else _fill_of(args[2], tables)
    if rows is None:
        return formula
    fitted = [_with_rows(a, rows[0]) if i in (1, 2) and _fill_of(a, tables) else a for i, a in enumerate(args)]
    return "=SERIES(" + ",".join(fitted) + ")"


def _split_args(text: str) -> list[str]:
    """Split on commas outside quotes and parentheses."""
    args, depth, quoted, current = [], 0, False, ""
    for ch in text:
        if ch == "'" or ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and depth == 0 and ch == ",":
            args.append(current)
            current = ""
            continue
        current += ch
    args.append(current)
    return args


def refit_chart_xml(xml: str, tables: Mapping[str, TableFill]) -> str:
    """A chart part with every series on a written table refitted (unchanged text when none is)."""
    return _SERIES.sub(lambda m: _refit_series(m.group(0), tables), xml)


def _refit_series(series: str, tables: Mapping[str, TableFill]) -> str:
    refs = {m["tag"]: html.unescape(_FORMULA.search(m["body"])[1]) for m in _PART.finditer(series)
            if _FORMULA.search(m["body"])}
    category = refs.get("cat") or refs.get("xVal")
    if category:  # a series with categories follows them, or is not ours
        fill = _fill_of(category, tables)
    else:
        fill = next((f for tag in ("val", "yVal") if tag in refs and (f := _fill_of(refs[tag], tables))), None)
    if fill is None:
        return series
    rows = fill[0]

    def rebuild(match: re.Match) -> str:
        tag, ref = match["tag"], refs.get(match["tag"])
        found = _fill_of(ref, tables) if ref else None
        if found is None:
            return match.group(0)
        kind = "strRef" if tag in ("cat", "xVal") and found[1] else "numRef"
        return f"<c:{tag}><c:{kind}><c:f>{html.escape(_with_rows(ref, rows), quote=False)}</c:f></c:{kind}></c:{tag}>"

    return _PART.sub(rebuild, series)
