"""The sparse statistics equal the dense reference on random histories with every option."""

import numpy as np
import pandas as pd
import pytest

from zaiko_xl.domain.demand import DemandOptions, demand_stats
from zaiko_xl.domain.demand_sparse import DailyTotals, demand_stats_sparse


def _random_case(seed: int, days: int):
    rng = np.random.default_rng(seed)
    n = 60
    dense = rng.poisson(rng.uniform(0, 3, (n, 1)) * (rng.random((n, days)) < rng.uniform(0.05, 1, (n, 1))))
    dense[:3] = 0  # zero-demand rows
    dense[3, :] = 4  # constant demand: std exactly 0
    rows, cols = np.nonzero(dense)
    totals = DailyTotals.from_lines(rows, cols, dense[rows, cols].astype(float), n, days)
    global_days = rng.random(days) < 0.05
    pair_rows, pair_days = rng.integers(0, n, 40), rng.integers(0, days, 40)
    excluded = np.broadcast_to(global_days, (n, days)).copy()
    excluded[pair_rows, pair_days] = True
    excluded[5, :] = True  # every day excluded: E264
    all_rows = np.r_[pair_rows, np.full(days, 5)]
    all_days = np.r_[pair_days, np.arange(days)]
    return dense.astype(float), totals, global_days, (all_rows, all_days), excluded, rng.integers(1, 40, n)


@pytest.mark.parametrize("days", [400, 200])
@pytest.mark.parametrize("options", [DemandOptions(), DemandOptions(scale_std=True, recent_weight=0.3),
                                     DemandOptions(season_skips_excluded=True, annual_days=300, recent_days=7),
                                     DemandOptions(seasonality=False, recent_weight=1.0)])
def test_sparse_statistics_equal_the_dense_ones(options, days):
    dense, totals, global_days, pairs, excluded, season = _random_case(days, days)
    expected, expected_errors = demand_stats(dense, excluded, options=options, season_days=season)
    got, got_errors = demand_stats_sparse(totals, global_days, pairs, options=options, season_days=season)
    pd.testing.assert_frame_equal(got, expected, rtol=1e-12, atol=1e-12)
    assert got_errors.code.tolist() == expected_errors.code.tolist()
    assert got["demand_std"].iat[3] == 0.0 and expected_errors.code[5] == "E264"


def test_daily_totals_sum_lines_of_the_same_day_and_drop_zero_days():
    totals = DailyTotals.from_lines(np.array([1, 1, 0, 0]), np.array([2, 2, 0, 1]), np.array([1.0, 2.0, 5.0, 0.0]),
                                    2, 3)
    assert totals.to_dense().tolist() == [[5.0, 0.0, 0.0], [0.0, 0.0, 3.0]]
    assert len(totals.qty) == 2
    assert totals.row_sums(1).tolist() == [0.0, 3.0]
