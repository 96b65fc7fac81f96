"""Suppliers: closed days in a one-cell text form, and which supplier each SKU is bought from.

Closed days (年末年始, お盆) in a one-cell text form that shop staff can edit.

Form: ``2025-12-29..2026-01-04 年末年始; 2026-08-13..2026-08-16 お盆`` (inclusive dates,
an optional label after a space, periods separated by ``;``). Used by the ``suppliers``
frame's ``closed`` column, the suppliers sheet and ``suppliers.csv``.

Rule for the alternative: a SKU is ordered from its alternative supplier when the preferred
supplier's lead time on the order date is longer than usual because of its closed days
(年末年始, お盆), the stock on hand and on order would run out before that delivery
(lead time > IP / d), and the alternative delivers sooner. Otherwise the preferred one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
import pandas as pd

from zaiko_xl.domain.model import ClosedPeriod

_PERIOD = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*(.*?)\s*$")


def format_closed_periods(periods: Iterable[ClosedPeriod]) -> str:
    """``ClosedPeriod``s -> the one-cell text form."""
    return "; ".join(f"{p.start.isoformat()}..{p.end.isoformat()}" + (f" {p.label}" if p.label else "")
                     for p in periods)


def parse_closed_periods(text: str | None) -> tuple[ClosedPeriod, ...]:
    """The one-cell text form -> ``ClosedPeriod``s (empty text: none).

    Raises:
        ValueError: a part that is not ``YYYY-MM-DD..YYYY-MM-DD [label]`` or ends before it starts.
    """
    periods = []
    for part in (text or "").replace("；", ";").split(";"):
        if not part.strip():
            continue
        found = _PERIOD.match(part)
        if not found:
            raise ValueError(f"not a closed period 'YYYY-MM-DD..YYYY-MM-DD label': {part.strip()!r}")
        start, end = date.fromisoformat(found[1]), date.fromisoformat(found[2])
        if end < start:
            raise ValueError(f"closed period ends before it starts: {part.strip()!r}")
        periods.append(ClosedPeriod(start=start, end=end, label=found[3]))
    return tuple(periods)


def closed_dates(periods: Iterable[ClosedPeriod]) -> list[date]:
    """Every date inside the periods, sorted, without repeats."""
    days = set()
    for p in periods:
        days.update(p.start + timedelta(days=i) for i in range((p.end - p.start).days + 1))
    return sorted(days)


NOTE_ALTERNATIVE = "優先仕入先 {preferred} 休業のため代替 / preferred {preferred} closed: alternative"
NOTE_CLOSED = "休業 {labels}"


def assign_suppliers(items: pd.DataFrame, assignments: pd.DataFrame | None) -> pd.DataFrame:
    """Preferred and alternative supplier and per-SKU MOQ / case pack overrides, indexed by SKU.

    ``assignments`` rows override the item master's ``supplier`` / ``alt_supplier``; NaN
    ``moq`` / ``case_pack`` mean "the supplier's default".
    """
    base = pd.DataFrame({"preferred": _codes(items["supplier"]).to_numpy(),
                         "alternative": _codes(items["alt_supplier"]).to_numpy(), "moq": np.nan, "case_pack": np.nan},
                        index=pd.Index(items["sku"].astype(str).to_numpy(), name="sku"))
    if assignments is None or assignments.empty:
        return base
    over = assignments.drop_duplicates("sku", keep="last").set_index("sku")
    common = base.index.intersection(over.index)
    base.loc[common, "preferred"] = _codes(over.loc[common, "supplier"]).to_numpy()
    alt = _codes(over.loc[common, "alt_supplier"])
    base.loc[common, "alternative"] = np.where(alt != "", alt, base.loc[common, "alternative"])
    for column in ("moq", "case_pack"):
        base.loc[common, column] = pd.to_numeric(over.loc[common, column], errors="coerce").to_numpy()
    return base


def _codes(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.strip()


def use_alternative(preferred_days: np.ndarray, preferred_usual_days: np.ndarray, alternative_days: np.ndarray,
                    position: np.ndarray, demand_mean: np.ndarray) -> np.ndarray:
    """True where the alternative supplier should get the order (rule in the module docstring)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        cover = np.where(demand_mean > 0, np.maximum(position, 0.0) / np.where(demand_mean > 0, demand_mean, 1.0),
                         np.inf)
        return ((preferred_days > preferred_usual_days) & (preferred_days > cover)
                & np.isfinite(alternative_days) & (alternative_days < preferred_days))


def supplier_notes(switched: np.ndarray, preferred: np.ndarray, closure_labels: np.ndarray) -> np.ndarray:
    """Why each SKU has its supplier: the alternative because of a closure, or the preferred one's closures."""
    head, middle, tail = NOTE_ALTERNATIVE.split("{preferred}")
    before, after = NOTE_CLOSED.split("{labels}")
    closed = np.where(closure_labels != "", before + closure_labels + after, "")
    return np.where(switched, head + preferred + middle + preferred + tail, closed)
