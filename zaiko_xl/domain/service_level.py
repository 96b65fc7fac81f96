"""Service targets: cycle service level, fill rate, cost ratio; importance tiers (ABC).

Conventions (``reference/replenishment.md``): z = Φ⁻¹(α) exactly (no table rounding);
α = p / (p + h) for a cost target; a fill-rate target β is met by the safety factor k that
solves G(k) = Q(1 − β) / σ_X with the standard normal loss G(k) = φ(k) − k(1 − Φ(k)).
Everything is vectorised over numpy arrays.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy.special import ndtr, ndtri

_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)
_MIN_LOSS_TARGET = 1e-12  # G(k) = 1e-12 at k ≈ 6.6: targets closer to 1 add nothing real


def z_for_service_level(alpha: np.ndarray | float) -> np.ndarray:
    """Safety factor z = Φ⁻¹(α) for a cycle service level α in (0, 1); NaN outside."""
    alpha = np.asarray(alpha, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where((alpha > 0) & (alpha < 1), ndtri(alpha), np.nan)


def cost_service_level(holding_cost: np.ndarray | float, stockout_cost: np.ndarray | float) -> np.ndarray:
    """The critical ratio α = p / (p + h) (h: holding cost, p: stockout cost, same period)."""
    h = np.asarray(holding_cost, dtype=float)
    p = np.asarray(stockout_cost, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return p / (p + h)


def standard_normal_loss(k: np.ndarray | float) -> np.ndarray:
    """G(k) = φ(k) − k(1 − Φ(k)): expected shortage per unit σ above the level μ + kσ."""
    k = np.asarray(k, dtype=float)
    return np.exp(-0.5 * k * k) * _INV_SQRT_2PI - k * ndtr(-k)


def k_for_fill_rate(fill_rate: np.ndarray | float, lot: np.ndarray | float,
                    sigma_x: np.ndarray | float, *, iterations: int = 60) -> np.ndarray:
    """Safety factor k that meets a fill rate β: solves G(k) = Q(1 − β) / σ_X.

    Newton's method started left of the root (G is convex and decreasing, G(−g) > g), so the
    iterates rise monotonically to the root without overshooting. NaN where σ_X or Q is not
    positive or β is outside (0, 1); the caller treats σ_X = 0 as SS = 0.

    Args:
        fill_rate: target β per row.
        lot: units per replenishment cycle (the lot Q, or d·R in periodic review).
        sigma_x: standard deviation of demand over the protection interval.
        iterations: Newton steps (60 reach machine precision for every target used).
    """
    beta, q, sx = np.broadcast_arrays(np.asarray(fill_rate, float), np.asarray(lot, float),
                                      np.asarray(sigma_x, float))
    valid = (beta > 0) & (beta < 1) & (q > 0) & (sx > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        target = np.where(valid, np.maximum(q * (1 - beta) / np.where(valid, sx, 1.0), _MIN_LOSS_TARGET), 1.0)
    k = -target
    for _ in range(iterations):
        step = (standard_normal_loss(k) - target) / ndtr(-k)
        k = k + step
        if np.all(np.abs(step) < 1e-13):
            break
    return np.where(valid, k, np.nan)


def abc_tiers(revenue: np.ndarray, cutoffs: tuple[float, float] = (0.8, 0.95)) -> np.ndarray:
    """Importance tier per SKU from its revenue share (Pareto/ABC analysis).

    SKUs are ranked by revenue (highest first; ties keep their input order). A SKU is "A"
    while the revenue of the SKUs ranked above it is below ``cutoffs[0]`` of the total (so the
    SKU that crosses the line is still A), "B" likewise up to ``cutoffs[1]``, else "C". SKUs
    with no revenue are always "C".
    """
    revenue = np.nan_to_num(np.asarray(revenue, dtype=float), nan=0.0)
    tiers = np.full(len(revenue), "C", dtype="<U1")
    total = revenue[revenue > 0].sum()
    if total <= 0:
        return tiers
    order = np.argsort(-revenue, kind="stable")
    before = (np.cumsum(revenue[order]) - revenue[order]) / total
    ranked = np.where(before < cutoffs[0], "A", np.where(before < cutoffs[1], "B", "C"))
    ranked[revenue[order] <= 0] = "C"
    tiers[order] = ranked
    return tiers


def tier_service_levels(tiers: np.ndarray, levels: Mapping[str, float], default: float) -> np.ndarray:
    """The service target of each row's tier (``default`` for tiers not in ``levels``)."""
    out = np.full(len(tiers), float(default))
    for tier, level in levels.items():
        out[tiers == tier] = float(level)
    return out
