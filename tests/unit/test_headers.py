"""Finding the header row and mapping headers to fields."""

from __future__ import annotations

import pandas as pd

from zaiko_xl.adapters.headers import find_header, match_headers, normalise_header
from zaiko_xl.adapters.order_presets import PRESETS as ORDER_PRESETS
from zaiko_xl.adapters.wms_presets import PRESETS


def _cells(rows: list[list[object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, dtype=object)
    frame.index = pd.RangeIndex(1, len(rows) + 1)
    return frame


def test_headers_compare_across_width_case_and_spaces():
    assert normalise_header("商品 ｺｰﾄﾞ") == normalise_header("商品コード")
    assert normalise_header(" SKU\u3000コード ") == normalise_header("skuコード")


def test_the_first_preferred_header_wins_over_an_earlier_column():
    match = match_headers(1, ["OrderId", "ItemId", "SubCode"], ORDER_PRESETS["yahoo"].schema())
    assert match.positions["sku"] == 2 and match.positions["alt_code"] == 1


def test_the_same_header_twice_is_noted():
    match = match_headers(1, ["商品コード", "実在庫数", "商品コード"], PRESETS["generic"].schema())
    assert match.positions["warehouse_code"] == 0 and match.doubles == {"warehouse_code": [2]}


def test_the_header_is_found_below_title_lines():
    cells = _cells([["在庫一覧表", None], [None, None], ["商品コード", "実在庫数"], ["A-1", 3]])
    match, better = find_header(cells, PRESETS["generic"].schema())
    assert (match.row, match.complete, better) == (3, True, None)


def test_another_layout_that_fits_is_offered():
    cells = _cells([["品番", "在庫数"], ["A-1", 3]])
    hinban = PRESETS["hinban"].schema()
    match, better = find_header(cells, PRESETS["generic"].schema(), [hinban])
    assert match.missing == ("warehouse_code", "on_hand") and better is hinban
