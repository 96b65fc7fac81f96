"""The sample shop's two years as KPI history (docs/data-contracts.md §9): what a shop's journal would hold.

``stock_history`` is rebuilt from the ledger, whose balance equals the simulated stock at every
moment: per SKU and day with a movement or an allocation change, the end-of-day ``on_hand``
and ``sellable`` = on hand minus the units of open order lines (set lines count for their
components), at least 0. Sets have no stock of their own and no stock history. ``orders`` carry
``cancel_reason``; ``returns`` pair each returned line with the ledger's 返品 booking of its
order; ``items`` give the unit costs. The sample has no record of sync timing or API calls.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from zaiko_xl.domain.bom import explode_bom
from zaiko_xl.domain.ledger import movement_deltas
from zaiko_xl.domain.model import MovementKind
from zaiko_xl.sample_shop.shop import SampleShop


def kpi_history(shop: SampleShop, before: date | None = None) -> dict[str, pd.DataFrame]:
    """Frame name -> frame, ready for ``KpiRecorder.record``.

    ``before``: keep only the days before it (stock days, order days, return days): the demo's
    pull records its own day, so the sample's history stops the day before.
    """
    frames = {"stock_history": stock_history(shop), "orders": shop.orders, "returns": returns(shop)}
    if before is not None:
        limit = pd.Timestamp(before)
        times = {"stock_history": "day", "orders": "ordered_at", "returns": "received_at"}
        frames = {name: frame.loc[frame[times[name]] < limit].reset_index(drop=True) for name, frame in frames.items()}
    return {**frames, "items": shop.items[["sku", "unit_cost"]]}


def stock_history(shop: SampleShop) -> pd.DataFrame:
    ledger = shop.ledger
    moves = pd.DataFrame({"sku": ledger["sku"], "day": ledger["at"].dt.normalize(),
                          "on_hand": movement_deltas(ledger), "allocated": 0})
    lines = _leaf_lines(shop)
    opened = pd.DataFrame({"sku": lines["sku"], "day": lines["ordered_at"].dt.normalize(), "on_hand": 0,
                           "allocated": lines["quantity"]})
    closed = lines.loc[lines["closed_at"].notna()]
    closed = pd.DataFrame({"sku": closed["sku"], "day": closed["closed_at"].dt.normalize(), "on_hand": 0,
                           "allocated": -closed["quantity"]})
    events = pd.concat([moves, opened, closed], ignore_index=True)
    events = events.loc[events["sku"].isin(ledger["sku"].unique())]  # stocked SKUs only
    daily = events.groupby(["sku", "day"], sort=True)[["on_hand", "allocated"]].sum()
    level = daily.groupby(level="sku").cumsum().reset_index()
    level["sellable"] = (level["on_hand"] - level["allocated"]).clip(lower=0)
    return level[["sku", "day", "on_hand", "sellable"]].astype({"on_hand": "int64", "sellable": "int64"})


def _leaf_lines(shop: SampleShop) -> pd.DataFrame:
    """Order lines with set lines replaced by their components, and when each stopped being open."""
    orders = shop.orders[["order_number", "sku", "quantity", "status", "ordered_at", "changed_at"]]
    leaves = explode_bom(shop.bom).rename(columns={"set_sku": "sku", "component_sku": "leaf", "quantity": "per_set"})
    lines = orders.merge(leaves, on="sku", how="left")
    is_set = lines["leaf"].notna()
    lines.loc[is_set, "quantity"] = lines.loc[is_set, "quantity"] * lines.loc[is_set, "per_set"]
    lines["sku"] = lines["leaf"].where(is_set, lines["sku"])
    shipped = shop.ledger.loc[shop.ledger["kind"] == MovementKind.SHIPMENT.value, ["reference", "sku", "at"]]
    shipped = shipped.groupby(["reference", "sku"], sort=False)["at"].min().rename("shipped_at")
    lines = lines.join(shipped, on=["order_number", "sku"])
    cancelled = lines["status"] == "cancelled"
    lines["closed_at"] = lines["shipped_at"].fillna(lines["changed_at"].where(cancelled))
    return lines[["sku", "quantity", "ordered_at", "closed_at"]]


def returns(shop: SampleShop) -> pd.DataFrame:
    """Returned lines; booked = the matching 返品 of the same order and SKU (a set: its order's next 返品)."""
    returned = shop.orders.loc[shop.orders["status"] == "returned", ["order_number", "sku", "changed_at"]]
    returned = returned.sort_values("changed_at", kind="stable")
    returned["n"] = returned.groupby(["order_number", "sku"]).cumcount()  # the n-th return of that SKU
    books = shop.ledger.loc[shop.ledger["kind"] == MovementKind.RETURN.value].sort_values("at", kind="stable")
    by_line = books.assign(n=books.groupby(["reference", "sku"]).cumcount()).set_index(["reference", "sku", "n"])["at"]
    booked = returned.join(by_line.rename("line"), on=["order_number", "sku", "n"])["line"]
    sets = pd.merge_asof(returned[["changed_at", "order_number"]].reset_index(),  # a set: its order's next 返品
                         books[["at", "reference"]].rename(columns={"reference": "order_number"}),
                         left_on="changed_at", right_on="at", by="order_number", direction="forward")
    booked = booked.fillna(sets.set_index("index")["at"])
    return pd.DataFrame({"sku": returned["sku"], "reference": returned["order_number"],
                         "received_at": returned["changed_at"], "booked_at": booked}).reset_index(drop=True)
