"""Does zaiko-xl's policy prevent stockouts? A seeded one-year simulation on the sample shop.

The demand is the sample shop's (``zaiko_xl.sample_shop.generate``): two years of order lines
with a weekday pattern, growth, seasons per category and the four 楽天スーパーSALE windows a
year; every line counts on its order day, set lines for their components. The first year is
the history both planners start from; the second year is simulated day by day twice, on the
same demand and the same supplier delays (common random numbers):

- **common practice**: a reorder point set once by hand at two weeks of average daily demand
  (last year, sale days included) and a fixed lot of a month's average demand (then the
  supplier's MOQ and case pack), checked every day;
- **zaiko-xl**: ``zaiko-xl reorder`` itself (``services.reorder.plan_reorder`` with the default
  ``[reorder]`` settings, ``ReorderParams()``, unless told otherwise) on what the shop has seen so far: its sales
  (lost sales are not seen), stock, open purchase orders, the supplier sheet with its closed
  days and the sale calendar. It runs every ``review_days`` days (every day for continuous
  review) and the suggested order quantities are placed as they are.

Lead time: the supplier's business days (weekends, Japanese holidays and its closed days
skipped) and, for ``delay_probability`` of the orders, 1 to ``max_delay`` days late.
Unmet demand is lost (売り切れ). Both start from the same stock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from zaiko_xl.adapters.jp_holidays import JpHolidaySource
from zaiko_xl.domain.demand import day_mask
from zaiko_xl.domain.model import ClosedPeriod
from zaiko_xl.domain.reorder_frames import ReorderInputs
from zaiko_xl.domain.replenish import round_order_quantity
from zaiko_xl.domain.set_demand import explode_set_lines
from zaiko_xl.domain.suppliers import parse_closed_periods
from zaiko_xl.sample_shop import generate
from zaiko_xl.services.reorder import ReorderParams, plan_reorder


@dataclass(frozen=True)
class SimConfig:
    skus: int = 500  # sample-shop SKUs (sets included)
    seed: int = 1  # the shop and the delays
    as_of: datetime = datetime(2026, 11, 16, 10, 0)  # the sample shop's moment; the simulated year ends the day before
    delay_probability: float = 0.25
    max_delay: int = 7
    hand_rop_days: float = 14.0  # common practice: reorder point = two weeks of average demand
    hand_lot_days: float = 30.0  # common practice: one lot = a month of average demand
    sim_days: int = 365
    start_cover_days: float = 30.0  # both start with this many days of last year's average demand


@dataclass(frozen=True)
class World:
    skus: pd.Index  # stocked SKUs (rows)
    first: date  # day 0
    demand: np.ndarray  # (n, days) units wanted per day
    inputs: ReorderInputs  # the master frames (items, suppliers, closures) the planner reads
    supplier: np.ndarray  # (n,) index of the preferred supplier
    codes: list[str]  # supplier codes
    arrival: np.ndarray  # (suppliers, days + 120) day index a purchase order placed that day arrives
    moq: np.ndarray
    case_pack: np.ndarray
    unit_cost: np.ndarray
    delay: np.ndarray  # (n, sim_days) extra days of an order placed on that day
    sale_windows: tuple[tuple[date, date], ...]
    sale: np.ndarray  # (days,) True on sale days


def make_world(cfg: SimConfig) -> World:
    """The sample shop's demand, master frames and supplier calendars; seeded delays."""
    shop = generate(cfg.skus, cfg.seed, cfg.as_of)
    items = shop.items
    stocked = items.loc[~items["is_set"].astype(bool)]
    skus = pd.Index(stocked["sku"].astype(str))
    first = (cfg.as_of - timedelta(days=730)).date()
    days = 730
    lines = explode_set_lines(shop.orders[["sku", "quantity", "ordered_at"]], shop.bom)
    day = (pd.to_datetime(lines["ordered_at"]).to_numpy().astype("datetime64[D]") - np.datetime64(first, "D")).astype(int)
    row = skus.get_indexer(lines["sku"])
    keep = (row >= 0) & (day >= 0) & (day < days)
    demand = np.zeros((len(skus), days))
    np.add.at(demand, (row[keep], day[keep]), lines["quantity"].to_numpy(float)[keep])
    suppliers = shop.suppliers.reset_index(drop=True)
    codes = suppliers["supplier"].astype(str).tolist()
    closures = [(code, p) for code, text in zip(codes, suppliers["closed"], strict=True) for p in parse_closed_periods(text)]
    closure_frame = pd.DataFrame([(c, p.start, p.end, p.label) for c, p in closures],
                                 columns=["supplier", "start", "end", "label"])
    inputs = ReorderInputs(items=items, suppliers=suppliers, stock=pd.DataFrame({"sku": [], "on_hand": []}),
                           orders=pd.DataFrame({"sku": [], "quantity": [], "status": [], "ordered_at": []}),
                           supplier_closures=closure_frame)
    rng = np.random.default_rng(cfg.seed + 10_000)
    late = rng.random((len(skus), cfg.sim_days)) < cfg.delay_probability
    delay = np.where(late, rng.integers(1, cfg.max_delay + 1, late.shape), 0)
    supplier = pd.Index(codes).get_indexer(stocked["supplier"].astype(str))
    windows = tuple((pd.Timestamp(s).date(), pd.Timestamp(e).date())
                    for s, e in zip(shop.sale_days["start"], shop.sale_days["end"], strict=True))
    sale = day_mask(first, days, windows)
    return World(skus, first, demand, inputs, supplier, codes, _arrivals(first, days + 120, suppliers, closures),
                 suppliers["moq"].to_numpy(float)[supplier], suppliers["case_pack"].to_numpy(float)[supplier],
                 stocked["unit_cost"].to_numpy(float), delay, windows, sale)


def _arrivals(first: date, days: int, suppliers: pd.DataFrame,
              closures: list[tuple[str, ClosedPeriod]]) -> np.ndarray:
    """(suppliers, days): the day index of the N-th business day strictly after each order day."""
    holidays = JpHolidaySource().holidays(first, first + timedelta(days=days + 400))
    dates = np.datetime64(first, "D") + np.arange(days)
    table = np.empty((len(suppliers), days), dtype=np.int64)
    for i, (code, lead) in enumerate(zip(suppliers["supplier"], suppliers["lead_time_days"], strict=True)):
        closed = set(holidays) | {p.start + timedelta(days=k) for c, p in closures if c == code
                                  for k in range((p.end - p.start).days + 1)}
        cal = np.busdaycalendar(holidays=np.array(sorted(closed), dtype="datetime64[D]"))
        arrive = np.busday_offset(dates, int(lead), roll="backward", busdaycal=cal)
        table[i] = (arrive - np.datetime64(first, "D")).astype(np.int64)
    return table


def default_policies(world: World) -> dict[str, ReorderParams | None]:
    """The common practice; zaiko-xl's defaults (``[sale]`` left empty, as shipped); the defaults with
    the shop's sale calendar in ``[sale]``; the previous default (cycle service level)."""
    defaults = ReorderParams()
    return {"common_practice": None, "zaiko_xl_defaults": defaults,
            "zaiko_xl_defaults_with_sale_calendar": replace(defaults, sale_windows=world.sale_windows),
            "zaiko_xl_cycle_service": replace(defaults, service_type="cycle")}


def simulate(cfg: SimConfig = SimConfig(), policies: dict[str, ReorderParams | None] | None = None
             ) -> dict[str, dict[str, float]]:
    """Run each policy (None: the common practice) on the same world; metrics per policy."""
    world = make_world(cfg)
    wanted = policies or default_policies(world)
    return {name: _run(cfg, world, params) for name, params in wanted.items()}


HISTORY_DAYS = 365  # the first year of the shop: what both planners start from


def _run(cfg: SimConfig, world: World, params: ReorderParams | None) -> dict[str, float]:
    per_sku = run_policy(cfg, world, params)
    wanted, sold = per_sku["wanted"].sum(), per_sku["sold"].sum()
    return {"stockout_days": int(per_sku["stockout_days"].sum()),
            "sale_stockout_days": int(per_sku["sale_stockout_days"].sum()), "fill_rate": round(float(sold / wanted), 4),
            "avg_inventory_units": round(float(per_sku["avg_units"].sum()), 1),
            "avg_inventory_yen": round(float(per_sku["avg_yen"].sum())), "orders": int(per_sku["orders"].sum())}


def run_policy(cfg: SimConfig, world: World, params: ReorderParams | None) -> pd.DataFrame:
    """One policy over the simulated year: per SKU stockout days, units wanted and sold, average stock, orders."""
    n, h = len(world.skus), HISTORY_DAYS
    sales = world.demand.copy()  # the history as sold; the simulated days are overwritten below
    arriving = np.zeros((n, world.arrival.shape[1] + cfg.max_delay + 1))
    hand_d = world.demand[:, h - 365:h].mean(axis=1)
    on_hand, on_order = np.round(hand_d * cfg.start_cover_days), np.zeros(n)
    policy = _HandSet(world, hand_d, cfg) if params is None else _Zaiko(world, params)
    stockout_days, sale_stockouts, units, orders = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    rows = np.arange(n)
    for j in range(cfg.sim_days):
        t = h + j
        on_hand += arriving[:, t]
        on_order -= arriving[:, t]
        qty, supplier = policy.order(t, on_hand, on_order, sales)
        placed = qty > 0
        due = world.arrival[supplier, t] + world.delay[:, j]
        np.add.at(arriving, (rows[placed], due[placed]), qty[placed])
        on_order += qty
        orders += placed
        want = world.demand[:, t]
        sold = np.minimum(on_hand, want)
        sales[:, t] = sold
        on_hand -= sold
        stockout_days += want > sold
        if world.sale[t]:
            sale_stockouts += want > sold
        units += on_hand
    days = slice(h, h + cfg.sim_days)
    return pd.DataFrame({"stockout_days": stockout_days, "sale_stockout_days": sale_stockouts, "wanted": world.demand[:, days].sum(axis=1),
                         "sold": sales[:, days].sum(axis=1), "avg_units": units / cfg.sim_days,
                         "avg_yen": units / cfg.sim_days * world.unit_cost, "orders": orders,
                         "supplier": np.array(world.codes)[world.supplier]}, index=world.skus)


class _HandSet:
    """Common practice: ROP = two weeks of last year's average demand, one lot of a month, daily check."""

    def __init__(self, world: World, hand_d: np.ndarray, cfg: SimConfig) -> None:
        self.world = world
        self.reorder_point = hand_d * cfg.hand_rop_days
        self.lot = round_order_quantity(hand_d * cfg.hand_lot_days, world.moq, world.case_pack).astype(float)

    def order(self, t: int, on_hand: np.ndarray, on_order: np.ndarray, sales: np.ndarray):
        return np.where(on_hand + on_order <= self.reorder_point, self.lot, 0.0), self.world.supplier


class _Zaiko:
    """``plan_reorder`` on what the shop has seen, every ``review_days`` days (daily when 0)."""

    def __init__(self, world: World, params: ReorderParams) -> None:
        self.world, self.params = world, params
        self.holidays = JpHolidaySource()
        self.codes = pd.Index(world.codes)

    def order(self, t: int, on_hand: np.ndarray, on_order: np.ndarray, sales: np.ndarray):
        w = self.world
        step = max(self.params.review_days, 1)
        if (t - HISTORY_DAYS) % step:
            return np.zeros(len(w.skus)), w.supplier
        today = w.first + timedelta(days=t)
        window = 365
        row, day = np.nonzero(sales[:, t - window:t])
        stamps = np.datetime64(today - timedelta(days=window), "D") + day
        orders = pd.DataFrame({"sku": w.skus.to_numpy()[row], "quantity": sales[row, t - window + day],
                               "status": "shipped", "ordered_at": stamps.astype("datetime64[ns]")})
        pending = on_order > 0
        inputs = replace(w.inputs, orders=orders,
                         stock=pd.DataFrame({"sku": w.skus, "on_hand": on_hand}),
                         inbound=pd.DataFrame({"sku": w.skus[pending], "quantity": on_order[pending],
                                               "received_at": pd.NaT}))
        plan = plan_reorder(inputs, self.params, self.holidays, today).plan.set_index("sku").reindex(w.skus)
        qty = plan["order_qty"].fillna(0).to_numpy(dtype=float)
        supplier = self.codes.get_indexer(plan["supplier"].astype(str))
        return qty, np.where(supplier >= 0, supplier, w.supplier)


if __name__ == "__main__":
    import json

    print(json.dumps(simulate(), indent=2))
