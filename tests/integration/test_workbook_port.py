"""The Workbook port: the file adapter and the in-memory fake behave alike (so service tests can trust the fake)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.fakes import FakeWorkbook
from tests.workbook_fixtures import reconcile_rows
from zaiko_xl.adapters.workbook_file import WorkbookFile
from zaiko_xl.ports import SheetUpdate, Workbook


@pytest.fixture(params=["file", "fake"])
def port(request, workbook) -> Workbook:
    return WorkbookFile(workbook, keep_user_edits=False) if request.param == "file" else FakeWorkbook()


def test_rows_and_cells_written_are_read_back(port):
    rows = reconcile_rows(5)
    port.write_sheets({"在庫比較": SheetUpdate(rows=rows, cells={"summary.count.delay": 1})})
    back = port.read_sheet("reconcile")
    assert back.index[0] == 8
    pd.testing.assert_frame_equal(back.reset_index(drop=True), rows, check_dtype=False)
    assert port.read_cells("在庫比較")["summary.count.delay"] == 1


def test_user_sheets_and_unknown_names_are_refused(port):
    with pytest.raises(ValueError, match="belongs to the user"):
        port.write_sheets({"商品マスタ": pd.DataFrame({"sku": ["A"]})})
    with pytest.raises(ValueError, match="nonsense"):
        port.write_sheets({"操作": SheetUpdate(cells={"nonsense": 1})})
