"""Safety guards of a push plan (pure): refuse plans that look like a data accident.

Each guard has a soft limit (a person may confirm past it: the button asks, the CLI needs
``--yes``) and a hard limit (nothing goes past it; change the settings to push anyway):

* **zero share**: SKUs the plan sets to 0 (from a positive value, or new at 0) over all SKUs
  in scope (every SKU pulled, not only the changed ones);
* **total change**: ``|after - before|`` of the total stock over the larger of the two totals
  (so going from or to nothing is 100%);
* **one SKU**: ``|delta|`` of a single SKU;
* **pull age**: never push from data pulled longer ago than the limit (no override).

Messages name the numbers in Japanese and English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from zaiko_xl.errors import GuardHardLimit, GuardTripped, StalePull


@dataclass(frozen=True)
class GuardLimits:
    """Soft limits (confirmable) and hard limits (never passed); shares are 0..1."""

    max_zero_share: float = 0.10
    max_total_change_share: float = 0.30
    max_sku_change: int = 500
    hard_max_zero_share: float = 0.50
    hard_max_total_change_share: float = 0.90
    hard_max_sku_change: int = 5000
    max_pull_age_min: int = 30


@dataclass(frozen=True)
class GuardTrip:
    """One guard that tripped: which, whether past its hard limit, and the numbers in words."""

    rule: str  # "zero_share" | "total_change" | "sku_change"
    hard: bool
    detail_ja: str
    detail_en: str


def check_plan(plan: pd.DataFrame, *, total_skus: int, total_units_before: int,
               limits: GuardLimits) -> list[GuardTrip]:
    """Every guard the plan trips (empty: it may be sent).

    Args:
        plan: a plan frame (``before``, ``target``, ``delta``, ``sku``).
        total_skus: SKUs in scope (all pulled SKUs, at least the plan's).
        total_units_before: RMS units of all SKUs in scope at the pull.
        limits: the limits.

    Returns:
        The trips, hard ones first.
    """
    trips = [trip for trip in (_zero_share(plan, max(total_skus, len(plan)), limits),
                               _total_change(plan, total_units_before, limits),
                               _sku_change(plan, limits)) if trip is not None]
    return sorted(trips, key=lambda t: not t.hard)


def enforce(trips: list[GuardTrip], *, confirmed: bool) -> None:
    """Raise when a guard stops the push.

    Args:
        trips: from :func:`check_plan`.
        confirmed: a person confirmed (button) or ``--yes`` was given.

    Raises:
        GuardHardLimit: a hard limit is passed (always).
        GuardTripped: a soft limit is passed and nobody confirmed.
    """
    hard = [t for t in trips if t.hard]
    if hard:
        raise GuardHardLimit(detail_ja="; ".join(t.detail_ja for t in hard),
                             detail_en="; ".join(t.detail_en for t in hard))
    if trips and not confirmed:
        raise GuardTripped(detail_ja="; ".join(t.detail_ja for t in trips),
                           detail_en="; ".join(t.detail_en for t in trips))


def check_pull_age(pulled_at: datetime, now: datetime, limit_min: int) -> None:
    """Raise StalePull when the data is older than ``limit_min`` minutes (no override)."""
    age_min = (now - pulled_at).total_seconds() / 60
    if age_min > limit_min:
        raise StalePull(age_min=f"{age_min:,.0f}", limit_min=limit_min)


# ------------------------------------------------------------------ the guards
def _zero_share(plan: pd.DataFrame, total: int, limits: GuardLimits) -> GuardTrip | None:
    zeroed = int(((plan["target"] == 0) & (plan["before"].fillna(1) > 0)).sum())
    share = zeroed / total if total else 0.0
    if share <= limits.max_zero_share:
        return None
    hard = share > limits.hard_max_zero_share
    limit = limits.hard_max_zero_share if hard else limits.max_zero_share
    return GuardTrip(
        "zero_share", hard,
        f"在庫を 0 にする SKU が {zeroed:,} 件 (全 {total:,} 件の {share:.1%}) あり、上限 {limit:.1%} を超えています",
        f"{zeroed:,} of {total:,} SKUs ({share:.1%}) would be set to 0; the limit is {limit:.1%}")


def _total_change(plan: pd.DataFrame, total_before: int, limits: GuardLimits) -> GuardTrip | None:
    change = int(plan["target"].sum() - plan["before"].fillna(0).sum())
    total_after = total_before + change
    base = max(total_before, total_after)
    share = abs(change) / base if base else 0.0
    if share <= limits.max_total_change_share:
        return None
    hard = share > limits.hard_max_total_change_share
    limit = limits.hard_max_total_change_share if hard else limits.max_total_change_share
    return GuardTrip(
        "total_change", hard,
        f"総在庫が {total_before:,} → {total_after:,} 個 ({change:+,} 個、{share:.1%}) 変わり、上限 {limit:.1%} を超えています",
        f"total stock would change {total_before:,} -> {total_after:,} units ({change:+,}, {share:.1%}); "
        f"the limit is {limit:.1%}")


def _sku_change(plan: pd.DataFrame, limits: GuardLimits) -> GuardTrip | None:
    moves = plan["delta"].abs()
    over = plan[moves > limits.max_sku_change]
    if over.empty:
        return None
    hard_rows = plan[moves > limits.hard_max_sku_change]
    hard = not hard_rows.empty
    shown = (hard_rows if hard else over).reindex(
        (hard_rows if hard else over)["delta"].abs().sort_values(ascending=False).index).head(3)
    examples = ", ".join(f"{r.sku} {int(r.before) if pd.notna(r.before) else 0:,}→{int(r.target):,}"
                         for r in shown.itertuples())
    limit = limits.hard_max_sku_change if hard else limits.max_sku_change
    count = len(hard_rows if hard else over)
    return GuardTrip(
        "sku_change", hard,
        f"1 SKU の変化が上限 {limit:,} 個を超える SKU が {count:,} 件あります (例: {examples})",
        f"{count:,} SKU(s) would move by more than {limit:,} units (e.g. {examples})")
