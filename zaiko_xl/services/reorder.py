"""Use case: the replenishment plan and purchase-order drafts of a shop.

From the item master, suppliers, stock, order history (and optionally inbound, BOM, supplier
closures, assignments, exclusions) to one plan row per stocked SKU with every intermediate
value, and purchase-order drafts per supplier. The CLI (``zaiko-xl reorder``) and the 発注計算
button call ``run_reorder``; tests call ``plan_reorder`` with frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from zaiko_xl.domain.demand import YEAR_DAYS, DemandOptions, day_mask, history_window_days
from zaiko_xl.domain.demand_sparse import demand_stats_sparse
from zaiko_xl.domain.history import daily_totals, stock_position
from zaiko_xl.domain.leadtime import BusinessCalendar, grouped_lead_times
from zaiko_xl.domain.model import ClosedPeriod
from zaiko_xl.domain.purchase_orders import purchase_order_drafts
from zaiko_xl.domain.reorder_frames import ReorderInputs
from zaiko_xl.domain.replenish import lot_sizes, plan_policy
from zaiko_xl.domain.rowcheck import RowErrors
from zaiko_xl.domain.service_level import abc_tiers, tier_service_levels
from zaiko_xl.domain.suppliers import assign_suppliers, supplier_notes, use_alternative
from zaiko_xl.errors import ReorderInputError
from zaiko_xl.ports import HolidaySource, OrderHistorySource, ReorderSink, ReorderSource
from zaiko_xl.services.reorder_history import with_journal_history
from zaiko_xl.services.reorder_sheet import (
    PO_SHEET,
    REORDER_SHEET,
    purchase_order_rows,
    purchase_order_tables,
    reorder_rows,
)


@dataclass(frozen=True)
class ReorderParams:
    """The rules of the plan (built from ``[reorder]`` and ``[sale]`` settings by the entry point)."""

    review_days: int = 7  # R; 0 = continuous review
    service_type: str = "fill_rate"  # fill_rate | cycle | cost
    service_level: float = 0.95  # target of tiers not in tier_levels
    tier_levels: dict[str, float] = field(default_factory=lambda: {"A": 0.98, "B": 0.95, "C": 0.90})
    tier_cutoffs: tuple[float, float] = (0.8, 0.95)
    order_rule: str = "order_up_to"  # order_up_to | fixed_lot
    lot: str = "none"  # none | eoq | cover | fixed
    cover_days: float = 30.0
    fixed_lot: float = 0.0
    order_cost: float = 3000.0  # yen per order (EOQ K), when the supplier gives none
    holding_rate: float = 0.25  # holding cost per year as a share of the unit cost
    stockout_cost_share: float = 1.0  # cost target: p = share × (price − unit cost)
    demand: DemandOptions = field(default_factory=DemandOptions)
    season_min_days: int = 14
    sale_windows: tuple[tuple[date, date], ...] = ()
    excluded_dates: tuple[date, ...] = ()
    weekend_days: tuple[int, ...] = (5, 6)


@dataclass(frozen=True)
class ReorderResult:
    """The plan (one row per stocked SKU), the drafts and the row problems."""

    as_of: date
    plan: pd.DataFrame
    drafts: pd.DataFrame
    problems: tuple[ReorderInputError, ...]

    def summary(self) -> dict[str, object]:
        by_supplier = self.drafts.groupby("supplier").agg(lines=("sku", "size"), quantity=("quantity", "sum"),
                                                          amount=("amount", "sum"))
        return {"as_of": self.as_of.isoformat(), "skus": len(self.plan),
                "to_order": int((self.plan["order_qty"].fillna(0) > 0).sum()), "problems": len(self.problems),
                "suppliers": by_supplier.reset_index().to_dict("records")}


def run_reorder(source: ReorderSource, holidays: HolidaySource, sink: ReorderSink, params: ReorderParams,
                as_of: date, journal: OrderHistorySource | None = None) -> tuple[ReorderResult, list[str]]:
    """Read the inputs, plan, write the 発注 and 発注書 sheets and one CSV per purchase order.

    The CLI (``zaiko-xl reorder``), the 発注計算 button and the demo call this. The order history
    is the 受注 sheet's joined with the ``journal``'s when given (``services.reorder_history``).
    Returns the result and what was written.
    """
    inputs = with_journal_history(source.load(), journal, params.demand, as_of)
    result = plan_reorder(inputs, params, holidays, as_of)
    sheets = {REORDER_SHEET: reorder_rows(result.plan), PO_SHEET: purchase_order_rows(result.drafts)}
    return result, sink.write(sheets, purchase_order_tables(result.drafts))


def plan_reorder(inputs: ReorderInputs, params: ReorderParams, holidays: HolidaySource, as_of: date) -> ReorderResult:
    """The replenishment plan and purchase-order drafts as of ``as_of`` (the order date)."""
    items = inputs.frame("items")
    suppliers = inputs.frame("suppliers").drop_duplicates("supplier", keep="last").set_index("supplier")
    stocked = items[~items["is_set"].astype(bool)].drop_duplicates("sku", keep="last")
    skus = pd.Index(stocked["sku"].astype(str), name="sku")
    terms = assign_suppliers(stocked.assign(sku=skus), inputs.frame("assignments"))
    position = stock_position(skus, inputs.frame("stock"), inputs.frame("orders"), inputs.frame("inbound"),
                              inputs.frame("bom"))
    days = _history_days(params, inputs.history_start, as_of)
    history = inputs.frame("order_history")
    totals, first_day = daily_totals(inputs.frame("orders") if history is None else history, inputs.frame("bom"),
                                     skus, as_of, days)
    lead = _supplier_lead_times(suppliers, inputs.frame("supplier_closures"), holidays, params, as_of)
    rough_d = totals.row_sums(days - params.demand.recent_days) / params.demand.recent_days
    frame, errors = _choose_suppliers(terms, suppliers, lead, position, rough_d)
    excluded_days, excluded_pairs = _excluded(days, first_day, skus, inputs.frame("exclusions"), params)
    season = np.maximum(params.season_min_days, np.ceil(frame["lead_time"].fillna(0) + params.review_days))
    stats, stats_errors = demand_stats_sparse(totals, excluded_days, excluded_pairs, options=params.demand,
                                              season_days=season.astype(int))
    errors.merge(stats_errors)
    revenue = totals.row_sums(days - YEAR_DAYS) * pd.to_numeric(stocked["price"], errors="coerce").to_numpy()
    frame = frame.assign(name=stocked["name"].to_numpy(), jan=stocked["jan"].fillna("").astype(str).to_numpy(),
                         unit_cost=pd.to_numeric(stocked["unit_cost"], errors="coerce").to_numpy(),
                         price=pd.to_numeric(stocked["price"], errors="coerce").to_numpy(),
                         tier=abc_tiers(revenue, params.tier_cutoffs), revenue_365=revenue,
                         **{c: stats[c].to_numpy() for c in stats.columns},
                         **{c: position[c].to_numpy() for c in position.columns})
    plan = _policy(frame, params, errors)
    return ReorderResult(as_of, plan, purchase_order_drafts(plan, as_of), _problems(plan, errors))


def _history_days(params: ReorderParams, history_start: date | None, as_of: date) -> int:
    """Days of history the statistics use: the windows' need, but never before the history starts
    (days before the first pulled order are unknown, not days without sales)."""
    days = history_window_days(params.demand)
    if history_start is None:
        return days
    return max(1, min(days, (as_of - history_start).days))


def _supplier_lead_times(suppliers: pd.DataFrame, closures: pd.DataFrame | None, holidays: HolidaySource,
                         params: ReorderParams, as_of: date) -> pd.DataFrame:
    """Per supplier: lead time in calendar days from ``as_of`` with and without its closed days."""
    last = date(as_of.year + 1, 12, 31)
    base = BusinessCalendar(as_of, last, tuple(holidays.holidays(as_of, last)), params.weekend_days)
    periods: dict[str, list[ClosedPeriod]] = {}
    for row in (closures.itertuples(index=False) if closures is not None else []):
        periods.setdefault(str(row.supplier).strip(), []).append(
            ClosedPeriod(pd.Timestamp(row.start).date(), pd.Timestamp(row.end).date(), str(row.label)))
    calendars = {code: base.with_closures(p) for code, p in periods.items()}
    codes = suppliers.index.astype(str).to_numpy(dtype=object)
    bdays = pd.to_numeric(suppliers["lead_time_days"], errors="coerce").to_numpy(dtype=float)
    order_day = np.full(len(codes), np.datetime64(as_of, "D"))
    with_closures = grouped_lead_times(order_day, bdays, codes, calendars, base)
    usual = grouped_lead_times(order_day, bdays, codes, {}, base)
    fixed = pd.to_numeric(suppliers["lead_time_calendar_days"], errors="coerce").to_numpy(dtype=float)
    given = ~np.isnan(fixed) & (fixed >= 0)  # calendar days given: no business-day counting
    arrival = np.where(given, order_day + np.ceil(np.nan_to_num(fixed)).astype("timedelta64[D]"), with_closures.arrival)
    return pd.DataFrame({"bdays": bdays, "days": np.where(given, fixed, with_closures.days),
                         "usual_days": np.where(given, fixed, usual.days), "arrival": arrival,
                         "error": np.where(given, "", with_closures.errors.code),
                         "labels": _labels_until(periods, codes, as_of, with_closures.arrival)},
                        index=pd.Index(codes, name="supplier"))


def _labels_until(periods: dict[str, list[ClosedPeriod]], codes: np.ndarray, as_of: date,
                  arrival: np.ndarray) -> list[str]:
    """Per supplier, the names of its closed periods between the order date and the delivery."""
    out = []
    for code, last in zip(codes, arrival, strict=True):
        end = as_of if np.isnat(last) else pd.Timestamp(last).date()
        out.append(", ".join(sorted({p.label for p in periods.get(code, []) if p.label and p.end >= as_of
                                     and p.start <= end})))
    return out


def _choose_suppliers(terms: pd.DataFrame, suppliers: pd.DataFrame, lead: pd.DataFrame, position: pd.DataFrame,
                      rough_d: np.ndarray) -> tuple[pd.DataFrame, RowErrors]:
    """The supplier of each SKU (preferred or alternative) with its lead time and terms."""
    pref, alt = lead.reindex(terms["preferred"]), lead.reindex(terms["alternative"])
    ip = (position["on_hand"] + position["on_order"] - position["backorders"]).to_numpy()
    switch = use_alternative(pref["days"].to_numpy(), pref["usual_days"].to_numpy(), alt["days"].to_numpy(),
                             ip, rough_d)
    chosen = np.where(switch, terms["alternative"], terms["preferred"])
    lt = lead.reindex(chosen)
    info = suppliers.reindex(chosen)
    errors = RowErrors(len(terms))
    known = np.isin(chosen, lead.index.to_numpy())
    for i in np.flatnonzero(~known):
        errors.flag_row(int(i), "E271", "supplier", sku=terms.index[i], supplier=chosen[i])
    errors.flag(known & (lt["error"].to_numpy() != ""), "E265", "lead_time")
    note = supplier_notes(switch, terms["preferred"].to_numpy(dtype=object),
                          pref["labels"].fillna("").to_numpy(dtype=object))
    frame = pd.DataFrame({
        "sku": terms.index, "supplier": chosen, "supplier_name": info["name"].fillna("").to_numpy(),
        "preferred_supplier": terms["preferred"].to_numpy(), "supplier_note": note,
        "lead_time_bdays": lt["bdays"].to_numpy(), "lead_time": lt["days"].to_numpy(), "arrival": lt["arrival"].to_numpy(),
        "lead_time_std": pd.to_numeric(info["lead_time_std_days"], errors="coerce").fillna(0.0).to_numpy(),
        "moq": _override(terms["moq"], info["moq"], 0.0),
        "case_pack": _override(terms["case_pack"], info["case_pack"], 1.0),
        "order_cost": pd.to_numeric(info["order_cost"], errors="coerce").to_numpy(),  # NaN: the default
    })
    return frame.reset_index(drop=True), errors


def _override(per_sku: pd.Series, supplier_default: pd.Series, default: float) -> np.ndarray:
    """The per-SKU value where given, else the supplier's, else ``default``."""
    own = pd.to_numeric(per_sku, errors="coerce").to_numpy(dtype=float)
    theirs = pd.to_numeric(supplier_default, errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(own), np.where(np.isnan(theirs), default, theirs), own)


def _excluded(days: int, first_day: date, skus: pd.Index, exclusions: pd.DataFrame | None,
              params: ReorderParams) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Days dropped from the statistics: sale windows and listed dates for every SKU (a day mask),
    and the ``exclusions`` frame (``sku`` "" = every SKU) as extra days or (row, day) pairs."""
    common = day_mask(first_day, days, params.sale_windows, params.excluded_dates)
    if exclusions is None or exclusions.empty:
        return common, (np.empty(0, np.int64), np.empty(0, np.int64))
    day = (pd.to_datetime(exclusions["date"]).to_numpy().astype("datetime64[D]")
           - np.datetime64(first_day, "D")).astype(np.int64)
    code = exclusions["sku"].fillna("").astype(str).str.strip().to_numpy()
    inside = (day >= 0) & (day < days)
    common[day[inside & (code == "")]] = True
    row = skus.get_indexer(code)
    pick = inside & (row >= 0)
    return common, (row[pick].astype(np.int64), day[pick])


def _policy(frame: pd.DataFrame, params: ReorderParams, errors: RowErrors) -> pd.DataFrame:
    """Service targets, lots and the policy math; the plan frame with error columns."""
    d = frame["demand_mean"].to_numpy()
    holding_year = frame["unit_cost"].to_numpy() * params.holding_rate
    order_cost = frame["order_cost"].fillna(params.order_cost).to_numpy()
    lot = lot_sizes(params.lot, d, order_cost=order_cost, holding_cost_per_year=holding_year,
                    cover_days=params.cover_days, fixed_qty=params.fixed_lot)
    period_share = max(params.review_days, 1) / YEAR_DAYS
    inputs = frame.assign(
        review_days=float(params.review_days), service_type=params.service_type, order_rule=params.order_rule,
        service_level=tier_service_levels(frame["tier"].to_numpy(), params.tier_levels, params.service_level),
        holding_cost=holding_year * period_share, lot=np.nan_to_num(lot, nan=0.0),
        stockout_cost=np.maximum(frame["price"] - frame["unit_cost"], 0.0) * params.stockout_cost_share)
    policy, policy_errors = plan_policy(inputs)
    errors.merge(policy_errors)
    plan = pd.concat([inputs, policy], axis=1)
    plan["error_code"] = errors.code
    plan["error"] = errors.texts()
    plan.loc[~errors.ok, "order_qty"] = pd.NA
    plan["amount"] = plan["order_qty"].fillna(0).astype(np.int64) * plan["unit_cost"]
    return plan


def _problems(plan: pd.DataFrame, errors: RowErrors) -> tuple[ReorderInputError, ...]:
    found = []
    for i in np.flatnonzero(~errors.ok):
        err = errors.error(int(i), sku=plan["sku"].iat[i])
        if err is not None:
            found.append(err)
    return tuple(found)
