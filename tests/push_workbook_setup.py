"""Test set-up for push from a workbook: the template with 在庫比較 and RMS在庫 filled in."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd

from tests.push_reliability import Shop
from zaiko_xl.adapters.workbook_file import WorkbookFile
from zaiko_xl.ports import SheetUpdate

_TEMPLATE: dict[str, Path] = {}


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
