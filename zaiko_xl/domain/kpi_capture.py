"""What a pull records as KPI history (docs/data-contracts.md §9), built from the pulled frames. Pure.

- ``stock_history``: one row per master SKU that RMS or the warehouse file has a number of, for
  the pull's JST day. ``on_hand`` = the warehouse file's ``on_hand`` summed per resolved SKU, 0
  when the file has no row of it (the WMS holds none; a set is kept as its components, so a set
  is 0 unless the file lists it). ``sellable`` = the RMS quantity summed per resolved SKU, 0 when
  RMS has no record of it (RMS offers none). Sets are measured under the set SKU, like their
  orders: a set RMS shows as sold out with demand is a stockout; its sales count as sold while
  its physical units stay with the components.
- ``orders``: the pulled order lines (RMS and other channels) resolved to a SKU, with
  ``cancel_reason`` of cancelled RMS orders (other channels' files carry none: ``""``).
- ``returns``: returned lines with a return time (``received_at`` = the line's ``changed_at``),
  ``booked_at`` = the ledger's first 返品 of the same order and SKU, else of the same order (a
  set comes back as its components); NaT while the ledger has none.
- ``items``: the master's positive ``unit_cost``; a set without one costs its components'
  (セット構成, when every component has a cost).

Rows whose code matched no SKU are left out: the KPIs are per SKU.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from zaiko_xl.domain.bom import explode_bom
from zaiko_xl.domain.model import Channel, MovementKind, OrderStatus

KPI_ORDER_COLUMNS = ("order_number", "channel", "sku", "quantity", "status", "ordered_at", "changed_at",
                     "cancel_reason")


@dataclass(frozen=True)
class PulledForKpi:
    """The frames of one pull that the KPI history is built from (codes already resolved to ``sku``)."""

    at: datetime  # the pull's time (JST, naive): its day is the stock history's day
    items: pd.DataFrame  # the item master: sku, unit_cost (optional)
    bom: pd.DataFrame | None  # セット構成: set_sku, component_sku, quantity
    rms_stock: pd.DataFrame  # the RMS在庫 rows: sku (blank when unmatched), quantity
    warehouse: pd.DataFrame  # the 倉庫在庫 rows: sku, on_hand
    orders: pd.DataFrame  # the 受注 rows: order_number, channel, sku, quantity, status, ordered_at, changed_at
    cancel_reasons: pd.Series  # RMS order number -> cancel reason ("" when not cancelled or unknown)
    ledger: pd.DataFrame  # movements: sku (resolved), kind, quantity, at, reference


def kpi_frames(pulled: PulledForKpi) -> dict[str, pd.DataFrame]:
    """Frame name -> frame, ready for ``KpiRecorder.record`` (items only when the master has costs)."""
    orders = order_lines(pulled.orders, pulled.cancel_reasons)
    frames = {"stock_history": stock_rows(pulled.rms_stock, pulled.warehouse, pulled.at), "orders": orders,
              "returns": returned_lines(orders, pulled.ledger)}
    costs = unit_costs(pulled.items, pulled.bom)
    if len(costs):
        frames["items"] = costs
    return frames


def _matched(frame: pd.DataFrame) -> pd.DataFrame:
    sku = frame["sku"]
    return frame.loc[sku.notna() & (sku.astype("str") != "")]


def stock_rows(rms_stock: pd.DataFrame, warehouse: pd.DataFrame, at: datetime) -> pd.DataFrame:
    """sku, day, on_hand, sellable of every SKU RMS or the warehouse has a number of (see the module docstring)."""
    sellable = _matched(rms_stock).groupby("sku", sort=False)["quantity"].sum()
    on_hand = _matched(warehouse).groupby("sku", sort=False)["on_hand"].sum()
    skus = sellable.index.union(on_hand.index)
    return pd.DataFrame({"sku": skus.astype("str"), "day": pd.Timestamp(at).normalize(),
                         "on_hand": on_hand.reindex(skus, fill_value=0).to_numpy(np.int64),
                         "sellable": sellable.reindex(skus, fill_value=0).to_numpy(np.int64)})


def order_lines(orders: pd.DataFrame, cancel_reasons: pd.Series) -> pd.DataFrame:
    """Resolved order lines with ``cancel_reason`` (of cancelled RMS lines; ``""`` otherwise)."""
    lines = _matched(orders).reset_index(drop=True)
    rms_cancel = (lines["channel"] == Channel.RAKUTEN.value) & (lines["status"] == OrderStatus.CANCELLED.value)
    mapped = lines["order_number"].map(cancel_reasons)
    reason = np.where(rms_cancel & mapped.notna(), mapped.astype(object), "")
    return lines.assign(cancel_reason=pd.Series(reason, index=lines.index, dtype="str"))[list(KPI_ORDER_COLUMNS)]


def returned_lines(orders: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """sku, reference, received_at, booked_at of each returned line with a return time."""
    returned = orders.loc[(orders["status"] == OrderStatus.RETURNED.value) & orders["changed_at"].notna(),
                          ["sku", "order_number", "changed_at"]].reset_index(drop=True)
    books = _matched(ledger.reindex(columns=["sku", "kind", "at", "reference"]))
    books = books.loc[books["kind"] == MovementKind.RETURN.value].rename(columns={"reference": "order_number"})
    books = books.assign(at=pd.to_datetime(books["at"]).astype("datetime64[ns]"),  # an absent column is float NaN
                         order_number=books["order_number"].fillna("").astype("str"), sku=books["sku"].astype("str"))
    returned = returned.astype({"order_number": "str", "sku": "str"})
    by_line = books.groupby(["order_number", "sku"], as_index=False)["at"].min().rename(columns={"at": "line"})
    by_order = books.groupby("order_number", as_index=False)["at"].min().rename(columns={"at": "order"})
    paired = returned.merge(by_line, on=["order_number", "sku"], how="left").merge(by_order, on="order_number",
                                                                                   how="left")
    return pd.DataFrame({"sku": paired["sku"].astype("str"), "reference": paired["order_number"].astype("str"),
                         "received_at": paired["changed_at"].astype("datetime64[ns]"),
                         "booked_at": paired["line"].fillna(paired["order"]).astype("datetime64[ns]")})


def unit_costs(items: pd.DataFrame, bom: pd.DataFrame | None) -> pd.DataFrame:
    """sku, unit_cost (int yen) of the SKUs with a positive cost; sets without one cost their components'."""
    if "unit_cost" not in items:
        return pd.DataFrame({"sku": pd.Series(dtype="str"), "unit_cost": pd.Series(dtype="int64")})
    cost = pd.to_numeric(items["unit_cost"], errors="coerce")
    known = pd.Series(cost.to_numpy(dtype=float), index=items["sku"].astype("str")).loc[lambda c: c > 0]
    known = known[~known.index.duplicated(keep="last")]
    if bom is not None and len(bom):
        leaves = explode_bom(bom)
        leaves = leaves.loc[~leaves["set_sku"].isin(known.index)]
        leaf_cost = leaves["component_sku"].map(known) * leaves["quantity"]
        priced = leaf_cost.notna().groupby(leaves["set_sku"]).all()
        sets = leaf_cost.groupby(leaves["set_sku"]).sum()[priced]
        known = pd.concat([known, sets.loc[sets > 0]])
    return pd.DataFrame({"sku": known.index.astype("str"), "unit_cost": known.round().to_numpy(np.int64)})
