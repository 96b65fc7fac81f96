"""Test set-up for push from a workbook: the template with 在庫比較 and RMS在庫 filled in.

The fixtures (registered in tests/conftest.py) give a push test a small fast sandbox per test
module (``push_sandbox``), the template (``push_template``) and, through ``push_shop_book(seed)``,
a seeded shop loaded into that sandbox with its workbook and a roomy zaiko.toml beside it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import pytest

from tests.push_reliability import Key, Shop, build_shop, load
from tests.sandbox_server import Sandbox, running_sandbox
from zaiko_xl.adapters.workbook_file import WorkbookFile
from zaiko_xl.bootstrap import jst_now
from zaiko_xl.ports import SheetUpdate
from zaiko_xl.sandbox.audit import StockAudit

_TEMPLATE: dict[str, Path] = {}
# [push] limits no test shop trips (a test sets its own on top to trip one)
ROOMY = {"hard_max_zero_share": 1.0, "hard_max_total_change_share": 1.0, "max_total_change_share": 1.0,
         "max_zero_share": 1.0}


def template(folder: Path) -> Path:
    """workbook/template.xlsm built once per process (copied by each test), again if its folder is gone."""
    if "path" not in _TEMPLATE or not _TEMPLATE["path"].exists():
        from zaiko_xl.adapters.template_build import build_template
        from zaiko_xl.entrypoints.excel_vba import template_modules

        out = folder / "template.xlsm"
        build_template(out, template_modules(Path(__file__).parent.parent / "macros"), version="test")
        _TEMPLATE["path"] = out
    return _TEMPLATE["path"]


def workbook_for(shop: Shop, folder: Path, template_path: Path, *, pulled_at: datetime,
                 ticked: bool = True) -> Path:
    """A copy of the template whose 在庫比較 confirms the shop's targets and whose RMS在庫 holds R0."""
    path = folder / "zaiko.xlsm"
    shutil.copy(template_path, path)
    _item_master(path, [k for k in shop.target if shop.before[k] is None])
    keys = list(shop.target)
    skus = [f"{m.upper()}-{v}" for m, v in keys]
    reconcile = pd.DataFrame({
        "sku": skus, "rms_quantity": pd.array([shop.before[k] for k in keys], dtype="Int64"),
        "suggested": [shop.target[k] for k in keys], "confirmed": [shop.target[k] for k in keys],
        "push": [ticked] * len(keys)})
    present = [k for k in keys if shop.before[k] is not None]
    rms_stock = pd.DataFrame({
        "manage_number": [m for m, _ in present], "variant_id": [v for _, v in present],
        "quantity": [shop.before[k] for k in present], "sku": [f"{m.upper()}-{v}" for m, v in present],
        "match": "exact"})
    WorkbookFile(path, backups=0).write_sheets({
        "reconcile": SheetUpdate(rows=reconcile), "rms_stock": SheetUpdate(rows=rms_stock,
                                                                          cells={"updated_at": pulled_at})})
    return path


def settings_file(folder: Path, **push: object) -> Path:
    """zaiko.toml beside the workbook: the journal there, the given [push] limits, fast settling."""
    lines = ["[journal]", 'path = "zaiko-journal.sqlite"', "[push]"]
    lines += [f"{k} = {v!r}".replace("'", '"') for k, v in push.items()]
    path = folder / "zaiko.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _item_master(path: Path, keys: list[tuple[str, str]]) -> None:
    """Rows of 商品マスタ (a sheet the user owns; test set-up writes it with openpyxl)."""
    if not keys:
        return
    import openpyxl

    book = openpyxl.load_workbook(path, keep_vba=True)
    sheet = book["商品マスタ"]
    for offset, (m, v) in enumerate(keys, start=2):
        sheet.cell(offset, 1, f"{m.upper()}-{v}")
        sheet.cell(offset, 2, m)
        sheet.cell(offset, 3, v)
    book.save(path)


def shop_stock(sandbox: Sandbox, shop: Shop) -> dict[Key, int | None]:
    """What RMS (the sandbox) shows now for each SKU of the shop; None where it has no record."""
    stock = sandbox.stock()
    return {k: stock.get(k) for k in shop.target}


class ShopBook(NamedTuple):
    shop: Shop
    audit: StockAudit
    path: Path  # the workbook; zaiko.toml (ROOMY limits, the journal) beside it


@pytest.fixture(scope="module")
def push_sandbox() -> Iterator[Sandbox]:
    """A sandbox (5 SKUs, fast limits) for one test module; each test loads its own shop into it."""
    with running_sandbox(skus=5) as sandbox:
        yield sandbox


@pytest.fixture(scope="session")
def push_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def push_shop_book(push_sandbox: Sandbox, push_template: Path, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Callable[[int], ShopBook]:
    """``push_shop_book(seed)``: a 40-SKU shop loaded into ``push_sandbox``, the CLI environment
    pointed at it (no settling), and the shop's workbook and zaiko.toml in ``tmp_path``."""
    for name, value in push_sandbox.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ZAIKO_RMS_SETTLE_S", "0")

    def make(seed: int) -> ShopBook:
        shop = build_shop(40, seed=seed)
        audit = load(push_sandbox.server.state, shop)
        settings_file(tmp_path, **ROOMY)
        return ShopBook(shop, audit, workbook_for(shop, tmp_path, push_template, pulled_at=jst_now()))

    return make
