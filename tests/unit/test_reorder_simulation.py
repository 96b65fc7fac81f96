"""The stockout simulation of bench/ stays runnable and reproducible, and simulates the shipped defaults."""

from datetime import datetime

from bench.reorder_sim import SimConfig, simulate
from zaiko_xl import bootstrap
from zaiko_xl.config import Settings
from zaiko_xl.services.reorder import ReorderParams


def test_the_simulation_is_seeded_and_reports_every_metric_for_every_policy():
    config = SimConfig(skus=30, seed=3, sim_days=30, as_of=datetime(2026, 11, 16, 10))
    first, again = simulate(config), simulate(config)
    assert first == again
    assert set(first) == {"common_practice", "zaiko_xl_defaults", "zaiko_xl_defaults_with_sale_calendar",
                          "zaiko_xl_cycle_service"}
    for metrics in first.values():
        assert set(metrics) == {"stockout_days", "sale_stockout_days", "fill_rate", "avg_inventory_units",
                                "avg_inventory_yen", "orders"}
        assert 0 < metrics["fill_rate"] <= 1 and metrics["orders"] > 0


def test_the_simulated_defaults_are_the_shipped_settings():
    assert bootstrap.reorder_params(Settings()) == ReorderParams()
