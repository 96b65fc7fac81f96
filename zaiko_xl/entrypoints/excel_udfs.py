"""Excel functions (UDFs): ``=ZAIKO_...(...)`` formulas, pure and offline.

Every ``@xw.func`` here becomes an Excel function: ``zaiko-xl template build`` generates the
VBA wrappers (module ``xlwings_udfs``) from this module with xlwings' own generator, so the
functions work without pressing "Import Functions". Rules (STYLE.md §11): names start with
``ZAIKO_``; call only domain functions (no files, no network: a UDF runs on every
recalculation); argument and return hints only of types xlwings converts (float, int, str,
bool, Any: not ``int | str``); docstrings are shown in Excel's function wizard, so keep them bilingual and
under 255 characters; bad input returns a short ``#E...`` text instead of raising.

On Linux ``xw.func`` is a no-op decorator, so these stay plain Python functions for tests.

The replenishment functions take whole columns and return a column, so a sheet of 10,000
rows needs one call per column (an array formula over the column); a single cell is
broadcast to all rows. A bad row gets a short ``#E2xx ...`` text in its cell and the other
rows are still computed; rows whose main inputs are all empty come back empty. The math is
in ``zaiko_xl.domain.formula_columns`` (the 発注 sheet's cached values use the same code).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import numpy as np
import xlwings as xw

from zaiko_xl import __version__
from zaiko_xl.domain import formula_columns as fc
from zaiko_xl.domain import replenish as rp
from zaiko_xl.domain.demand import DemandOptions, demand_stats
from zaiko_xl.domain.leadtime import BusinessCalendar, grouped_lead_times
from zaiko_xl.domain.model import ClosedPeriod
from zaiko_xl.domain.rowcheck import RowErrors
from zaiko_xl.domain.service_level import cost_service_level
from zaiko_xl.entrypoints import udf_cells as uc
from zaiko_xl.errors import BadValue, ZaikoError, where

_F = TypeVar("_F", bound=Callable[..., Any])


def udf_error(exc: ZaikoError) -> str:
    """The short text a UDF shows in its cell for a ZaikoError, e.g. ``#E205 値「x」は使えません``."""
    return f"#{exc.code} {exc.message('ja')}"[:255]


def _whole_number(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or float(value) != int(value):
        raise BadValue(**where(column=name), value=value, detail_ja="整数を入力してください", detail_en="expected a whole number")
    return int(value)


def array_args(*names: str) -> Callable[[_F], _F]:
    """``@xw.arg(name, ndim=2)`` for each of ``names``, or for every argument when none are named:
    each arrives as rows of cells (a column; a single cell as one row of one cell).

    ``xw.arg`` is looked up when the decorator runs, so ``zaiko-xl template build`` (which swaps in
    xlwings' real decorators while it re-imports this module) sees the options.
    """

    def decorate(func: _F) -> _F:
        for name in names or inspect.signature(func).parameters:
            func = xw.arg(name, ndim=2)(func)
        return func

    return decorate


@xw.func
def ZAIKO_VERSION() -> str:
    """zaiko-xl の版 (関数が動くかの確認用) / The zaiko-xl version (checks that the functions work)."""
    return __version__


@xw.func
def ZAIKO_SELLABLE(on_hand: float, open_allocations: float, buffer: float = 0) -> Any:
    """販売可能数 = max(0, 実在庫 - 引当 - バッファ) / Sellable units = max(0, on hand - open allocations - buffer)."""
    try:
        stock = _whole_number(on_hand, "on_hand")
        allocated = _whole_number(open_allocations, "open_allocations")
        kept_back = _whole_number(buffer, "buffer")
    except ZaikoError as exc:
        return udf_error(exc)
    return max(0, stock - allocated - kept_back)



@xw.func
@array_args()
def ZAIKO_SAFETY_STOCK(demand_mean: Any, demand_std: Any, lead_time: Any, lead_time_std: Any = None,
                       service_level: Any = None, review_days: Any = None, service_type: Any = None,
                       lot: Any = None, moq: Any = None) -> Any:
    """安全在庫 SS=max(0,z·√((L+R)σ²+d²σL²))。R=0連続/R>0定期、cycle/fill_rate。 / Safety stock per row: d,σ per day, L,σL days, target, review R, cycle or fill_rate (cycle qty: lot or d·R, at least MOQ)."""
    a = uc.Args(demand_mean, demand_std, lead_time, lead_time_std, service_level, review_days, service_type, lot, moq)
    if a.mismatch:
        return a.mismatch_result()
    cols = [a.number(i) for i in range(6)]
    values, errors = fc.safety_stock_column(*cols, a.text(6), a.number(7), a.number(8))
    return a.shaped(fc.shown_values(values, errors, fc.all_empty(*cols[:3])))


@xw.func
@array_args()
def ZAIKO_REORDER_POINT(demand_mean: Any, lead_time: Any, safety_stock: Any, review_days: Any = None) -> Any:
    """発注点 ROP=d·L+SS (定期発注 R>0 では空欄)。 / Reorder point ROP = d·L + SS per row; blank in periodic review (R > 0), where S alone decides."""
    a = uc.Args(demand_mean, lead_time, safety_stock, review_days)
    if a.mismatch:
        return a.mismatch_result()
    cols = [a.number(i) for i in range(4)]
    values, errors = fc.level_column("reorder_point", *cols)
    return a.shaped(fc.shown_values(values, errors, fc.all_empty(*cols[:3])))


@xw.func
@array_args()
def ZAIKO_ORDER_UP_TO(demand_mean: Any, lead_time: Any, safety_stock: Any, review_days: Any = None,
                      lot: Any = None) -> Any:
    """補充点 S: 連続 d·L+SS+Q、定期 d·(R+L)+SS。 / Order-up-to level S for each row: continuous d·L + SS + lot Q, periodic (R > 0) d·(R+L) + SS."""
    a = uc.Args(demand_mean, lead_time, safety_stock, review_days, lot)
    if a.mismatch:
        return a.mismatch_result()
    cols = [a.number(i) for i in range(5)]
    values, errors = fc.level_column("order_up_to", *cols)
    return a.shaped(fc.shown_values(values, errors, fc.all_empty(*cols[:3])))


@xw.func
@array_args()
def ZAIKO_ORDER_QTY(inventory_position: Any, reorder_point: Any, order_up_to: Any, moq: Any = None,
                    case_pack: Any = None, review_days: Any = None, order_rule: Any = None, lot: Any = None) -> Any:
    """発注数: 在庫ポジション≦発注点で発注(定期は毎回)、最小発注数→入数で切上げ。 / Order qty: if IP <= ROP (R > 0: every review) S-IP or one lot (order_rule), then MOQ, then case pack."""
    a = uc.Args(inventory_position, reorder_point, order_up_to, moq, case_pack, review_days, order_rule, lot)
    if a.mismatch:
        return a.mismatch_result()
    cols = [a.number(i) for i in range(6)]
    values, errors = fc.order_qty_column(*cols, a.text(6), a.number(7))
    return a.shaped(fc.shown_values(values, errors, fc.all_empty(cols[0], cols[2])))


@xw.func
@array_args()
def ZAIKO_LEADTIME_BDAYS(order_date: Any, business_days: Any, closed_days: Any = None, supplier: Any = None) -> Any:
    """発注日からN営業日後までの暦日数(土日・祝日・休業日を除く)。 / Calendar days to the N-th business day after the order date; skips weekends, JP holidays and closed days [start,end] or [supplier,start,end]."""
    a = uc.Args(order_date, business_days, supplier)
    if a.mismatch:
        return a.mismatch_result()
    errors = RowErrors(a.n)
    days = uc.dates(a, 0, "order_date", errors)
    bdays = a.number(1)
    errors.flag(np.isnan(bdays.values), "E261", "business_days")
    calendars, default = _calendars(days[~np.isnat(days)], closed_days)
    result = grouped_lead_times(days, bdays.values, a.text(2), calendars, default)
    errors.merge(result.errors)
    return a.shaped(fc.shown_values(result.days, errors, a.empty(0) & bdays.empty))


def _calendars(days: np.ndarray, closed_days: Any) -> tuple[dict[str, BusinessCalendar], BusinessCalendar]:
    """Holidays of the order years and the next year, plus each supplier's closed periods."""
    from zaiko_xl.bootstrap import holiday_source

    first_year = int(days.min().astype(object).year) if days.size else 2000
    last_year = int(days.max().astype(object).year) + 1 if days.size else 2000
    first, last = date(first_year, 1, 1), date(last_year, 12, 31)
    base = BusinessCalendar(first, last, tuple(holiday_source().holidays(first, last)))
    periods: dict[str, list[ClosedPeriod]] = {}
    for row in (uc.rows(closed_days).block if closed_days is not None else []):
        cells = [c for c in row if not (c is None or c == "")]
        if len(cells) not in (1, 2, 3):
            continue
        key = str(cells[0]).strip() if len(cells) == 3 else ""
        start, end = uc.to_date(cells[-2] if len(cells) > 1 else cells[0]), uc.to_date(cells[-1])
        if not (np.isnat(start) or np.isnat(end)):
            periods.setdefault(key, []).append(ClosedPeriod(start.astype(object), end.astype(object)))
    common = base.with_closures(periods.get("", []))
    return {k: common.with_closures(v) for k, v in periods.items() if k}, common


@xw.func
@array_args("history", "excluded")
def ZAIKO_DEMAND_STATS(history: Any, excluded: Any = None, recent_days: Any = None, recent_weight: Any = None) -> Any:
    """日販の平均・標本標準偏差・使用日数(1行=1SKU、列=日)。除外日は除く。 / Mean, sample std and days used of each row (one SKU, days across); excluded (1/TRUE) days are dropped; optional recent blend."""
    arg = uc.rows(history)
    values, empty = uc.number_block(arg.block)
    n, width = values.shape
    if excluded is not None and len(uc.rows(excluded).block) not in (1, n):
        return uc.Args(history, excluded).mismatch_result()
    errors = RowErrors(n)
    errors.flag((np.isnan(values) & ~empty).any(axis=1), "E261", "history")
    errors.flag((np.nan_to_num(values) < 0).any(axis=1), "E262", "history")
    weight = uc.scalar_number(recent_weight, 0.0)
    errors.flag(np.full(n, not 0 <= weight <= 1), "E263", "recent_weight")
    days = uc.scalar_number(recent_days, float(width))
    errors.flag(np.full(n, not (days >= 1 and days == int(days))), "E269", "recent_days", minimum=1)
    options = DemandOptions(annual_days=max(width, 1), recent_days=int(days) if days >= 1 else 1,
                            recent_weight=min(max(weight, 0.0), 1.0), seasonality=False)
    drop = np.isnan(values) | uc.flag_block(excluded, n, width)
    stats, stats_errors = demand_stats(np.nan_to_num(values), drop, options=options)
    errors.merge(stats_errors)
    blank = empty.all(axis=1)
    table = [fc.shown_values(stats[c].to_numpy(float), errors, blank) for c in ("demand_mean", "std", "days_used")]
    table[1:] = [[v if isinstance(v, float) else "" for v in col] for col in table[1:]]
    out = [list(r) for r in zip(*table, strict=True)]
    return out[0] if arg.scalar else out


@xw.func
@array_args()
def ZAIKO_COST_SERVICE_LEVEL(holding_cost: Any, stockout_cost: Any) -> Any:
    """費用からのサービス率 α=p/(p+h) (h 保管費, p 欠品費, 同じ期間)。 / Cycle service level from costs: alpha = p/(p+h), h holding and p stockout cost per unit for the same period."""
    a = uc.Args(holding_cost, stockout_cost)
    if a.mismatch:
        return a.mismatch_result()
    errors = RowErrors(a.n)
    h, p = a.number(0), a.number(1)
    for name, col in (("holding_cost", h), ("stockout_cost", p)):
        errors.require_non_negative(col.values, name)
    alpha = cost_service_level(h.values, p.values)
    errors.flag(~((alpha > 0) & (alpha < 1)), "E263", "p/(p+h)")
    return a.shaped(fc.shown_values(alpha, errors, fc.all_empty(h, p)))


@xw.func
@array_args()
def ZAIKO_EOQ(demand_mean: Any, order_cost: Any, holding_cost_year: Any) -> Any:
    """経済的発注量 EOQ=√(2K·365d/H) (K 1回の発注費, H 年間保管費/個)。 / Economic order quantity from daily demand d, cost per order K and holding cost per unit per year H."""
    a = uc.Args(demand_mean, order_cost, holding_cost_year)
    if a.mismatch:
        return a.mismatch_result()
    errors = RowErrors(a.n)
    d, k, h = a.number(0), a.number(1), a.number(2)
    for name, col in (("demand_mean", d), ("order_cost", k), ("holding_cost_year", h)):
        errors.require_non_negative(col.values, name)
    errors.flag(h.values == 0, "E275", "holding_cost_year")
    q = rp.economic_order_quantity(k.values, d.values * rp.DAYS_PER_YEAR, h.values)
    return a.shaped(fc.shown_values(q, errors, fc.all_empty(d, k, h)))


UDFS = (ZAIKO_SAFETY_STOCK, ZAIKO_REORDER_POINT, ZAIKO_ORDER_UP_TO, ZAIKO_ORDER_QTY, ZAIKO_LEADTIME_BDAYS,
        ZAIKO_DEMAND_STATS, ZAIKO_COST_SERVICE_LEVEL, ZAIKO_EOQ)
