"""Settling a write of unknown outcome from a read-back (never a guess)."""

import pandas as pd

from zaiko_xl.domain.push_run import BatchState, settle


def _items(pre, delta, mode="RELATIVE"):
    keys = [f"m:{i}" for i in range(len(pre))]
    return pd.DataFrame({"key": keys, "mode": mode, "delta": delta, "pre": pd.array(pre, dtype="Int64")})


def _now(values):
    return pd.Series({f"m:{i}": v for i, v in enumerate(values) if v is not None})


def test_every_sku_moved_by_its_delta_means_applied():
    result = settle(_items([5, 5, 5], [1, -2, 3]), _now([6, 3, 8]))
    assert result.batch_state is BatchState.APPLIED


def test_every_sku_unchanged_means_not_applied_and_the_batch_is_sent_again():
    result = settle(_items([5, 5, 5], [1, -2, 3]), _now([5, 5, 5]))
    assert result.batch_state is BatchState.PLANNED


def test_an_order_that_mimics_the_delta_is_outvoted_by_its_batch():
    # SKU 1 sold 2 units meanwhile, exactly its delta of -2, but the batch was not applied
    result = settle(_items([5, 5, 5, 5], [1, -2, 3, 1]), _now([5, 3, 5, 5]))
    assert result.batch_state is BatchState.PLANNED
    assert result.reason == "batch not applied: 1 SKUs moved by their delta, 3 unchanged, 0 changed by orders"


def test_skus_changed_by_orders_follow_their_batch():
    result = settle(_items([5, 5, 5], [1, -2, 3]), _now([6, 2, 8]))  # SKU 1 also sold one unit
    assert result.batch_state is BatchState.APPLIED


def test_a_tie_decides_nothing():
    result = settle(_items([5, 5], [1, 1]), _now([6, 5]))
    assert result.batch_state is None and set(result.outcomes) == {"unknown"}


def test_a_real_split_trusts_each_clear_sku_and_no_noisy_one():
    result = settle(_items([5] * 6, [1] * 6), _now([6, 6, 6, 5, 5, 9]))
    assert result.outcomes.tolist() == ["applied"] * 3 + ["not_applied"] * 2 + ["unknown"]


def test_an_absolute_write_was_applied_when_the_record_exists_now():
    result = settle(_items([None, None], [4, 7], mode="ABSOLUTE"), _now([3, None]))
    assert result.outcomes.tolist() == ["applied", "not_applied"]
