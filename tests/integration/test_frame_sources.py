"""A DataFrame read from the live workbook goes through the same validator as a file.

Same content, same frame, same row-numbered messages: only the place (workbook and sheet
instead of a file) differs. Also the master tables (item master, 対応表, セット構成, 仕入先,
set rules, inbound schedule) that live as sheets of the workbook.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from zaiko_xl.adapters.file_sources import FileLedgerSource, FrameLedgerSource, FrameTableSource
from zaiko_xl.errors import InputProblems

DATA = Path(__file__).parent.parent / "data" / "ingest"


def _ledger_frame() -> pd.DataFrame:
    """ledger_bad.csv as xlwings would hand it over (headers as columns, error cells as text)."""
    return pd.read_csv(DATA / "ledger_bad.csv", encoding="cp932", dtype=object, keep_default_na=False)


def test_a_sheet_and_a_csv_with_the_same_content_give_the_same_problems():
    with pytest.raises(InputProblems) as from_file:
        FileLedgerSource(DATA / "ledger_bad.csv").read_ledger()
    with pytest.raises(InputProblems) as from_sheet:
        FrameLedgerSource(_ledger_frame(), workbook="zaiko.xlsm", sheet="社内台帳").read_ledger()
    file_lines = [p.render() for p in from_file.value.context["problems"]]
    sheet_lines = [p.render() for p in from_sheet.value.context["problems"]]
    expected = [line.replace("ファイル ledger_bad.csv", "ファイル zaiko.xlsm シート「社内台帳」")
                .replace("file ledger_bad.csv,", "file zaiko.xlsm, sheet '社内台帳',") for line in file_lines]
    assert sheet_lines == expected
    assert from_sheet.value.render("en") == (
        "E210 zaiko.xlsm [社内台帳] has 4 problem(s); nothing was imported.")


def test_a_table_that_starts_lower_on_its_sheet_numbers_rows_from_its_header_row():
    frame = pd.DataFrame({"日時": ["2025/11/01 10:00"], "種別": ["入荷"], "コード": ["A-1"], "数量": ["x"]})
    with pytest.raises(InputProblems) as caught:
        FrameLedgerSource(frame, workbook="zaiko.xlsm", sheet="社内台帳", header_row=3).read_ledger()
    assert caught.value.context["problems"][0].render("ja") == (
        "E205 ファイル zaiko.xlsm シート「社内台帳」 4行目 列「数量」: 値「x」は使えません (数値ではありません)。")


def test_typed_cells_of_a_live_sheet_are_read_like_file_cells():
    frame = pd.DataFrame({"日時": [pd.Timestamp("2025-11-01 10:00")], "種別": ["棚卸"], "コード": ["A-1"],
                          "数量": [-2.0], "伝票番号": [None]})
    table = FrameLedgerSource(frame, workbook="zaiko.xlsm", sheet="社内台帳").read_ledger()
    assert table.frame.to_dict("records") == [
        {"sku": "A-1", "kind": "棚卸調整", "quantity": -2, "at": pd.Timestamp("2025-11-01 10:00"), "reference": ""}]


def _table(kind: str, frame: pd.DataFrame) -> pd.DataFrame:
    return FrameTableSource(kind, frame, workbook="zaiko.xlsm", sheet=kind).read_table().frame


def test_the_item_master_reads_codes_of_every_system_and_set_flags():
    frame = _table("items", pd.DataFrame({
        "自社コード": ["TS-001-RED-M", "SET-A"], "商品管理番号": ["ts-001", "set-a"], "SKU管理番号": ["RED-M", "A"],
        "倉庫コード": ["TS-001-RED-M", ""], "JANコード": [4901234567894.0, None], "商品名": ["Tシャツ", "セットA"],
        "原価": [800, None], "販売価格": ["1,980", 3500], "セット": ["", "○"]}))
    assert frame["jan"].tolist() == ["4901234567894", ""]
    assert frame["unit_cost"].tolist() == [800, 0]
    assert frame["price"].tolist() == [1980, 3500]
    assert frame["is_set"].tolist() == [False, True]
    assert list(frame.columns) == ["sku", "manage_number", "variant_id", "warehouse_code", "jan", "name",
                                   "variant_label", "group", "supplier", "alt_supplier", "unit_cost", "price", "is_set"]


def test_the_mapping_sheet_refuses_one_code_mapped_two_ways():
    with pytest.raises(InputProblems) as caught:
        FrameTableSource("mapping", pd.DataFrame({"自社コード": ["A-1", "A-1"], "倉庫コード": ["W-1", "W-2"]}),
                         workbook="zaiko.xlsm", sheet="対応表").read_table()
    assert caught.value.context["problems"][0].render("ja") == (
        "E206 ファイル zaiko.xlsm シート「対応表」 3行目 列「自社コード」: コード「A-1」が重複しています (2行目と値が異なります)。")


def test_bom_lines_need_a_quantity_of_at_least_one():
    with pytest.raises(InputProblems) as caught:
        FrameTableSource("bom", pd.DataFrame({"セット商品コード": ["SET-A", "SET-A"], "構成品コード": ["A-1", "A-2"],
                                              "数量": [2, 0]}), workbook="zaiko.xlsm", sheet="セット構成").read_table()
    assert caught.value.context["problems"][0].render("en") == (
        "E205 file zaiko.xlsm, sheet 'セット構成', row 3, column '数量': value '0' is not allowed (must be 1 or more).")


def test_set_rules_leave_the_cap_empty_when_there_is_none():
    frame = _table("set_rules", pd.DataFrame({"セット商品コード": ["SET-A", "SET-B"], "優先順位": [1, 2],
                                              "上限数": [5, None]}))
    assert frame["cap"].tolist()[0] == 5 and pd.isna(frame["cap"].tolist()[1])
    assert str(frame["cap"].dtype) == "Int64"


def test_suppliers_default_moq_case_pack_and_spread():
    frame = _table("suppliers", pd.DataFrame({"仕入先コード": ["S1"], "仕入先名": ["東京商事"], "リードタイム(日)": [7]}))
    assert frame.to_dict("records") == [{"supplier": "S1", "name": "東京商事", "lead_time_days": 7,
                                         "lead_time_std_days": 0.0, "moq": 1, "case_pack": 1, "closed": ""}]


def test_the_inbound_schedule_reads_pending_and_received_lines():
    frame = _table("inbound", pd.DataFrame({"商品コード": ["A-1", "A-2"], "数量": [10, 5],
                                            "入荷予定日": ["2025/12/01", "2025/11/15"], "入荷日": ["", "2025/11/16"]}))
    assert frame["expected_on"].tolist() == [pd.Timestamp("2025-12-01"), pd.Timestamp("2025-11-15")]
    assert pd.isna(frame["received_at"][0]) and frame["received_at"][1] == pd.Timestamp("2025-11-16")
