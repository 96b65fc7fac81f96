"""The in-house ledger (社内台帳): movements -> balance per SKU as of any time.

Frame (data-contracts.md §2): ``sku``, ``kind`` (a :class:`MovementKind` label: 入荷 出荷 返品
キャンセル戻し 交換 棚卸調整), ``quantity`` (positive; signed for 交換 and 棚卸調整), ``at``,
``reference``. The ledger books physical stock, so its balance is comparable with the
warehouse's ``on_hand``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd

from zaiko_xl.domain.model import MovementKind
from zaiko_xl.errors import UnknownMovementKind

_SIGNS = pd.Series({kind.value: kind.sign for kind in MovementKind})


def movement_deltas(ledger: pd.DataFrame) -> pd.Series:
    """The signed stock change of every movement (aligned with ``ledger``).

    入荷, 返品, キャンセル戻し add ``|quantity|``; 出荷 removes it; 交換 and 棚卸調整 carry
    their own sign.

    Raises:
        UnknownMovementKind: a ``kind`` that is not one of the six labels.
    """
    sign = ledger["kind"].map(_SIGNS)
    unknown = sign.isna()
    if unknown.any():
        first = ledger.loc[unknown, "kind"]
        raise UnknownMovementKind(kind=first.iloc[0], count=int(unknown.sum()))
    quantity = ledger["quantity"].astype("int64")
    delta = np.where(sign == 0, quantity, sign.astype("int64") * quantity.abs())
    return pd.Series(delta, index=ledger.index, name="delta", dtype="int64")


def ledger_balance(ledger: pd.DataFrame, as_of: datetime | None = None) -> pd.Series:
    """Balance per SKU counting every movement at or before ``as_of`` (all when None).

    Returns:
        int64 Series ``sku`` -> balance, sorted by ``sku``; SKUs with no movement up to
        ``as_of`` are absent.
    """
    delta = movement_deltas(ledger)
    if as_of is not None:
        upto = (ledger["at"] <= pd.Timestamp(as_of)).to_numpy()
        ledger, delta = ledger[upto], delta[upto]
    return delta.groupby(ledger["sku"].to_numpy(), sort=True).sum().astype("int64").rename_axis("sku").rename(
        "balance")


def ledger_balances(ledger: pd.DataFrame, times: Sequence[datetime]) -> pd.DataFrame:
    """Balances per SKU at several times at once (one pass over the ledger).

    Args:
        ledger: the movements.
        times: the moments to report (any order; each counts movements at or before it).

    Returns:
        int64 frame: index ``sku`` (every SKU of the ledger), one column per time, in the
        given order.
    """
    stamps = pd.DatetimeIndex([pd.Timestamp(t) for t in times]).as_unit("ns")
    order = np.argsort(stamps.asi8, kind="stable")
    sorted_stamps = stamps[order]
    delta = movement_deltas(ledger)
    # bucket b holds movements after sorted_stamps[b-1] and at or before sorted_stamps[b]
    bucket = np.searchsorted(sorted_stamps.asi8, ledger["at"].to_numpy("datetime64[ns]").astype("int64"),
                             side="left")
    keep = bucket < len(sorted_stamps)
    sums = delta[keep].groupby([ledger["sku"].to_numpy()[keep], bucket[keep]]).sum()
    table = sums.unstack(fill_value=0) if not sums.empty else pd.DataFrame()
    table = table.reindex(index=pd.Index(sorted(ledger["sku"].unique()), name="sku"),
                          columns=range(len(sorted_stamps)), fill_value=0).cumsum(axis=1)
    table.columns = sorted_stamps
    return table.iloc[:, np.argsort(order, kind="stable")].astype("int64")


CARRIED_FORWARD = "繰越 / carried forward"


def carry_forward(ledger: pd.DataFrame, since: datetime) -> pd.DataFrame:
    """The same ledger, shorter: movements before ``since`` folded into one 棚卸調整 per SKU.

    Each SKU with movements before ``since`` gets one 棚卸調整 row whose signed quantity is its
    balance just before then (reference ``繰越 / carried forward``), dated at the SKU's last
    movement before ``since``; movements at or after ``since`` are kept as they are. Balances at
    or after that last movement do not change. Used to put a long ledger on a sheet (the demo's
    two years of movements).

    The row is not dated ``since`` itself: for a SKU that has not moved since, that would lie
    after the warehouse's time for it (its last movement), and reconciliation would take the
    whole balance for a movement the warehouse has not seen yet.
    """
    moment = pd.Timestamp(since)
    before = (ledger["at"] < moment).to_numpy()
    by_sku = ledger["sku"].to_numpy()[before]
    opening = movement_deltas(ledger)[before].groupby(by_sku, sort=True).sum()
    last = ledger["at"][before].groupby(by_sku, sort=True).max()
    carried = pd.DataFrame({"sku": opening.index.astype(ledger["sku"].dtype), "kind": MovementKind.STOCKTAKE.value,
                            "quantity": opening.to_numpy().astype("int64"), "at": last.to_numpy(),
                            "reference": CARRIED_FORWARD})
    kept = ledger[~before]
    carried = carried.reindex(columns=ledger.columns)
    carried["at"] = carried["at"].astype(ledger["at"].dtype)
    return pd.concat([carried, kept], ignore_index=True)
