"""Safety stock, levels and order quantities: textbook examples and hand-checked edge cases."""

import math

import numpy as np
import pandas as pd
import pytest

from zaiko_xl.domain.replenish import (
    economic_order_quantity,
    newsvendor_level,
    plan_policy,
    protection_sigma,
    raw_order_quantity,
    reorder_point,
    round_order_quantity,
)
from zaiko_xl.domain.service_level import cost_service_level, standard_normal_loss, z_for_service_level


def plan(**columns):
    frame = pd.DataFrame({k: v if isinstance(v, list) else [v] for k, v in columns.items()})
    out, errors = plan_policy(frame)
    return out, errors


# ---------------------------------------------------------------- textbook examples
def test_eoq_matches_snyder_shen_example_3_1():
    """FoSCT Example 3.1 (stockpyl doctest): K = 8, h = 0.225, lambda = 1300 -> Q* = 304.0467800264368."""
    assert economic_order_quantity(8, 1300, 0.225) == pytest.approx(304.0467800264368, abs=1e-12)


def test_reorder_point_matches_snyder_shen_example_5_5_eoq_plus_ss():
    """FoSCT Example 5.5 (stockpyl r_q_eoqss_approximation): h = 0.225, p = 7.5, lambda = 1300/yr,
    tau = 150, L = 1/12 yr -> r = 190.3369965715624 (alpha = p/(p+h), SS = z tau sqrt(L))."""
    out, errors = plan(demand_mean=1300.0, demand_std=150.0, lead_time=1 / 12, service_type="cost",
                       holding_cost=0.225, stockout_cost=7.5)
    assert errors.ok.all()
    assert out["reorder_point"].iat[0] == pytest.approx(190.3369965715624, abs=1e-9)
    assert out["service_target"].iat[0] == pytest.approx(7.5 / 7.725)


def test_newsvendor_level_matches_snyder_shen_example_4_3():
    """FoSCT Example 4.3: h = 0.18, p = 0.70, D ~ N(50, 8^2) -> S* = 56.60395592743389."""
    assert newsvendor_level(50, 8, cost_service_level(0.18, 0.70)) == pytest.approx(56.60395592743389, abs=1e-12)


def test_japanese_periodic_formula_safety_factor_times_sigma_times_root_of_lt_plus_interval():
    """安全在庫 = 安全係数 × σ × √(LT + 発注間隔) (the usual Japanese textbook form; Silver-Pyke-Peterson's
    (R,S) system): alpha = 95 %, sigma = 10/day, LT = 4, R = 5 -> 1.6449 × 10 × 3 = 49.35 (49.5 with the
    table value 1.65)."""
    out, _ = plan(demand_mean=20.0, demand_std=10.0, lead_time=4.0, review_days=5.0, service_level=0.95)
    assert out["safety_stock"].iat[0] == pytest.approx(1.6448536269514722 * 30, abs=1e-12)
    assert out["safety_stock"].iat[0] == pytest.approx(49.5, rel=3.2e-3)
    assert out["order_up_to"].iat[0] == pytest.approx(20 * 9 + 1.6448536269514722 * 30)
    assert math.isnan(out["reorder_point"].iat[0])


def test_lead_time_variance_adds_d_squared_sigma_l_squared():
    """Silver-Pyke-Peterson (eq. for random lead time): sigma_X = sqrt(L sigma^2 + d^2 sigma_L^2)."""
    assert protection_sigma(10.0, 3.0, 4.0, 2.0) == pytest.approx(math.sqrt(4 * 9 + 100 * 4))


def test_fill_rate_target_uses_the_lot_in_continuous_review():
    """G(k) = Q(1 - beta)/sigma_X: Q = 455.28, beta = 0.99, sigma_X = 100 -> k = 1.3, SS = 130."""
    sigma = 100.0  # L = 1, sigma = 100, no lead-time variance
    out, errors = plan(demand_mean=50.0, demand_std=sigma, lead_time=1.0, service_type="fill_rate",
                       service_level=0.99, lot=0.04552796208651397 * 100 / 0.01)
    assert errors.ok.all()
    assert out["safety_factor"].iat[0] == pytest.approx(1.3, abs=1e-9)
    assert out["safety_stock"].iat[0] == pytest.approx(130.0, abs=1e-7)


def test_fill_rate_target_uses_d_times_r_in_periodic_review():
    out, _ = plan(demand_mean=10.0, demand_std=4.0, lead_time=2.0, review_days=7.0, service_type="fill_rate",
                  service_level=0.98)
    sigma_x = 4.0 * 3.0
    assert standard_normal_loss(out["safety_factor"].iat[0]) == pytest.approx(70 * 0.02 / sigma_x, abs=1e-12)


# ---------------------------------------------------------------- conventions
def test_the_trigger_is_inclusive_ip_equal_to_rop_orders():
    raw, triggered = raw_order_quantity(np.array([50.0, 50.0001]), np.array([50.0, 50.0]), np.array([80.0, 80.0]))
    assert raw.tolist() == pytest.approx([30.0, 0.0])
    assert triggered.tolist() == [True, False]


def test_fixed_lot_orders_exactly_one_lot_and_order_up_to_orders_s_minus_ip():
    raw, _ = raw_order_quantity(np.array([10.0, 10.0]), 20.0, 45.0, 0.0, 25.0, np.array([True, False]))
    assert raw.tolist() == [25.0, 35.0]


def test_moq_comes_before_the_case_pack():
    # raw 3, MOQ 10, pack 6: max(3, 10) = 10, rounded up to 12 (not 10, not 6)
    assert round_order_quantity(3.0, 10.0, 6.0) == 12


def test_an_moq_never_forces_an_order_and_tiny_raw_quantities_are_zero():
    assert round_order_quantity(np.array([0.0, 1e-10, 1e-8]), 10.0, 6.0).tolist() == [0, 0, 12]


def test_case_pack_rounding_has_a_slack_for_float_noise():
    assert round_order_quantity(np.array([12.000000000001, 12.01]), 0.0, 6.0).tolist() == [12, 18]


def test_huge_moq_orders_the_moq_rounded_to_the_pack():
    out, _ = plan(demand_mean=1.0, demand_std=1.0, lead_time=5.0, service_level=0.95, on_hand=0.0,
                  moq=1000.0, case_pack=24.0)
    assert out["order_qty"].iat[0] == 1008


def test_safety_stock_is_never_negative_even_for_a_low_fill_rate():
    out, _ = plan(demand_mean=10.0, demand_std=1.0, lead_time=1.0, service_type="fill_rate", service_level=0.5,
                  lot=100.0)
    assert out["safety_factor"].iat[0] < 0
    assert out["safety_stock"].iat[0] == 0.0


def test_levels_stay_unrounded_and_the_quantity_is_an_integer():
    out, _ = plan(demand_mean=3.3, demand_std=1.1, lead_time=4.0, service_level=0.9)
    assert out["reorder_point"].iat[0] == pytest.approx(3.3 * 4 + z_for_service_level(0.9) * 1.1 * 2)
    assert out["order_qty"].dtype == "Int64"
    assert out["order_qty"].iat[0] == math.ceil(out["order_up_to"].iat[0])


# ---------------------------------------------------------------- hand-checked cases
def test_zero_demand_needs_no_stock_and_orders_nothing():
    out, errors = plan(demand_mean=0.0, demand_std=0.0, lead_time=7.0, service_level=0.99, moq=50.0)
    assert errors.ok.all()
    assert (out["safety_stock"].iat[0], out["reorder_point"].iat[0], out["order_qty"].iat[0]) == (0.0, 0.0, 0)


def test_on_order_covering_the_need_means_no_order():
    need, _ = plan(demand_mean=10.0, demand_std=3.0, lead_time=5.0, review_days=7.0, service_level=0.95, on_hand=20.0)
    qty = int(need["order_qty"].iat[0])
    assert qty > 0
    covered, _ = plan(demand_mean=10.0, demand_std=3.0, lead_time=5.0, review_days=7.0, service_level=0.95,
                      on_hand=20.0, on_order=float(qty))
    assert covered["inventory_position"].iat[0] >= covered["order_up_to"].iat[0]
    assert covered["order_qty"].iat[0] == 0


def test_backorders_lower_the_position_and_raise_the_order():
    base, _ = plan(demand_mean=10.0, demand_std=3.0, lead_time=5.0, review_days=7.0, service_level=0.95,
                   on_hand=40.0)
    owed, _ = plan(demand_mean=10.0, demand_std=3.0, lead_time=5.0, review_days=7.0, service_level=0.95,
                   on_hand=40.0, backorders=15.0)
    assert owed["inventory_position"].iat[0] == 25.0
    assert owed["raw_qty"].iat[0] - base["raw_qty"].iat[0] == pytest.approx(15.0)


def test_periodic_review_has_no_reorder_point_and_orders_every_review():
    out, _ = plan(demand_mean=2.0, demand_std=1.0, lead_time=3.0, review_days=7.0, service_level=0.9, on_hand=5.0)
    assert math.isnan(reorder_point(2.0, 3.0, 1.0, 7.0))
    assert out["triggered"].iat[0]
    assert out["order_qty"].iat[0] == math.ceil(out["order_up_to"].iat[0] - 5.0)


def test_bad_rows_get_errors_and_the_other_rows_are_still_computed():
    out, errors = plan(demand_mean=[10.0, -1.0, 10.0, 10.0, 10.0, 10.0, np.nan],
                       demand_std=[3.0] * 7, lead_time=[5.0] * 7,
                       service_level=[0.95, 0.95, 1.0, 0.95, 0.95, 0.95, 0.95],
                       case_pack=[1.0, 1.0, 1.0, 0.0, 1.5, 1.0, 1.0],
                       order_rule=["order_up_to"] * 5 + ["sometimes", "order_up_to"])
    assert errors.code.tolist() == ["", "E262", "E263", "E269", "E269", "E266", "E261"]
    assert errors.column[:6].tolist() == ["", "demand_mean", "service_level", "case_pack", "case_pack", "order_rule"]
    assert out["safety_stock"].iat[0] == pytest.approx(1.6448536269514722 * 3 * math.sqrt(5))
    assert out["safety_stock"].iloc[1:].isna().all()
    assert out["order_qty"].iloc[1:].isna().all()


def test_a_fixed_lot_rule_without_a_lot_and_a_fill_rate_without_one_are_errors():
    _, errors = plan(demand_mean=[5.0, 5.0], demand_std=[2.0, 2.0], lead_time=[3.0, 3.0], service_level=[0.9, 0.9],
                     order_rule=["fixed_lot", "order_up_to"], service_type=["cycle", "fill_rate"])
    assert errors.code.tolist() == ["E274", "E267"]


def test_cost_targets_need_both_costs():
    _, errors = plan(demand_mean=[5.0, 5.0], demand_std=[2.0, 2.0], lead_time=[3.0, 3.0],
                     service_type=["cost", "cost"], holding_cost=[1.0, 0.0], stockout_cost=[np.nan, 0.0])
    assert errors.code.tolist() == ["E261", "E263"]
