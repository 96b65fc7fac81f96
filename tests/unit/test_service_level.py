"""Service targets: exact z, the standard normal loss, fill-rate safety factors, ABC tiers."""

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import norm

from zaiko_xl.domain.service_level import (
    abc_tiers,
    cost_service_level,
    k_for_fill_rate,
    standard_normal_loss,
    tier_service_levels,
    z_for_service_level,
)


def test_z_is_the_exact_inverse_normal_not_a_table_value():
    """Textbook tables (e.g. Nahmias, Table A-1) round z(0.95) to 1.65; zaiko-xl uses the exact 1.6448536..."""
    z = z_for_service_level(np.array([0.5, 0.95, 0.99]))
    assert z == pytest.approx([0.0, 1.6448536269514722, 2.3263478740408408], abs=1e-15)
    assert z[1] == pytest.approx(1.65, rel=3.2e-3)  # the table rounding the reference file mentions


def test_z_outside_the_open_unit_interval_is_nan():
    assert np.isnan(z_for_service_level(np.array([0.0, 1.0, 1.5, -0.1]))).all()


def test_cost_target_is_the_critical_ratio():
    """Snyder & Shen, FoSCT Example 4.3: h = 0.18, p = 0.70 gives alpha = 0.70 / 0.88."""
    assert cost_service_level(0.18, 0.70) == pytest.approx(0.7954545454545454, abs=1e-15)


def test_standard_normal_loss_matches_the_textbook_values():
    """FoSCT eq. (C.22); stockpyl's doctest standard_normal_loss(1.3) = 0.04552796208651397; G(0) = 1/sqrt(2 pi)."""
    assert standard_normal_loss(1.3) == pytest.approx(0.04552796208651397, abs=1e-15)
    assert standard_normal_loss(0.0) == pytest.approx(0.3989422804014327, abs=1e-15)
    # the identity G(k) - G(-k) = -k
    k = np.linspace(-4, 4, 17)
    assert standard_normal_loss(k) - standard_normal_loss(-k) == pytest.approx(-k, abs=1e-12)


def test_fill_rate_factor_inverts_the_loss_function():
    """G(k) = Q(1 - beta)/sigma_X: with Q(1 - beta)/sigma_X = G(1.3) the factor is 1.3."""
    q = 0.04552796208651397 * 100 / 0.01
    assert k_for_fill_rate(0.99, q, 100.0) == pytest.approx(1.3, abs=1e-10)


def test_fill_rate_factor_agrees_with_a_root_finder_on_random_targets():
    rng = np.random.default_rng(7)
    beta, lot, sigma = rng.uniform(0.5, 0.9999, 300), rng.uniform(0.1, 1000, 300), rng.uniform(0.1, 500, 300)
    k = k_for_fill_rate(beta, lot, sigma)
    expected = [brentq(lambda x, t=t: standard_normal_loss(x) - t, -1e7, 40)
                for t in np.maximum(lot * (1 - beta) / sigma, 1e-12)]
    assert k == pytest.approx(expected, abs=1e-9)


def test_fill_rate_factor_is_nan_without_lot_or_spread():
    assert np.isnan(k_for_fill_rate(np.array([0.95, 0.95, 1.0]), np.array([0.0, 10.0, 10.0]),
                                    np.array([5.0, 0.0, 5.0]))).all()


def test_a_fill_rate_is_met_with_less_stock_than_the_same_cycle_level():
    """For a lot much larger than sigma_X, beta = 0.95 needs a smaller k than alpha = 0.95."""
    assert k_for_fill_rate(0.95, 200.0, 20.0) < norm.ppf(0.95)


def test_abc_tiers_follow_the_revenue_pareto_and_keep_the_crossing_sku_in_the_upper_tier():
    revenue = np.array([10, 50, 30, 6, 3, 1, 0])  # total 100
    # ranked 50 (0% before), 30 (50%), 10 (80%: not < 80%, so B), 6 (90%), 3 (96%), 1, 0
    assert abc_tiers(revenue).tolist() == ["B", "A", "A", "B", "C", "C", "C"]


def test_abc_tiers_with_no_revenue_are_all_c_and_ties_keep_input_order():
    assert abc_tiers(np.zeros(3)).tolist() == ["C", "C", "C"]
    assert abc_tiers(np.array([5, 5, 5, 5]), (0.5, 0.75)).tolist() == ["A", "A", "B", "C"]


def test_tier_service_levels_fall_back_to_the_default():
    levels = tier_service_levels(np.array(["A", "B", "C", "X"]), {"A": 0.98, "B": 0.95}, 0.9)
    assert levels.tolist() == [0.98, 0.95, 0.9, 0.9]
