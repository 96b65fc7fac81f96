"""services.ingest.pull_files with fake sources: all or nothing, every problem of every file at once."""

from __future__ import annotations

import pytest

from tests.fakes import (
    FakeLedgerSource,
    FakeOrderExportSource,
    FakeProgress,
    FakeTableSource,
    FakeWarehouseSource,
    table,
)
from zaiko_xl.errors import BadValue, DuplicateRowMerged, EncodingProblem, InputProblems, where
from zaiko_xl.services.ingest import PROGRESS_LABEL, pull_files

MERGED = DuplicateRowMerged(row_first=2, **where(file="wh.csv", row=5, column="商品コード"))


def _problems(file: str, *values: str) -> InputProblems:
    found = [BadValue(value=v, detail_ja="数値ではありません", detail_en="not a number",
                      **where(file=file, row=i + 2, column="数量")) for i, v in enumerate(values)]
    return InputProblems(file=file, count=len(found), problems=found)


def test_every_source_is_read_and_the_warnings_come_back_together():
    warehouse = FakeWarehouseSource(table("warehouse", [{"warehouse_code": "A-1", "on_hand": 3}], "wh.csv", (MERGED,)))
    ledger = FakeLedgerSource(table("ledger", [{"sku": "A-1", "kind": "入荷", "quantity": 3}], "zaiko.xlsm [社内台帳]"))
    result = pull_files(warehouse=warehouse, ledger=ledger)
    assert result.warehouse.frame["on_hand"].tolist() == [3]
    assert result.ledger.source == "zaiko.xlsm [社内台帳]"
    assert result.orders is None and result.inbound is None
    assert result.warnings == (MERGED,)


def test_order_exports_of_several_channels_become_one_frame():
    yahoo = FakeOrderExportSource(table("orders", [{"order_number": "y-1", "channel": "yahoo"}], "yahoo.csv"))
    amazon = FakeOrderExportSource(table("orders", [{"order_number": "a-1", "channel": "amazon"}], "amazon.txt"))
    result = pull_files(orders=[yahoo, amazon])
    assert result.orders.frame["order_number"].tolist() == ["y-1", "a-1"]
    assert result.orders.source == "yahoo.csv, amazon.txt"


def test_one_failing_file_raises_its_own_error_and_nothing_is_returned():
    warehouse = FakeWarehouseSource(error=_problems("wh.csv", "abc"))
    ledger = FakeLedgerSource(table("ledger", [{"sku": "A-1"}]))
    with pytest.raises(InputProblems) as caught:
        pull_files(warehouse=warehouse, ledger=ledger)
    assert caught.value.render("en") == "E210 wh.csv has 1 problem(s); nothing was imported."
    assert ledger.reads == 1  # the other sources were still checked


def test_problems_of_several_files_are_reported_together():
    warehouse = FakeWarehouseSource(error=_problems("wh.csv", "abc", "x"))
    encoding = EncodingProblem(tried_ja="UTF-8", tried_en="UTF-8", line=3, file="yahoo.csv", **where(file="yahoo.csv"))
    orders = FakeOrderExportSource(error=encoding)
    inbound = FakeTableSource(table("inbound", [{"sku": "A-1"}]))
    with pytest.raises(InputProblems) as caught:
        pull_files(warehouse=warehouse, orders=[orders], inbound=inbound)
    assert caught.value.render("en") == "E210 wh.csv, yahoo.csv has 3 problem(s); nothing was imported."
    assert [p.code for p in caught.value.context["problems"]] == ["E205", "E205", "E203"]


def test_progress_counts_one_step_per_source():
    progress = FakeProgress()
    pull_files(warehouse=FakeWarehouseSource(table("warehouse", [])),
               orders=[FakeOrderExportSource(table("orders", []))], progress=progress)
    assert progress.updates == [(PROGRESS_LABEL, 0, 2), (PROGRESS_LABEL, 1, 2), (PROGRESS_LABEL, 2, 2)]


def test_nothing_asked_gives_nothing():
    result = pull_files()
    assert result.tables == () and result.warnings == ()
