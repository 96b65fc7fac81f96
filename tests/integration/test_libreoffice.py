"""LibreOffice headless as a third-party consumer: it opens the built and the batch-updated workbook,
binds the buttons to our macros, and renders 在庫比較 with its highlights (PDF -> image).

Skipped, loudly, only where soffice or pdftoppm is missing (.ci/run installs both).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tests.workbook_fixtures import reconcile_rows
from zaiko_xl.adapters.columns import BUTTONS, CAUSES_HIGHLIGHTED, RECONCILE, grid_cells
from zaiko_xl.adapters.template_book import CAUSE_FILLS
from zaiko_xl.adapters.workbook_file import write_sheets
from zaiko_xl.ports import SheetUpdate

MISSING = [tool for tool in ("soffice", "pdftoppm", "pdftotext") if shutil.which(tool) is None]
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(bool(MISSING), reason=f"LibreOffice render checks NOT RUN: {', '.join(MISSING)} missing "
                                             "(install libreoffice-calc-nogui poppler-utils fonts-noto-cjk)"),
]


@pytest.fixture(scope="module")
def converted(built_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The built template and a batch-updated copy, converted by LibreOffice (two soffice runs)."""
    folder = tmp_path_factory.mktemp("lo")
    built, updated = folder / "built.xlsm", folder / "updated.xlsm"
    shutil.copyfile(built_template, built)
    shutil.copyfile(built_template, updated)
    rows = reconcile_rows(42)
    counts = rows.groupby("cause")["sku"].size()
    write_sheets(updated, {"在庫比較": SheetUpdate(rows=rows, cells=grid_cells(
        RECONCILE.grids[0], {"count": counts.to_dict()}))})
    _soffice(folder, "ods", built, updated)
    _soffice(folder, "pdf", updated)
    return {"built.ods": folder / "out" / "built.ods", "updated.ods": folder / "out" / "updated.ods",
            "updated.pdf": folder / "out" / "updated.pdf"}


def _soffice(folder: Path, to: str, *files: Path) -> None:
    profile = folder / "profile"  # private: parallel runs on one machine do not share a lock
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", to, "--outdir", str(folder / "out"), *map(str, files)],
                   check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(profile)})
    for file in files:
        assert (folder / "out" / f"{file.stem}.{to}").exists(), f"LibreOffice did not convert {file.name} to {to}"


def _page_with(pdf: Path, text: str) -> int:
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                            text=True, check=True).stdout)[1])
    for page in range(1, pages + 1):
        found = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                               capture_output=True, text=True, check=True).stdout
        if text in found:
            return page
    raise AssertionError(f"no page of {pdf.name} shows {text!r}")


def _render(pdf: Path, page: int, dpi: int) -> tuple[np.ndarray, Path]:
    """The page as an RGB array (from PPM) and as a PNG beside the PDF (to look at)."""
    stem = pdf.with_name(f"page{page}")
    args = ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-singlefile"]
    subprocess.run([*args, str(pdf), str(stem)], check=True)
    subprocess.run([*args, "-png", str(pdf), str(stem)], check=True)
    data = stem.with_suffix(".ppm").read_bytes()
    _magic, width, height, _maxval, pixels = re.match(rb"(P6)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S).groups()
    image = np.frombuffer(pixels, dtype=np.uint8)[: int(width) * int(height) * 3].reshape(int(height), int(width), 3)
    return image, stem.with_suffix(".png")


def _pixels_of(image: np.ndarray, hex_color: str) -> int:
    rgb = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    return int((np.abs(image.astype(np.int16) - rgb).max(axis=2) <= 2).sum())


@pytest.mark.parametrize("name", ["built.ods", "updated.ods"])
def test_libreoffice_opens_the_workbook_and_binds_the_buttons_to_our_macros(converted, name):
    with zipfile.ZipFile(converted[name]) as zf:
        modules = {Path(n).stem for n in zf.namelist() if n.startswith("Basic/VBAProject/")}
        content = zf.read("content.xml").decode()
        buttons = zf.read("Basic/VBAProject/ZaikoButtons.xml").decode()
    assert {"ZaikoButtons", "xlwings", "Dictionary", "xlwings_udfs"} <= modules
    for button in BUTTONS:
        assert f'form:label="{button.caption}"' in content
        assert f"vnd.sun.star.script:VBAProject.ZaikoButtons.{button.macro}?language=Basic" in content
        assert f"Sub {button.macro}()" in buttons


def test_the_batch_updated_workbook_renders_reconcile_with_its_highlights(converted):
    pdf = converted["updated.pdf"]
    page = _page_with(pdf, "在庫比較 / Reconciliation")
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "商品コード" in text and "SKU-000041" in text and "表記揺れ" in text and "根拠 delay" in text
    image, png = _render(pdf, page, dpi=60)
    print(f"rendered 在庫比較: {png}")
    for cause in CAUSES_HIGHLIGHTED:
        assert _pixels_of(image, CAUSE_FILLS[cause]) > 500, f"no {cause} highlight in {png}"
