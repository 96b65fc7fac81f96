"""Test set-up for `zaiko-xl sync`: a shop in the sandbox, its warehouse file and workbook."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from zaiko_xl.sandbox.audit import StockAudit
from zaiko_xl.sandbox.state import Line, SandboxState

Key = tuple[str, str]
WAREHOUSE_HEADER = "商品コード,実在庫数,引当数,有効在庫数,最終更新日時"


@dataclass
class SyncShop:
    folder: Path
    physical: dict[Key, int] = field(default_factory=dict)

    def sku(self, key: Key) -> str:
        return f"{key[0].upper()}-{key[1]}"

    @property
    def warehouse(self) -> Path:
        return self.folder / "warehouse.csv"

    @property
    def workbook(self) -> Path:
        return self.folder / "zaiko.xlsm"

    def write_warehouse(self, stamp: str) -> None:
        rows = [WAREHOUSE_HEADER] + [f"{self.sku(k)},{p},0,{p},{stamp}" for k, p in self.physical.items()]
        self.warehouse.write_text("\n".join(rows) + "\n", encoding="utf-8")


def build(state: SandboxState, folder: Path, template: Path, *, skus: int, seed: int, stamp: str,
          agree: bool = False, open_share: float = 0.5) -> tuple[SyncShop, StockAudit]:
    """RMS values that disagree with the warehouse (or, ``agree``, already right), some open
    Rakuten orders, the warehouse file, the workbook's item master and zaiko.toml."""
    rng = random.Random(seed)
    shop = SyncShop(folder)
    rows, orders = [], []
    for i in range(skus):
        key = (f"sy-{i // 10:04d}", f"s{i:05d}")
        physical = rng.randint(3, 30)
        open_units = rng.choice((1, 2)) if rng.random() < open_share else 0
        rms = physical - open_units if agree else rng.randint(0, physical - open_units)
        shop.physical[key] = physical
        rows.append((key[0], key[1], rms + open_units))
        if open_units:
            orders.append(Line(key[0], key[1], open_units))
    with state.lock:
        state.clear()
        state.set_stock(rows)
        for line in orders:
            state.place_order([line])
    audit = StockAudit(state).attach()
    audit.start()
    shop.write_warehouse(stamp)
    _workbook(shop, template)
    (folder / "zaiko.toml").write_text(
        '[warehouse]\nfile = "warehouse.csv"\n[journal]\npath = "zaiko-journal.sqlite"\n'
        "[push]\nmax_zero_share = 1.0\nmax_total_change_share = 1.0\nhard_max_zero_share = 1.0\n"
        "hard_max_total_change_share = 1.0\n", encoding="utf-8")
    return shop, audit


def expected(state: SandboxState, shop: SyncShop) -> dict[Key, int]:
    """What RMS should show: physical - units of Rakuten orders still unshipped (no buffer)."""
    open_units: dict[Key, int] = {}
    with state.lock:
        for order in state.orders.values():
            if order.progress < 500 or order.progress == 800:
                for line in order.lines:
                    key = (line.manage_number, line.variant_id)
                    open_units[key] = open_units.get(key, 0) + line.units
    return {k: max(0, p - open_units.get(k, 0)) for k, p in shop.physical.items()}


def _workbook(shop: SyncShop, template: Path) -> None:
    import openpyxl

    shutil.copy(template, shop.workbook)
    book = openpyxl.load_workbook(shop.workbook, keep_vba=True)
    sheet = book["商品マスタ"]
    for row, key in enumerate(shop.physical, start=2):
        sheet.cell(row, 1, shop.sku(key))
        sheet.cell(row, 2, key[0])
        sheet.cell(row, 3, key[1])
        sheet.cell(row, 4, shop.sku(key))
    book.save(shop.workbook)
