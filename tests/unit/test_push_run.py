"""Settling a write of unknown outcome from a read-back (never a guess)."""

import pandas as pd

from zaiko_xl.domain.push_run import BatchState, settle

T0, T1 = "2026-05-01T10:00:00", "2026-05-01T10:00:07"


def _items(pre, delta, mode="RELATIVE"):
    keys = [f"m:{i}" for i in range(len(pre))]
    return pd.DataFrame({"key": keys, "mode": mode, "delta": delta, "pre": pd.array(pre, dtype="Int64"),
                         "pre_updated": [T0 if p is not None else None for p in pre]})


def _now(values, updated=None):
    updated = updated or [T1 if v is not None else None for v in values]
    rows = {f"m:{i}": (v, u) for i, (v, u) in enumerate(zip(values, updated, strict=True)) if v is not None}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["quantity", "updated"])


def test_every_sku_moved_by_its_delta_means_applied():
    result = settle(_items([5, 5, 5], [1, -2, 3]), _now([6, 3, 8]))
    assert result.batch_state is BatchState.APPLIED


def test_untouched_skus_mean_not_applied_and_the_batch_is_sent_again():
    result = settle(_items([5, 5, 5], [1, -2, 3]), _now([5, 5, 5], [T0, T0, T0]))
    assert result.batch_state is BatchState.PLANNED


def test_an_order_that_mimics_the_delta_does_not_fool_it():
    # SKU 1 sold 2 units meanwhile, exactly its delta of -2, but the batch was not applied
    result = settle(_items([5, 5, 5, 5], [1, -2, 3, 1]), _now([5, 3, 5, 5], [T0, T1, T0, T0]))
    assert result.batch_state is BatchState.PLANNED
    assert result.reason == "not applied: 3 untouched, 1 moved by their delta, 0 changed by orders"


def test_an_applied_write_whose_delta_an_order_cancelled_out_is_still_applied():
    # SKU 1: +1 applied, then one unit sold: the quantity is back, but RMS's updated moved
    result = settle(_items([5, 5, 5], [1, 1, 3]), _now([6, 5, 8], [T1, T1, T1]))
    assert result.batch_state is BatchState.APPLIED


def test_untouched_skus_next_to_a_majority_that_moved_decide_nothing():
    result = settle(_items([5] * 4, [1] * 4), _now([6, 6, 6, 5], [T1, T1, T1, T0]))
    assert result.batch_state is None and set(result.outcomes) == {"unknown"}
    assert result.reason.startswith("undecided")


def test_only_noise_decides_nothing():
    result = settle(_items([5, 5], [1, 1]), _now([9, 2]))
    assert result.batch_state is None


def test_an_absolute_write_was_applied_when_the_record_exists_now():
    result = settle(_items([None, None], [4, 7], mode="ABSOLUTE"), _now([3, None]))
    assert result.outcomes.tolist() == ["applied", "not_applied"]
