"""One sheet of an Excel workbook -> RawTable, with python-calamine (fast, read-only).

calamine returns error cells (#N/A, #REF!) as empty strings (python-calamine issue #105), so
for .xlsx/.xlsm the sheet's XML is searched for cells of type ``e`` and their error text is
put back into the table. The search costs one decompression of the sheet and a byte scan;
the regex runs only when the sheet holds at least one error cell.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import pandas as pd

from zaiko_xl.adapters.tabular import RawTable, place
from zaiko_xl.errors import EmptyFile, NotAWorkbook, SheetNotFound

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ERROR_CELL = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*>.*?</c>', re.DOTALL)
_CELL_REF = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_CELL_VALUE = re.compile(rb"<v>([^<]*)</v>")


def read_workbook_sheet(path: Path, sheet: str | None) -> RawTable:
    """Read ``sheet`` (None: the first visible worksheet) of the workbook at ``path``."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            name = _pick_sheet(book, sheet, path.name)
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise NotAWorkbook(reason=type(exc).__name__, **place(path.name)) from exc
    except (OSError, ValueError) as exc:  # calamine reports some broken files as plain errors
        raise NotAWorkbook(reason=str(exc)[:80], **place(path.name)) from exc
    if not rows:
        raise EmptyFile(**place(path.name, name))
    cells = pd.DataFrame(rows, dtype=object)
    cells.index = pd.RangeIndex(1, len(cells) + 1)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        for (row, col), value in error_cells(path, name).items():
            if row in cells.index and col < cells.shape[1]:
                cells.at[row, col] = value
    return RawTable(cells=cells, file=path.name, sheet=name)


def _pick_sheet(book, wanted: str | None, file_name: str) -> str:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    names = list(book.sheet_names)
    if wanted is not None:
        if wanted not in names:
            raise SheetNotFound(wanted=wanted, sheets="、".join(names), **place(file_name))
        return wanted
    visible = [m.name for m in book.sheets_metadata
               if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet]
    if not (visible or names):
        raise EmptyFile(**place(file_name))
    return (visible or names)[0]


def error_cells(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """(row, 0-based column) -> error text of every error cell of ``sheet`` in an .xlsx/.xlsm."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            data = archive.read(part) if part else b""
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        return {}
    if b't="e"' not in data:
        return {}
    found: dict[tuple[int, int], str] = {}
    for cell in _ERROR_CELL.finditer(data):
        ref, value = _CELL_REF.search(cell[0]), _CELL_VALUE.search(cell[0])
        if ref and value:
            found[(int(ref[2]), _column_index(ref[1].decode()))] = value[1].decode()
    return found


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member of a sheet, found through workbook.xml and its relationships."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rel_id = next((s.get(f"{_NS_REL}id") for s in book.iter(f"{_NS_MAIN}sheet") if s.get("name") == sheet), None)
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iter(f"{_NS_PKG_REL}Relationship") if r.get("Id") == rel_id), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - ord("A") + 1)
    return index - 1
