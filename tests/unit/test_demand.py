"""Demand statistics: sample std, exclusions, blending, seasonality, zero and intermittent demand."""

from datetime import date

import numpy as np
import pytest

from zaiko_xl.domain.demand import DemandOptions, day_mask, demand_stats

PLAIN = DemandOptions(annual_days=365, recent_days=28, recent_weight=0.0, seasonality=False)


def stats(history, excluded=None, options=PLAIN, season_days=28):
    frame, errors = demand_stats(np.atleast_2d(np.asarray(history, dtype=float)), excluded, options=options,
                                 season_days=season_days)
    return frame, errors


def test_mean_and_sample_std_use_ddof_1():
    frame, _ = stats([1, 2, 3, 4])
    assert frame["demand_mean"].iat[0] == 2.5
    assert frame["demand_std"].iat[0] == pytest.approx(np.std([1, 2, 3, 4], ddof=1))  # 1.2909944487358056


def test_std_is_zero_with_fewer_than_two_days():
    frame, _ = stats([7.0, 0.0], excluded=np.array([False, True]))
    assert (frame["demand_mean"].iat[0], frame["demand_std"].iat[0], frame["days_used"].iat[0]) == (7.0, 0.0, 1)


def test_a_sale_spike_kept_raises_mean_and_std_and_excluded_leaves_them_alone():
    normal = np.tile([4.0, 6.0], 50)  # 100 days, mean 5
    spiked = normal.copy()
    spiked[60:63] = 60.0  # three sale days
    kept, _ = stats(spiked)
    dropped, _ = stats(spiked, excluded=np.isin(np.arange(100), [60, 61, 62]))
    assert kept["demand_mean"].iat[0] > 6.5 and kept["demand_std"].iat[0] > 9.0
    assert dropped["demand_mean"].iat[0] == pytest.approx(np.delete(spiked, [60, 61, 62]).mean())
    assert dropped["demand_std"].iat[0] == pytest.approx(np.delete(spiked, [60, 61, 62]).std(ddof=1))
    assert dropped["days_excluded"].iat[0] == 3


def test_per_sku_exclusions_drop_days_of_one_sku_only():
    history = np.array([[1.0, 9.0, 1.0], [1.0, 9.0, 1.0]])
    excluded = np.array([[False, True, False], [False, False, False]])
    frame, _ = stats(history, excluded)
    assert frame["demand_mean"].tolist() == [1.0, pytest.approx(11 / 3)]


def test_blending_weights_recent_and_annual_means():
    history = np.r_[np.full(337, 2.0), np.full(28, 10.0)]  # last 28 days at 10
    frame, _ = stats(history, options=DemandOptions(recent_days=28, recent_weight=0.25, seasonality=False))
    annual = history.mean()
    assert frame["recent_mean"].iat[0] == 10.0
    assert frame["demand_mean"].iat[0] == pytest.approx(0.25 * 10 + 0.75 * annual)


CLASSIC = DemandOptions(recent_weight=0.0, seasonality=True, season_prior_units=0.0)  # the textbook ratio


def test_seasonal_index_compares_last_years_same_period_with_last_years_mean():
    """A year ago, the 28 days after today's date sold 3/day; the year averaged 1.5."""
    year = np.ones(365)
    year[:28] = 3.0  # the first 28 days of the trailing year = the same period last year
    year[28:56] = 0.0  # keep the yearly mean at exactly (84 + 309 - 28) / 365
    frame, _ = stats(year, options=CLASSIC, season_days=28)
    index = 3.0 / year.mean()
    assert frame["seasonal_index"].iat[0] == pytest.approx(index)
    assert frame["demand_mean"].iat[0] == pytest.approx(year.mean() * index)  # = 3.0
    assert frame["demand_std"].iat[0] == pytest.approx(year.std(ddof=1))  # sigma not scaled by default


def test_the_index_of_a_slow_seller_is_pulled_toward_one_by_the_prior_units():
    """(U + K) / (E + K): 84 units where 28 days at the year's rate would sell E; K = 10 by default."""
    year = np.ones(365)
    year[:28], year[28:56] = 3.0, 0.0
    frame, _ = stats(np.vstack([year, year / 20]), options=DemandOptions(recent_weight=0.0), season_days=28)
    expected = 28 * year.mean()
    assert frame["seasonal_index"].tolist() == pytest.approx([(84 + 10) / (expected + 10),
                                                               (84 / 20 + 10) / (expected / 20 + 10)])
    assert 1 < frame["seasonal_index"].iat[1] < 1.3 < 2.3 < frame["seasonal_index"].iat[0]  # 4.2 units: mostly noise


def test_the_index_baseline_leaves_out_the_excluded_days_the_mean_leaves_out():
    """Sale days (excluded from d) must not inflate the baseline, or every normal week is under-forecast."""
    year = np.ones(365)
    year[100:107] = 8.0  # a sale week, excluded from the statistics
    excluded = np.zeros(365, bool)
    excluded[100:107] = True
    frame, _ = stats(year, excluded=excluded, options=CLASSIC, season_days=28)
    assert frame["seasonal_index"].iat[0] == pytest.approx(1.0)  # a normal period: normal rate
    assert frame["demand_mean"].iat[0] == pytest.approx(1.0)


def test_sigma_is_scaled_by_the_index_only_when_asked():
    year = np.r_[np.full(28, 4.0), np.full(337, 2.0)]
    frame, _ = stats(year, options=DemandOptions(recent_weight=0.0, seasonality=True, scale_std=True))
    assert frame["seasonal_index"].iat[0] > 1
    assert frame["demand_std"].iat[0] == pytest.approx(year.std(ddof=1) * frame["seasonal_index"].iat[0])


def test_season_window_length_can_differ_per_sku():
    year = np.r_[np.full(7, 10.0), np.full(358, 1.0)]
    frame, _ = stats(np.vstack([year, year]), options=CLASSIC, season_days=np.array([7, 14]))
    assert frame["seasonal_index"].tolist() == pytest.approx([10 / year.mean(), 5.5 / year.mean()])


def test_no_seasonality_with_less_than_a_year_or_zero_demand():
    short, _ = stats(np.r_[np.full(28, 9.0), np.ones(100)], options=DemandOptions(seasonality=True))
    zero, _ = stats(np.zeros(400), options=DemandOptions(seasonality=True))
    assert short["seasonal_index"].iat[0] == 1.0
    assert (zero["seasonal_index"].iat[0], zero["demand_mean"].iat[0], zero["demand_std"].iat[0]) == (1.0, 0.0, 0.0)


def test_intermittent_demand_has_a_small_mean_and_a_large_std():
    history = np.zeros(365)
    history[::30] = 6.0  # a sale of 6 about once a month
    frame, errors = stats(history)
    assert errors.ok.all()
    assert frame["demand_mean"].iat[0] == pytest.approx(13 * 6 / 365)
    assert frame["demand_std"].iat[0] == pytest.approx(history.std(ddof=1))
    assert frame["demand_std"].iat[0] > 5 * frame["demand_mean"].iat[0]


def test_a_history_with_every_day_excluded_is_an_error_row():
    frame, errors = stats(np.vstack([[1.0, 2.0], [3.0, 4.0]]), excluded=np.array([[True, True], [False, False]]))
    assert errors.code.tolist() == ["E264", ""]
    assert np.isnan(frame["demand_mean"].iat[0]) and frame["demand_mean"].iat[1] == 3.5


def test_large_inputs_are_processed_in_blocks_with_the_same_result():
    rng = np.random.default_rng(3)
    history = rng.poisson(2.0, size=(8192 + 7, 40)).astype(float)
    frame, _ = stats(history)
    assert frame["demand_mean"].to_numpy() == pytest.approx(history.mean(axis=1))
    assert frame["demand_std"].to_numpy() == pytest.approx(history.std(axis=1, ddof=1))


def test_day_mask_marks_periods_inclusively_and_listed_days():
    mask = day_mask(date(2026, 6, 1), 10, [(date(2026, 6, 3), date(2026, 6, 4))], [date(2026, 6, 9), date(2027, 1, 1)])
    assert np.flatnonzero(mask).tolist() == [2, 3, 8]
