"""Reorder files: input CSVs (UTF-8 / CP932) in, 発注.xlsx and CP932 purchase-order CSVs out."""

from datetime import date

import openpyxl
import pandas as pd
import pytest

from zaiko_xl.adapters.reorder_files import CsvReorderSource, FileReorderSink, read_frame, write_cp932_csv
from zaiko_xl.domain.sheet_cells import SheetColumn, SheetContent
from zaiko_xl.errors import InputProblems, MissingColumn, NotEncodable


def test_purchase_order_csv_is_cp932_with_crlf_and_formula_like_text_made_safe(tmp_path):
    table = pd.DataFrame({"商品コード": ["A-1", "=HYPERLINK(\"http://x\")", "+81", "-5", "@SUM(A1)", "\tTAB"],
                          "商品名": ["波〜ダッシュ", "名前", "株式会社−", "①", "ｶﾅ", "普通"],
                          "数量": [12, 6, 1, 2, 3, 4], "発注日": [date(2026, 12, 25)] * 6})
    path = write_cp932_csv(tmp_path / "po.csv", table)
    raw = path.read_bytes()
    assert b"\r\n" in raw and raw.count(b"\r\n") == 7
    back = pd.read_csv(path, encoding="cp932", dtype=str, keep_default_na=False)
    assert back["商品コード"].tolist() == ["A-1", "'=HYPERLINK(\"http://x\")", "'+81", "'-5", "'@SUM(A1)", "'\tTAB"]
    assert back["商品名"].tolist() == ["波～ダッシュ", "名前", "株式会社－", "①", "ｶﾅ", "普通"]
    assert back["数量"].tolist() == ["12", "6", "1", "2", "3", "4"]
    assert back["発注日"].iat[0] == "2026-12-25"


def test_a_character_without_a_cp932_code_names_row_and_column_and_writes_nothing(tmp_path):
    table = pd.DataFrame({"商品名": ["ok", "絵文字😀"]})
    with pytest.raises(NotEncodable) as info:
        write_cp932_csv(tmp_path / "po.csv", table)
    assert info.value.render() == (f"E272 ファイル {tmp_path / 'po.csv'} 3行目 列「商品名」: 「😀」は Shift_JIS (CP932) で書けません / "
                                   f"file {tmp_path / 'po.csv'}, row 3, column '商品名': '😀' cannot be written in Shift_JIS (CP932)")
    assert list(tmp_path.iterdir()) == []


def test_input_csv_in_cp932_is_read_with_types(tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes("sku,name,supplier,alt_supplier,unit_cost,price,is_set\n"
                     "0012,商品,S1,,100,300,false\nSET1,セット,,,0,900,TRUE\n".encode("cp932"))
    frame = read_frame(path)
    assert frame["sku"].tolist() == ["0012", "SET1"]  # codes stay text (leading zeros)
    assert frame["unit_cost"].tolist() == [100, 0] and frame["is_set"].tolist() == [False, True]


def test_every_bad_value_of_a_file_is_reported_at_once(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("sku,quantity,status,ordered_at\nA,1,shipped,2026-12-01\nB,x,shipped,2026-12-01\n"
                    "C,2,shipped,yesterday\n", encoding="utf-8")
    with pytest.raises(InputProblems) as info:
        read_frame(path)
    assert info.value.context["count"] == 2
    assert [p.render("en") for p in info.value.context["problems"]] == [
        f"E205 file {path}, row 3, column 'quantity': value 'x' is not allowed (not a number or date).",
        f"E205 file {path}, row 4, column 'ordered_at': value 'yesterday' is not allowed (not a number or date)."]


def test_a_missing_column_names_the_file(tmp_path):
    (tmp_path / "stock.csv").write_text("sku\nA\n", encoding="utf-8")
    with pytest.raises(MissingColumn) as info:
        read_frame(tmp_path / "stock.csv")
    assert "'on_hand'" in info.value.render("en") and "stock.csv" in info.value.render("en")


def test_the_source_reads_optional_files_only_when_present(tmp_path):
    (tmp_path / "items.csv").write_text("sku,name,supplier,unit_cost,price,is_set\nA,a,S1,1,2,0\n", encoding="utf-8")
    (tmp_path / "suppliers.csv").write_text("supplier,name,lead_time_days\nS1,s,3\n", encoding="utf-8-sig")
    (tmp_path / "stock.csv").write_text("sku,on_hand\nA,5\n", encoding="utf-8")
    (tmp_path / "orders.csv").write_text("sku,quantity,status,ordered_at\nA,1,shipped,2026-12-01 10:00\n",
                                         encoding="utf-8")
    (tmp_path / "supplier_closures.csv").write_text("supplier,start,end,label\nS1,2026-12-29,2027-01-04,年末年始\n",
                                                    encoding="utf-8")
    inputs = CsvReorderSource(tmp_path).load()
    assert inputs.inbound is None and inputs.bom is None
    assert inputs.supplier_closures["start"].iat[0] == pd.Timestamp("2026-12-29")
    assert inputs.orders["ordered_at"].iat[0] == pd.Timestamp("2026-12-01 10:00")


def test_the_sheets_file_keeps_formulas_and_cached_values_and_text_stays_text(tmp_path):
    sheet = SheetContent("発注", (
        SheetColumn("sku", "商品コード / SKU", ("=NOT-A-FORMULA", "B")),
        SheetColumn("d", "日販", (2.0, None), None, "0.00"),
        SheetColumn("x", "計算", (4.0, "#E261 x"), "={d}*2", "0.0"),
    ))
    path = FileReorderSink(tmp_path).write_sheets([sheet])[0]
    ws = openpyxl.load_workbook(path)["発注"]
    assert ws["A2"].value == "=NOT-A-FORMULA" and ws["A2"].data_type == "s"
    assert ws["C2"].value.text == "=B2:B3*2" and ws["C2"].value.ref == "C2:C3"
    cached = openpyxl.load_workbook(path, data_only=True)["発注"]
    assert [cached["C2"].value, cached["C3"].value] == [4.0, "#E261 x"]
    assert cached["A1"].value == "商品コード / SKU" and ws.freeze_panes == "B2"
