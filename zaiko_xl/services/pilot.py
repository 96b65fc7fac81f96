"""Pilot mode (並行稼働) use case: compare, report, and tell the push side not to send.

The push and sync services call ``push_allowed`` before sending anything; while the pilot is
on they still build their plan, hand it here as ``proposed`` and send nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from zaiko_xl.domain.pilot import LABELS, PilotComparison, compare_pilot, unknown_skus
from zaiko_xl.errors import PilotSkusUnknown


@dataclass(frozen=True)
class PilotOptions:
    enabled: bool
    skus: tuple[str, ...] = ()  # empty: every SKU
    tolerance: int = 0


def push_allowed(options: PilotOptions) -> bool:
    """False while the pilot runs: compute everything, push nothing."""
    return not options.enabled


def pilot_report(proposed: pd.DataFrame, current: pd.DataFrame, physical: pd.DataFrame,
                 options: PilotOptions) -> PilotComparison:
    """The comparison for the pilot SKUs; unknown pilot SKUs are refused (E740) rather than silently dropped."""
    if options.skus:
        known = pd.concat([proposed["sku"], current["sku"], physical["sku"]], ignore_index=True)
        missing = unknown_skus(list(options.skus), known)
        if missing:
            raise PilotSkusUnknown(count=len(missing), examples=", ".join(missing[:5]))
    return compare_pilot(proposed, current, physical, options.tolerance, list(options.skus) or None)


def pilot_sheet(comparison: PilotComparison) -> pd.DataFrame:
    """The 並行稼働 sheet: one row per SKU, Japanese/English headers, the finding spelled out."""
    rows = comparison.rows
    sheet = pd.DataFrame({"SKU": rows["sku"], "判定 / finding": rows["finding"].map(LABELS),
                          "現在の RMS / RMS now": rows["current"], "zaiko-xl 案 / zaiko-xl": rows["proposed"],
                          "差 / difference": rows["difference"], "出荷可能 / can ship": rows["safe"]})
    if "reorder_diff" in rows.columns:
        sheet["発注数の差 / reorder difference"] = rows["reorder_diff"]
    return sheet


def pilot_summary(comparison: PilotComparison) -> list[str]:
    """Bilingual lines for the terminal, the e-mail and the sheet header."""
    c = comparison.counts
    lines = [f"{LABELS[f]}: {c[f]} SKU" for f in c if c[f]]
    lines.append(f"売り越しの恐れのある数量 / units at risk of oversell: {comparison.units_at_risk}")
    lines.append(f"表示されていない出荷可能数 / sellable units not shown: {comparison.units_hidden}")
    return lines
