"""domain/edits.py: hand edits survive a rewrite, matched by key."""

from __future__ import annotations

import pandas as pd

from zaiko_xl.domain.edits import carry_hand_edits, hand_edited

KEPT = {"confirmed": "suggested", "push": None}


def _rows(skus, suggested, confirmed, push):
    return pd.DataFrame({"sku": skus, "suggested": suggested, "confirmed": confirmed, "push": push})


def test_a_changed_suggestion_and_a_tick_are_carried_to_the_same_sku():
    old = _rows(["a", "b", "c"], [1, 2, 3], [1, 9, 3], [False, False, True])
    new = _rows(["c", "b", "d"], [30, 20, 40], [30, 20, 40], [False, False, False])
    out, carried = carry_hand_edits(new, old, "sku", KEPT)
    assert out["confirmed"].tolist() == [30, 9, 40]
    assert out["push"].tolist() == [True, False, False]
    assert carried == 2


def test_values_equal_to_the_old_suggestion_are_not_edits():
    old = _rows(["a"], [5], [5], [False])
    assert not hand_edited(old, "confirmed", "suggested").any()
    out, carried = carry_hand_edits(_rows(["a"], [6], [6], [False]), old, "sku", KEPT)
    assert out["confirmed"].tolist() == [6] and carried == 0


def test_a_value_typed_where_there_was_no_suggestion_is_an_edit():
    old = _rows(["a"], [None], [4], [False])
    out, _ = carry_hand_edits(_rows(["a"], [7], [7], [False]), old, "sku", KEPT)
    assert out["confirmed"].tolist() == [4]


def test_skus_that_disappeared_take_their_edits_with_them_and_nothing_breaks_on_empty_frames():
    old = _rows(["gone"], [1], [8], [True])
    new = _rows(["a"], [2], [2], [False])
    out, carried = carry_hand_edits(new, old, "sku", KEPT)
    assert out.equals(new) and carried == 0
    assert carry_hand_edits(new, old.iloc[0:0], "sku", KEPT)[1] == 0
