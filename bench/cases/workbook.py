"""Workbook benchmarks: template build, batch update of a 100,000-row sheet, reading it back.

``seconds`` is wall time; ``cpu_s`` is this process's CPU time, which shows how much of the wall
time went to waiting for a busy machine. Smoke runs write 300 rows.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd

from bench.registry import Metrics, case

ROOT = Path(__file__).resolve().parents[2]
ROWS, SMOKE_ROWS = 100_000, 300
CAUSES = ("ok", "delay", "split", "notation", "set", "pending", "unknown")


def _rows(n: int, shift: int = 0) -> pd.DataFrame:
    index = pd.RangeIndex(n)
    return pd.DataFrame({
        "sku": [f"SKU-{i:06d}" for i in index], "name": [f"商品 {i} 綿100% Tシャツ Mサイズ" for i in index],
        "rms_quantity": index % 500 + shift, "warehouse_on_hand": index % 480, "ledger_balance": index % 480,
        "open_allocations": index % 7, "expected_rms": index % 473, "difference": index % 9,
        "cause": [CAUSES[i % 7] for i in index], "evidence": [f"倉庫ファイル以降の受注 {i % 5} 件" for i in index],
        "suggested": index % 473, "confirmed": index % 473, "push": index % 11 == 0,
    })


def _template(folder: Path) -> Path:
    from zaiko_xl import bootstrap
    from zaiko_xl.entrypoints.excel_vba import template_modules

    return bootstrap.build_template(folder / "zaiko.xlsm", template_modules(ROOT / "macros"))


@case("workbook.template_build", repeat=3, target="<= 3 s")
def template_build(smoke: bool = False) -> Metrics:  # a template has one size: smoke changes nothing
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), time.process_time()
        path = _template(Path(tmp))
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "cpu_s": round(time.process_time() - cpu, 3), "bytes": path.stat().st_size}


@case("workbook.batch_update_100k", repeat=3, target="<= 5 s")
def batch_update(smoke: bool = False) -> Metrics:
    """A second run over a 100,000-row 在庫比較: read back hand edits, write new rows, backup, swap."""
    from zaiko_xl.adapters.workbook_file import write_sheets

    n = SMOKE_ROWS if smoke else ROWS
    with tempfile.TemporaryDirectory() as tmp:
        path = _template(Path(tmp))
        first = time.perf_counter()
        write_sheets(path, {"在庫比較": _rows(n)})
        first_s = time.perf_counter() - first
        rows = _rows(n, shift=1)
        start, cpu = time.perf_counter(), time.process_time()
        report = write_sheets(path, {"在庫比較": rows})
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "cpu_s": round(time.process_time() - cpu, 3), "first_write_s": round(first_s, 3),
                "rows": n,
                "kept_edits": report.kept_edits, "file_mb": round(path.stat().st_size / 1e6, 1)}


@case("workbook.read_100k", repeat=3, target="<= 2 s")
def read_back(smoke: bool = False) -> Metrics:
    from zaiko_xl.adapters.workbook_file import read_sheet, write_sheets

    n = SMOKE_ROWS if smoke else ROWS
    with tempfile.TemporaryDirectory() as tmp:
        path = _template(Path(tmp))
        write_sheets(path, {"在庫比較": _rows(n)}, backups=0)
        start, cpu = time.perf_counter(), time.process_time()
        frame = read_sheet(path, "在庫比較")
        seconds = time.perf_counter() - start
        assert len(frame) == n
        return {"seconds": seconds, "cpu_s": round(time.process_time() - cpu, 3), "rows": len(frame)}
