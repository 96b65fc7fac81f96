"""CSV, XLSX and live-sheet tables -> :class:`RawTable` (every cell, numbered as the user sees rows).

The one place that knows file encodings: UTF-8, UTF-8 with BOM, UTF-16 with BOM (Excel's
"Unicode text") and Shift_JIS/CP932 are detected; comma or tab separators are detected from
the first lines; quoted fields may hold separators and line breaks. XLSX/XLSM/XLS/ODS are read
with python-calamine, which reads error cells (#N/A) as blanks, so XLSX error cells are found
separately (:mod:`zaiko_xl.adapters.xlsx_errors`). Nothing here interprets a column: the shared
validator (:mod:`zaiko_xl.adapters.validate`) does, for files and live sheets alike.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from zaiko_xl.errors import EmptyFile, EncodingProblem, FileMissing, UnreadableFile, where

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
_ENCODINGS_TRIED = {
    "auto": ("UTF-8、UTF-8 (BOM付き)、Shift_JIS (CP932)", "UTF-8, UTF-8 with BOM, Shift_JIS/CP932"),
    "utf-8": ("UTF-8", "UTF-8"), "utf-8-sig": ("UTF-8 (BOM付き)", "UTF-8 with BOM"),
    "cp932": ("Shift_JIS (CP932)", "Shift_JIS/CP932"),
}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class RawTable:
    """Every cell of a table before interpretation.

    ``cells`` has positional integer columns and is indexed by the row number the user sees
    (the first row of the file or sheet is 1). Excel error cells hold their text (``#N/A``).
    """

    cells: pd.DataFrame
    file: str
    sheet: str | None = None
    delimited: bool = False  # from a CSV/TSV: cells beyond the header's width are mistakes

    def place(self, row: int | None = None, column: str | None = None) -> dict[str, str]:
        """Keyword context naming this table (and a row and column) for an error message."""
        return place(self.file, self.sheet, row=row, column=column)

    @property
    def source(self) -> str:
        """The table's name in one-line summaries: ``file`` or ``file [sheet]``."""
        return f"{self.file} [{self.sheet}]" if self.sheet else self.file


def place(file: str, sheet: str | None = None, *, row: int | None = None, column: str | None = None) -> dict[str, str]:
    """:func:`where` plus the bare ``file`` name (combined reports list the files that failed)."""
    return {**where(file=file, sheet=sheet, row=row, column=column), "file": file}


def read_raw(path: Path, *, encoding: str = "auto", sheet: str | None = None) -> RawTable:
    """Read a CSV/TSV/text file or an Excel workbook's sheet into a :class:`RawTable`.

    Args:
        path: the file; ``.xlsx``/``.xlsm``/``.xls``/``.xlsb``/``.ods`` are workbooks, anything else text.
        encoding: ``auto`` (detect) or ``utf-8``, ``utf-8-sig``, ``cp932`` for text files.
        sheet: the workbook sheet to read; None means the first visible sheet.

    Raises:
        FileMissing, UnreadableFile, NotAWorkbook, SheetNotFound, EncodingProblem, EmptyFile.
    """
    if not path.is_file():
        raise FileMissing(path=str(path), file=path.name)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        from zaiko_xl.adapters.workbook_cells import read_workbook_sheet

        return read_workbook_sheet(path, sheet)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(detail=exc.strerror or type(exc).__name__, **place(path.name)) from exc
    return read_raw_text(data, name=path.name, encoding=encoding)


def read_raw_text(data: bytes, *, name: str, encoding: str = "auto") -> RawTable:
    """Delimited text (bytes) -> RawTable; see :func:`read_raw`."""
    text = decode(data, name=name, encoding=encoding)
    if not text.strip():
        raise EmptyFile(**place(name))
    separator = detect_separator(text)
    cells = _split(text, separator, name)
    cells.index = pd.RangeIndex(1, len(cells) + 1)
    return RawTable(cells=cells, file=name, delimited=True)


def _split(text: str, separator: str, name: str) -> pd.DataFrame:
    """Cells of every record; rows shorter than the widest are padded with ''.

    The width is guessed from separators per line; a quoted value spanning lines can hide
    some, and then pandas names the width it saw, which the next try uses.
    """
    width = max(line.count(separator) for line in text.splitlines()) + 1
    for _ in range(5):
        try:
            return pd.read_csv(io.StringIO(text), sep=separator, header=None, names=range(width), dtype=str,
                               keep_default_na=False, skip_blank_lines=False, quotechar='"')
        except (pd.errors.ParserError, ValueError) as exc:
            seen = re.search(r"saw (\d+)", str(exc))
            if not seen or int(seen[1]) <= width:
                raise UnreadableFile(detail=str(exc).strip().splitlines()[-1], **place(name)) from exc
            width = int(seen[1])
    raise UnreadableFile(detail="too many columns", **place(name))


def decode(data: bytes, *, name: str, encoding: str = "auto") -> str:
    """Bytes -> text: a BOM decides; otherwise UTF-8, then CP932 (or only the encoding given)."""
    if encoding == "auto":
        for bom, codec in _BOMS:
            if data.startswith(bom):
                return _strict(data, codec, name, encoding)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as first:
            try:
                return data.decode("cp932")
            except UnicodeDecodeError as second:
                raise _encoding_problem(data, max(first.start, second.start), name, encoding) from second
    return _strict(data, encoding, name, encoding)


def _strict(data: bytes, codec: str, name: str, setting: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _encoding_problem(data, exc.start, name, setting) from exc


def _encoding_problem(data: bytes, position: int, name: str, setting: str) -> EncodingProblem:
    tried_ja, tried_en = _ENCODINGS_TRIED.get(setting, (setting, setting))
    line = data.count(b"\n", 0, position) + 1
    return EncodingProblem(tried_ja=tried_ja, tried_en=tried_en, line=line, **place(name))


def detect_separator(text: str) -> str:
    """Tab if the first lines hold more tabs than commas, else comma."""
    head = [line for line in text[:20_000].splitlines()[:10] if line.strip()]
    tabs = sum(line.count("\t") for line in head)
    commas = sum(line.count(",") for line in head)
    return "\t" if tabs > commas else ","


def raw_from_frame(frame: pd.DataFrame, *, source: str, sheet: str | None = None,
                   header_row: int = 1) -> RawTable:
    """A DataFrame read from a live sheet (headers as column names) -> RawTable.

    Args:
        frame: the sheet's table; its column names are the header cells.
        source: the workbook's file name, for messages.
        sheet: the sheet name, for messages.
        header_row: the sheet row that holds the headers (1 = the first row).
    """
    header = pd.DataFrame([[str(c) if c is not None else "" for c in frame.columns]])
    body = pd.DataFrame(frame.to_numpy(dtype=object))
    cells = pd.concat([header, body], ignore_index=True) if len(body) else header
    cells.index = pd.RangeIndex(header_row, header_row + len(cells))
    return RawTable(cells=cells.astype(object), file=source, sheet=sheet)
