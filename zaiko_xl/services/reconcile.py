"""Use case: reconcile RMS, warehouse and ledger; keep the person's edits; journal the pull.

``reconcile`` is what the CLI command and the 差異チェック button call: it loads the pulled
frames, reads the person's decisions back from the 在庫比較 sheet, compares, writes the sheet
and records the pull in the journal. ``reconcile_frames`` does the same on frames
already in hand (tests, the demo, ``sync``) and writes nothing but the journal.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from zaiko_xl.domain import sync_latency as latency
from zaiko_xl.domain.reconcile import Cause, ReconcileParams
from zaiko_xl.domain.reconcile import reconcile as compare
from zaiko_xl.domain.reconcile_history import keep_hand_edits
from zaiko_xl.domain.reconcile_inputs import SourceFrames, build_reconcile_input
from zaiko_xl.domain.reconcile_run import ReconcileRun, kpi_results, make_run
from zaiko_xl.ports import ComparisonSheet, KpiRecorder, ReconcileHistory, ReconcileSources, SourceWatch
from zaiko_xl.services.reconcile_report import ReconcileReport

HISTORY_PULLS = 10  # earlier pulls read back for the persistence streaks


def reconcile(sources: ReconcileSources, sheet: ComparisonSheet, history: ReconcileHistory, *,
              params: ReconcileParams, as_of: datetime, run_id: str,
              kpi: KpiRecorder | None = None, watch: SourceWatch | None = None) -> ReconcileReport:
    """Load, compare, keep hand edits, write the 在庫比較 sheet, then journal the pull; return the report.

    The journal records the pull only once the sheet is written: a refused write (the workbook
    open in Excel, E501) leaves both as they were. With ``kpi``, the counts per difference class
    are recorded as ``reconcile_results`` (the 在庫差件数 KPI) after the journal. With ``watch``,
    the update latency (``domain.sync_latency``): the pulled warehouse and ledger numbers open a
    change for every SKU whose number moved, and SKUs that agree (一致) close theirs at the pull time.
    """
    frames = sources.load()
    report, run, inputs = _compared(frames, history, params=params, as_of=as_of, run_id=run_id,
                                    decisions=sheet.read_decisions(), at=None)
    sheet.write(report.to_frame(), report.summary)
    history.record(run)
    if kpi is not None:
        kpi.record("reconcile_results", kpi_results(run))
    if watch is not None:
        looked = frames.pulled_at or as_of
        watch.observe(latency.reconcile_values(inputs, frames.ledger), looked)
        watch.shown(latency.agreeing(report.rows, Cause.AGREE.value, looked))
    return report


def reconcile_frames(frames: SourceFrames, history: ReconcileHistory, *, params: ReconcileParams,
                     as_of: datetime, run_id: str, decisions: pd.DataFrame | None = None,
                     at: datetime | None = None) -> ReconcileReport:
    """Compare the frames as of ``as_of`` and journal the pull.

    Args:
        frames: the pulled source frames (data-contracts §2).
        history: the journal of earlier pulls.
        params: tolerances, buffer, channel share and the persistence rule.
        as_of: the moment the numbers are compared at (JST, naive).
        run_id: the id this pull is journaled under.
        decisions: the sheet as read back (``sku``, ``confirmed``, ``push``), if any.
        at: when the run was made (defaults to ``as_of``).
    """
    report, run, _ = _compared(frames, history, params=params, as_of=as_of, run_id=run_id, decisions=decisions,
                               at=at)
    history.record(run)
    return report


def _compared(frames: SourceFrames, history: ReconcileHistory, *, params: ReconcileParams, as_of: datetime,
              run_id: str, decisions: pd.DataFrame | None, at: datetime | None
              ) -> tuple[ReconcileReport, ReconcileRun, pd.DataFrame]:
    """The report, the journal record of one pull (nothing recorded yet) and the compared inputs."""
    earlier = history.previous(max(params.delay_max_pulls + 1, HISTORY_PULLS), frames.pulled_at)
    inputs = build_reconcile_input(frames, as_of)
    result = compare(inputs, params, bom=frames.bom, set_rules=frames.set_rules, history=earlier.differences)
    rows = keep_hand_edits(result, decisions, earlier.last_suggested)
    run = make_run(rows, run_id, at or as_of, as_of, frames.pulled_at)
    return ReconcileReport(rows=rows, summary=run.summary), run, inputs
