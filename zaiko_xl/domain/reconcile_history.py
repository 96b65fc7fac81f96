"""What earlier pulls say about this one (pure): persistence streaks and hand edits.

``history`` frame (what ``ReconcileHistory.previous`` returns, data-contracts §8): one row
per SKU that differed in one of the last pulls: ``run_index`` (0 = the latest previous
pull, 1 = the one before, ...), ``sku``, ``raw_cause``, ``cause``, ``lag_since``. A SKU
absent from a pull agreed in it.

Hand edits: the comparison sheet is read back before it is rewritten. A row counts as
edited by hand when 反映 is ticked, or when its 確定在庫 is not blank and differs from the
suggestion it was written with: the sheet's own 提案在庫 when the read-back carries it
(``suggested``), else the suggestion the journal recorded for that SKU in the last pull (or
the journal has no suggestion for it). The sheet's own column is preferred: it is what the
person saw, and it stays right when the journal is moved or another run (``sync``) has
journaled a newer suggestion that was never written to the sheet. Edited rows keep the person's 確定在庫 and 反映; every other column is
refreshed. Emptying a 確定在庫 cell (and leaving 反映 unticked) hands the row back to the
suggestion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DELAY = "遅延"


def streaks(current: pd.DataFrame, history: pd.DataFrame | None) -> pd.DataFrame:
    """Per row of ``current`` (sku, raw_cause, lag_since): consecutive previous pulls.

    Returns a frame aligned with ``current`` with ``diff_streak`` (previous pulls in a row,
    counting back from the latest, in which the SKU differed) and ``delay_streak`` (previous
    pulls in a row in which it was a 遅延 with the same ``lag_since`` as now).
    """
    n = len(current)
    if history is None or history.empty:
        return pd.DataFrame({"diff_streak": np.zeros(n, np.int64), "delay_streak": np.zeros(n, np.int64)})
    history = history[history["cause"] != "一致"]  # the journal keeps differences only; be strict anyway
    diff = _leading_run(history[["sku", "run_index"]])
    same_lag = history[history["raw_cause"] == DELAY].merge(
        current.loc[current["raw_cause"] == DELAY, ["sku", "lag_since"]], on=["sku", "lag_since"])
    delay = _leading_run(same_lag[["sku", "run_index"]])
    skus = current["sku"].astype(str)
    return pd.DataFrame({"diff_streak": skus.map(diff).fillna(0).to_numpy(np.int64),
                         "delay_streak": skus.map(delay).fillna(0).to_numpy(np.int64)})


def _leading_run(rows: pd.DataFrame) -> pd.Series:
    """Per SKU, how many of run_index 0, 1, 2, ... are present without a gap."""
    if rows.empty:
        return pd.Series(dtype=np.int64)
    rows = rows.drop_duplicates().sort_values(["sku", "run_index"])
    in_order = rows["run_index"].to_numpy() == rows.groupby("sku").cumcount().to_numpy()
    unbroken = pd.Series(in_order, index=rows.index).groupby(rows["sku"]).cumprod()
    return unbroken.groupby(rows["sku"].astype(str)).sum()


def keep_hand_edits(result: pd.DataFrame, sheet: pd.DataFrame | None,
                    last_suggested: pd.DataFrame | None) -> pd.DataFrame:
    """Add ``confirmed``, ``push`` and ``edited`` to ``result``, keeping the person's edits.

    Args:
        result: the ``reconcile_result`` frame (``sku``, ``suggested``, ...).
        sheet: the comparison sheet as read back: ``sku``, ``confirmed`` (Int64), ``push`` (bool),
            optionally ``suggested`` (Int64: the 提案在庫 the row was written with).
        last_suggested: from the journal: ``sku``, ``suggested`` (Int64) of the last pull.
    """
    out = result.copy()
    out["confirmed"], out["push"], out["edited"] = out["suggested"], False, False
    if sheet is None or sheet.empty:
        return out
    rows = sheet.assign(sku=sheet["sku"].astype(str)).drop_duplicates("sku", keep="last").set_index("sku")
    confirmed = out["sku"].map(rows["confirmed"]).astype("Int64")
    ticked = out["sku"].map(rows["push"]).fillna(False).astype(bool)
    on_sheet = out["sku"].isin(rows.index)
    known = pd.Series(dtype="Int64") if last_suggested is None or last_suggested.empty else \
        last_suggested.drop_duplicates("sku", keep="last").set_index("sku")["suggested"].astype("Int64")
    if "suggested" in rows:
        base, has_base = out["sku"].map(rows["suggested"]).astype("Int64"), on_sheet
    else:
        base, has_base = out["sku"].map(known).astype("Int64"), out["sku"].isin(known.index)
    differs = confirmed.notna() & (~has_base | base.isna() | (confirmed != base).fillna(True))
    edited = on_sheet & (ticked | differs)
    out["confirmed"] = out["suggested"].where(~edited, confirmed)
    out["push"] = ticked & edited
    out["edited"] = edited.to_numpy(dtype=bool)
    return out
