"""The push plan: targets per channel, kinds, sale buffers, only changed SKUs."""

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from zaiko_xl.domain.model import AllocationRule, Channel
from zaiko_xl.domain.push_plan import (
    PlanPolicy,
    batches,
    compute_targets,
    inverse_plan,
    plan_changes,
    plan_from_confirmed,
    sale_active,
    sale_buffers,
    with_buffers,
)
from zaiko_xl.errors import BadValue, DuplicateSku


def _stock(**columns):
    base = {"sku": ["A", "B", "C"], "manage_number": ["item-a", "item-b", "item-c"], "variant_id": ["a", "b", "c"],
            "on_hand": [10, 5, 0], "allocated": [2, 5, 0], "rms": [8, 3, None]}
    base.update(columns)
    return pd.DataFrame(base)


def test_target_is_on_hand_minus_allocations_minus_buffer_never_below_zero():
    targets = compute_targets(_stock(on_hand=[10, 5, 1], allocated=[2, 5, 3]), PlanPolicy(buffer=1))
    assert targets["target_rakuten"].tolist() == [7, 0, 0]


def test_only_skus_whose_rms_value_changes_are_planned_and_new_ones_are_absolute():
    plan = plan_changes(compute_targets(_stock(), PlanPolicy()))
    assert plan[["sku", "before", "target", "delta", "mode"]].astype(object).values.tolist() == [
        ["B", 3, 0, -3, "RELATIVE"], ["C", pd.NA, 0, 0, "ABSOLUTE"]]


def test_channel_shares_follow_priority_and_never_give_one_unit_twice():
    rules = (AllocationRule(Channel.RAKUTEN, share=0.7, priority=0),
             AllocationRule(Channel.YAHOO, share=0.5, priority=1))
    targets = compute_targets(_stock(on_hand=[10, 5, 0], allocated=[0, 0, 0]), PlanPolicy(channels=rules))
    assert targets["target_rakuten"].tolist() == [7, 3, 0]
    assert targets["target_yahoo"].tolist() == [3, 2, 0]  # what rakuten left, not 50%


def test_a_fixed_cap_limits_what_a_channel_shows():
    rules = (AllocationRule(Channel.RAKUTEN, share=1.0, cap=4),)
    targets = compute_targets(_stock(on_hand=[10, 3, 0], allocated=[0, 0, 0]), PlanPolicy(channels=rules))
    assert targets["target_rakuten"].tolist() == [4, 3, 0]


def test_send_zero_below_n_hides_the_last_units():
    rules = (AllocationRule(Channel.RAKUTEN, zero_below=3),)
    targets = compute_targets(_stock(on_hand=[10, 2, 3], allocated=[0, 0, 0]), PlanPolicy(channels=rules))
    assert targets["target_rakuten"].tolist() == [10, 0, 3]


def test_reservation_items_sell_pending_inbound_and_backorder_items_add_their_allowance():
    stock = _stock(on_hand=[2, 2, 2], allocated=[1, 1, 1], inbound=[10, 10, 10],
                   kind=["normal", "reservation", "backorder"])
    targets = compute_targets(stock, PlanPolicy(backorder_quantity=20))
    assert targets["target_rakuten"].tolist() == [1, 11, 21]
    assert "入荷予定/inbound 10" in targets["why"][1]
    assert "取寄/backorder 20" in targets["why"][2]


def test_an_unknown_kind_is_refused_naming_the_sku():
    with pytest.raises(BadValue) as err:
        compute_targets(_stock(kind=["normal", "preorder", "normal"]), PlanPolicy())
    assert "SKU B" in err.value.render() and "preorder" in err.value.render()


def test_why_names_every_number():
    targets = compute_targets(_stock(buffer=[1, 0, 0]), PlanPolicy())
    assert targets["why"][0] == "倉庫/wh 10 − 引当/alloc 2 − 予備/buf 1 → 7 = 7"


def test_targets_are_clipped_to_the_rms_maximum():
    targets = compute_targets(_stock(on_hand=[150_000, 0, 0], allocated=[0, 0, 0]), PlanPolicy())
    assert targets["target_rakuten"][0] == 99_999


def test_two_shop_codes_on_one_rms_sku_are_refused():
    stock = _stock(manage_number=["item-a", "item-a", "item-c"], variant_id=["a", "a", "c"])
    with pytest.raises(DuplicateSku):
        plan_changes(compute_targets(stock, PlanPolicy()))


def test_plan_from_the_sheet_takes_only_ticked_rows_that_change():
    rows = pd.DataFrame({"sku": ["A", "B", "C"], "manage_number": ["a", "b", "c"], "variant_id": ["1", "2", "3"],
                         "rms": [5, 5, 5], "confirmed": [7, 5, 1], "push": [True, True, False], "row": [5, 6, 7]})
    plan = plan_from_confirmed(rows)
    assert plan[["sku", "delta"]].values.tolist() == [["A", 2]]


def test_a_ticked_row_without_a_valid_confirmed_stock_names_its_row():
    rows = pd.DataFrame({"sku": ["A"], "manage_number": ["a"], "variant_id": ["1"], "rms": [5],
                         "confirmed": [-1], "push": [True], "row": [12]})
    with pytest.raises(BadValue) as err:
        plan_from_confirmed(rows)
    assert "12行目" in err.value.render() and "row 12" in err.value.render()


def test_batches_hold_at_most_400_rows_of_one_mode_relative_first():
    plan = pd.DataFrame({"mode": ["ABSOLUTE"] * 3 + ["RELATIVE"] * 801})
    sizes = [(len(b), b["mode"].iloc[0]) for b in batches(plan)]
    assert sizes == [(400, "RELATIVE"), (400, "RELATIVE"), (1, "RELATIVE"), (3, "ABSOLUTE")]


def test_inverse_plan_undoes_deltas_on_top_of_todays_value_and_stops_at_zero():
    applied = pd.DataFrame({"sku": ["A", "B"], "manage_number": ["a", "b"], "variant_id": ["1", "2"],
                            "delta": [+10, -4]})
    plan = inverse_plan(applied, pd.Series({"a:1": 6, "b:2": 9}))
    assert plan[["sku", "before", "target", "delta"]].astype(object).values.tolist() == [
        ["A", 6, 0, -6], ["B", 9, 13, 4]]


def test_sale_mode_is_active_inside_a_window_only():
    windows = [(date(2026, 12, 4), date(2026, 12, 11))]
    assert sale_active(date(2026, 12, 11), windows)
    assert not sale_active(date(2026, 12, 12), windows)


def test_sale_buffers_are_the_recent_rate_times_the_interval():
    now = datetime(2026, 12, 5, 12, 0)
    orders = pd.DataFrame({"sku": ["A", "A", "B", "B"], "quantity": [30, 6, 100, 1],
                           "status": ["unshipped", "shipped", "cancelled", "unshipped"],
                           "ordered_at": [now - timedelta(minutes=10), now - timedelta(hours=2),
                                          now - timedelta(minutes=5), now - timedelta(hours=5)]})
    buffers = sale_buffers(orders, now, interval_s=300, lookback=timedelta(hours=3))
    assert buffers.to_dict() == {"A": 1}  # 36 units in 3 h = 1 per 5 min; B's only recent order was cancelled
    stock = with_buffers(pd.DataFrame({"sku": ["A", "B"]}), base=0, extra=sale_buffers(
        orders, now, interval_s=3600, lookback=timedelta(hours=3)))
    assert stock["buffer"].tolist() == [12, 0]


def test_sets_take_their_units_from_the_components_by_the_set_rule():
    stock = pd.DataFrame({"sku": ["X", "Y", "SET"], "manage_number": ["x", "y", "set"], "variant_id": ["x", "y", "s"],
                          "on_hand": [10, 1, 0], "allocated": [0, 0, 0], "rms": [10, 1, 5]})
    bom = pd.DataFrame({"set_sku": ["SET", "SET"], "component_sku": ["X", "Y"], "quantity": [2, 1]})
    rules = pd.DataFrame({"set_sku": ["SET"], "priority": [1], "cap": [None]})
    targets = compute_targets(stock, PlanPolicy(), bom=bom, set_rules=rules)
    assert targets["target_rakuten"].tolist() == [8, 0, 1]  # the set takes 2 X + 1 Y; never one unit twice
    assert "セット配分後/after sets 8" in targets["why"][0]


def test_without_explanations_the_plan_explains_only_its_own_rows():
    targets = compute_targets(_stock(), PlanPolicy(), explain=False)
    assert "why" not in targets
    plan = plan_changes(targets, policy=PlanPolicy())
    assert plan["why"].tolist() == ["倉庫/wh 5 − 引当/alloc 5 − 予備/buf 0 → 0 = 0", "倉庫/wh 0 − 引当/alloc 0 − 予備/buf 0 → 0 = 0"]
