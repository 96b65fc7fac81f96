"""`zaiko-xl pull`, RMS part: the license check, RMS stock and RMS orders (``services.pull`` writes them).

Stock comes for the given SKU keys (bulk-get, 1000 a request), or, without keys, from a
sweep of range queries over the stock quantity, split until each window holds at most
1000 SKUs. With keys, a second sweep over quantities >= 1 may follow (``find_unlisted``): it
lists every SKU with stock, so that ``pull`` can report those the master does not name.
Orders: unshipped (100-400, 800) and cancelled/returned (900) orders ordered in the lookback
window; shipped ones too on request (for demand history).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from math import isqrt

import pandas as pd

from zaiko_xl.domain.model import RmsSkuKey
from zaiko_xl.domain.pull_unlisted import plan_sweep
from zaiko_xl.domain.rms import (
    CANCELLED_PROGRESS,
    RMS_STOCK_COLUMNS,
    SHIPPED_PROGRESS,
    UNSHIPPED_PROGRESS,
    LicenseStatus,
)
from zaiko_xl.domain.rms_codes import MAX_QUANTITY
from zaiko_xl.errors import RangeTooCrowded
from zaiko_xl.ports import NullProgress, Progress, RmsInventory, RmsLicense, RmsOrders
from zaiko_xl.services.license import check_license, require_usable_license

SWEEP_LABEL = "RMS在庫 (マスタ外の確認) / stock not in the master"
MIN_IN_STOCK = 1  # SKUs at 0 cannot oversell; a shop may have tens of thousands of them


@dataclass(frozen=True)
class RmsPullResult:
    stock: pd.DataFrame  # rms_stock
    orders: pd.DataFrame  # order lines with raw RMS codes (domain.rms.RMS_ORDER_COLUMNS)
    license: LicenseStatus
    missing: tuple[RmsSkuKey, ...] = ()  # keys asked for that RMS has no stock record of
    sweep: Sweep | None = None  # every SKU with stock, when the master's keys were pulled and asked to


def pull_rms(*, inventory: RmsInventory, orders: RmsOrders, license: RmsLicense, now: datetime,
             lookback_days: int, warn_days: int, keys: Sequence[RmsSkuKey] | None = None,
             include_shipped: bool = False, find_unlisted: bool = False,
             progress: Progress | None = None) -> RmsPullResult:
    """Check the license, then fetch RMS stock (of ``keys``, or every SKU by range) and orders.

    ``find_unlisted`` (with ``keys``): also sweep every SKU with stock (``sweep_in_stock``), so
    that the caller can find those ``keys`` leave out.

    Raises:
        LicenseExpired, LicenseRejected: the key cannot be used (nothing is fetched).
        ApiError: RMS failed after the retries.
    """
    progress = progress or NullProgress()
    status = check_license(license, now=now, warn_days=warn_days)
    require_usable_license(status)
    progress.update("RMS在庫 / stock", 0, len(keys) if keys is not None else None)
    stock = inventory.get_stock(keys) if keys is not None else sweep_stock(inventory)
    progress.update("RMS在庫 / stock", len(stock), len(stock))
    sweep = sweep_in_stock(inventory, stock["quantity"], progress) if find_unlisted and keys is not None else None
    wanted = UNSHIPPED_PROGRESS + CANCELLED_PROGRESS + (SHIPPED_PROGRESS if include_shipped else ())
    numbers = orders.search(now - timedelta(days=lookback_days), now, sorted(wanted))
    progress.update("受注 / orders", 0, len(numbers))
    lines = orders.get(numbers)
    progress.update("受注 / orders", len(numbers), len(numbers))
    return RmsPullResult(stock, lines, status, _missing(keys, stock), sweep)


def sweep_stock(inventory: RmsInventory) -> pd.DataFrame:
    """Every SKU with a stock record, by range queries halved until each fits (<= 1000 SKUs).

    A SKU whose stock changes during the sweep can move into a window already read and be
    missed, or be read twice (the newest ``updated`` wins); pulling by keys avoids that.
    RangeTooCrowded (E312) when more than 1000 SKUs share one quantity.
    """
    return sweep_windows(inventory, [(0, MAX_QUANTITY)], skip_crowded=False).stock


@dataclass(frozen=True)
class Sweep:
    """What a range sweep listed, the quantities it could not list, and the requests it took."""

    stock: pd.DataFrame  # RMS_STOCK_COLUMNS, one row per key
    crowded: tuple[int, ...] = ()  # quantities more than 1000 SKUs share (their SKUs are not listed)
    requests: int = 0  # range calls made, the refused (IE0116) ones included


def sweep_in_stock(inventory: RmsInventory, known: pd.Series | None = None,
                   progress: Progress | None = None) -> Sweep:
    """Every SKU with stock (quantity >= 1), for finding the SKUs the master does not name.

    ``known``: quantities already read (the master's SKUs by bulk-get); the windows are planned
    from them (``domain.pull_unlisted.plan_sweep``) so that few calls are refused. A quantity
    more than 1000 SKUs share is skipped and told in ``crowded``, never raised. Costs about
    (SKUs with stock) / 900 range calls, plus a few refused ones, at 5 a second on RMS.
    """
    progress = progress or NullProgress()
    progress.update(SWEEP_LABEL, 0, None)
    plan = plan_sweep(known if known is not None else pd.Series([], dtype="int64"), MIN_IN_STOCK, MAX_QUANTITY)
    sweep = sweep_windows(inventory, plan.windows, skip_crowded=True)
    progress.update(SWEEP_LABEL, len(sweep.stock), len(sweep.stock))
    return replace(sweep, crowded=tuple(sorted(sweep.crowded + plan.crowded)))


def sweep_windows(inventory: RmsInventory, windows: Sequence[tuple[int, int]], *, skip_crowded: bool) -> Sweep:
    """A range call per window; a window that holds more than 1000 SKUs is split in two (``split``).

    Raises:
        RangeTooCrowded: a single quantity holds more than 1000 SKUs and ``skip_crowded`` is false.
    """
    frames, todo, crowded, requests = [], list(reversed(windows)), [], 0
    while todo:
        low, high = todo.pop()
        requests += 1
        try:
            frames.append(inventory.get_range(low, high))
        except RangeTooCrowded:
            if low < high:
                middle = split(low, high)
                todo += [(middle + 1, high), (low, middle)]
            elif skip_crowded:
                crowded.append(low)
            else:
                raise
    stock = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(RMS_STOCK_COLUMNS))
    stock = stock.sort_values("updated").drop_duplicates(["manage_number", "variant_id"], keep="last")
    stock = stock.sort_values(["manage_number", "variant_id"]).reset_index(drop=True)
    return Sweep(stock, tuple(sorted(crowded)), requests)


def split(low: int, high: int) -> int:
    """Where to cut [low, high] (low < high) into [low, cut] and [cut + 1, high]: at the geometric mean.

    Shops hold most SKUs at small quantities, so halving 1..99999 would spend about ten refused
    calls before reaching the crowded low end; the geometric cut gets there in three or four.
    """
    return max(low, min(high - 1, isqrt(max(low, 1) * high)))


def _missing(keys: Sequence[RmsSkuKey] | None, stock: pd.DataFrame) -> tuple[RmsSkuKey, ...]:
    if keys is None:
        return ()
    found = set(zip(stock["manage_number"], stock["variant_id"], strict=True))
    return tuple(k for k in keys if (k.manage_number.lower(), k.variant_id) not in found)
