"""Guards trip with the numbers named, soft ones pass when confirmed, hard ones never."""

from datetime import datetime, timedelta

import pandas as pd
import pytest

from zaiko_xl.domain.guards import GuardLimits, check_plan, check_pull_age, enforce
from zaiko_xl.errors import GuardHardLimit, GuardTripped, StalePull


def _plan(before, target):
    before = pd.array(before, dtype="Int64")
    target = pd.Series(target, dtype="int64")
    return pd.DataFrame({"sku": [f"S{i}" for i in range(len(target))], "before": before, "target": target,
                         "delta": (target - pd.Series(before).fillna(0)).astype("int64")})


def test_a_plan_within_every_limit_trips_nothing():
    plan = _plan([10, 10], [9, 12])
    assert check_plan(plan, total_skus=100, total_units_before=1000, limits=GuardLimits()) == []


def test_zero_share_trips_with_the_counts_and_the_limit():
    plan = _plan([5] * 12, [0] * 12)
    trips = check_plan(plan, total_skus=100, total_units_before=100_000, limits=GuardLimits())
    assert [(t.rule, t.hard) for t in trips] == [("zero_share", False)]
    assert trips[0].detail_ja == "在庫を 0 にする SKU が 12 件 (全 100 件の 12.0%) あり、上限 10.0% を超えています"
    assert trips[0].detail_en == "12 of 100 SKUs (12.0%) would be set to 0; the limit is 10.0%"


def test_total_change_trips_with_before_after_and_share():
    plan = _plan([1000], [400])
    trips = check_plan(plan, total_skus=100, total_units_before=1500, limits=GuardLimits())
    assert trips[0].rule == "total_change"
    assert trips[0].detail_en == ("total stock would change 1,500 -> 900 units (-600, 40.0%); the limit is 30.0%")
    assert trips[0].detail_ja == "総在庫が 1,500 → 900 個 (-600 個、40.0%) 変わり、上限 30.0% を超えています"


def test_one_sku_moving_too_far_is_named_with_its_values():
    plan = _plan([10, 3, 0], [700, 4, 0])
    trips = check_plan(plan, total_skus=3, total_units_before=100_000, limits=GuardLimits())
    assert trips[0].detail_en == "1 SKU(s) would move by more than 500 units (e.g. S0 10→700)"


def test_soft_trips_need_confirmation_and_hard_trips_refuse_even_then():
    soft = check_plan(_plan([10], [700]), total_skus=1, total_units_before=100_000, limits=GuardLimits())
    with pytest.raises(GuardTripped) as err:
        enforce(soft, confirmed=False)
    assert err.value.code == "E401" and "S0 10→700" in err.value.render()
    enforce(soft, confirmed=True)
    hard = check_plan(_plan([10], [9000]), total_skus=1, total_units_before=100_000, limits=GuardLimits())
    assert hard[0].hard
    with pytest.raises(GuardHardLimit) as err:
        enforce(hard, confirmed=True)
    assert err.value.render() == (
        "E403 安全装置の上限を超えているため送信しません: 1 SKU の変化が上限 5,000 個を超える SKU が 1 件あります "
        "(例: S0 10→9,000) --yes でも送信できません。取込データを確認してください。意図した変更なら zaiko.toml の "
        "[push] hard_max_* を変更してください。 / Not sent: the plan is past a hard safety limit: 1 SKU(s) would move "
        "by more than 5,000 units (e.g. S0 10→9,000) --yes does not override this. Check the pulled data; if the "
        "change is intended, raise [push] hard_max_* in zaiko.toml.")


def test_a_stale_pull_is_refused_with_its_age():
    now = datetime(2026, 5, 1, 12, 0)
    check_pull_age(now - timedelta(minutes=30), now, 30)
    with pytest.raises(StalePull) as err:
        check_pull_age(now - timedelta(minutes=95), now, 30)
    assert "95 分前、上限 30 分" in err.value.render() and "(95 min, limit 30 min)" in err.value.render()
