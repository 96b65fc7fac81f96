"""The unattended sync's bookkeeping between two cycles (pure).

A cycle reads RMS stock only for SKUs whose target may have changed (``dirty_skus``): a
Rakuten order moves RMS's stock and the open allocations alike, so it needs no write; what
needs one is a change of the warehouse, of another channel's orders, of a buffer or a rule.
Every ``full_every``-th cycle (and the first) reads every SKU, which also repairs changes
made in RMS by hand.

RMS stock and RMS orders cannot be read at one instant. :func:`open_rakuten_lines` counts an
order line as open (allocated) when it was open at the previous cycle's read, or is open
now, or is cancelled now and was unknown at the previous read (placed since), or was
shipped after the warehouse file was written (the file still holds the unit).
Each rule can only make RMS show fewer units than it could, for one cycle (never more):
see docs/data-contracts.md §9.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from zaiko_xl.domain.model import OrderStatus

LINE_COLUMNS = ("order_number", "sku", "quantity", "status", "ordered_at", "changed_at")


@dataclass(frozen=True)
class SyncMemory:
    """What a cycle leaves for the next one.

    Attributes:
        read_at: when RMS orders were last read (JST).
        cycle: how many cycles have run.
        targets: ``sku`` -> the RMS target the last cycle used (SKUs it did not look at keep
            theirs; a SKU whose push failed is left out, so it is looked at again).
        lines: RMS order lines open at ``read_at``, lines shipped but not yet in the warehouse
            file, and recently cancelled lines already seen (``LINE_COLUMNS``).
    """

    read_at: datetime
    cycle: int = 0
    targets: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))
    lines: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(LINE_COLUMNS)))


def open_rakuten_lines(previous: SyncMemory | None, now_lines: pd.DataFrame, *, warehouse_at: datetime | None,
                       margin: timedelta) -> pd.DataFrame:
    """RMS order lines to count as open allocations in this cycle (the conservative union).

    Args:
        previous: the last cycle's memory (None: first cycle, only ``now_lines`` count).
        now_lines: RMS order lines read now: open ones, those that left the open set since
            the previous read, and those placed since then (``LINE_COLUMNS``).
        warehouse_at: when the warehouse file was written (None: unknown, shipped lines of
            the last ``margin`` count).
        margin: allowance for clocks that disagree.

    Returns:
        The lines counted (one row per order line, ``order_number``/``sku`` unique).
    """
    status = now_lines["status"]
    keep = status == OrderStatus.UNSHIPPED.value
    if previous is not None:
        seen = previous.lines["order_number"]
        was_open = now_lines["order_number"].isin(seen[previous.lines["status"] == OrderStatus.UNSHIPPED.value])
        new = ~now_lines["order_number"].isin(seen) & (now_lines["ordered_at"] >= previous.read_at - margin)
        keep |= was_open | (new & (status == OrderStatus.CANCELLED.value))
    shipped = status == OrderStatus.SHIPPED.value
    cutoff = (warehouse_at if warehouse_at is not None else now_lines["changed_at"].max()) - margin
    keep |= shipped & (now_lines["changed_at"] > cutoff)
    counted = now_lines[keep]
    if previous is not None:  # pending shipped lines not read again now
        pending = previous.lines[(previous.lines["status"] == OrderStatus.SHIPPED.value)
                                 & (previous.lines["changed_at"] > cutoff)]
        pending = pending[~pending.set_index(["order_number", "sku"]).index.isin(
            counted.set_index(["order_number", "sku"]).index)]
        counted = pd.concat([counted, pending], ignore_index=True) if not pending.empty else counted
    return counted.drop_duplicates(["order_number", "sku"]).reset_index(drop=True)


def remembered_lines(now_lines: pd.DataFrame, *, warehouse_at: datetime | None, margin: timedelta) -> pd.DataFrame:
    """Lines the next cycle needs: open now; shipped after the warehouse file (minus margin);
    cancelled ones read now (so that the next cycle knows them and does not count them as new)."""
    status = now_lines["status"]
    cutoff = (warehouse_at if warehouse_at is not None else now_lines["changed_at"].max()) - margin
    keep = status.isin([OrderStatus.UNSHIPPED.value, OrderStatus.CANCELLED.value]) | (
        (status == OrderStatus.SHIPPED.value) & (now_lines["changed_at"] > cutoff))
    return now_lines.loc[keep, list(LINE_COLUMNS)].reset_index(drop=True)


def dirty_skus(targets: pd.Series, previous: SyncMemory | None, *, full: bool) -> pd.Index:
    """SKUs to read from RMS: every SKU when ``full``, else those whose target differs from
    the one the last cycle used (or that it did not have)."""
    if full or previous is None:
        return targets.index
    known = previous.targets.reindex(targets.index)
    return targets.index[(known != targets).fillna(True).to_numpy(dtype=bool)]


def is_full_cycle(previous: SyncMemory | None, full_every: int) -> bool:
    """The first cycle, and every ``full_every``-th after it (0: only the first)."""
    return previous is None or (full_every > 0 and (previous.cycle + 1) % full_every == 0)
