"""`zaiko-xl pull`, KPI part: the pull's numbers into the KPI history, after its sheets are written.

The frames come from ``domain.kpi_capture``; each is recorded through the ``KpiRecorder`` port
(the journal's KPI store) in its own transaction. A failure does not undo the pull (its sheets
and journal record are written already): it comes back as a ``KpiNotRecorded`` warning (E703)
in the pull report, the frames that could be recorded stay recorded, and the next pull of the
same day records that day again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from zaiko_xl.domain.kpi_capture import PulledForKpi, kpi_frames
from zaiko_xl.domain.pull_match import Master, ResolvedPull
from zaiko_xl.errors import KpiNotRecorded, ZaikoError
from zaiko_xl.ports import KpiRecorder

FRAME_ORDER = ("items", "stock_history", "orders", "returns")


@dataclass(frozen=True)
class KpiRecording:
    """What a pull recorded: rows per frame (as the store counts them), and the failure if any."""

    rows: dict[str, int] = field(default_factory=dict)
    problem: KpiNotRecorded | None = None


def pulled_for_kpi(master: Master, resolved: ResolvedPull, rms_orders: pd.DataFrame, at: datetime) -> PulledForKpi:
    """The frames of a resolved pull that the KPI history is built from (``rms_orders``: the RMS order lines)."""
    reasons = pd.Series(dtype="str")
    if "cancel_reason" in rms_orders:  # one reason per order: its lines share it
        per_order = rms_orders.drop_duplicates("order_number", keep="last")
        reasons = pd.Series(per_order["cancel_reason"].to_numpy(), index=per_order["order_number"].to_numpy())
    sheets = resolved.sheets
    ledger = resolved.ledger if resolved.ledger is not None else pd.DataFrame(
        columns=["sku", "kind", "quantity", "at", "reference"])
    return PulledForKpi(at=at, items=master.items, bom=master.bom, rms_stock=sheets["rms_stock"],
                        warehouse=sheets["warehouse"], orders=sheets["orders"], cancel_reasons=reasons, ledger=ledger)


def record_pull_kpis(recorder: KpiRecorder, pulled: PulledForKpi) -> KpiRecording:
    """Build the frames and record each one; failures are collected, never raised."""
    try:
        frames = kpi_frames(pulled)
    except ZaikoError as exc:
        return KpiRecording(problem=_problem(FRAME_ORDER, exc))
    rows: dict[str, int] = {}
    failed: list[str] = []
    first: ZaikoError | None = None
    for name in FRAME_ORDER:
        if name not in frames:
            continue
        try:
            rows[name] = recorder.record(name, frames[name])
        except ZaikoError as exc:
            failed.append(name)
            first = first or exc
    return KpiRecording(rows, _problem(failed, first) if first is not None else None)


def _problem(frames: Sequence[str], exc: ZaikoError) -> KpiNotRecorded:
    return KpiNotRecorded(frames=", ".join(frames), code=exc.code, detail_ja=exc.message("ja"),
                          detail_en=exc.message("en"))
