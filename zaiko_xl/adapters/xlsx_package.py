"""The parts of an .xlsx/.xlsm package that the batch writer and reader need to find.

Sheet name -> worksheet part (via ``xl/workbook.xml`` and its relationships), the calculation
chain that must forget cells of rewritten sheets, and the Excel error cells of a sheet
(python-calamine reads an error such as #N/A as an empty string, so they are found here).
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from zaiko_xl.adapters.columns import split_ref

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"
CALC_CHAIN = "xl/calcChain.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"
_SI = re.compile(r"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_TEXT = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_CALC_CELL = re.compile(r"<c\b([^>]*?)/>")
_ATTR = re.compile(r'([\w:]+)="([^"]*)"')
_ERROR_CELL = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]+\d+)"[^>]*?\bt="e"[^>]*>(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?<v>([^<]*)</v>')


@dataclass(frozen=True, slots=True)
class SheetPart:
    name: str
    part: str  # e.g. "xl/worksheets/sheet2.xml"
    sheet_id: str


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, SheetPart]:
    """Sheet name -> its worksheet part, in workbook order."""
    book = ET.fromstring(zf.read(WORKBOOK))
    rels = ET.fromstring(zf.read(WORKBOOK_RELS))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", NS)}
    found: dict[str, SheetPart] = {}
    for sheet in book.findall("m:sheets/m:sheet", NS):
        target = targets.get(sheet.get(f"{{{NS['r']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        found[sheet.get("name", "")] = SheetPart(sheet.get("name", ""), part, sheet.get("sheetId", ""))
    return found


def calc_chain_edits(zf: zipfile.ZipFile, sheet_ids: set[str]) -> tuple[dict[str, bytes], frozenset[str]]:
    """Edits that make ``xl/calcChain.xml`` forget every cell of the given sheets.

    Excel reports a damaged file when the chain names a cell that holds no formula, which is
    what rewriting a sheet can leave behind. Entries without ``i`` belong to the sheet of the
    entry before them. When no entry is left, the part, its relationship and its content type go.

    Returns:
        (member name -> new bytes, members to drop); both empty when nothing changes.
    """
    if CALC_CHAIN not in zf.namelist() or not sheet_ids:
        return {}, frozenset()
    xml = zf.read(CALC_CHAIN).decode("utf-8")
    kept, dropped, current = [], 0, ""
    for found in _CALC_CELL.finditer(xml):
        attrs = dict(_ATTR.findall(found.group(1)))
        current = attrs.get("i", current)
        if current in sheet_ids:
            dropped += 1
            continue
        attrs["i"] = current
        kept.append("<c " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + "/>")
    if not dropped:
        return {}, frozenset()
    if kept:
        start = xml.index(">", xml.index("<calcChain")) + 1
        return {CALC_CHAIN: (xml[:start] + "".join(kept) + "</calcChain>").encode("utf-8")}, frozenset()
    rels = re.sub(r'<Relationship\b[^>]*Target="/?(?:xl/)?calcChain\.xml"[^>]*/>', "",
                  zf.read(WORKBOOK_RELS).decode("utf-8"))
    types = re.sub(r'<Override\b[^>]*PartName="/xl/calcChain\.xml"[^>]*/>', "", zf.read(CONTENT_TYPES).decode("utf-8"))
    return {WORKBOOK_RELS: rels.encode("utf-8"), CONTENT_TYPES: types.encode("utf-8")}, frozenset({CALC_CHAIN})


def error_cells(zf: zipfile.ZipFile, part: str) -> dict[tuple[int, int], str]:
    """(1-based row, 0-based column) -> error text (``#N/A``) for every error cell of a sheet."""
    data = zf.read(part)
    if b't="e"' not in data:
        return {}
    return {split_ref(ref.decode()): value.decode() for ref, value in _ERROR_CELL.findall(data)}


def text_of(xml: str) -> str:
    """The visible text of an ``<si>`` or ``<is>`` body (rich-text runs joined, furigana left out)."""
    return html.unescape("".join(t or "" for t in _TEXT.findall(_PHONETIC.sub("", xml))))


def shared_strings(zf: zipfile.ZipFile) -> Callable[[int], str]:
    """Index -> text of the shared-string table, parsed lazily only as far as asked."""
    if SHARED_STRINGS not in zf.namelist():
        return lambda index: ""
    found: list[str] = []
    matches = _SI.finditer(zf.read(SHARED_STRINGS).decode("utf-8"))

    def lookup(index: int) -> str:
        for match in matches:
            found.append(text_of(match.group(1) or ""))
            if len(found) > index:
                break
        return found[index] if index < len(found) else ""

    return lookup
