"""The result of a reconciliation, as every front end receives it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from zaiko_xl.domain.reconcile_run import ReconcileSummary

# The 在庫比較 sheet's rows: result column -> the sheet's field (adapters/columns.py RECONCILE, in
# sheet order; a test holds the two equal). 差異 = RMS − 計算上の在庫 (what RMS should show).
COMPARISON_FIELDS: dict[str, str] = {
    "sku": "sku", "name": "name", "rms": "rms_quantity", "warehouse": "warehouse_on_hand",
    "ledger": "ledger_balance", "allocated": "open_allocations", "expected": "expected_rms",
    "diff_rms": "difference", "cause": "cause", "suggested": "suggested", "confirmed": "confirmed",
    "push": "push", "evidence": "evidence",
}
CAUSE_ORDER = ("遅延", "分断", "表記揺れ", "セット", "未反映", "不明", "一致")  # the sheet lists differences first


@dataclass(frozen=True)
class ReconcileReport:
    """Rows of the comparison (``reconcile_result`` + ``confirmed``, ``push``, ``edited``) and the summary."""

    rows: pd.DataFrame
    summary: ReconcileSummary

    def to_frame(self) -> pd.DataFrame:
        """The 在庫比較 sheet's rows, field names of the sheet (``cause`` holds the Cause label, 遅延...).

        Differences come first, grouped by cause (in ``CAUSE_ORDER``), then the agreeing rows;
        within a group the item master's order.
        """
        rank = self.rows["cause"].map({c: i for i, c in enumerate(CAUSE_ORDER)}).fillna(len(CAUSE_ORDER))
        ordered = self.rows.iloc[rank.reset_index(drop=True).sort_values(kind="stable").index]
        return ordered[list(COMPARISON_FIELDS)].rename(columns=COMPARISON_FIELDS).reset_index(drop=True)

    def differing(self) -> pd.DataFrame:
        """Only the rows whose cause is not 一致 (for the CLI table)."""
        return self.rows[self.rows["cause"] != "一致"]
