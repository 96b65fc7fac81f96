"""KPIs over two years of a 100,000-SKU shop (target: <= 5 s for compute_kpis).

The input is simulated with numpy in setup (not timed): per-SKU demand rates (lognormal),
4x demand on sale days, a reorder-point policy with a lead time, lost demand while out of
stock, cancellations (some for missing stock), returns, an API call log, sync events and a
daily reconcile. ``zaiko_xl.sample_shop`` gives one moment of a shop, not two years of
history, so it is not used here.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import numpy as np
import pandas as pd

from bench.registry import case
from zaiko_xl.domain.kpi import KpiCalendar, KpiInputs, compute_kpis

START = date(2025, 1, 1)
SALES = ((date(2025, 3, 4), date(2025, 3, 11)), (date(2025, 6, 4), date(2025, 6, 11)),
         (date(2025, 9, 4), date(2025, 9, 11)), (date(2025, 12, 4), date(2025, 12, 11)),
         (date(2026, 3, 4), date(2026, 3, 11)), (date(2026, 6, 4), date(2026, 6, 11)),
         (date(2026, 9, 4), date(2026, 9, 11)), (date(2026, 12, 4), date(2026, 12, 11)))


def _simulate(skus: int, days: int, rng: np.random.Generator):
    """Daily stock per SKU; returns change rows and sales rows as arrays."""
    rate = np.clip(rng.lognormal(np.log(0.03), 1.2, skus), 0.001, 20)
    sale = np.zeros(days, dtype=bool)
    for first, last in SALES:
        sale[max((first - START).days, 0):max((last - START).days + 1, 0)] = True
    reorder_point = np.ceil(rate * 14).astype(np.int64) + 1
    quantity = np.ceil(rate * 45).astype(np.int64) + 2
    on_hand = quantity.copy()
    arriving = np.full(skus, -1)
    hist, sold = [], []
    previous = np.full(skus, -1)
    for d in range(days):
        arrived = arriving == d
        on_hand[arrived] += quantity[arrived]
        arriving[arrived] = -1
        demand = rng.poisson(rate * (4.0 if sale[d] else 1.0))
        sales = np.minimum(demand, on_hand)
        on_hand -= sales
        low = (on_hand <= reorder_point) & (arriving < 0)
        arriving[low] = d + 5 + rng.integers(0, 6, low.sum())
        changed = np.flatnonzero(on_hand != previous)
        hist.append((np.full(len(changed), d), changed, on_hand[changed].copy()))
        previous = on_hand.copy()
        selling = np.flatnonzero(sales > 0)
        sold.append((np.full(len(selling), d), selling, sales[selling]))
    return [np.concatenate(x) for x in zip(*hist, strict=True)], [np.concatenate(x) for x in zip(*sold, strict=True)]


def build_inputs(skus: int = 100_000, days: int = 730, seed: int = 7) -> tuple[KpiInputs, KpiCalendar]:
    rng = np.random.default_rng(seed)
    (h_day, h_sku, h_on), (s_day, s_sku, s_qty) = _simulate(skus, days, rng)
    names = pd.Index([f"SKU-{i:06d}" for i in range(skus)])
    day0 = pd.Timestamp(START)
    by_sku = np.lexsort((h_day, h_sku))  # the journal store returns history ordered by (sku, day)
    h_day, h_sku, h_on = h_day[by_sku], h_sku[by_sku], h_on[by_sku]
    history = pd.DataFrame({"sku": pd.Categorical.from_codes(h_sku, categories=names),
                            "day": day0 + pd.to_timedelta(h_day, unit="D"), "on_hand": h_on, "sellable": h_on})
    n = len(s_day)
    ordered_at = day0 + pd.to_timedelta(s_day * 86400 + rng.integers(0, 86400, n), unit="s")
    roll = rng.random(n)
    status = np.where(roll < 0.02, "cancelled", np.where(roll < 0.03, "returned", "shipped"))
    reason = np.where(status == "cancelled", np.where(rng.random(n) < 0.4, "stockout", "customer"), "")
    orders = pd.DataFrame({"order_number": pd.Categorical.from_codes(np.arange(n), categories=pd.Index(
                               np.arange(n)).astype(str)), "channel": "rakuten",
                           "sku": pd.Categorical.from_codes(s_sku, categories=names), "quantity": s_qty,
                           "status": pd.Categorical(status), "ordered_at": ordered_at, "changed_at": pd.NaT,
                           "cancel_reason": pd.Categorical(reason)})
    returned = np.flatnonzero(status == "returned")
    received = ordered_at[returned] + pd.to_timedelta(rng.integers(2, 10, len(returned)), unit="D")
    returns = pd.DataFrame({"sku": names[s_sku[returned]], "received_at": received,
                            "booked_at": received + pd.to_timedelta(rng.exponential(20, len(returned)), unit="h")})
    go_live = START + timedelta(days=days // 2)
    calendar = KpiCalendar(START, START + timedelta(days=days - 1), go_live, SALES)
    inputs = KpiInputs(stock_history=history, orders=orders, returns=returns,
                       api_calls=_api_calls(rng, days), sync_events=_sync_events(rng, history, go_live),
                       reconcile_results=_reconcile(rng, days),
                       items=pd.DataFrame({"sku": names, "unit_cost": rng.integers(100, 5000, skus)}))
    return inputs, calendar


def _api_calls(rng: np.random.Generator, days: int) -> pd.DataFrame:
    n = days * 288  # one call every 5 minutes
    at = pd.Timestamp(START) + pd.to_timedelta(np.sort(rng.integers(0, days * 86400, n)), unit="s")
    status = rng.choice([200, 204, 429, 500, 0], n, p=[0.6, 0.385, 0.008, 0.004, 0.003])
    return pd.DataFrame({"at": at, "function": "inventories.bulk.upsert", "status": status,
                         "error_code": np.where(status == 500, "X0000", ""),
                         "attempt": np.where(rng.random(n) < 0.015, 2, 1), "run_id": "r"})


def _sync_events(rng: np.random.Generator, history: pd.DataFrame, go_live: date) -> pd.DataFrame:
    changed = history["day"] + pd.to_timedelta(rng.integers(0, 86400, len(history)), unit="s")
    live = (history["day"] >= pd.Timestamp(go_live)).to_numpy()
    minutes = np.where(live, rng.exponential(1.0, len(history)), rng.exponential(180.0, len(history)))
    shown = changed + pd.to_timedelta(minutes * 60, unit="s")
    shown = shown.where(rng.random(len(history)) > 0.001)
    return pd.DataFrame({"sku": history["sku"], "source": "warehouse", "changed_at": changed, "shown_at": shown})


def _reconcile(rng: np.random.Generator, days: int) -> pd.DataFrame:
    causes = ["sync_delay", "split_stock", "sku_notation", "set_product", "pending_movement", "unknown"]
    day = np.repeat(np.arange(days), len(causes))
    return pd.DataFrame({"run_id": day.astype(str), "at": pd.Timestamp(START) + pd.to_timedelta(day, unit="D"),
                         "cause": np.tile(causes, days), "skus": rng.poisson(30, len(day))})


SMOKE = {"skus": 300, "days": 120}  # ``build_inputs`` for smoke runs: one sale window, go-live in the period


@case("kpi.two_years_100k_skus", repeat=3, target="<= 5 s")
def kpi_two_years(smoke: bool = False) -> dict:
    inputs, calendar = build_inputs(**SMOKE) if smoke else build_inputs()
    begin = time.perf_counter()
    report = compute_kpis(inputs, calendar)
    seconds = time.perf_counter() - begin
    return {"seconds": seconds, "history_rows": len(inputs.stock_history), "order_lines": len(inputs.orders),
            "sync_events": len(inputs.sync_events), "stockout_rate": round(report.value("stockout_rate"), 4),
            "sync_p95_live_min": round(report.value("sync_latency_p95_min", "live"), 2)}


@case("kpi.two_years_100k_skus_text_keys", repeat=1, target="informational: plain str keys instead of categorical")
def kpi_two_years_text_keys(smoke: bool = False) -> dict:
    inputs, calendar = build_inputs(**SMOKE) if smoke else build_inputs()
    plain = {name: frame.astype({c: str for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})
             for name, frame in (("stock_history", inputs.stock_history), ("orders", inputs.orders))}
    inputs = KpiInputs(**{**inputs.__dict__, **plain})
    begin = time.perf_counter()
    compute_kpis(inputs, calendar)
    return {"seconds": time.perf_counter() - begin}
