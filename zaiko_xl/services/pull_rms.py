"""`zaiko-xl pull`, RMS part: the license check, RMS stock and RMS orders (``services.pull`` writes them).

Stock comes for the given SKU keys (bulk-get, 1000 a request), or, without keys, from a
sweep of range queries over the stock quantity, split until each window holds at most
1000 SKUs. Orders: unshipped (100-400, 800) and cancelled/returned (900) orders ordered in
the lookback window; shipped ones too on request (for demand history).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from zaiko_xl.domain.model import RmsSkuKey
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


@dataclass(frozen=True)
class RmsPullResult:
    stock: pd.DataFrame  # rms_stock
    orders: pd.DataFrame  # order lines with raw RMS codes (domain.rms.RMS_ORDER_COLUMNS)
    license: LicenseStatus
    missing: tuple[RmsSkuKey, ...] = ()  # keys asked for that RMS has no stock record of


def pull_rms(*, inventory: RmsInventory, orders: RmsOrders, license: RmsLicense, now: datetime,
             lookback_days: int, warn_days: int, keys: Sequence[RmsSkuKey] | None = None,
             include_shipped: bool = False, progress: Progress | None = None) -> RmsPullResult:
    """Check the license, then fetch RMS stock (of ``keys``, or every SKU by range) and orders.

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
    wanted = UNSHIPPED_PROGRESS + CANCELLED_PROGRESS + (SHIPPED_PROGRESS if include_shipped else ())
    numbers = orders.search(now - timedelta(days=lookback_days), now, sorted(wanted))
    progress.update("受注 / orders", 0, len(numbers))
    lines = orders.get(numbers)
    progress.update("受注 / orders", len(numbers), len(numbers))
    return RmsPullResult(stock, lines, status, _missing(keys, stock))


def sweep_stock(inventory: RmsInventory) -> pd.DataFrame:
    """Every SKU with a stock record, by range queries halved until each fits (<= 1000 SKUs).

    A SKU whose stock changes during the sweep can move into a window already read and be
    missed, or be read twice (the newest ``updated`` wins); pulling by keys avoids that.
    RangeTooCrowded (E312) when more than 1000 SKUs share one quantity.
    """
    frames, windows = [], [(0, MAX_QUANTITY)]
    while windows:
        low, high = windows.pop()
        try:
            frames.append(inventory.get_range(low, high))
        except RangeTooCrowded:
            if low == high:
                raise
            middle = (low + high) // 2
            windows += [(middle + 1, high), (low, middle)]
    stock = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(RMS_STOCK_COLUMNS))
    stock = stock.sort_values("updated").drop_duplicates(["manage_number", "variant_id"], keep="last")
    return stock.sort_values(["manage_number", "variant_id"]).reset_index(drop=True)


def _missing(keys: Sequence[RmsSkuKey] | None, stock: pd.DataFrame) -> tuple[RmsSkuKey, ...]:
    if keys is None:
        return ()
    found = set(zip(stock["manage_number"], stock["variant_id"], strict=True))
    return tuple(k for k in keys if (k.manage_number.lower(), k.variant_id) not in found)
