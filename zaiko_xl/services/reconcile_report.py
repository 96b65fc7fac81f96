"""The result of a reconciliation, as every front end receives it."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from zaiko_xl.domain.reconcile_run import ReconcileSummary

# The 在庫比較 sheet: frame column -> sheet header (Japanese; the template's header row).
COMPARISON_SHEET = "在庫比較"
COMPARISON_COLUMNS: dict[str, str] = {
    "sku": "SKU", "name": "商品名", "rms": "RMS", "warehouse": "倉庫", "ledger": "台帳", "allocated": "引当",
    "diff_rms": "差異", "cause": "原因", "evidence": "根拠", "confirmed": "確定在庫", "push": "反映",
}


@dataclass(frozen=True)
class ReconcileReport:
    """Rows of the comparison (``reconcile_result`` + ``confirmed``, ``push``, ``edited``) and the summary."""

    rows: pd.DataFrame
    summary: ReconcileSummary

    def to_frame(self) -> pd.DataFrame:
        """The 在庫比較 sheet's rows: Japanese headers in sheet order (差異 = RMS − 計算上の在庫)."""
        return self.rows[list(COMPARISON_COLUMNS)].rename(columns=COMPARISON_COLUMNS).reset_index(drop=True)

    def differing(self) -> pd.DataFrame:
        """Only the rows whose cause is not 一致 (for the CLI table)."""
        return self.rows[self.rows["cause"] != "一致"]
