"""`zaiko-xl sync`: unattended pull -> targets -> guarded push, once or in a loop.

One cycle, under the run lock (a second sync, a push or a rollback waits its turn, E502):

1. complete an interrupted push first (``push --resume`` semantics);
2. read the shop: item master and set structure (workbook), warehouse file, other
   channels' orders; compute each SKU's target with the last cycle's RMS orders;
3. read RMS stock for the SKUs whose target moved (every SKU on a full cycle), *then* read
   RMS orders; count open allocations by the conservative union (``domain.sync_plan``),
   so that an order placed or cancelled between the two reads never makes RMS show more;
4. plan the SKUs whose RMS value differs, check the guards (a soft limit needs ``--yes``;
   nobody is asked), send RELATIVE deltas in batches, journaled (``services.push``);
5. remember the targets and open order lines for the next cycle.

With a ``SourceWatch`` (``PushDeps.watch``) the cycle also measures the update latency (``domain.sync_latency``):
step 2 opens a change for every SKU whose warehouse number moved since it was last seen; a
change closes when RMS shows the SKU's target: at the RMS read for SKUs that need no write,
when its batch is applied for the others. A SKU whose write failed stays open.

The loop (``--interval``) runs cycles back to back on a fixed period; a failed cycle is
reported and the next one runs (Ctrl+C stops).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import pandas as pd

from zaiko_xl.domain.allocation import open_allocations
from zaiko_xl.domain.model import Channel
from zaiko_xl.domain.push_plan import PlanPolicy, compute_targets, plan_changes, sale_active, sale_buffers, with_buffers
from zaiko_xl.domain.push_run import Outcome, RunKind
from zaiko_xl.domain.sync_plan import (
    SyncMemory,
    dirty_skus,
    is_full_cycle,
    open_rakuten_lines,
    remembered_lines,
)
from zaiko_xl.errors import ZaikoError
from zaiko_xl.ports import OrderExportSource, RmsOrders, SourceWatch, SyncState, WarehouseSource, WorkbookSource
from zaiko_xl.services.push import PlanContext, PushDeps, PushOptions, PushResult, resume_locked, send_locked
from zaiko_xl.services.sync_inputs import Shop, keys_of, read_rakuten_lines, read_shop


@dataclass(frozen=True)
class SyncPorts:
    book: WorkbookSource  # item master, mapping, set structure (read only)
    warehouse: WarehouseSource
    other_orders: Sequence[OrderExportSource]
    orders: RmsOrders
    state: SyncState


@dataclass(frozen=True)
class SyncOptions:
    push: PushOptions
    policy: PlanPolicy = field(default_factory=PlanPolicy)
    kind_by_group: dict[str, str] = field(default_factory=dict)
    interval_s: float = 300
    full_every: int = 12  # cycles between full reads of RMS stock (0: only the first)
    lookback: timedelta = timedelta(days=60)  # RMS orders searched for open allocations
    margin: timedelta = timedelta(minutes=5)  # clock allowance between RMS, the warehouse and us
    sale_windows: tuple[tuple[date, date], ...] = ()
    sale_lookback: timedelta = timedelta(hours=3)
    sale_factor: float = 1.0


@dataclass(frozen=True)
class SyncReport:
    started: datetime
    skus: int
    read: int  # SKUs whose RMS stock was read
    changed: int  # SKUs planned
    full: bool
    sale_mode: bool
    result: PushResult | None = None
    resumed: PushResult | None = None
    changes: int = 0  # warehouse numbers that moved since the last look
    shown: int = 0  # changes RMS shows now (this cycle's and earlier ones')


def sync_once(ports: SyncPorts, deps: PushDeps, options: SyncOptions, *, full: bool = False) -> SyncReport:
    """One cycle (see the module docstring).

    Raises:
        RunInProgress: another run holds the lock. Guard errors (E401/E403), input errors of
        the files (E2xx) and RMS errors (E3xx) end the cycle; nothing half applied is left
        unjournaled.
    """
    with deps.lock.hold("sync"):
        resumed = resume_locked(deps, options.push, running_only=True)
        started = deps.now()
        previous = ports.state.load()
        full = full or is_full_cycle(previous, options.full_every)
        shop = read_shop(ports.book, ports.warehouse, ports.other_orders)
        changes = len(deps.watch.observe(shop.warehouse_values(), started)) if deps.watch else 0
        earlier = previous.lines[previous.lines["status"] != "cancelled"] if previous is not None else None
        sale = sale_active(started.date(), options.sale_windows)
        guess = _targets(shop, earlier, options, started, sale)
        wanted = shop.keys().set_index("sku").loc[dirty_skus(guess, previous, full=full)]
        before = previous or _first_read(ports, shop, deps, options)  # orders read before the stock, always
        rms = deps.rms.get_stock(keys_of(wanted))
        read_at = deps.now()
        lines = read_rakuten_lines(ports.orders, shop, before, now=read_at, lookback=options.lookback,
                                   margin=options.margin)
        counted = open_rakuten_lines(before, lines, warehouse_at=shop.warehouse_at, margin=options.margin)
        targets = _target_frame(shop, counted, options, started, sale)
        plan = plan_changes(targets[targets["sku"].isin(wanted.index)], rms=_by_sku(rms, wanted), policy=options.policy)
        context = PlanContext(RunKind.SYNC, "sync", started, len(guess), _units(rms, previous, wanted))
        memory = SyncMemory(read_at, (previous.cycle if previous else 0) + 1,
                            _remember(previous, targets, wanted.index, plan),
                            remembered_lines(lines, warehouse_at=shop.warehouse_at, margin=options.margin))
        shown = _close(deps.watch, _unplanned(shop, plan, read_at))  # RMS already shows their targets
        result = None
        if not plan.empty:
            try:
                result = send_locked(plan, context, deps, options.push)
            except ZaikoError:
                ports.state.save(memory)
                raise
            memory = _forget_unapplied(memory, result)
            shown += _close(deps.watch, result.shown())
        ports.state.save(memory)
        return SyncReport(started, len(guess), len(wanted), len(plan), full, sale, result, resumed, changes, shown)


def sync_loop(cycle: Callable[[], SyncReport], *, interval_s: float, now: Callable[[], float],
              sleep: Callable[[float], None], report: Callable[[SyncReport | ZaikoError], None],
              cycles: int | None = None) -> int:
    """Run ``cycle`` every ``interval_s`` seconds (``cycles`` times, or until interrupted).

    A cycle that raises a ZaikoError is reported and the loop goes on; a cycle longer than
    the interval starts the next one at once. Returns the number of failed cycles.
    """
    failed, done = 0, 0
    next_start = now()
    while cycles is None or done < cycles:
        try:
            report(cycle())
        except ZaikoError as exc:
            failed += 1
            report(exc)
        done += 1
        next_start += interval_s
        if cycles is None or done < cycles:
            sleep(max(0.0, next_start - now()))
            next_start = max(next_start, now())
    return failed


def run_sync(ports: SyncPorts, deps: PushDeps, options: SyncOptions, *, loop_s: float | None, full: bool,
             yes: bool, report: Callable[[SyncReport | ZaikoError], None],
             cycle_scope: Callable[[], AbstractContextManager[object]] = nullcontext) -> None:
    """``zaiko-xl sync``: one cycle (errors raise), or a loop every ``loop_s`` seconds (errors are
    reported and the loop goes on; Ctrl+C stops it). ``yes`` lets plans past soft guards go.

    ``cycle_scope`` wraps every cycle of the loop (the CLI records each one as a run, so a
    failing cycle is notified and a stalled loop is seen while it keeps running).
    """
    import time

    options = replace(options, push=replace(options.push, confirmed=yes))
    if loop_s is None:
        report(sync_once(ports, deps, options, full=full))
        return
    first = [full]

    def cycle() -> SyncReport:
        wanted, first[0] = first[0], False
        with cycle_scope():
            return sync_once(ports, deps, options, full=wanted)

    sync_loop(cycle, interval_s=loop_s, now=time.monotonic, sleep=deps.sleep, report=report)


# ------------------------------------------------------------------ helpers
def _first_read(ports: SyncPorts, shop: Shop, deps: PushDeps, options: SyncOptions) -> SyncMemory:
    """The first cycle has no earlier orders read: read them now, before the stock."""
    at = deps.now()
    lines = read_rakuten_lines(ports.orders, shop, None, now=at, lookback=options.lookback, margin=options.margin)
    return SyncMemory(at, 0, pd.Series(dtype="int64"), lines)


def _targets(shop: Shop, lines: pd.DataFrame | None, options: SyncOptions, now: datetime, sale: bool) -> pd.Series:
    frame = _target_frame(shop, lines, options, now, sale)
    keyed = frame[frame["sku"].isin(shop.keys()["sku"])]
    return pd.Series(keyed[f"target_{Channel.RAKUTEN}"].to_numpy(), index=keyed["sku"].to_numpy())


def _target_frame(shop: Shop, lines: pd.DataFrame | None, options: SyncOptions, now: datetime,
                  sale: bool) -> pd.DataFrame:
    rakuten = (lines if lines is not None else pd.DataFrame(columns=["sku", "quantity"])).assign(
        status="unshipped", channel=Channel.RAKUTEN.value)
    others = shop.other_orders[shop.other_orders["status"] == "unshipped"]
    orders = pd.concat([rakuten.loc[:, ["sku", "quantity", "status", "channel"]],
                        others.loc[:, ["sku", "quantity", "status", "channel"]]], ignore_index=True)
    allocated = open_allocations(orders.astype({"quantity": "int64"}), shop.bom)
    stock = shop.items.assign(on_hand=shop.items["sku"].map(shop.on_hand).fillna(0).astype("int64"),
                              allocated=shop.items["sku"].map(allocated).fillna(0).astype("int64"),
                              kind=shop.items["group"].astype(object).map(options.kind_by_group).astype(object)
                              .fillna("normal"))
    extra = None
    if sale:
        recent = pd.concat([rakuten.assign(status="unshipped"), shop.other_orders], ignore_index=True)
        extra = sale_buffers(recent.dropna(subset=["ordered_at"]), now, options.interval_s, options.sale_lookback,
                             options.sale_factor)
    stock = with_buffers(stock, options.policy.buffer, extra)
    return compute_targets(stock, options.policy, shop.bom, shop.set_rules, explain=False)


def _by_sku(rms: pd.DataFrame, wanted: pd.DataFrame) -> pd.Series:
    key = rms["manage_number"].astype(str) + ":" + rms["variant_id"].astype(str)
    quantity = pd.Series(rms["quantity"].to_numpy(), index=key.to_numpy())
    wanted_keys = wanted["manage_number"].astype(str) + ":" + wanted["variant_id"].astype(str)
    return pd.Series(wanted_keys.map(quantity).to_numpy(), index=wanted.index)


def _unplanned(shop: Shop, plan: pd.DataFrame, read_at: datetime) -> pd.DataFrame:
    skus = shop.keys()["sku"]
    skus = skus[~skus.isin(plan["sku"])]
    return pd.DataFrame({"sku": skus.to_numpy(dtype=object), "shown_at": pd.Timestamp(read_at)})


def _close(watch: SourceWatch | None, shown: pd.DataFrame) -> int:
    return len(watch.shown(shown)) if watch is not None and not shown.empty else 0


def _units(rms: pd.DataFrame, previous: SyncMemory | None, wanted: pd.DataFrame) -> int:
    """Total RMS units: read now for the SKUs read, remembered for the others."""
    others = previous.targets.drop(wanted.index, errors="ignore").sum() if previous is not None else 0
    return int(rms["quantity"].sum() + others)


def _remember(previous: SyncMemory | None, targets: pd.DataFrame, looked_at: pd.Index, plan: pd.DataFrame) -> pd.Series:
    kept = previous.targets.copy() if previous is not None else pd.Series(dtype="int64")
    fresh = targets.set_index("sku")[f"target_{Channel.RAKUTEN}"].reindex(looked_at)
    merged = pd.concat([kept.drop(looked_at, errors="ignore"), fresh])
    return merged.drop(plan["sku"], errors="ignore").astype("int64")  # planned SKUs: only once applied


def _forget_unapplied(memory: SyncMemory, result: PushResult) -> SyncMemory:
    items = result.items
    applied = items[items["outcome"] == Outcome.APPLIED.value] if items is not None else items
    targets = memory.targets
    if applied is not None and not applied.empty:
        targets = pd.concat([targets, pd.Series(applied["target"].to_numpy(), index=applied["sku"].astype(str)
                                                .to_numpy())]).astype("int64")
    return SyncMemory(memory.read_at, memory.cycle, targets, memory.lines)
