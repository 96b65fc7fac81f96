"""Ledger movements -> balance per SKU as of any time."""

from datetime import datetime

import pandas as pd
import pytest

from zaiko_xl.domain.ledger import ledger_balance, ledger_balances, movement_deltas
from zaiko_xl.errors import UnknownMovementKind


def ledger(rows):
    frame = pd.DataFrame(rows, columns=["sku", "kind", "quantity", "at", "reference"])
    return frame.assign(at=pd.to_datetime(frame["at"], format="%Y-%m-%d %H:%M"))


LEDGER = ledger([
    ("MUG", "入荷", 10, "2025-01-01 10:00", "PO1"),
    ("MUG", "出荷", 3, "2025-01-02 15:00", "o1"),
    ("TEE", "入荷", 5, "2025-01-02 10:00", "PO2"),
    ("MUG", "返品", 1, "2025-01-05 13:00", "o1"),
    ("MUG", "キャンセル戻し", 2, "2025-01-06 13:00", "o2"),
    ("TEE", "交換", -1, "2025-01-06 13:30", "o3"),
    ("MUG", "交換", 1, "2025-01-06 13:00", "o3"),
    ("MUG", "棚卸調整", -2, "2025-01-31 19:00", "棚卸"),
])


@pytest.mark.parametrize(("kind", "quantity", "delta"), [
    ("入荷", 4, 4), ("出荷", 4, -4), ("返品", 4, 4), ("キャンセル戻し", 4, 4),
    ("交換", -4, -4), ("交換", 4, 4), ("棚卸調整", -4, -4), ("棚卸調整", 4, 4),
    ("出荷", -4, -4),  # a shipment written with a minus sign still removes stock
])
def test_each_movement_kind_changes_stock_by_its_sign(kind, quantity, delta):
    assert movement_deltas(ledger([("X", kind, quantity, "2025-01-01 00:00", "")])).tolist() == [delta]


@pytest.mark.parametrize(("as_of", "expected"), [
    (datetime(2024, 12, 31), {}),
    (datetime(2025, 1, 1, 10, 0), {"MUG": 10}),  # a movement at exactly as_of counts
    (datetime(2025, 1, 2, 12, 0), {"MUG": 10, "TEE": 5}),
    (datetime(2025, 1, 2, 15, 0), {"MUG": 7, "TEE": 5}),
    (datetime(2025, 1, 6, 13, 0), {"MUG": 11, "TEE": 5}),
    (datetime(2025, 1, 6, 14, 0), {"MUG": 11, "TEE": 4}),
    (None, {"MUG": 9, "TEE": 4}),
])
def test_ledger_balance_as_of_a_time(as_of, expected):
    assert ledger_balance(LEDGER, as_of).to_dict() == expected


def test_ledger_balances_at_many_times_agree_with_one_at_a_time():
    times = [datetime(2025, 1, 6, 13, 0), datetime(2024, 1, 1), datetime(2025, 1, 2, 15, 0), datetime(2030, 1, 1)]
    table = ledger_balances(LEDGER, times)
    assert table.index.tolist() == ["MUG", "TEE"]
    for column, when in zip(table.columns, times, strict=True):
        assert column == pd.Timestamp(when)
        single = ledger_balance(LEDGER, when)
        assert table[column].to_dict() == {sku: int(single.get(sku, 0)) for sku in table.index}


def test_an_unknown_movement_kind_is_refused_with_its_count():
    with pytest.raises(UnknownMovementKind) as caught:
        ledger_balance(ledger([("X", "移動", 1, "2025-01-01 00:00", ""), ("Y", "移動", 1, "2025-01-01 00:00", "")]))
    assert caught.value.code == "E452"
    assert caught.value.render("en").startswith("E452 Unknown ledger movement kind '移動' (2 row(s))")


def test_carry_forward_folds_old_movements_into_one_stocktake_row_and_keeps_every_later_balance():
    from zaiko_xl.domain.ledger import CARRIED_FORWARD, carry_forward, ledger_balances

    ledger = pd.DataFrame({
        "sku": ["A", "A", "B", "A", "B", "C"],
        "kind": ["入荷", "出荷", "入荷", "返品", "棚卸調整", "入荷"],
        "quantity": [10, 3, 5, 1, -2, 4],
        "at": pd.to_datetime(["2026-01-01", "2026-02-01", "2026-02-10", "2026-03-05", "2026-03-06", "2026-03-07"]),
        "reference": ["", "o1", "", "o1", "", ""],
    })
    since = datetime(2026, 3, 1)
    short = carry_forward(ledger, since)
    assert short[short["reference"] == CARRIED_FORWARD][["sku", "kind", "quantity"]].values.tolist() == [
        ["A", "棚卸調整", 7], ["B", "棚卸調整", 5]]
    assert len(short) == 2 + 3
    carried_at = short[short["reference"] == CARRIED_FORWARD]["at"].tolist()
    assert carried_at == [pd.Timestamp("2026-02-01"), pd.Timestamp("2026-02-10")]  # each SKU's last movement before
    times = [datetime(2026, 2, 10), since, datetime(2026, 3, 5, 12), datetime(2026, 12, 31)]
    pd.testing.assert_frame_equal(ledger_balances(short, times), ledger_balances(ledger, times))
