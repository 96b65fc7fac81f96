"""Pilot mode (並行稼働): where zaiko-xl's numbers differ from the shop's current operation. Pure.

During a pilot zaiko-xl computes everything for a chosen set of SKUs but pushes nothing; the
shop keeps running as before. Per SKU, this compares what zaiko-xl would show on RMS
(``proposed``) with what RMS shows now, set by the shop's current process (``current``), and
judges each difference against what can really be shipped (``safe`` = on hand - open
allocations, never below 0):

- ``same``: |proposed - current| <= tolerance;
- ``oversell_risk``: RMS shows more than can be shipped (current > safe) and zaiko-xl would not;
- ``lost_sales``: RMS shows 0 although units can be shipped, and zaiko-xl would show them (sold out
  on the shop page while the shelf is not: 機会損失);
- ``check``: zaiko-xl itself would show more than can be shipped (must never happen; look at it);
- ``higher`` / ``lower``: any other difference (buffers, channel shares, set rules).
Reorder quantities are compared too when both sides give them (``reorder_diff``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

FINDINGS = ("oversell_risk", "lost_sales", "check", "higher", "lower", "same")
LABELS = {"oversell_risk": "売り越しの恐れ / oversell risk", "lost_sales": "販売機会の損失 / lost sales",
          "check": "要確認 / check", "higher": "zaiko-xl が多い / zaiko-xl higher",
          "lower": "zaiko-xl が少ない / zaiko-xl lower", "same": "一致 / same"}


@dataclass(frozen=True)
class PilotComparison:
    rows: pd.DataFrame  # sku, current, proposed, safe, difference, finding, [shop_reorder, reorder, reorder_diff]
    counts: dict[str, int]  # finding -> SKUs
    units_at_risk: int  # sum of (current - safe) over oversell_risk SKUs
    units_hidden: int  # sum of the units that can ship over lost_sales SKUs (RMS shows 0 there)


def compare_pilot(proposed: pd.DataFrame, current: pd.DataFrame, physical: pd.DataFrame, tolerance: int = 0,
                  skus: list[str] | None = None) -> PilotComparison:
    """``proposed``: sku, proposed [, reorder]; ``current``: sku, current [, shop_reorder];
    ``physical``: sku, on_hand, allocated. Only ``skus`` when given (SKUs missing on a side count as 0)."""
    rows = proposed.merge(current, on="sku", how="outer").merge(physical, on="sku", how="left")
    if skus:
        rows = rows.loc[rows["sku"].isin(skus)]
    for column in ("proposed", "current", "on_hand", "allocated"):
        rows[column] = rows[column].fillna(0).astype(np.int64)
    rows["safe"] = (rows["on_hand"] - rows["allocated"]).clip(lower=0)
    rows["difference"] = rows["proposed"] - rows["current"]
    rows["finding"] = _findings(rows, tolerance)
    if {"reorder", "shop_reorder"} <= set(rows.columns):
        rows["reorder_diff"] = rows["reorder"].fillna(0).astype(np.int64) - rows["shop_reorder"].fillna(0).astype(np.int64)
    rank = {f: i for i, f in enumerate(FINDINGS)}
    rows = rows.sort_values(["finding", "sku"], key=lambda c: c.map(rank) if c.name == "finding" else c)
    risk = rows["finding"] == "oversell_risk"
    hidden = rows["finding"] == "lost_sales"
    return PilotComparison(
        rows.reset_index(drop=True).drop(columns=["on_hand", "allocated"]),
        {f: int((rows["finding"] == f).sum()) for f in FINDINGS},
        int((rows.loc[risk, "current"] - rows.loc[risk, "safe"]).sum()),
        int((rows.loc[hidden, "safe"] - rows.loc[hidden, "current"]).sum()))


def _findings(rows: pd.DataFrame, tolerance: int) -> np.ndarray:
    proposed, current, safe = rows["proposed"], rows["current"], rows["safe"]
    return np.select(
        [(proposed - current).abs() <= tolerance, proposed > safe, (current > safe) & (proposed < current),
         (current == 0) & (safe > 0) & (proposed > 0), proposed > current],
        ["same", "check", "oversell_risk", "lost_sales", "higher"], default="lower")


def unknown_skus(skus: list[str], known: pd.Series) -> list[str]:
    """Pilot SKUs that none of the data knows (a typo in zaiko.toml)."""
    present = set(known)
    return [s for s in skus if s not in present]
