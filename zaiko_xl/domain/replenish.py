"""Safety stock, reorder point, order-up-to level and order quantity, vectorised.

Notation (per calendar day): d mean demand, σ its std, L and σ_L the lead time and its std,
R the review period (R = 0: continuous review), IP = on hand + on order − backorders.
Conventions, fixed by ``reference/replenishment.md``:

- continuous (R = 0): SS = max(0, z·√(L·σ² + d²·σ_L²)); ROP = d·L + SS; S = ROP + Q;
  order when IP ≤ ROP (inclusive): ``order_up_to`` orders S − IP, ``fixed_lot`` one lot Q;
- periodic (R > 0): SS = max(0, z·√((R+L)·σ² + d²·σ_L²)); S = d·(R+L) + SS; no ROP (NaN);
  order max(0, S − IP) at every review;
- z = Φ⁻¹(α) for a cycle target, α = p/(p+h) for a cost target, and for a fill rate β the k
  that solves G(k) = Q(1 − β)/σ_X (Q = the lot, or d·R in periodic review, but at least the
  MOQ: the units one replenishment really brings, ``cycle_quantity``);
- rounding: a raw quantity ≤ 1e-9 is 0 (an MOQ never forces an order); otherwise
  max(raw, MOQ) rounded up to a multiple of the case pack (1e-9 slack). SS, ROP and S stay
  unrounded floats.

``plan_policy`` runs all of it over a frame (one row per SKU) and returns every intermediate
value a person needs to follow a number, plus per-row errors instead of exceptions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from zaiko_xl.domain.rowcheck import RowErrors
from zaiko_xl.domain.service_level import cost_service_level, k_for_fill_rate, z_for_service_level

ROUNDING_SLACK = 1e-9
DAYS_PER_YEAR = 365

SERVICE_TYPES = {"cycle": "cycle", "サイクル": "cycle", "fill_rate": "fill_rate", "fill": "fill_rate",
                 "充足率": "fill_rate", "cost": "cost", "コスト": "cost"}
ORDER_RULES = {"order_up_to": "order_up_to", "up_to": "order_up_to", "補充": "order_up_to",
               "fixed_lot": "fixed_lot", "lot": "fixed_lot", "ロット": "fixed_lot"}

# input column -> default (None: required)
POLICY_INPUTS: dict[str, object] = {
    "demand_mean": None, "demand_std": None, "lead_time": None, "lead_time_std": 0.0,
    "review_days": 0.0, "service_type": "cycle", "service_level": np.nan, "holding_cost": np.nan,
    "stockout_cost": np.nan, "lot": 0.0, "order_rule": "order_up_to", "on_hand": 0.0, "on_order": 0.0,
    "backorders": 0.0, "moq": 0.0, "case_pack": 1.0,
}
POLICY_OUTPUTS = ("protection_days", "service_target", "safety_factor", "sigma_x", "safety_stock",
                  "reorder_point", "order_up_to", "inventory_position", "triggered", "raw_qty", "order_qty")


def normalise_choice(values: np.ndarray | pd.Series, choices: dict[str, str], default: str) -> np.ndarray:
    """Map user text (any case, aliases, Japanese) to a canonical choice; None where unknown."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    canonical = np.array([choices.get(_clean(u) or default) for u in uniques] + [None], dtype=object)
    return canonical[codes]


def _clean(value: object) -> str:
    return "" if value is None or value != value else str(value).strip().lower()


def protection_sigma(demand_mean, demand_std, lead_time, lead_time_std=0.0, review_days=0.0) -> np.ndarray:
    """σ_X = √((L + R)·σ² + d²·σ_L²): std of demand over the protection interval."""
    d, s, lt, slt, r = (np.asarray(v, dtype=float) for v in (demand_mean, demand_std, lead_time,
                                                              lead_time_std, review_days))
    return np.sqrt((lt + r) * s * s + d * d * slt * slt)


def safety_stock(factor, sigma_x) -> np.ndarray:
    """SS = max(0, factor·σ_X); 0 when σ_X = 0 (whatever the factor)."""
    factor, sigma_x = np.asarray(factor, dtype=float), np.asarray(sigma_x, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(sigma_x == 0, 0.0, np.maximum(0.0, factor * sigma_x))


def reorder_point(demand_mean, lead_time, safety, review_days=0.0) -> np.ndarray:
    """ROP = d·L + SS in continuous review; NaN (not applicable) when R > 0."""
    d, lt, ss, r = (np.asarray(v, dtype=float) for v in (demand_mean, lead_time, safety, review_days))
    return np.where(r > 0, np.nan, d * lt + ss)


def order_up_to_level(demand_mean, lead_time, safety, review_days=0.0, lot=0.0) -> np.ndarray:
    """S = d·L + SS + Q (continuous) or d·(R + L) + SS (periodic)."""
    d, lt, ss, r, q = (np.asarray(v, dtype=float) for v in (demand_mean, lead_time, safety, review_days, lot))
    return np.where(r > 0, d * (r + lt) + ss, d * lt + ss + q)


def inventory_position(on_hand, on_order=0.0, backorders=0.0) -> np.ndarray:
    """IP = on hand + on order − backorders."""
    return np.asarray(on_hand, dtype=float) + np.asarray(on_order, dtype=float) - np.asarray(backorders, dtype=float)


def raw_order_quantity(position, reorder_level, up_to, review_days=0.0, lot=0.0,
                       fixed_lot=False) -> tuple[np.ndarray, np.ndarray]:
    """(raw quantity, triggered): continuous orders only when IP ≤ ROP (inclusive)."""
    ip, rop, s, r, q = (np.asarray(v, dtype=float) for v in (position, reorder_level, up_to, review_days, lot))
    periodic = r > 0
    with np.errstate(invalid="ignore"):
        triggered = periodic | (ip <= rop)
        continuous_qty = np.where(np.asarray(fixed_lot, dtype=bool), q, s - ip)
        raw = np.where(periodic, np.maximum(0.0, s - ip), np.where(triggered, continuous_qty, 0.0))
    return raw, triggered & (raw > ROUNDING_SLACK)


def round_order_quantity(raw, moq=0.0, case_pack=1.0) -> np.ndarray:
    """0 if raw ≤ 1e-9, else max(raw, MOQ) rounded up to a multiple of the case pack (int64)."""
    raw, moq, pack = (np.asarray(v, dtype=float) for v in (raw, moq, case_pack))
    with np.errstate(invalid="ignore"):
        qty = np.maximum(raw, moq)
        pack = np.where(pack >= 1, pack, 1.0)
        rounded = np.ceil(qty / pack - ROUNDING_SLACK) * pack
        return np.where(np.isfinite(rounded) & (raw > ROUNDING_SLACK), rounded, 0.0).astype(np.int64)


def economic_order_quantity(order_cost, annual_demand, holding_cost_per_year) -> np.ndarray:
    """EOQ = √(2·K·D/H) (K per order, D units per year, H per unit per year); NaN when H ≤ 0."""
    k, dem, h = (np.asarray(v, dtype=float) for v in (order_cost, annual_demand, holding_cost_per_year))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(h > 0, np.sqrt(2.0 * k * dem / np.where(h > 0, h, 1.0)), np.nan)


def lot_sizes(kind: str, demand_mean, *, order_cost=0.0, holding_cost_per_year=0.0, cover_days=0.0,
              fixed_qty=0.0) -> np.ndarray:
    """The lot Q per row: ``none`` 0, ``eoq`` √(2K·365d/H), ``cover`` d × days, ``fixed`` a number."""
    d = np.asarray(demand_mean, dtype=float)
    if kind == "eoq":
        return economic_order_quantity(order_cost, d * DAYS_PER_YEAR, holding_cost_per_year)
    if kind == "cover":
        return d * np.asarray(cover_days, dtype=float)
    if kind == "fixed":
        return np.broadcast_to(np.asarray(fixed_qty, dtype=float), d.shape).copy()
    if kind == "none":
        return np.zeros_like(d)
    raise ValueError(f"unknown lot kind {kind!r}")


def cycle_quantity(demand_mean, review_days=0.0, lot=0.0, moq=0.0) -> np.ndarray:
    """Units one replenishment brings, for a fill-rate target: the lot Q (continuous) or d·R
    (periodic), but never less than the MOQ (a smaller order is never placed)."""
    d, r, q, m = (np.asarray(v, dtype=float) for v in (demand_mean, review_days, lot, moq))
    return np.fmax(np.where(r > 0, d * r, q), m)


def newsvendor_level(mean, std, alpha) -> np.ndarray:
    """Single-period order-up-to level S = μ + z_α·σ (reported unclamped, no lead time)."""
    return np.asarray(mean, dtype=float) + z_for_service_level(alpha) * np.asarray(std, dtype=float)


def plan_policy(frame: pd.DataFrame) -> tuple[pd.DataFrame, RowErrors]:
    """Safety stock, levels and order quantity for every row of ``frame``.

    Args:
        frame: one row per SKU with the columns of ``POLICY_INPUTS``; a missing optional
            column takes its default, a NaN value is an error (E261) where the value is needed.

    Returns:
        A frame with the ``POLICY_OUTPUTS`` columns (same index) and the row errors. Rows with
        an error have NaN levels and a missing (``<NA>``) order quantity.
    """
    n = len(frame)
    col = {name: _column(frame, name, default, n) for name, default in POLICY_INPUTS.items()}
    service_type = normalise_choice(col["service_type"], SERVICE_TYPES, "cycle")
    rule = normalise_choice(col["order_rule"], ORDER_RULES, "order_up_to")
    errors = _validate(col, service_type, rule)
    review = col["review_days"]
    sigma_x = protection_sigma(col["demand_mean"], col["demand_std"], col["lead_time"], col["lead_time_std"], review)
    target, factor = _service_factor(col, service_type, sigma_x, errors)
    ss = safety_stock(factor, sigma_x)
    rop = reorder_point(col["demand_mean"], col["lead_time"], ss, review)
    up_to = order_up_to_level(col["demand_mean"], col["lead_time"], ss, review, col["lot"])
    ip = inventory_position(col["on_hand"], col["on_order"], col["backorders"])
    raw, triggered = raw_order_quantity(ip, rop, up_to, review, col["lot"], rule == "fixed_lot")
    qty = round_order_quantity(raw, col["moq"], col["case_pack"])
    bad = ~errors.ok
    out = {"protection_days": col["lead_time"] + review, "service_target": target, "safety_factor": factor,
           "sigma_x": sigma_x, "safety_stock": ss, "reorder_point": rop, "order_up_to": up_to,
           "inventory_position": ip, "raw_qty": raw}
    out = {k: np.where(bad, np.nan, v) for k, v in out.items()}
    out["triggered"] = np.where(bad, False, triggered)
    out["order_qty"] = pd.arrays.IntegerArray(np.where(bad, 0, qty), bad.copy())
    return pd.DataFrame(out, index=frame.index)[list(POLICY_OUTPUTS)], errors


def _column(frame: pd.DataFrame, name: str, default: object, n: int) -> np.ndarray:
    """An input column; a missing column takes its default, NaN values stay NaN (and are checked)."""
    if name in ("service_type", "order_rule"):
        return frame[name].to_numpy(dtype=object) if name in frame else np.full(n, default, dtype=object)
    if name not in frame:
        return np.full(n, np.nan if default is None else float(default))  # type: ignore[arg-type]
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)


def _validate(col: dict[str, np.ndarray], service_type: np.ndarray, rule: np.ndarray) -> RowErrors:
    errors = RowErrors(len(service_type))
    for name in ("demand_mean", "demand_std", "lead_time", "lead_time_std", "review_days"):
        errors.require_non_negative(col[name], name)
    errors.flag(pd.isna(service_type), "E266", "service_type", choices="cycle / fill_rate / cost")
    errors.flag(pd.isna(rule), "E266", "order_rule", choices="order_up_to / fixed_lot")
    by_target = (service_type == "cycle") | (service_type == "fill_rate")
    errors.flag(by_target & np.isnan(col["service_level"]), "E261", "service_level")
    errors.flag(by_target & ((col["service_level"] <= 0) | (col["service_level"] >= 1)), "E263", "service_level")
    by_cost = service_type == "cost"
    for name in ("holding_cost", "stockout_cost"):
        errors.flag(by_cost & np.isnan(col[name]), "E261", name)
        errors.flag(by_cost & (col[name] < 0), "E262", name)
    alpha = cost_service_level(col["holding_cost"], col["stockout_cost"])
    errors.flag(by_cost & ~((alpha > 0) & (alpha < 1)), "E263", "p/(p+h)")
    for name in ("lot", "on_hand", "on_order", "backorders"):
        errors.require_non_negative(col[name], name)
    errors.require_whole(col["moq"], "moq", 0)
    errors.require_whole(col["case_pack"], "case_pack", 1)
    errors.flag((rule == "fixed_lot") & (col["review_days"] == 0) & ~(col["lot"] > 0), "E274", "lot")
    return errors


def _service_factor(col: dict[str, np.ndarray], service_type: np.ndarray, sigma_x: np.ndarray,
                    errors: RowErrors) -> tuple[np.ndarray, np.ndarray]:
    """(target α or β, factor z or k) per row."""
    level = col["service_level"]
    alpha = np.where(service_type == "cost", cost_service_level(col["holding_cost"], col["stockout_cost"]), level)
    factor = z_for_service_level(alpha)
    fill = service_type == "fill_rate"
    if fill.any():
        lot = cycle_quantity(col["demand_mean"], col["review_days"], col["lot"], col["moq"])
        errors.flag(fill & (sigma_x > 0) & ~(lot > 0), "E267", "lot")
        factor = np.where(fill, k_for_fill_rate(level, lot, sigma_x), factor)
    return alpha, factor
