"""The stockout simulation of bench/ stays runnable and reproducible (a small world; not timed)."""

from bench.reorder_sim import SimConfig, simulate


def test_the_simulation_is_seeded_and_reports_every_metric_for_every_policy():
    config = SimConfig(n_skus=12, sim_days=40, seed=3)
    first, again = simulate(config), simulate(config)
    assert first == again
    assert set(first) == {"common_practice", "zaiko_xl_defaults", "zaiko_xl_matched"}
    for metrics in first.values():
        assert set(metrics) == {"stockout_days", "fill_rate", "avg_inventory_units", "avg_inventory_yen", "orders"}
        assert 0 < metrics["fill_rate"] <= 1 and metrics["orders"] > 0
