"""Pull benchmarks: the file side at 100,000 rows, and a whole pull of a 10,000-SKU shop.

* ``pull.files_warehouse_100k``: issue 4's number. A 100,000-row CP932 warehouse export (5% of
  the codes drifted: 全角, a trailing space, lower case, ー and ‐ for the hyphen; 1% legacy WMS
  codes known only to the item master)
  is read, validated, normalised and matched against a 100,000-SKU item master exactly as
  ``pull`` does it (``FileWarehouseSource`` + ``domain.pull_match.resolve_pull``, which also
  builds the 倉庫在庫 rows and the 照合結果 rows). Target <= 2 s, peak <= 500 MB.
* ``pull.full_10k``: ``pull_workbook`` of a 10,000-SKU sample shop into a new workbook, against
  the sandbox in its own process with RMS's real rate limits. Reported per phase (local inputs,
  RMS, matching + the one workbook write); the RMS phase is bound by RMS's own limits (getOrder
  1 request/s for 100 orders), so it is reported, not targeted.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd

from bench.cases.ingest import HEADER
from bench.registry import Metrics, case
from bench.sandbox_process import sandbox_process

ROWS, SMOKE_ROWS = 100_000, 300
COLOURS, SIZES = ("RD", "BL", "WH", "BK", "GR"), ("S", "M", "L", "XL")
WIDE = str.maketrans("-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", "－０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ")
# how the WMS writes every 100th code differently (5% drifted), and a legacy code (1%) only the master knows
DRIFT = {7: lambda c: c.translate(WIDE), 27: lambda c: c + " ", 47: str.lower,
         67: lambda c: c.replace("-", "ー"), 87: lambda c: c.replace("-", "\u2010"), 50: None}


def _warehouse_file(folder: Path, rows: int) -> tuple[Path, pd.DataFrame]:
    """The CP932 export (zaiko-xl's generic layout) and the item master it belongs to."""
    skus, codes, lines = [], [], [",".join(HEADER)]
    for i in range(rows):
        sku = f"ZK-{i // 20:05d}-{COLOURS[i % 5]}-{SIZES[i % 4]}"
        drift = DRIFT.get(i % 100, False)
        code = f"W{i:07d}" if drift is None else drift(sku) if drift else sku
        on_hand = (i * 37) % 1500
        reserved = (i * 7) % 5 if on_hand >= 5 else 0
        expiry = f"2026/{1 + i % 12:02d}/{1 + i % 28:02d}" if i % 3 == 0 else ""
        cells = [code, f"商品 {i // 20} {COLOURS[i % 5]}/{SIZES[i % 4]}", on_hand, reserved, on_hand - reserved,
                 f"{'ABC'[i % 3]}-{i % 40:02d}-{i % 9}", f"L{2400 + i % 30}", expiry, "2025/11/20 09:00"]
        lines.append(",".join(f'"{v:,}"' if isinstance(v, int) and v >= 1000 else str(v) for v in cells))
        skus.append(sku)
        codes.append(code if drift is None else sku)
    path = folder / "warehouse_100k.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    items = pd.DataFrame({"sku": skus, "manage_number": [s[:8].lower() for s in skus], "variant_id": skus,
                          "warehouse_code": codes, "jan": None})
    return path, items


@case("pull.files_warehouse_100k", repeat=3, target="<= 2 s, peak <= 500 MB (read + normalise + map)")
def files_warehouse_100k(smoke: bool = False) -> Metrics:
    from zaiko_xl.adapters.file_sources import FileWarehouseSource
    from zaiko_xl.domain.pull_match import Master, Pulled, empty_inbound, empty_orders, resolve_pull
    from zaiko_xl.domain.rms import RMS_ORDER_COLUMNS, RMS_STOCK_COLUMNS

    rows = SMOKE_ROWS if smoke else ROWS
    with tempfile.TemporaryDirectory() as folder:
        path, items = _warehouse_file(Path(folder), rows)
        master = Master(items, items.iloc[0:0])
        none = {"rms_stock": pd.DataFrame(columns=list(RMS_STOCK_COLUMNS)),
                "rms_orders": pd.DataFrame(columns=list(RMS_ORDER_COLUMNS)),
                "ledger": pd.DataFrame({"sku": pd.Series(dtype="str")}), "other_orders": empty_orders(),
                "inbound": empty_inbound()}
        start = time.perf_counter()
        table = FileWarehouseSource(path).read_warehouse()
        read = time.perf_counter() - start
        resolved = resolve_pull(master, Pulled(warehouse=table.frame, **none))
        seconds = time.perf_counter() - start
    counts = resolved.counts.loc["warehouse"]
    assert counts["rows"] == rows and counts["unmatched"] == 0, counts
    return {"seconds": round(seconds, 3), "read_s": round(read, 3), "match_s": round(seconds - read, 3),
            "rows": int(counts["rows"]), "exact": int(counts["exact"]), "mapping": int(counts["mapping"]),
            "normalised": int(counts["normalised"]), "report_rows": len(resolved.report)}


# ---------------------------------------------------------------- a whole pull of a 10k-SKU shop
SHOP_SKUS, SHOP_SEED = 10_000, 1
SMOKE_SKUS = 300
FAST_RMS = {"rate_get_per_s": 1000, "rate_write_per_s": 1000, "rate_order_per_s": 1000}  # smoke: no pacing


class _Phases:
    """The Progress port that notes when each phase first reports."""

    def __init__(self) -> None:
        self.first: dict[str, float] = {}

    def update(self, label: str, done: int, total: int | None = None) -> None:
        self.first.setdefault(label, time.perf_counter())


@case("pull.full_10k", repeat=1, target="report (RMS phase bound by RMS's rate limits)")
def full_10k(smoke: bool = False) -> Metrics:
    from tests.sandbox_server import FAST
    from zaiko_xl import bootstrap
    from zaiko_xl.adapters.workbook_file import create_workbook
    from zaiko_xl.config import load_settings
    from zaiko_xl.entrypoints.demo_setup import config_text, user_sheets
    from zaiko_xl.sample_shop import generate, write_files
    from zaiko_xl.services.pull import MATCH_LABEL, pull_workbook

    skus = SMOKE_SKUS if smoke else SHOP_SKUS
    as_of = bootstrap.jst_now().replace(second=0)
    with sandbox_process(skus, SHOP_SEED, as_of, FAST if smoke else {}) as address:
        shop = generate(skus=skus, seed=SHOP_SEED, as_of=as_of)
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_files(shop, folder / "shop")
            sheets, in_sheet = user_sheets(shop)
            book_path = create_workbook(bootstrap.template_path(), folder / "zaiko.xlsm", sheets)
            (folder / "zaiko.toml").write_text(config_text(skus, SHOP_SEED, ledger_in_sheet=in_sheet), "utf-8")
            base_url, secret, key = address()
            settings = load_settings(folder / "zaiko.toml", rms={"base_url": base_url, "service_secret": secret,
                                                                  "license_key": key, **(FAST_RMS if smoke else {})})
            phases = _Phases()
            start = time.perf_counter()
            with bootstrap.pull_sources(settings, book_path) as sources:
                report = pull_workbook(bootstrap.writable_workbook(settings, book_path), sources,
                                       bootstrap.pull_journal(settings), bootstrap.pull_options(settings, book_path),
                                       phases)
                requests = sources.rms_inventory.transport.requests
            seconds = time.perf_counter() - start
            rms_start, match_start = phases.first["RMS在庫 / stock"], phases.first[MATCH_LABEL]
            return {"seconds": round(seconds, 2), "local_inputs_s": round(rms_start - start, 2),
                    "rms_s": round(match_start - rms_start, 2), "match_and_write_s": round(start + seconds - match_start, 2),
                    "rms_requests": requests, "rows": report.rows, "ledger_rows": report.run.source("ledger").rows,
                    "ledger_in_sheet": in_sheet, "problems": report.problems,
                    "workbook_mb": round(book_path.stat().st_size / 2**20, 1)}
