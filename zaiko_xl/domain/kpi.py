"""KPIs of a shop's stock operation: precise definitions and their vectorised computation. Pure.

Calendar. Days are JST calendar days from ``start`` to ``end`` (inclusive). A day inside one of
the sale windows (楽天スーパーSALE ...) is a *sale day*, every other day a *normal day*. Days
before ``go_live`` form the *baseline* phase (導入前の基準値), days from ``go_live`` on the
*live* phase; without a go-live date every day is baseline. Every KPI is reported for each
phase x {normal, sale, all} days and as a trend per week (Monday first) or calendar month.
The input frames are defined in docs/data-contracts.md (section 5).

Definitions (key: value = numerator / denominator):

1. 欠品率 ``stockout_rate`` = SKU-days with demand and nothing sellable / SKU-days with demand.
   A SKU has *demand* on day d when it has an order line (any channel, any status, cancelled
   included) ordered in the ``demand_window_days`` W days ending on d, i.e. in [d-W+1, d]
   (default W = 28). It has *nothing sellable* when RMS showed 0 units at the end of d
   (``stock_history.sellable <= 0``). Days before a SKU's first stock-history row are not measured.
2. 受注後キャンセル率 ``stock_cancel_rate`` = orders with a line cancelled because stock was
   missing (``cancel_reason == "stockout"``) / orders; both counted on the day the order was
   placed, an order being one ``order_number``. NaN when the orders carry no ``cancel_reason``.
3. 在庫差件数 ``stock_diffs`` = SKUs with a difference, summed over the reconcile runs / reconcile
   runs: the mean number of differing SKUs per reconcile run (runs counted on the day they ran).
4. 更新遅延時間 ``sync_latency_median_min``, ``sync_latency_p95_min`` = median and 95th percentile
   of ``shown_at - changed_at`` in minutes over the changes (warehouse or ledger) made in the
   period that RMS already shows; denominator = their number. Percentiles interpolate linearly
   between ranks (Excel PERCENTILE.INC). ``sync_pending`` = changes RMS does not show yet / changes.
5. API エラー数 ``api_errors`` = API attempts answered with HTTP >= 400 or not answered (status 0)
   / days: failed attempts per day.
6. 再実行回数 ``api_retries`` = API attempts that repeat an earlier one (``attempt >= 2``) / days.
7. 在庫回転 ``turnover`` = cost of units sold per year / average cost of units on hand, i.e.
   365 x sum(sold cost) / sum over days(on-hand cost at the end of the day). Units sold are order
   lines with status unshipped or shipped, on the order day. Only SKUs with a stock history count.
   Cost is ``items.unit_cost``; when a measured SKU lacks a positive cost every unit weighs 1
   instead (``KpiReport.turnover_basis`` says which).
8. 返品処理遅延 ``return_delay_median_h``, ``return_delay_p95_h`` = median and 95th percentile of
   ``booked_at - received_at`` in hours over the returns received in the period and booked;
   ``returns_pending`` = returns not booked yet / returns received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd

from zaiko_xl.domain import kpi_frames as kf
from zaiko_xl.domain.kpi_aggregate import aggregate, cause_totals
from zaiko_xl.domain.kpi_daily import api_parts, delay_events, order_parts, reconcile_parts
from zaiko_xl.domain.kpi_stock import DayAxis, codes_in, on_hand_value_per_day, reduce_history, stockout_days
from zaiko_xl.errors import KpiInputInvalid


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    name_ja: str
    name_en: str
    unit: str  # how the value is shown: "%", "件", "件/日", "分", "時間", "回/年"
    lower_is_better: bool


DEFINITIONS: tuple[KpiDefinition, ...] = (
    KpiDefinition("stockout_rate", "欠品率", "stockout rate", "%", True),
    KpiDefinition("stock_cancel_rate", "受注後キャンセル率", "cancellations for missing stock", "%", True),
    KpiDefinition("stock_diffs", "在庫差件数", "SKUs with a difference per reconcile", "件", True),
    KpiDefinition("sync_latency_median_min", "更新遅延時間 (中央値)", "update latency (median)", "分", True),
    KpiDefinition("sync_latency_p95_min", "更新遅延時間 (95%)", "update latency (p95)", "分", True),
    KpiDefinition("sync_pending", "未反映の変更", "changes not yet on RMS", "件", True),
    KpiDefinition("api_errors", "API エラー数", "API errors", "件/日", True),
    KpiDefinition("api_retries", "再実行回数", "retries", "件/日", True),
    KpiDefinition("turnover", "在庫回転", "stock turnover", "回/年", False),
    KpiDefinition("return_delay_median_h", "返品処理遅延 (中央値)", "return booking delay (median)", "時間", True),
    KpiDefinition("return_delay_p95_h", "返品処理遅延 (95%)", "return booking delay (p95)", "時間", True),
    KpiDefinition("returns_pending", "未処理の返品", "returns not yet booked", "件", True),
)
BY_KEY = {d.key: d for d in DEFINITIONS}
PARTS = ("demand_sku_days", "stockout_sku_days", "orders", "stock_cancel_orders", "sold_value", "on_hand_value",
         "api_calls", "api_errors", "api_retries", "reconcile_runs", "diff_skus")
PHASES = ("baseline", "live")
DAY_KINDS = ("normal", "sale")


@dataclass(frozen=True)
class KpiCalendar:
    start: date
    end: date  # inclusive
    go_live: date | None = None
    sale_windows: tuple[tuple[date, date], ...] = ()  # inclusive date ranges
    demand_window_days: int = 28
    trend: Literal["week", "month"] = "week"


@dataclass(frozen=True)
class KpiInputs:
    """The frames of docs/data-contracts.md section 5; None means "not recorded"."""

    stock_history: pd.DataFrame | None = None
    orders: pd.DataFrame | None = None
    api_calls: pd.DataFrame | None = None
    sync_events: pd.DataFrame | None = None
    reconcile_results: pd.DataFrame | None = None
    returns: pd.DataFrame | None = None
    items: pd.DataFrame | None = None  # sku, unit_cost


@dataclass(frozen=True)
class KpiReport:
    calendar: KpiCalendar
    daily: pd.DataFrame  # day, phase, sale, and the PARTS columns
    summary: pd.DataFrame  # kpi, phase (baseline/live/all), days (normal/sale/all), value, numerator, denominator
    trend: pd.DataFrame  # period, days (normal/sale/all), kpi, value
    causes: pd.DataFrame  # phase, days, kpi, cause, count
    top_stockouts: pd.DataFrame  # sku, stockout_days, demand_days
    turnover_basis: Literal["cost", "units"] = "units"

    def value(self, kpi: str, phase: str = "all", days: str = "all") -> float:
        """One summary value (NaN when that segment has no days or no data)."""
        row = self.summary.loc[(self.summary["kpi"] == kpi) & (self.summary["phase"] == phase)
                               & (self.summary["days"] == days), "value"]
        return float(row.iloc[0]) if len(row) else float("nan")


def compute_kpis(inputs: KpiInputs, calendar: KpiCalendar) -> KpiReport:
    """Every KPI for every phase x day kind, the trend and the causes, from the input frames."""
    if calendar.end < calendar.start:
        raise KpiInputInvalid(frame="calendar", detail_ja=f"終了日 {calendar.end} が開始日 {calendar.start} より前です",
                              detail_en=f"end {calendar.end} is before start {calendar.start}")
    axis = DayAxis(np.datetime64(calendar.start, "D"), (calendar.end - calendar.start).days + 1)
    daily, delays, causes, by_sku, basis = _daily_parts(inputs, calendar, axis)
    phase, sale = _day_labels(calendar, axis)
    summary, summary_causes = _summary(daily, delays, causes, phase, sale)
    trend = _trend(daily, delays, calendar, axis, sale)
    days = pd.date_range(calendar.start, periods=axis.days, freq="D")
    frame = pd.DataFrame({"day": days, "phase": np.array(PHASES)[phase], "sale": sale.astype(bool)})
    frame = pd.concat([frame, daily.reset_index(drop=True)], axis=1)
    top = by_sku.loc[by_sku["stockout_days"] > 0].sort_values(["stockout_days", "sku"], ascending=[False, True])
    return KpiReport(calendar, frame, summary, trend, summary_causes, top.head(20).reset_index(drop=True), basis)


def _unit_costs(items: pd.DataFrame | None, skus: pd.Index) -> tuple[np.ndarray, Literal["cost", "units"]]:
    """Cost per SKU code; every unit weighs 1 unless all measured SKUs have a positive cost."""
    if items is not None and len(skus):
        costs = kf.check_frame(items, kf.ITEM_COSTS).drop_duplicates("sku", keep="last").set_index("sku")["unit_cost"]
        aligned = costs.reindex(skus)
        if aligned.notna().all() and (aligned > 0).all():
            return aligned.to_numpy(dtype=float), "cost"
    return np.ones(len(skus)), "units"


def _daily_parts(inputs: KpiInputs, calendar: KpiCalendar, axis: DayAxis):
    history = reduce_history(kf.check_frame(inputs.stock_history, kf.STOCK_HISTORY), axis)
    orders = kf.check_frame(inputs.orders, kf.ORDERS)
    cost, basis = _unit_costs(inputs.items, history.skus)
    order_day = axis.index(orders["ordered_at"])
    order_codes = codes_in(orders["sku"], history.skus)
    line_cost = np.where(order_codes >= 0, np.append(cost, 0.0)[order_codes], 0.0)  # no stock history: left out
    stock = stockout_days(history, order_codes, order_day, axis, calendar.demand_window_days)
    parts, order_causes = order_parts(orders, order_day, axis, line_cost, kf.has_column(inputs.orders, "cancel_reason"))
    api, api_causes = api_parts(kf.check_frame(inputs.api_calls, kf.API_CALLS), axis)
    rec, rec_causes = reconcile_parts(kf.check_frame(inputs.reconcile_results, kf.RECONCILE_RESULTS), axis)
    parts.update(api)
    parts.update(rec)
    parts.update(demand_sku_days=stock.demand, stockout_sku_days=stock.stockout,
                 on_hand_value=on_hand_value_per_day(history, cost, axis.days))
    daily = pd.DataFrame({name: np.asarray(parts[name], dtype=float) for name in PARTS})
    delays = {
        "sync": delay_events(kf.check_frame(inputs.sync_events, kf.SYNC_EVENTS), "changed_at", "shown_at", axis, 60.0),
        "returns": delay_events(kf.check_frame(inputs.returns, kf.RETURNS), "received_at", "booked_at", axis, 3600.0),
    }
    causes = pd.concat([order_causes, api_causes, rec_causes], ignore_index=True)
    return daily, delays, causes, stock.stockout_by_sku, basis


def _day_labels(calendar: KpiCalendar, axis: DayAxis) -> tuple[np.ndarray, np.ndarray]:
    """Phase code (0 baseline, 1 live) and sale flag (0/1) per day."""
    offsets = np.arange(axis.days)
    live_from = axis.days if calendar.go_live is None else (calendar.go_live - calendar.start).days
    phase = (offsets >= live_from).astype(np.int64)
    sale = np.zeros(axis.days, dtype=np.int64)
    for first, last in calendar.sale_windows:
        lo, hi = (first - calendar.start).days, (last - calendar.start).days
        sale[max(lo, 0):max(hi + 1, 0)] = 1
    return phase, sale


def _rows(values: dict, labels: list[dict], present: np.ndarray) -> list[dict]:
    rows = []
    for key in BY_KEY:
        value, num, den = values[key]
        rows.extend({"kpi": key, **label, "value": value[g], "numerator": num[g], "denominator": den[g]}
                    for g, label in enumerate(labels) if present[g])
    return rows


def _summary(daily, delays, causes, phase, sale) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Values per phase x day kind, including the "all" roll-ups; groups without days are left out."""
    groupings = [  # (day -> group code, labels of the groups)
        (phase * 2 + sale, [{"phase": p, "days": k} for p in PHASES for k in DAY_KINDS]),
        (phase, [{"phase": p, "days": "all"} for p in PHASES]),
        (sale, [{"phase": "all", "days": k} for k in DAY_KINDS]),
        (np.zeros_like(phase), [{"phase": "all", "days": "all"}]),
    ]
    rows, cause_frames = [], []
    for codes, labels in groupings:
        present = np.bincount(codes, minlength=len(labels)) > 0
        rows.extend(_rows(aggregate(daily, delays, codes, len(labels)), labels, present))
        totals = cause_totals(causes, codes)
        cause_frames.append(pd.concat([pd.DataFrame([labels[g] for g in totals["group"]], index=totals.index),
                                       totals.drop(columns="group")], axis=1))
    summary = pd.DataFrame(rows, columns=["kpi", "phase", "days", "value", "numerator", "denominator"])
    causes_out = pd.concat(cause_frames, ignore_index=True) if cause_frames else pd.DataFrame()
    return summary, causes_out.reindex(columns=["phase", "days", "kpi", "cause", "count"])


def _trend(daily, delays, calendar: KpiCalendar, axis: DayAxis, sale: np.ndarray) -> pd.DataFrame:
    """KPI values per week (Monday first) or month, for normal, sale and all days."""
    days = pd.date_range(calendar.start, periods=axis.days, freq="D")
    starts = days - pd.to_timedelta(days.day_of_week, unit="D") if calendar.trend == "week" else days.to_period("M").start_time
    bucket, periods = pd.factorize(starts, sort=True)
    frames = []
    for kind_codes, kinds in ((bucket * 2 + sale, DAY_KINDS), (bucket, ("all",))):
        n = len(periods) * len(kinds)
        values = aggregate(daily, delays, kind_codes, n)
        present = np.bincount(kind_codes, minlength=n) > 0
        group = np.flatnonzero(present)
        for key in BY_KEY:
            frames.append(pd.DataFrame({"period": periods[group // len(kinds)],
                                        "days": np.array(kinds)[group % len(kinds)],
                                        "kpi": key, "value": values[key][0][group]}))
    trend = pd.concat(frames, ignore_index=True)
    return trend.sort_values(["period", "days", "kpi"], kind="stable").reset_index(drop=True)


def period_bounds(as_of: date, history_days: int) -> tuple[date, date]:
    """The report period: ``history_days`` days ending the day before ``as_of`` (complete days only)."""
    end = as_of - timedelta(days=1)
    return end - timedelta(days=history_days - 1), end
