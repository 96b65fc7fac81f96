"""Reorder inputs from CSV files in a folder; outputs to .xlsx and CP932 purchase-order CSVs.

Until the workbook reader exists (issue 5), ``zaiko-xl reorder`` reads one CSV per frame from
a folder (UTF-8, UTF-8 with BOM or CP932): ``items.csv``, ``suppliers.csv``, ``stock.csv``,
``orders.csv`` and optionally ``inbound.csv``, ``bom.csv``, ``supplier_closures.csv``,
``assignments.csv``, ``exclusions.csv`` (columns: docs/data-contracts.md). Every bad value of
a file is reported together (E210) and nothing is planned from a broken file.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from zaiko_xl.adapters.sheet_xlsx import write_sheets_xlsx
from zaiko_xl.domain.purchase_orders import csv_safe
from zaiko_xl.domain.reorder_frames import REQUIRED, ReorderInputs
from zaiko_xl.domain.sheet_cells import SheetContent
from zaiko_xl.errors import (
    BadValue,
    EmptyFile,
    EncodingProblem,
    InputProblems,
    MissingColumn,
    NotEncodable,
    UnreadableFile,
    where,
)

NUMBERS = {"unit_cost", "price", "lead_time_days", "lead_time_std_days", "moq", "case_pack", "order_cost",
           "on_hand", "quantity"}
DATES = {"ordered_at", "received_at", "expected_on", "start", "end", "date"}
OPTIONAL_FILES = ("inbound", "bom", "supplier_closures", "assignments", "exclusions")
# characters Windows' Shift_JIS (CP932) spells with another code point
CP932_LOOKALIKES = str.maketrans({"\u301c": "\uff5e", "\u2016": "\u2225", "\u2212": "\uff0d", "\u00a2": "\uffe0",
                                  "\u00a3": "\uffe1", "\u00ac": "\uffe2", "\u2014": "\u2015"})


class CsvReorderSource:
    """The ``ReorderSource`` port on a folder of CSV files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self) -> ReorderInputs:
        frames = {name: read_frame(self.folder / f"{name}.csv") for name in ("items", "suppliers", "stock", "orders")}
        for name in OPTIONAL_FILES:
            path = self.folder / f"{name}.csv"
            frames[name] = read_frame(path) if path.exists() else None
        return ReorderInputs(**frames)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(detail=exc.strerror or str(exc), **where(file=str(path))) from exc
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise EncodingProblem(**where(file=str(path)))


def read_frame(path: Path) -> pd.DataFrame:
    """One input CSV as a typed frame (numbers, dates, ``is_set`` as bool); all problems at once."""
    text = _read_text(path)
    if not text.strip():
        raise EmptyFile(**where(file=str(path)))
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError) as exc:
        raise UnreadableFile(detail=str(exc).splitlines()[0], **where(file=str(path))) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in REQUIRED.get(path.stem, ()):
        if column not in frame.columns:
            raise MissingColumn(column_name=column, **where(file=str(path)))
    return _typed(frame.apply(lambda s: s.str.strip()) if len(frame) else frame, path)


def _typed(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    problems = []
    for column in frame.columns:
        if column in NUMBERS:
            values = pd.to_numeric(frame[column].replace("", np.nan), errors="coerce")
            bad = values.isna() & (frame[column] != "")
        elif column in DATES:
            values = pd.to_datetime(frame[column].replace("", None), errors="coerce", format="mixed")
            bad = values.isna() & (frame[column] != "")
        elif column == "is_set":
            values = frame[column].str.lower().map({"true": True, "1": True, "false": False, "0": False, "": False})
            bad = values.isna()
        else:
            continue
        for i in np.flatnonzero(bad.to_numpy()):
            problems.append(BadValue(value=frame[column].iat[i], detail_ja="数値・日付として読めません",
                                     detail_en="not a number or date", **where(file=str(path), row=int(i) + 2,
                                                                                column=column)))
        frame[column] = values
    if problems:
        raise InputProblems(file=str(path), count=len(problems), problems=problems)
    return frame


class FileReorderSink:
    """The ``ReorderSink`` port: 発注.xlsx (both sheets) and one CP932 CSV per purchase order."""

    def __init__(self, folder: Path, workbook_name: str = "発注.xlsx") -> None:
        self.folder, self.workbook_name = folder, workbook_name

    def write_sheets(self, sheets: Sequence[SheetContent]) -> list[str]:
        self.folder.mkdir(parents=True, exist_ok=True)
        return [str(write_sheets_xlsx(self.folder / self.workbook_name, sheets))]

    def write_purchase_order(self, name: str, table: pd.DataFrame) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / (re.sub(r'[\\/:*?"<>|\s]+', "_", name) + ".csv")
        write_cp932_csv(path, table)
        return str(path)


def write_cp932_csv(path: Path, table: pd.DataFrame) -> Path:
    """Write a table as Shift_JIS (CP932) CSV with CRLF; text cells that look like formulas are made safe.

    Raises:
        NotEncodable: a character has no CP932 code (file, row and column named); nothing is written.
    """
    lines = []
    for i, row in enumerate([list(table.columns), *table.itertuples(index=False, name=None)]):
        cells = [_csv_text(v) for v in row]
        for j, cell in enumerate(cells):
            try:
                cell.encode("cp932")
            except UnicodeEncodeError as exc:
                raise NotEncodable(char=cell[exc.start], **where(file=str(path), row=i + 1,
                                                                 column=str(table.columns[j]))) from exc
        lines.append(cells)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("w", encoding="cp932", newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows(lines)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _csv_text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    text = str(value) if not isinstance(value, str) else value
    return str(csv_safe(text.translate(CP932_LOOKALIKES))) if isinstance(value, str) else text
