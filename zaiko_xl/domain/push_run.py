"""A journaled push run: states, and how a batch of unknown outcome is settled (pure).

A batch goes ``planned -> sending -> applied | failed | unknown``. ``sending`` is written to
the journal (with the value each SKU had right before, ``pre``) before the request leaves;
a run killed after that point leaves ``sending`` behind, which means the same as ``unknown``:
the request may or may not have been applied.

Settling an unknown batch (:func:`settle`) reads the SKUs back and compares each one with
its ``pre`` value: ``now - pre == delta`` is evidence that the write was applied, ``now ==
pre`` that it was not; any other difference comes from orders placed or cancelled meanwhile
and says nothing. An order can also *mimic* the other outcome (one unit sold on a SKU whose
delta is -1), so single SKUs are never trusted alone: RMS applies a bulk-upsert as a whole
(rms-api.md §2.5, the safe reading), so the batch is decided by the majority of its clear
SKUs when the minority is small enough to be such orders (at most 1, or ``NOISE_SHARE`` of
them), and every SKU of the batch, noisy ones included, gets that outcome. A real split (a
partial write) trusts each clear SKU and leaves the noisy ones unknown; a tie decides
nothing. A SKU written ABSOLUTE (RMS had no record) was applied exactly when a record
exists now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import numpy as np
import pandas as pd

NOISE_SHARE = 0.1  # clear SKUs that may contradict their batch (orders that mimic the other outcome)


class RunKind(StrEnum):
    PUSH = "push"  # from the 在庫比較 sheet
    SYNC = "sync"  # unattended: pull -> targets -> push
    ROLLBACK = "rollback"  # inverse deltas of an earlier run


class RunState(StrEnum):
    RUNNING = "running"  # journaled; batches are being sent (or the process died)
    DONE = "done"  # every batch applied (or settled as applied)
    UNSETTLED = "unsettled"  # some batch's outcome is still unknown: resume later
    FAILED = "failed"  # RMS refused some SKUs; the rest was applied
    REFUSED = "refused"  # a guard stopped it; nothing was sent


class BatchState(StrEnum):
    PLANNED = "planned"
    SENDING = "sending"  # journaled before the request; outcome unknown if we never got past it
    APPLIED = "applied"
    UNKNOWN = "unknown"  # timeout, dropped connection, 5xx: may have been applied
    FAILED = "failed"  # RMS refused it: not applied

    @property
    def open(self) -> bool:
        return self in (BatchState.PLANNED, BatchState.SENDING, BatchState.UNKNOWN)


class Outcome(StrEnum):
    APPLIED = "applied"
    NOT_APPLIED = "not_applied"
    UNKNOWN = "unknown"
    FAILED = "failed"  # refused by RMS
    SKIPPED = "skipped"  # RMS's record appeared or vanished since the pull: not sent


@dataclass(frozen=True)
class RunHeader:
    """What the journal keeps about a run besides its items."""

    run_id: str
    kind: RunKind
    source: str
    created_at: datetime
    pulled_at: datetime | None
    state: RunState = RunState.RUNNING
    rollback_of: str | None = None
    total_skus: int = 0
    total_units_before: int = 0
    finished_at: datetime | None = None
    summary: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RunRecord:
    """A run as read from the journal.

    Attributes:
        header: the run.
        items: one row per SKU: ``seq``, ``batch_no``, plan columns, ``pre``, ``post``, ``outcome``.
        batches: ``batch_no``, ``mode``, ``state``, ``attempts``, ``sent_at``.
        rolled_back_by: the run id of a finished rollback of this run, if any.
    """

    header: RunHeader
    items: pd.DataFrame
    batches: pd.DataFrame
    rolled_back_by: str | None = None


@dataclass(frozen=True)
class Settlement:
    """The outcome of each SKU of a batch (aligned with its items) and a one-line reason."""

    outcomes: np.ndarray
    reason: str

    @property
    def batch_state(self) -> BatchState | None:
        """APPLIED, PLANNED (send again: nothing was applied) or None (still unknown)."""
        values = set(self.outcomes.tolist())
        if values <= {Outcome.APPLIED, Outcome.SKIPPED}:
            return BatchState.APPLIED
        if values <= {Outcome.NOT_APPLIED, Outcome.SKIPPED}:
            return BatchState.PLANNED
        return None


def settle(items: pd.DataFrame, now: pd.Series) -> Settlement:
    """Decide whether an unknown write was applied, SKU by SKU.

    Args:
        items: the batch's items: ``key`` (``manage_number:variant_id``), ``mode``, ``delta``,
            ``pre`` (nullable: RMS had no record right before the write).
        now: ``key`` -> quantity read back now (missing: no record).

    Returns:
        The settlement (see the module docstring for the rule).
    """
    now_values = now.reindex(items["key"]).to_numpy(dtype="float64", na_value=np.nan)
    absolute = (items["mode"] == "ABSOLUTE").to_numpy()
    diff = now_values - items["pre"].to_numpy(dtype="float64", na_value=np.nan)
    delta = items["delta"].to_numpy(dtype="float64")
    applied = ~absolute & (diff == delta)
    not_applied = ~absolute & (diff == 0) & (delta != 0)
    outcomes = np.full(len(items), Outcome.UNKNOWN.value, dtype=object)
    outcomes[absolute] = np.where(np.isnan(now_values[absolute]), Outcome.NOT_APPLIED, Outcome.APPLIED)
    yes, no = int(applied.sum()), int(not_applied.sum())
    relative = ~absolute
    noisy = int(relative.sum()) - yes - no
    if _clear_majority(yes, no):
        outcomes[relative] = Outcome.APPLIED if yes > no else Outcome.NOT_APPLIED
        reason = f"batch {'applied' if yes > no else 'not applied'}: {yes} SKUs moved by their delta, {no} unchanged, " \
                 f"{noisy} changed by orders"
    elif yes != no:  # a real split: RMS applied part of the batch; trust each clear SKU, never the noisy ones
        outcomes[applied] = Outcome.APPLIED
        outcomes[not_applied] = Outcome.NOT_APPLIED
        reason = f"partial write: {yes} moved, {no} unchanged, {noisy} undecided"
    else:
        reason = f"undecided: {yes} moved, {no} unchanged, {noisy} changed by orders"
    return Settlement(outcomes=outcomes, reason=reason)


def _clear_majority(yes: int, no: int) -> bool:
    """One outcome wins and the other is few enough to be orders that look like it."""
    majority, minority = max(yes, no), min(yes, no)
    return majority > minority and minority <= max(1, NOISE_SHARE * (yes + no))


def rms_keys(frame: pd.DataFrame) -> pd.Series:
    """``manage_number:variant_id`` per row (the key used to match RMS reads)."""
    return frame["manage_number"].astype(str) + ":" + frame["variant_id"].astype(str)
