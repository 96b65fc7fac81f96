"""Purchase-order CSV files: CP932, CRLF, formula-like text made safe, nothing written on a bad character."""

from datetime import date

import pandas as pd
import pytest

from zaiko_xl.adapters.po_csv import write_cp932_csv
from zaiko_xl.errors import NotEncodable


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
