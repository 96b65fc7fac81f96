"""adapters/sheet_frames.py and sheet_xml.py: frames <-> cells, without files."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from zaiko_xl.adapters import row_xml, sheet_xml
from zaiko_xl.adapters.columns import TICK, sheet
from zaiko_xl.adapters.sheet_frames import array_formula, array_formulas, display_columns, excel_rows, frame_from_rows
from zaiko_xl.errors import BadValue, InputProblems

ITEMS = sheet("商品マスタ")
REORDER = sheet("発注")


def test_labels_ticks_and_blanks_are_shown_as_the_sheet_shows_them():
    frame = pd.DataFrame({"sku": ["A", "B"], "cause": ["delay", "ok"], "push": [True, False],
                          "confirmed": [3, None]})
    shown = display_columns(sheet("在庫比較"), frame)
    assert shown["cause"].tolist() == ["遅延", "一致"] and shown["push"].tolist() == [TICK, None]
    assert shown["confirmed"].tolist() == [3, None] and shown["evidence"].tolist() == [None, None]


def test_a_formula_column_is_one_array_formula_over_the_data_ranges_of_its_arguments():
    letter = {f: REORDER.letter(f) for f in ("on_hand", "on_order", "backorders", "inventory_position")}
    text, ref = array_formula(REORDER, REORDER.column("inventory_position").formula, 3)
    assert text == f"{letter['on_hand']}5:{letter['on_hand']}7+{letter['on_order']}5:{letter['on_order']}7-" \
                   f"{letter['backorders']}5:{letter['backorders']}7"
    assert ref == f"{letter['inventory_position']}5:{letter['inventory_position']}7"
    rows = excel_rows(REORDER, pd.DataFrame({"sku": ["A", "B"], "on_hand": [1, 2], "safety_stock": [1.5, "#E261 x"]}))
    assert rows[1][REORDER.fields.index("safety_stock")] == "#E261 x"  # the cached value; formulas set apart
    assert rows[0][:2] == ["A", None] and rows[0][REORDER.fields.index("on_hand")] == 1
    formulas = dict(array_formulas(REORDER, 2))
    ss = REORDER.letter("safety_stock")
    assert formulas[f"{ss}5:{ss}6"].startswith(f"=ZAIKO_SAFETY_STOCK({REORDER.letter('demand_mean')}5:")
    assert len(formulas) == 5 and array_formulas(REORDER, 0) == []


def test_user_headers_are_found_under_a_title_and_extra_columns_are_ignored():
    rows = [["商品マスタ"], ["品番", "商品名", "メモ", "原価", "セット商品"], ["A-1", "シャツ", "x", "１，２００", TICK],
            ["A-2", None, None, 800.0, None]]
    items = frame_from_rows(ITEMS, rows, file="shop.xlsm")
    assert list(items.index) == [3, 4]
    assert items["unit_cost"].tolist() == [1200, 800] and items["is_set"].tolist() == [True, False]
    assert items["jan"].isna().all() and items["sku"].tolist() == ["A-1", "A-2"]


def test_codes_stored_as_numbers_come_back_as_text_without_a_decimal_point():
    rows = [["商品コード", "JANコード"], [12345.0, 4901234567894.0]]
    items = frame_from_rows(ITEMS, rows, file="shop.xlsm")
    assert items["sku"].tolist() == ["12345"] and items["jan"].tolist() == ["4901234567894"]


def test_dates_accept_excel_dates_serials_and_text():
    rows = [["商品コード", "区分", "数量", "日時"], ["A", "入荷", 1, date(2026, 11, 1)],
            ["A", "入荷", 1, 46327.5], ["A", "入荷", 1, "2026/11/03 08:15"]]
    ledger = frame_from_rows(sheet("社内台帳"), rows, file="shop.xlsm")
    assert ledger["at"].tolist() == [pd.Timestamp("2026-11-01"), pd.Timestamp("2026-11-01 12:00"),
                                     pd.Timestamp("2026-11-03 08:15")]


def test_one_bad_cell_raises_itself_and_many_are_listed_in_sheet_order():
    header = ["商品コード", "区分", "数量", "日時"]
    with pytest.raises(BadValue) as one:
        frame_from_rows(sheet("社内台帳"), [header, ["A", "入荷", "#N/A", datetime(2026, 1, 1)]], file="f.xlsx")
    assert "4" not in one.value.context["where_en"] and "row 2, column '数量'" in one.value.context["where_en"]
    with pytest.raises(InputProblems) as many:
        frame_from_rows(sheet("社内台帳"), [header, ["A", "入荷", "x", None], ["B", "入荷", -1.5, "?"]], file="f.xlsx")
    places = [p.context["where_en"] for p in many.value.context["problems"]]
    assert places == ["file f.xlsx, sheet '社内台帳', row 2, column '数量'", "file f.xlsx, sheet '社内台帳', row 2, column '日時'",
                      "file f.xlsx, sheet '社内台帳', row 3, column '数量'", "file f.xlsx, sheet '社内台帳', row 3, column '日時'"]


def test_head_cells_keep_their_style_and_missing_rows_are_added_in_order():
    head = '<row r="1"><c r="A1" s="3" t="s"><v>0</v></c></row><row r="4"><c r="F4" s="7"/></row>'
    out = sheet_xml.update_head(head, {"F4": "済 <ok> & done", "B2": 5, "A1": None}, {1: "9"})
    assert out == ('<row r="1"><c r="A1" s="3"/></row><row r="2"><c r="B2" s="9"><v>5</v></c></row>'
                   '<row r="4"><c r="F4" s="7" t="inlineStr"><is><t xml:space="preserve">済 &lt;ok&gt; &amp; done'
                   '</t></is></c></row>')


def test_text_is_escaped_for_xml_and_excel():
    assert sheet_xml.escape("a\x01b_x0041_<") == "ab_x005F_x0041_&lt;"


def test_data_rows_use_the_column_styles_and_skip_blanks():
    frame = pd.DataFrame({"sku": ["A"], "name": [None], "rms_quantity": [3], "cause": ["split"], "push": [True]})
    xml = b"".join(row_xml.data_rows(sheet("在庫比較"), frame, {0: "4", 2: "5"})).decode()
    assert xml.startswith('<row r="8"><c r="A8" s="4" t="inlineStr"><is><t>A</t></is></c>'
                          '<c r="C8" s="5"><v>3</v></c>')
    assert '<c r="I8" t="inlineStr"><is><t>分断</t></is></c>' in xml
    assert f'<c r="L8" t="inlineStr"><is><t>{TICK}</t></is></c></row>' in xml  # 反映


def test_strings_keep_their_spaces_and_lose_only_what_xml_forbids():
    frame = pd.DataFrame({"sku": [" A ", "B\x1fC", "a&b_x0041_"], "name": [1.5, "x", None]})
    xml = b"".join(row_xml.data_rows(sheet("在庫比較"), frame, {})).decode()
    assert '<c r="A8" t="inlineStr"><is><t xml:space="preserve"> A </t></is></c>' in xml
    assert '<c r="A9" t="inlineStr"><is><t>BC</t></is></c>' in xml
    assert '<c r="A10" t="inlineStr"><is><t>a&amp;b_x005F_x0041_</t></is></c>' in xml
    assert '<c r="B8" t="inlineStr"><is><t>1.5</t></is></c>' in xml


def test_dates_are_written_as_serial_numbers():
    frame = pd.DataFrame({"order_number": ["1"], "ordered_at": [pd.Timestamp("2026-11-20 12:00")]})
    xml = b"".join(row_xml.data_rows(sheet("受注"), frame, {})).decode()
    assert '<c r="F5"><v>46346.5</v></c>' in xml
