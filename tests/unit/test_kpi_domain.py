"""KPI values on a small hand-built history equal the values computed by hand.

The shop (10 days, 2026-03-01 Sun .. 03-10; go-live 03-06; sale 03-09..03-10; demand window W = 3,
so a SKU has demand on day d when it has an order dated d-2..d):

stock_history (end-of-day sellable / on hand; a value holds until the next row)::

    A  03-01 2/2   03-03 0/0   03-05 4/4   03-09 0/0      -> sellable 2 2 0 0 4 4 4 4 0 0
    B  02-27 0/1 (before the period: carries in)   03-04 3/3   -> sellable 0 0 0 3 3 3 3 3 3 3
    C  03-06 5/5 (new SKU: days 1-5 not measured)

orders (order day: lines)::

    o5 02-27 B shipped (outside; still demand on 03-01)    o1 03-01 A shipped 1
    o6 03-02 B cancelled customer                          o2 03-03 A cancelled stockout
    o7 03-04 C shipped 1 + A cancelled stockout (2 lines)  o3 03-09 A cancelled stockout
    o4 03-09 A shipped 4                                   o8 03-10 C shipped 1

欠品率. Demand days: A orders 1,3,4,9 -> days 1-6, 9, 10 (8); B orders 02-27, 2 -> days 1-4 (4);
C orders 4, 10 -> days 6, 10 (measured from 6) (2). Per day: 2 2 2 2 1 2 0 0 1 2 = 14.
Stocked out with demand: A 3,4,9,10; B 1,2,3 -> per day 1 1 2 1 0 0 0 0 1 1 = 7.
all 7/14 = 0.5; baseline (1-5) 5/9; live 2/5; live normal (6-8) 0/2 = 0; live sale (9-10) 2/3.

受注後キャンセル率. Orders in the period: o1 o6 o2 o7 | o3 o4 o8 = 7; for missing stock: o2, o7, o3.
all 3/7; baseline 2/4 = 0.5; live 1/3. Causes: stockout 3, customer 1.

在庫回転 (unit cost A 100, B 200, C 50). Sold: o1 A 1 (100), o7 C 1 (50), o4 A 4 (400), o8 C 1 (50) = 600.
On-hand cost per day: A 200 200 0 0 400 400 400 400 0 0 (2000); B 200 x 3 + 600 x 7 (4800);
C 250 x 5 (1250); total 8050. all 365 x 600 / 8050 = 27.2050; baseline 365 x 150 / 2600 = 21.0577;
live 365 x 450 / 5450 = 30.1376.

API. Errors: 03-02 one 500 (X0000); 03-07 two timeouts (status 0); 03-09 one 429 -> baseline 1/5 = 0.2
per day, live 3/5 = 0.6, all 0.4. Retries (attempt >= 2): 03-02 one, 03-07 two -> 0.2, 0.4, 0.3.

在庫差件数. Runs: r1 03-02 (sync_delay 3 + sku_notation 1 = 4), r2 03-04 (none: 0), r3 03-08 (1),
r4 03-09 (split_stock 2 + sync_delay 2 = 4): baseline (4+0)/2 = 2; live (1+4)/2 = 2.5; all 9/4 = 2.25;
live sale 4; live normal 1. Causes: sync_delay 6, split_stock 2, sku_notation 1.

更新遅延時間 (minutes; p95 by linear interpolation, pos = 0.95 x (n-1)). Baseline shown: 180, 30, 60 and
one pending: median 60, p95 pos 1.9 -> 60 + 0.9 x 120 = 168. Live: 1, 2, 4, 10: median 3, p95 pos
2.85 -> 4 + 0.85 x 6 = 9.1. All: 1 2 4 10 30 60 180: median 10, p95 pos 5.7 -> 60 + 0.7 x 120 = 144.
Live sale: 2, 4, 10: median 4, p95 4 + 0.9 x 6 = 9.4.

返品処理遅延 (hours). Baseline 24; live 6 and one pending; all: median 15, p95 6 + 0.95 x 18 = 23.1.

Trend (weeks from Monday): 02-23 holds day 1 (1/2 = 0.5), 03-02 days 2-8 (4/9), 03-09 days 9-10 (2/3).
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from zaiko_xl.domain.kpi import KpiCalendar, KpiInputs, compute_kpis
from zaiko_xl.domain.kpi_aggregate import delay_quantiles
from zaiko_xl.domain.kpi_daily import delay_events
from zaiko_xl.domain.kpi_stock import DayAxis, codes_in, reduce_history, stockout_days
from zaiko_xl.errors import KpiInputInvalid

T = pd.Timestamp
CALENDAR = KpiCalendar(date(2026, 3, 1), date(2026, 3, 10), go_live=date(2026, 3, 6),
                       sale_windows=((date(2026, 3, 9), date(2026, 3, 10)),), demand_window_days=3)


def _history() -> pd.DataFrame:
    rows = [("A", "03-01", 2, 2), ("A", "03-03", 0, 0), ("A", "03-05", 4, 4), ("A", "03-09", 0, 0),
            ("B", "02-27", 1, 0), ("B", "03-04", 3, 3), ("C", "03-06", 5, 5)]
    return pd.DataFrame([{"sku": s, "day": T(f"2026-{d}"), "on_hand": o, "sellable": v} for s, d, o, v in rows])


def _orders(with_reasons: bool = True) -> pd.DataFrame:
    rows = [("o5", "02-27 10:00", "B", 1, "shipped", ""), ("o1", "03-01 09:00", "A", 1, "shipped", ""),
            ("o6", "03-02 12:00", "B", 1, "cancelled", "customer"), ("o2", "03-03 08:00", "A", 1, "cancelled", "stockout"),
            ("o7", "03-04 11:00", "C", 1, "shipped", ""), ("o7", "03-04 11:00", "A", 1, "cancelled", "stockout"),
            ("o3", "03-09 10:00", "A", 1, "cancelled", "stockout"), ("o4", "03-09 13:00", "A", 4, "shipped", ""),
            ("o8", "03-10 15:00", "C", 1, "shipped", "")]
    frame = pd.DataFrame([{"order_number": n, "ordered_at": T(f"2026-{t}"), "sku": s, "quantity": q, "status": st,
                           "cancel_reason": r, "channel": "rakuten"} for n, t, s, q, st, r in rows])
    return frame if with_reasons else frame.drop(columns="cancel_reason")


def _api_calls() -> pd.DataFrame:
    rows = [("03-02 10:00", 204, "", 1), ("03-02 10:01", 500, "X0000", 1), ("03-02 10:02", 204, "", 2),
            ("03-07 09:00", 0, "", 1), ("03-07 09:01", 0, "", 2), ("03-07 09:03", 200, "", 3),
            ("03-09 12:00", 429, "", 1)]
    return pd.DataFrame([{"at": T(f"2026-{t}"), "function": "inventories.bulk.upsert", "status": s,
                          "error_code": c, "attempt": a} for t, s, c, a in rows])


def _reconcile() -> pd.DataFrame:
    rows = [("r1", "03-02 08:00", "sync_delay", 3), ("r1", "03-02 08:00", "sku_notation", 1),
            ("r2", "03-04 08:00", "", 0), ("r3", "03-08 08:00", "sync_delay", 1),
            ("r4", "03-09 08:00", "split_stock", 2), ("r4", "03-09 08:00", "sync_delay", 2)]
    return pd.DataFrame([{"run_id": r, "at": T(f"2026-{t}"), "cause": c, "skus": n} for r, t, c, n in rows])


def _sync_events() -> pd.DataFrame:
    rows = [("A", "03-03 10:00", 180), ("B", "03-04 09:00", 30), ("A", "03-05 08:00", 60), ("B", "03-05 20:00", None),
            ("C", "03-06 10:00", 1), ("A", "03-09 10:00", 2), ("A", "03-09 11:00", 4), ("B", "03-10 10:00", 10)]
    return pd.DataFrame([{"sku": s, "source": "warehouse", "changed_at": T(f"2026-{t}"),
                          "shown_at": T(f"2026-{t}") + pd.Timedelta(minutes=m) if m is not None else pd.NaT}
                         for s, t, m in rows])


def _returns() -> pd.DataFrame:
    rows = [("A", "03-02 10:00", 24), ("B", "03-07 09:00", 6), ("C", "03-08 09:00", None)]
    return pd.DataFrame([{"sku": s, "received_at": T(f"2026-{t}"),
                          "booked_at": T(f"2026-{t}") + pd.Timedelta(hours=h) if h is not None else pd.NaT}
                         for s, t, h in rows])


def _inputs(**changes) -> KpiInputs:
    frames = dict(stock_history=_history(), orders=_orders(), api_calls=_api_calls(), reconcile_results=_reconcile(),
                  sync_events=_sync_events(), returns=_returns(),
                  items=pd.DataFrame({"sku": ["A", "B", "C"], "unit_cost": [100, 200, 50]}))
    frames.update(changes)
    return KpiInputs(**frames)


@pytest.fixture(scope="module")
def report():
    return compute_kpis(_inputs(), CALENDAR)


@pytest.mark.parametrize(("kpi", "phase", "days", "expected"), [
    ("stockout_rate", "all", "all", 7 / 14), ("stockout_rate", "baseline", "all", 5 / 9),
    ("stockout_rate", "live", "all", 2 / 5), ("stockout_rate", "live", "normal", 0.0),
    ("stockout_rate", "live", "sale", 2 / 3), ("stockout_rate", "baseline", "normal", 5 / 9),
    ("stock_cancel_rate", "all", "all", 3 / 7), ("stock_cancel_rate", "baseline", "all", 0.5),
    ("stock_cancel_rate", "live", "all", 1 / 3),
    ("turnover", "all", "all", 365 * 600 / 8050), ("turnover", "baseline", "all", 365 * 150 / 2600),
    ("turnover", "live", "all", 365 * 450 / 5450),
    ("api_errors", "baseline", "all", 0.2), ("api_errors", "live", "all", 0.6), ("api_errors", "all", "all", 0.4),
    ("api_retries", "baseline", "all", 0.2), ("api_retries", "live", "all", 0.4), ("api_retries", "all", "all", 0.3),
    ("stock_diffs", "baseline", "all", 2.0), ("stock_diffs", "live", "all", 2.5), ("stock_diffs", "all", "all", 2.25),
    ("stock_diffs", "live", "sale", 4.0), ("stock_diffs", "live", "normal", 1.0),
    ("sync_latency_median_min", "baseline", "all", 60.0), ("sync_latency_p95_min", "baseline", "all", 168.0),
    ("sync_latency_median_min", "live", "all", 3.0), ("sync_latency_p95_min", "live", "all", 9.1),
    ("sync_latency_median_min", "all", "all", 10.0), ("sync_latency_p95_min", "all", "all", 144.0),
    ("sync_latency_median_min", "live", "sale", 4.0), ("sync_latency_p95_min", "live", "sale", 9.4),
    ("sync_pending", "baseline", "all", 1.0), ("sync_pending", "live", "all", 0.0),
    ("return_delay_median_h", "baseline", "all", 24.0), ("return_delay_median_h", "live", "all", 6.0),
    ("return_delay_median_h", "all", "all", 15.0), ("return_delay_p95_h", "all", "all", 23.1),
    ("returns_pending", "live", "all", 1.0),
])
def test_each_kpi_equals_the_hand_computed_value(report, kpi, phase, days, expected):
    assert report.value(kpi, phase, days) == pytest.approx(expected, abs=1e-6)


def test_a_segment_without_days_is_left_out(report):
    assert math.isnan(report.value("stockout_rate", "baseline", "sale"))
    assert not ((report.summary["phase"] == "baseline") & (report.summary["days"] == "sale")).any()


def test_numerator_and_denominator_are_reported(report):
    row = report.summary.query("kpi == 'stockout_rate' and phase == 'all' and days == 'all'").iloc[0]
    assert (row["numerator"], row["denominator"]) == (7, 14)
    cancel = report.summary.query("kpi == 'stock_cancel_rate' and phase == 'baseline' and days == 'all'").iloc[0]
    assert (cancel["numerator"], cancel["denominator"]) == (2, 4)


def test_causes_count_orders_api_errors_and_differences(report):
    every = report.causes.query("phase == 'all' and days == 'all'")
    counts = {(r.kpi, r.cause): r.count for r in every.itertuples()}
    assert counts == {("stock_cancel_rate", "stockout"): 3, ("stock_cancel_rate", "customer"): 1,
                      ("api_errors", "X0000"): 1, ("api_errors", "no response"): 2, ("api_errors", "HTTP 429"): 1,
                      ("stock_diffs", "sync_delay"): 6, ("stock_diffs", "split_stock"): 2,
                      ("stock_diffs", "sku_notation"): 1}


def test_weekly_trend_starts_on_mondays(report):
    stockout = report.trend.query("kpi == 'stockout_rate' and days == 'all'")
    assert list(stockout["period"]) == [T("2026-02-23"), T("2026-03-02"), T("2026-03-09")]
    assert list(stockout["value"]) == pytest.approx([1 / 2, 4 / 9, 2 / 3])
    sale = report.trend.query("kpi == 'stockout_rate' and days == 'sale'")
    assert list(sale["period"]) == [T("2026-03-09")]


def test_the_daily_table_and_top_stockouts(report):
    assert list(report.daily["demand_sku_days"]) == [2, 2, 2, 2, 1, 2, 0, 0, 1, 2]
    assert list(report.daily["stockout_sku_days"]) == [1, 1, 2, 1, 0, 0, 0, 0, 1, 1]
    assert list(report.daily["phase"]) == ["baseline"] * 5 + ["live"] * 5
    assert list(report.top_stockouts["sku"]) == ["A", "B"]
    assert list(report.top_stockouts["stockout_days"]) == [4, 3]
    assert report.turnover_basis == "cost"


def test_without_cancel_reasons_the_cancel_rate_is_not_measured():
    report = compute_kpis(_inputs(orders=_orders(with_reasons=False)), CALENDAR)
    assert math.isnan(report.value("stock_cancel_rate"))
    assert report.value("stockout_rate") == pytest.approx(0.5)


def test_a_missing_unit_cost_counts_units_instead():
    report = compute_kpis(_inputs(items=pd.DataFrame({"sku": ["A", "B"], "unit_cost": [100, 200]})), CALENDAR)
    assert report.turnover_basis == "units"
    # units sold 1 + 1 + 4 + 1 = 7; on hand per day 3 3 1 3 7 12 12 12 8 8 = 69
    assert report.value("turnover") == pytest.approx(365 * 7 / 69)


def test_categorical_text_gives_the_same_values(report):
    history, orders = _history(), _orders()
    history["sku"] = history["sku"].astype("category")
    for column in ("sku", "status", "cancel_reason", "order_number"):
        orders[column] = orders[column].astype("category")
    again = compute_kpis(_inputs(stock_history=history, orders=orders), CALENDAR)
    pd.testing.assert_frame_equal(again.summary, report.summary)


def test_a_missing_column_names_frame_and_column():
    with pytest.raises(KpiInputInvalid) as info:
        compute_kpis(_inputs(stock_history=_history().drop(columns="sellable")), CALENDAR)
    assert info.value.render() == ("E701 KPI の入力「stock_history」が不正です: 必須の列「sellable」がありません / "
                                   "KPI input 'stock_history' is not valid: required column 'sellable' is missing")


def test_an_end_before_the_start_is_refused():
    with pytest.raises(KpiInputInvalid, match="end 2026-02-01 is before start 2026-03-01"):
        compute_kpis(_inputs(), KpiCalendar(date(2026, 3, 1), date(2026, 2, 1)))


def test_no_frames_at_all_give_empty_but_valid_results():
    report = compute_kpis(KpiInputs(), CALENDAR)
    assert math.isnan(report.value("stockout_rate"))
    assert report.value("api_errors") == 0.0
    assert len(report.daily) == 10


def _naive_stockout_days(history: pd.DataFrame, orders: pd.DataFrame, start: date, days: int, window: int):
    """Day by day, SKU by SKU: the definition read literally."""
    demand, stockout = np.zeros(days, int), np.zeros(days, int)
    for sku in history["sku"].unique():
        rows = history[history["sku"] == sku].assign(t=lambda f: (f["day"] - T(start)).dt.days)
        order_days = set((orders.loc[orders["sku"] == sku, "ordered_at"].dt.normalize() - T(start)).dt.days)
        for d in range(days):
            known = rows[rows["t"] <= d]
            if known.empty or not any(d - window < o <= d for o in order_days):
                continue
            demand[d] += 1
            stockout[d] += known.iloc[-1]["sellable"] <= 0
    return demand, stockout


def test_stockout_days_match_a_literal_reading_of_the_definition_on_random_shops():
    rng = np.random.default_rng(5)
    for _ in range(60):
        days, window, start = int(rng.integers(1, 20)), int(rng.integers(1, 8)), date(2026, 1, 1)
        n, m = int(rng.integers(0, 25)), int(rng.integers(0, 25))
        history = pd.DataFrame({
            "sku": rng.choice(list("ABCD"), n), "on_hand": rng.integers(0, 5, n), "sellable": rng.integers(-1, 3, n),
            "day": T(start) + pd.to_timedelta(rng.integers(-5, days + 3, n), unit="D")}).sort_values("day", kind="stable")
        orders = pd.DataFrame({
            "order_number": [f"o{i}" for i in range(m)], "sku": rng.choice(list("ABCDE"), m), "quantity": 1,
            "status": "shipped", "ordered_at": T(start) + pd.to_timedelta(rng.integers(-9 * 86400, (days + 3) * 86400, m),
                                                                          unit="s")})
        axis = DayAxis(np.datetime64(start, "D"), days)
        hist = reduce_history(history.reset_index(drop=True), axis)
        result = stockout_days(hist, codes_in(orders["sku"], hist.skus), axis.index(orders["ordered_at"]), axis, window)
        demand, stockout = _naive_stockout_days(history, orders, start, days, window)
        assert list(result.demand) == list(demand)
        assert list(result.stockout) == list(stockout)


def test_grouped_percentiles_equal_numpy_percentiles_on_random_delays():
    rng = np.random.default_rng(1)
    for trial in range(80):
        days, n, groups = int(rng.integers(1, 15)), int(rng.integers(0, 50)), int(rng.integers(1, 5))
        begin = pd.Series(T("2026-01-01") + pd.to_timedelta(rng.integers(-86400, (days + 1) * 86400, n), unit="s"))
        minutes = rng.exponential(30, n) if trial % 2 else np.round(rng.exponential(5, n))  # ties too
        end = (begin + pd.to_timedelta(minutes * 60, unit="s")).where(rng.random(n) > 0.2)
        events = delay_events(pd.DataFrame({"b": begin, "e": end}), "b", "e",
                              DayAxis(np.datetime64("2026-01-01"), days), 60.0)
        day_group = rng.integers(-1, groups, days)
        found = delay_quantiles(events, day_group, groups)
        day = ((begin - T("2026-01-01")).dt.total_seconds() // 86400).astype(int).to_numpy()
        delay = ((end - begin).dt.total_seconds() / 60).to_numpy()
        for g in range(groups):
            mine = np.array([0 <= d < days and day_group[d] == g for d in day], dtype=bool) & ~np.isnan(delay)
            expected = np.quantile(delay[mine], [0.5, 0.95]) if mine.any() else [np.nan, np.nan]
            assert found[g] == pytest.approx(expected, abs=1e-6, nan_ok=True)
