"""One reconciliation pull as the journal keeps it, what earlier pulls give back, and the summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from zaiko_xl.domain.reconcile import Cause

DIFFERENCE_COLUMNS = ["sku", "cause", "raw_cause", "kind", "diff_rms", "diff_ledger", "suggested", "lag_since"]


@dataclass(frozen=True)
class ReconcileSummary:
    """Counts per cause and the units at risk of one pull (the top of the 在庫比較 sheet)."""

    run_id: str
    as_of: datetime
    skus: int  # rows compared (orphan codes included)
    counts: dict[str, int]  # Cause label -> rows, every cause present (0 when none)
    oversell_units: int  # sum of RMS - expected where RMS shows more than there is
    lost_sale_units: int  # sum of expected - RMS where RMS shows less
    edited: int = 0  # rows whose hand edits were kept
    units: dict[str, int] = field(default_factory=dict)  # Cause label -> sum of |RMS - expected| of its rows

    @property
    def units_at_risk(self) -> int:
        return self.oversell_units + self.lost_sale_units

    @property
    def differing(self) -> int:
        return self.skus - self.counts.get(Cause.AGREE.value, 0)

    def to_frame(self) -> pd.DataFrame:
        """One row per cause: 原因 / cause (en) / 件数 / 差異数量 (units)."""
        return pd.DataFrame({"原因": [c.value for c in Cause], "cause": [c.en for c in Cause],
                             "件数": [self.counts.get(c.value, 0) for c in Cause],
                             "差異数量": [self.units.get(c.value, 0) for c in Cause]})


@dataclass(frozen=True)
class ReconcileRun:
    """What the journal records per pull: the run and its differing rows (agreeing rows are absent)."""

    run_id: str
    at: datetime  # when the run was made
    summary: ReconcileSummary
    differences: pd.DataFrame  # DIFFERENCE_COLUMNS, rows whose cause is not 一致
    suggestions: pd.DataFrame  # sku, suggested (Int64): every row, for hand-edit detection next time
    pulled_at: datetime | None = None  # the pull the numbers came from (None: not known)


@dataclass(frozen=True)
class PullHistory:
    """Earlier pulls: differences with ``run_index`` (0 = latest) and the last suggestions."""

    differences: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["run_index", *DIFFERENCE_COLUMNS]))
    last_suggested: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["sku", "suggested"]))


def summarise(result: pd.DataFrame, run_id: str, as_of: datetime) -> ReconcileSummary:
    """The summary of a ``reconcile_result`` frame (with ``edited`` when hand edits were applied)."""
    counts = result["cause"].value_counts()
    diff = result["diff_rms"].astype("Float64").fillna(0).to_numpy(dtype=float)
    differs = (result["cause"] != Cause.AGREE.value).to_numpy()
    edited = int(result["edited"].sum()) if "edited" in result else 0
    units = pd.Series(np.abs(diff)).groupby(result["cause"].to_numpy()).sum()
    return ReconcileSummary(
        run_id=run_id, as_of=as_of, skus=len(result),
        counts={c.value: int(counts.get(c.value, 0)) for c in Cause},
        oversell_units=int(np.clip(diff[differs], 0, None).sum()),
        lost_sale_units=int(np.clip(-diff[differs], 0, None).sum()), edited=edited,
        units={c.value: int(units.get(c.value, 0)) for c in Cause})


def make_run(result: pd.DataFrame, run_id: str, at: datetime, as_of: datetime,
             pulled_at: datetime | None = None) -> ReconcileRun:
    """The journal record of a reconciled pull."""
    differing = result[result["cause"] != Cause.AGREE.value]
    return ReconcileRun(run_id=run_id, at=at, summary=summarise(result, run_id, as_of),
                        differences=differing[DIFFERENCE_COLUMNS].reset_index(drop=True),
                        suggestions=result[["sku", "suggested"]].reset_index(drop=True), pulled_at=pulled_at)


def one_run_per_pull(runs: list[tuple[int, datetime | None]], pulls: int,
                     current: datetime | None = None) -> list[int]:
    """The runs that stand for the last ``pulls`` earlier pulls: the latest run of each, newest first.

    Reconciling the same pull again is not another pull: a difference counts as seen again
    (and a delay as persisting) only when a new pull shows it. Runs without a known pull time
    each count as a pull.

    Args:
        runs: ``(sequence number, pulled_at)`` of the journaled runs, in any order.
        pulls: how many pulls to give back.
        current: the pull being reconciled now; its earlier runs are left out.
    """
    seen: set[datetime] = {current} if current is not None else set()
    chosen: list[int] = []
    for seq, pulled_at in sorted(runs, key=lambda r: r[0], reverse=True):
        if pulled_at is not None:
            if pulled_at in seen:
                continue
            seen.add(pulled_at)
        chosen.append(seq)
    return chosen[:pulls]


KPI_CAUSES = {Cause.DELAY: "sync_delay", Cause.SPLIT: "split_stock", Cause.NOTATION: "sku_notation",
              Cause.SET: "set_product", Cause.PENDING: "pending_movement", Cause.UNKNOWN: "unknown"}


def kpi_results(run: ReconcileRun) -> pd.DataFrame:
    """The ``reconcile_results`` KPI frame of a run (data-contracts §9): one row per difference class.

    A run without differences gives one row with cause ``""`` and 0 SKUs, so the run still counts.
    """
    rows = [(key, run.summary.counts.get(cause.value, 0)) for cause, key in KPI_CAUSES.items()]
    rows = [row for row in rows if row[1] > 0] or [("", 0)]
    return pd.DataFrame({"run_id": run.run_id, "at": pd.Timestamp(run.at),
                         "cause": [c for c, _ in rows], "skus": [n for _, n in rows]})
