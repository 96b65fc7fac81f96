"""Reading real files of the corpus (tests/data/ingest) and small files written here: frames and single errors."""

from __future__ import annotations

import filecmp
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from zaiko_xl.adapters.readers import Where, read_ledger, read_orders, read_warehouse
from zaiko_xl.errors import (
    EmptyFile,
    EncodingProblem,
    FileMissing,
    InputProblems,
    InvalidSetting,
    NotAWorkbook,
    SheetNotFound,
)

DATA = Path(__file__).parent.parent / "data" / "ingest"
NINE = pd.Timestamp("2025-11-20 09:00")


def test_the_committed_corpus_equals_a_fresh_run_of_its_script(tmp_path):
    spec = importlib.util.spec_from_file_location("make_corpus", DATA.parent / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.write_corpus(tmp_path)
    names = [p.name for p in written]
    assert names == sorted(p.name for p in DATA.iterdir())
    _same, mismatch, errors = filecmp.cmpfiles(DATA, tmp_path, names, shallow=False)
    assert (mismatch, errors) == ([], [])


def test_a_cp932_export_reads_with_full_width_digits_and_thousands_separators_converted():
    table = read_warehouse(DATA / "wh_ok_cp932.csv")
    frame = table.frame
    assert frame["warehouse_code"].tolist() == ["TS-001-RED-M", "TS-001-RED-L", "ＴＳ－００１－ＢＬＵ－Ｍ", "CF-200",
                                                "CF-200", "mug-300 "]
    assert frame["on_hand"].tolist() == [12, 1234, 5, 30, 8, 40]
    assert frame["reserved"].tolist() == [2, 0, 0, 5, 0, 0]
    assert frame["available"].tolist() == [10, 1234, 5, 25, 8, 40]
    assert frame["lot"].tolist() == ["L2401", "L2401", "", "L2410", "L2411", ""]
    assert frame["expiry"].tolist()[3:5] == [pd.Timestamp("2026-03-31"), pd.Timestamp("2026-04-30")]
    assert frame["expiry"].isna().tolist() == [True, True, True, False, False, True]
    assert (frame["updated_at"] == NINE).all()
    assert table.warnings == () and table.source == "wh_ok_cp932.csv" and table.code_kind == "code"


def test_the_frame_follows_the_data_contract():
    frame = read_warehouse(DATA / "wh_ok_cp932.csv").frame
    assert list(frame.columns) == ["warehouse_code", "on_hand", "reserved", "available", "location", "lot",
                                   "expiry", "updated_at"]
    assert {str(frame[c].dtype) for c in ("on_hand", "reserved", "available")} == {"int64"}
    assert {str(frame[c].dtype) for c in ("expiry", "updated_at")} == {"datetime64[ns]"}


@pytest.mark.parametrize("preset", ["hinban", "auto"])
def test_a_utf8_bom_tab_separated_hinban_export_reads_with_its_preset_or_auto(preset):
    frame = read_warehouse(DATA / "wh_ok_hinban_bom.tsv", preset=preset).frame
    assert frame["warehouse_code"].tolist() == ["TS-001-RED-M", "CF-200"]
    assert frame["available"].tolist() == [10, 25]
    assert frame["expiry"].tolist()[1] == pd.Timestamp("2026-03-31")  # written 2026年3月31日


def test_title_lines_before_the_header_and_quoted_fields_with_commas_and_line_breaks_are_read():
    frame = read_warehouse(DATA / "wh_ok_preamble.csv").frame
    assert frame["warehouse_code"].tolist() == ["TS-001-RED-M", "TS-001-RED-L"]
    assert frame["on_hand"].tolist() == [12, 3]


def test_row_numbers_count_records_after_title_lines_and_multi_line_cells(tmp_path):
    text = (DATA / "wh_ok_preamble.csv").read_text(encoding="utf-8") + "TS-9,x,abc,0,0,,,,\n"
    (tmp_path / "wh.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputProblems) as caught:
        read_warehouse(tmp_path / "wh.csv")
    assert caught.value.context["problems"][0].render("en") == (
        "E205 file wh.csv, row 7, column '実在庫数': value 'abc' is not allowed (not a number).")


def test_a_jan_keyed_export_says_its_codes_are_jan():
    table = read_warehouse(DATA / "wh_ok_jan.csv", preset="jan")
    assert table.frame["warehouse_code"].tolist() == ["4901234567894"]
    assert table.code_kind == "jan"


def test_an_xlsx_export_reads_its_first_visible_sheet_with_typed_cells():
    table = read_warehouse(DATA / "wh_ok_sku.xlsx", preset="sku")
    assert table.source == "wh_ok_sku.xlsx [在庫一覧]"
    assert table.frame["on_hand"].tolist() == [12, 30]
    assert table.frame["updated_at"].tolist() == [NINE, NINE]
    assert table.frame["expiry"].tolist()[1] == pd.Timestamp("2026-03-31")


def test_warnings_come_back_with_the_frame_and_identical_duplicates_are_merged():
    table = read_warehouse(DATA / "wh_warnings.csv")
    assert table.frame["warehouse_code"].tolist() == ["A-1", "A-2", "A-3"]
    assert [w.render() for w in table.warnings] == [
        "E222 注意: ファイル wh_warnings.csv 3行目 列「有効在庫数」: 有効在庫 5 が 実在庫−引当 (8) と一致しません。 / "
        "Warning: file wh_warnings.csv, row 3, column '有効在庫数': available 5 is not on hand minus reserved (8).",
        "E223 注意: ファイル wh_warnings.csv 4行目 列「引当数」: 引当 3 が実在庫 1 を超えています (有効在庫がマイナス)。 / "
        "Warning: file wh_warnings.csv, row 4, column '引当数': reserved 3 exceeds on hand 1 (negative available).",
        "E221 注意: ファイル wh_warnings.csv 5行目 列「商品コード」: 2行目と同じ内容の行です。1 行にまとめました。 / "
        "Warning: file wh_warnings.csv, row 5, column '商品コード': same content as row 2; merged into one row.",
    ]


@pytest.mark.parametrize("name", ["wh_empty.csv", "wh_header_only.csv"])
def test_an_empty_file_is_refused(name):
    with pytest.raises(EmptyFile) as caught:
        read_warehouse(DATA / name)
    assert caught.value.render() == f"E202 ファイル {name} にデータがありません。 / file {name} contains no data."


def test_a_file_in_no_supported_encoding_names_the_line_that_cannot_be_read():
    with pytest.raises(EncodingProblem) as caught:
        read_warehouse(DATA / "wh_wrong_encoding.csv")
    assert caught.value.render() == (
        "E203 ファイル wh_wrong_encoding.csv の文字コードを判別できません (UTF-8、UTF-8 (BOM付き)、Shift_JIS (CP932) "
        "を試しました。3行目に読めない文字があります)。 Excel で開き「CSV UTF-8 (コンマ区切り)」で保存し直してください。 / "
        "Cannot tell the encoding of file wh_wrong_encoding.csv (tried UTF-8, UTF-8 with BOM, Shift_JIS/CP932; "
        "line 3 has bytes none of them can read). Open it in Excel and save it again as 'CSV UTF-8 (Comma delimited)'.")


def test_an_encoding_set_in_the_settings_is_the_only_one_tried():
    with pytest.raises(EncodingProblem) as caught:
        read_warehouse(DATA / "wh_ok_cp932.csv", where=Where(encoding="utf-8"))
    assert caught.value.message("en").startswith(
        "Cannot tell the encoding of file wh_ok_cp932.csv (tried UTF-8; line 1 has bytes")


def test_a_text_file_named_xlsx_is_not_a_workbook():
    with pytest.raises(NotAWorkbook) as caught:
        read_warehouse(DATA / "wh_not_a_workbook.xlsx")
    assert caught.value.render("en") == (
        "E212 Cannot open file wh_not_a_workbook.xlsx as an Excel workbook: it is damaged, password-protected, "
        "or not what its extension says (ZipError).")


def test_a_missing_file_says_which_path(tmp_path):
    with pytest.raises(FileMissing) as caught:
        read_warehouse(tmp_path / "在庫.csv")
    assert caught.value.render() == (
        f"E213 ファイル {tmp_path / '在庫.csv'} が見つかりません。zaiko.toml のファイル名を確認してください。 / "
        f"File {tmp_path / '在庫.csv'} not found. Check the file name in zaiko.toml.")


def test_a_missing_sheet_lists_the_sheets_there_are():
    with pytest.raises(SheetNotFound) as caught:
        read_warehouse(DATA / "wh_ok_sku.xlsx", preset="sku", where=Where(sheet="在庫"))
    assert caught.value.render() == (
        "E209 ファイル wh_ok_sku.xlsx にシート「在庫」がありません (あるシート: 在庫一覧、メモ)。 / "
        "file wh_ok_sku.xlsx has no sheet '在庫' (sheets: 在庫一覧、メモ).")


def test_columns_from_the_settings_map_headers_of_any_name(tmp_path):
    (tmp_path / "wh.csv").write_text("品目,在庫\nA-1,7\n", encoding="utf-8")
    table = read_warehouse(tmp_path / "wh.csv", columns={"warehouse_code": "品目", "on_hand": "在庫"})
    assert table.frame[["warehouse_code", "on_hand", "reserved", "available"]].values.tolist() == [["A-1", 7, 0, 7]]


def test_an_unknown_field_in_the_column_settings_is_a_configuration_error(tmp_path):
    (tmp_path / "wh.csv").write_text("品目,在庫\nA-1,7\n", encoding="utf-8")
    with pytest.raises(InvalidSetting) as caught:
        read_warehouse(tmp_path / "wh.csv", columns={"code": "品目"})
    assert caught.value.render("en") == (
        "E103 Invalid value for setting 'warehouse.columns': unknown field(s) code; known: warehouse_code, "
        "on_hand, reserved, available, location, lot, expiry, updated_at")
    assert caught.value.exit_code == 3


def test_an_unknown_preset_is_a_configuration_error():
    with pytest.raises(InvalidSetting) as caught:
        read_warehouse(DATA / "wh_ok_cp932.csv", preset="logiless")
    assert caught.value.render("en") == (
        "E103 Invalid value for setting 'warehouse.preset': unknown preset 'logiless'; "
        "choose generic, hinban, sku, jan or auto")


def test_the_ledger_sheet_of_a_workbook_reads_every_movement_kind():
    frame = read_ledger(DATA / "ledger_ok.xlsx", where=Where(sheet="社内台帳")).frame
    assert list(frame.columns) == ["sku", "kind", "quantity", "at", "reference"]
    assert frame["kind"].tolist() == ["入荷", "出荷", "キャンセル戻し", "棚卸調整", "交換"]
    assert frame["quantity"].tolist() == [20, 2, 1, -1, 0]
    assert frame["at"].tolist()[-1] == pd.Timestamp("2025-11-05 09:00")


def test_yahoo_orders_map_status_numbers_and_fall_back_to_item_id_without_sub_code():
    frame = read_orders(DATA / "orders_yahoo.csv").frame
    assert frame["channel"].unique().tolist() == ["yahoo"]
    assert frame["sku"].tolist() == ["TS-001-RED-M", "TS-001-RED-L", "CF-200"]
    assert frame["status"].tolist() == ["unshipped", "cancelled", "shipped"]
    assert pd.isna(frame["changed_at"][0]) and frame["changed_at"][1] == pd.Timestamp("2025-11-20 12:00")


def test_amazon_orders_prefer_item_status_and_convert_utc_times_to_jst():
    table = read_orders(DATA / "orders_amazon.txt")
    frame = table.frame
    assert frame["channel"].unique().tolist() == ["amazon"]
    assert frame["status"].tolist() == ["unshipped", "shipped", "cancelled"]
    assert frame["ordered_at"].tolist() == [pd.Timestamp("2025-11-20 10:00"), pd.Timestamp("2025-11-20 08:30"),
                                            pd.Timestamp("2025-11-20 00:00")]
    assert frame["quantity"].tolist() == [1, 2, 0]
    assert table.warnings == ()


def test_generic_orders_take_unknown_channels_as_other_and_keep_returns():
    frame = read_orders(DATA / "orders_generic.csv", preset="generic").frame
    assert frame[["order_number", "channel", "status"]].values.tolist() == [
        ["W-1", "other", "unshipped"], ["W-2", "other", "returned"]]


def test_excel_unicode_text_utf16_with_tabs_is_read(tmp_path):
    text = "商品コード\t実在庫数\r\nA-1\t4\r\n"
    (tmp_path / "wh.txt").write_bytes(text.encode("utf-16"))  # BOM + UTF-16LE, as Excel saves "Unicode text"
    assert read_warehouse(tmp_path / "wh.txt").frame["on_hand"].tolist() == [4]


def test_a_file_of_only_blank_lines_is_empty(tmp_path):
    (tmp_path / "wh.csv").write_text("\r\n  \r\n", encoding="utf-8")
    with pytest.raises(EmptyFile):
        read_warehouse(tmp_path / "wh.csv")


def test_an_empty_sheet_is_empty(tmp_path):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "wh.xlsx"))
    book.add_worksheet("在庫")
    book.close()
    with pytest.raises(EmptyFile) as caught:
        read_warehouse(tmp_path / "wh.xlsx")
    assert caught.value.render("en") == "E202 file wh.xlsx, sheet '在庫' contains no data."


def test_a_long_row_whose_separators_hide_on_two_lines_is_reported_not_crashed_on(tmp_path):
    text = '商品コード,実在庫数,商品名\r\nA-1,3,"x\r\ny",extra\r\nA-2,4,c\r\n'
    (tmp_path / "wh.csv").write_text(text, encoding="utf-8", newline="")
    with pytest.raises(InputProblems) as caught:
        read_warehouse(tmp_path / "wh.csv")
    assert [p.render("en") for p in caught.value.context["problems"]] == [
        "E211 file wh.csv, row 2: this row has more cells than the header (extra value 'extra'). "
        "Put values that contain commas in double quotes."]


def test_duplicate_rows_with_the_same_quantities_merge_even_if_other_cells_differ(tmp_path):
    text = "商品コード,実在庫数,最終更新日時\nA-1,3,2025/11/20 09:00\nA-1,3,2025/11/20 10:00\n"
    (tmp_path / "wh.csv").write_text(text, encoding="utf-8")
    table = read_warehouse(tmp_path / "wh.csv")
    assert table.frame["updated_at"].tolist() == [NINE]
    assert [w.code for w in table.warnings] == ["E221"]


def test_generic_orders_without_a_channel_column_are_other(tmp_path):
    text = "受注番号,注文日時,商品コード,数量,ステータス\nW-1,2025/11/20 10:00,A-1,1,出荷済\n"
    (tmp_path / "o.csv").write_text(text, encoding="utf-8")
    frame = read_orders(tmp_path / "o.csv").frame
    assert frame[["channel", "status"]].values.tolist() == [["other", "shipped"]]
    assert pd.isna(frame["changed_at"][0])
