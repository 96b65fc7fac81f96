"""The corpus of broken input files (tests/data/ingest): each gives its exact, bilingual report.

Fatal problems import nothing and are listed together (E210); every line names the file,
the sheet (xlsx), the row as the user sees it (header = row 1) and the column's header.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zaiko_xl.adapters.readers import read_ledger, read_orders, read_warehouse
from zaiko_xl.errors import InputProblems

DATA = Path(__file__).parent.parent / "data" / "ingest"

REPORTS = {
    'wh_missing_columns.csv': [
        "E204 ファイル wh_missing_columns.csv 1行目: 必須の列「商品コード」がありません。 見出しが違う場合は zaiko.toml の列の対応 ([warehouse.columns] など) で指定できます。 / file wh_missing_columns.csv, row 1: required column '商品コード' is missing. If your file names it differently, map it in zaiko.toml ([warehouse.columns] etc.).",
        "E204 ファイル wh_missing_columns.csv 1行目: 必須の列「実在庫数」がありません。 見出しが違う場合は zaiko.toml の列の対応 ([warehouse.columns] など) で指定できます。 / file wh_missing_columns.csv, row 1: required column '実在庫数' is missing. If your file names it differently, map it in zaiko.toml ([warehouse.columns] etc.).",
    ],
    'wh_text_in_numbers.csv': [
        "E205 ファイル wh_text_in_numbers.csv 4行目 列「実在庫数」: 値「十二」は使えません (数値ではありません)。 / file wh_text_in_numbers.csv, row 4, column '実在庫数': value '十二' is not allowed (not a number).",
        "E205 ファイル wh_text_in_numbers.csv 5行目 列「実在庫数」: 値「12個」は使えません (数値ではありません)。 / file wh_text_in_numbers.csv, row 5, column '実在庫数': value '12個' is not allowed (not a number).",
        "E205 ファイル wh_text_in_numbers.csv 6行目 列「実在庫数」: 値「12.5」は使えません (整数ではありません)。 / file wh_text_in_numbers.csv, row 6, column '実在庫数': value '12.5' is not allowed (not a whole number).",
        "E205 ファイル wh_text_in_numbers.csv 7行目 列「実在庫数」: 値「在庫なし」は使えません (数値ではありません)。 / file wh_text_in_numbers.csv, row 7, column '実在庫数': value '在庫なし' is not allowed (not a number).",
    ],
    'wh_negative_too_large.csv': [
        "E205 ファイル wh_negative_too_large.csv 2行目 列「実在庫数」: 値「-3」は使えません (マイナスの値は使えません)。 / file wh_negative_too_large.csv, row 2, column '実在庫数': value '-3' is not allowed (negative values are not allowed).",
        "E205 ファイル wh_negative_too_large.csv 3行目 列「実在庫数」: 値「100000」は使えません (RMS の上限 99,999 を超えています)。 / file wh_negative_too_large.csv, row 3, column '実在庫数': value '100000' is not allowed (above RMS's maximum of 99,999).",
        "E205 ファイル wh_negative_too_large.csv 3行目 列「有効在庫数」: 値「100000」は使えません (RMS の上限 99,999 を超えています)。 / file wh_negative_too_large.csv, row 3, column '有効在庫数': value '100000' is not allowed (above RMS's maximum of 99,999).",
        "E205 ファイル wh_negative_too_large.csv 4行目 列「引当数」: 値「-1」は使えません (マイナスの値は使えません)。 / file wh_negative_too_large.csv, row 4, column '引当数': value '-1' is not allowed (negative values are not allowed).",
        "E205 ファイル wh_negative_too_large.csv 5行目 列「実在庫数」: 値「▲2」は使えません (マイナスの値は使えません)。 / file wh_negative_too_large.csv, row 5, column '実在庫数': value '▲2' is not allowed (negative values are not allowed).",
    ],
    'wh_duplicates.csv': [
        "E206 ファイル wh_duplicates.csv 5行目 列「商品コード」: コード「A-2」が重複しています (4行目と値が異なります)。 / file wh_duplicates.csv, row 5, column '商品コード': code 'A-2' appears more than once (its values differ from row 4).",
    ],
    'wh_excel_errors.csv': [
        "E207 ファイル wh_excel_errors.csv 2行目 列「実在庫数」: Excel のエラー値「#N/A」があります。元の数式を直してください。 / file wh_excel_errors.csv, row 2, column '実在庫数': Excel error value '#N/A'; fix the formula it comes from.",
        "E207 ファイル wh_excel_errors.csv 3行目 列「引当数」: Excel のエラー値「#VALUE!」があります。元の数式を直してください。 / file wh_excel_errors.csv, row 3, column '引当数': Excel error value '#VALUE!'; fix the formula it comes from.",
    ],
    'wh_excel_errors.xlsx': [
        "E207 ファイル wh_excel_errors.xlsx シート「在庫」 2行目 列「実在庫数」: Excel のエラー値「#N/A」があります。元の数式を直してください。 / file wh_excel_errors.xlsx, sheet '在庫', row 2, column '実在庫数': Excel error value '#N/A'; fix the formula it comes from.",
        "E207 ファイル wh_excel_errors.xlsx シート「在庫」 3行目 列「引当数」: Excel のエラー値「#VALUE!」があります。元の数式を直してください。 / file wh_excel_errors.xlsx, sheet '在庫', row 3, column '引当数': Excel error value '#VALUE!'; fix the formula it comes from.",
        "E207 ファイル wh_excel_errors.xlsx シート「在庫」 4行目 列「商品コード」: Excel のエラー値「#REF!」があります。元の数式を直してください。 / file wh_excel_errors.xlsx, sheet '在庫', row 4, column '商品コード': Excel error value '#REF!'; fix the formula it comes from.",
        "E207 ファイル wh_excel_errors.xlsx シート「在庫」 5行目 列「有効在庫数」: Excel のエラー値「#DIV/0!」があります。元の数式を直してください。 / file wh_excel_errors.xlsx, sheet '在庫', row 5, column '有効在庫数': Excel error value '#DIV/0!'; fix the formula it comes from.",
    ],
    'wh_hinban_as_generic.csv': [
        'E208 ファイル wh_hinban_as_generic.csv 1行目: 見出しが形式「generic」と合いません。形式「hinban」と一致します。zaiko.toml の [warehouse] に preset = "hinban" と書いてください。 / file wh_hinban_as_generic.csv, row 1: the headers do not fit the layout \'generic\' but fit \'hinban\'. Set preset = "hinban" in [warehouse] of zaiko.toml.',
    ],
    'wh_row_too_long.csv': [
        'E211 ファイル wh_row_too_long.csv 2行目: 見出しより列が多い行です (余分な値「2025/11/20 09:00」)。値にカンマが含まれる場合は "…" で囲んでください。 / file wh_row_too_long.csv, row 2: this row has more cells than the header (extra value \'2025/11/20 09:00\'). Put values that contain commas in double quotes.',
    ],
    'wh_many_problems.csv': [
        "E205 ファイル wh_many_problems.csv 3行目 列「実在庫数」: 値「十」は使えません (数値ではありません)。 / file wh_many_problems.csv, row 3, column '実在庫数': value '十' is not allowed (not a number).",
        "E205 ファイル wh_many_problems.csv 4行目 列「実在庫数」: 値「-4」は使えません (マイナスの値は使えません)。 / file wh_many_problems.csv, row 4, column '実在庫数': value '-4' is not allowed (negative values are not allowed).",
        "E214 ファイル wh_many_problems.csv 5行目 列「商品コード」: 空欄です。値を入れてください。 / file wh_many_problems.csv, row 5, column '商品コード': the cell is empty; a value is required.",
        "E205 ファイル wh_many_problems.csv 6行目 列「実在庫数」: 値「120000」は使えません (RMS の上限 99,999 を超えています)。 / file wh_many_problems.csv, row 6, column '実在庫数': value '120000' is not allowed (above RMS's maximum of 99,999).",
        "E205 ファイル wh_many_problems.csv 6行目 列「有効在庫数」: 値「120000」は使えません (RMS の上限 99,999 を超えています)。 / file wh_many_problems.csv, row 6, column '有効在庫数': value '120000' is not allowed (above RMS's maximum of 99,999).",
        "E205 ファイル wh_many_problems.csv 6行目 列「賞味期限」: 値「2026/02/30」は使えません (日付・日時として読めません。例: 2025/01/31 12:00)。 / file wh_many_problems.csv, row 6, column '賞味期限': value '2026/02/30' is not allowed (not a date or time; e.g. 2025/01/31 12:00).",
        "E206 ファイル wh_many_problems.csv 7行目 列「商品コード」: コード「TS-001-RED-M」が重複しています (2行目と値が異なります)。 / file wh_many_problems.csv, row 7, column '商品コード': code 'TS-001-RED-M' appears more than once (its values differ from row 2).",
    ],
    'ledger_bad.csv': [
        "E205 ファイル ledger_bad.csv 3行目 列「種別」: 値「移動」は使えません (使える値: 入荷、出荷、返品、キャンセル戻し、交換、棚卸調整)。 / file ledger_bad.csv, row 3, column '種別': value '移動' is not allowed (allowed values: 入荷、出荷、返品、キャンセル戻し、交換、棚卸調整).",
        "E205 ファイル ledger_bad.csv 4行目 列「数量」: 値「-3」は使えません (種別「出荷」の数量は 0 以上です。マイナスは 交換・棚卸調整 だけで使えます)。 / file ledger_bad.csv, row 4, column '数量': value '-3' is not allowed (quantities of '出荷' are 0 or more; only 交換 and 棚卸調整 take a sign).",
        "E205 ファイル ledger_bad.csv 5行目 列「日時」: 値「昨日」は使えません (日付・日時として読めません。例: 2025/01/31 12:00)。 / file ledger_bad.csv, row 5, column '日時': value '昨日' is not allowed (not a date or time; e.g. 2025/01/31 12:00).",
        "E214 ファイル ledger_bad.csv 7行目 列「コード」: 空欄です。値を入れてください。 / file ledger_bad.csv, row 7, column 'コード': the cell is empty; a value is required.",
    ],
    'orders_bad.csv': [
        "E205 ファイル orders_bad.csv 2行目 列「数量」: 値「2個」は使えません (数値ではありません)。 / file orders_bad.csv, row 2, column '数量': value '2個' is not allowed (not a number).",
        "E205 ファイル orders_bad.csv 3行目 列「ステータス」: 値「調査中」は使えません (使える値: 未出荷、出荷済、キャンセル、返品)。 / file orders_bad.csv, row 3, column 'ステータス': value '調査中' is not allowed (allowed values: 未出荷、出荷済、キャンセル、返品).",
    ],
}


def _reader(name: str):
    return read_warehouse if name.startswith("wh_") else read_ledger if name.startswith("ledger") else read_orders


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_each_broken_file_lists_all_of_its_problems_in_one_report(name):
    with pytest.raises(InputProblems) as caught:
        _reader(name)(DATA / name)
    problems = caught.value.context["problems"]
    assert [p.render() for p in problems] == REPORTS[name]
    assert caught.value.context["count"] == len(REPORTS[name])


def test_the_summary_line_says_how_many_problems_and_that_nothing_was_imported():
    with pytest.raises(InputProblems) as caught:
        read_warehouse(DATA / "wh_many_problems.csv")
    assert caught.value.render() == (
        "E210 wh_many_problems.csv に 7 件の問題があります。何も取り込んでいません。 / "
        "wh_many_problems.csv has 7 problem(s); nothing was imported.")
    assert caught.value.exit_code == 4


def test_an_xlsx_report_names_the_sheet_in_its_summary():
    with pytest.raises(InputProblems) as caught:
        read_warehouse(DATA / "wh_excel_errors.xlsx")
    assert caught.value.render("en") == "E210 wh_excel_errors.xlsx [在庫] has 4 problem(s); nothing was imported."
