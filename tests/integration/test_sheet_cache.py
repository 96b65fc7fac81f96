"""The sync's sheet cache answers from its file until the workbook changes."""

import os

import pandas as pd

from tests.fakes import FakeWorkbook
from zaiko_xl.adapters.sheet_cache import CachedSheets


def test_the_cache_serves_until_the_workbook_file_changes(tmp_path):
    path = tmp_path / "zaiko.xlsm"
    path.write_bytes(b"v1")
    book = FakeWorkbook({"items": pd.DataFrame({"sku": ["A"]})})
    reads = []
    original = book.read_sheet
    book.read_sheet = lambda name: reads.append(name) or original(name)
    cached = CachedSheets(book, path, tmp_path)
    assert cached.read_sheet("items")["sku"].tolist() == ["A"]
    assert cached.read_sheet("items")["sku"].tolist() == ["A"] and reads == ["items"]
    book.rows["商品マスタ"] = pd.DataFrame({"sku": ["B"]})
    path.write_bytes(b"v2-longer")
    os.utime(path, ns=(1, 1))
    assert cached.read_sheet("items")["sku"].tolist() == ["B"] and reads == ["items", "items"]
