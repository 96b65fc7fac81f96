"""Replenishment benchmarks on the sample shop: the plan for 100,000 SKUs, one UDF call on a
10,000-row column, and the seeded one-year stockout simulation (common practice vs zaiko-xl)."""

from __future__ import annotations

import statistics
import time
from datetime import date, datetime, timedelta

import numpy as np

from bench.registry import Metrics, case

AS_OF = date(2026, 11, 16)
SMOKE_SKUS = 300
SMOKE_SIM = {"skus": 30, "sim_days": 30}  # a smoke run simulates a month of a small shop, two seeds


@case("reorder.plan_100k_skus_2y_history", repeat=3, target="<= 5 s")
def plan_100k(smoke: bool = False) -> Metrics:
    from bench.reorder_data import shop_inputs
    from zaiko_xl.adapters.jp_holidays import JpHolidaySource
    from zaiko_xl.sample_shop import generate
    from zaiko_xl.services.reorder import ReorderParams, plan_reorder

    inputs = shop_inputs(generate(SMOKE_SKUS if smoke else 100_000, seed=1))
    start = time.perf_counter()
    result = plan_reorder(inputs, ReorderParams(), JpHolidaySource(), AS_OF)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "skus": len(result.plan), "order_lines_2y": len(inputs.orders),
            "to_order": int((result.plan["order_qty"].fillna(0) > 0).sum()), "problems": len(result.problems)}


@case("reorder.udf_one_call_10k_rows", repeat=3, target="<= 0.050 s per call")
def udf_10k(smoke: bool = False) -> Metrics:
    from zaiko_xl.entrypoints import excel_udfs as u

    rng = np.random.default_rng(5)
    n = SMOKE_SKUS if smoke else 10_000

    def column(low: float, high: float) -> list[list[float]]:
        return [[float(v)] for v in rng.uniform(low, high, n)]

    d, s, lt, ltsd, ss = column(0, 20), column(0, 8), column(1, 15), column(0, 3), column(0, 40)
    ip, rop, up_to = column(0, 300), column(0, 300), column(0, 500)
    days = [[datetime(2026, 1, 5) + timedelta(days=int(i % 300))] for i in range(n)]
    calls = {
        "safety_stock": lambda: u.ZAIKO_SAFETY_STOCK(d, s, lt, ltsd, [[0.95]] * n, 7),
        "reorder_point": lambda: u.ZAIKO_REORDER_POINT(d, lt, ss),
        "order_up_to": lambda: u.ZAIKO_ORDER_UP_TO(d, lt, ss, 7),
        "order_qty": lambda: u.ZAIKO_ORDER_QTY(ip, rop, up_to, 10, 6, 0),
        "leadtime_bdays": lambda: u.ZAIKO_LEADTIME_BDAYS(days, [[5.0]] * n),
    }
    medians = {}
    for name, call in calls.items():
        call()  # warm: imports, holiday years
        times = []
        for _ in range(15):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        medians[name] = statistics.median(times)
    return {"seconds": max(medians.values()), **{f"{k}_ms": round(v * 1000, 1) for k, v in medians.items()}}


@case("reorder.stockout_simulation_1y", repeat=1, target=">= 50% fewer stockout days at <= the inventory")
def simulation(smoke: bool = False) -> Metrics:
    from bench.reorder_sim import SimConfig, simulate

    start = time.perf_counter()
    metrics: Metrics = {}
    ratios: dict[str, list[tuple[float, float]]] = {}
    seeds = range(1, 3) if smoke else range(1, 6)
    for seed in seeds:
        result = simulate(SimConfig(seed=seed, **(SMOKE_SIM if smoke else {})))
        base = result["common_practice"]
        for policy, values in result.items():
            if seed == 1:
                metrics.update({f"{policy}.{k}": v for k, v in values.items()})
            ratios.setdefault(policy, []).append((values["stockout_days"] / base["stockout_days"],
                                                  values["avg_inventory_yen"] / base["avg_inventory_yen"]))
    for policy, pairs in ratios.items():
        if policy != "common_practice":
            metrics[f"{policy}.seeds_1_{seeds[-1]}_stockout_ratio"] = [round(r, 3) for r, _ in pairs]
            metrics[f"{policy}.seeds_1_{seeds[-1]}_inventory_ratio"] = [round(v, 3) for _, v in pairs]
    return {"seconds": time.perf_counter() - start, **metrics}
