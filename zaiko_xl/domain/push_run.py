"""A journaled push run: states, and how a batch of unknown outcome is settled (pure).

A batch goes ``planned -> sending -> applied | failed | unknown``. ``sending`` is written to
the journal (with the value each SKU had right before, ``pre``) before the request leaves;
a run killed after that point leaves ``sending`` behind, which means the same as ``unknown``:
the request may or may not have been applied.

Settling an unknown batch (:func:`settle`) reads its SKUs back and compares each one with
what was journaled right before the request: its quantity ``pre`` and RMS's ``updated``.

* **untouched** (same quantity, same ``updated``): nothing wrote to the SKU since, so our
  write was not applied to it. This is strong evidence.
* **moved by its delta**: our write *or* orders that happen to add up to the delta (one unit
  sold on a SKU whose delta is -1). This is weak evidence, one SKU at a time.
* anything else: orders moved it too; no evidence either way.

RMS applies a bulk-upsert as a whole (rms-api.md §2.5, the safe reading), so a batch is
decided as a whole: **not applied** when some SKU is untouched and fewer than half moved by
their delta; **applied** when no SKU is untouched and at least half moved by their delta
(an applied write touches every SKU of the batch). Every other picture (e.g. untouched SKUs
next to a majority that moved: a partial write) decides nothing: those SKUs stay
``unknown`` and are reported, never guessed. A SKU written ABSOLUTE (RMS had no record) was
applied exactly when a record exists now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import numpy as np
import pandas as pd


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


def settle(items: pd.DataFrame, now: pd.DataFrame) -> Settlement:
    """Decide whether an unknown write was applied, from a read-back.

    Args:
        items: the batch's sent items: ``key`` (``manage_number:variant_id``), ``mode``,
            ``delta``, ``pre`` (nullable: no record right before the write) and
            ``pre_updated`` (RMS's ``updated`` then, ISO text; nullable).
        now: read back, indexed by ``key``: ``quantity``, ``updated`` (ISO text); SKUs without
            a record are absent.

    Returns:
        The settlement (see the module docstring for the rule).
    """
    back = now.reindex(items["key"])
    q_now = back["quantity"].to_numpy(dtype="float64", na_value=np.nan)
    absolute = (items["mode"] == "ABSOLUTE").to_numpy()
    relative = ~absolute
    pre = items["pre"].to_numpy(dtype="float64", na_value=np.nan)
    moved = relative & (q_now - pre == items["delta"].to_numpy(dtype="float64"))
    same_time = (back["updated"].astype(object).to_numpy() == items["pre_updated"].astype(object).to_numpy()) | \
        items["pre_updated"].isna().to_numpy()
    untouched = relative & (q_now == pre) & same_time
    outcomes = np.full(len(items), Outcome.UNKNOWN.value, dtype=object)
    outcomes[absolute] = np.where(np.isnan(q_now[absolute]), Outcome.NOT_APPLIED, Outcome.APPLIED)
    sent, hits, calm = int(relative.sum()), int(moved.sum()), int(untouched.sum())
    if calm and 2 * hits < sent:
        outcomes[relative], verdict = Outcome.NOT_APPLIED, "not applied"
    elif not calm and sent and 2 * hits >= sent:
        outcomes[relative], verdict = Outcome.APPLIED, "applied"
    else:
        verdict = "undecided"
    reason = f"{verdict}: {calm} untouched, {hits} moved by their delta, {sent - calm - hits} changed by orders"
    return Settlement(outcomes=outcomes, reason=reason)


def rms_keys(frame: pd.DataFrame) -> pd.Series:
    """``manage_number:variant_id`` per row (the key used to match RMS reads)."""
    return frame["manage_number"].astype(str) + ":" + frame["variant_id"].astype(str)
