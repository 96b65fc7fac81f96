"""domain.pull_unlisted: which swept RMS rows the master does not name, as RMS compares keys."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from zaiko_xl.domain.pull_match import Master, Problem
from zaiko_xl.domain.pull_unlisted import SweepPlan, plan_sweep, quantity_list, unlisted_rows, unlisted_stock

ITEMS = pd.DataFrame({"sku": ["TS-RED-M", "MUG"], "manage_number": ["TShirt", "mug-300"],
                      "variant_id": ["Red-M", "mug-300"], "warehouse_code": [None, None], "jan": [None, None]})
MAPPING = pd.DataFrame({"sku": ["TS-RED-M"], "manage_number": ["tshirt-old"], "variant_id": ["red-m"],
                        "warehouse_code": [None], "jan": [None]})
EMPTY_MAPPING = MAPPING.iloc[0:0]


def _swept(*rows: tuple[str, str, int]) -> pd.DataFrame:
    at = datetime(2026, 11, 20, 9, 0)
    return pd.DataFrame([(m, v, q, at) for m, v, q in rows], columns=["manage_number", "variant_id", "quantity",
                                                                      "updated"])


def _keys(frame: pd.DataFrame) -> list[tuple[str, str, int]]:
    return list(zip(frame["manage_number"], frame["variant_id"], frame["quantity"], strict=True))


def test_the_manage_number_is_folded_and_the_variant_id_keeps_its_case():
    swept = _swept(("tshirt", "Red-M", 4), ("tshirt", "red-M", 2), ("mug-300", "mug-300", 9))
    assert _keys(unlisted_stock(swept, Master(ITEMS, EMPTY_MAPPING))) == [("tshirt", "red-M", 2)]


def test_a_key_named_only_by_the_mapping_sheet_is_known():
    swept = _swept(("tshirt-old", "red-m", 3), ("tshirt-old", "Red-M", 1))
    assert _keys(unlisted_stock(swept, Master(ITEMS, MAPPING))) == [("tshirt-old", "Red-M", 1)]
    assert _keys(unlisted_stock(swept, Master(ITEMS, EMPTY_MAPPING))) == [("tshirt-old", "Red-M", 1),
                                                                            ("tshirt-old", "red-m", 3)]


def test_no_sku_is_guessed_from_a_variant_id_that_equals_a_master_sku():
    swept = _swept(("other-item", "mug-300", 5))  # pull would match it by variantId; the master does not name it
    assert _keys(unlisted_stock(swept, Master(ITEMS, EMPTY_MAPPING))) == [("other-item", "mug-300", 5)]


def test_skus_at_zero_cannot_oversell_and_are_left_out():
    swept = _swept(("gone", "a", 0), ("gone", "b", 1))
    assert _keys(unlisted_stock(swept, Master(ITEMS, EMPTY_MAPPING))) == [("gone", "b", 1)]


def test_nothing_swept_nothing_unlisted():
    assert unlisted_stock(_swept(), Master(ITEMS, EMPTY_MAPPING)).empty


def test_each_unlisted_sku_is_one_problem_row_without_a_sku():
    rows = unlisted_rows(_swept(("new-item", "Blue-S", 12)))
    assert rows[["source", "code", "match", "problem", "rows"]].values.tolist() == [
        ["rms_stock", "new-item:Blue-S", "", Problem.UNLISTED.value, 1]]
    assert rows["sku"].isna().all()
    assert "商品管理番号 new-item・SKU管理番号 Blue-S、RMS在庫 12" in rows["detail"].iloc[0]
    assert "(manageNumber new-item, variantId Blue-S, RMS stock 12)" in rows["detail"].iloc[0]


def test_windows_are_cut_where_the_known_skus_crowd_and_cover_every_quantity():
    known = pd.Series([1] * 500 + [2] * 500 + [3] * 100 + [40] * 10 + [0] * 5000)
    plan = plan_sweep(known, 1, 99_999, fill=900)
    assert plan.windows == ((1, 1), (2, 99_999)) and plan.crowded == ()
    assert plan_sweep(known, 1, 99_999, fill=1000).windows == ((1, 2), (3, 99_999))
    assert plan_sweep(known, 1, 99_999, fill=1110).windows == ((1, 99_999),)


def test_a_crowded_quantity_after_a_gap_keeps_the_gap_covered():
    plan = plan_sweep(pd.Series([3] * 950 + [7] * 10), 1, 99_999, fill=900)
    assert plan.windows == ((1, 2), (3, 3), (4, 99_999))


def test_with_nothing_known_one_window_covers_all():
    assert plan_sweep(pd.Series([], dtype="int64"), 1, 99_999) == SweepPlan(((1, 99_999),))


def test_a_quantity_more_than_1000_known_skus_share_is_not_asked():
    plan = plan_sweep(pd.Series([5] * 1001 + [6] * 3 + [4] * 2), 1, 99_999)
    assert plan.windows == ((1, 4), (6, 99_999)) and plan.crowded == (5,)


def test_quantities_in_a_message_fold_their_runs():
    assert quantity_list([3, 1, 2, 7, 9, 10, 2]) == "1-3, 7, 9-10"
    assert quantity_list([5]) == "5"
