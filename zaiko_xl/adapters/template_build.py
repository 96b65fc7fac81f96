"""Build workbook/template.xlsm: XlsxWriter sheets + a VBA project made with pyOpenVBA.

Steps (see /work/shared/reference/excel-build.md, "Recommended build pipeline"):
1. ``template_book.write_book`` writes every sheet (no VBA) into memory;
2. the workbook part's content type becomes macro-enabled (pyOpenVBA does not switch it);
3. pyOpenVBA adds a VBA project the way Excel makes one (ThisWorkbook and one document module
   per sheet, with their code names) and the given modules (xlwings, Dictionary, ours, the UDF
   wrappers);
4. the result replaces ``out`` atomically.

Reproducible: the same inputs give the same bytes (fixed document dates, zip entries dated
1980-01-01 by XlsxWriter and pyOpenVBA, no random identifiers).
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from zaiko_xl.adapters.template_book import write_book

SHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_CONTENT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


@dataclass(frozen=True, slots=True)
class VbaModule:
    """One VBA module for the template. Source must be ASCII (the project's code page is 1252)."""

    name: str
    source: str
    kind: Literal["standard", "class"] = "standard"


def build_template(out: Path, modules: Sequence[VbaModule], *, version: str) -> Path:
    """Write the template workbook with ``modules`` to ``out`` (atomically) and return ``out``."""
    from pyopenvba import ExcelFile, VBAModuleKind

    for module in modules:
        if not module.source.isascii():
            raise ValueError(f"VBA module {module.name} is not ASCII; Japanese text belongs in cells and captions")
    sheets = io.BytesIO()
    write_book(sheets, version=version)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        stage, built = Path(tmp) / "stage.xlsm", Path(tmp) / "built.xlsm"
        stage.write_bytes(macro_enabled(sheets.getvalue()))
        with ExcelFile(stage) as book:
            project = book.add_vba_project()
            for module in modules:
                kind = VBAModuleKind.standard if module.kind == "standard" else VBAModuleKind.other
                project.add_module(module.name, _crlf(module.source), kind=kind)
            book.save(built)
        os.replace(built, out)
    return out


def macro_enabled(package: bytes) -> bytes:
    """The package with its workbook part typed as macro-enabled (every other member unchanged)."""
    src = zipfile.ZipFile(io.BytesIO(package))
    buffer = io.BytesIO()
    with src, zipfile.ZipFile(buffer, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                text = data.decode("utf-8")
                if SHEET_CONTENT not in text:
                    raise ValueError("no workbook content type to switch")
                data = text.replace(SHEET_CONTENT, MACRO_CONTENT, 1).encode("utf-8")
            dst.writestr(info, data)
    return buffer.getvalue()


def _crlf(source: str) -> str:
    return source.replace("\r\n", "\n").replace("\n", "\r\n")
