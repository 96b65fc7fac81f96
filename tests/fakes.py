"""Working in-memory fakes, one per port. Tests assert on their end state."""

from __future__ import annotations

import pandas as pd

from zaiko_xl.domain.reconcile_inputs import SourceFrames
from zaiko_xl.domain.reconcile_run import PullHistory, ReconcileRun, ReconcileSummary


# ---------------------------------------------------------------- reconciliation
class FakeReconcileSources:
    def __init__(self, frames: SourceFrames) -> None:
        self.frames = frames

    def load(self) -> SourceFrames:
        return self.frames


class FakeComparisonSheet:
    """The 在庫比較 sheet in memory; ``edit`` plays the person."""

    def __init__(self) -> None:
        self.rows: pd.DataFrame | None = None
        self.summary: ReconcileSummary | None = None

    def read_decisions(self) -> pd.DataFrame:
        if self.rows is None:
            return pd.DataFrame({"sku": [], "confirmed": pd.array([], dtype="Int64"), "push": []})
        return pd.DataFrame({"sku": self.rows["SKU"], "confirmed": self.rows["確定在庫"].astype("Int64"),
                             "push": self.rows["反映"].astype(bool)})

    def write(self, rows: pd.DataFrame, summary: ReconcileSummary) -> None:
        self.rows, self.summary = rows.copy(), summary

    def edit(self, sku: str, *, confirmed: int | None = None, push: bool | None = None) -> None:
        at = self.rows.index[self.rows["SKU"] == sku][0]
        if confirmed is not None:
            self.rows.loc[at, "確定在庫"] = confirmed
        if push is not None:
            self.rows.loc[at, "反映"] = push


class FakeReconcileHistory:
    def __init__(self) -> None:
        self.runs: list[ReconcileRun] = []

    def previous(self, pulls: int) -> PullHistory:
        latest = self.runs[::-1][:pulls]
        diffs = [run.differences.assign(run_index=i) for i, run in enumerate(latest)]
        frame = pd.concat(diffs, ignore_index=True) if diffs else PullHistory().differences
        last = self.runs[-1].suggestions if self.runs else PullHistory().last_suggested
        return PullHistory(differences=frame, last_suggested=last)

    def record(self, run: ReconcileRun) -> None:
        self.runs.append(run)
