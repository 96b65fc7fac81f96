"""Push use cases: preview a plan, send it guarded and journaled, resume, roll back.

A plan (``domain.push_plan``) becomes a journaled run; ``push_executor`` sends it (see its
docstring for the write protocol). Every writing use case holds the run lock, refuses to
start while an interrupted run is waiting for ``--resume``, and checks the guards first.

Rollback sends RELATIVE inverse deltas (``-delta`` of every applied SKU) on top of today's
values: orders placed since the push stay subtracted, so rollback never re-shows units that
were sold meanwhile (an ABSOLUTE "value before" would). A SKU that sold more than the push
added stops at 0. The rollback is a run like any other: guarded, journaled, resumable, and
itself reversible.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

import pandas as pd

from zaiko_xl.domain.guards import GuardLimits, GuardTrip, check_plan, check_pull_age, enforce
from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.push_plan import PLAN_COLUMNS, batches, inverse_plan, summary
from zaiko_xl.domain.push_run import Outcome, RunHeader, RunKind, RunRecord, RunState
from zaiko_xl.errors import (
    ConfirmationNeeded,
    GuardHardLimit,
    GuardTripped,
    RunAlreadyRolledBack,
    RunNotFound,
    RunNotRollbackable,
    RunUnfinished,
    WriteOutcomeUnknown,
)
from zaiko_xl.ports import NullProgress, Progress, PushJournal, RmsStockWriter, RunLock, SourceWatch
from zaiko_xl.services.push_executor import BatchExecutor


@dataclass(frozen=True)
class PushDeps:
    """The ports and the clock a push needs."""

    rms: RmsStockWriter
    journal: PushJournal
    lock: RunLock
    now: Callable[[], datetime]
    sleep: Callable[[float], None]
    progress: Progress = field(default_factory=NullProgress)
    timer: Callable[[], float] = time.monotonic  # for durations (``now`` has whole seconds)
    watch: SourceWatch | None = None  # update latency: applied SKUs close their open changes


@dataclass(frozen=True)
class PushOptions:
    limits: GuardLimits = field(default_factory=GuardLimits)
    batch_size: int = 400
    settle_s: float = 2.0  # wait before reading back a write of unknown outcome
    settle_rounds: int = 5
    confirmed: bool = False  # --yes, or a person confirmed in Excel


@dataclass(frozen=True)
class PlanContext:
    """Where a plan came from, for the guards and the journal."""

    kind: RunKind
    source: str
    pulled_at: datetime | None
    total_skus: int
    total_units_before: int
    rollback_of: str | None = None


@dataclass(frozen=True)
class Preview:
    plan: pd.DataFrame
    counts: dict[str, int]
    trips: list[GuardTrip]


@dataclass(frozen=True)
class PushResult:
    run_id: str
    kind: RunKind
    state: RunState
    counts: dict[str, int]
    requests: int = 0
    settled: int = 0
    resent: int = 0
    seconds: float = 0.0
    unknown: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    items: pd.DataFrame | None = field(default=None, repr=False)  # sku, plan columns, pre, outcome, applied_at

    def shown(self) -> pd.DataFrame:
        """``sku``, ``shown_at``: the SKUs applied and when (RMS shows their targets from then)."""
        if self.items is None:
            return pd.DataFrame({"sku": pd.Series(dtype=object), "shown_at": pd.Series(dtype="datetime64[ns]")})
        applied = self.items[self.items["applied_at"].notna()]
        return pd.DataFrame({"sku": applied["sku"].astype(str).to_numpy(),
                             "shown_at": applied["applied_at"].to_numpy(dtype="datetime64[ns]")})

    def outcomes(self) -> pd.Series:
        """``sku`` -> outcome (applied, failed, skipped, unknown, ...)."""
        if self.items is None:
            return pd.Series(dtype=object)
        return pd.Series(self.items["outcome"].to_numpy(), index=self.items["sku"].astype(str).to_numpy())


def preview(plan: pd.DataFrame, context: PlanContext, limits: GuardLimits) -> Preview:
    """The plan with its counts and the guards it would trip (nothing is sent)."""
    trips = check_plan(plan, total_skus=context.total_skus, total_units_before=context.total_units_before,
                       limits=limits)
    return Preview(plan=plan, counts=summary(plan), trips=trips)


def send(plan: pd.DataFrame, context: PlanContext, deps: PushDeps, options: PushOptions) -> PushResult:
    """Check the guards, journal the plan as a run, and send it.

    Raises:
        StalePull: the pull is older than allowed (read again first).
        GuardTripped / GuardHardLimit: a guard stopped it (journaled as ``refused``).
        RunUnfinished: an interrupted run must be resumed first.
        RunInProgress: another run holds the lock.
    """
    with deps.lock.hold(f"{context.kind.value} ({context.source})"):
        return send_locked(plan, context, deps, options)


def resume(deps: PushDeps, options: PushOptions) -> PushResult | None:
    """Complete the latest interrupted or unsettled run; None when there is none."""
    with deps.lock.hold("push --resume"):
        return resume_locked(deps, options)


def resume_locked(deps: PushDeps, options: PushOptions, *, running_only: bool = False) -> PushResult | None:
    """``resume`` for a caller that already holds the run lock; ``running_only`` leaves runs
    that ended unsettled alone (the sync: reading them back again would decide nothing new)."""
    record = deps.journal.load(None)
    if record is None or (running_only and record.header.state is not RunState.RUNNING):
        return None
    return _execute(record, deps, options)


def rollback(run_id: str, deps: PushDeps, options: PushOptions, *, confirm: Callable[[Preview], bool] | None = None,
             journal_name: str = "journal") -> PushResult:
    """Undo the SKUs a run applied, by RELATIVE inverse deltas (same guards, same confirmation).

    Everything happens under the run lock, so two rollbacks of one run cannot both go out.

    Raises:
        RunNotFound, RunUnfinished, RunAlreadyRolledBack, RunNotRollbackable, ConfirmationNeeded,
        and what ``send`` raises.
    """
    with deps.lock.hold(f"rollback {run_id}"):
        record = deps.journal.load(run_id)
        if record is None:
            raise RunNotFound(run_id=run_id, journal=journal_name)
        _check_rollbackable(record)
        applied = record.items[(record.items["outcome"] == Outcome.APPLIED.value) & (record.items["delta"] != 0)]
        if applied.empty:
            raise RunNotRollbackable(run_id=run_id, detail_ja="反映された SKU がありません",
                                     detail_en="it applied no SKU")
        keys = [RmsSkuKey(m, v) for m, v in zip(applied["manage_number"], applied["variant_id"], strict=True)]
        now_stock = deps.rms.get_stock(keys)
        current = pd.Series(now_stock["quantity"].to_numpy(), index=(
            now_stock["manage_number"].astype(str) + ":" + now_stock["variant_id"].astype(str)).to_numpy())
        plan = inverse_plan(applied, current)
        context = PlanContext(RunKind.ROLLBACK, f"rollback of {run_id}", deps.now(), record.header.total_skus,
                              record.header.total_units_before, rollback_of=run_id)
        confirmed = confirmed_by(preview(plan, context, options.limits), options, confirm)
        return send_locked(plan, context, deps, replace(options, confirmed=confirmed))


def confirmed_by(shown: Preview, options: PushOptions, confirm: Callable[[Preview], bool] | None) -> bool:
    """``--yes``, or a person said yes; otherwise the guards refuse or ConfirmationNeeded (E404).

    Raises:
        GuardTripped / GuardHardLimit: a guard stops the plan and nobody may confirm past it.
        ConfirmationNeeded: nobody confirmed a plan that changes something.
    """
    enforce([t for t in shown.trips if t.hard], confirmed=True)
    if options.confirmed or shown.plan.empty or (confirm is not None and confirm(shown)):
        return True
    enforce(shown.trips, confirmed=False)
    raise ConfirmationNeeded(count=len(shown.plan))


def raise_for_outcome(result: PushResult) -> None:
    """E306 when SKUs are still of unknown outcome (after the result has been shown)."""
    if result.unknown:
        raise WriteOutcomeUnknown(endpoint="inventories.bulk.upsert", sku=", ".join(result.unknown[:5]) + (
            f" (+{len(result.unknown) - 5})" if len(result.unknown) > 5 else ""), detail=result.run_id)


# ------------------------------------------------------------------ helpers
def send_locked(plan: pd.DataFrame, context: PlanContext, deps: PushDeps, options: PushOptions) -> PushResult:
    """``send`` for a caller that already holds the run lock (the sync, a rollback)."""
    waiting = deps.journal.load(None)
    if waiting is not None and waiting.header.state is RunState.RUNNING:
        done = int((waiting.batches["state"].isin(["applied", "failed"])).sum())
        raise RunUnfinished(run_id=waiting.header.run_id, done=done, total=len(waiting.batches))
    now = deps.now()
    if context.pulled_at is not None:
        check_pull_age(context.pulled_at, now, options.limits.max_pull_age_min)
    trips = check_plan(plan, total_skus=context.total_skus, total_units_before=context.total_units_before,
                       limits=options.limits)
    header = RunHeader(run_id=_new_run_id(now), kind=context.kind, source=context.source, created_at=now,
                       pulled_at=context.pulled_at, rollback_of=context.rollback_of, total_skus=context.total_skus,
                       total_units_before=context.total_units_before, summary=summary(plan))
    items = _items(plan, options.batch_size)
    try:
        enforce(trips, confirmed=options.confirmed)
    except (GuardTripped, GuardHardLimit) as exc:
        refused = replace(header, state=RunState.REFUSED, summary={**header.summary, "refused": exc.code})
        deps.journal.create(refused, items.assign(batch_no=-1))
        raise
    deps.journal.create(header, items)
    record = deps.journal.load(header.run_id)
    assert record is not None
    return _execute(record, deps, options)


def _execute(record: RunRecord, deps: PushDeps, options: PushOptions) -> PushResult:
    started = deps.timer()
    executor = BatchExecutor(record, rms=deps.rms, journal=deps.journal, now=deps.now, sleep=deps.sleep,
                             settle_s=options.settle_s, settle_rounds=options.settle_rounds, progress=deps.progress)
    state = executor.run()
    counts = executor.counts()
    items = executor.items.assign(applied_at=executor.applied_at())
    unknown = items.loc[items["outcome"].isin([None, Outcome.UNKNOWN.value]), "sku"].astype(str).tolist()
    failed = items.loc[items["outcome"] == Outcome.FAILED.value, "sku"].astype(str).tolist()
    seconds = deps.timer() - started
    stats = executor.stats
    deps.journal.finish(record.header.run_id, state, at=deps.now(), summary={
        **record.header.summary, "counts": counts, "requests": stats.requests, "settled": stats.settled,
        "resent": stats.resent, "seconds": round(seconds, 3), "notes": stats.notes[:20]})
    return PushResult(run_id=record.header.run_id, kind=record.header.kind, state=state, counts=counts,
                      requests=stats.requests, settled=stats.settled, resent=stats.resent, seconds=seconds,
                      unknown=unknown if state is RunState.UNSETTLED else [], failed=failed, notes=stats.notes,
                      items=items.drop(columns=["key"]).reset_index(drop=True))


def _items(plan: pd.DataFrame, batch_size: int) -> pd.DataFrame:
    parts = [part.assign(batch_no=no) for no, part in enumerate(batches(plan, batch_size), start=1)]
    items = pd.concat(parts, ignore_index=True) if parts else plan.assign(batch_no=pd.Series(dtype="int64"))
    return items.loc[:, ["batch_no", *PLAN_COLUMNS]].assign(seq=range(1, len(items) + 1))


def _check_rollbackable(record: RunRecord) -> None:
    header = record.header
    if header.state is RunState.RUNNING or header.state is RunState.UNSETTLED:
        done = int((record.batches["state"].isin(["applied", "failed"])).sum())
        raise RunUnfinished(run_id=header.run_id, done=done, total=len(record.batches))
    if header.state is RunState.REFUSED:
        raise RunNotRollbackable(run_id=header.run_id, detail_ja="安全装置で止められ、何も送信していません",
                                 detail_en="a guard stopped it; nothing was sent")
    if record.rolled_back_by:
        raise RunAlreadyRolledBack(run_id=header.run_id, rollback_id=record.rolled_back_by)


def _new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
