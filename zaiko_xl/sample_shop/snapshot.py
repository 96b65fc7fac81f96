"""Frames at ``as_of``: orders with their status, ledger, inbound, warehouse rows, RMS stock."""

from __future__ import annotations

import numpy as np
import pandas as pd

from zaiko_xl.domain.bom import split_sellable
from zaiko_xl.domain.model import RMS_MAX_STOCK, MovementKind, OrderStatus
from zaiko_xl.sample_shop.calendar import CHANNELS
from zaiko_xl.sample_shop.catalog import CATEGORIES, Catalog
from zaiko_xl.sample_shop.demand import Lines
from zaiko_xl.sample_shop.drift import drift_codes
from zaiko_xl.sample_shop.fulfilment import CANCEL, EXCHANGE, REFUSED, RETURN, Fulfilment, Units
from zaiko_xl.sample_shop.simulate import Outcome

KIND_LABELS = np.array([k.value for k in MovementKind], dtype=object)  # same order as simulate's codes
STATUS_LABELS = np.array([s.value for s in OrderStatus], dtype=object)  # unshipped shipped cancelled returned
UNSHIPPED, SHIPPED, CANCELLED, RETURNED = range(4)
RAKUTEN_SHOP_ID = "398520"
WAREHOUSE_NOTICE_NS = 30 * 60 * 10**9  # the warehouse learns of an order 30 minutes after it is placed


def order_numbers(lines: Lines) -> np.ndarray:
    """Order number per line in each channel's own format (lines of one order share it)."""
    n_orders = int(lines.order.max()) + 1 if len(lines.order) else 0
    first = np.empty(n_orders, dtype=np.int64)
    first[lines.order[::-1]] = np.arange(len(lines.order))[::-1]  # first line of each order
    channel = lines.channel[first]
    day = lines.ordered_at[first].astype("datetime64[D]")
    ymd = ((day.astype("datetime64[Y]").astype(int) + 1970) * 10_000
           + (day.astype("datetime64[M]").astype(int) % 12 + 1) * 100
           + (day - day.astype("datetime64[M]")).astype(int) + 1)
    numbers = np.empty(n_orders, dtype=object)
    for ch, fmt in enumerate((_rakuten, _yahoo, _amazon)):
        hit = np.flatnonzero(channel == ch)
        numbers[hit] = [fmt(seq, d) for seq, d in zip(range(1, len(hit) + 1), ymd[hit].tolist(), strict=True)]
    return numbers[lines.order]


def _rakuten(seq: int, ymd: int) -> str:
    return f"{RAKUTEN_SHOP_ID}-{ymd}-{seq:010d}"


def _yahoo(seq: int, ymd: int) -> str:
    return f"zaiko-store-{10_000_000 + seq}"


def _amazon(seq: int, ymd: int) -> str:
    return f"{249 + seq % 4}-{(seq * 7_919 + 1_234_567) % 10**7:07d}-{(seq * 104_729 + 7_654_321) % 10**7:07d}"


def orders_frame(catalog: Catalog, lines: Lines, ful: Fulfilment, out: Outcome, numbers: np.ndarray,
                 as_of: np.datetime64) -> pd.DataFrame:
    status = np.full(len(lines.day), UNSHIPPED)
    changed = np.full(len(lines.day), np.datetime64("NaT"), dtype="datetime64[ns]")
    reason = np.full(len(lines.day), "", dtype=object)  # why a cancelled line was cancelled (data-contracts §9)
    cancelled_early = (ful.event == CANCEL) & (ful.event_at <= as_of)
    status[cancelled_early], changed[cancelled_early] = CANCELLED, ful.event_at[cancelled_early]
    reason[cancelled_early] = "customer"
    status[out.out_of_stock], changed[out.out_of_stock] = CANCELLED, ful.ship_at[out.out_of_stock]
    reason[out.out_of_stock] = "stockout"
    status[out.shipped], changed[out.shipped] = SHIPPED, ful.ship_at[out.shipped]
    done = out.event_done
    for event, final in ((RETURN, RETURNED), (REFUSED, CANCELLED)):
        hit = done & (ful.event == event)
        status[hit], changed[hit] = final, ful.event_at[hit]
    reason[done & (ful.event == REFUSED)] = "customer"  # refused at delivery
    swapped = done & (ful.event == EXCHANGE) & out.swapped_to_return
    status[swapped], changed[swapped] = RETURNED, ful.event_at[swapped]
    return pd.DataFrame({
        "order_number": pd.array(numbers, dtype="str"),
        "channel": pd.array(np.array(CHANNELS, dtype=object)[lines.channel], dtype="str"),
        "sku": pd.array(catalog.items["sku"].to_numpy(dtype=object)[lines.sku], dtype="str"),
        "quantity": lines.quantity.astype(np.int64),
        "status": pd.array(STATUS_LABELS[status], dtype="str"),
        "ordered_at": lines.ordered_at.astype("datetime64[ns]"),
        "changed_at": changed,
        "cancel_reason": pd.array(reason, dtype="str"),
    })


def ledger_frame(catalog: Catalog, out: Outcome) -> pd.DataFrame:
    j = out.journal
    at = np.concatenate(j.at)
    order = np.argsort(at, kind="stable")
    skus = catalog.items["sku"].to_numpy(dtype=object)
    return pd.DataFrame({
        "sku": pd.array(skus[np.concatenate(j.sku)[order]], dtype="str"),
        "kind": pd.array(KIND_LABELS[np.concatenate(j.kind)[order]], dtype="str"),
        "quantity": np.concatenate(j.quantity)[order],
        "at": at[order],
        "reference": pd.array(np.concatenate(j.reference)[order], dtype="str"),
    })


def inbound_frame(catalog: Catalog, suppliers: pd.DataFrame, out: Outcome, days: np.ndarray,
                  as_of: np.datetime64) -> pd.DataFrame:
    parts = [np.concatenate(col) for col in zip(*out.journal.orders, strict=True)]
    sku, qty, ordered, expected, sup, ref, at = parts
    last = len(days) - 1
    frame = pd.DataFrame({
        "sku": pd.array(catalog.items["sku"].to_numpy(dtype=object)[sku], dtype="str"),
        "quantity": qty.astype(np.int64),
        "expected_on": _day(days, expected, last),
        "supplier": pd.array(suppliers["supplier"].to_numpy(dtype=object)[sup], dtype="str"),
        "reference": pd.array(ref, dtype="str"),
        "received_at": np.where(at <= as_of, at, np.datetime64("NaT")).astype("datetime64[ns]"),
        "ordered_on": days[ordered],
    })
    return frame.sort_values(["ordered_on", "reference", "sku"], kind="stable").reset_index(drop=True)


def _day(days: np.ndarray, index: np.ndarray, last: int) -> np.ndarray:
    beyond = np.maximum(index - last, 0).astype("timedelta64[D]")
    return days[np.minimum(index, last)] + beyond


def allocations(units: Units, lines: Lines, statuses: pd.Series, n_items: int,
                before: np.datetime64 | None = None) -> np.ndarray:
    """Units of unshipped lines per item index (set lines as components), ordered up to ``before``."""
    open_line = (statuses.to_numpy() == OrderStatus.UNSHIPPED.value)
    if before is not None:
        open_line &= lines.ordered_at <= before
    hit = open_line[units.line]
    return np.bincount(units.sku[hit], weights=units.quantity[hit], minlength=n_items).astype(np.int64)


def warehouse_frame(catalog: Catalog, stock: np.ndarray, reserved: np.ndarray, last_move: np.ndarray,
                    as_of: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    leaf = np.flatnonzero(~catalog.items["is_set"].to_numpy())
    codes, _ = drift_codes(catalog.items["warehouse_code"].to_numpy(dtype=object)[leaf], rng)
    food = np.array([CATEGORIES[c].food for c in catalog.category[leaf]])
    zone = np.array(["A", "A", "A", "B", "C", "B", "D", "D"])[catalog.category[leaf]]
    slot = rng.permutation(len(leaf))
    location = [f"{z}-{s // 200 + 1:02d}-{s // 10 % 20 + 1:02d}-{s % 10 + 1:02d}" for z, s in zip(zone, slot, strict=True)]
    lot_day = as_of.normalize() - pd.to_timedelta(rng.integers(10, 120, size=len(leaf)), unit="D")
    expiry = as_of.normalize() + pd.to_timedelta(rng.integers(90, 400, size=len(leaf)), unit="D")
    frame = pd.DataFrame({
        "warehouse_code": pd.array(codes, dtype="str"),
        "on_hand": stock[leaf], "reserved": reserved[leaf], "available": stock[leaf] - reserved[leaf],
        "location": pd.array(location, dtype="str"),
        "lot": pd.array(np.where(food, "L" + lot_day.strftime("%y%m%d").to_numpy(dtype=object), np.nan), dtype="str"),
        "expiry": pd.Series(np.where(food, expiry.to_numpy(), np.datetime64("NaT"))).astype("datetime64[ns]"),
        "updated_at": last_move[leaf].astype("datetime64[ns]"),
    })
    return frame.sort_values("location", kind="stable").reset_index(drop=True)


def rms_frame(catalog: Catalog, sellable: pd.Series, as_of: pd.Timestamp, rng: np.random.Generator) -> pd.DataFrame:
    """RMS stock = the set-rule split of ``on_hand - A`` (buffer 0), capped at RMS's maximum."""
    split = split_sellable(sellable, catalog.bom, catalog.set_rules).quantities()
    items = catalog.items
    quantity = split.reindex(items["sku"]).fillna(0).clip(upper=RMS_MAX_STOCK).astype(np.int64).to_numpy()
    minutes = rng.integers(5, 60, size=len(items))
    return pd.DataFrame({
        "manage_number": items["manage_number"].to_numpy(), "variant_id": items["variant_id"].to_numpy(),
        "quantity": quantity,
        "updated": (as_of - pd.to_timedelta(minutes, unit="min")).to_numpy().astype("datetime64[ns]"),
    })
