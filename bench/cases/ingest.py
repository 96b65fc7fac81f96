"""Ingestion benchmarks: a 100,000-row warehouse export read, parsed and validated.

Setup (not timed) writes the file into a temporary folder: the zaiko-xl standard layout
(商品コード, 商品名, 実在庫数, ... as the sample shop writes it), 5% of codes drifted (全角,
trailing space, long-vowel hyphen), thousands separators on large counts, expiry dates on
a third of the rows. The timed part is ``read_warehouse``: decode, split, map headers,
convert every cell, check every rule, build the contract frame.
"""

from __future__ import annotations

import resource
import tempfile
import time
import unicodedata
from pathlib import Path

from bench.registry import Metrics, case

ROWS = 100_000
SMOKE_ROWS = 300
HEADER = ["商品コード", "商品名", "実在庫数", "引当数", "有効在庫数", "ロケーション", "ロット", "賞味期限", "最終更新日時"]
_COLOURS = ["レッド", "ブルー", "ホワイト", "ブラック", "グリーン"]
_SIZES = ["S", "M", "L", "XL"]


def _rows(count: int = ROWS) -> list[list[object]]:
    """Deterministic rows; every 20th code drifts as a real WMS file does."""
    rows = []
    for i in range(count):
        code = f"ZK-{i // 20:05d}-{_COLOURS[i % 5][:2]}-{_SIZES[i % 4]}"
        if i % 20 == 7:
            code = unicodedata.normalize("NFKC", code).translate(str.maketrans("-0123456789", "－０１２３４５６７８９"))
        elif i % 20 == 13:
            code += " "
        on_hand = (i * 37) % 1500
        reserved = (i * 7) % 5 if on_hand >= 5 else 0
        expiry = f"2026/{1 + i % 12:02d}/{1 + i % 28:02d}" if i % 3 == 0 else ""
        rows.append([code, f"商品 {i // 20} {_COLOURS[i % 5]}/{_SIZES[i % 4]}", on_hand, reserved,
                     on_hand - reserved, f"{'ABC'[i % 3]}-{i % 40:02d}-{i % 9}", f"L{2400 + i % 30}", expiry,
                     "2025/11/20 09:00"])
    return rows


def write_csv(folder: Path, count: int = ROWS) -> Path:
    """The CP932 CSV (CRLF, large counts written as "1,234")."""
    lines = [",".join(HEADER)]
    for row in _rows(count):
        cells = [f'"{v:,}"' if isinstance(v, int) and v >= 1000 else str(v) for v in row]
        lines.append(",".join(cells))
    path = folder / "warehouse_100k.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def write_xlsx(folder: Path, count: int = ROWS) -> Path:
    """The same rows as a workbook (numbers as numbers), written in XlsxWriter's low-memory mode."""
    import xlsxwriter

    path = folder / "warehouse_100k.xlsx"
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("在庫")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(_rows(count), start=1):
        sheet.write_row(r, 0, row)
    book.close()
    return path


def _measure(path: Path, rows: int) -> Metrics:
    from zaiko_xl.adapters.readers import read_warehouse

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    table = read_warehouse(path)
    seconds = time.perf_counter() - start
    assert len(table.frame) == rows, len(table.frame)
    return {"seconds": seconds, "rows": len(table.frame), "warnings": len(table.warnings),
            "file_mb": round(path.stat().st_size / 2**20, 1), "rss_before_read_mb": round(rss_before, 1)}


@case("ingest.warehouse_csv_cp932_100k", repeat=3, target="<= 2 s, peak <= 500 MB")
def warehouse_csv_cp932(smoke: bool = False) -> Metrics:
    rows = SMOKE_ROWS if smoke else ROWS
    with tempfile.TemporaryDirectory() as folder:
        return _measure(write_csv(Path(folder), rows), rows)


@case("ingest.warehouse_xlsx_100k", repeat=3, target="<= 3 s, peak <= 500 MB")
def warehouse_xlsx(smoke: bool = False) -> Metrics:
    rows = SMOKE_ROWS if smoke else ROWS
    with tempfile.TemporaryDirectory() as folder:
        return _measure(write_xlsx(Path(folder), rows), rows)
