"""Open allocations: unshipped lines of every channel, set lines exploded."""

import pandas as pd

from zaiko_xl.domain.allocation import open_allocations

ORDERS = pd.DataFrame({
    "order_number": ["r1", "r2", "y1", "a1", "r3", "r4"],
    "channel": ["rakuten", "rakuten", "yahoo", "amazon", "rakuten", "rakuten"],
    "sku": ["MUG", "GIFT", "MUG", "TEA", "MUG", "TEA"],
    "quantity": [1, 2, 3, 4, 5, 6],
    "status": ["unshipped", "unshipped", "unshipped", "unshipped", "shipped", "cancelled"],
})
BOM = pd.DataFrame({"set_sku": ["GIFT", "GIFT"], "component_sku": ["MUG", "TEA"], "quantity": [2, 1]})


def test_allocations_count_unshipped_lines_of_every_channel_with_sets_exploded():
    assert open_allocations(ORDERS, BOM).to_dict() == {"MUG": 1 + 4 + 3, "TEA": 2 + 4}


def test_without_a_bom_set_lines_stay_as_they_are():
    assert open_allocations(ORDERS).to_dict() == {"GIFT": 2, "MUG": 4, "TEA": 4}


def test_allocations_of_some_channels_only():
    assert open_allocations(ORDERS, BOM, channels=("yahoo", "amazon")).to_dict() == {"MUG": 3, "TEA": 4}


def test_no_open_lines_give_an_empty_series():
    assert open_allocations(ORDERS[ORDERS["status"] == "shipped"], BOM).empty
