"""What one sync cycle reads: the shop (item master, set structure, warehouse file, other
channels' orders) and the RMS order lines that changed since the last cycle.

Codes are resolved to the shop's ``sku`` here (``domain.sku``); lines and rows that resolve to
no SKU are counted (``unmatched``) and left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from zaiko_xl.domain.model import Channel, RmsSkuKey
from zaiko_xl.domain.rms import CANCELLED_PROGRESS, UNSHIPPED_PROGRESS
from zaiko_xl.domain.sku import match_codes, match_warehouse_codes
from zaiko_xl.domain.sync_plan import LINE_COLUMNS, SyncMemory
from zaiko_xl.errors import InputError
from zaiko_xl.ports import OrderExportSource, RmsOrders, WarehouseSource, WorkbookSource
from zaiko_xl.services.ingest import pull_files


@dataclass(frozen=True)
class Shop:
    """The shop as one cycle sees it (every frame keyed by ``sku``)."""

    items: pd.DataFrame  # sku, manage_number, variant_id, group (one row per SKU, sets included)
    bom: pd.DataFrame | None
    set_rules: pd.DataFrame | None
    on_hand: pd.Series  # sku -> warehouse on hand
    warehouse_at: datetime | None  # the newest updated_at of the warehouse file
    other_orders: pd.DataFrame  # orders contract, channels other than rakuten, sku resolved
    unmatched: int = 0
    updated_at: pd.Series | None = None  # sku -> the newest updated_at of its warehouse rows

    def warehouse_values(self) -> pd.DataFrame:
        """The warehouse number of every SKU with an RMS key (0 without a row), for the update
        latency (``domain.sync_latency.VALUE_COLUMNS``)."""
        keyed = self.keys()["sku"]
        stamps = self.updated_at if self.updated_at is not None else pd.Series(dtype="datetime64[ns]")
        return pd.DataFrame({"sku": keyed.to_numpy(dtype=object), "source": "warehouse",
                             "value": keyed.map(self.on_hand).fillna(0).to_numpy(dtype="int64"),
                             "changed_at": pd.to_datetime(keyed.map(stamps)).to_numpy(dtype="datetime64[ns]")})

    def keys(self) -> pd.DataFrame:
        """SKUs with an RMS key (the ones a push can write)."""
        keyed = self.items["manage_number"].notna() & self.items["variant_id"].notna()
        return self.items.loc[keyed, ["sku", "manage_number", "variant_id"]]


def read_shop(book: WorkbookSource, warehouse: WarehouseSource, other_orders: Sequence[OrderExportSource]) -> Shop:
    """Item master, mapping and set structure from the workbook; warehouse and other orders from files."""
    items = book.read_sheet("items")
    items = items[items["sku"].notna()].drop_duplicates("sku").assign(
        sku=lambda f: f["sku"].astype(str), manage_number=lambda f: f["manage_number"].str.lower())
    mapping = _optional(book, "mapping")
    bom, set_rules = _bom(_optional(book, "bom"))
    files = pull_files(warehouse=warehouse, orders=other_orders)
    wh = files.warehouse.frame if files.warehouse is not None else pd.DataFrame(columns=["warehouse_code", "on_hand"])
    matched = match_warehouse_codes(wh["warehouse_code"].astype(str), items["sku"], mapping if mapping is not None
                                    else items).resolved
    on_hand = wh["on_hand"].groupby(matched["sku"].to_numpy()).sum().astype("int64")
    stamps = pd.to_datetime(wh["updated_at"]) if "updated_at" in wh else pd.Series(pd.NaT, index=wh.index)
    stamp = stamps.max()
    others, unmatched = _other_orders(files.orders.frame if files.orders is not None else None, items)
    return Shop(items=items.loc[:, ["sku", "manage_number", "variant_id", "group"]].reset_index(drop=True), bom=bom,
                set_rules=set_rules, on_hand=on_hand, warehouse_at=None if pd.isna(stamp) else stamp.to_pydatetime(),
                other_orders=others, unmatched=int(matched["sku"].isna().sum()) + unmatched,
                updated_at=stamps.groupby(matched["sku"].to_numpy()).max())


def read_rakuten_lines(orders: RmsOrders, shop: Shop, previous: SyncMemory | None, *, now: datetime,
                       lookback: timedelta, margin: timedelta) -> pd.DataFrame:
    """RMS order lines a cycle needs (``LINE_COLUMNS``): open now, left the open set since the
    last cycle, placed since then and cancelled. Lines of orders still open are not fetched again."""
    open_numbers = orders.search(now - lookback, now, sorted(UNSHIPPED_PROGRESS))
    known = previous.lines if previous is not None else pd.DataFrame(columns=list(LINE_COLUMNS))
    known_open = known[known["status"] == "unshipped"]
    left = sorted(set(known_open["order_number"]) - set(open_numbers))
    recent_cancels = orders.search(previous.read_at - margin, now, sorted(CANCELLED_PROGRESS)) if previous else []
    known_cancelled = known[known["status"] == "cancelled"]
    fetch = sorted((set(open_numbers) - set(known_open["order_number"])) | set(left)
                   | (set(recent_cancels) - set(known_cancelled["order_number"])))
    fetched = _to_sku(orders.get(fetch), shop.items) if fetch else pd.DataFrame(columns=list(LINE_COLUMNS))
    kept = pd.concat([known_open[known_open["order_number"].isin(open_numbers)],
                      known_cancelled[known_cancelled["order_number"].isin(recent_cancels)]])
    return pd.concat([kept, fetched], ignore_index=True).loc[:, list(LINE_COLUMNS)]


def keys_of(frame: pd.DataFrame) -> list[RmsSkuKey]:
    return [RmsSkuKey(m, v) for m, v in zip(frame["manage_number"], frame["variant_id"], strict=True)]


# ------------------------------------------------------------------ helpers
def _optional(book: WorkbookSource, sheet: str) -> pd.DataFrame | None:
    try:
        frame = book.read_sheet(sheet)
    except InputError:
        return None
    return frame if not frame.empty else None


def _bom(sheet: pd.DataFrame | None) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    if sheet is None:
        return None, None
    bom = sheet.loc[:, ["set_sku", "component_sku", "quantity"]].astype({"set_sku": str, "component_sku": str})
    rules = sheet.dropna(subset=["priority"]).drop_duplicates("set_sku").loc[:, ["set_sku", "priority", "cap"]]
    return bom, rules if not rules.empty else None


def _to_sku(lines: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    keyed = items.dropna(subset=["manage_number", "variant_id"])
    lookup = pd.Series(keyed["sku"].to_numpy(), index=(keyed["manage_number"] + ":" + keyed["variant_id"]).to_numpy())
    key = lines["manage_number"].astype(str).str.lower() + ":" + lines["variant_id"].astype(str)
    out = lines.assign(sku=key.map(lookup)).dropna(subset=["sku"])
    return out.groupby(["order_number", "sku"], as_index=False).agg(
        quantity=("quantity", "sum"), status=("status", "first"), ordered_at=("ordered_at", "first"),
        changed_at=("changed_at", "first")).loc[:, list(LINE_COLUMNS)]


def _other_orders(frame: pd.DataFrame | None, items: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    columns = ["order_number", "channel", "sku", "quantity", "status", "ordered_at", "changed_at"]
    if frame is None or frame.empty:
        return pd.DataFrame(columns=columns), 0
    frame = frame[frame["channel"].astype(str) != Channel.RAKUTEN.value]  # RMS's own orders come from the API
    resolved = match_codes(frame["sku"].astype(str), items["sku"]).resolved
    out = frame.assign(sku=resolved["sku"].to_numpy())
    return out.dropna(subset=["sku"]).loc[:, columns], int(out["sku"].isna().sum())
