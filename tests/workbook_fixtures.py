"""Fixtures and helpers for the workbook tests: a fresh template build and sample sheet rows."""

from __future__ import annotations

import shutil
import struct
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from zaiko_xl import bootstrap
from zaiko_xl.adapters.columns import CAUSE_LABELS
from zaiko_xl.entrypoints.excel_vba import template_modules

ROOT = Path(__file__).resolve().parent.parent
MACROS = ROOT / "macros"
COMMITTED_TEMPLATE = ROOT / "workbook" / "template.xlsm"
CAUSES = tuple(CAUSE_LABELS)


@pytest.fixture(scope="session")
def built_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A template built from the current code and macros/ (once per test session)."""
    return bootstrap.build_template(tmp_path_factory.mktemp("build") / "template.xlsm", template_modules(MACROS))


@pytest.fixture
def workbook(built_template: Path, tmp_path: Path) -> Path:
    """A shop's workbook: a copy of the fresh template in its own folder."""
    path = tmp_path / "shop" / "zaiko.xlsm"
    path.parent.mkdir()
    shutil.copyfile(built_template, path)
    return path


def reconcile_rows(n: int, start: int = 0) -> pd.DataFrame:
    """Rows for 在庫比較 cycling through every cause; 確定在庫 = 提案在庫, no ticks."""
    causes = [CAUSES[i % len(CAUSES)] for i in range(start, start + n)]
    diff = [0 if c == "ok" else 3 for c in causes]
    base = pd.RangeIndex(start, start + n)
    return pd.DataFrame({
        "sku": [f"SKU-{i:06d}" for i in base], "name": [f"商品 {i} 綿100% Tシャツ" for i in base],
        "rms_quantity": base + 10, "warehouse_on_hand": base + 12, "ledger_balance": base + 12,
        "open_allocations": 2, "expected_rms": base + 10 - pd.Series(diff, index=base),
        "difference": diff, "cause": causes, "suggested": base + 10, "confirmed": base + 10, "push": False,
        "evidence": [f"根拠 {c}" for c in causes],
    })


def stored(path: Path) -> dict[str, tuple[int, int, int, bytes]]:
    """Member name -> (compression, CRC, size, compressed bytes as stored), read with zipfile and struct."""
    out = {}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as fh:
        for info in zf.infolist():
            fh.seek(info.header_offset)
            header = fh.read(30)
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            fh.seek(info.header_offset + 30 + name_len + extra_len)
            out[info.filename] = (info.compress_type, info.CRC, info.file_size, fh.read(info.compress_size))
    return out


def sheet_part(path: Path, sheet_name: str) -> str:
    """The worksheet part of a sheet, e.g. ``xl/worksheets/sheet2.xml``."""
    from zaiko_xl.adapters.xlsx_package import sheet_parts

    with zipfile.ZipFile(path) as zf:
        return sheet_parts(zf)[sheet_name].part
