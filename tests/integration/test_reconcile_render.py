"""The reconciled 在庫比較 of a demo-like workbook, rendered by LibreOffice (PDF -> PNG), shows every cause's highlight.

The workbook is made from the template, filled with a planted sample shop as pull leaves it
and reconciled by ``zaiko-xl reconcile``; LibreOffice exports its first pages to PDF and
pdftoppm turns them into images whose pixels are counted per highlight colour.
Skipped, loudly, only where soffice or poppler is missing (.ci/run installs both).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from tests.reconcile_workbook import planted_window, pulled_workbook
from zaiko_xl.adapters.columns import CAUSE_LABELS, CAUSES_HIGHLIGHTED, RECONCILE
from zaiko_xl.adapters.template_book import CAUSE_FILLS
from zaiko_xl.adapters.workbook_file import read_cells
from zaiko_xl.entrypoints.cli import app

MISSING = [tool for tool in ("soffice", "pdftoppm", "pdftotext") if shutil.which(tool) is None]
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(bool(MISSING), reason=f"LibreOffice render check NOT RUN: {', '.join(MISSING)} missing "
                                             "(install libreoffice-calc-nogui poppler-utils fonts-noto-cjk)"),
]
PAGES = 4  # 操作 is page 1; the differences come first on 在庫比較, within its first pages
DPI = 100


@pytest.fixture(scope="module")
def rendered(built_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("render")
    shop, _truth = planted_window(500, 1)
    book = pulled_workbook(built_template, folder / "zaiko.xlsm", shop)
    result = CliRunner().invoke(app, ["reconcile", "--workbook", str(book), "--as-of", f"{shop.as_of:%Y-%m-%d %H:%M}"])
    assert result.exit_code == 0, result.output
    pdf = _to_pdf(book, folder)
    pages = [p for p in range(1, PAGES + 1) if _sheet_of(_text(pdf, p)) == RECONCILE.name]
    images = [_render(pdf, p, folder) for p in pages]
    return {"pdf": pdf, "pages": pages, "images": images, "cells": read_cells(book, RECONCILE.name)}


def _to_pdf(book: Path, folder: Path) -> Path:
    profile = folder / "profile"  # private: parallel runs on one machine do not share a lock
    export = 'pdf:calc_pdf_Export:{"PageRange":{"type":"string","value":"1-' + str(PAGES) + '"}}'
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", export, "--outdir", str(folder / "out"), str(book)],
                   check=True, capture_output=True, timeout=600, env={**os.environ, "HOME": str(profile)})
    pdf = folder / "out" / f"{book.stem}.pdf"
    assert pdf.exists(), "LibreOffice did not write the PDF"
    return pdf


def _text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def _sheet_of(page_text: str) -> str:
    """The sheet a page belongs to: LibreOffice's page header prints the date, then the sheet name."""
    lines = [line for line in page_text.splitlines() if line.strip()]
    return lines[1] if len(lines) > 1 else ""


def _render(pdf: Path, page: int, folder: Path) -> np.ndarray:
    """The page as an RGB array (PPM, ``DPI``), and a PNG beside it to look at."""
    stem = folder / f"reconcile-page{page}"
    args = ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(DPI), "-singlefile"]
    subprocess.run([*args, str(pdf), str(stem)], check=True)
    subprocess.run([*args, "-png", str(pdf), str(stem)], check=True)
    print(f"rendered 在庫比較: {stem}.png")
    data = stem.with_suffix(".ppm").read_bytes()
    _magic, width, height, _maxval, pixels = re.match(rb"(P6)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S).groups()
    return np.frombuffer(pixels, dtype=np.uint8)[: int(width) * int(height) * 3].reshape(int(height), int(width), 3)


def _cause_cells(pdf: Path, page: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(label, box in points) of every 原因 cell of the data rows on the page (below the header row)."""
    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = [(m[5], tuple(float(v) for v in m.group(1, 2, 3, 4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]
    header = min(box[1] for text, box in words if text == "原因" and box[1] > 0)
    labels = set(CAUSE_LABELS.values())
    return [(text, box) for text, box in words if text in labels and box[1] > header + 2]


def _background(image: np.ndarray, box: tuple[float, float, float, float]) -> tuple[int, int, int]:
    """The most common light colour inside a word's box (the cell's fill behind the glyphs)."""
    scale = DPI / 72
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    patch = image[y0:y1 + 1, x0:x1 + 1].reshape(-1, 3)
    light = patch[patch.min(axis=1) > 150]
    colours, counts = np.unique(light, axis=0, return_counts=True)
    return tuple(int(v) for v in colours[counts.argmax()])


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{v:02X}" for v in rgb)


def test_the_sheet_renders_with_its_japanese_title_headers_and_summary(rendered):
    first = _text(rendered["pdf"], rendered["pages"][0])
    for text in ("在庫比較 / Reconciliation", "原因 / Cause", "件数 / SKUs", "差異数量 / Units", "確定在庫", "根拠",
                 "RMS最終更新", "after RMS's last update"):
        assert text in first, text
    assert f"{rendered['cells']['summary.count.total']}" in first and len(rendered["pages"]) == PAGES - 1


@pytest.mark.parametrize("cause", CAUSES_HIGHLIGHTED)
def test_every_cause_found_is_highlighted_in_its_colour(rendered, cause):
    label, fill = CAUSE_LABELS[cause], CAUSE_FILLS[cause]
    assert rendered["cells"][f"summary.count.{cause}"] > 0, f"the planted shop has no {label}"
    shown = [_hex(_background(image, box)) for page, image in zip(rendered["pages"], rendered["images"], strict=True)
             for text, box in _cause_cells(rendered["pdf"], page) if text == label]
    assert shown, f"no {label} row on the first pages"
    assert set(shown) == {fill}, f"{label} rows are filled {sorted(set(shown))}, not {fill}"


def test_agreeing_rows_stay_white(rendered):
    shown = {_hex(_background(image, box)) for page, image in zip(rendered["pages"], rendered["images"], strict=True)
             for text, box in _cause_cells(rendered["pdf"], page) if text == CAUSE_LABELS["ok"]}
    assert shown == {"#FFFFFF"}
